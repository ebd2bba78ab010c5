"""One detector, several threads: the engine scans the tables of a database concurrently.

Regression: the Hyperscan scratch space was shared by every thread, so two tables scanned
at the same moment failed one of them with ``internal error (ScratchInUseError)``.
"""

from __future__ import annotations

import sqlite3
import threading
from pathlib import Path

from derbes_e2e import IINS, write_control


def test_threads_share_a_detector(shared_detector) -> None:
    values = [f"client {IINS[i % 7]} phone +7701123{i % 10_000:04d} mail a{i}@mail.kz"
              for i in range(600)]
    expected = list(shared_detector.scan_values(values, ("note",)))
    assert len(expected) == len(values)
    errors: list[BaseException] = []
    results: list[list] = []

    def work() -> None:
        try:
            for _ in range(3):
                results.append(list(shared_detector.scan_values(values, ("note",))))
        except Exception as e:  # collected: the assertion below names it
            errors.append(e)

    threads = [threading.Thread(target=work) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors, [type(e).__name__ for e in errors]
    assert all(r == expected for r in results) and len(results) == 12


def test_tables_scanned_in_parallel(derbes_scan, tmp_path: Path) -> None:
    control = write_control(tmp_path)
    db = tmp_path / "many.db"
    with sqlite3.connect(db) as conn:
        for t in range(8):
            conn.execute(f"CREATE TABLE t{t} (id INTEGER PRIMARY KEY, note TEXT)")
            conn.executemany(f"INSERT INTO t{t} VALUES (?, ?)",
                             [(i, f"client {IINS[i % 7]} paid") for i in range(1, 801)])
    url = f"sqlite:///{db}"
    run = derbes_scan([control, url], connections=4, sample_rows=0)
    run.assert_control_complete(control)
    src = run.source(url)
    assert src["status"] == "ok" and src["errors"] == [], src
    assert sorted(f["hits"] for f in run.findings_of(url)) == [800] * 8
    assert run.code == 0
