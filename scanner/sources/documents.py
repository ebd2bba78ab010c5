"""Documents in a folder read for their text: PDF (its text layer), Word (``.docx``),
OpenDocument text (``.odt``), RTF and HTML pages (``.html``, and an HTML table named ``.xls``,
as banks' statements often are).

A file share holds personal data in documents as much as in logs: contracts and orders
naming employees with their IINs, applications with phone numbers, scanned forms. Read as a
log, a PDF or a DOCX is binary and was skipped ("binary file"): nothing found, and nothing
said of what it was. Here a document's text becomes lines for the log reader: a paragraph a
line, a PDF page's lines as the page gives them, a table row by row with its cells
tab-separated, so that a table under a header row reads as records under that header, as a
CSV does.

What holds no text is skipped with its reason, so that a compliance team sees it and can
look: a PDF without a text layer (a scan: derbes does no OCR), an encrypted PDF or Word
document, a Word document older than Word 97. Word 97-2003 ``.doc`` files are read through
their piece table (olefile reads the OLE2 container).
"""

from __future__ import annotations

from typing import IO

from derbes.scanner.doctext import (
    ENCRYPTED_DOC,
    LEGACY_DOC,
    MAX_HTML,
    MAX_RTF,
    html_text,
    odt_text,
    one_line,
    rtf_text,
    word97_text,
)

#: Reasons for a document not read (a container's ``skipped``).
SCANNED_PDF = "a PDF without a text layer (a scan? derbes does no OCR)"
ENCRYPTED_PDF = "an encrypted PDF"

_KINDS = ((".pdf", "pdf"), (".docx", "docx"), (".docm", "docx"), (".odt", "odt"),
          (".rtf", "rtf"), (".doc", "doc"), (".html", "html"), (".htm", "html"),
          (".xhtml", "html"))


def kind(name: str) -> str | None:
    """``pdf``, ``docx``, ``odt``, ``rtf``, ``doc`` or ``html`` for a file named as such a
    document."""
    lower = name.lower()
    return next((k for suffix, k in _KINDS if lower.endswith(suffix)), None)


def is_html(head: bytes) -> bool:
    """Whether a file's first bytes open an HTML page (after a byte order mark and spaces):
    how an HTML table named ``.xls``, as banks' statements are, is told from SpreadsheetML."""
    start = head.lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    return start.startswith((b"<html", b"<!doctype html", b"<table"))


def text(f: IO[bytes], which: str) -> tuple[str | None, str | None]:
    """``(the document's text, None)``, or ``(None, why it holds none to read)``. ``f``
    must seek (a PDF is read from its end). Raises ``ValueError`` for a document that cannot
    be read (damaged, or no such document at all)."""
    head = f.read(8)
    f.seek(0)
    if head.startswith(b"{\\rtf"):  # an .rtf, or a .doc that is RTF, as some are
        return rtf_text(f.read(MAX_RTF)), None
    if which == "html":  # a page's text, its tables row by row
        return html_text(f.read(MAX_HTML)), None
    if which == "doc":
        return word97_text(f)
    if which == "rtf":
        raise ValueError("not an RTF file")
    if which == "pdf":
        if not head.startswith(b"%PDF"):
            raise ValueError("not a PDF file")
        return _pdf(f)
    if not head.startswith(b"PK"):
        raise ValueError(f"not a {which.upper()} file (not a ZIP archive)")
    return (_docx(f) if which == "docx" else odt_text(f)), None


def _pdf(f: IO[bytes]) -> tuple[str | None, str | None]:
    from pypdf import PdfReader
    from pypdf.errors import PdfReadError

    try:
        reader = PdfReader(f)
        if reader.is_encrypted and not reader.decrypt(""):
            return None, ENCRYPTED_PDF
        pages = [page.extract_text() or "" for page in reader.pages]
    except (PdfReadError, OSError, ValueError, KeyError, TypeError, AttributeError) as e:
        raise ValueError(f"not a readable PDF ({type(e).__name__}: {e})") from e
    if not "".join(pages).strip():
        return None, SCANNED_PDF
    return "\n".join(pages), None


def _docx(f: IO[bytes]) -> str:
    """Paragraphs and tables in document order (a table row a line, its cells tab-separated,
    a merged cell once)."""
    import docx
    from docx.table import Table
    from docx.text.paragraph import Paragraph

    try:
        document = docx.Document(f)
    except Exception as e:  # python-docx raises zip, XML and its own errors alike
        raise ValueError(f"not a readable DOCX file ({type(e).__name__}: {e})") from e
    lines: list[str] = []
    for element in document.element.body.iterchildren():
        tag = element.tag.rsplit("}", 1)[-1]
        if tag == "p":
            lines.append(Paragraph(element, document).text)
        elif tag == "tbl":
            for row in Table(element, document).rows:
                seen: set[int] = set()
                cells = []
                for cell in row.cells:
                    if id(cell._tc) not in seen:
                        seen.add(id(cell._tc))
                        cells.append(one_line(cell.text))
                lines.append("\t".join(cells))
    return "\n".join(lines)


__all__ = ["ENCRYPTED_DOC", "ENCRYPTED_PDF", "LEGACY_DOC", "SCANNED_PDF", "is_html", "kind",
           "rtf_text", "text"]
