"""Many tables: scan 1,000 PostgreSQL tables of 1,000 sampled rows each, through the engine.

The target (issue 6) is under a minute on the local server. Next to it, in the same run, the
floor that any scanner pays: reading the same rows with plain ``SELECT *`` over one psycopg
connection, no detection. The ratio says what detection, sampling and aggregation add.

    .venv/bin/python benchmarks/db_tables.py [--tables 1000] [--rows 1000] [--connections 4]
        [--jobs 1] [--no-timestamps] [--sample-rows N] [--dialect mariadb] [--delay-ms MS]

Every table holds a valid IIN (five values repeat) and a phone number (distinct across all
tables) in every row, and ``created_at`` and ``updated_at`` as the tables of most
applications do (Rails and Django models add them; ``--no-timestamps`` leaves them out:
without them no table's age is read). The tables live in a schema of their own (MariaDB:
in its ``test`` database, under a prefix of their own), dropped at the end. Exit status 1 if
the scan takes longer than ``--max-seconds``.

``--sample-rows`` below ``--rows`` samples every table (by default each is read whole).
``--delay-ms`` puts the database that far away: the scan and the plain read go through
``benchmarks/latency_proxy.py``, which delays each way by that much (5 gives a round trip of
about 10.8 ms here).
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import secrets
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from derbes.scanner.engine import ScanOptions, scan
from derbes.scanner.sources.sql import SqlSource

# Valid IINs from the detectors' independent test vectors.
IINS = ("871008401427", "760212350620", "800416300257", "680503450037", "811201401188")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--dialect", choices=("postgresql", "mariadb"), default="postgresql")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, help="default: 5432, or 3306 for MariaDB")
    parser.add_argument("--user", help="default: postgres, or root for MariaDB")
    parser.add_argument("--db", default="test")
    parser.add_argument("--tables", type=int, default=1000)
    parser.add_argument("--rows", type=int, default=1000)
    parser.add_argument("--sample-rows", type=int, help="default: --rows (read whole)")
    parser.add_argument("--connections", type=int, default=4)
    parser.add_argument("--jobs", type=int, default=1,
                        help="processes (at most --connections of them read tables)")
    parser.add_argument("--no-timestamps", dest="timestamps", action="store_false",
                        help="no created_at and updated_at columns")
    parser.add_argument("--delay-ms", type=float, default=0.0,
                        help="through a proxy delaying each way by this much")
    parser.add_argument("--max-seconds", type=float, default=60.0)
    args = parser.parse_args()
    maria = args.dialect == "mariadb"
    port = args.port or (3306 if maria else 5432)
    user = args.user or ("root" if maria else "postgres")
    db = (_MariaDB if maria else _PostgreSQL)(args.host, port, user, args.db)

    started = time.perf_counter()
    db.create(args.tables, args.rows, args.timestamps)
    print(f"setup: {args.tables} {args.dialect} tables of {args.rows} rows"
          f"{' with created_at, updated_at' if args.timestamps else ''} in "
          f"{time.perf_counter() - started:.1f} s")
    try:
        with _far(port, args.delay_ms) as scan_port:
            source = SqlSource(db.url(scan_port), include=[db.pattern],
                               sample_rows=args.sample_rows or args.rows,
                               connections=args.connections, seed=1)
            started = time.perf_counter()
            result = scan([source], ScanOptions(connections=args.connections, jobs=args.jobs))
            derbes_s = time.perf_counter() - started
            started = time.perf_counter()
            rows = db.read_all(scan_port, args.tables)
            floor_s = time.perf_counter() - started
    finally:
        db.drop(args.tables)
    summary = result.sources[0]
    found = {(f.field, f.entity) for f in result.findings if f.match_type != "name"}
    far = f", {args.delay_ms:g} ms each way" if args.delay_ms else ""
    print(f"derbes scan: {summary.containers} tables, {summary.rows_scanned} rows in "
          f"{derbes_s:.1f} s ({summary.status}, connections {args.connections}, "
          f"--jobs {args.jobs}{far}); "
          f"value findings per table: {sorted(found)}")
    print(f"reference, plain SELECT * of the same {rows} rows on one connection: {floor_s:.1f} s")
    print(f"ratio derbes/plain read: {derbes_s / floor_s:.1f}x")
    met = derbes_s < args.max_seconds
    print(f"target: under {args.max_seconds:.0f} s: {'met' if met else 'NOT met'}")
    return 0 if met and summary.status == "ok" else 1


@contextmanager
def _far(port: int, delay_ms: float) -> Iterator[int]:
    """The port to reach the database on: ``port`` itself, or a proxy's that delays each way
    by ``delay_ms``."""
    if not delay_ms:
        yield port
        return
    listen = 20000 + os.getpid() % 20000
    proxy = subprocess.Popen(
        [sys.executable, str(Path(__file__).with_name("latency_proxy.py")), "--listen",
         str(listen), "--to", str(port), "--delay-ms", str(delay_ms)],
        stdout=subprocess.PIPE, text=True)
    try:
        if proxy.stdout.readline().strip() != "listening":
            raise RuntimeError("the latency proxy did not start")
        yield listen
    finally:
        proxy.kill()
        proxy.wait()


class _PostgreSQL:
    def __init__(self, host: str, port: int, user: str, db: str) -> None:
        import psycopg

        self._connect = lambda port, **kw: psycopg.connect(host=host, port=port, user=user,
                                                          dbname=db, **kw)
        self._host, self._port, self._user, self._db = host, port, user, db
        self.schema = f"derbes_many_{os.getpid()}_{secrets.token_hex(3)}"
        self.pattern = f"{self.schema}.*"

    def url(self, port: int) -> str:
        return f"postgresql+psycopg://{self._user}@{self._host}:{port}/{self._db}"

    def create(self, tables: int, rows: int, timestamps: bool) -> None:
        stamps = ", created_at timestamptz, updated_at timestamptz" if timestamps else ""
        stamped = ", now() - g * interval ''1 hour'', now()" if timestamps else ""
        with self._connect(self._port, autocommit=True) as conn:
            conn.execute(f'CREATE SCHEMA "{self.schema}"')
            iins = "ARRAY[" + ",".join(f"''{v}''" for v in IINS) + "]"  # quoted in format()
            conn.execute(f"""
                DO $$ BEGIN
                FOR t IN 1..{tables} LOOP
                  EXECUTE format('CREATE TABLE "{self.schema}".t%s (id bigint PRIMARY KEY,
                      iin text, phone text, note text, amount numeric(12,2){stamps})', t);
                  EXECUTE format('INSERT INTO "{self.schema}".t%s SELECT g,
                      ({iins})[1 + g %% 5],
                      ''+7 701 '' || lpad((%s * {rows} + g)::text, 7, ''0''),
                      ''order '' || (100000000000 + g), g * 1.5{stamped}
                      FROM generate_series(1, {rows}) g', t, t);
                END LOOP; END $$""")
            conn.execute("ANALYZE")

    def read_all(self, port: int, tables: int) -> int:
        with self._connect(port) as conn:
            return sum(len(conn.execute(f'SELECT * FROM "{self.schema}".t{t}').fetchall())
                       for t in range(1, tables + 1))

    def drop(self, _tables: int) -> None:
        with self._connect(self._port, autocommit=True) as conn:
            conn.execute(f'DROP SCHEMA "{self.schema}" CASCADE')


class _MariaDB:
    def __init__(self, host: str, port: int, user: str, db: str) -> None:
        import pymysql

        self._connect = lambda port: pymysql.connect(host=host, port=port, user=user,
                                                     database=db, autocommit=True)
        self._host, self._port, self._user, self._db = host, port, user, db
        self.prefix = f"derbes_many_{os.getpid()}_{secrets.token_hex(3)}"
        self.pattern = f"{self.prefix}_*"

    def url(self, port: int) -> str:
        return f"mysql://{self._user}@{self._host}:{port}/{self._db}"

    def create(self, tables: int, rows: int, timestamps: bool) -> None:
        now = dt.datetime.now().replace(microsecond=0)
        stamps = ", created_at datetime, updated_at datetime" if timestamps else ""
        marks = "%s, " * (6 if timestamps else 4) + "%s"
        conn = self._connect(self._port)
        try:
            with conn.cursor() as cur:
                for t in range(1, tables + 1):
                    cur.execute(f"CREATE TABLE {self.prefix}_t{t} (id bigint PRIMARY KEY, "
                                f"iin varchar(12), phone varchar(20), note text, "
                                f"amount decimal(12,2){stamps})")
                    cur.executemany(f"INSERT INTO {self.prefix}_t{t} VALUES ({marks})", [
                        (g, IINS[g % 5], f"+7 701 {t * rows + g:07d}", f"order {10**11 + g}",
                         g * 1.5, *((now - dt.timedelta(hours=g), now) if timestamps else ()))
                        for g in range(1, rows + 1)])
                    cur.execute(f"ANALYZE TABLE {self.prefix}_t{t}")
                    cur.fetchall()
        finally:
            conn.close()

    def read_all(self, port: int, tables: int) -> int:
        conn = self._connect(port)
        try:
            with conn.cursor() as cur:
                rows = 0
                for t in range(1, tables + 1):
                    cur.execute(f"SELECT * FROM {self.prefix}_t{t}")
                    rows += len(cur.fetchall())
                return rows
        finally:
            conn.close()

    def drop(self, tables: int) -> None:
        conn = self._connect(self._port)
        try:
            with conn.cursor() as cur:
                for t in range(1, tables + 1):
                    cur.execute(f"DROP TABLE IF EXISTS {self.prefix}_t{t}")
        finally:
            conn.close()


if __name__ == "__main__":
    sys.exit(main())
