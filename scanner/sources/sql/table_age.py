"""How old a table's oldest rows are, and how big the table is, read-only and cheaply.

Retention (Law 94-V, Art. 12) is checked against the age of the oldest rows that hold
personal data. A table says when its rows were written in a timestamp column: one named so
(``created_at``, ``registered_at``, ``updated_at``, ``дата_создания`` ...) or typed as a date
or time. The oldest value is read with ``MIN()`` when an index starts with the column (one
index seek), over the whole table when it was small enough to be read whole, and from the
sampled rows otherwise, so that no full scan of a large table is ever issued for it. The
result says which column and which method gave the age. Birth dates and expiry dates are
dates too, but not of the row: they are never taken.

The table's size for a sampled table comes from the database's own statistics:
``pg_class.reltuples`` (PostgreSQL), ``information_schema.TABLES.TABLE_ROWS`` (MySQL,
MariaDB), both read for every table at listing (``catalog.relations``), and ``sqlite_stat1``
or else the largest rowid (SQLite).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

import sqlalchemy as sa
from sqlalchemy import exc as sa_exc
from sqlalchemy.engine import Connection
from sqlalchemy.sql.expression import TableClause

from derbes.scanner.sources.ages import candidates, iso

__all__ = ["Age", "candidates", "iso", "leading_columns", "oldest"]

@dataclass(frozen=True, slots=True)
class Age:
    """The oldest row's time (ISO 8601), its column, and ``min_index``, ``min_scan`` or
    ``sample``."""

    oldest: str
    column: str
    method: str


def leading_columns(conn: Connection, family: str, schema: str | None, tables: Sequence[str]
                    ) -> dict[str, set[str]]:
    """For each of ``tables``, the columns that lead one of its indexes or its primary key,
    from the catalog: one query for them all in MySQL (``information_schema.STATISTICS``)
    and PostgreSQL (SQLAlchemy's reflection of many tables), a few a table elsewhere. Empty
    sets when the catalog cannot say."""
    found: dict[str, set[str]] = {table: set() for table in tables}
    try:
        if family == "mysql":
            # SQLAlchemy's MySQL reflection reads SHOW CREATE TABLE a table.
            for row in conn.execute(_MYSQL_LEADING, {"schema": schema}):
                if row.name in found:
                    found[row.name].add(row.col)
            return found
        inspector = sa.inspect(conn)
        indexes = inspector.get_multi_indexes(schema=schema, filter_names=list(tables))
        keys = inspector.get_multi_pk_constraint(schema=schema, filter_names=list(tables))
    except sa_exc.DBAPIError:
        conn.rollback()
        return found
    except (sa_exc.SQLAlchemyError, NotImplementedError):
        return found
    for (_, table), listed in indexes.items():
        for index in listed:
            cols = index.get("column_names") or []
            if cols and cols[0] and table in found:
                found[table].add(cols[0])
    for (_, table), key in keys.items():
        cols = key.get("constrained_columns") or []
        if cols and table in found:
            found[table].add(cols[0])
    return found


_MYSQL_LEADING = sa.text(
    "SELECT TABLE_NAME AS name, COLUMN_NAME AS col FROM information_schema.STATISTICS "
    "WHERE TABLE_SCHEMA = :schema AND SEQ_IN_INDEX = 1")


def oldest(
    conn: Connection,
    table: TableClause,
    names: Sequence[str],
    indexed: set[str],
    whole: bool,
    read: dict[str, list[object]],
) -> Age | None:
    """The first of ``names`` that gives an oldest time.

    ``whole``: every row was read (a small table, or ``--sample-rows 0``). ``read`` holds the
    values read of each column, when they were kept: all of them when ``whole`` (the least
    is then taken from them, with no query), a sample otherwise. A whole table whose values
    were not kept (streamed) is asked for ``MIN()``, which costs no more than the read did;
    an indexed column is asked for it too.
    """
    for name in names:
        read_all = whole and name in read
        method = ("min_index" if name in indexed and not read_all
                  else "min_scan" if whole and not read_all else None)
        if method is not None:
            column = sa.column(sa.sql.quoted_name(name, True))
            try:
                value = conn.execute(sa.select(sa.func.min(column)).select_from(table)).scalar()
            except sa_exc.DBAPIError:
                conn.rollback()
                continue
        else:
            method = "min_scan" if read_all else "sample"
            values = [v for v in (iso(x) for x in read.get(name, ())) if v]
            value = min(values, key=_sort_key) if values else None
        text = iso(value)
        if text:
            return Age(text, name, method)
    return None


def _sort_key(text: str) -> dt.datetime:
    moment = dt.datetime.fromisoformat(text)
    return moment if moment.tzinfo else moment.replace(tzinfo=dt.UTC)


_SQLITE_STAT = sa.text(
    "SELECT stat FROM sqlite_stat1 WHERE tbl = :name ORDER BY idx IS NOT NULL LIMIT 1")


def estimated_rows(conn: Connection, family: str, name: str, table: TableClause,
                   has_rowid: bool, listed: float | None) -> int | None:
    """The table's row count from the database's statistics; ``None`` when it has none.
    ``listed``: the catalog's estimate read at listing (:attr:`TableSpec.estimated_rows`),
    which PostgreSQL's and MySQL's are."""
    try:
        if family in ("postgresql", "mysql"):
            value = listed
        elif family == "sqlite":
            value = None
            has_stats = conn.execute(sa.text(
                "SELECT 1 FROM sqlite_master WHERE name = 'sqlite_stat1'")).first()
            if has_stats:
                stat = conn.execute(_SQLITE_STAT, {"name": name}).scalar()
                value = int(str(stat).split()[0]) if stat else None
            if value is None and has_rowid:
                # No statistics: the largest rowid (one seek) bounds the count from above.
                value = conn.execute(
                    sa.select(sa.func.max(sa.literal_column("rowid"))).select_from(table)
                ).scalar()
        else:
            return None
    except sa_exc.DBAPIError:
        conn.rollback()
        return None
    return int(value) if value and int(value) > 0 else None
