"""Log files as streams of whole UTF-8 lines: plain, gzip, bz2, xz or zstd; any size.

A :class:`LogSource` reads a file, a directory (recursively), a glob or stdin (``-``) and yields
:class:`LineBatch` es of whole lines, ending each file with a :class:`ContainerDone`. Memory stays
bounded by ``batch_bytes`` plus ``max_line_bytes`` whatever the size of the file.

Decisions, documented here because the engine and the reports rely on them:

* **Compression** is recognised by magic bytes, not by extension. Concatenated gzip members and
  zstd frames are read in turn. A truncated or corrupt stream yields every line decoded before
  the fault (the partial last line included: a detector's checksum decides what it is worth),
  then raises :class:`SourceError` ("truncated gzip stream after N lines"); no ``ContainerDone``
  follows, so the engine records the file as read in part.
* **Encoding** is decided once per file from its first 64 KiB: a BOM (UTF-8, UTF-16, UTF-32)
  wins; text that is valid (or nearly all valid) UTF-8 is passed through untouched, the fast
  path; otherwise runs of high bytes mean Cyrillic: KZ-1048 when bytes that only Kazakh letters
  use in it appear, else cp1251; anything else is latin-1. Everything but UTF-8 is transcoded,
  so ``LineBatch.data`` is always UTF-8. Invalid UTF-8 later in a UTF-8 file is passed through
  as is, with a note naming the first line where it was seen.
* **Binary files** (NUL bytes in the first 8 KiB of a file that is not UTF-16/32) are skipped
  without error: no data, and a ``ContainerDone`` with the note ``binary file, skipped``.
  Skipping is not a failure; a log directory holding an archive should not fail its source.
* **Long lines** (over ``max_line_bytes``) arrive in pieces of at most that size, one piece per
  batch, ``continued=True`` after the first and ``offset`` the character offset of the piece
  in its line. A piece ends after the last separator (space, tab, quote, comma, semicolon,
  bracket, ``|``, ``&``, ``=``) within the last 4 KiB before the limit, so a value is rarely cut;
  with no separator there it is a hard cut, never inside a UTF-8 character. Pieces do not
  overlap: nothing is read twice, and nothing is dropped.
* A file that **grows** during the scan is read up to the size it had when opened (noted).
"""

from __future__ import annotations

import bz2
import codecs
import errno
import fnmatch
import glob
import gzip
import itertools
import lzma
import os
import re
import stat
import sys
import zlib
from collections.abc import Iterable, Iterator
from datetime import UTC, datetime

from derbes.scanner.errors import SourceError
from derbes.scanner.sources.base import Container, ContainerDone, LineBatch

try:  # zstd is optional: without it, zstd files are reported as unreadable
    import zstandard
except ImportError:  # pragma: no cover - the project depends on it
    zstandard = None

STDIN = "<stdin>"

_BLOCK = 1 << 20  # read size from files and decompressors
_HEAD = 64 << 10  # how much decides the encoding
_BINARY_PROBE = 8 << 10
_CUT_WINDOW = 4 << 10
_SEPARATORS = tuple(bytes([c]) for c in b" \t,;\"'<>(){}[]|&=")
_CONTINUATION = bytes(range(0x80, 0xC0))
_HIGH_RUN = re.compile(rb"[\x80-\xff]{2,}")
_HIGH = re.compile(rb"[\x80-\xff]")
# The bytes whose letter differs between cp1251 (Serbian, Ukrainian letters) and KZ-1048
# (Kazakh letters): {b for b in range(128, 256) if bytes([b]).decode("cp1251", "replace") !=
# bytes([b]).decode("kz1048", "replace")}. Kazakh text in KZ-1048 is full of them.
_KZ1048_ONLY = re.compile(rb"[\x8d\x8e\x9d\x9e\xa1\xa2\xa3\xa5\xaa\xaf\xb4\xba\xbc\xbd\xbe\xbf]")
_MAGIC = (
    (b"\x1f\x8b", "gzip"),
    (b"BZh", "bz2"),
    (b"\xfd7zXZ\x00", "xz"),
    (b"\x28\xb5\x2f\xfd", "zstd"),
)
_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)
_WIDE = ("utf-16", "utf-16-le", "utf-16-be", "utf-32")
_SINGLE_BYTE = ("cp1251", "kz1048", "latin-1")


class _Fault(Exception):
    """A stream that cannot be read further; what came before it is good."""


# -- finding files -------------------------------------------------------------------------


def find_files(
    spec: str, include: Iterable[str] = (), exclude: Iterable[str] = ()
) -> tuple[list[str], list[str]]:
    """The files ``spec`` names, sorted, and warnings about what could not be listed.

    ``spec`` is a file, a directory (walked recursively, symlinked directories followed once),
    or a glob (``**`` crosses directories). ``include``/``exclude`` are fnmatch globs matched
    against the whole path and against the file name. Raises ``SourceError`` when nothing is
    left (:class:`NothingMatched` when the folder or glob exists).
    """
    warnings: list[str] = []
    if os.path.lexists(spec):
        paths = _walk(spec, warnings) if os.path.isdir(spec) else [spec]
    elif glob.has_magic(spec):
        paths = _glob(spec, warnings)
    else:
        raise SourceError(spec, "no such file or directory")
    include, exclude = tuple(include), tuple(exclude)
    paths = sorted(p for p in set(paths) if _selected(p, include, exclude))
    if not paths:
        reason = f"no files match {spec!r}"
        if warnings:
            reason += f" ({warnings[0]})"
        raise NothingMatched(spec, reason)
    return paths, warnings


class NothingMatched(SourceError):
    """A folder or glob that exists but leaves no file to scan (``--include`` matched
    nothing): an empty source, not a broken one."""


def _selected(path: str, include: tuple[str, ...], exclude: tuple[str, ...]) -> bool:
    base = os.path.basename(path)

    def hit(patterns: tuple[str, ...]) -> bool:
        return any(fnmatch.fnmatch(path, p) or fnmatch.fnmatch(base, p) for p in patterns)

    return (not include or hit(include)) and not hit(exclude)


class Unreadable(str):
    """A listing problem that loses data (a directory that cannot be read): an error."""

    __slots__ = ()


class Skipped(str):
    """A file of a folder that is not scanned, with the reason: ``"path: reason"``."""

    def __new__(cls, path: str, reason: str) -> Skipped:
        self = super().__new__(cls, f"{path}: {reason}, skipped")
        self.path, self.reason = path, reason
        return self


#: The first bytes of an SQLite 3 database file (https://www.sqlite.org/fileformat.html).
SQLITE_HEADER = b"SQLite format 3\x00"
#: Why an SQLite file in a scanned folder is not read as a log.
SQLITE_SKIPPED = "SQLite database (scan it with --scan-databases, or as sqlite:///PATH)"


def is_sqlite_file(path: str) -> bool:
    """Whether ``path`` starts like an SQLite 3 database."""
    try:
        with open(path, "rb") as f:
            return f.read(len(SQLITE_HEADER)) == SQLITE_HEADER
    except OSError:
        return False


def _walk(top: str, warnings: list[str]) -> list[str]:
    """Regular files under ``top``. Each directory is entered once, so symlink loops end."""

    def onerror(e: OSError) -> None:
        warnings.append(Unreadable(f"{e.filename}: {e.strerror or e}"))

    try:
        top_st = os.stat(top)
    except OSError as e:
        raise SourceError(top, e.strerror or str(e)) from e
    seen_dirs = {(top_st.st_dev, top_st.st_ino)}
    seen_files: set[tuple[int, int]] = set()
    out: list[str] = []
    for dirpath, dirnames, filenames in os.walk(top, onerror=onerror, followlinks=True):
        keep = []
        for d in sorted(dirnames):
            path = os.path.join(dirpath, d)
            try:
                st = os.stat(path)
            except OSError as e:
                warnings.append(f"{path}: {e.strerror or e}")
                continue
            key = (st.st_dev, st.st_ino)
            if key in seen_dirs:
                if os.path.islink(path):
                    warnings.append(f"{path}: symlink to a directory already walked, skipped")
                continue
            seen_dirs.add(key)
            keep.append(d)
        dirnames[:] = keep
        for fn in filenames:
            path = os.path.join(dirpath, fn)
            try:
                st = os.stat(path)
            except OSError as e:  # broken symlink, symlink loop, vanished file
                if os.path.islink(path):
                    why = "symlink loop" if e.errno == errno.ELOOP else "dangling symlink"
                    warnings.append(Skipped(path, f"{why} ({e.strerror or e})"))
                else:
                    warnings.append(f"{path}: {e.strerror or e}")
                continue
            if not stat.S_ISREG(st.st_mode):
                # A FIFO or a device in a directory would block or never end.
                warnings.append(Skipped(path, "not a regular file"))
                continue
            key = (st.st_dev, st.st_ino)
            if key not in seen_files:  # a symlink or hard link to a file already listed
                seen_files.add(key)
                out.append(path)
    return out


def _glob(spec: str, warnings: list[str]) -> list[str]:
    if "**" not in spec:
        out: list[str] = []
        for match in glob.glob(spec):
            if os.path.isdir(match):
                out.extend(_walk(match, warnings))
            elif os.path.isfile(match):
                out.append(match)
        return out
    # glob's own "**" follows symlinked directories without a visited set; a loop explodes.
    parts = spec.split(os.sep)
    fixed = []
    for part in parts:
        if glob.has_magic(part):
            break
        fixed.append(part)
    base = os.sep.join(fixed) or "."
    if not os.path.isdir(base):
        return []
    pattern = re.compile(_glob_regex(spec if fixed else os.path.join(".", spec)))
    return [p for p in _walk(base, warnings) if pattern.fullmatch(p)]


def _glob_regex(pattern: str) -> str:
    out, i, n = [], 0, len(pattern)
    while i < n:
        if pattern.startswith("**/", i):
            out.append("(?:.*/)?")
            i += 3
        elif pattern.startswith("**", i):
            out.append(".*")
            i += 2
        elif pattern[i] == "*":
            out.append("[^/]*")
            i += 1
        elif pattern[i] == "?":
            out.append("[^/]")
            i += 1
        elif pattern[i] == "[" and "]" in pattern[i + 2 :]:
            j = pattern.index("]", i + 2)
            body = pattern[i + 1 : j]
            if body.startswith("!"):
                body = "^" + body[1:]
            out.append("[" + body.replace("\\", "\\\\") + "]")
            i = j + 1
        else:
            out.append(re.escape(pattern[i]))
            i += 1
    return "".join(out)


# -- encodings -----------------------------------------------------------------------------


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


def _utf8_chars(piece: bytes) -> int:
    # Valid UTF-8 has one non-continuation byte per character.
    return len(piece.translate(None, _CONTINUATION))


# -- raw streams ---------------------------------------------------------------------------


class _Prefixed:
    """A read-only stream: ``head``, then ``f`` up to ``limit`` bytes in all (None: no limit)."""

    def __init__(self, head: bytes, f, limit: int | None) -> None:
        self._head = head
        self._f = f
        self._left = None if limit is None else max(0, limit - len(head))
        self.consumed = len(head)

    def readable(self) -> bool:
        return True

    def read(self, n: int = -1) -> bytes:
        if self._head:
            if n < 0 or n >= len(self._head):
                out, self._head = self._head, b""
            else:
                out, self._head = self._head[:n], self._head[n:]
            return out
        if n < 0:
            n = _BLOCK if self._left is None else self._left
        if self._left is not None:
            n = min(n, self._left)
            if n <= 0:
                return b""
        out = self._f.read(n)
        if self._left is not None:
            self._left -= len(out)
        self.consumed += len(out)
        return out

    read1 = read


class _ZstdReader:
    """zstd frames in turn; raises ``EOFError`` if the input ends inside a frame."""

    def __init__(self, raw: _Prefixed) -> None:
        self._raw = raw
        self._dctx = zstandard.ZstdDecompressor()
        self._d = None
        self._out = b""
        self._pos = 0

    def read1(self, n: int) -> bytes:
        while self._pos >= len(self._out):
            # Small input pieces keep each piece's output small even for very high ratios.
            chunk = self._raw.read(16 << 10)
            if not chunk:
                if self._d is not None:
                    raise EOFError("zstd stream ended inside a frame")
                return b""
            self._out, self._pos = self._feed(chunk), 0
        out = self._out[self._pos : self._pos + n]
        self._pos += len(out)
        return out

    def _feed(self, chunk: bytes) -> bytes:
        parts = []
        while chunk:
            if self._d is None:
                self._d = self._dctx.decompressobj()
            parts.append(self._d.decompress(chunk))
            if self._d.eof:
                chunk = self._d.unused_data
                self._d = None
            else:
                chunk = b""
        return b"".join(parts)


def _decompressor(raw: _Prefixed, kind: str):
    if kind == "gzip":
        return gzip.GzipFile(fileobj=raw, mode="rb")
    if kind == "bz2":
        return bz2.BZ2File(raw, mode="rb")
    if kind == "xz":
        return lzma.LZMAFile(raw, mode="rb")
    if kind == "zstd":
        if zstandard is None:
            raise _Fault("zstd file, but the zstandard module is not installed")
        return _ZstdReader(raw)
    return raw


def _compression(head: bytes) -> str | None:
    for magic, kind in _MAGIC:
        if head.startswith(magic):
            return kind
    return None


_STREAM_ERRORS = (OSError, zlib.error, lzma.LZMAError) + (
    (zstandard.ZstdError,) if zstandard is not None else ()
)


def _chunks(stream, kind: str | None) -> Iterator[bytes]:
    """Decompressed blocks; ``read1`` so that a fault loses nothing already decoded."""
    while True:
        try:
            block = stream.read1(_BLOCK)
        except EOFError as e:
            raise _Fault(f"truncated {kind} stream") from e
        except _STREAM_ERRORS as e:
            what = f"corrupt {kind} stream" if kind else "read error"
            raise _Fault(f"{what}: {e}") from e
        if not block:
            return
        yield block


def _transcode(chunks: Iterator[bytes], codec: str) -> Iterator[bytes]:
    decoder = codecs.getincrementaldecoder(codec)("replace")
    for chunk in chunks:
        text = decoder.decode(chunk)
        if text:
            yield text.encode("utf-8", "surrogatepass")
    tail = decoder.decode(b"", final=True)
    if tail:
        yield tail.encode("utf-8", "surrogatepass")


# -- the source ----------------------------------------------------------------------------


class LogSource:
    """Log files (a file, a directory, a glob, or ``-`` for stdin) read as UTF-8 lines."""

    kind = "log"

    def __init__(
        self,
        spec: str,
        *,
        name: str | None = None,
        include: Iterable[str] = (),
        exclude: Iterable[str] = (),
        max_line_bytes: int = 1 << 20,
        batch_bytes: int = 4 << 20,
    ) -> None:
        if max_line_bytes < 2 * _CUT_WINDOW:
            raise ValueError(f"max_line_bytes must be at least {2 * _CUT_WINDOW}")
        if batch_bytes < 1:
            raise ValueError("batch_bytes must be positive")
        self.spec = spec
        self.name = name or (STDIN if spec == "-" else spec)
        self.include = tuple(include)
        self.exclude = tuple(exclude)
        self.max_line_bytes = max_line_bytes
        self.batch_bytes = batch_bytes
        #: What could not be listed (unreadable directories, broken symlinks); not fatal.
        self.warnings: list[str] = []
        self.errors: list[str] = []

    # -- listing ---------------------------------------------------------------------------

    def containers(self) -> Iterator[Container]:
        """One container per file, sorted by path. Raises ``SourceError`` if none match."""
        if self.spec == "-":
            yield Container(name=STDIN, kind="file")
            return
        try:
            paths, listed = find_files(self.spec, self.include, self.exclude)
        except NothingMatched as e:
            # Nothing to scan is the engine's to report (a warning, exit code 3).
            self.warnings = [e.reason]
            return
        except SourceError as e:
            raise SourceError(self.name, e.reason) from e
        self.errors = [w for w in listed if isinstance(w, Unreadable)]
        self.warnings = [w for w in listed if not isinstance(w, Unreadable)]
        for path in paths:
            meta = {}
            try:
                st = os.stat(path)
                meta = {"size": st.st_size, "mtime": _iso(st.st_mtime)}
            except OSError as e:
                self.warnings.append(f"{path}: {e.strerror or e}")
            yield Container(name=path, kind="file", meta=meta)

    # -- reading a whole file ------------------------------------------------------------------

    def read(self, container: Container) -> Iterator[LineBatch | ContainerDone]:
        """Lines of one file in batches, then ``ContainerDone``; see the module docstring."""
        path = container.name
        if path == STDIN:
            yield from self._read_stream(container, sys.stdin.buffer, None, None)
            return
        f = self._open(path)
        with f:
            st = os.fstat(f.fileno())
            limit = st.st_size if stat.S_ISREG(st.st_mode) else None
            yield from self._read_stream(container, f, limit, st)

    def _open(self, path: str):
        try:
            return open(path, "rb")
        except FileNotFoundError as e:
            raise SourceError(self.name, "file vanished before it was read", path) from e
        except PermissionError as e:
            raise SourceError(self.name, "permission denied", path) from e
        except OSError as e:
            raise SourceError(self.name, e.strerror or str(e), path) from e

    def _read_stream(
        self, container: Container, f, limit: int | None, st: os.stat_result | None
    ) -> Iterator[LineBatch | ContainerDone]:
        path = container.name
        mtime = _iso(st.st_mtime) if st is not None else None
        state = _State()
        try:
            head = f.read(min(_HEAD, limit) if limit is not None else _HEAD)
        except OSError as e:
            raise SourceError(self.name, f"read error: {e.strerror or e}", path) from e
        raw = _Prefixed(head, f, limit)
        kind = _compression(head)
        try:
            blocks = _chunks(_decompressor(raw, kind), kind)
            text_head, blocks = _peek(blocks, _HEAD)
        except _Fault as e:
            raise SourceError(self.name, str(e), path) from e
        codec, note = detect_encoding(text_head, at_eof=not text_head)
        if codec == "binary":
            why = SQLITE_SKIPPED if head.startswith(SQLITE_HEADER) else "binary file"
            yield ContainerDone(notes=(*state.notes, f"{why}, skipped"), mtime=mtime,
                                skipped=why)
            return
        chunks = _text_chunks(_prepend(text_head, blocks), codec, strip_bom=True, state=state)
        yield from self._lines(chunks, codec, note, 1, state, path)
        if limit is not None and st is not None:
            state.notes.extend(_growth_notes(f, raw.consumed, st.st_size))
        yield state.done(mtime)

    def _lines(
        self,
        chunks: Iterator[bytes],
        codec: str,
        note: str | None,
        first_line: int,
        state: _State,
        path: str,
    ) -> Iterator[LineBatch]:
        """The line batches of decoded ``chunks``; a fault midway becomes a SourceError."""
        if note:
            state.notes.append(note)
        state.check_utf8 = codec in ("utf-8", "utf-8-sig") and note is None
        try:
            yield from _batches(chunks, first_line, self.max_line_bytes, self.batch_bytes, state)
        except _Fault as e:
            raise SourceError(self.name, f"{e} after {state.lines} lines", path) from e

    # -- byte ranges, for parallel scans of one large file ----------------------------------

    def split(
        self, container: Container, parts: int, min_part_bytes: int = 1 << 20
    ) -> list[tuple[int, int]]:
        """Byte ranges ``[start, end)`` starting at line starts and covering the file.

        Only plain (uncompressed) files in UTF-8 or a single-byte encoding split; for anything
        else (stdin, compressed, UTF-16/32, binary) the list is empty: read the whole file.
        Ranges are at least ``min_part_bytes`` long, so a small file is one range.
        """
        if container.name == STDIN:
            return []
        with self._open(container.name) as f:
            size = os.fstat(f.fileno()).st_size
            head = f.read(_HEAD)
            if _compression(head) or detect_encoding(head, len(head) < _HEAD)[0] in (
                *_WIDE,
                "binary",
            ):
                return []
            parts = max(1, min(parts, size // max(1, min_part_bytes)))
            bounds = [0]
            for k in range(1, parts):
                pos = max(size * k // parts, bounds[-1] + 1)
                start = _next_line_start(f, pos)
                if start is None or start >= size:
                    break
                if start > bounds[-1]:
                    bounds.append(start)
        bounds.append(size)
        return [(a, b) for a, b in itertools.pairwise(bounds) if b > a] or [(0, 0)]

    def read_range(
        self, container: Container, start: int, end: int, first_line: int | None = None
    ) -> Iterator[LineBatch | ContainerDone]:
        """Lines of bytes ``[start, end)`` of a plain file (``start`` at a line start).

        Line numbers count from ``first_line``, or from the newlines before ``start`` when it
        is not given. Ends with a ``ContainerDone`` holding this range's counts only: the
        engine sums the ranges of one file.
        """
        path = container.name
        with self._open(path) as f:
            st = os.fstat(f.fileno())
            head = f.read(_HEAD)
            if _compression(head):
                raise SourceError(self.name, "compressed file cannot be read by range", path)
            codec, note = detect_encoding(head, len(head) < _HEAD)
            if codec in (*_WIDE, "binary"):
                raise SourceError(self.name, f"{codec} file cannot be read by range", path)
            if first_line is None:
                first_line = _count_newlines(f, start) + 1
            f.seek(start)
            state = _State()
            raw = _Prefixed(b"", f, max(0, end - start))
            blocks = _chunks(raw, None)
            chunks = _text_chunks(blocks, codec, strip_bom=start == 0, state=state)
            yield from self._lines(chunks, codec, note, first_line, state, path)
        yield state.done(_iso(st.st_mtime))

    def close(self) -> None:
        """Nothing to release: each file is closed when its reading ends."""


# -- the line batcher ----------------------------------------------------------------------


class _State:
    """Counts and notes of one reading."""

    __slots__ = ("bytes", "check_utf8", "lines", "notes")

    def __init__(self) -> None:
        self.lines = 0
        self.bytes = 0
        self.notes: list[str] = []
        self.check_utf8 = False

    def done(self, mtime: str | None) -> ContainerDone:
        """The ``ContainerDone`` that ends this reading."""
        return ContainerDone(
            rows_scanned=self.lines,
            bytes_scanned=self.bytes,
            notes=tuple(self.notes),
            mtime=mtime,
        )


def _peek(blocks: Iterator[bytes], size: int) -> tuple[bytes, Iterator[bytes]]:
    """At least ``size`` bytes from the front of ``blocks`` (fewer at the end, or at a fault).

    A fault while peeking is deferred to the returned iterator, so the good part is kept.
    """
    parts, got = [], 0
    fault: _Fault | None = None
    while got < size:
        try:
            block = next(blocks)
        except StopIteration:
            break
        except _Fault as e:
            fault = e
            break
        parts.append(block)
        got += len(block)
    if fault is not None:
        return b"".join(parts), _raise(fault)
    return b"".join(parts), blocks


def _raise(fault: _Fault) -> Iterator[bytes]:
    """A stream that fails with ``fault`` when read, not when made."""
    yield from ()
    raise fault


def _prepend(head: bytes, blocks: Iterator[bytes]) -> Iterator[bytes]:
    if head:
        yield head
    yield from blocks


def _text_chunks(
    blocks: Iterator[bytes], codec: str, *, strip_bom: bool, state: _State
) -> Iterator[bytes]:
    """UTF-8 blocks: passed through for UTF-8, transcoded otherwise; counts the bytes."""
    if codec in ("utf-8", "utf-8-sig"):
        first = True
        for block in blocks:
            if first and strip_bom and block.startswith(codecs.BOM_UTF8):
                block = block[len(codecs.BOM_UTF8) :]
            first = False
            state.bytes += len(block)
            yield block
        return
    for block in _transcode(blocks, codec):
        state.bytes += len(block)
        yield block


def _batches(
    chunks: Iterator[bytes], line: int, max_line: int, batch_bytes: int, state: _State
) -> Iterator[LineBatch]:
    """Cut a stream of UTF-8 blocks into batches of whole lines, long lines in pieces.

    A ``_Fault`` from ``chunks`` ends the stream: what was read is emitted, then it is raised.
    """
    first_line = line
    target = max(batch_bytes, max_line + 1)
    buf = b""
    offset: int | None = None  # character offset when ``buf`` starts inside a long line
    eof = False
    fault: _Fault | None = None
    while True:
        if not eof and len(buf) < target:
            parts, size = [buf], len(buf)
            while size < target:
                try:
                    chunk = next(chunks)
                except StopIteration:
                    eof = True
                    break
                except _Fault as e:
                    fault, eof = e, True
                    break
                parts.append(chunk)
                size += len(chunk)
            buf = b"".join(parts)
        if not buf:
            break
        if offset is not None:  # inside a long line
            nl = buf.find(b"\n", 0, max_line + 1)
            if nl >= 0:
                if nl:
                    yield _checked(LineBatch(buf[:nl], line, True, offset), state)
                buf = buf[nl + 1 :]
                line += 1
                offset = None
                continue
            cut = len(buf) if eof and len(buf) <= max_line else _cut(buf, max_line)
            piece = buf[:cut]
            yield _checked(LineBatch(piece, line, True, offset), state)
            offset += _utf8_chars(piece)
            buf = buf[cut:]
            continue
        if eof and len(buf) <= batch_bytes:
            end = len(buf)
        else:
            end = buf.rfind(b"\n", 0, batch_bytes) + 1
            if end == 0:  # one line fills the batch: whole if it is short enough
                nl = buf.find(b"\n", 0, max_line + 1)
                if nl >= 0:
                    end = nl + 1
                elif eof and len(buf) <= max_line:
                    end = len(buf)
        long_at = _long_line(buf, end, max_line)
        if long_at is not None:
            end = long_at
        if end:
            lines = buf.count(b"\n", 0, end)
            if buf[end - 1] == 0x0A:  # one slice, not two: these are megabytes
                data = buf[: end - 1]
            else:
                data = buf[:end]
                lines += 1
            if data:
                yield _checked(LineBatch(data, line), state)
            line += lines
            buf = buf[end:]
            continue
        cut = _cut(buf, max_line)  # buf starts with a line longer than max_line
        piece = buf[:cut]
        yield _checked(LineBatch(piece, line, False, 0), state)
        offset = _utf8_chars(piece)
        buf = buf[cut:]
    if offset is not None:  # the file ended inside a long line
        line += 1
    state.lines = line - first_line
    if fault is not None:
        raise fault


def _checked(batch: LineBatch, state: _State) -> LineBatch:
    """Note the first invalid UTF-8 passed through (once: the check costs a decode)."""
    data = batch.data
    if state.check_utf8 and not data.isascii():
        # In slices: decoding a whole batch at once would hold a str of up to 4x its size.
        decoder = codecs.getincrementaldecoder("utf-8")()
        view = memoryview(data)
        step = 256 << 10
        for start in range(0, len(data), step):
            try:
                decoder.decode(view[start : start + step], final=start + step >= len(data))
            except UnicodeDecodeError as e:
                # The decoder may hold back up to 3 bytes of the previous slice.
                where = batch.first_line + data.count(b"\n", 0, max(0, start + e.start - 3))
                state.notes.append(f"invalid UTF-8 from line {where}, passed through as is")
                state.check_utf8 = False
                break
    return batch


def _long_line(buf: bytes, end: int, max_line: int) -> int | None:
    """Start of the first line longer than ``max_line`` in ``buf[:end]``, if any.

    Any such line covers a whole aligned window of ``step`` bytes with no newline, so a few
    ``find`` calls per batch rule long lines out.
    """
    step = (max_line + 1) // 2
    p = 0
    while p + step <= end:
        if buf.find(b"\n", p, p + step) < 0:
            start = buf.rfind(b"\n", 0, p) + 1
            stop = buf.find(b"\n", p, end)
            stop = end if stop < 0 else stop
            if stop - start > max_line:
                return start
            p = (stop // step + 1) * step
        else:
            p += step
    return None


def _cut(buf: bytes, limit: int) -> int:
    """Where to end a piece of at most ``limit`` bytes of a long line."""
    lo = limit - _CUT_WINDOW
    best = max(buf.rfind(sep, lo, limit) for sep in _SEPARATORS)
    if best >= 0:
        return best + 1
    cut = limit
    while cut > lo and buf[cut] & 0xC0 == 0x80:  # never inside a UTF-8 character
        cut -= 1
    return cut


def _next_line_start(f, pos: int) -> int | None:
    f.seek(pos - 1)
    offset = pos - 1
    while True:
        block = f.read(_BLOCK)
        if not block:
            return None
        nl = block.find(b"\n")
        if nl >= 0:
            return offset + nl + 1
        offset += len(block)


def _count_newlines(f, end: int) -> int:
    f.seek(0)
    count, left = 0, end
    while left > 0:
        block = f.read(min(_BLOCK * 4, left))
        if not block:
            break
        count += block.count(b"\n")
        left -= len(block)
    return count


def _growth_notes(f, consumed: int, size_at_open: int) -> list[str]:
    try:
        size_now = os.fstat(f.fileno()).st_size
    except OSError:
        return []
    if size_now > size_at_open:
        return [f"file grew during the scan; read the {size_at_open} bytes present at open"]
    if consumed < size_at_open:
        return [f"file shrank during the scan; read {consumed} of {size_at_open} bytes"]
    return []


def _iso(ts: float) -> str:
    return datetime.fromtimestamp(ts, UTC).isoformat(timespec="seconds")
