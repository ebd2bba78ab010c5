"""The encoding of a text file from its first bytes: shared by the file sources.

A BOM (UTF-8, UTF-16, UTF-32) wins; text that is valid (or nearly all valid) UTF-8 is UTF-8;
otherwise runs of high bytes mean Cyrillic: KZ-1048 when bytes that only Kazakh letters use in
it appear, else cp1251; anything else is latin-1. NUL bytes in the first 8 KiB mean a binary
file, unless they look like BOM-less UTF-16.
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
_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)
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
