"""Sampling cost must not grow with the table: time a 1000-row sample of a 10k-row and of a
2M-row PostgreSQL table in the same run and print the ratio (expected: at most 2).

For reference it also times the naive ``ORDER BY random() LIMIT 1000`` on the large table,
which sorts every row. Not a test: run it by hand.

    .venv/bin/python benchmarks/sql_sampling.py [--url postgresql://postgres@127.0.0.1/test]

The tables live in a schema of their own, dropped at the end. Exit status 1 if the ratio
exceeds ``--max-ratio``.
"""

from __future__ import annotations

import argparse
import os
import secrets
import statistics
import sys
import time

import sqlalchemy as sa

from derbes.scanner.sources.base import ContainerDone
from derbes.scanner.sources.sql import SqlSource


def sample_seconds(src: SqlSource, container: object, repeat: int) -> tuple[float, int]:
    """Median seconds to read one sample, and the rows in the last sample."""
    times = []
    rows = 0
    for _ in range(repeat):
        started = time.perf_counter()
        for batch in src.read(container):
            if isinstance(batch, ContainerDone):
                rows = batch.rows_scanned
        times.append(time.perf_counter() - started)
    return statistics.median(times), rows


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--url",
        default=os.environ.get("DERBES_BENCH_PG", "postgresql://postgres@127.0.0.1:5432/test"),
    )
    parser.add_argument("--small", type=int, default=10_000)
    parser.add_argument("--large", type=int, default=2_000_000)
    parser.add_argument("--sample", type=int, default=1000)
    parser.add_argument("--repeat", type=int, default=15)
    parser.add_argument("--max-ratio", type=float, default=2.0)
    args = parser.parse_args()

    schema = f"derbes_bench_{os.getpid()}_{secrets.token_hex(3)}"
    admin_url = args.url.replace("postgresql://", "postgresql+psycopg://", 1)
    admin = sa.create_engine(admin_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        started = time.perf_counter()
        conn.exec_driver_sql(f'CREATE SCHEMA "{schema}"')
        for name, rows in (("small", args.small), ("large", args.large)):
            conn.exec_driver_sql(
                f'CREATE TABLE "{schema}".{name} AS SELECT g AS id, md5(g::text) AS token,'
                f" '8704' || lpad(g::text, 8, '0') AS iin FROM generate_series(1, {rows}) g"
            )
            conn.exec_driver_sql(f'ALTER TABLE "{schema}".{name} ADD PRIMARY KEY (id)')
            conn.exec_driver_sql(f'ANALYZE "{schema}".{name}')
        print(f"setup: {args.small} and {args.large} rows in {time.perf_counter() - started:.1f} s")
    try:
        with SqlSource(args.url, include=[f"{schema}.*"], sample_rows=args.sample) as src:
            containers = {c.name.split(".")[-1]: c for c in src.containers()}
            sample_seconds(src, containers["small"], 2)  # warm the cache and the pool
            sample_seconds(src, containers["large"], 2)
            small, small_rows = sample_seconds(src, containers["small"], args.repeat)
            large, large_rows = sample_seconds(src, containers["large"], args.repeat)
        with admin.connect() as conn:
            started = time.perf_counter()
            conn.exec_driver_sql(
                f'SELECT * FROM "{schema}".large ORDER BY random() LIMIT {args.sample}'
            ).all()
            naive = time.perf_counter() - started
    finally:
        with admin.connect() as conn:
            conn.exec_driver_sql(f'DROP SCHEMA "{schema}" CASCADE')
        admin.dispose()

    ratio = large / small
    for label, rows, of, seconds in (
        ("small", small_rows, args.small, small),
        ("large", large_rows, args.large, large),
    ):
        print(
            f"{label}: {rows} of {of:>9} rows in {seconds * 1000:7.2f} ms (median of {args.repeat})"
        )
    print(f"ratio large/small: {ratio:.2f} (limit {args.max_ratio:g})")
    print(f"reference, ORDER BY random() on the large table: {naive * 1000:.0f} ms")
    return 0 if ratio <= args.max_ratio else 1


if __name__ == "__main__":
    sys.exit(main())
