"""A realistic schema scanned whole: derbes against a plain read of the same rows.

The eight tables of Kazakh systems of :mod:`derbes.detectors.corpora.schema` (CRM, billing,
shop, telecom, logistics, HR, web sessions; 72 columns of names, IINs, BINs, phones, cards,
IBANs, JSON payloads, dates, look-alike numbers, tokens and masked numbers), ``--scale`` times
their rows (from about ten times, one finding more than the labels: ``schema.create``), in
the database of ``--url`` (the local PostgreSQL by default). Each round scans
every row of every table through the engine (``SqlSource`` with ``sample_rows`` above the
row count: sampling takes all), then reads the same tables with a plain ``SELECT *`` over one
SQLAlchemy connection, no detection: the floor that any scanner pays. The ratio of the two
says what detection, evidence and aggregation add. Best of ``--repeat`` rounds, and the
median of the rounds' ratios (this VM's speed drifts; a round meets it at about the same
speed). The tables are dropped at the end.

    .venv/bin/python benchmarks/db_schema.py [--url URL] [--scale 10] [--repeat 3]
        [--connections 1]
"""

from __future__ import annotations

import argparse
import os
import secrets
import statistics
import time

import sqlalchemy as sa

from derbes.detectors.corpora import schema
from derbes.scanner.engine import ScanOptions, scan
from derbes.scanner.sources.sql import SqlSource

POSTGRES = "postgresql+psycopg://postgres@127.0.0.1:5432/test"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--url", default=POSTGRES, help="SQLAlchemy URL of the database")
    parser.add_argument("--scale", type=int, default=10, help="times each table's rows")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--connections", type=int, default=1)
    parser.add_argument("--jobs", type=int, default=1,
                        help="processes (at most --connections of them read tables)")
    args = parser.parse_args()

    engine = sa.create_engine(args.url)
    prefix = f"bench_{os.getpid()}_{secrets.token_hex(2)}_"
    started = time.perf_counter()
    schema.create(engine, prefix, scale=args.scale)
    names = [prefix + name for name in schema.TABLES]
    rows = sum(n * args.scale for n, _ in schema.TABLES.values())
    values = sum(n * args.scale * len(cols) for n, cols in schema.TABLES.values())
    print(f"{engine.dialect.name}: {len(names)} tables, {rows} rows, {values} values "
          f"(72 columns; made in {time.perf_counter() - started:.1f} s)")
    qualified = [f"{engine.url.database}.{n}" if engine.dialect.name == "mysql"
                 else (f"public.{n}" if engine.dialect.name == "postgresql" else n)
                 for n in names]
    try:
        scans, reads = [], []
        for _ in range(args.repeat):
            source = SqlSource(args.url, include=qualified, sample_rows=rows + 1,
                               connections=args.connections, seed=1)
            started = time.perf_counter()
            result = scan([source], ScanOptions(connections=args.connections, jobs=args.jobs))
            scans.append(time.perf_counter() - started)
            summary = result.sources[0]
            assert summary.status == "ok" and summary.rows_scanned == rows, summary
            meta = sa.MetaData()
            started = time.perf_counter()
            read = 0
            with engine.connect() as conn:
                for name in names:
                    table = sa.Table(name, meta, autoload_with=conn)
                    read += len(conn.execute(sa.select(table)).fetchall())
            reads.append(time.perf_counter() - started)
            assert read == rows
        best, floor = min(scans), min(reads)
        print(f"derbes scan, {args.connections} connection(s), --jobs {args.jobs}: {best:.2f} s "
              f"(rounds "
              f"{', '.join(f'{s:.2f}' for s in scans)}), {best / values * 1e6:.2f} us a value; "
              f"{len(result.findings)} findings")
        print(f"plain SELECT * of the same rows: {floor:.2f} s (rounds "
              f"{', '.join(f'{s:.2f}' for s in reads)})")
        print(f"ratio derbes/plain read: {best / floor:.1f}x (median of the rounds' ratios "
              f"{statistics.median(s / r for s, r in zip(scans, reads, strict=True)):.1f}x)")
    finally:
        meta = sa.MetaData()
        with engine.begin() as conn:
            for name in names:
                sa.Table(name, meta, autoload_with=conn).drop(conn)


if __name__ == "__main__":
    main()
