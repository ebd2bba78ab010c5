"""A file's raw bytes, decompressed: gzip, bz2, xz or zstd recognised by magic bytes.

Concatenated gzip members and zstd frames are read in turn. A truncated or corrupt stream
yields every block decoded before the fault, then raises :class:`Fault`; what came before is
good. Shared by the readers of compressed files of every kind: logs, dumps, JSON arrays,
archives (it was ``sources/logs/decompress.py``, when only logs were read compressed).
"""

from __future__ import annotations

import bz2
import gzip
import lzma
import zlib
from collections.abc import Iterator

try:  # zstd is optional: without it, zstd files are reported as unreadable
    import zstandard
except ImportError:  # pragma: no cover - the project depends on it
    zstandard = None

BLOCK = 1 << 20  # read size from files and decompressors
_MAGIC = (
    (b"\x1f\x8b", "gzip"),
    (b"BZh", "bz2"),
    (b"\xfd7zXZ\x00", "xz"),
    (b"\x28\xb5\x2f\xfd", "zstd"),
)


class Fault(Exception):
    """A stream that cannot be read further; what came before it is good."""


class Prefixed:
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
            n = BLOCK if self._left is None else self._left
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

    def __init__(self, raw: Prefixed) -> None:
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


def decompressor(raw: Prefixed, kind: str):
    if kind == "gzip":
        return gzip.GzipFile(fileobj=raw, mode="rb")
    if kind == "bz2":
        return bz2.BZ2File(raw, mode="rb")
    if kind == "xz":
        return lzma.LZMAFile(raw, mode="rb")
    if kind == "zstd":
        if zstandard is None:
            raise Fault("zstd file, but the zstandard module is not installed")
        return _ZstdReader(raw)
    return raw


def compression(head: bytes) -> str | None:
    for magic, kind in _MAGIC:
        if head.startswith(magic):
            return kind
    return None


_STREAM_ERRORS = (OSError, zlib.error, lzma.LZMAError) + (
    (zstandard.ZstdError,) if zstandard is not None else ()
)


def read_blocks(stream, kind: str | None) -> Iterator[bytes]:
    """Decompressed blocks; ``read1`` so that a fault loses nothing already decoded."""
    while True:
        try:
            block = stream.read1(BLOCK)
        except EOFError as e:
            raise Fault(f"truncated {kind} stream") from e
        except _STREAM_ERRORS as e:
            what = f"corrupt {kind} stream" if kind else "read error"
            raise Fault(f"{what}: {e}") from e
        if not block:
            return
        yield block


def peek(blocks: Iterator[bytes], size: int) -> tuple[bytes, Iterator[bytes]]:
    """At least ``size`` bytes from the front of ``blocks`` (fewer at the end, or at a fault).

    A fault while peeking is deferred to the returned iterator, so the good part is kept.
    """
    parts, got = [], 0
    fault: Fault | None = None
    while got < size:
        try:
            block = next(blocks)
        except StopIteration:
            break
        except Fault as e:
            fault = e
            break
        parts.append(block)
        got += len(block)
    if fault is not None:
        return b"".join(parts), _raise(fault)
    return b"".join(parts), blocks


def _raise(fault: Fault) -> Iterator[bytes]:
    """A stream that fails with ``fault`` when read, not when made."""
    yield from ()
    raise fault


def prepend(head: bytes, blocks: Iterator[bytes]) -> Iterator[bytes]:
    if head:
        yield head
    yield from blocks


class BlockStream:
    """A binary stream of the blocks an iterator gives (what the log reader and the table
    readers read from): fewer bytes than asked at times, as a raw stream gives."""

    def __init__(self, blocks: Iterator[bytes]) -> None:
        self._blocks = blocks
        self._rest = b""

    def readable(self) -> bool:
        return True

    def read(self, n: int = -1) -> bytes:
        if not self._rest:
            self._rest = next(self._blocks, b"")
        if n < 0 or n >= len(self._rest):
            out, self._rest = self._rest, b""
        else:
            out, self._rest = self._rest[:n], self._rest[n:]
        return out


def decompressed_blocks(f, kind: str, error: type[Exception] = Fault) -> Iterator[bytes]:
    """``f``'s content decompressed (``kind``: as :func:`compression` tells it), block by
    block; a cut or corrupt stream raises ``error`` after every block decoded before it."""
    try:
        yield from read_blocks(decompressor(Prefixed(b"", f, None), kind), kind)
    except Fault as e:
        if error is Fault:
            raise
        raise error(f"a compressed file cut short or corrupt: {e}") from e


def decompressed_stream(f, kind: str, error: type[Exception] = Fault) -> BlockStream:
    """``f``'s content as a stream, decompressed as it is read (:func:`decompressed_blocks`)."""
    return BlockStream(decompressed_blocks(f, kind, error))


def byte_lines(blocks: Iterator[bytes]) -> Iterator[bytes]:
    """The lines of the bytes that ``blocks`` give in turn, without their ``\\n``."""
    rest = b""
    for block in blocks:
        parts = (rest + block).split(b"\n")
        rest = parts.pop()
        yield from parts
    if rest:
        yield rest
