"""SQL databases as a source: PostgreSQL, MySQL/MariaDB, SQLite, and any SQLAlchemy dialect.

Tables and views are listed from the catalog, sampled with the database's own randomness
(see :mod:`derbes.scanner.sources.sampling`) and handed to the engine column by column.
Every connection is read-only where the database allows it (a read-only session or a
read-only file), and the source issues nothing but catalog reads, SELECTs and session
settings. Identifiers are always quoted. Credentials never reach a message: errors are
re-raised as :class:`SourceError` with the driver's message, scrubbed of the password.

Example::

    src = SqlSource("postgresql://scanner:secret@db/app", sample_rows=1000, seed=7)
    for container in src.containers():
        for batch in src.read(container):
            ...
    src.close()
"""

from __future__ import annotations

import threading
import time
import warnings
from collections.abc import Generator, Iterable, Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import sqlalchemy as sa
from sqlalchemy import exc as sa_exc
from sqlalchemy.engine import Connection
from sqlalchemy.engine.reflection import ObjectKind
from sqlalchemy.sql.elements import ColumnElement, quoted_name

from derbes.scanner.errors import ConfigError, SourceError
from derbes.scanner.sources import binary, sampling
from derbes.scanner.sources.base import Batch, Column, Container, ContainerDone, ValueBatch
from derbes.scanner.sources.sql import table_age
from derbes.scanner.sources.sql.catalog import (
    PG_SYSTEM_ROWS,
    ColumnPlan,
    TableSpec,
    plan_column,
    primary_keys,
    relations,
    selected,
)
from derbes.scanner.sources.sql.sessions import Deadline, create_engine
from derbes.scanner.sources.sql.throttle import Throttle
from derbes.scanner.sources.sql.urls import (
    display_name,
    driver_url,
    family,
    parse_url,
    scrub,
    secrets_of,
)
from derbes.scanner.sources.sql.values import Stats, skip_notes, texts, value_notes
from derbes.scanner.urls import url_host

#: Rows per batch handed to the engine (and per fetch when a whole table is streamed).
BATCH_ROWS = 1000
#: MySQL tables are reflected in as many threads as the source has connections, each
#: thread given this many tables at least (:meth:`SqlSource._columns_and_keys`).
MIN_TABLES_A_THREAD = 8


class SqlSource:
    """A SQL database: its tables and views, sampled, read-only.

    ``url`` is a SQLAlchemy URL; ``postgresql://`` uses psycopg 3, ``mysql://`` and
    ``mariadb://`` use PyMySQL, ``sqlite:///path`` opens the file read-only. ``include`` and
    ``exclude`` are glob patterns (case-insensitive) on ``schema.table``; a pattern without a
    dot also matches the bare table name. ``include_columns``/``exclude_columns`` likewise on
    ``schema.table.column``, ``table.column`` or ``column``. ``sample_rows`` rows are sampled
    per table (0: every row); a ``seed`` makes samples repeatable where the database allows.
    ``read()`` may be called from several threads at once (at most ``connections`` hold a
    connection at a time); ``max_rows_per_second`` throttles fetching across all of them.
    """

    kind = "database"
    #: Listing reports nothing of its own: a table that cannot be listed fails the source.
    errors: tuple[str, ...] = ()
    warnings: tuple[str, ...] = ()
    skipped: tuple[tuple[str, str], ...] = ()

    def __init__(
        self,
        url: str,
        *,
        name: str | None = None,
        include: Sequence[str] = (),
        exclude: Sequence[str] = (),
        include_columns: Sequence[str] = (),
        exclude_columns: Sequence[str] = (),
        sample_rows: int = 1000,
        seed: int | None = None,
        statement_timeout_s: float = 30,
        connections: int = 4,
        max_rows_per_second: float | None = None,
    ) -> None:
        if sample_rows < 0:
            raise ConfigError("sample_rows must be 0 (whole tables) or more")
        if connections < 1:
            raise ConfigError("connections must be at least 1")
        parsed = parse_url(url)
        # What reopens this source in another process (a Dask worker): its own arguments.
        self._arguments = (url, {
            "name": name, "include": tuple(include), "exclude": tuple(exclude),
            "include_columns": tuple(include_columns), "exclude_columns": tuple(exclude_columns),
            "sample_rows": sample_rows, "seed": seed, "statement_timeout_s": statement_timeout_s,
            "connections": connections, "max_rows_per_second": max_rows_per_second,
        })
        self.name = name or display_name(url)
        self._connections = connections
        #: Seconds a query takes to come back with nothing to do, the shortest of a few
        #: timed at listing (None before, or where it failed): how far the database is.
        self.round_trip: float | None = None
        self._secrets = secrets_of(parsed)
        self._url = driver_url(parsed)
        self._family = family(self._url)
        self._host = None if self._family == "sqlite" else url_host(url)
        self._include = tuple(p.lower() for p in include)
        self._exclude = tuple(p.lower() for p in exclude)
        self._include_columns = tuple(p.lower() for p in include_columns)
        self._exclude_columns = tuple(p.lower() for p in exclude_columns)
        self._sample_rows = sample_rows
        self._seed = seed
        self._timeout = max(0.0, float(statement_timeout_s))
        self._throttle = Throttle(max_rows_per_second)
        self._chunk_rows = BATCH_ROWS
        if max_rows_per_second and max_rows_per_second > 0:
            # Smaller fetches, so that throttling paces the database rather than bursts.
            self._chunk_rows = max(1, min(BATCH_ROWS, int(max_rows_per_second)))
        self._lock = threading.Lock()
        self._specs: dict[str, TableSpec] = {}
        self._system_rows: bool | None = None
        #: By schema, each table's columns leading an index (:meth:`_leading`).
        self._indexes: dict[str | None, dict[str, set[str]]] = {}
        self._engine = create_engine(
            self._url, self._family, self._timeout, connections, self.name, self._scrub
        )

    # -- public surface -------------------------------------------------------------------

    @property
    def connections(self) -> int:
        """The most connections this source holds at a time (``--jobs`` reads its tables in
        no more processes than this, one connection each)."""
        return self._connections

    @property
    def host(self) -> str | None:
        """The server's host name from the URL; ``None`` for SQLite."""
        return self._host

    @property
    def dialect(self) -> str:
        """``postgresql``, ``mysql``, ``mariadb`` (known once connected), ``sqlite``, or the
        SQLAlchemy dialect name."""
        dialect = self._engine.dialect
        if dialect.name == "mysql" and getattr(dialect, "is_mariadb", False):
            return "mariadb"
        return dialect.name

    def containers(self) -> Iterator[Container]:
        """Tables and views of every non-system schema (or the URL's database), filtered."""
        try:
            conn = self._engine.connect()
        except (sa_exc.SQLAlchemyError, TypeError) as e:
            # TypeError: the driver refuses an argument of the URL's query (?sslmode= to MySQL).
            raise SourceError(self.name, f"cannot connect: {self._reason(e)}") from e
        try:
            with conn, warnings.catch_warnings():
                # Types SQLAlchemy does not know (PostGIS, extensions) are read as text.
                warnings.simplefilter("ignore", sa_exc.SAWarning)
                found = list(self._reflect(conn))
                self.round_trip = _round_trip(conn)
        except sa_exc.SQLAlchemyError as e:
            raise SourceError(self.name, f"cannot list tables: {self._reason(e)}") from e
        yield from found

    def read(self, container: Container) -> Iterator[Batch]:
        """The sampled rows of ``container``, one :class:`ValueBatch` per field and per
        ``BATCH_ROWS`` rows, then a :class:`ContainerDone`."""
        spec = self._spec_of(container)
        if spec.hidden:
            raise SourceError(
                self.name, "no privilege to read its columns (SELECT or SHOW VIEW)",
                container.name,
            )
        plans = [p for p in spec.plans if p.mode != "skip"]
        skipped = [p.name for p in spec.plans if p.mode == "skip" and p.reason != "boolean"]
        notes = skip_notes(spec.plans)
        if not plans:
            yield ContainerDone(
                skipped_fields=tuple(skipped), notes=(*notes, "no readable columns")
            )
            return
        stats = Stats()
        rows = 0
        try:
            with self._engine.connect() as conn, self._deadline(conn) as tick:
                sample, plans, failed = self._sample(conn, spec, plans)
                notes.extend(sample.notes)
                for name, reason in failed:
                    skipped.append(name)
                    notes.append(f"column {name} not read: {reason}")
                chunks = self._paced(sample.chunks, tick)
                if sample.held:
                    # Read at once (a sample, or a table small enough to be read whole):
                    # held, and the connection given back before the engine spends time on
                    # the values.
                    held = list(chunks)
                    age, estimated = self._age(conn, spec, plans, held, not sample.sampled)
                    chunks = iter(held)
                else:
                    rows = yield from self._emit(plans, chunks, stats)
                    # Every row was read: the table's own MIN() costs no more than that did.
                    age, estimated = self._age(conn, spec, plans, None, True)
            if sample.held:
                rows = yield from self._emit(plans, chunks, stats)
        except sa_exc.SQLAlchemyError as e:
            raise SourceError(self.name, self._reason(e), container.name) from e
        notes.extend(value_notes(stats))
        yield ContainerDone(
            rows_scanned=rows,
            sampled=sample.sampled,
            skipped_fields=tuple(skipped),
            notes=tuple(notes),
            rows_estimated=estimated,
            oldest=age.oldest if age else None,
            age_column=age.column if age else None,
            age_method=age.method if age else None,
        )

    def _age(
        self, conn: Connection, spec: TableSpec, plans: list[ColumnPlan],
        held: list[list] | None, whole: bool,
    ) -> tuple[table_age.Age | None, int | None]:
        """The oldest row's time from a timestamp column, and (for a sample) the table's
        estimated size; see :mod:`derbes.scanner.sources.sql.table_age`. ``held``: the rows
        read, in chunks, when they are in memory; ``whole``: they are every row of the table
        (the oldest is then the least of them: no query)."""
        table = self._table(spec)
        estimated = None
        if not whole and not spec.view:
            estimated = table_age.estimated_rows(
                conn, self._family, spec.table, table, spec.keys == ("rowid",),
                spec.estimated_rows)
        names = table_age.candidates([(p.name, p.type) for p in plans])
        if not names:
            return None, estimated
        position = {p.name: i for i, p in enumerate(plans)}
        read = {n: [row[position[n]] for chunk in held for row in chunk]
                for n in names} if held else {}
        indexed = set() if spec.view or (whole and held) else self._leading(conn, spec)
        age = table_age.oldest(conn, table, names, indexed, whole, read)
        return age, estimated

    def _leading(self, conn: Connection, spec: TableSpec) -> set[str]:
        """The columns leading an index or the primary key of ``spec``'s table, reflected
        for every table of its schema that has a timestamp column the first time one of
        them is asked: in PostgreSQL and MySQL a query or two for the schema, not several a
        table (a table's own reflection took 6 ms on a local PostgreSQL); SQLite, where
        SQLAlchemy reads each table apart (in process, cheaply), all at once too."""
        with self._lock:
            known = self._indexes.get(spec.schema)
        if known is None:
            with self._lock:
                tables = [
                    s.table for s in self._specs.values()
                    if s.schema == spec.schema and not s.view
                    and table_age.candidates([(p.name, p.type) for p in s.plans])
                ]
            if spec.table not in tables:
                tables.append(spec.table)
            known = table_age.leading_columns(conn, self._family,
                                              self._catalog_schema(spec.schema), tables)
            with self._lock:
                self._indexes[spec.schema] = known
        found = known.get(spec.table)
        if found is None:  # listed after the schema was reflected
            found = table_age.leading_columns(
                conn, self._family, self._catalog_schema(spec.schema), [spec.table])[spec.table]
        return found

    def _catalog_schema(self, schema: str | None) -> str | None:
        """``schema`` as the inspector wants it: none for SQLite and other dialects (their
        default schema)."""
        return None if self._family in ("sqlite", "generic") else schema

    def close(self) -> None:
        """Close every pooled connection."""
        self._engine.dispose()

    def __enter__(self) -> SqlSource:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def __repr__(self) -> str:
        return f"SqlSource({self.name!r})"

    @property
    def read_ahead(self) -> int:
        """Tables a process may read ahead of the one it scans, one a connection: none when
        tables are read whole (``sample_rows`` 0), which would hold a whole table in
        memory."""
        return self._connections if self._sample_rows > 0 else 0

    def share(self, processes: int) -> SqlSource:
        """This source as one of ``processes`` that read its tables at once (``--jobs``):
        opened anew with its share of the connections (one at least) and of
        ``max_rows_per_second``, so that together they hold at most the source's
        connections and keep to the cap. Made in the process that reads with it: a forked
        worker must not use the connections it inherited (they are its parent's)."""
        url, options = self._arguments
        rate = options["max_rows_per_second"]
        # (Shared again in a forked worker: shares are always of the original's arguments.)
        connections = max(1, options["connections"] // processes)
        shared = _reopen(url, {**options, "connections": connections,
                               "max_rows_per_second": rate / processes if rate else rate})
        shared._specs = dict(self._specs)
        shared._system_rows = self._system_rows
        shared.round_trip = self.round_trip
        # Pickled (a spawned worker), it is the source it was shared from: shared there.
        shared._arguments = self._arguments
        return shared

    def __reduce__(self) -> tuple:
        """Pickled as the arguments that open it: a Dask worker opens its own connections
        (its own pool of ``connections``, its own ``max_rows_per_second``)."""
        return (_reopen, self._arguments)

    # -- engine and sessions --------------------------------------------------------------

    def _deadline(self, conn: Connection) -> Deadline:
        return Deadline(conn, self._family, self._timeout)

    # -- listing --------------------------------------------------------------------------

    def _reflect(self, conn: Connection) -> Iterator[Container]:
        inspector = sa.inspect(conn)
        for schema, tables in relations(conn, inspector, self._family, self._url.database):
            tables = [r for r in tables if self._wanted(schema, r[0])]
            if not tables:
                continue
            columns, keys = self._columns_and_keys(conn, inspector, schema, tables)
            for table, view, estimated in tables:
                plans = tuple(
                    plan_column(c, self._family, self._engine.dialect)
                    for c in columns.get(table, [])
                    if self._column_wanted(schema, table, c["name"])
                )
                # Every MySQL table has a column: none listed means no privilege to see them.
                hidden = self._family == "mysql" and not columns.get(table)
                spec = TableSpec(schema, table, view, keys.get(table, ()), plans, hidden,
                                 estimated)
                name = f"{schema}.{table}" if schema else table
                with self._lock:
                    self._specs[name] = spec
                yield Container(
                    name=name,
                    kind="view" if view else "table",
                    columns=tuple(
                        Column(p.name, p.type, p.mode != "skip", p.reason) for p in plans
                    ),
                    meta={"schema": schema, "table": table, "sql": spec},
                )

    def _columns_and_keys(
        self, conn: Connection, inspector: sa.Inspector, schema: str | None,
        tables: list[tuple[str, bool, float | None]],
    ) -> tuple[dict[str, list[dict[str, Any]]], dict[str, tuple[str, ...]]]:
        """The reflected columns of ``tables`` and the keys usable for range sampling.

        SQLAlchemy reflects MySQL's tables one ``SHOW CREATE TABLE`` at a time, a round trip
        each: they are shared among the source's connections, in threads, so that a far
        server's round trips overlap (PostgreSQL's reflection of many tables is one query).
        """
        reflect_schema = self._catalog_schema(schema)

        def reflect(conn: Connection, inspector: sa.Inspector, part: list) -> tuple:
            names = [t for t, _, _ in part]
            columns = {
                key[1]: cols
                for key, cols in inspector.get_multi_columns(
                    schema=reflect_schema, kind=ObjectKind.ANY, filter_names=names
                ).items()
            }
            base = [t for t, view, _ in part if not view]
            return columns, primary_keys(conn, inspector, self._family, reflect_schema, base,
                                         columns)

        def elsewhere(part: list) -> tuple:
            with self._engine.connect() as other:
                return reflect(other, sa.inspect(other), part)

        threads = (min(self._connections, len(tables) // MIN_TABLES_A_THREAD)
                   if self._family == "mysql" else 1)
        if threads <= 1:
            return reflect(conn, inspector, tables)
        # Every part the same size, interleaved: the names are sorted, and a part of the
        # schema may hold its widest tables.
        parts = [tables[i::threads] for i in range(threads)]
        with ThreadPoolExecutor(threads - 1, thread_name_prefix="derbes-catalog") as pool:
            others = [pool.submit(elsewhere, part) for part in parts[1:]]
            columns, keys = reflect(conn, inspector, parts[0])
            for future in others:
                more_columns, more_keys = future.result()
                columns.update(more_columns)
                keys.update(more_keys)
        return columns, keys

    def _wanted(self, schema: str | None, table: str) -> bool:
        names = [table.lower()] + ([f"{schema}.{table}".lower()] if schema else [])
        return selected(names, self._include, self._exclude)

    def _column_wanted(self, schema: str | None, table: str, column: str) -> bool:
        if not (self._include_columns or self._exclude_columns):
            return True
        names = [column.lower(), f"{table}.{column}".lower()]
        if schema:
            names.append(f"{schema}.{table}.{column}".lower())
        return selected(names, self._include_columns, self._exclude_columns)

    def _spec_of(self, container: Container) -> TableSpec:
        spec = container.meta.get("sql") if container.meta else None
        if isinstance(spec, TableSpec):
            return spec
        with self._lock:
            spec = self._specs.get(container.name)
        if spec is None:
            for found in self.containers():
                if found.name == container.name:
                    return found.meta["sql"]
            raise SourceError(self.name, "no such table or view", container.name)
        return spec

    # -- reading --------------------------------------------------------------------------

    def _table(self, spec: TableSpec) -> sa.TableClause:
        schema = spec.schema
        if self._family == "generic":
            schema = None  # the default schema, unqualified: the most portable form
        return sa.table(
            quoted_name(spec.table, True),
            schema=quoted_name(schema, True) if schema else None,
        )

    def _expr(self, plan: ColumnPlan) -> ColumnElement:
        column = sa.column(quoted_name(plan.name, True))
        # PostgreSQL JSON comes as text too: psycopg's own loader raises RecursionError on a
        # deeply nested document (PostgreSQL accepts thousands of levels), which no
        # SQLAlchemy error wraps; texts parses it with a guard.
        as_text = plan.mode == "text" or (plan.mode == "json" and self._family == "postgresql")
        if as_text:
            return sa.cast(column, sa.Text)
        if plan.mode == "binary" and self._family in ("postgresql", "mysql", "sqlite"):
            return _binary_opening(column, self._family)
        return column

    def _sample(
        self, conn: Connection, spec: TableSpec, plans: list[ColumnPlan]
    ) -> tuple[sampling.Sample, list[ColumnPlan], list[tuple[str, str]]]:
        """Sample the table; if that fails, find the columns at fault and sample without them.

        A column can fail on its own (column-level privileges, a type the driver cannot
        read): the rest of the table is still worth reading.
        """
        try:
            return self._take(conn, spec, plans), plans, []
        except sa_exc.DBAPIError as e:
            if len(plans) < 2:
                raise
            conn.rollback()
            table = self._table(spec)
            failed: list[tuple[str, str]] = []
            for plan in plans:
                try:
                    conn.execute(sa.select(self._expr(plan)).select_from(table).limit(0)).all()
                except sa_exc.DBAPIError as column_error:
                    conn.rollback()
                    failed.append((plan.name, self._reason(column_error)))
            if not failed or len(failed) == len(plans):
                raise e
            bad = {name for name, _ in failed}
            good = [p for p in plans if p.name not in bad]
            return self._take(conn, spec, good), good, failed

    def _take(
        self, conn: Connection, spec: TableSpec, plans: list[ColumnPlan]
    ) -> sampling.Sample:
        target = sampling.Target(
            table=self._table(spec),
            view=spec.view,
            keys=spec.keys,
            schema=spec.schema or "",
            name=spec.table,
            estimated_rows=spec.estimated_rows,
        )
        return sampling.take(
            conn,
            self._family,
            target,
            [self._expr(p) for p in plans],
            self._sample_rows,
            self._seed,
            chunk_rows=self._chunk_rows,
            system_rows=self._family == "postgresql" and self._has_system_rows(conn),
        )

    def _has_system_rows(self, conn: Connection) -> bool:
        if self._system_rows is None:
            found = conn.execute(PG_SYSTEM_ROWS).first() is not None
            with self._lock:
                self._system_rows = found
        return bool(self._system_rows)

    def _paced(self, chunks: Iterable[list], tick: Deadline) -> Iterator[list]:
        for chunk in chunks:
            tick()
            self._throttle.take(len(chunk))
            yield chunk

    def _emit(
        self, plans: list[ColumnPlan], chunks: Iterable[list], stats: Stats
    ) -> Generator[ValueBatch, None, int]:
        """One ValueBatch per field and chunk; returns the number of rows."""
        ordinal = 0
        # Most values are plain strings and integers: those go straight in, as texts() would
        # give them, without a generator per value.
        plain = [p.mode != "json" for p in plans]
        for chunk in chunks:
            fields: dict[str, tuple[list[int], list[str]]] = {}
            for row in chunk:
                ordinal += 1
                for plan, is_plain, value in zip(plans, plain, row, strict=False):
                    if value is None:
                        continue
                    if is_plain:
                        kind = type(value)
                        text = None
                        if kind is str:
                            head = value.lstrip()[:1]
                            if head and head != "{" and head != "[":
                                text = value
                        elif kind is int:
                            text = str(value)
                        if text is not None:
                            entry = fields.get(plan.name)
                            if entry is None:
                                entry = fields[plan.name] = ([], [])
                            entry[0].append(ordinal)
                            entry[1].append(text)
                            continue
                    for name, text in texts(plan, value, stats):
                        entry = fields.get(name)
                        if entry is None:
                            entry = fields[name] = ([], [])
                        entry[0].append(ordinal)
                        entry[1].append(text)
            for name, (rows, values) in fields.items():
                yield ValueBatch(name, rows, values)
        return ordinal

    # -- errors ---------------------------------------------------------------------------

    def _scrub(self, text: str) -> str:
        return scrub(text, self._secrets)

    def _reason(self, error: BaseException) -> str:
        """The driver's message, first line, without the password or any URL credentials."""
        orig = getattr(error, "orig", None) or error
        args = getattr(orig, "args", ())
        if len(args) >= 2 and isinstance(args[0], int) and isinstance(args[1], str):
            text = f"{args[1]} (error {args[0]})"  # PyMySQL: (code, message)
        else:
            text = str(orig)
        lines = [line.strip() for line in text.strip().splitlines() if line.strip()]
        text = lines[0] if lines else type(orig).__name__
        if self._family == "sqlite" and text == "interrupted":
            text = f"statement timed out after {self._timeout:g} s"
        text = self._scrub(text)
        return text if len(text) <= 300 else text[:297] + "..."


def _binary_opening(column: ColumnElement, family: str) -> ColumnElement:
    """What of a binary column's values crosses the network: an image's, a PDF's or
    compressed data's first ``MEDIA_HEAD`` bytes, which tell it is one (``binary.MEDIA``);
    of any other value its first ``PREFIX`` bytes and one more, which tells it was cut
    (``binary.read_binary``). ``substr`` counts bytes of a binary value in PostgreSQL,
    MySQL/MariaDB and SQLite alike; SQLite's text in a BLOB column is no blob, so never
    media. The magic bytes are literals of the dialect (constants of derbes' own), not bound
    parameters: a sample of 100 key ranges repeats the column in 100 ``UNION ALL`` branches,
    and SQLite builds before 3.32 take 999 parameters at most."""

    def blob(magic: bytes) -> ColumnElement:
        if family == "postgresql":
            return sa.literal_column(f"decode('{magic.hex()}', 'hex')")
        return sa.literal_column(f"x'{magic.hex()}'")

    media = sa.or_(*(
        sa.and_(*(sa.func.substr(column, at + 1, len(magic)) == blob(magic)
                  for at, magic in kind))
        for kind in binary.MEDIA))
    return sa.case(
        (media, sa.func.substr(column, 1, binary.MEDIA_HEAD)),
        else_=sa.func.substr(column, 1, binary.PREFIX + 1),
    )


def _round_trip(conn: Connection, tries: int = 3) -> float | None:
    """The shortest of ``tries`` round trips of ``SELECT 1`` (in the dialect's own form) on
    ``conn``, in seconds; None if the database refuses it."""
    query = sa.select(sa.literal(1))
    best = None
    try:
        for _ in range(tries):
            started = time.perf_counter()
            conn.execute(query).scalar()
            took = time.perf_counter() - started
            best = took if best is None else min(best, took)
    except sa_exc.SQLAlchemyError:
        return None
    return best


def _reopen(url: str, options: dict) -> SqlSource:
    return SqlSource(url, **options)
