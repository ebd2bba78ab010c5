"""The text of document formats Python's library does not read: Word 97-2003 (``.doc``),
OpenDocument text (``.odt``) and RTF. Shared by the scan's documents
(``sources.documents``) and the policy reader (``policy.extract.documents``): a policy
published as a ``.doc`` is read as its DOCX would be.
"""

from __future__ import annotations

import re
import struct
import zipfile
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


def odt_text(f: IO[bytes]) -> str:
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
        if child.tag == f"{ODF_TABLE}table-row":
            cells = [one_line(" ".join("".join(p.itertext()) for p in cell.iter()
                                        if p.tag in (f"{ODF_TEXT}p", f"{ODF_TEXT}h")))
                     for cell in child if cell.tag == f"{ODF_TABLE}table-cell"]
            lines.append("\t".join(cells))
        elif child.tag in (f"{ODF_TEXT}p", f"{ODF_TEXT}h"):
            lines.append("".join(child.itertext()))
        else:
            _odt_walk(child, lines)


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


def one_line(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()


__all__ = ["ENCRYPTED_DOC", "LEGACY_DOC", "MAX_RTF", "odt_text", "one_line", "rtf_text",
           "word97_text"]
