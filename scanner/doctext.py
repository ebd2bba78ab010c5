"""The text of document formats Python's library does not read: Word 97-2003 (``.doc``),
OpenDocument text (``.odt``) and RTF. Shared by the scan's documents
(``sources.documents``) and the policy reader (``policy.extract.documents``): a policy
published as a ``.doc`` is read as its DOCX would be.
"""

from __future__ import annotations

import re
import struct
import zipfile
from html.parser import HTMLParser
from typing import IO, Any
from xml.etree import ElementTree

#: Why a Word document's text is not read.
ENCRYPTED_DOC = "an encrypted Word document"
LEGACY_DOC = "a Word document older than Word 97 (.doc; save it as DOCX to have it read)"


#: The OLE2 compound file's first bytes (a Word 97-2003 document is one).
_OLE2 = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
#: Word's special characters in its text, and what they read as: paragraph and line ends,
#: a table's cell end (two at a row's end), a page break.
_WORD_MARKS = str.maketrans({"\r": "\n", "\x0b": "\n", "\x0c": "\n", "\x07": "\t"})
_WORD_FIELD = re.compile("\x13[^\x13\x14\x15]*(?:\x14|\x15)")
_WORD_OBJECTS = re.compile("[\x00-\x06\x08\x0e-\x12\x15-\x1f]")


def word97_text(f: IO[bytes]) -> tuple[str | None, str | None]:
    """``(the text of a Word 97-2003 document, None)``, or ``(None, why it is not read)``:
    an encrypted one, Word 6/95's. Raises ``ValueError`` for a damaged file."""
    try:
        return _word97(f)
    except (OSError, struct.error, IndexError, KeyError, OverflowError) as e:
        # olefile's and the piece table's faults on a damaged file
        raise ValueError(f"not a readable Word document ({type(e).__name__}: {e})") from e


def _word97(f: IO[bytes]) -> tuple[str | None, str | None]:
    """A Word 97-2003 document's text, from its piece table ([MS-DOC]: the FIB at the start
    of the ``WordDocument`` stream gives the table stream and where its CLX lies; each piece
    of text is 8-bit Windows-1252 or UTF-16). Field codes (``HYPERLINK "..."``) are left
    out, their results kept."""
    import olefile

    if f.read(8) != _OLE2:
        return None, LEGACY_DOC
    f.seek(0)
    try:
        ole = olefile.OleFileIO(f)
    except OSError as e:
        raise ValueError(f"not a readable Word document ({e})") from e
    try:
        if not ole.exists("WordDocument"):
            raise ValueError("an OLE2 file that is no Word document")
        word = ole.openstream("WordDocument").read()
        if len(word) < 0x1AA or struct.unpack_from("<H", word, 0)[0] != 0xA5EC:
            return None, LEGACY_DOC  # Word 6/95, whose FIB is another
        flags, = struct.unpack_from("<H", word, 0x0A)
        if flags & 0x0100:
            return None, ENCRYPTED_DOC
        name = "1Table" if flags & 0x0200 else "0Table"
        if not ole.exists(name):
            raise ValueError(f"a Word document without its {name} stream")
        table = ole.openstream(name).read()
    finally:
        ole.close()
    fc_clx, lcb_clx = struct.unpack_from("<II", word, 0x1A2)
    return _word_pieces(word, table[fc_clx:fc_clx + lcb_clx]), None


def _word_pieces(word: bytes, clx: bytes) -> str:
    at = 0
    while at < len(clx) and clx[at] == 1:  # Prc: formatting, passed over
        if at + 3 > len(clx):
            raise ValueError("a damaged Word document (its piece table is cut)")
        at += 3 + struct.unpack_from("<H", clx, at + 1)[0]
    if at + 5 > len(clx) or clx[at] != 2:
        raise ValueError("a damaged Word document (no piece table)")
    size, = struct.unpack_from("<I", clx, at + 1)
    plc = clx[at + 5:at + 5 + size]
    pieces = (len(plc) - 4) // 12
    if pieces <= 0:
        return ""
    cps = struct.unpack_from(f"<{pieces + 1}I", plc, 0)
    parts = []
    for k in range(pieces):
        value, = struct.unpack_from("<I", plc, 4 * (pieces + 1) + 8 * k + 2)
        length = max(0, min(cps[k + 1] - cps[k], len(word)))
        start = value & 0x3FFFFFFF
        if value & 0x40000000:  # 8-bit
            parts.append(word[start // 2:start // 2 + length].decode("cp1252", "replace"))
        else:
            parts.append(word[start:start + 2 * length].decode("utf-16-le", "replace"))
    text = "".join(parts).replace("\x07\x07", "\n")  # a row's end: its last cell's mark too
    text = _WORD_FIELD.sub("", text).translate(_WORD_MARKS)
    return _WORD_OBJECTS.sub("", text)


#: OpenDocument's namespaces as ElementTree writes them before a tag's name (``{...}p``):
#: the ODT reader's here, the ODS reader's (``sources.tabular``).
ODF_TEXT = "{urn:oasis:names:tc:opendocument:xmlns:text:1.0}"
ODF_TABLE = "{urn:oasis:names:tc:opendocument:xmlns:table:1.0}"
ODF_OFFICE = "{urn:oasis:names:tc:opendocument:xmlns:office:1.0}"
ODF_STYLE = "{urn:oasis:names:tc:opendocument:xmlns:style:1.0}"


def odt_text(f: IO[bytes]) -> str:
    """An OpenDocument text's paragraphs and headings, and its tables row by row. A numbered
    list's items open with the numbers the document shows (``1.``, ``2.1.``), which are not
    in its text but in its list styles: a policy's clauses are cited by them."""
    try:
        with zipfile.ZipFile(f) as archive:
            with archive.open("content.xml") as content:
                root = ElementTree.parse(content).getroot()
            styles: dict[str, dict[int, tuple]] = {}
            if "styles.xml" in archive.namelist():
                with archive.open("styles.xml") as named:
                    _odt_list_styles(ElementTree.parse(named).getroot(), styles)
    except (zipfile.BadZipFile, KeyError, ElementTree.ParseError, OSError) as e:
        raise ValueError(f"not a readable ODT file ({type(e).__name__}: {e})") from e
    _odt_list_styles(root, styles)  # the automatic ones, of this document's content
    lines: list[str] = []
    _odt_walk(root, lines, _Numbering(styles))
    return "\n".join(lines)


def _odt_list_styles(root: Any, styles: dict[str, dict[int, tuple]]) -> None:
    """Each list style's numbered levels: level -> (format, prefix, suffix, levels shown,
    start). A level of bullets or pictures is left out: its items have no number."""
    for style in root.iter(f"{ODF_TEXT}list-style"):
        name = style.get(f"{ODF_STYLE}name")
        if not name:
            continue
        levels = styles.setdefault(name, {})
        for level in style.iter(f"{ODF_TEXT}list-level-style-number"):
            try:
                depth = int(level.get(f"{ODF_TEXT}level") or 1)
                shown = int(level.get(f"{ODF_TEXT}display-levels") or 1)
                start = int(level.get(f"{ODF_TEXT}start-value") or 1)
            except ValueError:
                continue
            levels[depth] = (level.get(f"{ODF_STYLE}num-format") or "",
                             level.get(f"{ODF_STYLE}num-prefix") or "",
                             level.get(f"{ODF_STYLE}num-suffix") or "", shown, start)


class _Numbering:
    """The numbers of a document's lists as they go: counts per list style and level. A list
    goes on with the counts of the one before it of its style when it says so
    (``text:continue-numbering``, ``text:continue-list``), and starts afresh otherwise."""

    def __init__(self, styles: dict[str, dict[int, tuple]]) -> None:
        self.styles = styles
        self.counts: dict[str, list[int]] = {}

    def start(self, list_element: Any, style: str | None, depth: int) -> None:
        if depth > 1 or style is None:
            return
        goes_on = (list_element.get(f"{ODF_TEXT}continue-numbering") == "true"
                   or list_element.get(f"{ODF_TEXT}continue-list") is not None)
        if not goes_on:
            self.counts[style] = []

    def next(self, style: str | None, depth: int, item: Any) -> str:
        """The number of the next item at ``depth`` of a list of ``style`` (``""``: none)."""
        levels = self.styles.get(style or "", {})
        counts = self.counts.setdefault(style or "", [])
        while len(counts) < depth:
            below = levels.get(len(counts) + 1)
            counts.append((below[4] if below else 1) - 1)
        del counts[depth:]
        start = item.get(f"{ODF_TEXT}start-value")
        counts[depth - 1] = (int(start) if start and start.isdigit()
                             else counts[depth - 1] + 1)
        level = levels.get(depth)
        if level is None or not level[0]:
            return ""
        _, prefix, suffix, shown, _ = level
        parts = [_odt_number(n, (levels.get(d + 1) or level)[0])
                 for d, n in enumerate(counts) if d >= depth - max(1, shown)]
        return f"{prefix}{'.'.join(parts)}{suffix} "


def _odt_number(n: int, form: str) -> str:
    """``n`` in an ODF number format: ``1``, ``a``/``A``, ``i``/``I`` (else arabic)."""
    if form in ("a", "A"):
        return letters(n, upper=form == "A")
    if form in ("i", "I"):
        return roman(n, upper=form == "I")
    return str(n)


def letters(n: int, upper: bool = False) -> str:
    """``n`` in Latin letters as list numbers are drawn: ``a``..``z``, ``aa``... (``A`` when
    ``upper``)."""
    out = ""
    while n > 0:
        n, rest = divmod(n - 1, 26)
        out = chr(ord("A" if upper else "a") + rest) + out
    return out


def roman(n: int, upper: bool = False) -> str:
    """``n`` in Roman numerals (``iv``; ``IV`` when ``upper``), as list numbers are drawn."""
    numerals = ""
    for value, numeral in ((1000, "m"), (900, "cm"), (500, "d"), (400, "cd"), (100, "c"),
                           (90, "xc"), (50, "l"), (40, "xl"), (10, "x"), (9, "ix"), (5, "v"),
                           (4, "iv"), (1, "i")):
        while n >= value:
            numerals += numeral
            n -= value
    return numerals.upper() if upper else numerals


def _odt_walk(element: Any, lines: list[str], numbering: _Numbering,
              style: str | None = None, depth: int = 0) -> None:
    for child in element:
        if child.tag == f"{ODF_TABLE}table-row":
            cells = [one_line(" ".join("".join(p.itertext()) for p in cell.iter()
                                        if p.tag in (f"{ODF_TEXT}p", f"{ODF_TEXT}h")))
                     for cell in child if cell.tag == f"{ODF_TABLE}table-cell"]
            lines.append("\t".join(cells))
        elif child.tag in (f"{ODF_TEXT}p", f"{ODF_TEXT}h"):
            lines.append("".join(child.itertext()))
        elif child.tag == f"{ODF_TEXT}list":
            inner = child.get(f"{ODF_TEXT}style-name") or style
            numbering.start(child, inner, depth + 1)
            _odt_walk(child, lines, numbering, inner, depth + 1)
        elif child.tag == f"{ODF_TEXT}list-item" and depth:
            number = numbering.next(style, depth, child)
            first = len(lines)
            _odt_walk(child, lines, numbering, style, depth)
            if number and len(lines) > first:
                lines[first] = number + lines[first]
        else:
            _odt_walk(child, lines, numbering, style, depth)


#: Bytes of an RTF file read (its pictures, in hex, make most of a big one).
MAX_RTF = 256 << 20
#: Groups whose text is no document text (fonts, styles, pictures, metadata...).
_RTF_SKIP = frozenset((
    "fonttbl", "colortbl", "stylesheet", "info", "pict", "object", "listtable",
    "listoverridetable", "rsidtbl", "generator", "xmlnstbl", "themedata",
    "colorschememapping", "datastore", "latentstyles", "pgdsctbl", "revtbl", "filetbl",
    "fldinst", "bkmkstart", "bkmkend", "shppict", "nonshppict", "blipuid", "mmathPr",
))
_RTF_TOKEN = re.compile(
    rb"\\([a-zA-Z]+)(-?\d+)? ?|\\'([0-9a-fA-F]{2})|\\(.)|([{}])|([\r\n]+)|([^\\{}\r\n]+)",
    re.DOTALL)
def rtf_text(data: bytes) -> str:
    """The text of an RTF document: paragraphs and rows as lines, cells tab-separated;
    ``\\uN`` characters, and ``\\'hh`` bytes in the document's code page (``\\ansicpg``,
    Windows-1251 for Russian and Kazakh documents)."""
    out: list[str] = []
    pending = bytearray()  # \'hh bytes, decoded together (a multi-byte code page's)
    codepage = "cp1252"
    stack: list[tuple[bool, int]] = []
    skip = False
    uc = 1  # characters after a \uN that stand for it in code pages without Unicode
    drop = 0  # of those, still to pass over

    def flush() -> None:
        if pending:
            out.append(pending.decode(codepage, "replace"))
            pending.clear()

    for m in _RTF_TOKEN.finditer(data):
        word, arg, hexbyte, symbol, brace, _, text = m.groups()
        if brace == b"{":
            flush()
            stack.append((skip, uc))
            continue
        if brace == b"}":
            flush()
            skip, uc = stack.pop() if stack else (False, 1)
            continue
        if drop:  # the characters standing for the last \\uN in older readers
            if hexbyte or symbol is not None:
                drop -= 1
                continue
            if text:
                passed = min(drop, len(text))
                text, drop = text[passed:], drop - passed
                if not text:
                    continue
        if word is not None:
            name = word.decode("ascii")
            if name in _RTF_SKIP:
                skip = True
            elif name == "ansicpg" and arg:
                codepage = f"cp{int(arg)}"
                try:
                    b"".decode(codepage)
                except LookupError:
                    codepage = "cp1252"
            elif skip:
                continue
            elif name == "uc" and arg:
                uc = int(arg)
            elif name == "u" and arg:
                flush()
                out.append(chr(int(arg) % 65536))
                drop = uc
            elif name in ("par", "line", "row", "sect", "page"):
                flush()
                out.append("\n")
            elif name in ("tab", "cell"):
                flush()
                out.append("\t")
            continue
        if skip:
            continue
        if hexbyte:
            pending.append(int(hexbyte, 16))
        elif symbol is not None:
            if symbol == b"*":
                skip = True  # an optional destination this reader does not know
            elif symbol in (b"\\", b"{", b"}"):
                flush()
                out.append(symbol.decode())
            elif symbol == b"~":
                flush()
                out.append(" ")
        elif text:
            flush()
            out.append(text.decode(codepage, "replace"))
    flush()
    lines = ("".join(out)).split("\n")
    return "\n".join(line.strip("\t ") for line in lines)


#: Bytes of an HTML file read.
MAX_HTML = 256 << 20
#: Elements whose content is no text of the page.
_HTML_SKIP = frozenset(("script", "style", "noscript", "template", "head", "svg", "object"))
#: Elements that end a line.
_HTML_BLOCKS = frozenset((
    "p", "div", "br", "li", "ul", "ol", "dl", "dt", "dd", "h1", "h2", "h3", "h4", "h5",
    "h6", "section", "article", "header", "footer", "nav", "aside", "main", "blockquote",
    "pre", "hr", "table", "caption", "form", "fieldset", "address", "title", "body"))


def html_text(data: bytes) -> str:
    """The text of an HTML page (a saved page, a report, a bank's statement named ``.xls``):
    a block a line, a table row a line with its cells tab-separated (so that a table under
    its header row reads as records under that header), scripts and styles left out. Read
    in the encoding its byte order mark or its ``charset`` names, else UTF-8, else
    Windows-1251."""
    return _HtmlText.read(_html_decoded(data[:MAX_HTML]))


def _html_decoded(data: bytes) -> str:
    for bom, encoding in ((b"\xef\xbb\xbf", "utf-8"), (b"\xff\xfe", "utf-16-le"),
                          (b"\xfe\xff", "utf-16-be")):
        if data.startswith(bom):
            return data[len(bom):].decode(encoding, "replace")
    named = re.search(rb"""charset\s*=\s*["']?([A-Za-z0-9_.:-]+)""", data[:4096])
    if named is not None:
        try:
            return data.decode(named.group(1).decode("ascii"), "replace")
        except LookupError:
            pass
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        return data.decode("cp1251", "replace")


class _HtmlText(HTMLParser):
    """:func:`html_text`'s reader: lines, and the cells of the row being read."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.lines: list[str] = []
        self._text: list[str] = []
        self._cells: list[str] | None = None  # the open row's cells
        self._skip = 0

    @classmethod
    def read(cls, markup: str) -> str:
        reader = cls()
        reader.feed(markup)
        reader.close()
        reader._line()
        return "\n".join(reader.lines)

    def _line(self) -> None:
        text = one_line("".join(self._text))
        self._text = []
        if self._cells is not None:
            if text:  # text of the row outside a cell, as browsers draw it: a cell of its own
                self._cells.append(text)
        elif text:
            self.lines.append(text)

    def handle_starttag(self, tag: str, attrs: list) -> None:
        if tag in _HTML_SKIP:
            self._skip += 1
        elif self._skip:
            return
        elif tag == "tr":
            self._line()
            self._cells = []
        elif tag in ("td", "th"):
            if self._cells is not None:  # text before a cell of the row: a cell of its own
                self._line()
        elif tag in _HTML_BLOCKS and self._cells is None:
            self._line()

    def handle_endtag(self, tag: str) -> None:
        if tag in _HTML_SKIP:
            self._skip = max(0, self._skip - 1)
        elif self._skip:
            return
        elif tag in ("td", "th") and self._cells is not None:
            self._cells.append(one_line("".join(self._text)))
            self._text = []
        elif tag in ("tr", "table") and self._cells is not None:
            self._line()
            cells, self._cells = self._cells, None
            if any(cells):
                self.lines.append("\t".join(cells))
        elif tag in _HTML_BLOCKS and self._cells is None:
            self._line()

    def handle_data(self, data: str) -> None:
        if not self._skip:
            self._text.append(data)


def one_line(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()


__all__ = ["ENCRYPTED_DOC", "LEGACY_DOC", "MAX_HTML", "MAX_RTF", "html_text", "letters",
           "odt_text", "one_line", "roman", "rtf_text", "word97_text"]
