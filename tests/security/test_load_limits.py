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


def test_max_rows_per_second_paces_reading(derbes_scan, sqlite_db: Path, tmp_path: Path,
                                           monkeypatch: pytest.MonkeyPatch):
    from derbes.scanner.sources.sql import throttle

    slept: list[float] = []

    class Clock:  # the throttle's clock, its waits recorded
        monotonic = staticmethod(time.monotonic)

        @staticmethod
        def sleep(seconds: float) -> None:
            slept.append(seconds)
            time.sleep(seconds)

    monkeypatch.setattr(throttle, "time", Clock)
    url = f"sqlite:///{sqlite_db}"
    free = derbes_scan([url], sample_rows=0)
    assert slept == []  # without a limit the throttle never waits
    t0 = time.perf_counter()
    paced = derbes_scan([url], sample_rows=0, max_rows_per_second=LIMIT)
    paced_seconds = time.perf_counter() - t0
    for run in (free, paced):
        assert run.source(url)["rows_scanned"] == ROWS and run.code == 0
    observed = ROWS / paced_seconds
    # At most the limit, with room for the one-second burst the token bucket allows (a
    # loaded machine only reads slower).
    assert observed <= LIMIT * 1.5, (observed, LIMIT)
    # And the limit did the pacing: the throttle waited, unless reading was slower anyway.
    assert slept or paced_seconds >= (ROWS - LIMIT) / LIMIT, (slept, paced_seconds)


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
