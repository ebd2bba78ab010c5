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

import fnmatch
import json
import math
import os
import re
import sqlite3
import threading
import time
import warnings
from collections import Counter
from collections.abc import Generator, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any
from urllib.parse import quote, quote_plus, urlencode

import sqlalchemy as sa
from sqlalchemy import event
from sqlalchemy import exc as sa_exc
from sqlalchemy.dialects import postgresql as pg_types
from sqlalchemy.engine import URL, Connection, make_url
from sqlalchemy.engine.reflection import ObjectKind
from sqlalchemy.pool import QueuePool
from sqlalchemy.sql import sqltypes
from sqlalchemy.sql.elements import ColumnElement, quoted_name

from derbes.scanner.errors import ConfigError, SourceError
from derbes.scanner.jsonpaths import MAX_DEPTH, flatten
from derbes.scanner.sources import sampling, table_age
from derbes.scanner.sources.base import Batch, Column, Container, ContainerDone, ValueBatch

#: Rows per batch handed to the engine (and per fetch when a whole table is streamed).
BATCH_ROWS = 1000
CONNECT_TIMEOUT_S = 10

_MYSQL_SYSTEM = frozenset({"mysql", "sys", "performance_schema", "information_schema"})
#: Query-string keys whose values are secrets, masked like the password.
_SECRET_KEYS = frozenset({"password", "passwd", "pwd", "sslpassword", "secret", "token"})
_URL_PASSWORD = re.compile(r"(://[^/\s:@]*:)[^@\s/]+@")


def display_name(url: str) -> str:
    """The URL with its password (and secret query values) masked: ``pg://u:***@h/db``."""
    u = _parse_url(url)
    secret = {k: "***" for k in u.query if k.lower() in _SECRET_KEYS}
    if secret:
        u = u.update_query_dict(secret)
    return u.render_as_string(hide_password=True)


@dataclass(frozen=True, slots=True)
class _ColumnPlan:
    """How one column is read: ``value`` (as the driver returns it), ``json`` (walked by key
    path), ``text`` (cast to text in SQL) or ``skip`` (with the reason)."""

    name: str
    type: str
    mode: str
    reason: str | None = None


@dataclass(frozen=True, slots=True)
class _TableSpec:
    schema: str | None
    table: str
    view: bool
    keys: tuple[str, ...]
    plans: tuple[_ColumnPlan, ...]
    #: MySQL lists a relation the account may not read with no columns at all.
    hidden: bool = False


@dataclass(slots=True)
class _Stats:
    binary: Counter = field(default_factory=Counter)
    non_integral: Counter = field(default_factory=Counter)


class _Throttle:
    """A token bucket of ``rate`` rows per second holding at most one second of rows, shared
    by every thread that reads from the source (kept as the time the bucket refills)."""

    BURST_S = 1.0

    def __init__(self, rate: float | None) -> None:
        self._rate = rate if rate and rate > 0 else None
        self._lock = threading.Lock()
        self._refilled = 0.0

    def take(self, rows: int) -> None:
        """Wait until ``rows`` more rows may be fetched."""
        if self._rate is None or rows <= 0:
            return
        with self._lock:
            now = time.monotonic()
            self._refilled = max(self._refilled, now) + rows / self._rate
            wait = self._refilled - self.BURST_S - now
        if wait > 0:
            time.sleep(wait)


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
        parsed = _parse_url(url)
        self.name = name or display_name(url)
        self._secrets = _secrets_of(parsed)
        self._url = _driver_url(parsed)
        self._family = _family(self._url)
        self._include = tuple(p.lower() for p in include)
        self._exclude = tuple(p.lower() for p in exclude)
        self._include_columns = tuple(p.lower() for p in include_columns)
        self._exclude_columns = tuple(p.lower() for p in exclude_columns)
        self._sample_rows = sample_rows
        self._seed = seed
        self._timeout = max(0.0, float(statement_timeout_s))
        self._throttle = _Throttle(max_rows_per_second)
        self._chunk_rows = BATCH_ROWS
        if max_rows_per_second and max_rows_per_second > 0:
            # Smaller fetches, so that throttling paces the database rather than bursts.
            self._chunk_rows = max(1, min(BATCH_ROWS, int(max_rows_per_second)))
        self._lock = threading.Lock()
        self._specs: dict[str, _TableSpec] = {}
        self._system_rows: bool | None = None
        self._engine = self._create_engine(connections)

    # -- public surface -------------------------------------------------------------------

    @property
    def host(self) -> str | None:
        """The server's host name from the URL; ``None`` for SQLite."""
        return None if self._family == "sqlite" else self._url.host

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
        notes = _skip_notes(spec.plans)
        if not plans:
            yield ContainerDone(
                skipped_fields=tuple(skipped), notes=(*notes, "no readable columns")
            )
            return
        stats = _Stats()
        rows = 0
        try:
            with self._engine.connect() as conn, self._deadline(conn) as tick:
                sample, plans, failed = self._sample(conn, spec, plans)
                notes.extend(sample.notes)
                for name, reason in failed:
                    skipped.append(name)
                    notes.append(f"column {name} not read: {reason}")
                chunks = self._paced(sample.chunks, tick)
                if sample.sampled:
                    # A sample is small: hold it and give the connection back before the
                    # engine spends time on the values.
                    held = list(chunks)
                    age, estimated = self._age(conn, spec, plans, held)
                    chunks = iter(held)
                else:
                    rows = yield from self._emit(plans, chunks, stats)
                    # Every row was read: the table's own MIN() costs no more than that did.
                    age, estimated = self._age(conn, spec, plans, None)
            if sample.sampled:
                rows = yield from self._emit(plans, chunks, stats)
        except sa_exc.SQLAlchemyError as e:
            raise SourceError(self.name, self._reason(e), container.name) from e
        notes.extend(_value_notes(stats))
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
        self, conn: Connection, spec: _TableSpec, plans: list[_ColumnPlan],
        held: list[list] | None,
    ) -> tuple[table_age.Age | None, int | None]:
        """The oldest row's time from a timestamp column, and (for a sample, ``held``: its
        chunks of rows) the table's estimated size; see
        :mod:`derbes.scanner.sources.table_age`."""
        table = self._table(spec)
        estimated = None
        if held is not None and not spec.view:
            estimated = table_age.estimated_rows(
                conn, self._family, spec.schema, spec.table, table, spec.keys == ("rowid",))
        names = table_age.candidates([(p.name, p.type) for p in plans])
        if not names:
            return None, estimated
        reflect_schema = None if self._family in ("sqlite", "generic") else spec.schema
        indexed = set() if spec.view else table_age.indexed_first(conn, reflect_schema,
                                                                   spec.table)
        position = {p.name: i for i, p in enumerate(plans)}
        sampled = {n: [row[position[n]] for chunk in held for row in chunk]
                   for n in names} if held else {}
        age = table_age.oldest(conn, table, names, indexed, held is None, sampled)
        return age, estimated

    def close(self) -> None:
        """Close every pooled connection."""
        self._engine.dispose()

    def __enter__(self) -> SqlSource:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def __repr__(self) -> str:
        return f"SqlSource({self.name!r})"

    # -- engine and sessions --------------------------------------------------------------

    def _create_engine(self, connections: int) -> sa.Engine:
        kwargs: dict[str, Any] = {
            "poolclass": QueuePool,
            "pool_size": connections,
            "max_overflow": 0,
            # Readers hold a connection while the engine consumes a streamed table; waiting
            # for one is normal, not an error.
            "pool_timeout": 3600,
            "hide_parameters": True,
        }
        url = self._url
        if self._family == "sqlite":
            kwargs["creator"] = _sqlite_creator(url, self._timeout)
            url = URL.create("sqlite+pysqlite")
        elif self._family == "postgresql" and url.get_driver_name() == "psycopg":
            kwargs["connect_args"] = _defaults(
                url, connect_timeout=CONNECT_TIMEOUT_S, application_name="derbes"
            )
        elif self._family == "mysql" and url.get_driver_name() == "pymysql":
            kwargs["connect_args"] = _defaults(url, connect_timeout=CONNECT_TIMEOUT_S)
        try:
            engine = sa.create_engine(url, **kwargs)
        except (sa_exc.ArgumentError, ImportError) as e:
            raise ConfigError(f"{self.name}: {self._scrub(str(e))}") from e
        event.listen(engine, "connect", self._on_connect)
        return engine

    def _on_connect(self, dbapi_conn: Any, _record: Any) -> None:
        """Make every new connection read-only and bound its statements' time."""
        statements: list[str] = []
        ms = math.ceil(self._timeout * 1000)
        cursor = dbapi_conn.cursor()
        try:
            if self._family == "postgresql":
                statements = [
                    "SET SESSION CHARACTERISTICS AS TRANSACTION READ ONLY",
                    f"SET statement_timeout = {ms}",
                ]
            elif self._family == "mysql":
                cursor.execute("SELECT VERSION()")
                version = str(cursor.fetchone()[0]).lower()
                statements = ["SET SESSION TRANSACTION READ ONLY"]
                if "mariadb" in version:
                    statements.append(f"SET SESSION max_statement_time = {self._timeout:.3f}")
                else:
                    statements.append(f"SET SESSION max_execution_time = {ms}")
            elif self._family == "sqlite":
                statements = ["PRAGMA query_only = 1"]
            for statement in statements:
                cursor.execute(statement)
        finally:
            cursor.close()
        if statements and self._family != "sqlite":
            # A SET inside a transaction that is rolled back is undone (PostgreSQL).
            dbapi_conn.commit()

    def _deadline(self, conn: Connection) -> _Deadline:
        return _Deadline(conn, self._family, self._timeout)

    # -- listing --------------------------------------------------------------------------

    def _reflect(self, conn: Connection) -> Iterator[Container]:
        inspector = sa.inspect(conn)
        for schema, tables in self._relations(conn, inspector):
            tables = [(t, view) for t, view in tables if self._wanted(schema, t)]
            if not tables:
                continue
            names = [t for t, _ in tables]
            reflect_schema = None if self._family in ("sqlite", "generic") else schema
            columns = {
                key[1]: cols
                for key, cols in inspector.get_multi_columns(
                    schema=reflect_schema, kind=ObjectKind.ANY, filter_names=names
                ).items()
            }
            base = [t for t, view in tables if not view]
            keys = self._keys(conn, inspector, reflect_schema, base, columns)
            for table, view in tables:
                plans = tuple(
                    self._plan(c)
                    for c in columns.get(table, [])
                    if self._column_wanted(schema, table, c["name"])
                )
                # Every MySQL table has a column: none listed means no privilege to see them.
                hidden = self._family == "mysql" and not columns.get(table)
                spec = _TableSpec(schema, table, view, keys.get(table, ()), plans, hidden)
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

    def _relations(
        self, conn: Connection, inspector: sa.Inspector
    ) -> Iterator[tuple[str | None, list[tuple[str, bool]]]]:
        """(schema, [(table, is_view)]) for every schema to scan."""
        if self._family == "postgresql":
            by_schema: dict[str, list[tuple[str, bool]]] = {}
            for row in conn.execute(_PG_RELATIONS):
                by_schema.setdefault(row.schema, []).append((row.name, row.relkind == "v"))
            yield from by_schema.items()
            return
        if self._family == "mysql":
            schemas = (
                [self._url.database]
                if self._url.database
                else [s for s in inspector.get_schema_names() if s.lower() not in _MYSQL_SYSTEM]
            )
        elif self._family == "sqlite":
            schemas = ["main"]
        else:
            schemas = [inspector.default_schema_name]
        for schema in schemas:
            reflect_schema = schema if self._family == "mysql" else None
            tables = [(t, False) for t in inspector.get_table_names(schema=reflect_schema)]
            views = [(v, True) for v in inspector.get_view_names(schema=reflect_schema)]
            yield (
                schema,
                sorted(
                    (r for r in tables + views if not r[0].startswith("sqlite_")),
                    key=lambda r: r[0],
                ),
            )

    def _keys(
        self,
        conn: Connection,
        inspector: sa.Inspector,
        schema: str | None,
        tables: list[str],
        columns: dict[str, list[dict[str, Any]]],
    ) -> dict[str, tuple[str, ...]]:
        """Per table, the integer primary key usable for range sampling (SQLite: rowid)."""
        if self._family not in ("mysql", "sqlite") or not tables:
            return {}
        keys: dict[str, tuple[str, ...]] = {}
        if self._family == "sqlite":
            for row in conn.execute(sa.text(_SQLITE_TABLES)):
                if row.name in tables and "WITHOUT ROWID" not in (row.sql or "").upper():
                    keys[row.name] = ("rowid",)
        pks = inspector.get_multi_pk_constraint(schema=schema, filter_names=tables)
        for (_, table), pk in pks.items():
            cols = pk.get("constrained_columns") or []
            if table in keys or not cols:
                continue
            types = {c["name"]: c["type"] for c in columns.get(table, [])}
            if isinstance(types.get(cols[0]), sqltypes.Integer):
                keys[table] = tuple(cols)
        return keys

    def _plan(self, column: dict[str, Any]) -> _ColumnPlan:
        name = column["name"]
        typ = column["type"]
        type_name = _type_name(typ, self._engine.dialect)
        item = getattr(typ, "item_type", None)
        if isinstance(typ, sqltypes._Binary) or isinstance(item, sqltypes._Binary):
            return _ColumnPlan(name, type_name, "skip", "binary")
        if isinstance(typ, sqltypes.Boolean) or _mysql_bool(typ):
            return _ColumnPlan(name, type_name, "skip", "boolean")
        if isinstance(typ, sqltypes.JSON):
            return _ColumnPlan(name, type_name, "json")
        if self._family == "postgresql" and not isinstance(typ, _PG_NATIVE):
            # Extension and exotic types (geometry, hstore, money, inet, ranges) have a text
            # form in PostgreSQL; reading it avoids depending on driver adapters.
            return _ColumnPlan(name, type_name, "text")
        if self._family == "mysql" and isinstance(typ, sqltypes.NullType):
            return _ColumnPlan(name, type_name, "skip", "unsupported type")
        return _ColumnPlan(name, type_name, "value")

    def _wanted(self, schema: str | None, table: str) -> bool:
        names = [table.lower()] + ([f"{schema}.{table}".lower()] if schema else [])
        return _selected(names, self._include, self._exclude)

    def _column_wanted(self, schema: str | None, table: str, column: str) -> bool:
        if not (self._include_columns or self._exclude_columns):
            return True
        names = [column.lower(), f"{table}.{column}".lower()]
        if schema:
            names.append(f"{schema}.{table}.{column}".lower())
        return _selected(names, self._include_columns, self._exclude_columns)

    def _spec_of(self, container: Container) -> _TableSpec:
        spec = container.meta.get("sql") if container.meta else None
        if isinstance(spec, _TableSpec):
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

    def _table(self, spec: _TableSpec) -> sa.TableClause:
        schema = spec.schema
        if self._family == "generic":
            schema = None  # the default schema, unqualified: the most portable form
        return sa.table(
            quoted_name(spec.table, True),
            schema=quoted_name(schema, True) if schema else None,
        )

    def _expr(self, plan: _ColumnPlan) -> ColumnElement:
        column = sa.column(quoted_name(plan.name, True))
        # PostgreSQL JSON comes as text too: psycopg's own loader raises RecursionError on a
        # deeply nested document (PostgreSQL accepts thousands of levels), which no
        # SQLAlchemy error wraps; _texts parses it with a guard.
        as_text = plan.mode == "text" or (plan.mode == "json" and self._family == "postgresql")
        return sa.cast(column, sa.Text) if as_text else column

    def _sample(
        self, conn: Connection, spec: _TableSpec, plans: list[_ColumnPlan]
    ) -> tuple[sampling.Sample, list[_ColumnPlan], list[tuple[str, str]]]:
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
        self, conn: Connection, spec: _TableSpec, plans: list[_ColumnPlan]
    ) -> sampling.Sample:
        target = sampling.Target(
            table=self._table(spec),
            view=spec.view,
            keys=spec.keys,
            schema=spec.schema or "",
            name=spec.table,
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
            found = conn.execute(_PG_SYSTEM_ROWS).first() is not None
            with self._lock:
                self._system_rows = found
        return bool(self._system_rows)

    def _paced(self, chunks: Iterable[list], tick: _Deadline) -> Iterator[list]:
        for chunk in chunks:
            tick()
            self._throttle.take(len(chunk))
            yield chunk

    def _emit(
        self, plans: list[_ColumnPlan], chunks: Iterable[list], stats: _Stats
    ) -> Generator[ValueBatch, None, int]:
        """One ValueBatch per field and chunk; returns the number of rows."""
        ordinal = 0
        for chunk in chunks:
            fields: dict[str, tuple[list[int], list[str]]] = {}
            for row in chunk:
                ordinal += 1
                for plan, value in zip(plans, row, strict=False):
                    if value is None:
                        continue
                    for name, text in _texts(plan, value, stats):
                        entry = fields.get(name)
                        if entry is None:
                            entry = fields[name] = ([], [])
                        entry[0].append(ordinal)
                        entry[1].append(text)
            for name, (rows, values) in fields.items():
                yield ValueBatch(name, rows, values)
        return ordinal

    # -- errors ---------------------------------------------------------------------------

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

    def _scrub(self, text: str) -> str:
        for secret in self._secrets:
            text = text.replace(secret, "***")
        return _URL_PASSWORD.sub(r"\1***@", text)


class _Deadline:
    """SQLite has no server-side statement timeout: abort a statement that runs past it.

    Calling the guard restarts the clock (at each fetched chunk of a streamed table).
    """

    def __init__(self, conn: Connection, family: str, timeout: float) -> None:
        self._raw = conn.connection.dbapi_connection if family == "sqlite" and timeout else None
        self._timeout = timeout
        self._until = 0.0

    def __call__(self) -> None:
        self._until = time.monotonic() + self._timeout

    def _expired(self) -> int:
        return int(time.monotonic() > self._until)

    def __enter__(self) -> _Deadline:
        self()
        if self._raw is not None:
            self._raw.set_progress_handler(self._expired, 10_000)
        return self

    def __exit__(self, *exc: object) -> None:
        if self._raw is not None:
            self._raw.set_progress_handler(None, 0)


# -- values ------------------------------------------------------------------------------


def _texts(plan: _ColumnPlan, value: Any, stats: _Stats) -> Iterator[tuple[str, str]]:
    """(field, text) pairs of one value: one for a scalar, one per element or key path."""
    if plan.mode == "json":
        doc = value
        if isinstance(doc, (bytes, bytearray)):
            doc = bytes(doc).decode("utf-8", "replace")
        if isinstance(doc, str):
            try:
                doc = json.loads(doc)
            except (ValueError, RecursionError):
                # Not JSON, or nested deeper than the parser goes: scanned as plain text.
                yield from _value_texts(plan.name, doc, stats, 0)
                return
        yield from _json_texts(plan.name, doc)
        return
    yield from _value_texts(plan.name, value, stats, 0)


def _value_texts(name: str, value: Any, stats: _Stats, depth: int) -> Iterator[tuple[str, str]]:
    if isinstance(value, str):
        if not value.strip():
            return
        if value.lstrip()[:1] in ("{", "["):
            doc = _json_or_none(value)
            if isinstance(doc, (dict, list)):
                yield from _json_texts(name, doc)
                return
        yield name, value
    elif isinstance(value, bool):
        return
    elif isinstance(value, int):
        yield name, str(value)
    elif isinstance(value, float):
        # Identifiers stored as floats are integral; other floats cannot hold one.
        if math.isfinite(value) and value.is_integer():
            yield name, str(int(value))
        else:
            stats.non_integral[name] += 1
    elif isinstance(value, Decimal):
        if value.is_finite() and value == value.to_integral_value():
            yield name, str(int(value))
        else:
            stats.non_integral[name] += 1
    elif isinstance(value, (bytes, bytearray, memoryview)):
        stats.binary[name] += 1
    elif isinstance(value, dict):
        yield from _json_texts(name, value)
    elif isinstance(value, (list, tuple, set, frozenset)):
        if depth >= MAX_DEPTH:
            return
        for item in value:
            if item is not None:
                yield from _value_texts(f"{name}[]", item, stats, depth + 1)
    else:
        text = str(value)  # UUID, dates, times, intervals, network addresses
        if text.strip():
            yield name, text


def _json_texts(name: str, doc: Any) -> Iterator[tuple[str, str]]:
    for path, text in flatten(doc, name):
        if text.strip():
            yield path, text


def _json_or_none(text: str) -> Any:
    try:
        return json.loads(text)
    except (ValueError, RecursionError):  # too deep to parse: the caller scans it as text
        return None


def _skip_notes(plans: Sequence[_ColumnPlan]) -> list[str]:
    notes = []
    by_reason: dict[str, list[str]] = {}
    for plan in plans:
        if plan.mode == "skip":
            by_reason.setdefault(plan.reason or "skipped", []).append(plan.name)
    if "binary" in by_reason:
        notes.append("binary columns not read: " + ", ".join(by_reason.pop("binary")))
    if "boolean" in by_reason:
        notes.append(
            "boolean columns not read (cannot hold identifiers): "
            + ", ".join(by_reason.pop("boolean"))
        )
    for reason, names in by_reason.items():
        notes.append(f"columns not read ({reason}): " + ", ".join(names))
    return notes


def _value_notes(stats: _Stats) -> list[str]:
    notes = []
    if stats.binary:
        notes.append(
            "binary values not read: "
            + ", ".join(f"{k} ({v})" for k, v in sorted(stats.binary.items()))
        )
    if stats.non_integral:
        notes.append(
            "non-integral numbers not scanned (cannot hold identifiers): "
            + ", ".join(sorted(stats.non_integral))
        )
    return notes


# -- URLs, types, patterns -----------------------------------------------------------------


def _parse_url(url: str) -> URL:
    try:
        return make_url(url)
    except (sa_exc.ArgumentError, ValueError) as e:  # ValueError: a port that is not a number
        shown = _URL_PASSWORD.sub(r"\1***@", url)
        raise ConfigError(f"not a database URL: {shown}") from e


def _driver_url(url: URL) -> URL:
    """Map bare schemes to the drivers derbes ships with."""
    scheme = url.drivername
    if scheme in ("postgresql", "postgres"):
        return url.set(drivername="postgresql+psycopg")
    if scheme.startswith("postgres+"):
        return url.set(drivername="postgresql" + scheme[len("postgres") :])
    if scheme == "mysql":
        return url.set(drivername="mysql+pymysql")
    if scheme == "mariadb":
        return url.set(drivername="mariadb+pymysql")
    return url


def _family(url: URL) -> str:
    backend = url.get_backend_name()
    if backend == "postgresql":
        return "postgresql"
    if backend in ("mysql", "mariadb"):
        return "mysql"
    if backend == "sqlite":
        return "sqlite"
    return "generic"


def _secrets_of(url: URL) -> list[str]:
    values = [url.password or ""] + [
        v if isinstance(v, str) else ",".join(v)
        for k, v in url.query.items()
        if k.lower() in _SECRET_KEYS
    ]
    secrets: set[str] = set()
    for value in values:
        if value:
            secrets.update({value, quote_plus(value), quote(value, safe="")})
    return sorted(secrets, key=len, reverse=True)  # longest first: no partial replacements


def _defaults(url: URL, **values: Any) -> dict[str, Any]:
    """Driver arguments, unless the URL's query already sets them."""
    return {k: v for k, v in values.items() if k not in url.query}


def _sqlite_creator(url: URL, timeout: float) -> Any:
    """Connections to the SQLite file in read-only mode (``mode=ro``), whatever the URL said."""
    database = url.database or ""
    query = {k: v for k, v in url.query.items() if k != "uri"}
    if database in ("", ":memory:"):
        target, as_uri = ":memory:", False
    else:
        if url.query.get("uri") in ("true", "1") and database.startswith("file:"):
            path = database
        else:
            path = "file:" + quote(os.path.abspath(database))
        query["mode"] = "ro"
        target, as_uri = f"{path}?{urlencode(query, doseq=True)}", True

    def connect() -> sqlite3.Connection:
        return sqlite3.connect(target, uri=as_uri, check_same_thread=False, timeout=timeout or 5.0)

    return connect


def _mysql_bool(typ: sa.types.TypeEngine) -> bool:
    """MySQL's BOOLEAN is TINYINT(1), and reflects as such."""
    return type(typ).__name__ == "TINYINT" and getattr(typ, "display_width", None) == 1


def _type_name(typ: sa.types.TypeEngine, dialect: sa.Dialect) -> str:
    if isinstance(typ, sqltypes.NullType):
        return "unknown"
    try:
        return str(typ.compile(dialect=dialect))
    except (sa_exc.CompileError, NotImplementedError):
        return type(typ).__name__


def _selected(names: Sequence[str], include: Sequence[str], exclude: Sequence[str]) -> bool:
    def hit(patterns: Sequence[str]) -> bool:
        return any(fnmatch.fnmatchcase(n, p) for p in patterns for n in names)

    if include and not hit(include):
        return False
    return not (exclude and hit(exclude))


#: Types psycopg returns as plain Python values; any other PostgreSQL type is cast to text.
_PG_NATIVE = (
    sqltypes.String,
    sqltypes.Integer,
    sqltypes.Numeric,
    sqltypes.Date,
    sqltypes.DateTime,
    sqltypes.Time,
    sqltypes.Uuid,
    sqltypes.ARRAY,
    pg_types.INET,  # psycopg returns ipaddress objects, printed without a /32 suffix
    pg_types.CIDR,
)

_PG_RELATIONS = sa.text(
    """
    SELECT n.nspname AS schema, c.relname AS name, c.relkind AS relkind
    FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
    WHERE c.relkind IN ('r', 'p', 'v', 'm') AND NOT c.relispartition
      AND n.nspname NOT IN ('pg_catalog', 'information_schema', 'pg_toast')
      AND n.nspname NOT LIKE 'pg\\_%'
      AND NOT EXISTS (
        SELECT 1 FROM pg_depend d
        WHERE d.classid = 'pg_class'::regclass AND d.objid = c.oid AND d.deptype = 'e')
    ORDER BY 1, 2
    """
)

_PG_SYSTEM_ROWS = sa.text("SELECT 1 FROM pg_extension WHERE extname = 'tsm_system_rows'")

_SQLITE_TABLES = "SELECT name, sql FROM sqlite_master WHERE type = 'table'"
