"""Hits on disk: Parquet parts written as a scan finds them, read back in scan order.

A scan that keeps its hits (``--hits``) on a large log with personal data in most lines finds
millions of them: too many to hold in memory or to send from one process to another. Whoever
finds them (this process, a ``--jobs`` worker process, a Dask worker) writes them every few
ten thousand as one Parquet part into the scan's parts folder and passes on only the part's
name (:class:`HitPart`). :class:`HitStore` is a scan's hits: the parts and the hits still in
memory, in scan order (source, container, line); iterating reads one part at a time, and
``hits.parquet`` is written from the parts batch by batch (:meth:`HitStore.batches`).

The parts folder is a local path or, for a cluster, an fsspec URL (``s3://bucket/parts``).
A part is complete once its name is passed on (it is written under a temporary name and
renamed), so an interrupted scan keeps every part it was told about.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import uuid
import weakref
from array import array
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any

from derbes.scanner.model import Hit

#: Hits a scanner keeps in memory before it writes them as a part (a ``Hit`` with its
#: strings takes about 450 bytes: some 9 MB).
SPILL_HITS = 20_000
#: Rows per batch when a part is read back.
READ_BATCH = 65_536
#: Rows per row group of a part that holds several containers' hits (write_part_groups).
SHARED_GROUP_ROWS = 1_024

FIELDS = ("source", "container", "field", "row", "start", "end", "entity", "score", "masked",
          "value_hash", "value")
#: A hit as the engine keeps it until it is written: a :class:`Hit`'s fields in the order of
#: :data:`FIELDS`, as a tuple (made in a few instructions, where a frozen dataclass runs its
#: ``__init__``). ``Hit(*row)`` is the hit.
HitRow = tuple
#: Where a row holds its line (``row``).
ROW = FIELDS.index("row")


@dataclass(frozen=True, slots=True)
class HitPart:
    """One written part: where it is and how many hits it holds.

    ``row_offset`` is added to every ``row`` read from it: a byte range of a file numbers its
    lines from its own start, and its parts are renumbered, not rewritten, when it is merged
    after the ranges before it.
    """

    url: str
    count: int
    row_offset: int = 0
    #: Where they start in the file, when the file holds the hits of several containers
    #: (:func:`write_part_groups`); None: the whole file.
    first: int | None = None


#: A stretch of a scan's hits: a written part, or hits held in memory (Hits, or the engine's
#: rows).
Segment = HitPart | Sequence[Hit] | Sequence[HitRow]


def part_schema() -> Any:
    """The Arrow schema of a part: :class:`Hit`'s fields, ``value`` null unless shown."""
    import pyarrow as pa

    return pa.schema([
        ("source", pa.string()), ("container", pa.string()), ("field", pa.string()),
        ("row", pa.int64()), ("start", pa.int64()), ("end", pa.int64()),
        ("entity", pa.string()), ("score", pa.float64()), ("masked", pa.string()),
        ("value_hash", pa.string()), ("value", pa.string()),
    ])


def hits_table(hits: Sequence[Hit] | Sequence[HitRow]) -> Any:
    """``hits`` (Hits, or rows) as an Arrow table with :func:`part_schema`."""
    import pyarrow as pa

    if hits and type(hits[0]) is tuple:  # rows: their columns as they stand
        columns = [list(column) for column in zip(*hits, strict=True)]
        return pa.table(dict(zip(FIELDS, columns, strict=True)), schema=part_schema())
    return pa.table({name: [getattr(h, name) for h in hits] for name in FIELDS},
                    schema=part_schema())


def write_part(hits: Sequence[Hit] | Sequence[HitRow], folder: str,
               row_group_size: int | None = None) -> HitPart:
    """Write ``hits`` as a new part in ``folder`` (a path or an fsspec URL), in row groups of
    ``row_group_size`` when given.

    Written under a temporary name and renamed, so a part that exists is whole.
    """
    import pyarrow.parquet as pq

    name = f"part-{uuid.uuid4().hex}.parquet"
    url = f"{folder.rstrip('/')}/{name}"
    fs, path = _fs(url)
    parent = path.rsplit("/", 1)[0]
    fs.makedirs(parent, exist_ok=True)
    tmp = f"{parent}/.{name}.tmp"
    with fs.open(tmp, "wb") as f:
        # Parts are read once, soon: fast compression beats small.
        pq.write_table(hits_table(hits), f, compression="lz4", row_group_size=row_group_size)
    release_memory()
    fs.mv(tmp, path)
    return HitPart(url, len(hits))


def write_part_groups(groups: Sequence[Sequence[HitRow]], folder: str) -> list[HitPart]:
    """Write the hits of several containers as one new part in ``folder``, one after the
    other, and the part of each non-empty one (:attr:`HitPart.first`): many small
    containers' hits leave memory in one file, and each still reads as its own stretch."""
    rows: list = []
    parts = []
    for hits in groups:
        if hits:
            parts.append((len(rows), len(hits)))
            rows.extend(hits)
    # Small row groups: a container's stretch is read from the one or two that hold it.
    written = write_part(rows, folder, row_group_size=SHARED_GROUP_ROWS)
    return [HitPart(written.url, count, 0, first) for first, count in parts]


def read_batches(url: str, batch_size: int = READ_BATCH, row_offset: int = 0) -> Iterator[Any]:
    """The record batches of one part, a few ten thousand rows at a time, with
    :func:`part_schema` (a ``hits.parquet`` reads as a part: ``value`` null if absent);
    ``row_offset`` added to every ``row`` (:attr:`HitPart.row_offset`)."""
    import pyarrow.parquet as pq

    fs, path = _fs(url)
    with fs.open(path, "rb") as f:
        for batch in pq.ParquetFile(f).iter_batches(batch_size=batch_size, use_threads=False):
            yield _conformed(batch, row_offset)
    release_memory()


def _conformed(batch: Any, row_offset: int) -> Any:
    """A batch read from a part with :func:`part_schema` and ``row_offset`` added."""
    import pyarrow as pa

    schema = part_schema()
    if batch.schema.names != schema.names:
        batch = pa.RecordBatch.from_arrays(
            [batch.column(name) if name in batch.schema.names
             else pa.nulls(batch.num_rows, pa.string()) for name in schema.names],
            schema=schema)
    if row_offset:
        row = schema.get_field_index("row")
        batch = batch.set_column(row, "row", _plus(batch.column(row), row_offset))
    return batch


def _plus(rows: Any, n: int) -> Any:
    """An int64 Arrow array of rows, never null (a hit always has its line), plus ``n``.

    Added in Python, about 6 ms for the 65,536 rows of a batch: ``pyarrow.compute.add``, or
    an array made from numpy, would load modules that take 9 MiB (which the peak memory of a
    scan with hits showed, ``tests/scanner/test_logs_memory.py``).
    """
    import pyarrow as pa

    raw = array("q")
    raw.frombytes(memoryview(rows.buffers()[1])[rows.offset * 8:(rows.offset + len(rows)) * 8])
    shifted = array("q", [r + n for r in raw])
    return pa.Array.from_buffers(pa.int64(), len(rows), [None, pa.py_buffer(shifted)])


def read_part(url: str, row_offset: int = 0) -> list[Hit]:
    """Every hit of one part (for tests and small parts: a part can be large)."""
    return [hit for batch in read_batches(url, row_offset=row_offset) for hit in _hits_of(batch)]


class _OpenParts:
    """The shared files of parts (:func:`write_part_groups`) kept open while a scan's hits are
    read in order: a container's stretch is read from the small row groups that hold it,
    copied (the rest of those groups is let go). The containers of a file finished one after
    another, but not in the scan's order when several processes ran them: files are kept
    open, not read whole again for each container."""

    #: Files kept open at once.
    KEEP = 64

    def __init__(self) -> None:
        self.files: dict[str, tuple[Any, Any, list[int]]] = {}

    def batches(self, part: HitPart) -> Iterator[Any]:
        if part.first is None:
            yield from read_batches(part.url, row_offset=part.row_offset)
            return
        import bisect

        import pyarrow as pa

        file, starts = self._file(part.url)
        end = part.first + part.count
        lo = bisect.bisect_right(starts, part.first) - 1
        hi = bisect.bisect_left(starts, end)
        table = file.read_row_groups(list(range(lo, hi)), use_threads=False)
        stretch = table.slice(part.first - starts[lo], part.count)
        # A copy: a view would keep its row groups alive as long as a writer holds it.
        for batch in stretch.to_batches(READ_BATCH):
            copied = batch.take(pa.array(range(batch.num_rows), pa.int64()))
            yield _conformed(copied, part.row_offset)

    def _file(self, url: str) -> tuple[Any, list[int]]:
        found = self.files.pop(url, None)  # back in as the last used
        if found is not None:
            self.files[url] = found
        else:
            import pyarrow.parquet as pq

            if len(self.files) >= self.KEEP:
                self.files.pop(next(iter(self.files)))[0].close()
            fs, path = _fs(url)
            handle = fs.open(path, "rb")
            file = pq.ParquetFile(handle)
            starts, at = [], 0
            for k in range(file.metadata.num_row_groups):
                starts.append(at)
                at += file.metadata.row_group(k).num_rows
            found = self.files[url] = (handle, file, starts)
        return found[1], found[2]

    def close(self) -> None:
        for handle, _, _ in self.files.values():
            handle.close()
        self.files.clear()
        release_memory()


def move_part(part: HitPart, folder: str) -> HitPart:
    """Bring ``part`` (on a cluster's shared storage) into the local ``folder``, byte for byte."""
    src_fs, src = _fs(part.url)
    os.makedirs(folder, exist_ok=True)
    name = src.rsplit("/", 1)[-1]
    local = os.path.join(folder, name)
    tmp = os.path.join(folder, f".{name}.tmp")
    with src_fs.open(src, "rb") as r, open(tmp, "wb") as w:
        shutil.copyfileobj(r, w, 4 << 20)
    os.replace(tmp, local)
    with contextlib.suppress(FileNotFoundError):
        src_fs.rm(src)
    return HitPart(local, part.count, part.row_offset, part.first)


def remove_parts(folder: str) -> None:
    """Remove a parts folder and everything in it (a path or an fsspec URL)."""
    fs, path = _fs(folder)
    with contextlib.suppress(FileNotFoundError):
        fs.rm(path, recursive=True)


def release_memory() -> None:
    """Give Arrow's freed memory back to the system: its allocator keeps it otherwise, and a
    scan writing parts for an hour would grow by every part's buffers."""
    import pyarrow as pa

    pa.default_memory_pool().release_unused()


def _hits_of(batch: Any) -> Iterator[Hit]:
    columns = [batch.column(name).to_pylist() for name in FIELDS]
    for row in zip(*columns, strict=True):
        yield Hit(*row)


def _fs(url: str) -> tuple[Any, str]:
    if "://" not in url:
        # A plain path: no fsspec needed (and its import is not free).
        return _LOCAL, url
    import fsspec

    return fsspec.core.url_to_fs(url)


class _LocalFs:
    """The few file operations parts need, on local paths, without fsspec."""

    @staticmethod
    def open(path: str, mode: str) -> Any:
        return open(path, mode)  # the caller closes it

    @staticmethod
    def makedirs(path: str, exist_ok: bool = True) -> None:
        os.makedirs(path, mode=0o700, exist_ok=exist_ok)

    @staticmethod
    def mv(src: str, dst: str) -> None:
        os.replace(src, dst)

    @staticmethod
    def rm(path: str, recursive: bool = False) -> None:
        if recursive and os.path.isdir(path):
            shutil.rmtree(path)
        else:
            os.unlink(path)


_LOCAL = _LocalFs()


class HitStore(Sequence[Hit]):
    """A scan's hits: parts on disk and hits in memory, in scan order.

    Behaves as a read-only sequence of :class:`Hit` (iterating reads one part at a time);
    :meth:`batches` gives them as Arrow record batches for a writer. ``folder``, when given,
    is a temporary parts folder this store owns: it is removed with the store.
    """

    def __init__(self, segments: Iterable[Segment] = (), folder: str | None = None) -> None:
        self.segments: tuple[Segment, ...] = tuple(s for s in segments if _count(s))
        self._len = sum(_count(s) for s in self.segments)
        self.folder = folder
        if folder is not None:
            weakref.finalize(self, shutil.rmtree, folder, True)

    @property
    def parts(self) -> tuple[HitPart, ...]:
        """The segments written to disk."""
        return tuple(s for s in self.segments if isinstance(s, HitPart))

    def __len__(self) -> int:
        return self._len

    def __iter__(self) -> Iterator[Hit]:
        parts = _OpenParts()
        try:
            for segment in self.segments:
                if isinstance(segment, HitPart):
                    for batch in parts.batches(segment):
                        yield from _hits_of(batch)
                else:
                    for hit in segment:
                        yield Hit(*hit) if type(hit) is tuple else hit
        finally:
            parts.close()

    def __getitem__(self, index: Any) -> Any:
        # Rare (tests, small scans): a part is read up to the hit asked for.
        if isinstance(index, slice):
            return list(self)[index]
        if index < 0:
            index += self._len
        if not 0 <= index < self._len:
            raise IndexError("hit index out of range")
        for i, hit in enumerate(self):
            if i == index:
                return hit
        raise IndexError("hit index out of range")  # pragma: no cover - counted above

    def __eq__(self, other: object) -> bool:
        if self is other:
            return True
        if not isinstance(other, Sequence) or isinstance(other, str | bytes):
            return NotImplemented
        return len(self) == len(other) and all(a == b for a, b in zip(self, other, strict=True))

    __hash__ = None  # type: ignore[assignment]

    def __repr__(self) -> str:
        return f"HitStore({self._len} hits, {len(self.parts)} parts)"

    def batches(self) -> Iterator[Any]:
        """The hits as Arrow record batches with :func:`part_schema`, in order."""
        parts = _OpenParts()
        try:
            for segment in self.segments:
                if isinstance(segment, HitPart):
                    yield from parts.batches(segment)
                else:
                    for start in range(0, len(segment), READ_BATCH):
                        yield from hits_table(
                            list(segment[start:start + READ_BATCH])).to_batches()
        finally:
            parts.close()


def hit_batches(hits: Sequence[Hit]) -> Iterator[Any]:
    """Arrow record batches of any sequence of hits (a :class:`HitStore` reads its parts)."""
    if isinstance(hits, HitStore):
        yield from hits.batches()
        return
    hits = list(hits)
    for start in range(0, len(hits), READ_BATCH):
        yield from hits_table(hits[start:start + READ_BATCH]).to_batches()


def _count(segment: Segment) -> int:
    return segment.count if isinstance(segment, HitPart) else len(segment)
