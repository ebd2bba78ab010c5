"""What a binary column of photos adds to a table's scan: derbes against the same scan with
that column excluded.

A table of ``--rows`` rows, each an e-mail and a photo (``bytea``: a JPEG's first bytes, then
``--kib`` KiB of random bytes), in the database of ``--url`` (the local PostgreSQL by
default). Each round scans the table whole through the engine, once as it stands and once with
``--exclude-column photo``: the ratio says what reading the photos costs. derbes sends only
an image's first bytes (``_binary_opening`` in ``scanner/sources/sql/source.py``); a value
that is no image sends its first 64 KiB. Best of ``--repeat`` rounds. The table is dropped
at the end.

    .venv/bin/python benchmarks/db_photos.py [--url URL] [--rows 1000] [--kib 256] [--repeat 3]
"""

from __future__ import annotations

import argparse
import os
import secrets
import time

import sqlalchemy as sa

from derbes.scanner.engine import ScanOptions, scan
from derbes.scanner.sources.sql import SqlSource

POSTGRES = "postgresql+psycopg://postgres@127.0.0.1:5432/test"
JPEG = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--url", default=POSTGRES, help="SQLAlchemy URL of the database")
    parser.add_argument("--rows", type=int, default=1000)
    parser.add_argument("--kib", type=int, default=256, help="size of each photo")
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    table = f"derbes_photos_{secrets.token_hex(3)}"
    engine = sa.create_engine(args.url)
    with engine.begin() as conn:
        conn.execute(sa.text(f"CREATE TABLE {table} (id int PRIMARY KEY, email text, "
                             "photo bytea)"))
        conn.execute(sa.text(f"INSERT INTO {table} VALUES (:id, :email, :photo)"), [
            {"id": i, "email": f"user{i}@example.kz",
             "photo": JPEG + os.urandom(args.kib << 10)} for i in range(args.rows)])
    try:
        best = {"with photos": float("inf"), "photo excluded": float("inf")}
        for _ in range(args.repeat):
            for label, exclude in (("with photos", []), ("photo excluded", ["photo"])):
                source = SqlSource(args.url, include=[f"*.{table}"], exclude_columns=exclude,
                                   sample_rows=args.rows)
                started = time.perf_counter()
                result = scan([source], ScanOptions(jobs=1))
                took = time.perf_counter() - started
                best[label] = min(best[label], took)
                hits = sum(f.hits for f in result.findings if f.entity == "EMAIL_ADDRESS")
                assert hits == args.rows, hits
        for label, seconds in best.items():
            print(f"{label}: best {seconds:.3f} s ({args.rows} rows, {args.kib} KiB photos)")
        print(f"ratio with photos/photo excluded: "
              f"{best['with photos'] / best['photo excluded']:.2f}x")
    finally:
        with engine.begin() as conn:
            conn.execute(sa.text(f"DROP TABLE {table}"))
        engine.dispose()


if __name__ == "__main__":
    main()
