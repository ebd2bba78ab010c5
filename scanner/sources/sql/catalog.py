"""The catalog: which schemas, tables and views there are, their keys, and how each column
is read (:class:`ColumnPlan`)."""

from __future__ import annotations

import fnmatch
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
from sqlalchemy import exc as sa_exc
from sqlalchemy.dialects import postgresql as pg_types
from sqlalchemy.engine import Connection
from sqlalchemy.sql import sqltypes

MYSQL_SYSTEM = frozenset({"mysql", "sys", "performance_schema", "information_schema"})


@dataclass(frozen=True, slots=True)
class ColumnPlan:
    """How one column is read: ``value`` (as the driver returns it), ``json`` (walked by key
    path), ``text`` (cast to text in SQL), ``binary`` (its values' opening, for the text in
    them: :mod:`derbes.scanner.sources.binary`) or ``skip`` (with the reason)."""

    name: str
    type: str
    mode: str
    reason: str | None = None


@dataclass(frozen=True, slots=True)
class TableSpec:
    schema: str | None
    table: str
    view: bool
    keys: tuple[str, ...]
    plans: tuple[ColumnPlan, ...]
    #: MySQL lists a relation the account may not read with no columns at all.
    hidden: bool = False
    #: The catalog's estimate of the table's rows when it was listed (PostgreSQL's
    #: ``reltuples``, MySQL's ``TABLE_ROWS``); ``None`` where it has none (never analysed,
    #: a view, SQLite).
    estimated_rows: float | None = None


def relations(
    conn: Connection, inspector: sa.Inspector, family: str, database: str | None
) -> Iterator[tuple[str | None, list[tuple[str, bool, float | None]]]]:
    """``(schema, [(table, is_view, estimated rows)])`` for every schema to scan; the
    estimate is the catalog's (:attr:`TableSpec.estimated_rows`), ``None`` where it has
    none."""
    if family == "postgresql":
        by_schema: dict[str, list[tuple[str, bool, float | None]]] = {}
        for row in conn.execute(PG_RELATIONS):
            # reltuples is -1 for a table never analysed (0 before PostgreSQL 14, as for an
            # empty one: either way a guess that costs nothing when wrong, see sampling.take).
            rows = float(row.reltuples) if row.reltuples is not None else -1.0
            view = row.relkind == "v"
            by_schema.setdefault(row.schema, []).append(
                (row.name, view, rows if rows >= 0 and not view else None))
        yield from by_schema.items()
        return
    if family == "mysql":
        schemas = (
            [database]
            if database
            else [s for s in inspector.get_schema_names() if s.lower() not in MYSQL_SYSTEM]
        )
    elif family == "sqlite":
        schemas = ["main"]
    else:
        schemas = [inspector.default_schema_name]
    for schema in schemas:
        reflect_schema = schema if family == "mysql" else None
        estimates = _mysql_rows(conn, schema) if family == "mysql" else {}
        tables = [(t, False, estimates.get(t))
                  for t in inspector.get_table_names(schema=reflect_schema)]
        views = [(v, True, None) for v in inspector.get_view_names(schema=reflect_schema)]
        yield (
            schema,
            sorted(
                (r for r in tables + views if not r[0].startswith("sqlite_")),
                key=lambda r: r[0],
            ),
        )


def _mysql_rows(conn: Connection, schema: str) -> dict[str, float]:
    """``information_schema.TABLES.TABLE_ROWS`` of every base table of ``schema`` (InnoDB's
    estimate; nothing where the account may not read it)."""
    try:
        return {row.name: float(row.rows) for row in conn.execute(MYSQL_ROWS, {"schema": schema})
                if row.rows is not None}
    except sa_exc.DBAPIError:
        conn.rollback()
        return {}


def primary_keys(
    conn: Connection,
    inspector: sa.Inspector,
    family: str,
    schema: str | None,
    tables: list[str],
    columns: dict[str, list[dict[str, Any]]],
) -> dict[str, tuple[str, ...]]:
    """Per table, the integer primary key usable for range sampling (SQLite: rowid)."""
    if family not in ("mysql", "sqlite") or not tables:
        return {}
    keys: dict[str, tuple[str, ...]] = {}
    if family == "sqlite":
        for row in conn.execute(sa.text(SQLITE_TABLES)):
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


def plan_column(column: dict[str, Any], family: str, dialect: sa.Dialect) -> ColumnPlan:
    """How a reflected column is read."""
    name = column["name"]
    typ = column["type"]
    type_name = sql_type_name(typ, dialect)
    item = getattr(typ, "item_type", None)
    if isinstance(typ, sqltypes._Binary):
        return ColumnPlan(name, type_name, "binary")
    if isinstance(item, sqltypes._Binary):
        return ColumnPlan(name, type_name, "skip", "binary")
    if isinstance(typ, sqltypes.Boolean) or mysql_bool(typ):
        return ColumnPlan(name, type_name, "skip", "boolean")
    if isinstance(typ, sqltypes.JSON):
        return ColumnPlan(name, type_name, "json")
    if family == "postgresql" and not isinstance(typ, PG_NATIVE):
        # Extension and exotic types (geometry, hstore, money, inet, ranges) have a text
        # form in PostgreSQL; reading it avoids depending on driver adapters.
        return ColumnPlan(name, type_name, "text")
    if family == "mysql" and isinstance(typ, sqltypes.NullType):
        return ColumnPlan(name, type_name, "skip", "unsupported type")
    return ColumnPlan(name, type_name, "value")


def mysql_bool(typ: sa.types.TypeEngine) -> bool:
    """MySQL's BOOLEAN is TINYINT(1), and reflects as such."""
    return type(typ).__name__ == "TINYINT" and getattr(typ, "display_width", None) == 1


def sql_type_name(typ: sa.types.TypeEngine, dialect: sa.Dialect) -> str:
    if isinstance(typ, sqltypes.NullType):
        return "unknown"
    try:
        return str(typ.compile(dialect=dialect))
    except (sa_exc.CompileError, NotImplementedError):
        return type(typ).__name__


def selected(names: Sequence[str], include: Sequence[str], exclude: Sequence[str]) -> bool:
    def hit(patterns: Sequence[str]) -> bool:
        return any(fnmatch.fnmatchcase(n, p) for p in patterns for n in names)

    if include and not hit(include):
        return False
    return not (exclude and hit(exclude))


#: Types psycopg returns as plain Python values; any other PostgreSQL type is cast to text.
PG_NATIVE = (
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

PG_RELATIONS = sa.text(
    """
    SELECT n.nspname AS schema, c.relname AS name, c.relkind AS relkind,
           c.reltuples AS reltuples
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

MYSQL_ROWS = sa.text(
    "SELECT TABLE_NAME AS name, TABLE_ROWS AS `rows` FROM information_schema.TABLES "
    "WHERE TABLE_SCHEMA = :schema AND TABLE_TYPE = 'BASE TABLE'")

PG_SYSTEM_ROWS = sa.text("SELECT 1 FROM pg_extension WHERE extname = 'tsm_system_rows'")

SQLITE_TABLES = "SELECT name, sql FROM sqlite_master WHERE type = 'table'"
