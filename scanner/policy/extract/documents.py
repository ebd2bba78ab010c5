"""Reading a privacy policy: plain text, HTML, DOCX, the text layer of a PDF, Word 97-2003,
OpenDocument text or RTF, as lines.

Every reader returns the document's text as lines. ``BREAK`` (a form feed) separates
blocks that never continue each other (table cells, HTML paragraphs); an empty line is a
softer break, as text from PDFs has them in the middle of sentences. Side-by-side
bilingual tables are read row by row, one block per cell, so the Russian and the Kazakh
clause of a row stay next to each other and a cell that carries no clause number of its
own is cited by its neighbour's.
"""

from __future__ import annotations

import io
import re
import zipfile
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

from derbes.scanner.doctext import letters, odt_text, roman, rtf_text, word97_text
from derbes.scanner.errors import DocumentError

BREAK = "\f"

FORMATS = ("text", "html", "docx", "pdf", "doc", "odt", "rtf")

_BLOCK_TAGS = frozenset({
    "p", "div", "section", "article", "main", "header", "footer", "aside", "li", "ul", "ol",
    "h1", "h2", "h3", "h4", "h5", "h6", "table", "tr", "td", "th", "thead", "tbody",
    "blockquote", "pre", "dd", "dt", "dl", "hr", "title", "caption", "figcaption",
})
_SKIP_TAGS = frozenset({"script", "style", "noscript", "template", "svg", "head"})
_TAG = re.compile(r"<\s*/?\s*(?:p|br|div|td|tr|table|li|b|strong|span|h[1-6])\b[^>]*>", re.I)


class _Html(HTMLParser):
    """Text of an HTML page as lines; blocks (paragraphs, cells, list items) apart."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.lines: list[str] = []
        self._current: list[str] = []
        self._skip = 0
        self._lists: list[list[int | None]] = []  # per open list: [counter or None]

    def _flush(self) -> None:
        text = " ".join("".join(self._current).split())
        self._current = []
        if text:
            self.lines.extend([text, BREAK])

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in _SKIP_TAGS:
            self._skip += 1
        elif tag == "br":
            self._flush_line()
        elif tag in _BLOCK_TAGS:
            self._flush()
            if tag in ("ol", "ul"):
                # <ol start="4"> goes on from 3; <li value="7"> is numbered 7.
                start = _int(dict(attrs).get("start"), 1) if tag == "ol" else 0
                self._lists.append([start - 1 if tag == "ol" else None])
            elif tag == "li" and self._lists and self._lists[-1][0] is not None:
                # An ordered list's numbers are not in the text; they are the clause numbers.
                value = dict(attrs).get("value")
                self._lists[-1][0] = (_int(value, 0) if value is not None
                                      else self._lists[-1][0] + 1)
                self._current.append(f"{self._lists[-1][0]}. ")

    def handle_endtag(self, tag: str) -> None:
        if tag in _SKIP_TAGS:
            self._skip = max(0, self._skip - 1)
        elif tag in _BLOCK_TAGS:
            self._flush()
            if tag in ("ol", "ul") and self._lists:
                self._lists.pop()

    def _flush_line(self) -> None:
        text = " ".join("".join(self._current).split())
        self._current = []
        if text:
            self.lines.append(text)

    def handle_data(self, data: str) -> None:
        if not self._skip:
            self._current.append(data)

    def close(self) -> None:
        super().close()
        self._flush()


def html_lines(markup: str) -> list[str]:
    """The text of an HTML document or fragment as lines, blocks separated by ``BREAK``."""
    parser = _Html()
    parser.feed(markup)
    parser.close()
    return parser.lines


def text_lines(text: str) -> list[str]:
    """Plain text (or Markdown) as lines. Tab-separated columns become blocks of their own,
    and lines carrying HTML paragraphs (text pasted from a page's source) are read as HTML."""
    out: list[str] = []
    for raw in text.splitlines():
        cells = [c for c in re.split(r"\t+", raw) if c.strip()] if "\t" in raw else [raw]
        for cell in cells:
            if _TAG.search(cell):
                out.extend(html_lines(cell))
                continue
            line = cell.strip()
            if re.fullmatch(r"[-|:\s]*", line):  # Markdown table rules, blank lines
                out.append("")
                continue
            line = re.sub(r"^#+\s*|^>\s*|^\|\s*|\s*\|$", "", line)
            line = line.replace("**", "").replace("__", "")
            out.append(line)
            if len(cells) > 1:
                out.append(BREAK)
    return out


class _DocxNumbers:
    """The numbers Word draws for automatically numbered paragraphs (they are not in the
    text): counters per list and level, written as the list's level says (``w:lvlText``:
    ``%1.``, ``%1.%2.``; decimal, letters or Roman numerals), ``1.2.`` where the document
    defines none. A bulleted level has no number."""

    def __init__(self, document: Any = None) -> None:
        self._counters: dict[str, list[int]] = {}
        #: numId -> ilvl -> (lvlText or None, numFmt, start).
        self._levels: dict[str, dict[int, tuple[str | None, str, int]]] = {}
        #: numId -> the levels of legal numbering (``w:isLgl``).
        self._legal: dict[str, set[int]] = {}
        if document is not None:
            self._read(document)

    def _read(self, document: Any) -> None:
        try:
            numbering = document.part.numbering_part.element
        except (KeyError, NotImplementedError, AttributeError):
            return  # no numbering part: counters alone
        abstract: dict[str | None, dict[int, tuple[str | None, str, int]]] = {}
        legal: dict[str | None, set[int]] = {}
        for definition in numbering.iterchildren(f"{_W}abstractNum"):
            key = definition.get(f"{_W}abstractNumId")
            abstract[key] = _docx_levels(definition)
            legal[key] = {_int(lvl.get(f"{_W}ilvl"), 0)
                          for lvl in definition.iterchildren(f"{_W}lvl")
                          if lvl.find(f"{_W}isLgl") is not None}
        for num in numbering.iterchildren(f"{_W}num"):
            ref = num.find(f"{_W}abstractNumId")
            key = ref.get(f"{_W}val") if ref is not None else None
            levels = dict(abstract.get(key, {}))
            self._legal[num.get(f"{_W}numId") or ""] = legal.get(key, set())
            for override in num.iterchildren(f"{_W}lvlOverride"):
                at = _int(override.get(f"{_W}ilvl"), 0)
                start = override.find(f"{_W}startOverride")
                redefined = override.find(f"{_W}lvl")
                if redefined is not None:
                    levels.update(_docx_levels(override))
                if start is not None and at in levels:
                    text, form, _ = levels[at]
                    levels[at] = (text, form, _int(start.get(f"{_W}val"), 1))
            self._levels[num.get(f"{_W}numId") or ""] = levels

    def prefix(self, paragraph: Any) -> str:
        num = _num_pr(paragraph._p.pPr, getattr(paragraph.style.element, "pPr", None)
                      if paragraph.style else None)
        if num is None:
            return ""
        num_id, level = num
        if num_id == "0":  # numbering switched off for this paragraph
            return ""
        levels = self._levels.get(num_id, {})
        counters = self._counters.setdefault(num_id, [])
        del counters[level + 1:]
        while len(counters) <= level:
            below = levels.get(len(counters))
            counters.append((below[2] if below else 1) - 1)
        counters[level] += 1
        text, form, _ = levels.get(level, (None, "decimal", 1))
        if form in ("bullet", "none"):
            return ""
        if text is None:
            return ".".join(str(n) for n in counters) + ". "
        legal = level in self._legal.get(num_id, ())  # w:isLgl: every number in decimal
        shown = re.sub(r"%([1-9])", lambda m: _docx_number(
            counters, {} if legal else levels, int(m.group(1)) - 1), text).strip()
        return f"{shown} " if shown else ""


_W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"


def _docx_levels(parent: Any) -> dict[int, tuple[str | None, str, int]]:
    """The ``w:lvl`` children of an abstract numbering (or an override): ilvl -> (lvlText,
    numFmt, start)."""
    levels = {}
    for lvl in parent.iterchildren(f"{_W}lvl"):
        text, form, start = (lvl.find(f"{_W}{name}") for name in ("lvlText", "numFmt", "start"))
        levels[_int(lvl.get(f"{_W}ilvl"), 0)] = (
            text.get(f"{_W}val") if text is not None else None,
            form.get(f"{_W}val") if form is not None else "decimal",
            _int(start.get(f"{_W}val"), 1) if start is not None else 1)
    return levels


def _docx_number(counters: list[int], levels: dict, at: int) -> str:
    """Level ``at``'s counter in its level's number format (``%k`` of a ``w:lvlText``)."""
    if at >= len(counters):
        return ""
    n = counters[at]
    form = levels.get(at, (None, "decimal", 1))[1]
    if form in ("lowerLetter", "upperLetter"):
        return letters(n, upper=form == "upperLetter")
    if form in ("lowerRoman", "upperRoman"):
        return roman(n, upper=form == "upperRoman")
    if form == "russianLower":
        return "абвгдежзиклмнопрстуфхцчшщэюя"[(n - 1) % 28] if n > 0 else ""
    if form == "russianUpper":
        return "АБВГДЕЖЗИКЛМНОПРСТУФХЦЧШЩЭЮЯ"[(n - 1) % 28] if n > 0 else ""
    return str(n)


def _int(text: str | None, default: int) -> int:
    try:
        return int(text) if text is not None else default
    except ValueError:
        return default


def _num_pr(ppr: Any, style_ppr: Any = None) -> tuple[str, int] | None:
    """The list and level of a paragraph: its own ``w:numPr``, what it leaves out taken from
    its style's (a paragraph of a numbered style may set only its level)."""
    own = getattr(ppr, "numPr", None) if ppr is not None else None
    styled = getattr(style_ppr, "numPr", None) if style_ppr is not None else None
    num_id = next((n.numId for n in (own, styled) if n is not None and n.numId is not None),
                  None)
    if num_id is None:
        return None
    ilvl = next((n.ilvl for n in (own, styled) if n is not None and n.ilvl is not None), None)
    return str(num_id.val), int(ilvl.val) if ilvl is not None else 0


def docx_lines(path: Path) -> list[str]:
    """Paragraphs and table cells of a DOCX file in document order (tables row by row),
    automatically numbered paragraphs with their numbers."""
    import docx
    from docx.table import Table
    from docx.text.paragraph import Paragraph

    try:
        document = docx.Document(str(path))
    except Exception as e:  # python-docx raises zip, XML and its own errors alike
        raise DocumentError(f"{path}: not a readable DOCX file ({type(e).__name__}: {e})") from e
    numbers = _DocxNumbers(document)

    def text(paragraph: Paragraph) -> str:
        return numbers.prefix(paragraph) + paragraph.text if paragraph.text.strip() else ""

    out: list[str] = []
    for element in document.element.body.iterchildren():
        tag = element.tag.rsplit("}", 1)[-1]
        if tag == "p":
            out.extend([text(Paragraph(element, document)), BREAK])
        elif tag == "tbl":
            for row in Table(element, document).rows:
                seen: set[int] = set()
                for cell in row.cells:
                    if id(cell._tc) in seen:  # a merged cell repeats across the row
                        continue
                    seen.add(id(cell._tc))
                    for paragraph in cell.paragraphs:
                        out.extend([text(paragraph), ""])
                    out.append(BREAK)
    return out


def pdf_lines(path: Path) -> list[str]:
    """The text layer of a PDF, page after page."""
    from pypdf import PdfReader
    from pypdf.errors import PdfReadError

    try:
        reader = PdfReader(str(path))
        if reader.is_encrypted and not reader.decrypt(""):
            raise DocumentError(f"{path}: the PDF is encrypted")
        pages = [page.extract_text() or "" for page in reader.pages]
    except (PdfReadError, OSError, ValueError, KeyError) as e:
        raise DocumentError(f"{path}: not a readable PDF ({type(e).__name__}: {e})") from e
    if not "".join(pages).strip():
        raise DocumentError(f"{path}: the PDF has no text layer (a scan?); run OCR first")
    out: list[str] = []
    for page in pages:
        out.extend(page.splitlines())
        out.append("")
    return out


_UNSUPPORTED = (
    (b"\x89PNG", "an image (PNG): run OCR first"),
    (b"\xff\xd8\xff", "an image (JPEG): run OCR first"),
)
#: An OpenDocument text's first member, stored uncompressed at the file's start.
_ODT_MIMETYPE = b"mimetypeapplication/vnd.oasis.opendocument.text"


def detect_format(path: Path, head: bytes) -> str:
    """``text``, ``html``, ``docx``, ``pdf``, ``doc``, ``odt`` or ``rtf`` from the file's
    first bytes, then its name."""
    if head.startswith(b"%PDF"):
        return "pdf"
    if head.startswith(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"):
        return "doc"
    if head.startswith(b"{\\rtf"):
        return "rtf"
    if head.startswith(b"PK"):
        return "odt" if head[30:30 + len(_ODT_MIMETYPE)] == _ODT_MIMETYPE else "docx"
    sniff = head[:2048].lower()
    if path.suffix.lower() in (".html", ".htm", ".xhtml") or b"<html" in sniff or (
            b"<!doctype html" in sniff):
        return "html"
    return "text"


def _other_text(path: Path, data: bytes, fmt: str) -> str:
    """The text of a Word 97-2003, OpenDocument or RTF document (``derbes.scanner.doctext``,
    which the scan's documents use too), its table cells tab-separated."""
    try:
        if fmt == "rtf":
            return rtf_text(data)
        if fmt == "odt":
            return odt_text(io.BytesIO(data))
        text, why = word97_text(io.BytesIO(data))
    except ValueError as e:
        raise DocumentError(f"{path}: {e}") from e
    if text is None:
        raise DocumentError(f"{path}: {why}")
    return text


def _decode(data: bytes, path: Path) -> str:
    if data[:2] in (b"\xff\xfe", b"\xfe\xff"):
        return data.decode("utf-16")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        pass
    try:
        # Kazakh and Russian documents that are not UTF-8 are nearly always Windows-1251.
        return data.decode("cp1251")
    except UnicodeDecodeError as e:
        raise DocumentError(f"{path}: neither UTF-8 nor Windows-1251 text") from e


def read_lines(path: str | Path, fmt: str | None = None) -> list[str]:
    """The document at ``path`` as lines; ``fmt`` overrides the detected format."""
    path = Path(path)
    try:
        data = path.read_bytes()
    except OSError as e:
        raise DocumentError(f"{path}: cannot read: {e.strerror or e}") from e
    for magic, what in _UNSUPPORTED:
        if data.startswith(magic) and fmt is None:
            raise DocumentError(f"{path}: {what} is not supported; save it as DOCX, PDF or HTML")
    fmt = fmt or detect_format(path, data[:4096])
    if fmt not in FORMATS:
        raise DocumentError(f"{path}: unknown format '{fmt}'; choose {', '.join(FORMATS)}")
    if fmt == "pdf":
        return pdf_lines(path)
    if fmt == "docx":
        if not zipfile.is_zipfile(path):
            raise DocumentError(f"{path}: not a DOCX file (not a zip archive)")
        return docx_lines(path)
    if fmt in ("doc", "odt", "rtf"):
        return text_lines(_other_text(path, data, fmt))
    text = _decode(data, path)
    return html_lines(text) if fmt == "html" else text_lines(text)
