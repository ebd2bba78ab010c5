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
  so ``LineBatch.data`` is always UTF-8. In a UTF-8 file (one line of Cyrillic in UTF-8 in
  its head makes it one), a line that is not UTF-8 but reads as Cyrillic in Windows-1251 or
  KZ-1048 is read in it (a Windows program's lines in a UTF-8 log); other invalid bytes are
  passed through as is; a note names the first line that is not UTF-8. A file in a code page
  is decoded batch by batch of lines: a line in it that is UTF-8 with Cyrillic in it is kept
  (noted), and a batch holding a byte of a Kazakh letter is read in KZ-1048 (the code pages
  differ in no other byte).
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

import itertools
import os
import stat
import sys
from collections.abc import Iterable, Iterator

from derbes.scanner.errors import ConfigError, SourceError
from derbes.scanner.sources.base import Container, ContainerDone, LineBatch
from derbes.scanner.sources.decompress import (
    BLOCK,
    Fault,
    Prefixed,
    compression,
    decompressor,
    peek,
    prepend,
    read_blocks,
)
from derbes.scanner.sources.discovery import (
    SQLITE_HEADER,
    SQLITE_SKIPPED,
    NothingMatched,
    find_files,
    iso_mtime,
    sort_listing,
)
from derbes.scanner.sources.encoding import WIDE, detect_encoding
from derbes.scanner.sources.logs.lines import (
    CUT_WINDOW,
    ReadState,
    _checked,
    _long_line,
    line_batches,
    text_chunks,
)
from derbes.scanner.sources.remote import display_url, find_remote, is_remote, open_remote

#: The name of standard input's one container.
STDIN = "<stdin>"

_HEAD = 64 << 10  # how much decides the encoding
_CUT_READ = 4 << 10  # first read looking for a newline at the edge of a range
_BACK_READ = 64 << 10  # first read back from a range for the lines before it


class LogSource:
    """Log files (a file, a directory, a glob, or ``-`` for stdin) read as UTF-8 lines.

    A :class:`~derbes.scanner.sources.base.Source` and, for plain files,
    :class:`~derbes.scanner.sources.base.RangeReadable`.
    """

    kind = "log"
    host = None  # files: where they rest is the machine's, or the location the operator gives

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
        if max_line_bytes < 2 * CUT_WINDOW:
            raise ConfigError(f"max_line_bytes must be at least {2 * CUT_WINDOW}")
        if batch_bytes < 1:
            raise ConfigError("batch_bytes must be positive")
        self.spec = spec
        self.name = name or (STDIN if spec == "-" else display_url(spec))
        self.include = tuple(include)
        self.exclude = tuple(exclude)
        self.max_line_bytes = max_line_bytes
        self.batch_bytes = batch_bytes
        #: What could not be listed: lost data (unreadable directories), notes, and files
        #: left out with their reasons (broken symlinks, FIFOs); none of it is fatal.
        self.errors: list[str] = []
        self.warnings: list[str] = []
        self.skipped: list[tuple[str, str]] = []

    # -- listing ---------------------------------------------------------------------------

    def containers(self) -> Iterator[Container]:
        """One container per file, sorted by path. Raises ``SourceError`` if none match."""
        if self.spec == "-":
            yield Container(name=STDIN, kind="file", local_only=True)
            return
        if is_remote(self.spec):
            try:
                found, _ = find_remote(self.spec, self.include, self.exclude)
            except SourceError as e:
                raise SourceError(self.name, e.reason) from e
            for url, meta in found:
                yield Container(name=url, kind="file", meta=meta)
            return
        try:
            paths, listed = find_files(self.spec, self.include, self.exclude)
        except NothingMatched as e:
            # Nothing to scan is the engine's to report (a warning, exit code 3).
            self.warnings = [e.reason]
            return
        except SourceError as e:
            raise SourceError(self.name, e.reason) from e
        self.errors, self.warnings, self.skipped = sort_listing(listed)
        for path in paths:
            meta = {}
            try:
                st = os.stat(path)
                meta = {"size": st.st_size, "mtime": iso_mtime(st.st_mtime)}
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
            if is_remote(path):  # an object: its size and time as listed
                size = container.meta.get("size")
                mtime = container.meta.get("mtime")
                yield from self._read_stream(container, f, size, None, mtime)
                return
            st = os.fstat(f.fileno())
            limit = st.st_size if stat.S_ISREG(st.st_mode) else None
            yield from self._read_stream(container, f, limit, st)

    def _open(self, path: str, block_size: int | None = None):
        if is_remote(path):
            return open_remote(path, self.name, block_size)
        try:
            return open(path, "rb")
        except FileNotFoundError as e:
            raise SourceError(self.name, "file vanished before it was read", path) from e
        except PermissionError as e:
            raise SourceError(self.name, "permission denied", path) from e
        except OSError as e:
            raise SourceError(self.name, e.strerror or str(e), path) from e

    def _read_stream(
        self,
        container: Container,
        f,
        limit: int | None,
        st: os.stat_result | None,
        mtime: str | None = None,
    ) -> Iterator[LineBatch | ContainerDone]:
        path = container.name
        if st is not None:
            mtime = iso_mtime(st.st_mtime)
        state = ReadState()
        try:
            head = f.read(min(_HEAD, limit) if limit is not None else _HEAD)
        except OSError as e:
            raise SourceError(self.name, f"read error: {e.strerror or e}", path) from e
        raw = Prefixed(head, f, limit)
        kind = compression(head)
        try:
            blocks = read_blocks(decompressor(raw, kind), kind)
            text_head, blocks = peek(blocks, _HEAD)
        except Fault as e:
            raise SourceError(self.name, str(e), path) from e
        codec, note = detect_encoding(text_head, at_eof=not text_head)
        if codec == "binary":
            why = SQLITE_SKIPPED if head.startswith(SQLITE_HEADER) else "binary file"
            yield ContainerDone(notes=(*state.notes, f"{why}, skipped"), mtime=mtime,
                                skipped=why)
            return
        chunks = text_chunks(prepend(text_head, blocks), codec, strip_bom=True, state=state)
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
        state: ReadState,
        path: str,
    ) -> Iterator[LineBatch]:
        """The line batches of decoded ``chunks``; a fault midway becomes a SourceError."""
        # A UTF-8 file's lines are checked as read, and the first one that is not UTF-8 is
        # noted with its number (the head's note, of no line, is not kept).
        state.decoding(codec)
        if note and not state.check_utf8:
            state.notes.append(note)
        try:
            yield from line_batches(
                chunks, first_line, self.max_line_bytes, self.batch_bytes, state
            )
        except Fault as e:
            raise SourceError(self.name, str(e), path, after_lines=state.lines) from e

    # -- byte ranges, for parallel scans of one large file ----------------------------------

    def split(
        self, container: Container, parts: int, min_part_bytes: int = 1 << 20
    ) -> list[tuple[int, int]]:
        """Byte ranges ``[start, end)`` covering the file, cut where they fall: the file's head
        is all that is read. A range holds the lines that start in it (:meth:`read_range`).

        Only plain (uncompressed) files in UTF-8 or a single-byte encoding split; for anything
        else (stdin, compressed, UTF-16/32, binary) the list is empty: read the whole file.
        Ranges are at least ``min_part_bytes`` long, so a small file is one range.
        """
        if container.name == STDIN:
            return []
        # The head alone: an object store's file reads ahead tens of MiB by default.
        with self._open(container.name, block_size=_HEAD) as f:
            size = self._size(f, container)
            head = f.read(_HEAD)
        if compression(head) or detect_encoding(head, len(head) < _HEAD)[0] in (*WIDE, "binary"):
            return []
        parts = max(1, min(parts, size // max(1, min_part_bytes)))
        bounds = [size * k // parts for k in range(parts + 1)]
        return [(a, b) for a, b in itertools.pairwise(bounds) if b > a] or [(0, 0)]

    def read_range(
        self, container: Container, start: int, end: int, first_line: int = 1
    ) -> Iterator[LineBatch | ContainerDone]:
        """The lines of a plain file that start in bytes ``[start, end)``: from the first line
        start at or after ``start`` (the byte before it is read to tell) to the end of the line
        that goes on past ``end``, if one does. Ranges cut anywhere so read each line once.

        Line numbers count from ``first_line``: by default the range's own first line is 1,
        and nothing before the range is read to number them (only the file's head, for its
        encoding). Ends with a ``ContainerDone`` holding this range's counts only: the engine
        sums the ranges of one file, and numbers the lines of each after those of the ranges
        before it.
        """
        path = container.name
        with self._open(path, block_size=range_block(end - start)) as f:
            mtime = (container.meta.get("mtime") if is_remote(path)
                     else iso_mtime(os.fstat(f.fileno()).st_mtime))
            head = f.read(_HEAD)
            if compression(head):
                raise SourceError(self.name, "compressed file cannot be read by range", path)
            codec, note = detect_encoding(head, len(head) < _HEAD)
            if codec in (*WIDE, "binary"):
                raise SourceError(self.name, f"{codec} file cannot be read by range", path)
            state = ReadState()
            try:
                first = _line_start_in(f, start, end)
            except OSError as e:
                raise SourceError(self.name, f"read error: {e}", path) from e
            if first is not None:  # else no line starts here: one goes on from the last range
                f.seek(first)
                # The file's last range ends where the file did when listed, as a file read
                # whole does, though it may have grown since.
                size = container.meta.get("size")
                last = size is not None and end >= int(size)
                blocks = read_blocks(_ToLineEnd(f, end - first, finish=not last), None)
                chunks = text_chunks(blocks, codec, strip_bom=first == 0, state=state)
                yield from self._lines(chunks, codec, note, first_line, state, path)
        yield state.done(mtime)

    def lines_in(self, container: Container, start: int, end: int) -> int:
        """The lines that start in bytes ``[start, end)`` of a plain file: those
        :meth:`read_range` reads there. Counted from the newlines before each, not decoded:
        for a range that was not read to its end, so that the ranges after it are numbered
        as one process numbers them (``derbes.scanner.engine.parallel``)."""
        if end <= start:
            return 0
        path = container.name
        try:
            with self._open(path) as f:
                at = max(start - 1, 0)
                f.seek(at)
                lines = 1 if start == 0 else 0
                while at < end - 1:
                    block = f.read(min(4 << 20, end - 1 - at))
                    if not block:
                        break
                    lines += block.count(b"\n")
                    at += len(block)
        except OSError as e:
            raise SourceError(self.name, f"read error: {e.strerror or e}", path) from e
        return lines

    def lines_before(
        self, container: Container, start: int, end: int, lines: int, size: int
    ) -> bytes:
        """The lines just before those :meth:`read_range` reads in ``[start, end)``, decoded
        as it decodes them: the last ``lines`` of those that start in the ``size`` bytes
        before its first line, none from before a line longer than ``max_line_bytes`` (one
        that comes in pieces). Read backwards from the range's first line, in blocks that
        double until they hold ``lines`` lines. Empty at the start of the file."""
        path = container.name
        try:
            # A small read-ahead: read backwards, each block's would fetch the next one's bytes
            # again (an object store's file fetches what it reads ahead).
            with self._open(path, block_size=_HEAD) as f:
                head = f.read(_HEAD)
                codec, _ = detect_encoding(head, len(head) < _HEAD)
                if compression(head) or codec in (*WIDE, "binary"):
                    return b""  # never read by range
                first = _line_start_in(f, start, end)
                if not first:
                    return b""
                # One byte more than ``size``: whether a line starts at its first byte.
                low = max(0, first - size - 1)
                pos, blocks, newlines, step = first, [], 0, _BACK_READ
                while pos > low and newlines <= lines:
                    n = min(step, pos - low)
                    pos -= n
                    f.seek(pos)
                    blocks.append(f.read(n))
                    newlines += blocks[-1].count(b"\n")
                    step *= 2
        except OSError as e:
            raise SourceError(self.name, f"read error: {e.strerror or e}", path) from e
        data = b"".join(reversed(blocks))
        if pos > 0:  # its first line began before what was read
            data = data[data.find(b"\n") + 1:]
        # The last ``lines`` lines: after the newline that many before the final one, if
        # there is one (one rsplit, not a method call a line).
        head = data.rsplit(b"\n", lines + 1)
        cut = len(head[0]) if len(head) > lines + 1 else -1
        if cut >= 0:
            data = data[cut + 1:]
        # A BOM is stripped where the file starts, as read_range does; not from a line after.
        at_start = pos == 0 and cut < 0
        state = ReadState().decoding(codec)
        data = b"".join(text_chunks(iter([data]), codec, strip_bom=at_start, state=state))
        # Decoded as read_range decodes its batches (a code page's lines, a UTF-8 file's lines
        # in a code page).
        data = _checked(LineBatch(data, 1), state).data
        # From after the last line that comes in pieces (each piece is read on its own). The
        # reader's own test rules such lines out in a few find calls, not one a line.
        if _long_line(data, len(data), self.max_line_bytes) is None:
            return data
        k = len(data) - 1
        while k >= 0:
            nl = data.rfind(b"\n", 0, k)
            if k - nl - 1 > self.max_line_bytes:
                return data[k + 1:]
            k = nl
        return data

    def _size(self, f, container: Container) -> int:
        if is_remote(container.name):
            size = container.meta.get("size")
            return int(size) if size is not None else int(f.size)
        return os.fstat(f.fileno()).st_size

    def close(self) -> None:
        """Nothing to release: each file is closed when its reading ends."""


def range_block(size: int) -> int:
    """How much a read of a remote file fetches beyond what it asks for (the read-ahead), when
    a range of ``size`` bytes is read: an eighth of it, from the head's 64 KiB to 8 MiB. A range
    is read in a few places (the head, the line before it, its bytes and the end of its last
    line), each fetch one read-ahead past what is read: the store's default (50 MiB for S3)
    fetched 50 MiB past each of them, more than a range of a few MiB holds."""
    return max(_HEAD, min(size // 8, 8 << 20))


def _line_start_in(f, start: int, end: int) -> int | None:
    """The first line start in ``[start, end)`` (0, or a byte after a newline), read from
    ``start - 1`` in a few KiB, more in a long line; None when there is none."""
    if start == 0:
        return 0
    pos = start - 1
    step = _CUT_READ
    f.seek(pos)
    while pos < end - 1:
        block = f.read(min(step, end - 1 - pos))
        if not block:
            return None
        nl = block.find(b"\n")
        if nl >= 0:
            return pos + nl + 1
        pos += len(block)
        step = min(2 * step, BLOCK)
    return None


class _ToLineEnd:
    """A stream of ``size`` bytes of ``f`` from where it is, then (with ``finish``) on to the
    end of the line they end in (nothing more if they end with a newline)."""

    def __init__(self, f, size: int, finish: bool = True) -> None:
        self._f = f
        self._left = size
        self._done = False
        self._finish = finish
        self._step = _CUT_READ

    def readable(self) -> bool:
        return True

    def read(self, n: int = -1) -> bytes:
        if self._done:
            return b""
        if self._left > 0:
            data = self._f.read(self._left if n < 0 else min(n, self._left))
            self._left -= len(data)
            if not data or (self._left == 0 and (data.endswith(b"\n") or not self._finish)):
                self._done = True
            return data
        # The range's last line goes on past its end: read on to its newline.
        block = self._f.read(self._step)
        self._step = min(2 * self._step, BLOCK)
        nl = block.find(b"\n")
        if nl >= 0 or not block:
            self._done = True
            return block[: nl + 1] if nl >= 0 else block
        return block

    read1 = read


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
