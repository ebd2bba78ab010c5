"""What a table's age costs in queries: a table read whole takes its oldest row from the rows
read (no ``MIN()``, no index reflection); the indexes of sampled tables are reflected once
for their schema, not once a table. Ages and methods stay what they were.

Statements are caught with SQLAlchemy's ``before_cursor_execute`` on the source's engine.
"""

from __future__ import annotations

import datetime as dt
import sqlite3
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from sql_helpers import read_table, unique_name

from derbes.scanner.sources.sql import SqlSource
from derbes.scanner.sources.sql import table_age

OLD = dt.datetime(2015, 6, 1, 9, 30)
NOW = dt.datetime(2026, 11, 1, 12, 0)


def _statements(src: SqlSource) -> list[str]:
    """Every statement ``src`` sends from now on, lowercased."""
    sent: list[str] = []

    def caught(_conn: Any, _cursor: Any, statement: str, *_: Any) -> None:
        sent.append(statement.lower())

    sa.event.listen(src._engine, "before_cursor_execute", caught)
    return sent


def _sqlite_tables(db: Path, tables: dict[str, tuple[int, bool]]) -> None:
    """``tables``: name -> (rows, an index on created_at); the oldest row (OLD) is the last
    one written, behind an ISO text that sorts first as text but is no date."""
    with sqlite3.connect(db) as conn:
        for name, (rows, index) in tables.items():
            conn.execute(f"CREATE TABLE {name} (id INTEGER PRIMARY KEY, note TEXT, "
                         "created_at TIMESTAMP, updated_at TIMESTAMP)")
            if index:
                conn.execute(f"CREATE INDEX {name}_created ON {name} (created_at)")
            values = [(i, f"n{i}", (NOW - dt.timedelta(days=i)).isoformat(sep=" "),
                       NOW.isoformat(sep=" ")) for i in range(1, rows)]
            values.append((rows, "last", OLD.isoformat(sep=" "), NOW.isoformat(sep=" ")))
            conn.executemany(f"INSERT INTO {name} VALUES (?, ?, ?, ?)", values)


def test_whole_table_age_from_the_rows_read(tmp_path: Path) -> None:
    db = tmp_path / "app.db"
    _sqlite_tables(db, {"small_idx": (40, True), "small": (40, False)})
    src = SqlSource(f"sqlite:///{db}", sample_rows=100, seed=1)
    try:
        sent = _statements(src)
        for name in ("small_idx", "small"):
            _, done = read_table(src, f"main.{name}")
            assert not done.sampled
            assert (done.age_column, done.age_method) == ("created_at", "min_scan")
            assert done.oldest == OLD.isoformat()
            assert done.rows_estimated is None
    finally:
        src.close()
    assert not [s for s in sent if "min(" in s], sent
    assert not [s for s in sent if "index_list" in s or "index_info" in s], sent


def test_whole_table_age_skips_what_is_no_date(tmp_path: Path) -> None:
    """Text that is no date is passed over, as ``MIN()``'s answer was when it was no date;
    a column with none falls to the next candidate."""
    db = tmp_path / "app.db"
    with sqlite3.connect(db) as conn:
        conn.execute("CREATE TABLE t (id INTEGER PRIMARY KEY, created_at TEXT, "
                     "updated_at TEXT)")
        conn.executemany("INSERT INTO t VALUES (?, ?, ?)", [
            (1, "n/a", "2020-01-02 03:04:05"), (2, None, "2019-12-31T23:00:00+00:00"),
            (3, "", "2021-05-05")])
    src = SqlSource(f"sqlite:///{db}", sample_rows=100)
    try:
        _, done = read_table(src, "main.t")
    finally:
        src.close()
    assert (done.age_column, done.age_method) == ("updated_at", "min_scan")
    assert done.oldest == "2019-12-31T23:00:00+00:00"


def test_sampled_sqlite_tables_keep_their_methods(tmp_path: Path) -> None:
    db = tmp_path / "app.db"
    _sqlite_tables(db, {"big_idx": (600, True), "big": (600, False)})
    src = SqlSource(f"sqlite:///{db}", sample_rows=50, seed=3)
    try:
        _, indexed = read_table(src, "main.big_idx")
        _, plain = read_table(src, "main.big")
    finally:
        src.close()
    assert indexed.sampled and plain.sampled
    assert (indexed.age_method, indexed.oldest) == ("min_index", OLD.isoformat())
    assert plain.age_method == "sample"


def test_leading_columns(tmp_path: Path) -> None:
    db = tmp_path / "app.db"
    _sqlite_tables(db, {"a": (3, True), "b": (3, False)})
    engine = sa.create_engine(f"sqlite:///{db}")
    try:
        with engine.connect() as conn:
            found = table_age.leading_columns(conn, None, ["a", "b", "gone"])
    finally:
        engine.dispose()
    # SQLite's INTEGER PRIMARY KEY is the rowid: no constraint column is reflected for it.
    assert found["a"] >= {"created_at"} and "updated_at" not in found["a"]
    assert "created_at" not in found["b"]
    assert found["gone"] == set()


@pytest.mark.postgres
def test_postgresql_indexes_reflected_once_a_schema(pg: Any, pg_db: Any) -> None:
    schema = unique_name("age")
    pg.execute(f"CREATE SCHEMA {schema}")
    tables = {f"t{i}": i % 2 == 0 for i in range(6)}
    try:
        for table, index in tables.items():
            pg.execute(f"CREATE TABLE {schema}.{table} (id int PRIMARY KEY, note text, "
                       "created_at timestamp)")
            if index:
                pg.execute(f"CREATE INDEX ON {schema}.{table} (created_at)")
            pg.execute(f"INSERT INTO {schema}.{table} SELECT g, 'n' || g, "
                       "CASE WHEN g = 7 THEN %s ELSE %s END FROM generate_series(1, 400) g",
                       (OLD, NOW))
        pg.execute(f"ANALYZE {schema}.t0")
        src = SqlSource(pg_db.url(), include=[f"{schema}.*"], sample_rows=20, seed=5,
                        connections=1)
        try:
            sent = _statements(src)
            done = {table: read_table(src, f"{schema}.{table}")[1] for table in tables}
        finally:
            src.close()
        for table, index in tables.items():
            assert done[table].sampled, table
            if index:
                assert (done[table].age_method, done[table].oldest) == (
                    "min_index", OLD.isoformat()), table
            else:
                assert done[table].age_method == "sample", table
        assert len([s for s in sent if "pg_index" in s]) <= 2, sent
    finally:
        pg.execute(f"DROP SCHEMA {schema} CASCADE")
