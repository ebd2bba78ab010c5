"""What a table costs in statements. A small table is read with one (its rows and its bounded
count together), and takes its oldest row from the rows read (no ``MIN()``, no index
reflection); the indexes of sampled tables are reflected once for their schema, not once a
table. The catalog's estimate of a table's rows chooses between one statement and a count
first, and is never trusted for the result: a stale one costs a statement, not a row. Ages,
methods and samples stay what they were.

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

from derbes.scanner.sources import sampling
from derbes.scanner.sources.sql import SqlSource, table_age

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
            found = table_age.leading_columns(conn, "sqlite", None, ["a", "b", "gone"])
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


# -- one statement for a small table ----------------------------------------------------------


def _numbers(db: Path, rows: int) -> sa.Engine:
    with sqlite3.connect(db) as conn:
        conn.execute("CREATE TABLE t (id INTEGER PRIMARY KEY, v TEXT)")
        conn.executemany("INSERT INTO t VALUES (?, ?)", [(i, f"v{i}") for i in range(rows)])
    return sa.create_engine(f"sqlite:///{db}")


def _take(engine: sa.Engine, estimated: float | None, n: int) -> tuple[sampling.Sample,
                                                                        list[tuple], list[str]]:
    """``sampling.take`` of table ``t`` with the catalog's ``estimated`` rows: the sample,
    its rows and the statements it sent."""
    sent: list[str] = []

    def caught(_conn: Any, _cursor: Any, statement: str, *_: Any) -> None:
        sent.append(statement.lower())

    sa.event.listen(engine, "before_cursor_execute", caught)
    target = sampling.Target(table=sa.table("t"), keys=("rowid",), name="t",
                             estimated_rows=estimated)
    columns = [sa.column("id"), sa.column("v")]
    try:
        with engine.connect() as conn:
            sample = sampling.take(conn, "sqlite", target, columns, n, seed=3)
            rows = [row for chunk in sample.chunks for row in chunk]
    finally:
        sa.event.remove(engine, "before_cursor_execute", caught)
    return sample, rows, sent


@pytest.mark.parametrize("estimated", [None, 0.0, 12.0, 40.0])
def test_small_table_read_in_one_statement(tmp_path: Path, estimated: float | None) -> None:
    engine = _numbers(tmp_path / "a.db", 12)
    try:
        sample, rows, sent = _take(engine, estimated, 40)
    finally:
        engine.dispose()
    assert (sample.sampled, sample.held) == (False, True)
    assert sorted(rows) == [(i, f"v{i}") for i in range(12)]
    assert len(sent) == 1 and "count(" in sent[0], sent


def test_empty_table_read_in_one_statement(tmp_path: Path) -> None:
    engine = _numbers(tmp_path / "a.db", 0)
    try:
        sample, rows, sent = _take(engine, None, 40)
    finally:
        engine.dispose()
    assert (sample.sampled, rows, len(sent)) == (False, [], 1)


@pytest.mark.parametrize("rows", [41, 150, 1000])  # shuffled whole (at most 5 n), or ranges
def test_table_the_catalog_took_for_small_is_sampled(tmp_path: Path, rows: int) -> None:
    """A stale estimate: the first n + 1 rows came in vain, and the sample is what it would
    have been with no estimate at all."""
    engine = _numbers(tmp_path / "a.db", rows)
    try:
        stale, stale_rows, stale_sent = _take(engine, 10.0, 40)
        fresh, fresh_rows, fresh_sent = _take(engine, float(rows), 40)
    finally:
        engine.dispose()
    assert stale.sampled and fresh.sampled
    assert len(stale_rows) == len(set(stale_rows)) == 40
    assert (stale_rows, stale.notes) == (fresh_rows, fresh.notes)
    assert len(stale_sent) == len(fresh_sent)  # the combined statement instead of the count


def test_table_the_catalog_took_for_large_is_read_whole(tmp_path: Path) -> None:
    engine = _numbers(tmp_path / "a.db", 12)
    try:
        sample, rows, sent = _take(engine, 50_000.0, 40)
    finally:
        engine.dispose()
    assert (sample.sampled, sample.held) == (False, True)
    assert sorted(rows) == [(i, f"v{i}") for i in range(12)]
    assert len(sent) == 2, sent  # counted first, then read


def test_a_small_table_costs_one_statement_through_the_source(tmp_path: Path) -> None:
    db = tmp_path / "app.db"
    _sqlite_tables(db, {"a": (5, False), "b": (7, True)})
    src = SqlSource(f"sqlite:///{db}", sample_rows=100)
    try:
        containers = list(src.containers())
        sent = _statements(src)
        done = [list(src.read(c))[-1] for c in containers]
    finally:
        src.close()
    assert [d.rows_scanned for d in done] == [5, 7]
    assert len(sent) == 2, sent


def _specs(url: str, include: str) -> dict[str, Any]:
    """The listed tables' specs, by table name."""
    src = SqlSource(url, include=[include])
    try:
        return {c.name.rsplit(".", 1)[1]: c.meta["sql"] for c in src.containers()}
    finally:
        src.close()


@pytest.mark.postgres
def test_postgresql_catalog_estimates(pg: Any, pg_db: Any) -> None:
    schema = unique_name("est")
    pg.execute(f"CREATE SCHEMA {schema}")
    try:
        pg.execute(f"CREATE TABLE {schema}.analysed AS SELECT g AS id FROM "
                   "generate_series(1, 300) g")
        pg.execute(f"ANALYZE {schema}.analysed")
        pg.execute(f"CREATE TABLE {schema}.fresh (id int)")
        pg.execute(f"CREATE VIEW {schema}.v AS SELECT id FROM {schema}.analysed")
        specs = _specs(pg_db.url(), f"{schema}.*")
        assert specs["analysed"].estimated_rows == 300
        assert specs["fresh"].estimated_rows is None  # never analysed: reltuples -1
        assert specs["v"].estimated_rows is None
    finally:
        pg.execute(f"DROP SCHEMA {schema} CASCADE")


@pytest.mark.mysql
def test_mysql_catalog_estimates(mysql: Any, mysql_db: Any) -> None:
    prefix = unique_name("est")
    try:
        with mysql.cursor() as cur:
            cur.execute(f"CREATE TABLE {prefix}_t (id int PRIMARY KEY)")
            cur.executemany(f"INSERT INTO {prefix}_t VALUES (%s)", [(i,) for i in range(300)])
            cur.execute(f"ANALYZE TABLE {prefix}_t")
            cur.fetchall()
            cur.execute(f"CREATE VIEW {prefix}_v AS SELECT id FROM {prefix}_t")
        specs = _specs(mysql_db.url(), f"{prefix}_*")
        # InnoDB's TABLE_ROWS is an estimate from sampled pages.
        assert 150 <= specs[f"{prefix}_t"].estimated_rows <= 600
        assert specs[f"{prefix}_v"].estimated_rows is None
    finally:
        with mysql.cursor() as cur:
            cur.execute(f"DROP VIEW IF EXISTS {prefix}_v")
            cur.execute(f"DROP TABLE IF EXISTS {prefix}_t")


def test_key_ranges_read_in_one_statement(tmp_path: Path) -> None:
    """A large table sampled by key ranges (MySQL, SQLite): ten ranges of a hundred rows in
    one ``UNION ALL``, each row once and as stored."""
    db = tmp_path / "big.db"
    with sqlite3.connect(db) as conn:
        conn.execute("CREATE TABLE t (id INTEGER PRIMARY KEY, v TEXT)")
        conn.executemany("INSERT INTO t VALUES (?, ?)",
                         [(k, f"v{k}") for k in range(0, 60_000, 3)])
    engine = sa.create_engine(f"sqlite:///{db}")
    try:
        sample, rows, sent = _take(engine, 20_000.0, 1000)
    finally:
        engine.dispose()
    assert sample.sampled and sample.notes == ["1000 rows from 10 random key ranges"]
    assert len(rows) == len(set(rows)) == 1000
    assert all(v == f"v{k}" and k % 3 == 0 for k, v in rows)
    # The count, the keys' bounds, the ranges.
    assert len(sent) == 3 and sent[2].count("union all") == 9, sent


@pytest.mark.mysql
def test_mysql_sampled_tables_statements(mysql: Any, mysql_db: Any) -> None:
    """MariaDB/MySQL: the leading columns of every index from one query for the schema
    (SQLAlchemy's reflection reads ``SHOW CREATE TABLE`` a table), the key ranges in one
    statement, the estimate from the listing."""
    prefix = unique_name("rng")
    tables = {f"{prefix}_{i}": i % 2 == 0 for i in range(4)}
    try:
        with mysql.cursor() as cur:
            for table, index in tables.items():
                cur.execute(f"CREATE TABLE {table} (id int PRIMARY KEY, note text, "
                            "created_at datetime" + (", INDEX (created_at))" if index else ")"))
                cur.executemany(f"INSERT INTO {table} VALUES (%s, %s, %s)",
                                [(i, f"n{i}", OLD if i == 7 else NOW) for i in range(1, 2001)])
                cur.execute(f"ANALYZE TABLE {table}")
                cur.fetchall()
        # 300 of 2,000 rows: three ranges of a hundred.
        src = SqlSource(mysql_db.url(), include=[f"{prefix}_*"], sample_rows=300, seed=5,
                        connections=1)
        try:
            containers = list(src.containers())
            sent = _statements(src)
            done = {c.name.rsplit(".", 1)[-1]: list(src.read(c))[-1] for c in containers}
        finally:
            src.close()
        for table, index in tables.items():
            assert done[table].sampled, table
            assert done[table].age_method == ("min_index" if index else "sample"), table
            assert 1000 <= done[table].rows_estimated <= 4000, table
        assert not [s for s in sent if "show create table" in s], sent
        assert len([s for s in sent if "information_schema.statistics" in s]) == 1, sent
        assert len([s for s in sent if "union all" in s]) == len(tables), sent
        assert not [s for s in sent if "information_schema.tables" in s], sent
    finally:
        with mysql.cursor() as cur:
            for table in tables:
                cur.execute(f"DROP TABLE IF EXISTS {table}")


@pytest.mark.mysql
def test_mysql_tables_listed_over_the_connections(mysql: Any, mysql_db: Any) -> None:
    """SQLAlchemy reads ``SHOW CREATE TABLE`` a MySQL table: the listing shares them among
    the source's connections, and lists what one connection lists."""
    prefix = unique_name("lst")
    names = [f"{prefix}_{i:02d}" for i in range(40)]
    try:
        with mysql.cursor() as cur:
            for i, table in enumerate(names):
                key = "id int PRIMARY KEY" if i % 3 else "id varchar(8) PRIMARY KEY"
                cur.execute(f"CREATE TABLE {table} ({key}, iin varchar(12), active tinyint(1), "
                            f"doc json, pic blob, n{i} bigint)")
            cur.execute(f"CREATE VIEW {prefix}_v AS SELECT id, iin FROM {names[1]}")
        listed = {}
        connections_used = {}
        for connections in (1, 4):
            src = SqlSource(mysql_db.url(), include=[f"{prefix}_*"], connections=connections)
            used: set[int] = set()

            def caught(conn: Any, _cursor: Any, statement: str, *_: Any,
                       used: set[int] = used) -> None:
                if statement.lower().startswith("show create table"):
                    used.add(id(conn.connection.dbapi_connection))

            sa.event.listen(src._engine, "before_cursor_execute", caught)
            try:
                listed[connections] = [(c.name, c.kind, c.columns, c.meta["sql"])
                                       for c in src.containers()]
            finally:
                src.close()
            connections_used[connections] = len(used)
        assert len(listed[1]) == 41
        assert listed[4] == listed[1]
        assert connections_used == {1: 1, 4: 4}
    finally:
        with mysql.cursor() as cur:
            cur.execute(f"DROP VIEW IF EXISTS {prefix}_v")
            for table in names:
                cur.execute(f"DROP TABLE IF EXISTS {table}")
