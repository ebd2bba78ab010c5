"""The one small protocol every source implements.

A source lists its containers (tables, views, files) and reads each as batches of text with
their coordinates. It knows nothing of detectors or reports. Database sources yield
:class:`ValueBatch` (one field, many rows: the engine scans column-wise); log sources yield
:class:`LineBatch` (whole lines as UTF-8 bytes, so the fast path can scan large chunks).
Each container's reading ends with one :class:`ContainerDone`.

A source that can read a container by byte ranges (a large plain log file) also implements
:class:`RangeReadable`, so the engine can cut it across worker processes. A container that
only this process can read (standard input) says so with ``Container.local_only``. Everything
the engine needs of a source is here: no other module knows a source's internals.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from typing import Protocol, runtime_checkable


@dataclass(frozen=True, slots=True)
class Column:
    """A column of a table: scannable, or skipped with the reason (``binary``)."""

    name: str
    type: str
    scannable: bool = True
    reason: str | None = None


@dataclass(frozen=True, slots=True)
class Container:
    """A table, view or file of a source."""

    name: str
    kind: str  # "table", "view" or "file"
    columns: tuple[Column, ...] = ()
    #: What the listing learnt; for a file ``size`` (bytes) and ``mtime`` (ISO 8601, which
    #: gives yearless log timestamps their year) where known.
    meta: dict = field(default_factory=dict, hash=False, compare=False)
    #: Only this process can read it (standard input): never handed to a worker.
    local_only: bool = False


@dataclass(slots=True)
class ValueBatch:
    """Values of one field (a column, or a JSON key path inside one) for some rows.

    ``rows`` are 1-based ordinals of the rows in the sample; ``values`` the text of each.
    """

    field: str
    rows: list[int]
    values: list[str]


@dataclass(slots=True)
class LineBatch:
    """Whole lines of a text file as UTF-8 bytes separated by ``\\n``.

    ``first_line`` is the 1-based number of the first line in the decoded file. Lines longer
    than the reader's limit arrive in pieces, each piece in its own batch with
    ``continued=True`` after the first, keeping the line's number.
    """

    data: bytes
    first_line: int
    continued: bool = False
    #: Character offset of this piece within its line (for pieces of long lines).
    offset: int = 0
    #: ``data.count(b"\n")`` when the reader counted it already (None: not counted), so that
    #: the engine does not count a batch's newlines a second time.
    newlines: int | None = None


@dataclass(slots=True)
class ContainerDone:
    """The end of one container's reading, with what the source learnt."""

    rows_scanned: int = 0
    bytes_scanned: int = 0
    sampled: bool = False
    skipped_fields: tuple[str, ...] = ()
    notes: tuple[str, ...] = ()
    #: Modification time of a file (ISO 8601), used when lines carry no timestamps.
    mtime: str | None = None
    #: Why the container was not read at all (a binary file in a folder of logs).
    skipped: str | None = None
    #: A sampled table's size from the database's statistics.
    rows_estimated: int | None = None
    #: The oldest row's time in a table (ISO 8601), the column it came from and how it was
    #: read (``min_index``, ``min_scan`` or ``sample``).
    oldest: str | None = None
    age_column: str | None = None
    age_method: str | None = None
    #: The line that :func:`invalid_utf8_note` in ``notes`` names, as a number: a byte range
    #: read on its own counts from its own first line, and is renumbered when merged.
    invalid_utf8_line: int | None = None


Batch = ValueBatch | LineBatch | ContainerDone


def invalid_utf8_note(line: int) -> str:
    """The note of a file whose UTF-8 turns invalid at ``line``: lines in a Windows code page
    are read in it (``encoding.code_page_lines``), other bytes passed through."""
    return (f"invalid UTF-8 from line {line}: lines in Windows-1251 or KZ-1048 read as such, "
            "other bytes passed through as is")


@runtime_checkable
class Source(Protocol):
    """What the engine needs of a source.

    ``errors``, ``warnings`` and ``skipped`` describe the listing and are complete once
    :meth:`containers` has been iterated. A class may subclass ``Source`` to inherit the
    defaults below (no host, nothing to report, nothing to close).
    """

    #: Display name; for databases the URL with its password masked.
    name: str
    #: "database", "log" or "file" (Parquet/ORC/Avro/Excel/CSV).
    kind: str
    #: The server a database source reads from (where the data rests); None for files.
    host: str | None = None
    #: What listing could not do that loses data (a directory that cannot be read).
    errors: Sequence[str] = ()
    #: What listing noted that loses nothing (no file matched, a symlink walked twice).
    warnings: Sequence[str] = ()
    #: Files of a folder left out at listing, each ``(path, reason)`` (a dangling symlink).
    skipped: Sequence[tuple[str, str]] = ()

    def containers(self) -> Iterator[Container]:
        """The containers to scan, after include/exclude filters. Raises ``SourceError``."""
        ...

    def read(self, container: Container) -> Iterator[Batch]:
        """Batches of one container, ending with ``ContainerDone``. Raises ``SourceError``."""
        ...

    def close(self) -> None:
        """Release connections and files."""


@runtime_checkable
class Shareable(Protocol):
    """A source that several processes read at once only through shares of it: a database,
    whose connections a forked process must not use and whose load is capped."""

    #: The most connections the source holds at a time: at most so many processes read it.
    connections: int
    #: Seconds a query takes to come back with nothing to do, known once :meth:`containers`
    #: has been iterated (None: not known).
    round_trip: float | None
    #: How many containers a process may read at once, in threads, ahead of the one it
    #: scans (0: none; their batches are held in memory until their turn).
    read_ahead: int

    def share(self, processes: int) -> Source:
        """The source as one of ``processes`` reading it at once, opened anew in the process
        that reads with it: its share of the connections (one at least) and of any cap on
        load."""
        ...


@runtime_checkable
class RangeReadable(Protocol):
    """A source whose containers can be read by byte ranges, in separate processes."""

    def split(
        self, container: Container, parts: int, min_part_bytes: int = 1 << 20
    ) -> list[tuple[int, int]]:
        """About ``parts`` byte ranges ``[start, end)`` covering the container, each at least
        ``min_part_bytes`` long, cut anywhere (a range reads the lines that start in it);
        empty when it cannot be cut."""
        ...

    def read_range(
        self, container: Container, start: int, end: int, first_line: int = 1
    ) -> Iterator[Batch]:
        """Batches of the lines that start in bytes ``[start, end)`` (the last one read to its
        end), numbered from ``first_line`` (by default the range's own first line is 1: nothing
        before ``start`` is read to number them), ending with a ``ContainerDone`` of this
        range's counts. Raises ``SourceError``."""
        ...

    def lines_in(self, container: Container, start: int, end: int) -> int:
        """How many lines start in bytes ``[start, end)``: what :meth:`read_range` would read
        there, for a range that was not read to its end. Raises ``SourceError``."""
        ...

    def lines_before(
        self, container: Container, start: int, end: int, lines: int, size: int
    ) -> bytes:
        """The lines just before those that :meth:`read_range` reads in ``[start, end)``, as
        it would give them (UTF-8, each ending with a newline): the last ``lines`` of those
        that start in the ``size`` bytes before the range's first line, none from before a
        line it gives in pieces. Empty when the range starts the file or reads no line. What
        a range's lines go on from, for the engine. Raises ``SourceError``."""
        ...
