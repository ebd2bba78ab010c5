"""Documents in a folder read for their text: PDF (its text layer), Word (``.docx``) and
OpenDocument text (``.odt``).

A file share holds personal data in documents as much as in logs: contracts and orders
naming employees with their IINs, applications with phone numbers, scanned forms. Read as a
log, a PDF or a DOCX is binary and was skipped ("binary file"): nothing found, and nothing
said of what it was. Here a document's text becomes lines for the log reader: a paragraph a
line, a PDF page's lines as the page gives them, a table row by row with its cells
tab-separated, so that a table under a header row reads as records under that header, as a
CSV does.

What holds no text is skipped with its reason, so that a compliance team sees it and can
look: a PDF without a text layer (a scan: derbes does no OCR), an encrypted PDF, a Word
97-2003 ``.doc`` (its binary format is not read).
"""

from __future__ import annotations

import re
import zipfile
from typing import IO, Any
from xml.etree import ElementTree

#: Reasons for a document not read (a container's ``skipped``).
SCANNED_PDF = "a PDF without a text layer (a scan? derbes does no OCR)"
ENCRYPTED_PDF = "an encrypted PDF"
LEGACY_DOC = "a Word 97-2003 document (.doc; save it as DOCX to have it read)"

_KINDS = ((".pdf", "pdf"), (".docx", "docx"), (".docm", "docx"), (".odt", "odt"),
          (".doc", "doc"))


def kind(name: str) -> str | None:
    """``pdf``, ``docx``, ``odt`` or ``doc`` for a file named as such a document."""
    lower = name.lower()
    return next((k for suffix, k in _KINDS if lower.endswith(suffix)), None)


def text(f: IO[bytes], which: str) -> tuple[str | None, str | None]:
    """``(the document's text, None)``, or ``(None, why it holds none to read)``. ``f``
    must seek (a PDF is read from its end). Raises ``ValueError`` for a document that cannot
    be read (damaged, or no such document at all)."""
    if which == "doc":
        return None, LEGACY_DOC
    head = f.read(8)
    f.seek(0)
    if which == "pdf":
        if not head.startswith(b"%PDF"):
            raise ValueError("not a PDF file")
        return _pdf(f)
    if not head.startswith(b"PK"):
        raise ValueError(f"not a {which.upper()} file (not a ZIP archive)")
    return (_docx(f) if which == "docx" else _odt(f)), None


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
                        cells.append(_one_line(cell.text))
                lines.append("\t".join(cells))
    return "\n".join(lines)


_ODF_TEXT = "urn:oasis:names:tc:opendocument:xmlns:text:1.0"
_ODF_TABLE = "urn:oasis:names:tc:opendocument:xmlns:table:1.0"


def _odt(f: IO[bytes]) -> str:
    """An OpenDocument text's paragraphs and headings, and its tables row by row."""
    try:
        with zipfile.ZipFile(f) as archive, archive.open("content.xml") as content:
            root = ElementTree.parse(content).getroot()
    except (zipfile.BadZipFile, KeyError, ElementTree.ParseError, OSError) as e:
        raise ValueError(f"not a readable ODT file ({type(e).__name__}: {e})") from e
    lines: list[str] = []
    _odt_walk(root, lines)
    return "\n".join(lines)


def _odt_walk(element: Any, lines: list[str]) -> None:
    for child in element:
        if child.tag == f"{{{_ODF_TABLE}}}table-row":
            cells = [_one_line(" ".join("".join(p.itertext()) for p in cell.iter()
                                        if p.tag in (f"{{{_ODF_TEXT}}}p", f"{{{_ODF_TEXT}}}h")))
                     for cell in child if cell.tag == f"{{{_ODF_TABLE}}}table-cell"]
            lines.append("\t".join(cells))
        elif child.tag in (f"{{{_ODF_TEXT}}}p", f"{{{_ODF_TEXT}}}h"):
            lines.append("".join(child.itertext()))
        else:
            _odt_walk(child, lines)


def _one_line(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()


__all__ = ["ENCRYPTED_PDF", "LEGACY_DOC", "SCANNED_PDF", "kind", "text"]
