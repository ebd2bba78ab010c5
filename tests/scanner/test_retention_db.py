"""Retention in databases, on real servers: a table keeping rows older than the policy allows
is flagged with its oldest date and the column that gave it; a table without is not; the
database is only read (statement logs: tests/security/test_statement_log.py, which scans
tables with an indexed timestamp column too; SQLite: the file is unchanged).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import sqlite3
from pathlib import Path
from typing import Any

import pytest
from derbes_e2e import (
    IINS,
    shared_detector,  # noqa: F401 - a fixture derbes_scan uses
    unique_name,
)
from derbes_e2e import derbes_scan as derbes_scan_fixture

POLICY = """\
version: 1
operator:
  name: ТОО «Тест»
  bin: "210140019844"
categories:
  - category: iin
    retention: P3Y
  - date_of_birth
storage:
  countries: [KZ]
"""

derbes_scan = derbes_scan_fixture
TODAY = dt.datetime.now(dt.UTC).replace(microsecond=0, tzinfo=None)
OLD = dt.datetime(2015, 6, 1, 9, 30)  # past any three-year cutoff
ROWS = 3000  # more than 5 x the sample: sampled, not read whole


def _rows(n: int, oldest: dt.datetime | None) -> list[tuple]:
    """``n`` rows of (id, iin, created_at): half of them at ``oldest`` when given, the rest
    within the last year."""
    out = []
    for i in range(1, n + 1):
        when = oldest if oldest is not None and i % 2 else TODAY - dt.timedelta(days=i % 300)
        out.append((i, IINS[i % len(IINS)], when))
    return out


def _scan(derbes_scan, tmp_path: Path, url: str, name: str, include: list[str]):
    policy = tmp_path / "policy.yaml"
    policy.write_text(POLICY, encoding="utf-8")
    return derbes_scan([url], policy=policy, include=include, sample_rows=100, seed=7,
                       locations={name: "KZ"})


def _check(run, source: str, tables: dict[str, str | None]) -> dict[str, dict]:
    """``tables``: table -> expected age method, or ``None`` for a table that keeps nothing
    too old. Returns the containers by table."""
    containers = {c["container"].rsplit(".", 1)[-1]: c for c in run.containers_of(source)}
    flags = {f["container"].rsplit(".", 1)[-1]: set(f["flags"])
             for f in run.findings_of(source) if f["category"] == "iin"}
    for table, method in tables.items():
        c = containers[table]
        if method is None:
            assert "RETENTION_EXCEEDED" not in flags[table], table
            assert c["oldest_timestamp"] >= (TODAY - dt.timedelta(days=400)).isoformat()
        else:
            assert "RETENTION_EXCEEDED" in flags[table], (table, c)
            assert c["oldest_timestamp"].startswith("2015-06-01"), c
            assert (c["age_column"], c["age_method"]) == ("created_at", method), c
    return containers


# -- SQLite ----------------------------------------------------------------------------------


def test_sqlite_retention(derbes_scan, tmp_path: Path):
    db = tmp_path / "shop.db"
    with sqlite3.connect(db) as conn:
        conn.execute("CREATE TABLE old_idx (id INTEGER PRIMARY KEY, iin TEXT, created_at "
                     "TIMESTAMP)")
        conn.execute("CREATE INDEX old_idx_created ON old_idx (created_at)")
        conn.execute("CREATE TABLE old_noidx (id INTEGER PRIMARY KEY, iin TEXT, "
                     "created_at TIMESTAMP)")
        conn.execute("CREATE TABLE fresh (id INTEGER PRIMARY KEY, iin TEXT, created_at "
                     "TIMESTAMP)")
        for table, rows in (("old_idx", _rows(ROWS, OLD)), ("old_noidx", _rows(ROWS, OLD)),
                            ("fresh", _rows(50, None))):
            conn.executemany(f"INSERT INTO {table} VALUES (?, ?, ?)",
                             [(i, iin, when.isoformat(sep=" ")) for i, iin, when in rows])
        conn.execute("ANALYZE")
    before = hashlib.sha256(db.read_bytes()).hexdigest()
    url = f"sqlite:///{db}"
    run = _scan(derbes_scan, tmp_path, url, url, [])
    containers = _check(run, url, {"old_idx": "min_index", "old_noidx": "sample",
                                   "fresh": None})
    # The table's size from sqlite_stat1 (ANALYZE), for the sampled tables.
    assert containers["old_idx"]["rows_estimated"] == ROWS
    assert containers["fresh"]["rows_estimated"] is None  # read whole: no estimate needed
    assert hashlib.sha256(db.read_bytes()).hexdigest() == before


# -- PostgreSQL ------------------------------------------------------------------------------


@pytest.mark.postgres
def test_postgresql_retention(derbes_scan, tmp_path: Path, pg: Any, pg_db: Any):
    schema = unique_name("ret")
    pg.execute(f"CREATE SCHEMA {schema}")
    try:
        for table, rows, index in (("old_idx", _rows(ROWS, OLD), True),
                                   ("old_noidx", _rows(ROWS, OLD), False),
                                   ("fresh", _rows(50, None), False)):
            pg.execute(f"CREATE TABLE {schema}.{table} (id int PRIMARY KEY, iin text, "
                       "created_at timestamp)")
            if index:
                pg.execute(f"CREATE INDEX ON {schema}.{table} (created_at)")
            with pg.cursor() as cur:
                cur.executemany(f"INSERT INTO {schema}.{table} VALUES (%s, %s, %s)", rows)
            pg.execute(f"ANALYZE {schema}.{table}")
        url = pg_db.url()
        name = url
        run = _scan(derbes_scan, tmp_path, url, name, [f"{schema}.*"])
        source = run.summary["sources"][0]["name"]
        run_name = source
        containers = _check(run, run_name, {"old_idx": "min_index", "old_noidx": "sample",
                                            "fresh": None})
        # pg_class.reltuples after ANALYZE.
        assert containers["old_idx"]["rows_estimated"] == ROWS
    finally:
        pg.execute(f"DROP SCHEMA {schema} CASCADE")


# -- MariaDB / MySQL -------------------------------------------------------------------------


@pytest.mark.mysql
def test_mysql_retention(derbes_scan, tmp_path: Path, mysql: Any, mysql_db: Any):
    prefix = unique_name("ret")
    tables = {f"{prefix}_old_idx": True, f"{prefix}_old_noidx": False, f"{prefix}_fresh": False}
    try:
        with mysql.cursor() as cur:
            for table, index in tables.items():
                cur.execute(f"CREATE TABLE {table} (id int PRIMARY KEY, iin varchar(12), "
                            "created_at datetime" + (", INDEX (created_at))" if index else ")"))
                rows = _rows(50, None) if table.endswith("fresh") else _rows(ROWS, OLD)
                cur.executemany(f"INSERT INTO {table} VALUES (%s, %s, %s)", rows)
                cur.execute(f"ANALYZE TABLE {table}")
                cur.fetchall()
        url = mysql_db.url()
        run = _scan(derbes_scan, tmp_path, url, url, [f"{prefix}_*"])
        source = run.summary["sources"][0]["name"]
        containers = _check(run, source, {f"{prefix}_old_idx": "min_index",
                                          f"{prefix}_old_noidx": "sample",
                                          f"{prefix}_fresh": None})
        # information_schema.TABLES.TABLE_ROWS: an estimate (InnoDB samples pages).
        estimate = containers[f"{prefix}_old_idx"]["rows_estimated"]
        assert estimate and ROWS / 2 <= estimate <= ROWS * 2
    finally:
        with mysql.cursor() as cur:
            for table in tables:
                cur.execute(f"DROP TABLE IF EXISTS {table}")


# -- Files: exports and dumps keep the rows' age too ------------------------------------------


def test_file_tables_retention(derbes_scan, tmp_path: Path):
    import pyarrow as pa
    import pyarrow.parquet as pq

    folder = tmp_path / "export"
    folder.mkdir()
    old = _rows(ROWS, OLD)
    pq.write_table(pa.table({"id": [r[0] for r in old], "iin": [r[1] for r in old],
                             "created_at": [r[2] for r in old]}), folder / "old.parquet")
    fresh = _rows(50, None)
    (folder / "fresh.csv").write_text("id;iin;дата_создания;birth_date\n" + "".join(
        f"{i};{iin};{when.isoformat(sep=' ')};1950-01-01\n" for i, iin, when in fresh),
        encoding="utf-8")
    copy = "".join(f"{i}\t{iin}\t{when.isoformat(sep=' ')}\n" for i, iin, when in old)
    (folder / "crm.sql").write_text(
        "--\n-- PostgreSQL database dump\n--\n"
        f"COPY public.clients (id, iin, created_at) FROM stdin;\n{copy}\\.\n", encoding="utf-8")
    (folder / "app.log").write_text("started\n")  # a folder of logs and tables
    name = str(folder)
    run = _scan(derbes_scan, tmp_path, name, name, [])
    containers = {Path(c["container"]).name: c for c in run.containers_of(name)}
    flags = {Path(f["container"]).name: set(f["flags"])
             for f in run.findings_of(name) if f["category"] == "iin"}
    for file, column, method in (("old.parquet", "created_at", "sample"),
                                 ("crm.sql", "public.clients.created_at", "sample")):
        c = containers[file]
        assert "RETENTION_EXCEEDED" in flags[file], (file, c)
        assert c["oldest_timestamp"].startswith("2015-06-01"), c
        assert (c["age_column"], c["age_method"]) == (column, method), c
    # Read whole; a birth date is no row's date.
    c = containers["fresh.csv"]
    assert "RETENTION_EXCEEDED" not in flags["fresh.csv"]
    assert (c["age_column"], c["age_method"]) == ("дата_создания", "min_scan"), c
    assert c["oldest_timestamp"] >= (TODAY - dt.timedelta(days=400)).isoformat()
