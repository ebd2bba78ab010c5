"""Load on a scanned server is bounded: ``--max-rows-per-second`` paces reading (measured as
a ratio to the limit, never an absolute time) and ``--connections`` caps the sessions.

The statement timeout is tested end to end in ``tests/reliability/test_bad_databases.py``
(``test_pg_statement_timeout``, ``test_mysql_statement_timeout``): the query is cancelled by
the server and the table reported with the reason.
"""

from __future__ import annotations

import sqlite3
import threading
import time
from pathlib import Path
from typing import Any

import pytest
from derbes_e2e import IINS, unique_name, write_control

from derbes.scanner.sources.sql import display_name

ROWS = 12_000
LIMIT = 4_000  # rows per second: ROWS / LIMIT = 3 s unthrottled-free reading at most


@pytest.fixture
def sqlite_db(tmp_path: Path) -> Path:
    path = tmp_path / "rows.db"
    with sqlite3.connect(path) as conn:
        conn.execute("CREATE TABLE t (id INTEGER PRIMARY KEY, iin TEXT)")
        conn.executemany("INSERT INTO t VALUES (?, ?)",
                         [(i, IINS[i % 7]) for i in range(1, ROWS + 1)])
    return path


def test_max_rows_per_second_paces_reading(derbes_scan, sqlite_db: Path, tmp_path: Path):
    url = f"sqlite:///{sqlite_db}"
    t0 = time.perf_counter()
    free = derbes_scan([url], sample_rows=0)
    free_seconds = time.perf_counter() - t0
    t0 = time.perf_counter()
    paced = derbes_scan([url], sample_rows=0, max_rows_per_second=LIMIT)
    paced_seconds = time.perf_counter() - t0
    for run in (free, paced):
        assert run.source(url)["rows_scanned"] == ROWS and run.code == 0
    observed = ROWS / paced_seconds
    # At most the limit, with room for the one-second burst the token bucket allows.
    assert observed <= LIMIT * 1.5, (observed, LIMIT)
    # And it is the limit that slowed it: without it the same read is much faster.
    assert ROWS / free_seconds >= 2 * observed, (ROWS / free_seconds, observed)


@pytest.mark.postgres
def test_connections_cap_the_sessions(derbes_scan, tmp_path: Path, pg: Any, pg_db: Any):
    schema = unique_name("conn")
    pg.execute(f"CREATE SCHEMA {schema}")
    for i in range(6):  # six slow views: with more sessions they would all run at once
        pg.execute(f"CREATE VIEW {schema}.v{i} AS SELECT '{IINS[i]}'::text AS iin, "
                   f"pg_sleep(0.25)::text AS pause")
    seen: list[int] = []
    stop = threading.Event()

    def watch() -> None:
        import psycopg

        with psycopg.connect(host=pg_db.host, port=pg_db.port, user=pg_db.user,
                             dbname=pg_db.name, autocommit=True) as conn:
            while not stop.is_set():
                seen.append(conn.execute(
                    "SELECT count(*) FROM pg_stat_activity WHERE application_name = 'derbes'"
                    " AND datname = %s", (pg_db.name,)).fetchone()[0])
                time.sleep(0.01)

    watcher = threading.Thread(target=watch, daemon=True)
    watcher.start()
    try:
        control = write_control(tmp_path)
        run = derbes_scan([control, pg_db.url()], include=[f"{schema}.*"], connections=2)
    finally:
        stop.set()
        watcher.join()
        pg.execute(f"DROP SCHEMA {schema} CASCADE")
    assert run.source(display_name(pg_db.url()))["status"] == "ok"
    assert max(seen) == 2, sorted(set(seen))  # used, and never more
