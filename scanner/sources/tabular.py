"""Parquet, ORC, Avro, Excel and CSV files, JSON arrays and database dumps, scanned like
tables: a uniform random sample of rows, column by column.

Each file is a container whose columns carry their Arrow types; binary columns are read for the
text they hold (:mod:`derbes.scanner.sources.binary`: Impala and older Hive write strings as
plain ``BINARY``). :meth:`TabularSource.read` yields one :class:`ValueBatch` per field: a flat
column by its name, nested data walked like JSON (``col.key``, ``col[]``, map entries as
``col.<key>``). ``ValueBatch.rows`` are 1-based row numbers in the file (for CSV, of the well-formed
data rows: the header and malformed rows, which are skipped and counted in a note, are not
numbered), so a finding can be found again.

Sampling never loads a whole file. Parquet knows its row count: ``sample_rows`` row numbers are
drawn at random and only the row groups holding them are read, batch by batch. CSV does not:
it is streamed once through a reservoir (Li's algorithm L, a few random draws per kept row).
CSV columns are read as text, whatever their look: type inference would turn an IIN such as
``010203400500`` into the number 10203400500. The encoding (UTF-8, UTF-16, cp1251, KZ-1048,
latin-1) and the delimiter (``,``, ``;``, tab or ``|``) are guessed from the first 64 KiB.
"""

from __future__ import annotations

import bz2
import fnmatch
import gzip
import io
import itertools
import json
import math
import os
import random
import zipfile
from collections.abc import Generator, Iterable, Iterator
from contextlib import contextmanager, nullcontext
from datetime import date, datetime, time
from typing import Any

from derbes.detectors.lazy import one_blas_thread

# pyarrow loads numpy: with one OpenBLAS thread, as derbes does no linear algebra (every
# `derbes scan` imports this module, from open_source).
with one_blas_thread():
    import pyarrow as pa
    import pyarrow.compute as pc
    import pyarrow.csv as pacsv
    import pyarrow.parquet as pq

from derbes.scanner.doctext import ODF_OFFICE, ODF_TABLE, ODF_TEXT
from derbes.scanner.errors import ConfigError, SourceError
from derbes.scanner.jsonpaths import MAX_DEPTH
from derbes.scanner.sources import ages, archives, pgarchive
from derbes.scanner.sources.base import Column, Container, ContainerDone, ValueBatch
from derbes.scanner.sources.binary import Unread, read_binary
from derbes.scanner.sources.discovery import (
    Skipped,
    find_files,
    iso_mtime,
    looks_like_workbook,
    table_format,
)
from derbes.scanner.sources.encoding import detect_encoding
from derbes.scanner.sources.jsonarray import decompressed, records
from derbes.scanner.sources.remote import (
    StoredAt,
    display_url,
    find_remote,
    is_remote,
    open_remote,
)

_HEAD = 64 << 10
_BATCH_ROWS = 65_536
_DELIMITERS = (",", ";", "\t", "|")


def is_tabular(path: str) -> bool:
    """True for a file this source reads: by its ending, and for a local workbook, by
    being one (an HTML table named ``.xls`` is text for the log reader)."""
    found = table_format(path)
    if found == "xlsx" and not is_remote(path):
        return looks_like_workbook(path)
    return found is not None


class TabularSource(StoredAt):
    """Parquet, ORC, Avro, Excel and CSV files (a file, a directory or a glob) scanned on a
    sample of rows."""

    kind = "file"
    #: An unreadable directory is a warning here, not an error (as before the protocol said
    #: so; LogSource counts it as an error).
    errors: tuple[str, ...] = ()

    def __init__(
        self,
        spec: str,
        *,
        name: str | None = None,
        include: Iterable[str] = (),
        exclude: Iterable[str] = (),
        include_columns: Iterable[str] = (),
        exclude_columns: Iterable[str] = (),
        sample_rows: int = 1000,
        seed: int | None = None,
    ) -> None:
        if sample_rows < 0:
            raise ConfigError("sample_rows must be 0 (all rows) or positive")
        self.spec = spec
        self.name = name or display_url(spec)
        self.include = tuple(include)
        self.exclude = tuple(exclude)
        self.include_columns = tuple(c.lower() for c in include_columns)
        self.exclude_columns = tuple(c.lower() for c in exclude_columns)
        self.sample_rows = sample_rows
        self.seed = seed
        #: What could not be listed (unreadable directories, files of other kinds); not fatal.
        self.warnings: list[str] = []
        #: Files of a folder left out at listing, with the reason.
        self.skipped: list[tuple[str, str]] = []

    # -- listing ---------------------------------------------------------------------------

    def containers(self) -> Iterator[Container]:
        """One container per table file, with its columns. Raises ``SourceError``.

        A file whose schema cannot be read is still listed, with ``meta["error"]``; reading it
        raises ``SourceError``, so one bad file makes the source partial, not failed.
        """
        listed: dict[str, dict] = {}
        try:
            if is_remote(self.spec):  # s3://, gs://...: sizes and times come with the listing
                found, self.warnings = find_remote(self.spec, self.include, self.exclude)
                listed = dict(found)
                paths = list(listed)
            else:
                paths, self.warnings = find_files(self.spec, self.include, self.exclude)
        except SourceError as e:
            raise SourceError(self.name, e.reason) from e
        self.skipped = [(w.path, w.reason) for w in self.warnings if isinstance(w, Skipped)]
        self.warnings = [str(w) for w in self.warnings if not isinstance(w, Skipped)]
        tabular = [p for p in paths if is_tabular(p)]
        self.warnings += [
            f"{p}: not a Parquet, ORC, Avro, Excel or CSV file, skipped"
            for p in paths if p not in tabular
        ]
        if not tabular:
            raise SourceError(
                self.name, f"no Parquet, ORC, Avro, Excel or CSV files match {self.spec!r}")
        for path in tabular:
            yield self.describe(path, listed.get(path))

    def describe(self, path: str, listed: dict | None = None, fmt: str | None = None
                 ) -> Container:
        """The container of the file at ``path``: its columns, rows and format (``fmt``, or
        told by its name), with ``listed``'s size and time when given (else the file's).
        A file whose schema cannot be read gets ``meta["error"]``."""
        fmt = fmt or table_format(path)
        meta: dict[str, Any] = {"format": fmt}
        try:
            if listed is not None:
                meta.update(listed)
            else:
                st = os.stat(path)
                meta.update(size=st.st_size, mtime=iso_mtime(st.st_mtime))
            if fmt == "parquet":
                with _opened(path) as where, pq.ParquetFile(where) as pf:
                    schema = pf.schema_arrow
                    meta["rows"] = pf.metadata.num_rows
            elif fmt == "orc":
                with _opened(path) as where:
                    f = _orc().ORCFile(where)
                    schema = f.schema
                    meta["rows"] = f.nrows
            elif fmt == "sqldump":
                # Its tables and columns are known as it is read (a dump may be gigabytes).
                return Container(name=path, kind="file", meta=meta)
            elif fmt == "xlsx":
                with _opened_binary(path) as f:
                    names = [name for sheet in _sheets(f) for name in sheet[1]]
                columns = tuple(Column(n, "cell") for n in names if self._wanted(n))
                return Container(name=path, kind="file", columns=columns, meta=meta)
            elif fmt == "json":
                with _opened_binary(path) as f:
                    names = _json_columns(decompressed(f))
                columns = tuple(Column(n, "json") for n in names if self._wanted(n))
                return Container(name=path, kind="file", columns=columns, meta=meta)
            elif fmt == "avro":
                # Avro's schema is no Arrow schema: its columns are named and typed here.
                with _opened_binary(path) as f:
                    fields = _avro_fields(f)
                columns = tuple(Column(n, t) for n, t in fields if self._wanted(n))
                return Container(name=path, kind="file", columns=columns, meta=meta)
            elif meta.get("size") == 0:
                return Container(name=path, kind="file", meta=meta)
            else:
                options = _csv_options(path)
                meta.update(encoding=options["encoding"], delimiter=options["delimiter"])
                schema = _csv_schema(path, options)
        except (OSError, pa.ArrowException, ValueError, EOFError, KeyError, zipfile.BadZipFile
                ) as e:
            # (fastavro raises ValueError for a file that is no Avro, EOFError for one cut;
            # openpyxl KeyError or BadZipFile for a workbook that is none.)
            meta["error"] = str(e) or type(e).__name__
            return Container(name=path, kind="file", meta=meta)
        if fmt == "csv":  # read as text whatever Arrow would infer (see the module docstring)
            schema = pa.schema([pa.field(n, pa.string()) for n in schema.names])
        columns = tuple(_column(f) for f in schema if self._wanted(f.name))
        return Container(name=path, kind="file", columns=columns, meta=meta)

    def _wanted(self, column: str) -> bool:
        name = column.lower()
        if self.include_columns and not any(
            fnmatch.fnmatchcase(name, p) for p in self.include_columns
        ):
            return False
        return not any(fnmatch.fnmatchcase(name, p) for p in self.exclude_columns)

    # -- reading ---------------------------------------------------------------------------

    def read(self, container: Container) -> Iterator[ValueBatch | ContainerDone]:
        """Values of the sampled rows, field by field, then ``ContainerDone``."""
        path = container.name
        if "error" in container.meta:
            raise SourceError(self.name, container.meta["error"], path)
        mtime = container.meta.get("mtime")
        scannable = [c.name for c in container.columns if c.scannable]
        skipped = [c.name for c in container.columns if not c.scannable]
        if container.meta.get("format") == "sqldump":
            scannable = ["*"]  # the dump's tables say what its columns are
        if container.meta.get("size") == 0 and not container.columns:
            yield ContainerDone(notes=("empty file",), mtime=mtime)
            return
        if not scannable:
            yield ContainerDone(skipped_fields=tuple(skipped), notes=("no column to scan",))
            return
        emitter = _Emitter()
        notes: list[str] = []
        try:
            if container.meta.get("format") == "parquet":
                rows, total = yield from self._read_parquet(path, scannable, emitter)
            elif container.meta.get("format") == "orc":
                rows, total = yield from self._read_orc(path, scannable, emitter)
            elif container.meta.get("format") == "avro":
                rows, total = yield from self._read_avro(path, scannable, emitter)
            elif container.meta.get("format") == "json":
                rows, total = yield from self._read_json(path, scannable, emitter)
            elif container.meta.get("format") == "xlsx":
                rows, total = yield from self._read_xlsx(path, scannable, emitter)
            elif container.meta.get("format") == "sqldump":
                rows, total = yield from self._read_sqldump(path, emitter)
            else:
                rows, total, bad = yield from self._read_csv(path, scannable, emitter)
                if bad:
                    notes.append(f"{bad} malformed CSV rows skipped")
        except (OSError, pa.ArrowException, ValueError, EOFError, KeyError,
                zipfile.BadZipFile) as e:
            raise SourceError(self.name, f"cannot read: {e or type(e).__name__}", path) from e
        sampled = rows < total
        if sampled:
            notes.append(f"sampled {rows} of {total} rows")
        notes.extend(emitter.unread.notes())
        age = emitter.ages.oldest()
        yield ContainerDone(
            rows_scanned=rows,
            bytes_scanned=emitter.bytes,
            sampled=sampled,
            skipped_fields=tuple(skipped),
            notes=tuple(notes),
            mtime=mtime,
            # The rows' own age, as a database table's: among the rows read.
            oldest=age[0] if age else None,
            age_column=age[1] if age else None,
            age_method=("sample" if sampled else "min_scan") if age else None,
        )

    def _read_parquet(self, path: str, columns: list[str], emitter: _Emitter):
        with _opened(path) as where, pq.ParquetFile(where) as pf:
            return (yield from self._sample_parquet(pf, columns, emitter))

    def _sample_parquet(self, pf: pq.ParquetFile, columns: list[str], emitter: _Emitter):
        meta = pf.metadata
        total = meta.num_rows
        if not self.sample_rows or total <= self.sample_rows:
            yield from emitter.emit_all(pf.iter_batches(batch_size=_BATCH_ROWS, columns=columns))
            return total, total
        rng = random.Random(self.seed)
        wanted = sorted(rng.sample(range(total), self.sample_rows))
        taken: list[pa.RecordBatch] = []
        rows: list[int] = []
        start, i = 0, 0
        for group in range(meta.num_row_groups):
            size = meta.row_group(group).num_rows
            stop = start + size
            local: list[int] = []
            while i < len(wanted) and wanted[i] < stop:
                local.append(wanted[i] - start)
                i += 1
            if local:
                # Read only the row groups that hold sampled rows, a batch at a time.
                offset = 0
                for batch in pf.iter_batches(
                    batch_size=_BATCH_ROWS, row_groups=[group], columns=columns
                ):
                    end = offset + batch.num_rows
                    picks = [x - offset for x in local if offset <= x < end]
                    if picks:
                        taken.append(batch.take(pa.array(picks)))
                    offset = end
                rows.extend(start + x + 1 for x in local)
            start = stop
        yield from emitter.emit_table(pa.Table.from_batches(taken).combine_chunks(), rows)
        return len(rows), total

    def _read_orc(self, path: str, columns: list[str], emitter: _Emitter):
        """ORC knows its row count but not its stripes' without reading them: a small file is
        read whole, a larger one streamed stripe by stripe through the reservoir (as CSV is),
        the wanted columns only."""
        with _opened(path) as where:
            f = _orc().ORCFile(where)
            total = f.nrows
            stripes = (f.read_stripe(i, columns=columns) for i in range(f.nstripes))
            if not self.sample_rows or total <= self.sample_rows:
                count = yield from emitter.emit_all(stripes)
                return count, count
            table, rows, seen = _reservoir(stripes, self.sample_rows, random.Random(self.seed))
            if table is not None:
                yield from emitter.emit_table(table, rows)
            return len(rows), seen

    def _read_avro(self, path: str, columns: list[str], emitter: _Emitter):
        """Avro's blocks say how many records they hold before they are decoded: a sample
        decodes only the blocks that hold sampled records (Li's algorithm L over the
        blocks, as over CSV's batches); ``sample_rows=0`` decodes them all."""
        import fastavro

        wanted = frozenset(columns)
        with _opened_binary(path) as f:
            blocks = fastavro.block_reader(f)
            if not self.sample_rows:
                records = ((row, record) for row, record in enumerate(
                    (r for block in blocks for r in block), 1))
                count = yield from emitter.emit_records(records, wanted)
                return count, count
            kept, total = _sample_blocks(blocks, self.sample_rows, random.Random(self.seed))
            yield from emitter.emit_records(kept, wanted)
            return len(kept), total

    def _read_json(self, path: str, columns: list[str], emitter: _Emitter):
        """A JSON array's elements as records (``sources.jsonarray``), read one at a time."""
        with _opened_binary(path) as f:
            elements = (e if isinstance(e, dict) else {"value": e}
                        for e in records(decompressed(f)))
            return (yield from self._numbered(enumerate(elements, 1), frozenset(columns),
                                              emitter))

    def _read_sqldump(self, path: str, emitter: _Emitter):
        """A database dump's tables (``sources.dumps``, ``sources.pgarchive``), each a table
        of records under fields ``table.column``, rows numbered in their table, sampled
        table by table."""
        kept_all = seen_all = 0
        with _opened_binary(path) as f:
            # (A directory archive's data files lie beside its toc.dat, on this disk.)
            opener = None if _streamed(path) else pgarchive.directory_opener(path)
            for table, found in pgarchive.dump_tables(f, opener):
                rows = ((number, {f"{table}.{column}": value
                                  for column, value in record.items()
                                  if self._wanted(f"{table}.{column}")})
                        for number, record in enumerate(found, 1))
                kept, seen = yield from self._numbered(rows, None, emitter)
                kept_all += kept
                seen_all += seen
        return kept_all, seen_all

    def _read_xlsx(self, path: str, columns: list[str], emitter: _Emitter):
        """An Excel workbook's sheets, each a table under its header row (fields named
        ``sheet.column``, rows by their number in the sheet), sampled sheet by sheet: a
        workbook has no row count to draw from (openpyxl, read-only)."""
        wanted = frozenset(columns)
        kept_all = seen_all = 0
        with _opened_binary(path) as f:
            for rows in _sheet_rows(f):
                kept, seen = yield from self._numbered(rows, wanted, emitter)
                kept_all += kept
                seen_all += seen
        return kept_all, seen_all

    def _numbered(self, rows: Iterator[tuple[int, dict]], wanted: frozenset[str] | None,
                  emitter: _Emitter) -> Generator[ValueBatch, None, tuple[int, int]]:
        """Records numbered by their rows, all of them or a sample through the reservoir (a
        thousand records a block); returns how many were kept and how many seen. A reader
        that fails midway (a compressed dump cut short) fails after the records read before
        it are given: they are good."""
        fault: list[Exception] = []
        rows = _until_fault(rows, fault)
        if not self.sample_rows:
            count = yield from emitter.emit_records(rows, wanted)
            kept_seen = (count, count)
        else:
            blocks = iter(lambda: _Block(list(itertools.islice(rows, 1000))), _Block([]))
            kept, seen = _sample_blocks(blocks, self.sample_rows, random.Random(self.seed))
            # Kept in row order, each as (ordinal, (row number, record)).
            yield from emitter.emit_records((item for _, item in kept), wanted)
            kept_seen = (len(kept), seen)
        if fault:
            raise fault[0]
        return kept_seen

    def _read_csv(self, path: str, columns: list[str], emitter: _Emitter):
        bad = [0]
        batches = _csv_batches(path, _csv_options(path), columns, bad)
        if not self.sample_rows:
            count = yield from emitter.emit_all(batches)
            return count, count, bad[0]
        table, rows, total = _reservoir(batches, self.sample_rows, random.Random(self.seed))
        if table is not None:
            yield from emitter.emit_table(table, rows)
        return len(rows), total, bad[0]

    def close(self) -> None:
        """Nothing to release: each file is closed when its reading ends."""


# -- values --------------------------------------------------------------------------------


class _Emitter:
    """Turns record batches into ValueBatches, walking nested types like JSON."""

    def __init__(self) -> None:
        self.bytes = 0
        self.unread = Unread()
        self.ages = _Ages()

    def emit_all(self, batches: Iterable[pa.RecordBatch]) -> Generator[ValueBatch, None, int]:
        """Every row of ``batches``, numbered from 1; returns how many rows there were."""
        count = 0
        for batch in batches:
            yield from self.emit(batch, range(count + 1, count + 1 + batch.num_rows))
            count += batch.num_rows
        return count

    def emit_table(self, table: pa.Table, rows: list[int]) -> Iterator[ValueBatch]:
        """A table of sampled rows; ``rows`` are their row numbers, in order."""
        first = 0
        for batch in table.to_batches():
            yield from self.emit(batch, rows[first : first + batch.num_rows])
            first += batch.num_rows

    def emit_records(
        self, records: Iterable[tuple[int, dict]], columns: frozenset[str] | None
    ) -> Generator[ValueBatch, None, int]:
        """Records (Avro's: dicts, nested) numbered by their rows, ``columns`` of them (None:
        all), in batches of ``_BATCH_ROWS``; returns how many there were."""
        count = 0
        fields: dict[str, tuple[list[int], list[str]]] = {}
        for row, record in records:
            count += 1
            for name, value in record.items():
                if columns is not None and name not in columns:
                    continue
                self.ages.see(name, value)
                for path, text in self._walk_plain(value, name, 0):
                    entry = fields.get(path)
                    if entry is None:
                        entry = fields[path] = ([], [])
                    entry[0].append(row)
                    entry[1].append(text)
            if count % _BATCH_ROWS == 0:
                yield from self._batches(fields)
                fields = {}
        yield from self._batches(fields)
        return count

    def _batches(self, fields: dict[str, tuple[list[int], list[str]]]) -> Iterator[ValueBatch]:
        for path, (field_rows, values) in fields.items():
            self.bytes += sum(len(v.encode("utf-8", "surrogatepass")) for v in values)
            yield ValueBatch(field=path, rows=field_rows, values=values)

    def _walk_plain(self, value: Any, path: str, depth: int) -> Iterator[tuple[str, str]]:
        """A value without a schema beside it (an Avro record's), walked as JSON is."""
        if value is None or depth > MAX_DEPTH:
            return
        if isinstance(value, dict):
            for key, item in value.items():
                yield from self._walk_plain(item, f"{path}.{key}", depth + 1)
        elif isinstance(value, list):
            for item in value:
                yield from self._walk_plain(item, f"{path}[]", depth + 1)
        elif isinstance(value, bytes | bytearray):
            text = read_binary(path, value, self.unread)
            if text:
                yield from self._walk_plain(text, path, depth + 1)  # JSON in it by key path
        elif isinstance(value, tuple) and len(value) == 2 and isinstance(value[0], str):
            # A union's branch named (fastavro's return_record_name): its value.
            yield from self._walk_plain(value[1], path, depth + 1)
        elif isinstance(value, str) and value.lstrip()[:1] in ("{", "["):
            # JSON kept as text (a dump's json column, a string field holding a document):
            # walked by key path, as a database's JSON text is (sources.sql.values).
            try:
                doc = json.loads(value)
            except (ValueError, RecursionError):
                doc = None
            if isinstance(doc, dict | list):
                yield from self._walk_plain(doc, path, depth + 1)
            elif value.strip():
                yield path, value
        else:
            text = _text(value)
            if text is not None:
                yield path, text

    def emit(self, batch: pa.RecordBatch, rows: Iterable[int]) -> Iterator[ValueBatch]:
        """One ValueBatch per field of ``batch``, whose rows are numbered ``rows``."""
        rows = list(rows)
        for name, column in zip(batch.schema.names, batch.columns, strict=True):
            fields: dict[str, tuple[list[int], list[str]]] = {}
            typ = column.type
            self.ages.see_column(name, column)
            for row, value in zip(rows, column.to_pylist(), strict=True):
                for path, text in self._walk(value, typ, name):
                    entry = fields.get(path)
                    if entry is None:
                        entry = fields[path] = ([], [])
                    entry[0].append(row)
                    entry[1].append(text)
            for path, (field_rows, values) in fields.items():
                self.bytes += sum(len(v.encode("utf-8", "surrogatepass")) for v in values)
                yield ValueBatch(field=path, rows=field_rows, values=values)

    def _walk(self, value: Any, typ: pa.DataType, path: str) -> Iterator[tuple[str, str]]:
        if value is None:
            return
        if pa.types.is_dictionary(typ):
            typ = typ.value_type
        if pa.types.is_struct(typ):
            for i in range(typ.num_fields):
                f = typ.field(i)
                yield from self._walk(value.get(f.name), f.type, f"{path}.{f.name}")
        elif pa.types.is_map(typ):
            for key, item in value:
                yield from self._walk(item, typ.item_type, f"{path}.{key}")
        elif _is_list(typ):
            for item in value:
                yield from self._walk(item, typ.value_type, f"{path}[]")
        elif _is_binary(typ):
            text = read_binary(path, value, self.unread)
            if text:
                yield from self._walk_plain(text, path, 1)  # JSON in it by key path
        elif isinstance(value, str) and value.lstrip()[:1] in ("{", "["):
            # JSON kept in a string column (Airbyte's _airbyte_data, a Kafka sink's value,
            # Spark's to_json): walked by key path as a record format's JSON text is.
            yield from self._walk_plain(value, path, 1)
        else:
            text = _text(value)
            if text is not None:
                yield path, text


def _text(value: Any) -> str | None:
    """Text of a scalar: integers as integer text, booleans not at all (they hold nothing)."""
    if isinstance(value, str):
        return value or None
    if isinstance(value, bool | bytes | bytearray):
        return None
    if isinstance(value, float):
        # A phone or IIN stored as a double reads 77011234567.0; its digits are what matters.
        if value.is_integer() and abs(value) < 2**53:
            return str(int(value))
        return repr(value)
    if isinstance(value, datetime | date | time):
        return value.isoformat()
    return str(value)


@contextmanager
def _opened_binary(path: str) -> Iterator[Any]:
    """A file object of ``path``: fastavro reads from one, not from a path."""
    with _opened(path) as where:
        if isinstance(where, str):
            with open(where, "rb") as f:
                yield f
        else:
            yield where


def _workbook(f: Any) -> Any:
    """The workbook ``f`` holds: an Excel 2007+ one (openpyxl), or a legacy ``.xls``
    (Excel 97-2003's BIFF in an OLE2 file, read by xlrd) made to read as openpyxl's."""
    head = f.read(len(OLE2_MAGIC))
    f.seek(0)
    if head == OLE2_MAGIC:
        return _XlsBook(f.read())
    if _is_ods(f):
        return _OdsBook(f)
    import openpyxl

    return openpyxl.load_workbook(f, read_only=True, data_only=True)


#: The first bytes of an OLE2 compound file: a legacy ``.xls`` workbook (or ``.doc``...).
OLE2_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"


class _XlsBook:
    """A legacy ``.xls`` workbook (xlrd) with what this module reads of an openpyxl one:
    ``worksheets``, each with ``title`` and ``iter_rows(min_row, max_row, values_only)``,
    and ``close()``. Cells come as openpyxl gives them: text, numbers (an integer as int),
    dates as ``datetime``, booleans, None for an empty cell."""

    def __init__(self, data: bytes) -> None:
        import xlrd

        try:
            # (xlrd prints its warnings to a log file: stdout unless given one.)
            self._book = xlrd.open_workbook(file_contents=data, on_demand=True,
                                            logfile=io.StringIO())
        except Exception as e:  # XLRDError, and struct.error, IndexError... on a cut file
            raise ValueError(f"not a readable .xls workbook: {e or type(e).__name__}") from e
        self.worksheets = [_XlsSheet(self._book, name) for name in self._book.sheet_names()]

    def close(self) -> None:
        self._book.release_resources()


class _XlsSheet:
    def __init__(self, book: Any, title: str) -> None:
        self._book = book
        self.title = title

    def iter_rows(self, min_row: int = 1, max_row: int | None = None,
                  values_only: bool = True) -> Iterator[tuple]:
        import xlrd

        try:
            sheet = self._book.sheet_by_name(self.title)  # parsed now (on_demand)
        except Exception as e:
            raise ValueError(f"a damaged sheet {self.title!r} in an .xls workbook: "
                             f"{e or type(e).__name__}") from e
        last = sheet.nrows if max_row is None else min(max_row, sheet.nrows)
        for index in range(min_row - 1, last):
            yield tuple(_xls_value(cell, self._book.datemode, xlrd)
                        for cell in sheet.row(index))


#: An OpenDocument spreadsheet's first member, stored uncompressed at the file's start.
_ODS_MIMETYPE = b"mimetypeapplication/vnd.oasis.opendocument.spreadsheet"


def _is_ods(f: Any) -> bool:
    head = f.read(30 + len(_ODS_MIMETYPE))
    f.seek(0)
    return head[30:] == _ODS_MIMETYPE


class _OdsBook:
    """An OpenDocument spreadsheet (``.ods``, LibreOffice's and many government offices'
    own) with what this module reads of an openpyxl workbook: each sheet's rows as values
    (text, int, float, date, bool; None for an empty cell). A row or cell repeated
    (``number-rows-repeated``, ``number-columns-repeated``) is repeated, but the empty ones
    that pad a sheet to its end (a million rows) are not read."""

    def __init__(self, f: Any) -> None:
        from xml.etree import ElementTree

        try:
            with zipfile.ZipFile(f) as archive, archive.open("content.xml") as content:
                root = ElementTree.parse(content).getroot()
        except (zipfile.BadZipFile, KeyError, ElementTree.ParseError) as e:
            raise ValueError(f"not a readable .ods workbook: {e}") from e
        self.worksheets = [_OdsSheet(table) for table in root.iter(f"{ODF_TABLE}table")]

    def close(self) -> None:
        self.worksheets = []


class _OdsSheet:
    def __init__(self, table: Any) -> None:
        self.title = table.get(f"{ODF_TABLE}name") or "Sheet"
        self._rows: list[tuple] = []
        rows = [(row, _repeat(row, "rows")) for row in table.iter(f"{ODF_TABLE}table-row")]
        for row, times in rows:
            cells = _ods_cells(row)
            if not any(cell is not None for cell in cells):
                self._rows.extend([()] * min(times, _ODS_EMPTY_ROWS))
                continue
            self._rows.extend([cells] * times)
        while self._rows and not self._rows[-1]:
            self._rows.pop()

    def iter_rows(self, min_row: int = 1, max_row: int | None = None,
                  values_only: bool = True) -> Iterator[tuple]:
        yield from self._rows[min_row - 1:max_row]


#: Empty rows kept in a run of them (a sheet's padding to its end runs to a million).
_ODS_EMPTY_ROWS = 1000


def _repeat(element: Any, what: str) -> int:
    try:
        return max(1, int(element.get(f"{ODF_TABLE}number-{what}-repeated") or 1))
    except ValueError:
        return 1


def _ods_cells(row: Any) -> tuple:
    cells: list[Any] = []
    for cell in row:
        if cell.tag not in (f"{ODF_TABLE}table-cell", f"{ODF_TABLE}covered-table-cell"):
            continue
        value = _ods_value(cell)
        times = _repeat(cell, "columns")
        cells.extend([value] * (times if value is not None else min(times, 1024)))
    while cells and cells[-1] is None:
        cells.pop()
    return tuple(cells)


def _ods_value(cell: Any) -> Any:
    kind = cell.get(f"{ODF_OFFICE}value-type")
    if kind in ("float", "percentage", "currency"):
        raw = cell.get(f"{ODF_OFFICE}value") or ""
        try:
            number = float(raw)
        except ValueError:
            return raw or None
        return int(number) if number.is_integer() and abs(number) < 2**53 else number
    if kind == "date":
        raw = cell.get(f"{ODF_OFFICE}date-value") or ""
        try:
            return datetime.fromisoformat(raw)
        except ValueError:
            return raw or None
    if kind == "boolean":
        return cell.get(f"{ODF_OFFICE}boolean-value") == "true"
    text = "\n".join("".join(p.itertext()) for p in cell.iter(f"{ODF_TEXT}p"))
    return text or None


def _xls_value(cell: Any, datemode: int, xlrd: Any) -> Any:
    kind, value = cell.ctype, cell.value
    if kind in (xlrd.XL_CELL_EMPTY, xlrd.XL_CELL_BLANK, xlrd.XL_CELL_ERROR):
        return None
    if kind == xlrd.XL_CELL_DATE:
        try:
            return xlrd.xldate.xldate_as_datetime(value, datemode)
        except (ValueError, OverflowError, xlrd.xldate.XLDateError):
            return value
    if kind == xlrd.XL_CELL_BOOLEAN:
        return bool(value)
    if kind == xlrd.XL_CELL_NUMBER and value.is_integer() and abs(value) < 2**53:
        return int(value)  # every number is a double in BIFF: an IIN reads 860904350504
    return value


#: Rows of a sheet looked at for its header: the first that holds a cell.
_HEADER_ROWS = 20


def _header(sheet: Any) -> tuple[int, list[str]]:
    """A sheet's header row (its number; 0 for none) and its columns' names, each
    ``sheet.name`` (the cell's text, else the column's letter). The header is the first of
    the sheet's first rows that fills half as many cells as the fullest of them: a report's
    title above it (one cell) is passed over."""
    from openpyxl.utils import get_column_letter

    head = list(sheet.iter_rows(max_row=_HEADER_ROWS, values_only=True))
    filled = [sum(cell not in (None, "") for cell in row) for row in head]
    most = max(filled, default=0)
    for number, (row, count) in enumerate(zip(head, filled, strict=True), 1):
        if count and count * 2 >= most:
            names = [str(cell).strip() if cell not in (None, "") else get_column_letter(i)
                     for i, cell in enumerate(row, 1)]
            return number, [f"{sheet.title}.{name}" for name in names]
    return 0, []


def _sheets(f: Any) -> list[tuple[str, list[str]]]:
    """Each sheet's title and its columns' names (:func:`_header`)."""
    book = _workbook(f)
    try:
        return [(sheet.title, _header(sheet)[1]) for sheet in book.worksheets]
    finally:
        book.close()


def _sheet_rows(f: Any) -> Iterator[Iterator[tuple[int, dict]]]:
    """For each sheet, its rows under the header as ``(row number, {field: value})``."""
    book = _workbook(f)
    try:
        for sheet in book.worksheets:
            first, names = _header(sheet)
            if not first:
                continue
            yield ((number, dict(zip(names, map(_cell, row), strict=False)))
                   for number, row in enumerate(
                       sheet.iter_rows(min_row=first + 1, values_only=True), first + 1)
                   if any(cell not in (None, "") for cell in row))
    finally:
        book.close()


def _cell(value: Any) -> Any:
    """A cell's value as written: Excel keeps a date as a date-time at midnight."""
    if isinstance(value, datetime) and value.time() == time(0):
        return value.date()
    return value


def _json_columns(f: Any, sample: int = 100) -> list[str]:
    """The keys of a JSON array's first ``sample`` objects, in the order first seen
    (``value`` for elements that are no object)."""
    names: dict[str, None] = {}
    for element in itertools.islice(records(f), sample):
        for name in element if isinstance(element, dict) else ("value",):
            names.setdefault(str(name), None)
    return list(names)


def _avro_fields(f: Any) -> list[tuple[str, str]]:
    """The top-level fields of an Avro file's records, each with its type as derbes names
    types (Arrow's names: ``int64`` for ``long``, so that an integer column is known as one
    for IINs that lost their leading zero)."""
    import fastavro

    schema = fastavro.reader(f).writer_schema
    if not isinstance(schema, dict) or schema.get("type") != "record":
        return [("value", _avro_type(schema))]  # a file of plain values
    return [(field["name"], _avro_type(field["type"])) for field in schema["fields"]]


_AVRO_TYPES = {"int": "int32", "long": "int64", "float": "float", "double": "double",
               "boolean": "bool", "string": "string", "bytes": "binary", "null": "null",
               "record": "struct", "array": "list", "map": "map", "enum": "string",
               "fixed": "binary"}


def _avro_type(schema: Any) -> str:
    if isinstance(schema, list):  # a union: its one other branch than null, or "union"
        branches = [b for b in schema if b != "null"]
        return _avro_type(branches[0]) if len(branches) == 1 else "union"
    if isinstance(schema, dict):
        logical = schema.get("logicalType")
        if logical == "decimal":
            return f"decimal({schema.get('precision')}, {schema.get('scale', 0)})"
        if logical:
            return str(logical)
        return _AVRO_TYPES.get(schema.get("type"), str(schema.get("type")))
    return _AVRO_TYPES.get(schema, str(schema))


def _orc():
    """``pyarrow.orc``, imported when an ORC file is met."""
    import pyarrow.orc

    return pyarrow.orc


def _is_list(typ: pa.DataType) -> bool:
    return (
        pa.types.is_list(typ)
        or pa.types.is_large_list(typ)
        or pa.types.is_fixed_size_list(typ)
        or (hasattr(pa.types, "is_list_view") and pa.types.is_list_view(typ))
        or (hasattr(pa.types, "is_large_list_view") and pa.types.is_large_list_view(typ))
    )


def _is_binary(typ: pa.DataType) -> bool:
    return (
        pa.types.is_binary(typ)
        or pa.types.is_large_binary(typ)
        or pa.types.is_fixed_size_binary(typ)
        or (hasattr(pa.types, "is_binary_view") and pa.types.is_binary_view(typ))
    )


def _column(f: pa.Field) -> Column:
    return Column(f.name, str(f.type))


# -- sampling ------------------------------------------------------------------------------


class _Picks:
    """Li's algorithm L over a stream seen in blocks: which rows of each block enter a
    reservoir of ``k``, and the slot each takes (None: added while the reservoir fills).
    After it fills, the gap to the next kept row is drawn directly, so the cost is in the
    rows kept, not the rows seen; a block none of whose rows is kept is never read."""

    def __init__(self, k: int, rng: random.Random) -> None:
        self.k = k
        self.rng = rng
        self.w = math.exp(math.log(1.0 - rng.random()) / k)
        self.next = k - 1 + _gap(self.w, rng) + 1  # 0-based index of the next row to keep
        #: Rows seen before the next block.
        self.seen = 0

    def block(self, n: int) -> tuple[list[int], list[int | None]]:
        """The rows of the next block of ``n`` kept (its indexes), and their slots."""
        k, rng, seen = self.k, self.rng, self.seen
        local: list[int] = []
        slots: list[int | None] = []
        i = 0
        while seen + i < k and i < n:
            local.append(i)
            slots.append(None)
            i += 1
        while self.next < seen + n:
            local.append(self.next - seen)
            slots.append(rng.randrange(k))
            self.w *= math.exp(math.log(1.0 - rng.random()) / k)
            self.next += _gap(self.w, rng) + 1
        self.seen = seen + n
        return local, slots


def _reservoir(
    batches: Iterable[pa.RecordBatch], k: int, rng: random.Random
) -> tuple[pa.Table | None, list[int], int]:
    """A uniform sample of ``k`` rows of a stream, with their 1-based row numbers, sorted
    (:class:`_Picks`)."""
    table: pa.Table | None = None
    rows: list[int] = []
    picks = _Picks(k, rng)
    for batch in batches:
        seen = picks.seen
        local, slots = picks.block(batch.num_rows)
        if local:
            fresh = pa.Table.from_batches([batch.take(pa.array(local))])
            base = 0 if table is None else table.num_rows
            order = list(range(base))
            for j, slot in enumerate(slots):
                number = seen + local[j] + 1
                if slot is None:
                    order.append(base + j)
                    rows.append(number)
                else:
                    order[slot] = base + j
                    rows[slot] = number
            joined = fresh if table is None else pa.concat_tables([table, fresh])
            table = joined.take(pa.array(order, type=pa.int64())).combine_chunks()
    if table is None:
        return None, [], picks.seen
    order = sorted(range(len(rows)), key=rows.__getitem__)
    return table.take(pa.array(order, type=pa.int64())), [rows[i] for i in order], picks.seen


#: A text that opens as an ISO date (what ``ages.iso`` reads).
_ISO_DATE = r"^\s*\d{4}-\d{2}-\d{2}"


class _Ages:
    """The oldest value of each field that says when a file's rows were written
    (``sources.ages``: ``created_at``, ``дата_создания``, a timestamp-typed column...), among
    the rows read; a field ``table.column`` or ``sheet.column`` is named by its column."""

    def __init__(self) -> None:
        self._ranks: dict[str, int | None] = {}
        self._oldest: dict[str, str] = {}

    def _rank(self, field: str, typ: str | None = None) -> int | None:
        found = self._ranks.get(field, -1)
        if found == -1:
            found = self._ranks[field] = ages.rank(field.rsplit(".", 1)[-1], typ)
        return found

    def see(self, field: str, value: Any) -> None:
        if self._rank(field) is not None:
            self._keep(field, value)

    def see_column(self, field: str, column: pa.Array) -> None:
        """The oldest of a column batch, in Arrow's C: a date or timestamp column's least
        value; a text column's least text of those that open as an ISO date (ISO texts sort
        as their times do). A full scan of ten million rows is not ten million parses."""
        typ = column.type
        if self._rank(field, str(typ)) is None:
            return
        if pa.types.is_timestamp(typ) or pa.types.is_date(typ):
            self._keep(field, pc.min(column).as_py())
        elif pa.types.is_string(typ) or pa.types.is_large_string(typ):
            dated = pc.filter(column, pc.match_substring_regex(column, _ISO_DATE))
            self._keep(field, pc.min(dated).as_py() if len(dated) else None)
        else:  # another type (a number of seconds, a dictionary): value by value
            for value in column.to_pylist():
                self._keep(field, value)

    def _keep(self, field: str, value: Any) -> None:
        text = ages.iso(value) if value is not None else None
        if text is not None and (field not in self._oldest or text < self._oldest[field]):
            self._oldest[field] = text

    def oldest(self) -> tuple[str, str] | None:
        """``(oldest time, field)`` of the likeliest fields that gave one: the oldest."""
        if not self._oldest:
            return None
        best = min(self._ranks[f] for f in self._oldest)
        return min((t, f) for f, t in self._oldest.items() if self._ranks[f] == best)


def _until_fault(items: Iterator[Any], fault: list[Exception]) -> Iterator[Any]:
    """``items`` up to the first error raised reading them, which goes into ``fault``."""
    try:
        yield from items
    except (OSError, ValueError, EOFError, KeyError, zipfile.BadZipFile) as e:
        fault.append(e)


class _Block(list):
    """Records in a list, as :func:`_sample_blocks` takes blocks (``num_records``)."""

    @property
    def num_records(self) -> int:
        return len(self)


def _sample_blocks(blocks: Iterable[Any], k: int, rng: random.Random
                   ) -> tuple[list[tuple[int, Any]], int]:
    """A uniform sample of ``k`` records of Avro ``blocks`` (each knows its ``num_records``
    and decodes them when iterated), as ``(1-based row, record)`` in row order, and the
    records seen: only the blocks holding kept records are decoded (:class:`_Picks`)."""
    kept: list[tuple[int, Any]] = []
    picks = _Picks(k, rng)
    for block in blocks:
        seen = picks.seen
        local, slots = picks.block(block.num_records)
        if not local:
            continue
        records = list(block)
        for i, slot in zip(local, slots, strict=True):
            item = (seen + i + 1, records[i])
            if slot is None:
                kept.append(item)
            else:
                kept[slot] = item
    kept.sort(key=lambda item: item[0])
    return kept, picks.seen


def _gap(w: float, rng: random.Random) -> int:
    if w >= 1.0:
        return 1 << 62  # no further row will be kept
    return math.floor(math.log(1.0 - rng.random()) / math.log1p(-w))


# -- CSV -----------------------------------------------------------------------------------


def _csv_options(path: str) -> dict[str, str]:
    """Encoding and delimiter guessed from the first 64 KiB."""
    lower = path.lower()
    opener = gzip.open if lower.endswith(".gz") else bz2.open if lower.endswith(".bz2") else open
    if opener is open and _streamed(path):  # already a file object: read it as it is
        opener = _as_is
    with _opened(path) as where, opener(where, "rb") as f:
        head = f.read(_HEAD)
    codec, _ = detect_encoding(head, at_eof=len(head) < _HEAD)
    if codec == "binary":
        raise OSError("binary data, not a CSV file")
    text = head.decode(codec, "replace")
    header = text.lstrip("\ufeff").split("\n", 1)[0]
    if ".tsv" in lower:
        delimiter = "\t"
    else:
        counts = [header.count(d) for d in _DELIMITERS]
        delimiter = _DELIMITERS[counts.index(max(counts))] if max(counts) else ","
    encoding = "utf8" if codec in ("utf-8", "utf-8-sig") else codec
    return {"encoding": encoding, "delimiter": delimiter}


#: Arrow's streaming CSV reader reads dozens of blocks ahead of its consumer: small blocks keep
#: that near 10 MiB. A row longer than a block is an error, so such a file is read again with
#: bigger blocks.
_CSV_BLOCKS = (256 << 10, 8 << 20, 128 << 20)


def _csv_reader(
    path: str, options: dict[str, str], block_size: int, columns=None, bad=None
) -> pacsv.CSVStreamingReader:
    """A streaming CSV reader, every column as text; counts malformed rows in ``bad``."""

    def invalid(row) -> str:
        if bad is not None:
            bad[0] += 1
        return "skip"

    parse = pacsv.ParseOptions(
        delimiter=options["delimiter"], newlines_in_values=True, invalid_row_handler=invalid
    )
    if columns is None:
        convert = pacsv.ConvertOptions()
    else:
        convert = pacsv.ConvertOptions(
            include_columns=columns,
            column_types={c: pa.string() for c in columns},
            strings_can_be_null=False,
            quoted_strings_can_be_null=False,
        )
    read = pacsv.ReadOptions(encoding=options["encoding"], block_size=block_size)
    where: Any = path
    if _streamed(path):  # Arrow reads the object as a stream, decompressing by its ending
        lower = path.lower()
        where = (archives.open_member(path, seekable=True)
                 if archives.member_of(path) is not None else open_remote(path, path))
        if lower.endswith((".gz", ".bz2")):
            where = pa.CompressedInputStream(where, "gzip" if lower.endswith(".gz") else "bz2")
    return pacsv.open_csv(where, read_options=read, parse_options=parse, convert_options=convert)


def _as_is(f: Any, mode: str) -> Any:
    return nullcontext(f)


@contextmanager
def _opened(path: str) -> Iterator[Any]:
    """``path`` itself for a local file; for an object on shared storage or a member of a
    ZIP or tar archive (``sources.archives``), the object or member opened."""
    if not _streamed(path):
        yield path
        return
    with (archives.open_member(path, seekable=True) if archives.member_of(path) is not None
          else open_remote(path, path)) as f:
        yield f


def _streamed(path: str) -> bool:
    """Whether ``path`` names no file on disk but a stream: an object on a store, a member
    of a ZIP archive."""
    return is_remote(path) or archives.member_of(path) is not None


def _straddles(e: pa.ArrowInvalid) -> bool:
    return "straddl" in str(e) or "block size" in str(e)


def _csv_schema(path: str, options: dict[str, str]) -> pa.Schema:
    for size in _CSV_BLOCKS:
        try:
            reader = _csv_reader(path, options, size)
        except pa.ArrowInvalid as e:
            if size == _CSV_BLOCKS[-1] or not _straddles(e):
                raise
            continue
        with reader:
            return reader.schema
    raise AssertionError("unreachable")


def _csv_batches(
    path: str, options: dict[str, str], columns: list[str], bad: list[int]
) -> Iterator[pa.RecordBatch]:
    """Record batches of a CSV file, read again with bigger blocks if a row needs them."""
    done = 0  # rows already yielded: skipped when the file is read again
    for size in _CSV_BLOCKS:
        bad[0] = 0
        seen = 0
        try:
            with _csv_reader(path, options, size, columns, bad) as reader:
                for batch in reader:
                    start = seen
                    seen += batch.num_rows
                    if seen <= done:
                        continue
                    if start < done:
                        batch = batch.slice(done - start)
                    done = seen
                    yield batch
            return
        except pa.ArrowInvalid as e:
            if size == _CSV_BLOCKS[-1] or not _straddles(e):
                raise
