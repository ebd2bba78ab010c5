"""A write-only XLSX workbook: SpreadsheetML parts in a zip, each sheet streamed as its rows
come, in the few styles ``report.xlsx`` uses.

Why not openpyxl or XlsxWriter: both build an object a cell (a ``WriteOnlyCell``, a dict of
attributes) and write it through an XML writer. The workbook of a folder of 1,000 logs
(10,518 findings, 9,383 violations: 29,290 rows, 400,958 cells) added 17.8 s to a 4.9 s
scan with openpyxl on the 2026-12-07 machine; XlsxWriter wrote 527,000 cells of rows shaped
like the register's in 6.3-8.1 s. A row here is one formatted string
(``benchmarks/README.md``, "The reports of a folder of many logs").
What Excel requires of the parts is kept: the ECMA-376 order of a sheet's elements, cells
with their references, inline strings (``t="inlineStr"``, which Excel, LibreOffice and
openpyxl read), text without the control characters XML 1.0 forbids and no longer than a
cell holds (32,767 characters), dates as serial days from 1899-12-30 with a date format.
The tests read every workbook back with openpyxl, an independent reader.
"""

from __future__ import annotations

import datetime as dt
import re
import shutil
import tempfile
import zipfile
from collections.abc import Callable, Iterable
from typing import IO
from xml.sax.saxutils import escape, quoteattr

#: The longest text a cell holds, and the most rows a sheet holds (Excel's specification and
#: limits: a longer sheet does not open whole).
MAX_CELL_TEXT = 32_767
MAX_ROWS = 1_048_576
#: Rows formatted before each write to the zip entry.
_BATCH = 512
#: Characters XML 1.0 does not allow (and lone surrogates, which UTF-8 cannot encode).
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
_EPOCH = dt.datetime(1899, 12, 30)

# Style indexes into styles.xml's cellXfs (below): every data cell wraps its text at the top.
HEADER, PLAIN, DATE, SHARE = 1, 2, 3, 4
_STYLES = """<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<styleSheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">\
<numFmts count="2"><numFmt numFmtId="164" formatCode="DD.MM.YYYY"/>\
<numFmt numFmtId="165" formatCode="0.0%"/></numFmts>\
<fonts count="2"><font><sz val="11"/><name val="Calibri"/><family val="2"/></font>\
<font><b/><sz val="11"/><color rgb="FFFFFFFF"/><name val="Calibri"/><family val="2"/></font>\
</fonts>\
<fills count="3"><fill><patternFill patternType="none"/></fill>\
<fill><patternFill patternType="gray125"/></fill>\
<fill><patternFill patternType="solid"><fgColor rgb="FF{head_fill}"/><bgColor indexed="64"/>\
</patternFill></fill></fills>\
<borders count="1"><border><left/><right/><top/><bottom/><diagonal/></border></borders>\
<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs>\
<cellXfs count="5"><xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/>\
<xf numFmtId="0" fontId="1" fillId="2" borderId="0" xfId="0" applyFont="1" applyFill="1" \
applyAlignment="1"><alignment vertical="top" wrapText="1"/></xf>\
<xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0" applyAlignment="1">\
<alignment vertical="top" wrapText="1"/></xf>\
<xf numFmtId="164" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1" \
applyAlignment="1"><alignment vertical="top" wrapText="1"/></xf>\
<xf numFmtId="165" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1" \
applyAlignment="1"><alignment vertical="top" wrapText="1"/></xf></cellXfs>\
<cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles>\
</styleSheet>"""
_MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_PKG_REL = "http://schemas.openxmlformats.org/package/2006/relationships"
_XML_HEAD = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'


def column_letter(index: int) -> str:
    """The letters of the 0-based column ``index``: 0 -> A, 25 -> Z, 26 -> AA."""
    out = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        out = chr(65 + rest) + out
    return out


def text(value: str) -> str:
    """``value`` as a cell's text in XML: escaped, without the characters XML 1.0 forbids,
    cut to what a cell holds."""
    if len(value) > MAX_CELL_TEXT:
        value = value[:MAX_CELL_TEXT]
    return escape(_NOT_XML.sub("", value))


def _cell(ref: str, value: object, style: int | None) -> str:
    """One ``<c>`` element. ``style``: None picks by the value (a date: DATE, a float:
    SHARE, else PLAIN). An empty cell is written too, with its style: a row holds every
    column, as a reader that pads rows by the sheet's dimension expects (none is written:
    the rows are streamed), and an empty cell wraps like the others."""
    kind = type(value)
    if kind is str:
        return (f'<c r="{ref}" s="{style or PLAIN}" t="inlineStr"><is><t xml:space="preserve">'
                f"{text(value)}</t></is></c>")  # type: ignore[arg-type]
    if value is None:
        return f'<c r="{ref}" s="{style or PLAIN}"/>'
    if kind is bool:
        return f'<c r="{ref}" s="{style or PLAIN}" t="b"><v>{int(value)}</v></c>'  # type: ignore[call-overload]
    if kind is int:
        return f'<c r="{ref}" s="{style or PLAIN}"><v>{value}</v></c>'
    if kind is float:
        if value != value or value in (float("inf"), float("-inf")):  # no number in a cell
            return f'<c r="{ref}" s="{style or SHARE}"/>'
        return f'<c r="{ref}" s="{style or SHARE}"><v>{value!r}</v></c>'
    if isinstance(value, dt.datetime):
        serial = (value.replace(tzinfo=None) - _EPOCH) / dt.timedelta(days=1)
        return f'<c r="{ref}" s="{style or DATE}"><v>{serial!r}</v></c>'
    if isinstance(value, dt.date):
        serial = (value - _EPOCH.date()).days
        return f'<c r="{ref}" s="{style or DATE}"><v>{serial}</v></c>'
    return _cell(ref, str(value), style)


class Workbook:
    """An XLSX file written into ``out`` (a binary file open for writing) a sheet at a
    time: :meth:`sheet` writes one whole, :meth:`close` the parts that list the sheets.
    ``creator`` and ``created`` (UTC; now when None) are its document properties."""

    def __init__(self, out: IO[bytes], creator: str, head_fill: str = "FFFFFF",
                 created: dt.datetime | None = None) -> None:
        self._zip = zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED,
                                    compresslevel=6)
        self._creator = creator
        self._head_fill = head_fill  # the header cells' RGB fill, six hex digits
        self._created = created or dt.datetime.now(dt.UTC)
        self._sheets: list[tuple[str, str]] = []  # (title, the header row's range)

    def __enter__(self) -> Workbook:
        return self

    def __exit__(self, kind, error, traceback) -> None:
        """Closes the workbook; after an error only the zip, so that it writes nothing to a
        file its writer is about to drop (``atomic_open``)."""
        if kind is None:
            self.close()
        else:
            self._zip.close()

    def sheet(self, title: str, headers: list[str], widths: list[int],
              rows: Iterable[Iterable[object]],
              more: Callable[[int], str] | None = None) -> int:
        """A sheet named ``title``: ``headers`` as its first row, bold on the header fill,
        frozen and filtered, ``widths`` of its columns in characters; then ``rows``, each a
        sequence of values (str, int, float as a share, date, datetime, bool or None for an
        empty cell). Rows past what a sheet holds (:data:`MAX_ROWS`) are left out, the last
        row saying ``more(rows left out)`` instead; returns how many were left out."""
        number = len(self._sheets) + 1
        last = column_letter(len(headers) - 1)
        self._sheets.append((title, f"$A$1:${last}$1"))
        width = len(headers)
        letters = [column_letter(i) for i in range(max(width, 1))]
        cols = "".join(f'<col min="{i + 1}" max="{i + 1}" width="{w}" customWidth="1"/>'
                       for i, w in enumerate(widths))
        # The sheet is written whole to a temporary file first, so that the zip knows its size
        # and uses ZIP64 only for a sheet past 2 GiB: some Excel versions (Excel 2011 for Mac)
        # refuse ZIP64 records, which a stream of unknown size must otherwise carry.
        with tempfile.TemporaryFile() as f:
            f.write((
                f'{_XML_HEAD}<worksheet xmlns="{_MAIN}" xmlns:r="{_REL}">'
                '<sheetViews><sheetView workbookViewId="0">'
                '<pane ySplit="1" topLeftCell="A2" activePane="bottomLeft" state="frozen"/>'
                '<selection pane="bottomLeft" activeCell="A2" sqref="A2"/>'
                '</sheetView></sheetViews><sheetFormatPr defaultRowHeight="15"/>'
                f"{f'<cols>{cols}</cols>' if cols else ''}<sheetData>"
                + _row(1, letters, headers, HEADER)).encode())
            batch: list[str] = []
            left_out = 0
            rows = iter(rows)
            for r, row in enumerate(rows, 2):
                if r == MAX_ROWS:  # the sheet's last row: this one if it is the last
                    left_out = sum(1 for _ in rows)
                    if left_out:
                        left_out += 1
                        row = [(more or str)(left_out)]
                values = list(row)
                if len(values) < width:  # every row as wide as the headers
                    values += [None] * (width - len(values))
                while len(letters) < len(values):  # a row wider than its headers
                    letters.append(column_letter(len(letters)))
                batch.append(_row(r, letters, values, None))
                if len(batch) >= _BATCH:
                    f.write("".join(batch).encode())
                    batch.clear()
            f.write(("".join(batch) + f'</sheetData><autoFilter ref="A1:{last}1"/>'
                     "</worksheet>").encode())
            size = f.tell()
            f.seek(0)
            with self._zip.open(f"xl/worksheets/sheet{number}.xml", "w",
                                force_zip64=size >= zipfile.ZIP64_LIMIT) as entry:
                shutil.copyfileobj(f, entry, 1 << 20)
        return left_out

    def close(self) -> None:
        """Writes the workbook, its relationships, styles and properties, and closes the zip."""
        z = self._zip
        names = "".join(
            f'<sheet name={quoteattr(title)} sheetId="{i}" r:id="rId{i}"/>'
            for i, (title, _) in enumerate(self._sheets, 1))
        filters = "".join(
            f'<definedName name="_xlnm._FilterDatabase" localSheetId="{i}" hidden="1">'
            f"{text(_quoted(title))}!{ref}</definedName>"
            for i, (title, ref) in enumerate(self._sheets))
        z.writestr("xl/workbook.xml", (
            f'{_XML_HEAD}<workbook xmlns="{_MAIN}" xmlns:r="{_REL}">'
            '<bookViews><workbookView/></bookViews>'
            f"<sheets>{names}</sheets>"
            f"{f'<definedNames>{filters}</definedNames>' if filters else ''}"
            "</workbook>"))
        n = len(self._sheets)
        rels = "".join(
            f'<Relationship Id="rId{i}" Type="{_REL}/worksheet" '
            f'Target="worksheets/sheet{i}.xml"/>' for i in range(1, n + 1))
        z.writestr("xl/_rels/workbook.xml.rels", (
            f'{_XML_HEAD}<Relationships xmlns="{_PKG_REL}">{rels}'
            f'<Relationship Id="rId{n + 1}" Type="{_REL}/styles" Target="styles.xml"/>'
            "</Relationships>"))
        z.writestr("xl/styles.xml", _STYLES.replace("{head_fill}", self._head_fill))
        created = self._created
        if created.tzinfo is not None:
            created = created.astimezone(dt.UTC)
        now = created.strftime("%Y-%m-%dT%H:%M:%SZ")
        z.writestr("docProps/core.xml", (
            f"{_XML_HEAD}<cp:coreProperties "
            'xmlns:cp="http://schemas.openxmlformats.org/package/2006/metadata/core-properties" '
            'xmlns:dc="http://purl.org/dc/elements/1.1/" '
            'xmlns:dcterms="http://purl.org/dc/terms/" '
            'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">'
            f"<dc:creator>{text(self._creator)}</dc:creator>"
            f'<dcterms:created xsi:type="dcterms:W3CDTF">{now}</dcterms:created>'
            f'<dcterms:modified xsi:type="dcterms:W3CDTF">{now}</dcterms:modified>'
            "</cp:coreProperties>"))
        z.writestr("docProps/app.xml", (
            f"{_XML_HEAD}<Properties xmlns="
            '"http://schemas.openxmlformats.org/officeDocument/2006/extended-properties">'
            "<Application>derbes</Application></Properties>"))
        z.writestr("_rels/.rels", (
            f'{_XML_HEAD}<Relationships xmlns="{_PKG_REL}">'
            f'<Relationship Id="rId1" Type="{_REL}/officeDocument" Target="xl/workbook.xml"/>'
            '<Relationship Id="rId2" Type="http://schemas.openxmlformats.org/package/2006/'
            'relationships/metadata/core-properties" Target="docProps/core.xml"/>'
            f'<Relationship Id="rId3" Type="{_REL}/extended-properties" '
            'Target="docProps/app.xml"/></Relationships>'))
        sheets = "".join(
            f'<Override PartName="/xl/worksheets/sheet{i}.xml" ContentType="application/'
            'vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
            for i in range(1, n + 1))
        z.writestr("[Content_Types].xml", (
            f"{_XML_HEAD}<Types "
            'xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
            '<Default Extension="rels" '
            'ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
            '<Default Extension="xml" ContentType="application/xml"/>'
            '<Override PartName="/xl/workbook.xml" ContentType="application/'
            'vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
            f"{sheets}"
            '<Override PartName="/xl/styles.xml" ContentType="application/'
            'vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"/>'
            '<Override PartName="/docProps/core.xml" ContentType="application/'
            'vnd.openxmlformats-package.core-properties+xml"/>'
            '<Override PartName="/docProps/app.xml" ContentType="application/'
            'vnd.openxmlformats-officedocument.extended-properties+xml"/>'
            "</Types>"))
        z.close()


def _row(r: int, letters: list[str], values: Iterable[object], style: int | None) -> str:
    cells = "".join([_cell(f"{letters[c]}{r}", v, style) for c, v in enumerate(values)])
    return f'<row r="{r}">{cells}</row>'


def _quoted(title: str) -> str:
    """A sheet's name as a formula refers to it: in apostrophes, each one in it doubled."""
    return "'" + title.replace("'", "''") + "'"
