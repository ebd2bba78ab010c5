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

from derbes.scanner.doctext import odt_text, rtf_text, word97_text
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
                self._lists.append([0 if tag == "ol" else None])
            elif tag == "li" and self._lists and self._lists[-1][0] is not None:
                # An ordered list's numbers are not in the text; they are the clause numbers.
                self._lists[-1][0] += 1
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
    text): counters per list and level, written as ``1.``, ``1.2.``. Word's own format (``а)``,
    ``I.``) is not reproduced; the numbers still tell clauses apart."""

    def __init__(self) -> None:
        self._counters: dict[str, list[int]] = {}

    def prefix(self, paragraph: Any) -> str:
        num = _num_pr(paragraph._p.pPr) or _num_pr(
            getattr(paragraph.style.element, "pPr", None) if paragraph.style else None)
        if num is None:
            return ""
        num_id, level = num
        if num_id == "0":  # numbering switched off for this paragraph
            return ""
        counters = self._counters.setdefault(num_id, [])
        del counters[level + 1:]
        while len(counters) <= level:
            counters.append(0)
        counters[level] += 1
        return ".".join(str(n) for n in counters) + ". "


def _num_pr(ppr: Any) -> tuple[str, int] | None:
    num_pr = getattr(ppr, "numPr", None) if ppr is not None else None
    if num_pr is None or num_pr.numId is None:
        return None
    level = num_pr.ilvl.val if num_pr.ilvl is not None else 0
    return str(num_pr.numId.val), int(level)


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
    numbers = _DocxNumbers()

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
