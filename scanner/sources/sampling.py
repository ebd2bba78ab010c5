"""Sampling table rows with the database's own randomness, at a cost that does not grow with
the table.

Every strategy first counts at most ``5 * n + 1`` rows (a bounded scan): in the statement
that reads the first ``n + 1`` rows too, unless the catalog's estimate says the table holds
more than ``n`` (``Target.estimated_rows``), so that a small table costs one statement. A
table of at most ``n`` rows is read whole; a small one (at most ``5 * n``) is shuffled by
the database (``ORDER BY random()``); a large one is sampled without touching the rest of the table:

* PostgreSQL: ``TABLESAMPLE SYSTEM (pct) REPEATABLE (seed)`` over a handful of random pages
  (``SYSTEM_ROWS(n)`` when ``tsm_system_rows`` is installed and no seed is set), the percentage
  estimated from ``pg_class`` and the relation's current size; if too few rows come back, a
  bigger percentage, then ``BERNOULLI``, then ``ORDER BY random()``.
* MySQL/MariaDB and SQLite: a few ranges of the integer primary key (SQLite: the rowid), each
  starting at a random key between the minimum and the maximum and read in key order, so each
  range is one index seek; the ranges are read in one statement (``UNION ALL``), and only
  those drawn again after overlaps one by one. ``ORDER BY RAND()`` is never run on a large
  table.
* Large views and tables without an integer key: the first ``n`` rows, said so in the notes.

The functions here build SQL with SQLAlchemy Core on already-quoted identifiers and issue
nothing but SELECTs.
"""

from __future__ import annotations

import math
import random
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field

import sqlalchemy as sa
from sqlalchemy.engine import Connection
from sqlalchemy.sql.elements import ColumnElement
from sqlalchemy.sql.expression import TableClause

#: A table of at most ``SMALL_FACTOR * n`` rows is small: shuffling it whole is cheap.
SMALL_FACTOR = 5
#: Rows per primary-key range: ``n = 1000`` reads ten ranges of a hundred rows.
RANGE_ROWS = 100
MAX_RANGES = 20
#: TABLESAMPLE SYSTEM asks for this many times ``n`` rows, so the sample rarely falls short.
OVERSAMPLE = 3
#: ... and at least this many pages, so a sample of wide pages is not one or two pages.
MIN_PAGES = 10

Row = Sequence[object]


@dataclass(frozen=True, slots=True)
class Target:
    """A table or view to sample: its quoted Core table and what the strategies need."""

    table: TableClause
    view: bool = False
    #: Integer primary-key columns usable for range sampling (SQLite: ``("rowid",)``).
    keys: tuple[str, ...] = ()
    schema: str = ""
    name: str = ""
    #: The catalog's estimate of its rows when listed, ``None`` where it had none.
    estimated_rows: float | None = None


@dataclass(slots=True)
class Sample:
    """The sampled rows (values in the order of the requested columns) in chunks."""

    chunks: Iterator[list[Row]]
    sampled: bool
    notes: list[str] = field(default_factory=list)
    #: The rows are in memory already (a sample, or a table small enough to be read whole
    #: at once), not streamed from the database.
    held: bool = False


def take(
    conn: Connection,
    family: str,
    target: Target,
    columns: Sequence[ColumnElement],
    n: int,
    seed: int | None,
    *,
    chunk_rows: int = 1000,
    system_rows: bool = False,
) -> Sample:
    """Sample ``n`` rows of ``target`` (``n == 0``: the whole table, streamed).

    ``family`` is ``postgresql``, ``mysql``, ``sqlite`` or anything else (first ``n`` rows).
    """
    table = target.table
    if n <= 0:
        return Sample(_stream(conn, sa.select(*columns).select_from(table), chunk_rows), False)
    if family not in ("postgresql", "mysql", "sqlite"):
        rows = _all(conn, sa.select(*columns).select_from(table).limit(n))
        return _sample(rows, n, chunk_rows, [f"first {n} rows: no random sampling for dialect"])
    if target.estimated_rows is None or target.estimated_rows <= n:
        # Small by the catalog, or it cannot say: its first rows and the bounded count in
        # one statement, so that a small table is read in one round trip. A large one that
        # the catalog took for small costs n + 1 rows read in vain.
        rows, count = _first_rows_counted(conn, table, columns, n + 1, SMALL_FACTOR * n + 1)
        if count <= n:
            return Sample(_chunks(rows, chunk_rows), False, held=True)
    else:
        count = _bounded_count(conn, table, SMALL_FACTOR * n + 1)
        if count <= n:  # the catalog's estimate was stale
            rows = _all(conn, sa.select(*columns).select_from(table))
            return Sample(_chunks(rows, chunk_rows), False, held=True)
    small = count <= SMALL_FACTOR * n
    if family == "postgresql":
        return _postgresql(conn, target, columns, n, seed, small, count, chunk_rows, system_rows)
    return _by_key(conn, family, target, columns, n, seed, small, count, chunk_rows)


def _postgresql(
    conn: Connection,
    target: Target,
    columns: Sequence[ColumnElement],
    n: int,
    seed: int | None,
    small: bool,
    count: int,
    chunk_rows: int,
    system_rows: bool,
) -> Sample:
    table = target.table
    if seed is not None:
        # random() in ORDER BY follows the session seed: same seed, same table, same rows.
        conn.execute(sa.select(sa.func.setseed(_unit(seed))))
    if small:
        order = sa.func.random()
        return _shuffled(conn, target, columns, n, count, order, "ORDER BY random()", chunk_rows)
    if target.view:
        return _first_rows(conn, target, columns, n, "view", chunk_rows)

    est, pages = _pg_estimate(conn, target, n)
    if system_rows and seed is None:
        sampled = table.tablesample(sa.func.system_rows(n), name="s")
        rows = _all(conn, sa.select(*columns).select_from(sampled))
        if len(rows) >= n:
            return _sample(rows, n, chunk_rows, [f"{n} of ~{est} rows (TABLESAMPLE SYSTEM_ROWS)"])

    pct = _percent(OVERSAMPLE * n, est)
    if pages:
        pct = max(pct, _percent(MIN_PAGES, pages))
    repeatable = sa.literal(seed, sa.Float) if seed is not None else None
    for _ in range(3):
        sampled = table.tablesample(sa.func.system(pct), name="s", seed=repeatable)
        query = sa.select(*columns).select_from(sampled).order_by(sa.func.random()).limit(n)
        rows = _all(conn, query)
        if len(rows) >= n or pct >= 100:
            note = f"{len(rows)} of ~{est} rows (TABLESAMPLE SYSTEM {pct:.4g}%)"
            return _sample(rows, n, chunk_rows, [note])
        pct = min(100.0, pct * 4)

    # Page sampling keeps falling short (stale estimate, bloated table): sample rows instead.
    # These read the whole table, but only after the cheap methods failed.
    pct = _percent(OVERSAMPLE * n, est)
    sampled = table.tablesample(sa.func.bernoulli(pct), name="s", seed=repeatable)
    rows = _all(conn, sa.select(*columns).select_from(sampled).order_by(sa.func.random()).limit(n))
    if len(rows) >= n:
        return _sample(rows, n, chunk_rows, [f"{n} of ~{est} rows (TABLESAMPLE BERNOULLI)"])
    rows = _all(conn, sa.select(*columns).select_from(table).order_by(sa.func.random()).limit(n))
    return _sample(rows, n, chunk_rows, [f"{len(rows)} of ~{est} rows (ORDER BY random())"])


_PG_SIZE = sa.text(
    """
    SELECT c.relkind,
           CASE WHEN c.relkind = 'p' THEN
             (SELECT sum(greatest(l.reltuples, 0)) FROM pg_partition_tree(c.oid) t
              JOIN pg_class l ON l.oid = t.relid WHERE t.isleaf)
           ELSE greatest(c.reltuples, 0) END AS tuples,
           CASE WHEN c.relkind = 'p' THEN
             (SELECT sum(l.relpages) FROM pg_partition_tree(c.oid) t
              JOIN pg_class l ON l.oid = t.relid WHERE t.isleaf)
           ELSE c.relpages END AS relpages,
           CASE WHEN c.relkind = 'p' THEN
             (SELECT sum(pg_relation_size(l.oid)) FROM pg_partition_tree(c.oid) t
              JOIN pg_class l ON l.oid = t.relid WHERE t.isleaf)
           ELSE pg_relation_size(c.oid) END
             / current_setting('block_size')::int AS pages
    FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
    WHERE n.nspname = :schema AND c.relname = :name
    """
)


def _pg_estimate(conn: Connection, target: Target, n: int) -> tuple[int, int]:
    """(estimated rows, current pages) of a PostgreSQL table.

    ``reltuples`` may be stale or unknown (never analysed), but the relation's size on disk
    is current, so rows are estimated as current pages times the density last measured, or
    the density of a ~``MIN_PAGES``-page probe when the table was never analysed.
    """
    row = conn.execute(_PG_SIZE, {"schema": target.schema, "name": target.name}).first()
    floor = SMALL_FACTOR * n + 1  # the bounded count already saw this many
    if row is None:
        return floor, 0
    tuples, relpages, pages = float(row.tuples or 0), int(row.relpages or 0), int(row.pages or 0)
    if pages <= 0:
        return max(int(tuples), floor), 0
    if relpages > 0 and tuples > 0:
        density = tuples / relpages
    else:
        pct = _percent(MIN_PAGES, pages)
        probe = target.table.tablesample(sa.func.system(pct), name="s", seed=sa.literal(0.0))
        seen = conn.execute(sa.select(sa.func.count()).select_from(probe)).scalar_one()
        density = seen / max(pages * pct / 100, 1)
    return max(int(pages * density), floor), pages


def _by_key(
    conn: Connection,
    family: str,
    target: Target,
    columns: Sequence[ColumnElement],
    n: int,
    seed: int | None,
    small: bool,
    count: int,
    chunk_rows: int,
) -> Sample:
    """MySQL/MariaDB and SQLite: shuffle a small table, read random key ranges of a large one."""
    rng = random.Random(seed)
    if not small:
        if target.view or not target.keys:
            why = "view" if target.view else "no integer primary key"
            return _first_rows(conn, target, columns, n, why, chunk_rows)
        rows, ranges = _key_ranges(conn, target, columns, n, rng)
        return _sample(rows, n, chunk_rows, [f"{len(rows)} rows from {ranges} random key ranges"])
    if family == "mysql":
        rand = sa.func.rand(seed) if seed is not None else sa.func.rand()
        return _shuffled(conn, target, columns, n, count, rand, "ORDER BY RAND()", chunk_rows)
    if seed is not None and target.keys:
        # SQLite's random() takes no seed: choose the keys here, with the seeded generator.
        rows = _by_chosen_keys(conn, target, columns, n, rng)
        return _sample(rows, n, chunk_rows, [f"random {n} of {count} rows (seeded keys)"])
    order = sa.func.random()
    return _shuffled(conn, target, columns, n, count, order, "ORDER BY RANDOM()", chunk_rows)


def _shuffled(
    conn: Connection,
    target: Target,
    columns: Sequence[ColumnElement],
    n: int,
    count: int,
    order: ColumnElement,
    how: str,
    chunk_rows: int,
) -> Sample:
    """``n`` rows of a small table (``count`` rows) in the database's random ``order``."""
    query = sa.select(*columns).select_from(target.table).order_by(order).limit(n)
    return _sample(_all(conn, query), n, chunk_rows, [f"random {n} of {count} rows ({how})"])


def _first_rows(
    conn: Connection,
    target: Target,
    columns: Sequence[ColumnElement],
    n: int,
    why: str,
    chunk_rows: int,
) -> Sample:
    """The first ``n`` rows, where there is no cheap random sample; the note says ``why``."""
    rows = _all(conn, sa.select(*columns).select_from(target.table).limit(n))
    return _sample(rows, n, chunk_rows, [f"{why}: first {n} rows, not a random sample"])


def _key_ranges(
    conn: Connection,
    target: Target,
    columns: Sequence[ColumnElement],
    n: int,
    rng: random.Random,
) -> tuple[list[Row], int]:
    """Rows from random ranges of the integer key: each range is an index seek and a scan."""
    keys = [_key_column(k) for k in target.keys]
    first = keys[0]
    table = target.table
    lo, hi = conn.execute(
        sa.select(sa.func.min(first), sa.func.max(first)).select_from(table)
    ).one()
    if lo is None:
        return [], 0
    lo, hi = int(lo), int(hi)
    parts = max(1, min(MAX_RANGES, math.ceil(n / RANGE_ROWS)))
    per = math.ceil(n / parts)
    width = len(columns)
    seen: dict[tuple, Row] = {}
    # The first ranges in one statement: one round trip, not one a range.
    starts = [rng.randint(lo, hi) for _ in range(parts)]
    for row in _ranges(conn, table, columns, keys, starts, per):
        seen.setdefault(tuple(row[width:]), tuple(row[:width]))
    ranges = parts
    # Overlapping ranges and short tails return fewer new rows; try a few more starts.
    for _ in range(parts * 3):
        if len(seen) >= n:
            break
        start = rng.randint(lo, hi)
        query = (
            sa.select(*columns, *keys)
            .select_from(table)
            .where(first >= start)
            .order_by(*keys)
            .limit(per)
        )
        ranges += 1
        for row in conn.execute(query):
            seen.setdefault(tuple(row[width:]), tuple(row[:width]))
    if len(seen) < n:
        # Keys are sparse near the top: complete from the start of the key range.
        query = sa.select(*columns, *keys).select_from(table).order_by(*keys).limit(n)
        ranges += 1
        for row in conn.execute(query):
            if len(seen) >= n:
                break
            seen.setdefault(tuple(row[width:]), tuple(row[:width]))
    return list(seen.values())[:n], ranges


def _ranges(conn: Connection, table: TableClause, columns: Sequence[ColumnElement],
            keys: Sequence[ColumnElement], starts: Sequence[int], per: int) -> list[Row]:
    """The rows of a range of ``per`` keys from each of ``starts``, ``columns`` then
    ``keys``, range by range in key order: one ``UNION ALL`` of index seeks (its columns
    labelled: a key may be one of ``columns`` too, and a derived table takes no name
    twice)."""
    first = keys[0]
    branches = [
        sa.select(
            sa.select(*(c.label(f"c{j}") for j, c in enumerate(columns)),
                      *(k.label(f"k{j}") for j, k in enumerate(keys)),
                      sa.literal(i).label("derbes_range"))
            .select_from(table)
            .where(first >= start)
            .order_by(*keys)
            .limit(per)
            .subquery()
        )
        for i, start in enumerate(starts)
    ]
    found = [tuple(row) for row in conn.execute(sa.union_all(*branches))]
    # SQL keeps no order across the branches of a union: put each range's rows back in place.
    found.sort(key=lambda row: (row[-1], row[len(columns):-1]))
    return [row[:-1] for row in found]


def _by_chosen_keys(
    conn: Connection,
    target: Target,
    columns: Sequence[ColumnElement],
    n: int,
    rng: random.Random,
) -> list[Row]:
    """``n`` rows of a small table whose keys were chosen by ``rng`` (repeatable with a seed)."""
    key = _key_column(target.keys[0])
    table = target.table
    all_keys = sorted(conn.execute(sa.select(key).select_from(table)).scalars())
    chosen = sorted(rng.sample(all_keys, min(n, len(all_keys))))
    rows: list[Row] = []
    for i in range(0, len(chosen), 500):  # stay under SQLite's bound-parameter limit
        part = chosen[i : i + 500]
        query = sa.select(*columns).select_from(table).where(key.in_(part)).order_by(key)
        rows.extend(tuple(r) for r in conn.execute(query))
    return rows


def _key_column(name: str) -> ColumnElement:
    if name == "rowid":
        # SQLite's implicit key: a keyword of ours, not a user identifier.
        return sa.literal_column("rowid")
    return sa.column(sa.sql.quoted_name(name, True))


def _bounded_count(conn: Connection, table: TableClause, limit: int) -> int:
    inner = sa.select(sa.literal(1)).select_from(table).limit(limit).subquery()
    return int(conn.execute(sa.select(sa.func.count()).select_from(inner)).scalar_one())


def _first_rows_counted(conn: Connection, table: TableClause, columns: Sequence[ColumnElement],
                        rows: int, limit: int) -> tuple[list[Row], int]:
    """The first ``rows`` rows of ``table`` and its row count up to ``limit``, in one
    statement (the count an uncorrelated subquery, evaluated once)."""
    inner = sa.select(sa.literal(1)).select_from(table).limit(limit).subquery()
    count = sa.select(sa.func.count()).select_from(inner).scalar_subquery()
    found = _all(conn, sa.select(*columns, count).select_from(table).limit(rows))
    if not found:
        return [], 0
    return [row[:-1] for row in found], int(found[0][-1])


def _percent(want: float, of: float) -> float:
    return min(100.0, 100.0 * want / max(of, 1))


def _unit(seed: int) -> float:
    """A seed as PostgreSQL's setseed() wants it: a float in [-1, 1]."""
    return (seed % 2_000_001) / 1_000_000 - 1.0


def _all(conn: Connection, query: sa.Select) -> list[Row]:
    # .all() fetches every row at once, not one driver call per row.
    return [tuple(r) for r in conn.execute(query).all()]


def _sample(rows: list[Row], n: int, chunk_rows: int, notes: list[str]) -> Sample:
    return Sample(_chunks(rows[:n], chunk_rows), True, notes, held=True)


def _chunks(rows: list[Row], size: int) -> Iterator[list[Row]]:
    for i in range(0, len(rows), size):
        yield rows[i : i + size]


def _stream(conn: Connection, query: sa.Select, size: int) -> Iterator[list[Row]]:
    # Executed now, so that errors surface here rather than at the first fetch.
    result = conn.execute(query.execution_options(yield_per=size))
    return ([tuple(r) for r in part] for part in result.partitions(size))
