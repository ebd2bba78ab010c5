"""Files as they lie in a folder: logs, and the tables among them read as tables.

A folder is seldom all of one kind. A data-lake export's holds Spark's ``part-*.parquet``
beside an empty ``_SUCCESS`` and hidden ``.crc`` checksums, or Hive's ``000000_0`` files
(Parquet, ORC or Avro without an extension); a folder of ``.csv`` exports has its README; an
API's dump is one JSON array; a database's dump (``crm.sql.gz``) holds a whole database.
Such a folder is no table source (not every file is a table), and read as logs, its Parquet
files were skipped as binary (found nothing, exit code 0), its CSV files read as lines (and
as sampled tables when alone), the JSON array's values and the dump's rows found without
their fields' names.

:class:`FolderSource` is the log source of such a folder (and of any path that is not all
tables) whose listing tells each file's kind: by its name (``.parquet``, ``.orc``,
``.avro``, ``.csv``...: ``discovery.table_format``), else by its first bytes (``PAR1``,
``ORC``, ``Obj\\x01``; a ``.json`` file, compressed or not (``.json.gz``), that is one array:
:func:`~derbes.scanner.sources.jsonarray.is_json_array`; a ``.sql`` file that pg_dump or
mysqldump wrote: :func:`~derbes.scanner.sources.dumps.is_sql_dump`; a pg_dump archive,
custom or tar, whatever its name, and a directory archive's ``toc.dat``, whose data files
beside it are read through it: ``sources.pgarchive``). A table is read as
:class:`~derbes.scanner.sources.tabular.TabularSource` reads it (sampled rows, column by
column, the column filters), never by byte ranges; the rest as
:class:`~derbes.scanner.sources.logs.LogSource` reads logs. Objects on a store are told by
their names only (their first bytes would cost a request each), but for ``.json`` objects,
whose head is read to tell an array, and for names a pg_dump archive is given (``.dump``,
``.backup``, ``.tar``...), whose head is read to tell one. A file that opens as a table
but is cut short fails with its format's own error, naming it, not as a binary log.

This module is where the two file sources meet; neither imports the other.
"""

from __future__ import annotations

import dataclasses
import io
import os
import re
from collections.abc import Iterable, Iterator
from typing import Any

from derbes.scanner.errors import ConfigError, SourceError
from derbes.scanner.sources import archives, documents, dumps, journal, mail, pgarchive
from derbes.scanner.sources.base import Batch, Container, ContainerDone
from derbes.scanner.sources.decompress import BlockStream
from derbes.scanner.sources.discovery import (
    is_workbook_head,
    selected,
    table_format,
)
from derbes.scanner.sources.encoding import detect_encoding
from derbes.scanner.sources.jsonarray import NAMED, SNIFF, head_of, is_json_array
from derbes.scanner.sources.logs import LogSource
from derbes.scanner.sources.remote import StoredAt, is_remote, open_remote

#: Formats of the files read as tables (``sources.tabular``).
TABLES = ("parquet", "orc", "avro", "xlsx", "csv", "json", "sqldump")


class FolderSource(StoredAt, LogSource):
    """Log files with the tables among them read as tables (see the module docstring).

    Takes :class:`LogSource`'s options and :class:`TabularSource`'s for the tables. On an
    object store, its ``host`` is where the bucket rests (``remote.StoredAt``)."""

    def __init__(
        self,
        spec: str,
        *,
        name: str | None = None,
        include: Iterable[str] = (),
        exclude: Iterable[str] = (),
        max_line_bytes: int = 1 << 20,
        batch_bytes: int = 4 << 20,
        include_columns: Iterable[str] = (),
        exclude_columns: Iterable[str] = (),
        sample_rows: int = 1000,
        seed: int | None = None,
    ) -> None:
        super().__init__(spec, name=name, include=include, exclude=exclude,
                         max_line_bytes=max_line_bytes, batch_bytes=batch_bytes)
        if sample_rows < 0:
            raise ConfigError("sample_rows must be 0 (all rows) or positive")
        self.include_columns = tuple(include_columns)
        self.exclude_columns = tuple(exclude_columns)
        self.sample_rows = sample_rows
        self.seed = seed
        self._tabular: Any = None

    def containers(self) -> Iterator[Container]:
        toc_folders: dict[str, bool] = {}  # folder -> whether it holds a directory archive
        for container in super().containers():
            if self._archive_data(container.name, toc_folders):
                continue  # read with its archive's toc.dat, under its table's columns
            if archives.kind(container.name) and not self._pg_dump_tar(container):
                yield from self._members(container)  # (pg_dump's tar is a dump, below)
                continue
            meta = container.meta
            table = table_format(container.name)
            if table == "xlsx" and not is_remote(container.name):
                table = _workbook_or_text(_head(container.name, _WORKBOOK_HEAD), meta)
            by_name = table is not None
            if table is None and meta:
                size = int(meta.get("size") or 0)
                table = (self._remote_head(container.name, size) if is_remote(container.name)
                         else table_magic(container.name, size))
            described = self._described(container, table)
            if (not by_name and "error" in described.meta and table != "sqldump"
                    and not is_remote(container.name) and _text_file(container.name)):
                # Told by its first bytes alone, no such table, and text: a log opening with
                # "PAR1" or "Obj", read as the log it is. A binary one (a Parquet file cut
                # short), or one named as a table, fails naming it.
                described = container
            yield described

    def _described(self, container: Container, table: str | None) -> Container:
        if table is None:
            return container
        return self._tables().describe(container.name, container.meta or None, table)

    def _pg_dump_tar(self, container: Container) -> bool:
        """Whether a ``.tar`` is pg_dump's tar format (a dump, not files)."""
        name = container.name
        if not name.lower().endswith(".tar"):
            return False
        if archives.member_of(name) is not None:  # a tar inside an archive
            try:
                with archives.open_member(name) as f:
                    return pgarchive.kind(f.read(pgarchive.SNIFF)) == "tar"
            except OSError:
                return False  # listed as an archive, which says what is wrong
        if is_remote(name):
            size = int(container.meta.get("size") or 0)
            return self._remote_head(name, size) == "sqldump"
        return pgarchive.kind(_head(name, pgarchive.SNIFF)) == "tar"

    def _members(self, container: Container) -> Iterator[Container]:
        """The files of a ZIP or tar archive (``sources.archives``), each a container of
        its own."""
        found, fault = archives.members(container.name)
        if fault is not None:
            self.errors.append(f"{container.name}: {fault}")
        # Opening a member of a tar reads the archive up to it; of an archive on a store,
        # costs a request: only the names that need their first bytes are opened there.
        by_name = archives.kind(container.name) == "tar" or is_remote(container.name)
        for member in found:
            if not selected(member.name, tuple(self.include), tuple(self.exclude)):
                continue  # --include/--exclude: a member's name as a file's
            meta = {"size": member.size, "mtime": member.mtime or container.meta.get("mtime")}
            listed = Container(name=member.name, kind="file", meta=meta)
            if member.encrypted:
                meta["encrypted"] = True
                yield listed
                continue
            if (archives.kind(member.name) and archives.nesting(member.name) < archives.MAX_NESTING
                    and not self._pg_dump_tar(listed)):
                # An archive inside this one: its files are containers too (read from a copy
                # of it), to MAX_NESTING archives deep; deeper, a file (binary, skipped).
                yield from self._members(listed)
                continue
            table = table_format(member.name)
            if table == "xlsx":  # told by its first bytes, as on disk
                try:
                    with archives.open_member(member.name) as f:
                        table = _workbook_or_text(f.read(_WORKBOOK_HEAD), meta)
                except OSError:
                    pass  # read as a workbook, which says what is wrong
            if table is None and (not by_name or _sniffed_in_tar(member.name)):
                try:
                    with archives.open_member(member.name) as f:
                        table = _magic(member.name, f, member.size)
                except OSError:
                    table = None  # read as a log, which says what is wrong
            yield self._described(listed, table)

    def read(self, container: Container) -> Iterator[Batch]:
        if container.meta.get("format") in TABLES:
            return self._tables().read(container)
        if self._document_kind(container) is not None:  # on disk, in an archive, on a store
            return self._read_document(container)
        if mail.kind(container.name) is not None:
            return self._read_mail(container)
        if archives.member_of(container.name) is not None:
            return self._read_member(container)
        if journal.is_journal_named(container.name) and not is_remote(container.name):
            return self._read_journal(container)
        return super().read(container)

    @staticmethod
    def _document_kind(container: Container) -> str | None:
        """The kind of document a file is read as (``documents.kind``), or what its listing
        found it to be (``html``: an HTML table named as a workbook, ``_workbook_or_text``)."""
        return documents.kind(container.name) or container.meta.get("document")

    def _read_document(self, container: Container) -> Iterator[Batch]:
        """A PDF, DOCX, ODT, RTF, Word 97 or HTML file read for its text
        (``sources.documents``), as a log of its lines; one without text to read is skipped,
        saying why."""
        name = container.name
        mtime = container.meta.get("mtime")
        if container.meta.get("encrypted"):
            return (yield from self._read_member(container))  # skipped, saying so
        try:
            with self._open_seekable(name) as f:
                found, why = documents.text(f, self._document_kind(container) or "")
        except SourceError:
            raise
        except (OSError, ValueError) as e:
            raise SourceError(self.name, str(e), name) from e
        if found is None:
            yield ContainerDone(notes=(f"{why}, skipped",), mtime=mtime, skipped=why)
            return
        yield from self._read_stream(container, io.BytesIO(found.encode("utf-8")), None, None,
                                     mtime)

    def _read_mail(self, container: Container) -> Iterator[Batch]:
        """A message or a mailbox read for its text (``sources.mail``), as a log of its
        lines, read as they are made."""
        name = container.name
        if container.meta.get("encrypted"):
            return (yield from self._read_member(container))  # skipped, saying so
        reader = mail.Mail()
        try:
            with self._open_seekable(name) as f:
                lines = reader.lines(f, mail.kind(name) or "eml")
                yield from _noted(self._read_stream(
                    container, BlockStream(_joined(lines)), None, None,
                    container.meta.get("mtime")), reader.notes)
        except SourceError:
            raise
        except OSError as e:
            raise SourceError(self.name, str(e), name) from e

    def _open_seekable(self, name: str) -> Any:
        """A file, an archive's member or an object on a store, opened to read and seek."""
        if archives.member_of(name) is not None:
            return archives.open_member(name, seekable=True)
        if is_remote(name):
            return open_remote(name, self.name)
        return open(name, "rb")

    def _read_journal(self, container: Container) -> Iterator[Batch]:
        """A systemd journal file, read as the JSON lines of its entries (``sources.journal``);
        a file named so that is none, as a log."""
        path = container.name
        try:
            f = open(path, "rb")  # noqa: SIM115 - closed below
        except OSError as e:
            raise SourceError(self.name, e.strerror or str(e), path) from e
        with f:
            try:
                entries = journal.Journal(f)
            except (ValueError, OSError):  # not one (or empty: nothing to map)
                yield from super().read(container)
                return
            try:
                yield from _noted(self._read_stream(
                    container, entries, None, None, container.meta.get("mtime")),
                    entries.notes)
            finally:
                entries.close()

    def close(self) -> None:
        """Closes the tar this thread reads members of, if one is open."""
        archives.close_cursors()
        super().close()

    def _read_member(self, container: Container) -> Iterator[Batch]:
        """A log inside an archive, read from the member's stream as a file is."""
        mtime = container.meta.get("mtime")
        if container.meta.get("encrypted"):
            why = "encrypted ZIP member"
            yield ContainerDone(notes=(f"{why}, skipped",), mtime=mtime, skipped=why)
            return
        try:
            f = archives.open_member(container.name)
        except OSError as e:
            raise SourceError(self.name, str(e), container.name) from e
        with f:
            yield from self._read_stream(container, f, container.meta.get("size"), None,
                                         mtime)

    def split(
        self, container: Container, parts: int, min_part_bytes: int = 1 << 20
    ) -> list[tuple[int, int]]:
        if container.meta.get("format") in TABLES:
            return []  # a table is read whole (sampled), never by byte ranges
        if archives.member_of(container.name) is not None:
            return []  # a stream: read whole
        return super().split(container, parts, min_part_bytes)

    @staticmethod
    def _archive_data(path: str, toc_folders: dict[str, bool]) -> bool:
        """Whether a file is a table's data in a pg_dump directory archive (``3346.dat.gz``
        beside a ``toc.dat`` that is the archive's TOC): read through the TOC, which names
        its table and columns, not as a log of its own."""
        if is_remote(path) or not pgarchive.data_file(os.path.basename(path)):
            return False
        folder = os.path.dirname(path)
        found = toc_folders.get(folder)
        if found is None:
            try:
                with open(os.path.join(folder, "toc.dat"), "rb") as f:
                    found = pgarchive.kind(f.read(pgarchive.SNIFF)) == "toc"
            except OSError:
                found = False
            toc_folders[folder] = found
        return found

    def _remote_head(self, url: str, size: int) -> str | None:
        """``json`` for an object named ``.json`` that is one array, ``sqldump`` for one
        named ``.sql`` (compressed or not) that is a dump: its head is read (one request;
        other objects are told by their names alone)."""
        dump = _dump_named(url)
        archive = _ARCHIVE_NAME.search(url) is not None
        if size < 2 or not (dump or archive or NAMED.search(url)):
            return None
        try:
            with open_remote(url, self.name, block_size=SNIFF) as f:
                if dump:
                    return "sqldump" if dumps.is_sql_dump(dumps.head(f)) else None
                head = f.read(SNIFF)
        except (SourceError, OSError):
            return None  # read as a log, which says what is wrong
        if archive:
            return "sqldump" if pgarchive.kind(head) in ("custom", "tar") else None
        return "json" if is_json_array(head_of(head)) else None

    def _tables(self) -> Any:
        """The reader of the tables, made on first use (it loads pyarrow)."""
        if self._tabular is None:
            from derbes.scanner.sources.tabular import TabularSource

            self._tabular = TabularSource(
                self.spec, name=self.name, include_columns=self.include_columns,
                exclude_columns=self.exclude_columns, sample_rows=self.sample_rows,
                seed=self.seed)
        return self._tabular


def _noted(batches: Iterator[Batch], notes: list[str]) -> Iterator[Batch]:
    """``batches``, their ``ContainerDone`` with ``notes`` added: what a reader of a format
    (a journal, a mailbox) noted as it was read, known once it is read."""
    for batch in batches:
        if isinstance(batch, ContainerDone) and notes:
            batch = dataclasses.replace(batch, notes=(*batch.notes, *notes))
        yield batch


def _joined(lines: Iterator[str], size: int = 1 << 20) -> Iterator[bytes]:
    """Lines as UTF-8 blocks of about ``size`` bytes."""
    parts: list[str] = []
    held = 0
    for line in lines:
        parts.append(line)
        held += len(line) + 1
        if held >= size:
            yield ("\n".join(parts) + "\n").encode("utf-8", "surrogatepass")
            parts, held = [], 0
    if parts:
        yield ("\n".join(parts) + "\n").encode("utf-8", "surrogatepass")


#: Names a pg_dump archive is given on a store (``crm.dump``, ``db.backup``, ``db.tar``):
#: such an object's head is read to tell one.
_ARCHIVE_NAME = re.compile(r"\.(?:dump|backup|pgdump|pgdmp|bak|tar)$", re.IGNORECASE)


def _sniffed_in_tar(name: str) -> bool:
    """Whether a member of a tar is opened to tell a table by its first bytes (which costs
    reading the archive up to it): a JSON or SQL file's name, or a name without an ending
    (Hive's ``000000_0``). A log is told by its name; a table file too."""
    base = name.rsplit("/", 1)[-1]
    return NAMED.search(base) is not None or _dump_named(base) or "." not in base


def _text_file(path: str) -> bool:
    """Whether a file's first 4 KiB read as text (in an encoding the log reader reads)."""
    head = _head(path, 4096)
    return detect_encoding(head, at_eof=len(head) < 4096)[0] != "binary"


#: Bytes read of a file named as a workbook, to tell it from an HTML or XML export.
_WORKBOOK_HEAD = 1024


def _workbook_or_text(head: bytes, meta: dict) -> str | None:
    """``xlsx`` for a file named as a workbook whose first bytes are one's
    (``is_workbook_head``; none read: a workbook, whose reader says what is wrong); else
    None, a text: an HTML table (a bank's statement ``.xls``), marked in ``meta`` to be read
    as a page (``documents``), or SpreadsheetML XML, read as a log."""
    if is_workbook_head(head[:8]):
        return "xlsx"
    if documents.is_html(head):
        meta["document"] = "html"
    return None


def _head(path: str, n: int) -> bytes:
    try:
        with open(path, "rb") as f:
            return f.read(n)
    except OSError:
        return b""


def _dump_named(path: str) -> bool:
    """Whether a file is named as a SQL file (``dump.sql``, ``crm.sql.gz``...)."""
    return re.search(r"\.sql(?:\.(?:gz|bz2|xz|zst|zstd))?$", path, re.IGNORECASE) is not None


def table_magic(path: str, size: int) -> str | None:
    """``parquet``, ``orc`` or ``avro`` for a file that opens as one does (``PAR1``,
    ``Obj\\x01``; ``ORC`` at both ends); ``json`` for a ``.json`` file that is one array;
    ``sqldump`` for a ``.sql`` file (compressed or not) that pg_dump or mysqldump wrote,
    and for a pg_dump archive whatever its name (``PGDMP``: ``sources.pgarchive``);
    else None."""
    try:
        with open(path, "rb") as f:
            return _magic(path, f, size)
    except OSError:
        return None  # read as a log, which says what is wrong


def _magic(name: str, f: Any, size: int) -> str | None:
    """:func:`table_magic` of the file ``f`` reads from its start, named ``name``."""
    if size < 2:
        return None
    json_named = NAMED.search(name) is not None
    if _dump_named(name):
        return "sqldump" if dumps.is_sql_dump(dumps.head(f)) else None
    head = f.read(max(SNIFF, pgarchive.SNIFF) if json_named else pgarchive.SNIFF)
    if pgarchive.kind(head) is not None:
        return "sqldump"
    head = head[:SNIFF] if json_named else head[:4]
    if head.startswith(b"ORC") and size >= 8:
        # A log may open with "ORC" (ORCHESTRATOR ...): an ORC file's postscript ends with
        # the magic too, then its length in one byte.
        f.seek(-4, os.SEEK_END)
        return "orc" if f.read(3) == b"ORC" else None
    if head == b"PAR1":
        return "parquet"
    if head == b"Obj\x01":
        return "avro"
    return "json" if json_named and is_json_array(head_of(head)) else None
