"""The encoding of a text file from its first bytes: shared by the file sources.

A BOM (UTF-8, UTF-16, UTF-32) wins; text that is valid (or nearly all valid) UTF-8 is UTF-8;
otherwise runs of high bytes mean Cyrillic: KZ-1048 when bytes that only Kazakh letters use in
it appear, else cp1251; anything else is latin-1. NUL bytes in the first 8 KiB mean a binary
file, unless they look like BOM-less UTF-16.

Files that mix the two: a UTF-8 log that a Windows program appends lines in its code page to
(or the other way round) is UTF-8 as soon as one line of Cyrillic in UTF-8 is in its head, and
each of its lines that is not UTF-8 but reads as Cyrillic in Windows-1251 or KZ-1048 is read
in that code page (:func:`code_page_lines`): a line of a code page is valid UTF-8 only by
accident, as its Cyrillic letters (bytes 0xC0-0xFF) are never continuation bytes. A file in a
code page keeps its lines that are UTF-8 with Cyrillic in them (:func:`single_byte_lines`).
"""

from __future__ import annotations

import codecs
import re

_BINARY_PROBE = 8 << 10
_HIGH_RUN = re.compile(rb"[\x80-\xff]{2,}")
_HIGH = re.compile(rb"[\x80-\xff]")
# The bytes whose letter differs between cp1251 (Serbian, Ukrainian letters) and KZ-1048
# (Kazakh letters): {b for b in range(128, 256) if bytes([b]).decode("cp1251", "replace") !=
# bytes([b]).decode("kz1048", "replace")}. Kazakh text in KZ-1048 is full of them.
_KZ1048_ONLY = re.compile(rb"[\x8d\x8e\x9d\x9e\xa1\xa2\xa3\xa5\xaa\xaf\xb4\xba\xbc\xbd\xbe\xbf]")
#: Two Cyrillic letters (U+0400-U+04FF) in UTF-8: a line of a code page holds them only by
#: accident (a capital letter before a byte of punctuation, twice).
_UTF8_CYRILLIC = re.compile(rb"(?:[\xd0-\xd3][\x80-\xbf]){2}")
#: Each byte's shape for finding _UTF8_CYRILLIC by ``bytes.find``: ``L`` a lead byte of a
#: Cyrillic letter in UTF-8, ``C`` a continuation byte, ``.`` any other.
_UTF8_SHAPES = bytes(ord("L") if 0xD0 <= b <= 0xD3 else ord("C") if 0x80 <= b <= 0xBF
                     else ord(".") for b in range(256))
_UTF8_CYRILLIC_LETTER = re.compile(rb"[\xd0-\xd3][\x80-\xbf]")
#: A Cyrillic letter in UTF-8 after a continuation byte: where two are in a row, it is (and
#: led by a byte a code page's text seldom holds, Python's ``re`` skips to it 6x faster).
_UTF8_LETTER_AFTER = re.compile(rb"[\x80-\xbf][\xd0-\xd3][\x80-\xbf]")
#: A word: three Cyrillic letters in a row (two bytes that are not UTF-8 are too often
#: something else: ``\xff\xfe`` reads as «яю»).
_CYRILLIC_WORD = re.compile("[\u0400-\u04ff]{3}")
_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)
#: Codecs of a byte a character: a file in one is read in batches of lines as they are and
#: decoded batch by batch (:func:`single_byte_lines`).
SINGLE_BYTE = ("cp1251", "kz1048", "latin-1")
#: Codecs whose bytes are not lines of ASCII-compatible text: such files cannot be cut at a
#: byte offset.
WIDE = ("utf-16", "utf-16-le", "utf-16-be", "utf-32")


def detect_encoding(head: bytes, at_eof: bool = False) -> tuple[str, str | None]:
    """The codec of a text from its first bytes, and a note when the choice is a guess.

    Returns one of ``utf-8``, ``utf-8-sig``, ``utf-16``, ``utf-16-le``, ``utf-16-be``,
    ``utf-32``, ``cp1251``, ``kz1048``, ``latin-1`` or ``binary``.
    """
    for bom, codec in _BOMS:
        if head.startswith(bom):
            return codec, None
    probe = head[:_BINARY_PROBE]
    if b"\0" in probe:
        wide = _bomless_utf16(probe)
        if wide:
            return wide, f"no BOM, read as {wide.upper()}"
        return "binary", None
    if probe.isascii() and head.isascii():
        return "utf-8", None
    try:
        # Valid UTF-8 (but perhaps a character cut at the end of the head): no replacement
        # and no counts of them (a head of 64 KiB: about 20 us against 60).
        codecs.utf_8_decode(head, "strict", at_eof)
    except UnicodeDecodeError:
        pass
    else:
        return "utf-8", None
    text = codecs.getincrementaldecoder("utf-8")("replace").decode(head, final=at_eof)
    # A U+FFFD written in the file (a log of already-replaced bytes) is valid UTF-8: only the
    # ones the decoder put in count as errors.
    bad = text.count("\ufffd") - head.count("\ufffd".encode())
    if not bad:
        return "utf-8", None
    multibyte = sum(1 for c in text if c > "\x7f") - bad
    if multibyte >= 4 * bad:
        # Mostly valid UTF-8 with a few broken bytes: a UTF-8 log with a corrupt line.
        return "utf-8", "invalid UTF-8 in the first 64 KiB, passed through as is"
    if _utf8_cyrillic_line(head):
        # Lines of Cyrillic in UTF-8 beside lines that are not UTF-8: a file that mixes the
        # two, read line by line (code_page_lines).
        return "utf-8", "lines in UTF-8 and lines in a Cyrillic code page"
    high = len(_HIGH.findall(head))
    in_runs = sum(len(m) for m in _HIGH_RUN.findall(head))
    # Cyrillic words are runs of high bytes; accented Latin letters stand alone.
    if high and in_runs / high >= 0.5:
        if _KZ1048_ONLY.search(head):
            return "kz1048", "not UTF-8; read as KZ-1048 (Kazakh letters seen)"
        return "cp1251", "not UTF-8; read as cp1251"
    return "latin-1", "not UTF-8; read as latin-1"


def _bomless_utf16(probe: bytes) -> str | None:
    half = len(probe) // 2
    if half < 4:
        return None
    even = probe[0 : 2 * half : 2].count(0)
    odd = probe[1 : 2 * half : 2].count(0)
    # ASCII-heavy UTF-16 has a NUL in every other byte, on one side only.
    if odd >= 0.2 * half and even <= 0.02 * half:
        return "utf-16-le"
    if even >= 0.2 * half and odd <= 0.02 * half:
        return "utf-16-be"
    return None


def _utf8_cyrillic_line(head: bytes, tries: int = 64) -> bool:
    """Whether a line of ``head`` is valid UTF-8 and holds two Cyrillic letters in a row (the
    head's last line, which may be cut, is not looked at)."""
    if not _UTF8_LETTER_AFTER.search(head):
        return False  # where two such letters are, one follows a continuation byte
    end = head.rfind(b"\n")
    pos = 0
    for _ in range(tries):
        m = _UTF8_CYRILLIC.search(head, pos, end)
        if m is None:
            return False
        start = head.rfind(b"\n", 0, m.start()) + 1
        stop = head.find(b"\n", m.end())
        try:
            codecs.utf_8_decode(head[start:stop], "strict", True)
        except UnicodeDecodeError:
            pos = stop + 1
            continue
        return True
    return False


def _code_page(raw: bytes) -> str:
    """cp1251 or KZ-1048 for bytes of a Cyrillic code page: KZ-1048 when a byte that only a
    Kazakh letter uses in it appears (the two differ in no other byte)."""
    return "kz1048" if _KZ1048_ONLY.search(raw) else "cp1251"


def _in_code_page(error: UnicodeDecodeError) -> tuple[str, int]:
    """The error handler ``derbes-code-page``: bytes that are not UTF-8 read in a Cyrillic
    code page."""
    raw = error.object[error.start : error.end]
    return raw.decode(_code_page(raw), "replace"), error.end


codecs.register_error("derbes-code-page", _in_code_page)


def _cyrillic(text: str) -> bool:
    """Whether the letters that bytes read in a code page became are Cyrillic words: three
    letters in a row, and three quarters of the characters outside ASCII Cyrillic letters."""
    if not _CYRILLIC_WORD.search(text):
        return False
    high = letters = 0
    for c in text:
        if c > "\x7f":
            high += 1
            letters += "\u0400" <= c <= "\u04ff"
    return letters * 4 >= high * 3


def code_page_line(line: bytes) -> bytes | None:
    """A line that is not UTF-8 (``line``, without its newline) in UTF-8 when it reads as
    Cyrillic in Windows-1251 or KZ-1048, else None (bytes of something else: left as they
    are). A line that holds Cyrillic in UTF-8 too (a UTF-8 program's message around a code
    page's text) keeps its UTF-8 and has its other bytes read in the code page."""
    if _UTF8_CYRILLIC.search(line):
        rest = _UTF8_CYRILLIC_LETTER.sub(b"", line)
        if not _cyrillic(rest.decode(_code_page(rest), "replace")):
            return None
        return line.decode("utf-8", "derbes-code-page").encode()
    text = line.decode(_code_page(line), "replace")
    return text.encode() if _cyrillic(text) else None


def code_page_lines(data: bytes, at: int) -> tuple[bytes, bool]:
    """``data`` (lines of a UTF-8 file, separated by newlines) with each line that is not
    UTF-8 but reads as Cyrillic in a code page transcoded to UTF-8 (:func:`code_page_line`),
    and whether one was. ``at``: where the first byte that is not UTF-8 is; the lines before
    it are not looked at."""
    start = data.rfind(b"\n", 0, at) + 1
    out = [data[:start]]
    changed = False
    n = len(data)
    while start <= n:
        stop = data.find(b"\n", start)
        if stop < 0:
            stop = n
        line = data[start:stop]
        if not line.isascii():
            try:
                codecs.utf_8_decode(line, "strict", True)
            except UnicodeDecodeError:
                fixed = code_page_line(line)
                if fixed is not None:
                    line, changed = fixed, True
        out.append(line)
        start = stop + 1
    if not changed:
        return data, False
    return out[0] + b"\n".join(out[1:]), True


#: The note of a file in a code page some of whose lines are UTF-8 (kept as such).
UTF8_LINES_NOTE = "lines in UTF-8 with Cyrillic in them read as UTF-8"


#: What :func:`batch_marks` finds: a byte only a Kazakh letter of KZ-1048 uses; a Cyrillic
#: letter in UTF-8 after a continuation byte (where a line has two in a row).
KAZAKH_BYTE, UTF8_LETTERS = 1, 2


def batch_marks(data: bytes) -> int:
    """``KAZAKH_BYTE | UTF8_LETTERS``, each where ``data`` holds it: what tells how a batch
    of a code page's lines is read (``logs.lines.code_page_marks`` finds the same in one
    pass, compiled)."""
    return ((KAZAKH_BYTE if _KZ1048_ONLY.search(data) else 0)
            | (UTF8_LETTERS if _UTF8_LETTER_AFTER.search(data) else 0))


def single_byte_lines(data: bytes, codec: str, marks: int | None = None) -> tuple[bytes, bool]:
    """Lines of a file in a single-byte ``codec`` (``SINGLE_BYTE``), separated by newlines,
    in UTF-8, and whether a line was UTF-8 already: each line decoded (a Cyrillic code page's
    in KZ-1048 when it holds a Kazakh letter's byte, else cp1251), but one that is valid
    UTF-8 with two Cyrillic letters in a row kept as it is (a UTF-8 program's line in a
    Windows program's log). A batch without such letters is decoded whole, at once.
    ``marks``: :func:`batch_marks` of ``data``, if known."""
    if data.isascii():
        return data, False
    if marks is None:
        marks = batch_marks(data)
    if codec != "latin-1":
        # KZ-1048 where a byte of a Kazakh letter appears: the two code pages differ in no
        # other byte, so this is the choice line by line (a cp1251 file's Kazakh lines).
        codec = "kz1048" if marks & KAZAKH_BYTE else "cp1251"
    if not marks & UTF8_LETTERS:
        return data.decode(codec, "replace").encode("utf-8", "surrogatepass"), False
    # The lines holding two Cyrillic letters of UTF-8 in a row are tried as UTF-8, each
    # once; the bytes between those that are UTF-8 are decoded at once, in the batch's code
    # page (a line without a Kazakh letter's byte reads the same in KZ-1048 as in cp1251).
    # Line by line, a cp1251 batch of Kazakh text (whose «Сі» reads as such a pair) took
    # 57k instructions a line.
    # Found in the bytes' shapes (a lead byte of a Cyrillic letter L, a continuation byte C),
    # as a literal: ``re`` tried _UTF8_CYRILLIC at every byte, 300 instructions a byte.
    shapes = data.translate(_UTF8_SHAPES)
    out = []
    kept = False
    pos = 0  # where the bytes not yet decoded begin
    at = shapes.find(b"LCLC")
    while at >= 0:
        lo = data.rfind(b"\n", 0, at) + 1
        hi = data.find(b"\n", at + 4)
        if hi < 0:
            hi = len(data)
        at = shapes.find(b"LCLC", hi)  # the next line's, if any
        line = data[lo:hi]
        try:
            codecs.utf_8_decode(line, "strict", True)
        except UnicodeDecodeError:
            continue
        out.append(data[pos:lo].decode(codec, "replace").encode("utf-8", "surrogatepass"))
        out.append(line)
        kept = True
        pos = hi
    out.append(data[pos:].decode(codec, "replace").encode("utf-8", "surrogatepass"))
    return b"".join(out), kept
