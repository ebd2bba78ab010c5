"""Many tables: scan 1,000 PostgreSQL tables of 1,000 sampled rows each, through the engine.

The target (issue 6) is under a minute on the local server. Next to it, in the same run, the
floor that any scanner pays: reading the same rows with plain ``SELECT *`` over one psycopg
connection, no detection. The ratio says what detection, sampling and aggregation add.

    .venv/bin/python benchmarks/db_tables.py [--tables 1000] [--rows 1000] [--connections 4]
        [--jobs 1] [--no-timestamps]

Every table holds a valid IIN (five values repeat) and a phone number (distinct across all
tables) in every row, and ``created_at`` and ``updated_at`` as the tables of most
applications do (Rails and Django models add them; ``--no-timestamps`` leaves them out:
without them no table's age is read). The tables live in a schema of their own, dropped at
the end. Exit status 1 if the scan takes longer than ``--max-seconds``.
"""

from __future__ import annotations

import argparse
import os
import secrets
import sys
import time

import psycopg

from derbes.scanner.engine import ScanOptions, scan
from derbes.scanner.sources.sql import SqlSource

# Valid IINs from the detectors' independent test vectors.
IINS = ("871008401427", "760212350620", "800416300257", "680503450037", "811201401188")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=5432)
    parser.add_argument("--user", default="postgres")
    parser.add_argument("--db", default="test")
    parser.add_argument("--tables", type=int, default=1000)
    parser.add_argument("--rows", type=int, default=1000)
    parser.add_argument("--connections", type=int, default=4)
    parser.add_argument("--jobs", type=int, default=1,
                        help="processes (at most --connections of them read tables)")
    parser.add_argument("--no-timestamps", dest="timestamps", action="store_false",
                        help="no created_at and updated_at columns")
    parser.add_argument("--max-seconds", type=float, default=60.0)
    args = parser.parse_args()
    stamps = ", created_at timestamptz, updated_at timestamptz" if args.timestamps else ""
    stamped = (", now() - g * interval ''1 hour'', now()" if args.timestamps else "")

    schema = f"derbes_many_{os.getpid()}_{secrets.token_hex(3)}"
    conninfo = dict(host=args.host, port=args.port, user=args.user, dbname=args.db)
    with psycopg.connect(**conninfo, autocommit=True) as conn:
        started = time.perf_counter()
        conn.execute(f'CREATE SCHEMA "{schema}"')
        iins = "ARRAY[" + ",".join(f"''{v}''" for v in IINS) + "]"  # quoted inside format()
        conn.execute(f"""
            DO $$ BEGIN
            FOR t IN 1..{args.tables} LOOP
              EXECUTE format('CREATE TABLE "{schema}".t%s (id bigint PRIMARY KEY, iin text,
                  phone text, note text, amount numeric(12,2){stamps})', t);
              EXECUTE format('INSERT INTO "{schema}".t%s SELECT g, ({iins})[1 + g %% 5],
                  ''+7 701 '' || lpad((%s * {args.rows} + g)::text, 7, ''0''),
                  ''order '' || (100000000000 + g), g * 1.5{stamped}
                  FROM generate_series(1, {args.rows}) g', t, t);
            END LOOP; END $$""")
        conn.execute('ANALYZE')
        print(f"setup: {args.tables} tables of {args.rows} rows"
              f"{' with created_at, updated_at' if args.timestamps else ''} in "
              f"{time.perf_counter() - started:.1f} s")
    try:
        url = (f"postgresql+psycopg://{args.user}@{args.host}:{args.port}/{args.db}")
        source = SqlSource(url, include=[f"{schema}.*"], sample_rows=args.rows,
                           connections=args.connections, seed=1)
        started = time.perf_counter()
        result = scan([source], ScanOptions(connections=args.connections, jobs=args.jobs))
        derbes_s = time.perf_counter() - started
        summary = result.sources[0]
        found = {(f.field, f.entity) for f in result.findings if f.match_type != "name"}

        with psycopg.connect(**conninfo) as conn:
            started = time.perf_counter()
            rows = 0
            for t in range(1, args.tables + 1):
                rows += len(conn.execute(f'SELECT * FROM "{schema}".t{t}').fetchall())
            floor_s = time.perf_counter() - started
    finally:
        with psycopg.connect(**conninfo, autocommit=True) as conn:
            conn.execute(f'DROP SCHEMA "{schema}" CASCADE')

    print(f"derbes scan: {summary.containers} tables, {summary.rows_scanned} rows in "
          f"{derbes_s:.1f} s ({summary.status}, connections {args.connections}, "
          f"--jobs {args.jobs}); "
          f"value findings per table: {sorted(found)}")
    print(f"reference, plain SELECT * of the same {rows} rows on one connection: {floor_s:.1f} s")
    print(f"ratio derbes/plain read: {derbes_s / floor_s:.1f}x")
    met = derbes_s < args.max_seconds
    print(f"target: under {args.max_seconds:.0f} s: {'met' if met else 'NOT met'}")
    return 0 if met and summary.status == "ok" else 1


if __name__ == "__main__":
    sys.exit(main())
