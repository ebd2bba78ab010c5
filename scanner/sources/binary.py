"""Text kept in binary values: what a ``bytea``, ``BLOB`` or Parquet ``BINARY`` value holds.

Applications keep text in binary columns: the payloads of outbox and event tables (JSON or XML
in PostgreSQL ``bytea``, MySQL ``BLOB``), e-mails and logins in ``VARBINARY`` for a
case-sensitive comparison, Java-serialized sessions (Spring Session's ``attribute_bytes``)
whose strings sit between binary headers, strings that Impala and older Hive write to Parquet
as plain ``BINARY`` (what Spark's ``binaryAsString`` is for). A binary value is read as:

* **text**, when it is text: its encoding told as a file's is
  (:func:`~derbes.scanner.sources.encoding.detect_encoding`: UTF-8, UTF-16, cp1251, KZ-1048),
  with no control character but whitespace; Cyrillic single-byte text must also read as
  words (:func:`_wordy`), not as the letters random bytes make;
* else the **printable runs** in it, as ``strings`` finds them (at least :data:`MIN_RUN`
  characters, UTF-8 letters among them), one a line: the strings of a serialized object.
  A Java serialization stream's strings are read by their two-byte lengths instead
  (:func:`_java_strings`: a run would run on into the next tag, ``user@example.comt``),
  and joined on one line by ``; ``: a map's key and value come in turn (``iin; 8609...``),
  and the key is the value's context word, read on the value's line only;
* else **nothing**: an image, a hash, a UUID in ``BINARY(16)`` hold no text. Images, PDF
  and ZIP archives (told by their first bytes, :data:`MEDIA`) are not searched for runs: a
  JPEG's few hundred chance runs of letters are noise, not data, and a PDF's text is
  compressed.

Compressed values (gzip, zlib, bzip2, xz, zstd: a payload compressed before it was stored)
are read decompressed, as any value is: the first :data:`PREFIX` bytes of their content, no
more whatever the ratio; a stream cut short gives what it holds up to the cut.

Only the first :data:`PREFIX` bytes of a value are read, and of media only the first
:data:`MEDIA_HEAD` (a database cuts the value in SQL: ``sources.sql.source``); the caller
counts the values that were longer.
"""

from __future__ import annotations

import bz2
import codecs
import io
import lzma
import re
import zlib
from collections import Counter
from dataclasses import dataclass, field

from derbes.scanner.sources.encoding import detect_encoding

try:  # a dependency of derbes; without it zstd values are read as other binary values
    import zstandard
except ImportError:  # pragma: no cover
    zstandard = None

#: Bytes of a binary value read: a payload's opening holds its fields; a 5 MB photo in each
#: of 1,000 sampled rows would otherwise cross the network whole.
PREFIX = 64 << 10
#: Characters of a printable run: the shortest value a detector finds (``a@b.kz``, 6).
MIN_RUN = 6

#: Printable ASCII and tab, or a well-formed UTF-8 letter (two, three, four bytes), repeated.
_RUN = re.compile(
    rb"(?:[\t\x20-\x7e]|[\xc2-\xdf][\x80-\xbf]|[\xe0-\xef][\x80-\xbf]{2}"
    rb"|[\xf0-\xf4][\x80-\xbf]{3}){%d,}" % MIN_RUN
)
#: The same characters, one or more: a string of known length is read up to it.
_PRINTABLE = re.compile(
    rb"(?:[\t\x20-\x7e]|[\xc2-\xdf][\x80-\xbf]|[\xe0-\xef][\x80-\xbf]{2}"
    rb"|[\xf0-\xf4][\x80-\xbf]{3})+"
)
#: The opening of a Java serialization stream (``ObjectOutputStream``): magic, version 5.
_JAVA = b"\xac\xed\x00\x05"
#: Characters of a Java stream's string kept: a field name (``iin``) is context.
MIN_JAVA = 3
#: Characters that text does not hold: controls but tab, line feed, carriage return and form
#: feed (C0, DEL, C1), and the private use area.
_CONTROL = re.compile("[\x00-\x08\x0b\x0e-\x1f\x7f-\x9f\ue000-\uf8ff]")
#: A word: letters only.
_WORD = re.compile(r"[^\W\d_]+")
#: Images, PDF and ZIP archives, each by the bytes it holds at given offsets, all of them:
#: not searched for runs.
MEDIA: tuple[tuple[tuple[int, bytes], ...], ...] = (
    ((0, b"\x89PNG\r\n\x1a\n"),),
    ((0, b"\xff\xd8\xff"),),  # JPEG
    ((0, b"GIF87a"),), ((0, b"GIF89a"),),
    ((0, b"II*\x00"),), ((0, b"MM\x00*"),),  # TIFF
    ((0, b"RIFF"), (8, b"WEBP")),
    ((4, b"ftyp"),),  # MP4, HEIC, AVIF
    ((0, b"%PDF-"),),
    ((0, b"PK\x03\x04"),),  # ZIP (and XLSX, DOCX, JAR)
)
#: Bytes of a value that tell it is media: what a database sends of one.
MEDIA_HEAD = max(at + len(magic) for kind in MEDIA for at, magic in kind)
#: Encodings whose text is told from bytes by its words (:func:`_wordy`): any bytes decode.
_GUESSED = ("cp1251", "kz1048", "utf-16", "utf-16-le", "utf-16-be")


@dataclass(slots=True)
class Unread:
    """Binary values of a container not read, or read in part, by field: for its notes."""

    #: Values holding no text.
    none: Counter = field(default_factory=Counter)
    #: Images, PDF and ZIP archives.
    media: Counter = field(default_factory=Counter)
    #: Values longer than :data:`PREFIX`, of which the opening was read (a compressed
    #: value's content too).
    cut: Counter = field(default_factory=Counter)

    def notes(self) -> list[str]:
        notes = []
        if self.none:
            notes.append("binary values holding no text: " + _counts(self.none))
        if self.media:
            notes.append("images, PDF and ZIP archives not read: " + _counts(self.media))
        if self.cut:
            notes.append(f"binary values of more than {PREFIX >> 10} KiB (decompressed), "
                         f"their first {PREFIX >> 10} KiB read: " + _counts(self.cut))
        return notes


def read_binary(name: str, value: bytes | bytearray | memoryview, unread: Unread) -> str | None:
    """The text binary value ``value`` of field ``name`` holds (:func:`binary_text`), at
    most :data:`PREFIX` bytes of it (a database may have cut it one byte over, to tell);
    what is not read is counted in ``unread``. None for no text (an empty value too)."""
    data = bytes(value)
    if not data:
        return None
    cut = len(data) > PREFIX
    if cut:
        data = data[:PREFIX]
    text, kind, cut = _read(data, cut, True)
    if cut and kind != "media":  # an image is not read at all, whatever its size
        unread.cut[name] += 1
    if kind == "media":
        unread.media[name] += 1
    elif kind == "none":
        unread.none[name] += 1
    return text


def _counts(counter: Counter) -> str:
    return ", ".join(f"{k} ({v})" for k, v in sorted(counter.items()))


def binary_text(data: bytes, cut: bool = False) -> tuple[str | None, str]:
    """The text ``data`` holds, and how it was read: ``text`` (the value is text), ``runs``
    (its printable runs, one a line), ``none`` (no text: the text is None) or ``media``
    (an image, a PDF or an archive, not searched: None). A compressed value is read
    decompressed.

    ``cut``: ``data`` is the opening of a longer value (a character may be cut at its end).
    """
    text, kind, _ = _read(data, cut, True)
    return text, kind


def _read(data: bytes, cut: bool, inflate: bool) -> tuple[str | None, str, bool]:
    """:func:`binary_text`, and whether the value's content went on past what was read (a
    compressed value's content past :data:`PREFIX`); ``inflate``: decompress (not again
    inside a decompressed value)."""
    if not data:
        return None, "none", cut
    if is_media(data):
        return None, "media", cut
    if inflate:
        inflated = _inflated(data)
        if inflated is not None:
            content, more = inflated
            return _read(content, more, False)
    text = _as_text(data, cut)
    if text is not None:
        return text, "text", cut
    if data.startswith(_JAVA):
        strings = _java_strings(data)
        return ("; ".join(strings), "runs", cut) if strings else (None, "none", cut)
    runs = [m.decode("utf-8", "replace").strip() for m in _RUN.findall(data)]
    runs = [r for r in runs if len(r) >= MIN_RUN]
    if runs:
        return "\n".join(runs), "runs", cut
    return None, "none", cut


def is_media(data: bytes) -> bool:
    """Whether ``data`` opens as an image, a PDF or a ZIP archive (:data:`MEDIA`)."""
    return any(all(data[at:at + len(magic)] == magic for at, magic in kind) for kind in MEDIA)


def _inflated(data: bytes) -> tuple[bytes, bool] | None:
    """The first :data:`PREFIX` bytes of compressed ``data``'s content, and whether it holds
    more; None when ``data`` is not compressed, or no byte of it decompresses. A stream that
    ends early (a value cut at :data:`PREFIX`) or goes bad gives what came before."""
    if data.startswith(b"\x1f\x8b") or (
            len(data) > 2 and data[0] & 0x0F == 8 and (data[0] << 8 | data[1]) % 31 == 0):
        # gzip, or zlib (its two-byte header: deflate, a check multiple of 31).
        d = zlib.decompressobj(zlib.MAX_WBITS | 32)
        read = lambda: d.decompress(data, PREFIX + 1)  # noqa: E731
    elif data.startswith(b"BZh") and data[4:10] == b"1AY&SY":
        read = lambda: bz2.BZ2Decompressor().decompress(data, PREFIX + 1)  # noqa: E731
    elif data.startswith(b"\xfd7zXZ\x00"):
        read = lambda: lzma.LZMADecompressor().decompress(data, PREFIX + 1)  # noqa: E731
    elif data.startswith(b"\x28\xb5\x2f\xfd") and zstandard is not None:
        reader = zstandard.ZstdDecompressor().stream_reader(io.BytesIO(data))
        read = lambda: reader.read(PREFIX + 1)  # noqa: E731
    else:
        return None
    try:
        out = read()
    except (OSError, EOFError, zlib.error, lzma.LZMAError, *_ZSTD_ERRORS):
        return None
    if not out:
        return None
    return out[:PREFIX], len(out) > PREFIX


_ZSTD_ERRORS: tuple = (zstandard.ZstdError,) if zstandard is not None else ()


def _java_strings(data: bytes) -> list[str]:
    """The strings of a Java serialization stream, each read by the two-byte length before
    it: strings (``TC_STRING``), class and field names, ``writeUTF`` in block data. A length
    is tried where its high byte is small (strings under 2,048 bytes; the stream's longer
    strings, ``TC_LONGSTRING``, are rare in sessions and job data) and taken when that many
    printable bytes follow; the search goes on after them."""
    out: list[str] = []
    at, n = len(_JAVA), len(data)
    while at + 2 < n:
        length = data[at] << 8 | data[at + 1]
        if length and data[at] < 8:
            end = at + 2 + length
            m = _PRINTABLE.match(data, at + 2, end)
            if m is not None and m.end() == end:
                text = m.group().decode("utf-8", "replace").strip()
                if len(text) >= MIN_JAVA:
                    out.append(text)
                at = end
                continue
        at += 1
    return out


def _as_text(data: bytes, cut: bool) -> str | None:
    codec, _ = detect_encoding(data, at_eof=not cut)
    if codec in ("binary", "latin-1"):
        return None  # bytes above 0x7F that are neither UTF-8 nor Cyrillic: no text read
    if codec.startswith("utf-16") and len(data) % 2:
        data = data[:-1]
    decoder = codecs.getincrementaldecoder(codec)("replace")
    text = decoder.decode(data, final=not cut)
    if _CONTROL.search(text) or text.count("\ufffd") * 100 > len(text):
        return None
    if codec in _GUESSED and not _wordy(text):
        return None
    return text


def _wordy(text: str) -> bool:
    """Whether text of a guessed encoding reads as words: seven characters in ten letters,
    digits or spaces; a word of three letters; and every word of one script (Cyrillic or
    not) and written in lower case, upper case or with a capital first.

    Random bytes read as cp1251 are letters about half the time, and a ``BINARY(16)`` UUID
    with no control byte in it would pass as "Cyrillic" text (6% of them did) without the
    words' rules: ``X%Ғп|қөwHEп•OңЉ¬`` is no text, its words mix scripts and cases."""
    plain = sum(1 for c in text if c.isalnum() or c.isspace())
    if plain * 10 < len(text) * 7:
        return False
    long = False
    for word in _WORD.findall(text):
        if len(word) == 1:
            continue
        if not (word.islower() or word.isupper() or word.istitle()):
            return False
        cyrillic = sum(1 for c in word if "\u0400" <= c <= "\u04ff")
        if cyrillic and cyrillic != len(word):
            return False
        long = long or len(word) >= 3
    return long
