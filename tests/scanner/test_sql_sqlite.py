"""SqlSource on SQLite files: listing, values, filters, sampling, read-only access, errors.

Also the parts of the source that need no server: URL handling and value conversion.
"""

from __future__ import annotations

import datetime
import hashlib
import json
import sqlite3
import threading
import time
import uuid
from decimal import Decimal
from pathlib import Path

import pytest
import sqlalchemy as sa
from sql_helpers import (
    BINARY_ROWS,
    assert_binary_openings,
    assert_binary_read,
    read_ids,
    read_in_threads,
    read_table,
)

from derbes.scanner.errors import ConfigError, SourceError
from derbes.scanner.sources.base import Source, ValueBatch
from derbes.scanner.sources.sql import SqlSource, display_name
from derbes.scanner.sources.sql import catalog as sql_catalog
from derbes.scanner.sources.sql import values as sql_values

IIN = "870412300123"  # a well-formed IIN (the value itself only needs to round-trip here)


@pytest.fixture
def db(tmp_path: Path) -> Path:
    path = tmp_path / "app.db"
    conn = sqlite3.connect(path)
    conn.executescript(
        """
        CREATE TABLE customers (
            id INTEGER PRIMARY KEY, full_name TEXT, iin TEXT, phone BIGINT, inn NUMERIC(12, 0),
            payload TEXT, tags TEXT, photo BLOB, active BOOLEAN, score REAL, note TEXT
        );
        CREATE TABLE audit_log (id INTEGER PRIMARY KEY, message TEXT);
        CREATE TABLE big (id INTEGER PRIMARY KEY, v TEXT);
        CREATE TABLE medium (id INTEGER PRIMARY KEY, v TEXT);
        CREATE TABLE tiny (id INTEGER PRIMARY KEY, v TEXT);
        CREATE TABLE keyed (k TEXT PRIMARY KEY, v TEXT) WITHOUT ROWID;
        CREATE TABLE "weird ""name""; drop" ("Mixed Case Col" TEXT, "select" INTEGER);
        CREATE VIEW v_customers AS SELECT id, iin FROM customers;
        """
    )
    payload = {"contact": {"iin": IIN, "email": "a@example.kz"}, "ids": [1, 2]}
    conn.execute(
        "INSERT INTO customers VALUES (1, 'Айгуль Серикова', ?, 870412300123, 870412300123,"
        " ?, ?, x'00ff', 1, 1.5, '')",
        (IIN, json.dumps(payload), json.dumps(["+77011234567", "x"])),
    )
    conn.execute(
        "INSERT INTO customers VALUES (2, 'Bob', NULL, 770112345678.0, NULL,"
        " 'not json {', NULL, NULL, 0, 2.0, '   ')"
    )
    conn.execute("INSERT INTO audit_log VALUES (1, 'login ok')")
    conn.executemany("INSERT INTO big VALUES (?, ?)", ((i, f"v{i}") for i in range(1, 20001)))
    conn.executemany("INSERT INTO medium VALUES (?, ?)", ((i, f"m{i}") for i in range(1, 301)))
    conn.executemany("INSERT INTO tiny VALUES (?, ?)", ((i, f"t{i}") for i in range(1, 11)))
    conn.executemany("INSERT INTO keyed VALUES (?, ?)", ((f"k{i:05}", "x") for i in range(900)))
    conn.execute('INSERT INTO "weird ""name""; drop" VALUES (?, 7)', (IIN,))
    conn.commit()
    conn.close()
    return path


def url(path: Path) -> str:
    return f"sqlite:///{path}"


def test_is_a_source(db: Path) -> None:
    with SqlSource(url(db)) as src:
        assert isinstance(src, Source)
        assert src.kind == "database"
        assert src.host is None
        assert src.dialect == "sqlite"


def test_lists_tables_and_views_with_columns(db: Path) -> None:
    with SqlSource(url(db)) as src:
        found = {c.name: c for c in src.containers()}
    assert set(found) == {
        "main.customers",
        "main.audit_log",
        "main.big",
        "main.medium",
        "main.tiny",
        "main.keyed",
        'main.weird "name"; drop',
        "main.v_customers",
    }
    assert found["main.v_customers"].kind == "view"
    assert found["main.customers"].kind == "table"
    columns = {c.name: c for c in found["main.customers"].columns}
    # Read for the text it may hold (sources.binary).
    assert columns["photo"].scannable is True and columns["photo"].reason is None
    assert columns["iin"].scannable is True
    assert columns["phone"].type == "BIGINT"


def test_values_fields_json_paths_and_skips(db: Path) -> None:
    with SqlSource(url(db)) as src:
        fields, done = read_table(src, "main.customers")
    assert fields["iin"] == [(1, IIN)]
    # A BIGINT, and an integral REAL, come out as integer text.
    assert fields["phone"] == [(1, "870412300123"), (2, "770112345678")]
    assert fields["inn"] == [(1, "870412300123")]
    assert fields["payload.contact.iin"] == [(1, IIN)]
    assert fields["payload.contact.email"] == [(1, "a@example.kz")]
    assert fields["payload.ids[]"] == [(1, "1"), (1, "2")]
    assert fields["payload"] == [(2, "not json {")]  # not JSON: the text as is
    assert fields["tags[]"] == [(1, "+77011234567"), (1, "x")]
    assert fields["full_name"] == [(1, "Айгуль Серикова"), (2, "Bob")]
    assert "photo" not in fields and "active" not in fields  # x'00ff' holds no text
    assert "note" not in fields  # empty and blank values are not yielded
    assert "score" in fields and fields["score"] == [(2, "2")]  # 1.5 cannot hold an identifier
    assert done.rows_scanned == 2
    assert done.sampled is False
    assert done.skipped_fields == ()
    notes = " | ".join(done.notes)
    assert "binary values holding no text: photo (1)" in notes
    assert "boolean" in notes and "active" in notes
    assert "non-integral" in notes and "score" in notes


def test_binary_values_read_for_their_text(tmp_path: Path) -> None:
    path = tmp_path / "blobs.db"
    with sqlite3.connect(path) as conn:
        conn.execute("CREATE TABLE blobs (id INTEGER PRIMARY KEY, data BLOB)")
        conn.executemany("INSERT INTO blobs VALUES (?, ?)", BINARY_ROWS)
        # SQLite keeps what it is given: text in a column declared BLOB stays text.
        conn.execute("INSERT INTO blobs VALUES (9, 'ИИН 870412300123')")
    with SqlSource(url(path)) as src:
        fields, done = read_table(src, "main.blobs")
        assert_binary_openings(src, "blobs")
    assert (9, "ИИН 870412300123") in fields["data"]
    fields["data"].remove((9, "ИИН 870412300123"))
    assert_binary_read(fields, done)


def test_batches_are_per_field_and_per_thousand_rows(db: Path) -> None:
    with SqlSource(url(db), sample_rows=0) as src:
        container = next(c for c in src.containers() if c.name == "main.big")
        batches = list(src.read(container))
    value_batches = [b for b in batches if isinstance(b, ValueBatch)]
    assert {b.field for b in value_batches} == {"id", "v"}
    assert max(len(b.rows) for b in value_batches) == 1000
    id_rows = [r for b in value_batches if b.field == "id" for r in b.rows]
    assert id_rows == list(range(1, 20001))  # 1-based ordinals, in order
    assert batches[-1].rows_scanned == 20000


def test_include_exclude_tables(db: Path) -> None:
    with SqlSource(url(db), include=["main.c*", "audit_*"], exclude=["*.customers"]) as src:
        names = [c.name for c in src.containers()]
    assert names == ["main.audit_log"]
    with SqlSource(url(db), exclude=["MAIN.B*", "*_log", "main.v_*"]) as src:
        names = {c.name for c in src.containers()}
    assert "main.big" not in names and "main.audit_log" not in names
    assert "main.v_customers" not in names and "main.customers" in names


def test_include_exclude_columns(db: Path) -> None:
    with SqlSource(url(db), include_columns=["main.customers.*"], exclude_columns=["p*"]) as src:
        found = {c.name: c for c in src.containers()}
        fields, _ = read_table(src, "main.customers")
    assert [c.name for c in found["main.tiny"].columns] == []
    names = [c.name for c in found["main.customers"].columns]
    assert "iin" in names and "phone" not in names and "payload" not in names
    assert "phone" not in fields and "payload.contact.iin" not in fields
    assert fields["iin"] == [(1, IIN)]
    with SqlSource(url(db), exclude_columns=["customers.iin"]) as src:
        fields, _ = read_table(src, "main.customers")
    assert "iin" not in fields and "full_name" in fields


def test_samples_large_table_with_key_ranges(db: Path) -> None:
    with SqlSource(url(db), sample_rows=500) as src:
        fields, done = read_table(src, "main.big")
    ids = [int(v) for _, v in fields["id"]]
    assert done.rows_scanned == 500 and done.sampled is True
    assert len(ids) == 500 and len(set(ids)) == 500
    assert max(ids) - min(ids) > 500  # several ranges, not one run of consecutive rows
    assert any("key ranges" in n for n in done.notes)


def test_small_table_is_shuffled_and_tiny_table_read_whole(db: Path) -> None:
    with SqlSource(url(db), sample_rows=100) as src:
        medium, done = read_table(src, "main.medium")
        _tiny, tiny_done = read_table(src, "main.tiny")
    assert done.rows_scanned == 100 and done.sampled is True
    assert len({v for _, v in medium["id"]}) == 100
    assert tiny_done.rows_scanned == 10 and tiny_done.sampled is False


def test_zero_means_whole_table(db: Path) -> None:
    with SqlSource(url(db), sample_rows=0) as src:
        fields, done = read_table(src, "main.big")
    assert done.rows_scanned == 20000 and done.sampled is False
    assert sorted(int(v) for _, v in fields["id"]) == list(range(1, 20001))


@pytest.mark.parametrize("table", ["main.big", "main.medium"])
def test_same_seed_same_rows(db: Path, table: str) -> None:
    with (
        SqlSource(url(db), sample_rows=100, seed=42) as a,
        SqlSource(url(db), sample_rows=100, seed=42) as b,
    ):
        first, second = read_ids(a, table), read_ids(b, table)
    with SqlSource(url(db), sample_rows=100, seed=43) as c:
        other = read_ids(c, table)
    assert first == second
    assert set(first) != set(other)


def test_table_without_rowid_or_integer_key_reads_first_rows(db: Path) -> None:
    with SqlSource(url(db), sample_rows=100) as src:
        _fields, done = read_table(src, "main.keyed")
    assert done.rows_scanned == 100
    assert any("first 100 rows" in n for n in done.notes)


def test_weird_identifiers_are_quoted(db: Path) -> None:
    with SqlSource(url(db)) as src:
        fields, _done = read_table(src, 'main.weird "name"; drop')
    assert fields["Mixed Case Col"] == [(1, IIN)]
    assert fields["select"] == [(1, "7")]
    conn = sqlite3.connect(db)
    assert conn.execute('SELECT count(*) FROM "weird ""name""; drop"').fetchone() == (1,)
    conn.close()


def test_scan_leaves_file_unchanged(db: Path) -> None:
    before = hashlib.sha256(db.read_bytes()).hexdigest()
    files_before = sorted(p.name for p in db.parent.iterdir())
    with SqlSource(url(db), sample_rows=50, seed=1) as src:
        for container in src.containers():
            list(src.read(container))
    assert hashlib.sha256(db.read_bytes()).hexdigest() == before
    assert sorted(p.name for p in db.parent.iterdir()) == files_before


def test_connection_is_read_only(db: Path) -> None:
    with SqlSource(url(db)) as src, src._engine.connect() as conn:
        assert conn.exec_driver_sql("PRAGMA query_only").scalar() == 1
        with pytest.raises(sa.exc.OperationalError, match=r"readonly|read-only|query_only"):
            conn.exec_driver_sql("INSERT INTO tiny VALUES (99, 'x')")
        conn.rollback()
        # Even with query_only lifted, the file itself is open read-only.
        conn.exec_driver_sql("PRAGMA query_only = 0")
        with pytest.raises(sa.exc.OperationalError, match="readonly"):
            conn.exec_driver_sql("DELETE FROM tiny")
        conn.rollback()
        conn.exec_driver_sql("PRAGMA query_only = 1")


def test_missing_file_is_a_source_error(tmp_path: Path) -> None:
    src = SqlSource(url(tmp_path / "nope.db"))
    with pytest.raises(SourceError) as info:
        list(src.containers())
    assert info.value.source == src.name
    assert "cannot connect" in info.value.reason
    assert not (tmp_path / "nope.db").exists()  # read-only open never creates the file


def test_table_dropped_after_listing_is_a_container_error(db: Path) -> None:
    with SqlSource(url(db)) as src:
        container = next(c for c in src.containers() if c.name == "main.tiny")
        conn = sqlite3.connect(db)
        conn.execute("DROP TABLE tiny")
        conn.commit()
        conn.close()
        with pytest.raises(SourceError) as info:
            list(src.read(container))
    assert info.value.container == "main.tiny"
    assert info.value.source == src.name
    assert "no such table" in info.value.reason


def test_statement_timeout_interrupts_sqlite(tmp_path: Path) -> None:
    path = tmp_path / "slow.db"
    conn = sqlite3.connect(path)
    # A view whose every row costs a large recursive computation: minutes, uninterrupted.
    conn.executescript(
        """
        CREATE VIEW slow AS WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c
        WHERE x < 1000000000) SELECT max(x) AS m FROM c;
        """
    )
    conn.close()
    with SqlSource(url(path), statement_timeout_s=0.2) as src:
        container = next(iter(src.containers()))
        started = time.monotonic()
        with pytest.raises(SourceError, match="timed out"):
            list(src.read(container))
    # Interrupted after 0.2 s; the bound holds on a loaded machine, the view never ends by it.
    assert time.monotonic() - started < 30


def test_concurrent_reads_share_a_bounded_pool(db: Path) -> None:
    names = ["main.big", "main.medium", "main.tiny", "main.customers"]
    with SqlSource(url(db), sample_rows=0, connections=2) as src:
        results = read_in_threads(src, names * 2)
        assert src._engine.pool.size() == 2
    assert results == {"main.big": 20000, "main.medium": 300, "main.tiny": 10, "main.customers": 2}


def test_throttle_is_shared_across_threads(db: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # 600 rows at 400 rows/s with one second of burst: at least 0.5 s, whether one thread
    # reads them or two threads read 300 each.
    with SqlSource(url(db), sample_rows=0, max_rows_per_second=400) as src:
        medium = next(c for c in src.containers() if c.name == "main.medium")
        started = time.monotonic()
        threads = [threading.Thread(target=lambda: list(src.read(medium))) for _ in range(2)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        elapsed = time.monotonic() - started
    # The lower bound is the throttle's (a loaded machine only adds to it); the upper one
    # only catches a throttle that waits far too long (seconds per row), not a slow machine.
    assert 0.45 <= elapsed < 30
    # Without a rate nothing waits: counted, not timed, so a loaded machine cannot fail it.
    slept: list[float] = []
    monkeypatch.setattr(time, "sleep", slept.append)
    with SqlSource(url(db), sample_rows=0) as src:
        medium = next(c for c in src.containers() if c.name == "main.medium")
        assert [list(src.read(medium))[-1].rows_scanned for _ in range(2)] == [300, 300]
    assert slept == []


def test_a_share_reads_with_one_connection_and_its_part_of_the_rate(db: Path) -> None:
    # --jobs 3 reads a database in three processes, each with its share of the source: one
    # connection, a third of the rows per second, the tables as listed (not listed again).
    import pickle

    with SqlSource(url(db), sample_rows=0, connections=4, max_rows_per_second=900) as src:
        medium = next(c for c in src.containers() if c.name == "main.medium")
        part = src.share(3)
        try:
            assert part.connections == 1 and part._throttle._rate == 300
            assert part._specs == src._specs
            assert [b for b in part.read(medium) if isinstance(b, ValueBatch)] == [
                b for b in src.read(medium) if isinstance(b, ValueBatch)]
            assert part._engine.pool.size() == 1 and part._engine is not src._engine
            # Pickled for a spawned worker, it is the source it was shared from.
            again = pickle.loads(pickle.dumps(part))
            assert (again.connections, again._throttle._rate) == (4, 900)
            again.close()
        finally:
            part.close()
    with SqlSource(url(db)) as src:
        assert src.share(2)._throttle._rate is None  # no cap: none to share


def test_the_round_trip_is_timed_at_listing(db: Path) -> None:
    # How far the database is decides whether --jobs reads its tables in processes.
    with SqlSource(url(db)) as src:
        assert src.round_trip is None
        list(src.containers())
        assert src.round_trip is not None and 0 < src.round_trip < 5
        assert src.share(2).round_trip == src.round_trip


# -- no server needed ------------------------------------------------------------------------


def test_display_name_masks_password() -> None:
    assert display_name("postgresql://scan:s3cr%40t@db.local:5432/app") == (
        "postgresql://scan:***@db.local:5432/app"
    )
    assert "tok123" not in display_name("mysql://u@h/db?password=tok123")
    src = SqlSource("postgresql://scan:s3cret@db.local/app")
    assert src.name == "postgresql://scan:***@db.local/app"
    assert src.host == "db.local"
    assert src._engine.dialect.driver == "psycopg"
    assert "s3cret" not in repr(src)
    assert SqlSource("mysql://u:p@h/db")._engine.dialect.driver == "pymysql"
    assert SqlSource("mariadb://u:p@h/db").dialect == "mariadb"
    assert SqlSource("postgresql://h/db", name="crm").name == "crm"


def test_bad_url_is_a_config_error_without_password() -> None:
    with pytest.raises(ConfigError) as info:
        SqlSource("not a url at all :pw@")
    with pytest.raises(ConfigError) as info:
        SqlSource("nosuchdialect://u:hunter2@h/db")
    assert "hunter2" not in str(info.value)


def test_reason_scrubs_password() -> None:
    src = SqlSource("postgresql://u:p%40ss%2Fw0rd@h/db")
    error = sa.exc.OperationalError("SELECT 1", {}, Exception("auth failed for p@ss/w0rd\nmore"))
    assert src._reason(error) == "auth failed for ***"
    error = sa.exc.OperationalError("x", {}, Exception("see mysql://root:p%40ss%2Fw0rd@h/db"))
    assert "w0rd" not in src._reason(error)


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("  ", []),
        (IIN, [("c", IIN)]),
        (870412300123, [("c", "870412300123")]),
        (870412300123.0, [("c", "870412300123")]),
        (1.5, []),
        (Decimal("870412300123"), [("c", "870412300123")]),
        (Decimal("12.50"), []),
        (Decimal("NaN"), []),
        (float("inf"), []),
        (True, []),
        (b"\x00", []),
        (b"", []),
        (memoryview(b"ab"), [("c", "ab")]),  # text in a binary value (sources.binary)
        (b'{"iin": "1"}', [("c.iin", "1")]),  # a JSON payload, walked
        (bytearray("тел. 87011234567".encode("cp1251")), [("c", "тел. 87011234567")]),
        ([["a", None], ["b"]], [("c[][]", "a"), ("c[][]", "b")]),
        ([{"iin": IIN}], [("c[].iin", IIN)]),
        ({"a": {"b": 1}}, [("c.a.b", "1")]),
        ('{"contact": {"iin": "1"}}', [("c.contact.iin", "1")]),
        ("[1, 2", [("c", "[1, 2")]),
        (uuid.UUID(int=1), [("c", "00000000-0000-0000-0000-000000000001")]),
        (datetime.date(2024, 1, 31), [("c", "2024-01-31")]),
    ],
)
def test_value_texts(value: object, expected: list[tuple[str, str]]) -> None:
    plan = sql_catalog.ColumnPlan("c", "x", "value")
    assert list(sql_values.texts(plan, value, sql_values.Stats())) == expected


def test_batches_hold_what_texts_gives() -> None:
    # Plain strings and integers take a shortcut into the batches: the batches must hold
    # what texts() gives for every value, in the same fields and order.
    values = ["  ", IIN, " x ", 870412300123, True, 1.5, Decimal("7"), b"\x00", None,
              '{"contact": {"iin": "1"}}', ' [1, {"b": "x"}]', "[1, 2", "{", uuid.UUID(int=1)]
    plans = [sql_catalog.ColumnPlan("c", "x", "value"), sql_catalog.ColumnPlan("t", "x", "text"),
             sql_catalog.ColumnPlan("j", "JSON", "json")]
    rows = [(v, values[-1 - i], v) for i, v in enumerate(values)]
    expected: dict[str, tuple[list[int], list[str]]] = {}
    for ordinal, row in enumerate(rows, 1):
        for plan, value in zip(plans, row, strict=True):
            if value is not None:
                for name, text in sql_values.texts(plan, value, sql_values.Stats()):
                    entry = expected.setdefault(name, ([], []))
                    entry[0].append(ordinal)
                    entry[1].append(text)
    got = SqlSource._emit(None, plans, iter([rows]), sql_values.Stats())  # type: ignore[arg-type]
    assert [(b.field, list(b.rows), list(b.values)) for b in got] == [
        (name, rows_, texts) for name, (rows_, texts) in expected.items()
    ]


def test_json_column_values() -> None:
    plan = sql_catalog.ColumnPlan("payload", "JSON", "json")
    stats = sql_values.Stats()
    assert list(sql_values.texts(plan, '{"a": [1, {"b": "x"}]}', stats)) == [
        ("payload.a[]", "1"),
        ("payload.a[].b", "x"),
    ]
    assert list(sql_values.texts(plan, '"scalar"', stats)) == [("payload", "scalar")]
    assert list(sql_values.texts(plan, {"k": None, "e": ""}, stats)) == []


def test_generic_dialect_path_reads_first_rows(db: Path) -> None:
    # Any dialect without a sampling strategy of its own: plain SELECT ... LIMIT n.
    with SqlSource(url(db), sample_rows=100) as src:
        src._family = "generic"
        fields, done = read_table(src, "main.big")
    assert done.rows_scanned == 100 and done.sampled is True
    assert [int(v) for _, v in fields["id"]] == list(range(1, 101))
    assert any("first 100 rows" in n for n in done.notes)


def test_read_accepts_a_container_rebuilt_from_its_name(db: Path) -> None:
    from derbes.scanner.sources.base import Container

    with SqlSource(url(db)) as fresh:
        batches = list(fresh.read(Container("main.tiny", "table")))
        assert batches[-1].rows_scanned == 10
        with pytest.raises(SourceError, match="no such table"):
            list(fresh.read(Container("main.nope", "table")))
