"""The tables of a pg_dump archive: the custom (``-Fc``), directory (``-Fd``) and tar
(``-Ft``) formats, which PostgreSQL's documentation recommends for backups.

An archive is not text: a header, a table of contents (TOC), then each table's data, in
the custom format as compressed blocks in the same file, in the other two as a file each
(``3346.dat.gz`` beside ``toc.dat``, or a tar member ``3346.dat``). The data of a table is
what ``COPY ... TO stdout`` wrote (PostgreSQL's text format), or ``INSERT`` statements when
the dump was made with ``--inserts``; the TOC entry of the data gives its ``COPY``
statement, so its columns. Each table's rows come as records under its columns' names, as a
plain SQL dump's do (``sources.dumps``); large objects (``BLOBS``) in the custom format come
as the table ``pg_largeobject`` (``loid``, ``data``: bytes, read as binary values are).

The layout read here is PostgreSQL's own (``src/bin/pg_dump/pg_backup_archiver.c``,
``pg_backup_custom.c``): an integer is a sign byte then ``intSize`` bytes, least
significant first; a string is its length (an integer; -1 for none) then its bytes; archive
versions 1.12 (PostgreSQL 9.0) to 1.16 (PostgreSQL 17 and later). Compression: zlib (gzip
levels) and, from version 1.15 (PostgreSQL 16), zstd; lz4 only where the ``lz4`` package
is installed (else a clear error, after the tables read before it).
"""

from __future__ import annotations

import itertools
import os
import re
import tarfile
import zlib
from collections.abc import Callable, Iterator
from typing import IO, Any, NamedTuple

from derbes.scanner.sources import dumps
from derbes.scanner.sources.decompress import (
    Fault,
    Prefixed,
    byte_lines,
    compression,
    decompressor,
    read_blocks,
)

try:  # zstd: a dependency of derbes (compressed logs); optional here as there
    import zstandard
except ImportError:  # pragma: no cover - the project depends on it
    zstandard = None

MAGIC = b"PGDMP"
#: Bytes of a file looked at to tell an archive (a tar's first header and the TOC's start).
SNIFF = 1024
#: The archive versions read (``K_VERS_1_12`` to ``K_VERS_1_16``): a newer one may hold
#: more in its TOC, and is refused as pg_restore refuses what it does not know.
_OLDEST, _NEWEST = (1, 12), (1, 16)
#: ``ArchiveFormat``: custom; the TOC of a directory or tar archive says 3 or 5.
_CUSTOM = 1
#: Data block kinds of the custom format.
_BLK_DATA, _BLK_BLOBS = 1, 3
#: ``pg_compress_algorithm`` of versions 1.15 and later.
_NONE, _GZIP, _LZ4, _ZSTD = 0, 1, 2, 3
#: Bytes of a large object kept (what ``sources.binary`` reads of a value, and one more).
BLOB_PREFIX = (64 << 10) + 1
#: The longest string or data chunk read (pg_dump writes chunks of kilobytes): a longer
#: length is damage, not a reason to read gigabytes into memory.
_LONGEST = 256 << 20
#: A data file of a directory archive, as its TOC names it and as it lies on disk.
_DATA_FILE = re.compile(r"\d+\.dat(?:\.gz|\.lz4|\.zst)?")


class _Entry(NamedTuple):
    dump_id: int
    desc: str
    table: str
    copy: str
    #: The data's file in a directory or tar archive (None in the custom format).
    filename: str | None
    #: Its definition: a table's ``CREATE TABLE``, which names the columns of ``--inserts``.
    defn: str


def kind(head: bytes) -> str | None:
    """``custom`` for a custom-format archive, ``toc`` for the TOC of a directory or tar
    archive (``toc.dat``), ``tar`` for a tar archive whose first member is that TOC; None
    for anything else. ``head``: the file's first :data:`SNIFF` bytes."""
    if head[257:262] == b"ustar" and head[:8] == b"toc.dat\0":
        return "tar" if _plausible(head[512:]) is not None else None
    return _plausible(head)


def _plausible(head: bytes) -> str | None:
    # Magic, version 1.x, integer and offset sizes of 1-8 bytes, a known format byte.
    if len(head) < 11 or not head.startswith(MAGIC) or head[5] != 1:
        return None
    if not (1 <= head[8] <= 8 and 1 <= head[9] <= 8):
        return None
    return "custom" if head[10] == _CUSTOM else "toc" if head[10] in (3, 5) else None


def data_file(name: str) -> bool:
    """Whether a file's name is that of a directory archive's table data (``3346.dat.gz``)."""
    return _DATA_FILE.fullmatch(name) is not None


def dump_tables(f: IO[bytes], open_data: Callable[[str], IO[bytes]] | None = None
                ) -> Iterator[tuple[str, Iterator[dict[str, Any]]]]:
    """The tables of any dump derbes reads: an archive (:func:`tables`), else plain SQL
    (``sources.dumps``)."""
    head = f.read(SNIFF)
    whole = Prefixed(head, f, None)
    return dumps.tables(whole) if kind(head) is None else tables(whole, open_data)


def tables(f: IO[bytes], open_data: Callable[[str], IO[bytes]] | None = None
           ) -> Iterator[tuple[str, Iterator[dict[str, Any]]]]:
    """``(table, its records)`` of the archive that ``f`` reads (a custom archive, a
    directory archive's ``toc.dat``, or a tar archive), in the order of its TOC; read each
    table's records before asking for the next. ``open_data`` opens a file of a directory
    archive by its name (``3346.dat``; with ``.gz``, ``.lz4`` or ``.zst`` added when so
    written). Raises ``ValueError`` for what is no archive, or where it is cut short."""
    head = f.read(SNIFF)
    which = kind(head)
    rest = Prefixed(head, f, None)
    if which == "tar":
        yield from _tar_tables(rest)
        return
    if which is None:
        raise ValueError("not a pg_dump archive (custom, directory or tar format)")
    reader = _Reader(rest)
    algorithm = reader.header()
    entries = reader.toc()
    if which == "custom":
        yield from _custom_tables(reader, entries, algorithm)
        return
    if open_data is None:
        raise ValueError("the TOC of a directory archive, read without its folder")
    creates = _creates(entries)
    for entry in entries:
        if entry.filename is None or not (entry.copy or entry.desc == "TABLE DATA"):
            continue
        try:
            data = open_data(entry.filename)
        except FileNotFoundError:
            raise ValueError(f"{entry.filename}, the data of {entry.table}, is missing") \
                from None
        with data:
            yield from _table(entry, _file_blocks(data), creates)


def directory_opener(toc_path: str) -> Callable[[str], IO[bytes]]:
    """Opens a data file beside a directory archive's ``toc.dat`` (compressed or not)."""
    folder = os.path.dirname(toc_path)

    def open_data(name: str) -> IO[bytes]:
        for suffix in ("", ".gz", ".zst", ".lz4"):
            path = os.path.join(folder, name + suffix)
            if os.path.exists(path):
                return open(path, "rb")
        raise FileNotFoundError(name)

    return open_data


# -- the formats ----------------------------------------------------------------------------


def _custom_tables(reader: _Reader, entries: list[_Entry], algorithm: int
                   ) -> Iterator[tuple[str, Iterator[dict[str, Any]]]]:
    """The data blocks after the TOC, in the order written (offsets are not needed: a dump
    written to a pipe has none)."""
    by_id = {entry.dump_id: entry for entry in entries}
    creates = _creates(entries)
    while True:
        block = reader.f.read(1)
        if not block:
            return
        dump_id = reader.int()
        if block[0] == _BLK_DATA:
            entry = by_id.get(dump_id)
            chunks = _decompressed(reader.chunks(), algorithm)
            if entry is None or not (entry.copy or entry.desc == "TABLE DATA"):
                for _ in chunks:  # a sequence's or a comment's data: passed over
                    pass
                continue
            yield from _table(entry, chunks, creates)
            for _ in chunks:  # what the table's reader left (after ``\\.``): to the block's end
                pass
        elif block[0] == _BLK_BLOBS:
            blobs = _blobs(reader, algorithm)
            yield "pg_largeobject", blobs
            for _ in blobs:  # what the reader left: to the blocks' end
                pass
        else:
            raise ValueError(f"unknown data block type {block[0]} in a pg_dump archive")


def _blobs(reader: _Reader, algorithm: int) -> Iterator[dict[str, Any]]:
    """Large objects: each its OID and its first :data:`BLOB_PREFIX` bytes."""
    while True:
        oid = reader.int()
        if oid == 0:
            return
        kept = b""
        for block in _decompressed(reader.chunks(), algorithm):
            if len(kept) < BLOB_PREFIX:
                kept += block[:BLOB_PREFIX - len(kept)]
        yield {"loid": str(oid), "data": kept}


def _tar_tables(f: IO[bytes]) -> Iterator[tuple[str, Iterator[dict[str, Any]]]]:
    """A tar archive: ``toc.dat`` first, then each table's data as a member, in order.
    A damaged tar is a ``ValueError`` as a damaged archive is."""
    try:
        with tarfile.open(fileobj=f, mode="r|") as tar:
            entries: dict[str, _Entry] | None = None
            creates: dict[str, str] = {}
            for member in tar:
                stream = tar.extractfile(member) if member.isfile() else None
                if stream is None:
                    continue
                if member.name == "toc.dat":
                    reader = _Reader(stream)
                    reader.header()
                    toc = reader.toc()
                    entries = {e.filename: e for e in toc if e.filename}
                    creates = _creates(toc)
                    continue
                entry = (entries or {}).get(member.name)
                if entry is not None and (entry.copy or entry.desc == "TABLE DATA"):
                    # (Its records are read by the caller: their tar faults come from there.)
                    yield from _table(entry, _tar_faults(_file_blocks(stream)), creates)
    except tarfile.TarError as e:
        raise ValueError(f"a damaged tar archive: {e}") from e


def _tar_faults(blocks: Iterator[bytes]) -> Iterator[bytes]:
    try:
        yield from blocks
    except tarfile.TarError as e:
        raise ValueError(f"a damaged tar archive: {e}") from e


def _creates(entries: list[_Entry]) -> dict[str, str]:
    """Each table's ``CREATE TABLE`` by the table's name."""
    return {entry.table: entry.defn for entry in entries if entry.defn}


def _table(entry: _Entry, blocks: Iterator[bytes], creates: dict[str, str]
           ) -> Iterator[tuple[str, Iterator[dict[str, Any]]]]:
    """A table's data: ``COPY`` rows under the TOC's columns, else ``INSERT`` statements
    (``--inserts``), read after the table's ``CREATE TABLE``, which names their columns
    when the statements do not (``--column-inserts`` do)."""
    lines = _text_lines(blocks)
    header = dumps.copy_header(entry.copy.strip()) if entry.copy else None
    if header is not None:
        yield header[0], dumps.copy_rows(lines, header[1])
    else:
        create = creates.get(entry.table, "").splitlines()
        yield from dumps.statement_tables(itertools.chain(create, lines), "postgresql")


# -- reading the bytes -----------------------------------------------------------------------


class _Reader:
    """PostgreSQL's integers and strings from an archive's header and TOC."""

    def __init__(self, f: IO[bytes]) -> None:
        self.f = f
        self.version = (1, 0)
        self.int_size = 4
        self.off_size = 8
        self.format = _CUSTOM

    def read(self, n: int) -> bytes:
        if n > _LONGEST:
            raise ValueError(f"a length of {n} bytes in a pg_dump archive: it is damaged")
        data = self.f.read(n)
        while len(data) < n:  # a stream may give less than asked (``Prefixed``)
            more = self.f.read(n - len(data))
            if not more:
                raise ValueError("the pg_dump archive is cut short")
            data += more
        return data

    def int(self) -> int:
        raw = self.read(1 + self.int_size)
        value = int.from_bytes(raw[1:], "little")
        return -value if raw[0] else value

    def str(self) -> str | None:
        n = self.int()
        if n < 0:
            return None
        return self.read(n).decode("utf-8", "replace")

    def header(self) -> int:
        """Reads the header; returns the compression algorithm (``_NONE``...)."""
        raw = self.read(11)
        self.version = (raw[5], raw[6])
        if not _OLDEST <= self.version <= _NEWEST:
            raise ValueError(f"pg_dump archive version {raw[5]}.{raw[6]} is not read "
                             "(1.12 to 1.16 are: PostgreSQL 9.0 to 18)")
        self.int_size, self.off_size, self.format = raw[8], raw[9], raw[10]
        if self.version >= (1, 15):
            algorithm = self.read(1)[0]
        else:
            algorithm = _NONE if self.int() == 0 else _GZIP
        for _ in range(7):  # the time it was made
            self.int()
        self.str()  # the database
        self.str()  # the server's version
        self.str()  # pg_dump's
        return algorithm

    def toc(self) -> list[_Entry]:
        entries = []
        count = self.int()
        if count < 0:
            raise ValueError("a pg_dump archive's TOC of a negative size")
        for _ in range(count):
            dump_id = self.int()
            self.int()  # whether it has data
            self.str()  # table OID
            self.str()  # OID
            tag = self.str() or ""
            desc = self.str() or ""
            self.int()  # section
            defn = self.str() or ""
            self.str()  # drop statement
            copy = self.str() or ""
            namespace = self.str()
            self.str()  # tablespace
            if self.version >= (1, 14):
                self.str()  # table access method
            if self.version >= (1, 16):
                self.int()  # relkind
            self.str()  # owner
            self.str()  # "false": with OIDs
            while self.str() is not None:  # dependencies, up to a null string
                pass
            filename = None
            if self.format == _CUSTOM:
                self.read(1 + self.off_size)  # where its data begins, when known
            else:
                filename = self.str() or None
            table = f"{namespace}.{tag}" if namespace else tag
            entries.append(_Entry(dump_id, desc, table, copy, filename,
                                  defn if desc == "TABLE" else ""))
        return entries

    def chunks(self) -> Iterator[bytes]:
        """A data block's chunks, each its length then its bytes, up to a length of 0."""
        while True:
            n = self.int()
            if n <= 0:
                return
            yield self.read(n)


def _decompressed(chunks: Iterator[bytes], algorithm: int) -> Iterator[bytes]:
    """A custom archive's data block, decompressed as it is read (bounded steps: a block
    that inflates a thousandfold is not held whole)."""
    if algorithm == _NONE:
        yield from chunks
        return
    if algorithm == _GZIP:
        inflate = zlib.decompressobj()
        try:
            for chunk in chunks:
                out = inflate.decompress(chunk, 1 << 20)
                while out:
                    yield out
                    out = inflate.decompress(inflate.unconsumed_tail, 1 << 20)
        except zlib.error as e:
            raise ValueError(f"a corrupt block in a pg_dump archive: {e}") from e
        return
    step: Callable[[bytes], bytes]
    if algorithm == _ZSTD and zstandard is not None:
        step = zstandard.ZstdDecompressor().decompressobj().decompress
    elif algorithm == _LZ4:
        step = _lz4_step()
    else:
        raise ValueError(f"a pg_dump archive compressed with algorithm {algorithm}, "
                         "which derbes cannot read")
    try:
        for chunk in chunks:
            out = step(chunk)
            if out:
                yield out
    except ValueError:
        raise
    except Exception as e:  # zstandard.ZstdError, lz4's RuntimeError
        raise ValueError(f"a corrupt block in a pg_dump archive: {e}") from e


def _lz4_step() -> Callable[[bytes], bytes]:
    try:
        import lz4.frame
    except ImportError:
        raise ValueError("a pg_dump archive compressed with lz4: install the lz4 package "
                         "(pip install lz4) to read it") from None
    return lz4.frame.LZ4FrameDecompressor().decompress


def _file_blocks(f: IO[bytes]) -> Iterator[bytes]:
    """A data file's bytes, decompressed (gzip, zstd) when it is compressed."""
    start = f.read(4)
    if start == b"\x04\x22\x4d\x18":  # lz4's frame
        step = _lz4_step()
        yield step(start)
        for block in iter(lambda: f.read(1 << 20), b""):
            yield step(block)
        return
    which = compression(start)
    try:
        yield from read_blocks(decompressor(Prefixed(start, f, None), which), which)
    except Fault as e:
        raise ValueError(str(e)) from e


def _text_lines(blocks: Iterator[bytes]) -> Iterator[str]:
    return (line.decode("utf-8", "replace") for line in byte_lines(blocks))


__all__ = ["MAGIC", "SNIFF", "data_file", "directory_opener", "dump_tables", "kind", "tables"]
