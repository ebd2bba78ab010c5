"""The inventory end to end (issue 3 acceptance): tables of known content in the real
PostgreSQL and MariaDB servers and in SQLite, scanned by ``run_scan`` (the CLI's path) or the
``derbes`` command, and checked exactly from what the scan wrote: ``findings.parquet``,
``summary.json``, ``report.json`` and ``hits.parquet``.

Every database holds the same four tables: ``clients`` (IINs in a text column and in a JSON
document, emails, phones in free text, a name and a birth date), ``accounts`` (IINs in a
BIGINT column and in free text, BINs), ``orders`` (look-alikes that must not be reported) and
``big`` (2000 rows, for sampling). The server tests work in a schema (PostgreSQL) or under a
table prefix (MariaDB) of their own inside the session database, and scan only that.
"""

from __future__ import annotations

import datetime as dt
import json
import sqlite3
from collections.abc import Collection, Iterator
from decimal import Decimal
from pathlib import Path
from typing import Any

import derbes_e2e
import pyarrow.parquet as pq
import pytest
from derbes_e2e import Run, read_output, run_cli, unique_name

# The end-to-end fixtures of tests/derbes_e2e.py, as tests/reliability uses them.
derbes_scan = derbes_e2e.derbes_scan
shared_detector = derbes_e2e.shared_detector

# Valid IINs and BINs: the independent vectors of the issue "Foundation and detectors" (taken
# there from public registries; see tests/detectors/test_kz_iin.py and test_kz_bin.py).
IIN_A, IIN_B, IIN_C, IIN_D, IIN_E, IIN_F = (
    "871008401427", "760212350620", "800416300257", "680503450037", "811201401188",
    "791028302728",
)
IIN_ZERO = "061211600012"  # leading zero: text columns only
BINS = ("940140000385", "950341000052", "961141000023", "971240001315", "210140019844",
        "250140021383")
# 12 digits that fail both the IIN and the BIN checksum (same source).
BAD = ("868795643215", "123456789123", "821214240092")

# (id, full_name, birth_date, iin, contact, comments, payload)
CLIENTS: list[tuple[Any, ...]] = [
    (1, "Айгерим Нурланова", dt.date(1987, 10, 8), IIN_A, "aigerim.n@example.kz",
     "Позвонить клиенту +7 701 123 45 67 после обеда",
     {"contact": {"iin": IIN_E, "city": "Алматы"}, "source": "web"}),
    # An IIN as a JSON number, not a string.
    (2, "Ержан Ахметов", dt.date(1976, 2, 12), IIN_B, "erzhan.a@mail.kz",
     "доставка в пятницу", {"contact": {"iin": int(IIN_F), "city": "Астана"}}),
    (3, "Динара Омарова", dt.date(1980, 4, 16), IIN_C, "не указан", "тел. 87071234567",
     {"contact": {"city": "Шымкент"}, "source": "app"}),
    (4, "Бауыржан Сейтов", dt.date(2006, 12, 11), IIN_ZERO, None,
     "оплата картой при получении", None),
    (5, "Гульнара Исаева", dt.date(1968, 5, 3), IIN_D, "g.isaeva@example.com",
     "клиент просил перезвонить на 8-701-765-43-21", {"contact": {"iin": IIN_D}}),
    (6, "Марат Жумабаев", None, None, "-", "ok", {"source": "web"}),
    (7, "Асель Калиева", dt.date(1981, 12, 1), IIN_E, "asel.k@example.kz",
     "+7 (705) 555-12-34 просила перезвонить", {"contact": {"iin": IIN_B, "city": "Алматы"}}),
    (8, "Нурлан Абенов", dt.date(1979, 10, 28), IIN_F, None, "без замечаний",
     {"contact": {"iin": IIN_A}}),
]

# (id, holder_iin BIGINT, company_bin, memo, opened_ms, balance)
ACCOUNTS: list[tuple[Any, ...]] = [
    (1, int(IIN_A), BINS[0], f"ИИН {IIN_A} сверен с документом", 1714567890123,
     Decimal("12500.00")),
    (2, int(IIN_B), BINS[1], "без замечаний", 1700000000000, Decimal("990.50")),
    (3, int(IIN_C), BINS[2], f"повторная проверка, ИИН {IIN_B}", 1609459200000,
     Decimal("1499900.00")),
    (4, int(IIN_D), BINS[3], None, 1714567890999, Decimal("0.00")),
    (5, int(IIN_E), BINS[4], "ok", 1714567000000, Decimal("87070.00")),
    (6, int(IIN_F), BINS[5], "закрыт", 1714500000000, Decimal("100.25")),
]

# Look-alikes: (id, order_no BIGINT, barcode, request_id, app_version, created_ms, price, note).
# The barcode column has no name that argues against an IIN: only the checksum keeps it out;
# the note puts the failing numbers right after the word ИИН.
ORDERS: list[tuple[Any, ...]] = [
    (i + 1, int(BAD[i % 3]), BAD[(i + 1) % 3], f"3f2b8c1e-9a4d-4e7b-8c2a-1d5e6f7a8b{i:02d}",
     version, 1714567890123 + i * 1000, price,
     f"ИИН {BAD[i % 3]} не прошёл проверку" if i % 2 else f"заказ {BAD[(i + 2) % 3]} оплачен")
    for i, (version, price) in enumerate([
        ("1.2.3", Decimal("12500.00")), ("10.4.12", Decimal("990.50")),
        ("2024.3.1", Decimal("1499900.00")), ("8.0.36", Decimal("87071234.00")),
        ("7.701.1234567", Decimal("7071234567.00")), ("0.9.0-rc1", Decimal("0.99")),
    ])
]

BIG_ROWS = 2000
BIG_IINS = (IIN_A, IIN_B, IIN_C, IIN_D, IIN_E, IIN_F)
SAMPLE_ROWS = 100


def _count(rows: list[tuple[Any, ...]], index: int, pred: Any = None) -> int:
    return sum(1 for r in rows if r[index] is not None and (pred is None or pred(r[index])))


# The whole inventory of the three tables, per table: (field, entity, match_type, hits).
# Worked out by hand from the rows above; every hit is in a row of its own.
EXPECTED: dict[str, set[tuple[str, str, str, int]]] = {
    "clients": {
        ("iin", "KZ_IIN", "value+name", 7),
        ("contact", "EMAIL_ADDRESS", "value", 4),
        ("comments", "PHONE_NUMBER", "value", 4),
        ("payload.contact.iin", "KZ_IIN", "value+name", 5),
        ("full_name", "PERSON", "value+name", 8),
        # Seven real dates after 1900 (row 6 has none) in a column named for them.
        ("birth_date", "DATE_OF_BIRTH", "value+name", 7),
    },
    "accounts": {
        ("holder_iin", "KZ_IIN", "value+name", 6),
        ("company_bin", "KZ_BIN", "value+name", 6),
        ("memo", "KZ_IIN", "value", 2),
    },
    "orders": set(),
}
ROWS = {"clients": len(CLIENTS), "accounts": len(ACCOUNTS), "orders": len(ORDERS)}


def test_expected_counts_match_the_rows():
    """The hand-counted hits above agree with the rows (so a typo in either shows up)."""
    assert _count(CLIENTS, 3) == 7
    assert _count(CLIENTS, 4, lambda v: "@" in v) == 4
    assert _count(CLIENTS, 5, lambda v: any(c.isdigit() for c in v)) == 4
    assert _count(CLIENTS, 6, lambda v: "iin" in v.get("contact", {})) == 5
    assert _count(ACCOUNTS, 3, lambda v: "ИИН" in v) == 2


# -- checking a run -------------------------------------------------------------------------


def _table_of(container: str, prefix: str) -> str:
    """``schema.prefix_clients`` -> ``clients``."""
    table = container.rsplit(".", 1)[-1]
    assert table.startswith(prefix), container
    return table[len(prefix):]


def assert_inventory(run: Run, prefix: str = "", tables: tuple[str, ...] = tuple(EXPECTED),
                     without: Collection[tuple[str, str]] = ()) -> None:
    """The run found exactly EXPECTED in ``tables`` (less the (table, field) pairs in
    ``without``), with exact hits, rows and distinct counts, and scanned each table whole."""
    assert run.code == 0, (run.stderr, run.summary)
    [source] = run.summary["sources"]
    assert source["status"] == "ok", source
    assert source["errors"] == []
    assert source["containers"] == len(tables)
    assert source["rows_scanned"] == sum(ROWS[t] for t in tables)

    scanned = {_table_of(c["container"], prefix): c for c in run.report["containers"]}
    assert set(scanned) == set(tables)
    for table, info in scanned.items():
        assert info["rows_scanned"] == ROWS[table], info
        assert info["sampled"] is False

    got = {(_table_of(f["container"], prefix), f["field"], f["entity"], f["match_type"],
            f["hits"]) for f in run.findings}
    want = {(t, *row) for t in tables for row in EXPECTED[t] if (t, row[0]) not in without}
    assert got == want
    for f in run.findings:
        table = _table_of(f["container"], prefix)
        assert f["rows_scanned"] == ROWS[table], f
        # No value repeats within a field, and no row holds two: hits = rows = values.
        assert f["rows_with_hits"] == f["hits"], f
        assert f["distinct_values"] == f["hits"], f
        if f["match_type"] == "name":
            assert f["score_max"] == 0 and f["examples"] == []
        else:
            # Checksum-valid identifiers; a name or a birth date has no checksum, only a
            # reporting score.
            assert f["score_max"] >= (
                0.5 if f["entity"] in ("PERSON", "DATE_OF_BIRTH") else 0.99)
            # Masked examples only: no raw value leaves the scan unasked.
            for example in f["examples"]:
                assert "*" in example, f
    # The findings file and the JSON report agree.
    assert {(f["container"], f["field"], f["entity"]) for f in run.report["findings"]} == {
        (f["container"], f["field"], f["entity"]) for f in run.findings}


# -- PostgreSQL -----------------------------------------------------------------------------


def _pg_setup(conn: Any, schema: str) -> None:
    from psycopg.types.json import Jsonb

    q = f'"{schema}"'
    conn.execute(f"CREATE SCHEMA {q}")
    conn.execute(
        f"CREATE TABLE {q}.clients (id int PRIMARY KEY, full_name text, birth_date date, "
        "iin text, contact text, comments text, payload jsonb)"
    )
    conn.execute(
        f"CREATE TABLE {q}.accounts (id int PRIMARY KEY, holder_iin bigint, company_bin text, "
        "memo text, opened_ms bigint, balance numeric(14, 2))"
    )
    conn.execute(
        f"CREATE TABLE {q}.orders (id int PRIMARY KEY, order_no bigint, barcode text, "
        "request_id uuid, app_version text, created_ms bigint, price numeric(14, 2), note text)"
    )
    with conn.cursor() as cur:
        cur.executemany(
            f"INSERT INTO {q}.clients VALUES (%s, %s, %s, %s, %s, %s, %s)",
            [(*r[:6], None if r[6] is None else Jsonb(r[6])) for r in CLIENTS],
        )
        cur.executemany(f"INSERT INTO {q}.accounts VALUES (%s, %s, %s, %s, %s, %s)", ACCOUNTS)
        cur.executemany(
            f"INSERT INTO {q}.orders VALUES (%s, %s, %s, %s, %s, %s, %s, %s)", ORDERS)
    conn.execute(
        f"CREATE TABLE {q}.big AS SELECT g AS id, "
        f"(ARRAY{list(BIG_IINS)})[g % {len(BIG_IINS)} + 1] AS iin "
        f"FROM generate_series(1, {BIG_ROWS}) g"
    )
    conn.execute(f"ALTER TABLE {q}.big ADD PRIMARY KEY (id)")


@pytest.fixture(scope="module")
def pg_schema(pg_db: Any) -> Iterator[tuple[Any, str]]:
    """A schema of this module's tables in the session's PostgreSQL database."""
    import psycopg

    schema = unique_name("inv")
    conn = psycopg.connect(host=pg_db.host, port=pg_db.port, user=pg_db.user,
                           dbname=pg_db.name, autocommit=True, connect_timeout=5)
    try:
        _pg_setup(conn, schema)
        yield pg_db, schema
    finally:
        conn.execute(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE')
        conn.close()


@pytest.mark.postgres
def test_postgres_inventory_is_exact(pg_schema, derbes_scan):
    db, schema = pg_schema
    run = derbes_scan([db.url()], include=[f"{schema}.*"], exclude=["big"])
    assert_inventory(run)
    assert {f["container"] for f in run.findings} == {f"{schema}.clients", f"{schema}.accounts"}
    assert run.report["containers"][0]["source"] == run.summary["sources"][0]["name"]


@pytest.mark.postgres
@pytest.mark.parametrize("seed", [None, 7])
def test_postgres_sampling_reads_sample_rows(pg_schema, derbes_scan, seed):
    db, schema = pg_schema
    run = derbes_scan([db.url()], include=[f"{schema}.big"], sample_rows=SAMPLE_ROWS, seed=seed)
    _assert_sampled(run)


@pytest.mark.postgres
def test_postgres_filters_through_the_cli(pg_schema, tmp_path):
    """--include, --exclude (a comma list) and --exclude-columns, as typed on the command
    line: the excluded table and columns are neither read nor reported."""
    db, schema = pg_schema
    out = tmp_path / "out"
    proc = run_cli([
        "scan", db.url(), "--include", f"{schema}.*", "--exclude", "big,*.orders",
        "--exclude-columns", "comments", "--exclude-columns", "accounts.company_bin",
        "--format", "parquet,json", "--quiet", "--out", str(out),
    ])
    run = read_output(out, proc.returncode, proc.stdout, proc.stderr)
    assert_inventory(run, tables=("clients", "accounts"),
                     without={("clients", "comments"), ("accounts", "company_bin")})
    columns = {c["container"].rsplit(".", 1)[-1]: c for c in run.report["containers"]}
    assert "comments" not in str(columns["clients"])  # not even listed as skipped


# -- MariaDB --------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def mysql_tables(mysql_db: Any) -> Iterator[tuple[Any, str]]:
    """This module's tables, under a prefix of their own, in the session's MariaDB database."""
    import pymysql

    prefix = unique_name("inv") + "_"
    conn = pymysql.connect(host=mysql_db.host, port=mysql_db.port, user=mysql_db.user,
                           password=mysql_db.password, database=mysql_db.name,
                           autocommit=True, connect_timeout=5, charset="utf8mb4")
    names = [f"`{prefix}{t}`" for t in ("clients", "accounts", "orders", "big")]
    try:
        with conn.cursor() as cur:
            cur.execute(
                f"CREATE TABLE {names[0]} (id int PRIMARY KEY, full_name varchar(100), "
                "birth_date date, iin varchar(12), contact varchar(100), comments text, "
                "payload json)"
            )
            cur.execute(
                f"CREATE TABLE {names[1]} (id int PRIMARY KEY, holder_iin bigint, "
                "company_bin char(12), memo text, opened_ms bigint, balance decimal(14, 2))"
            )
            cur.execute(
                f"CREATE TABLE {names[2]} (id int PRIMARY KEY, order_no bigint, "
                "barcode varchar(12), request_id uuid, app_version varchar(20), "
                "created_ms bigint, price decimal(14, 2), note text)"
            )
            cur.execute(f"CREATE TABLE {names[3]} (id int PRIMARY KEY, iin char(12))")
            cur.executemany(
                f"INSERT INTO {names[0]} VALUES (%s, %s, %s, %s, %s, %s, %s)",
                [(*r[:6], None if r[6] is None else json.dumps(r[6], ensure_ascii=False))
                 for r in CLIENTS],
            )
            cur.executemany(f"INSERT INTO {names[1]} VALUES (%s, %s, %s, %s, %s, %s)",
                            ACCOUNTS)
            cur.executemany(f"INSERT INTO {names[2]} VALUES (%s, %s, %s, %s, %s, %s, %s, %s)",
                            ORDERS)
            cur.executemany(f"INSERT INTO {names[3]} VALUES (%s, %s)",
                            [(i, BIG_IINS[i % len(BIG_IINS)]) for i in range(1, BIG_ROWS + 1)])
        yield mysql_db, prefix
    finally:
        with conn.cursor() as cur:
            cur.execute(f"DROP TABLE IF EXISTS {', '.join(names)}")
        conn.close()


@pytest.mark.mysql
def test_mariadb_inventory_is_exact(mysql_tables, derbes_scan):
    db, prefix = mysql_tables
    run = derbes_scan([db.url()], include=[f"{prefix}*"], exclude=[f"{prefix}big"])
    assert_inventory(run, prefix)
    assert {f["container"] for f in run.findings} == {
        f"{db.name}.{prefix}clients", f"{db.name}.{prefix}accounts"}


@pytest.mark.mysql
def test_mariadb_sampling_reads_sample_rows(mysql_tables, derbes_scan):
    db, prefix = mysql_tables
    run = derbes_scan([db.url()], include=[f"{prefix}big"], sample_rows=SAMPLE_ROWS)
    _assert_sampled(run)


@pytest.mark.mysql
def test_mariadb_filters(mysql_tables, derbes_scan):
    db, prefix = mysql_tables
    run = derbes_scan(
        [db.url()], include=[f"{db.name}.{prefix}*"],
        exclude=[f"{prefix}big", f"{db.name}.{prefix}clients"],
        exclude_columns=["memo", "*_bin"],
    )
    assert_inventory(run, prefix, tables=("accounts", "orders"),
                     without={("accounts", "memo"), ("accounts", "company_bin")})


# -- SQLite ---------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def sqlite_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("inventory") / "shop.db"
    conn = sqlite3.connect(path)
    with conn:
        conn.execute("CREATE TABLE clients (id INTEGER PRIMARY KEY, full_name TEXT, "
                     "birth_date TEXT, iin TEXT, contact TEXT, comments TEXT, payload TEXT)")
        conn.execute("CREATE TABLE accounts (id INTEGER PRIMARY KEY, holder_iin INTEGER, "
                     "company_bin TEXT, memo TEXT, opened_ms INTEGER, balance NUMERIC)")
        conn.execute("CREATE TABLE orders (id INTEGER PRIMARY KEY, order_no INTEGER, "
                     "barcode TEXT, request_id TEXT, app_version TEXT, created_ms INTEGER, "
                     "price NUMERIC, note TEXT)")
        conn.execute("CREATE TABLE big (id INTEGER PRIMARY KEY, iin TEXT)")
        conn.executemany(
            "INSERT INTO clients VALUES (?, ?, ?, ?, ?, ?, ?)",
            [(*r[:2], r[2] and r[2].isoformat(), *r[3:6],
              None if r[6] is None else json.dumps(r[6], ensure_ascii=False)) for r in CLIENTS],
        )
        conn.executemany("INSERT INTO accounts VALUES (?, ?, ?, ?, ?, ?)",
                         [(*r[:5], str(r[5])) for r in ACCOUNTS])
        conn.executemany("INSERT INTO orders VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                         [(*r[:6], str(r[6]), r[7]) for r in ORDERS])
        conn.executemany("INSERT INTO big VALUES (?, ?)",
                         [(i, BIG_IINS[i % len(BIG_IINS)]) for i in range(1, BIG_ROWS + 1)])
    conn.close()
    return path


def test_sqlite_inventory_is_exact(sqlite_file, derbes_scan):
    run = derbes_scan([f"sqlite:///{sqlite_file}"], exclude=["big"])
    assert_inventory(run)
    assert {f["container"] for f in run.findings} == {"main.clients", "main.accounts"}


def test_sqlite_sampling_reads_sample_rows(sqlite_file, derbes_scan):
    run = derbes_scan([f"sqlite:///{sqlite_file}"], include=["big"], sample_rows=SAMPLE_ROWS)
    _assert_sampled(run)


def test_sqlite_include_columns(sqlite_file, derbes_scan):
    """--include-columns keeps only the named columns; the name-only findings of the others
    go with them."""
    run = derbes_scan([f"sqlite:///{sqlite_file}"], include=["clients"],
                      include_columns=["clients.iin", "contact"])
    keep = {("clients", "iin"), ("clients", "contact")}
    assert_inventory(run, tables=("clients",),
                     without={("clients", f) for f, *_ in EXPECTED["clients"]} - keep)


def _assert_sampled(run: Run) -> None:
    """A 2000-row table sampled to SAMPLE_ROWS: that many rows read, every one with an IIN."""
    assert run.code == 0, run.stderr
    [source] = run.summary["sources"]
    assert source["status"] == "ok", source
    assert source["rows_scanned"] == SAMPLE_ROWS
    [info] = run.report["containers"]
    assert info["rows_scanned"] == SAMPLE_ROWS
    assert info["sampled"] is True
    [finding] = run.findings
    assert (finding["field"], finding["entity"], finding["match_type"]) == (
        "iin", "KZ_IIN", "value+name")
    assert finding["rows_scanned"] == SAMPLE_ROWS
    assert finding["hits"] == finding["rows_with_hits"] == SAMPLE_ROWS
    assert finding["distinct_values"] <= len(BIG_IINS)


# -- standard input -------------------------------------------------------------------------


def test_stdin_finds_the_iin_on_its_line(tmp_path):
    """``derbes scan -`` reads standard input as a log: each IIN is reported on its own line,
    also past the first megabyte read (30,000 lines, about 2 MB)."""
    lines = [f"2026-03-01T10:00:00 INFO request {i} served in 12 ms, cache hit, status ok"
             for i in range(1, 30_001)]
    lines[1] = "2026-03-01T10:00:01 INFO order 868795643215 created"
    lines[3] = f"2026-03-01T10:00:03 WARN client iin={IIN_C} not found"
    lines[24_999] = f"2026-03-01T10:00:09 WARN ИИН {IIN_A} заблокирован"
    assert sum(len(line) + 1 for line in lines[:24_999]) > 1 << 20
    out = tmp_path / "out"
    proc = run_cli(["scan", "-", "--hits", "--format", "parquet,json", "--quiet",
                    "--out", str(out)], input="\n".join(lines) + "\n")
    run = read_output(out, proc.returncode, proc.stdout, proc.stderr)
    assert run.code == 0, proc.stderr
    [source] = run.summary["sources"]
    assert (source["name"], source["status"], source["rows_scanned"]) == (
        "<stdin>", "ok", len(lines))
    # The pair's key names the first one's field (`iin=`); the second stands in free text.
    assert sorted((f["container"], f["field"] or "", f["entity"], f["match_type"], f["hits"])
                  for f in run.findings) == [("<stdin>", "", "KZ_IIN", "value", 1),
                                             ("<stdin>", "iin", "KZ_IIN", "value+name", 1)]
    hits = pq.read_table(out / "hits.parquet").to_pylist()
    first, deep = lines[3].index(IIN_C), lines[24_999].index(IIN_A)
    assert sorted((h["row"], h["start"], h["end"], h["entity"]) for h in hits) == [
        (4, first, first + 12, "KZ_IIN"), (25_000, deep, deep + 12, "KZ_IIN")]
    written = b"".join(p.read_bytes() for p in out.iterdir())
    assert IIN_C.encode() not in written and IIN_A.encode() not in written
