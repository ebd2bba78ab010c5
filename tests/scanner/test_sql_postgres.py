"""SqlSource against the PostgreSQL server on this machine (marker ``postgres``).

Everything happens in the session's own database (``pg_db``); roles are cluster-wide, so each
test that makes one gives it a unique name and drops it.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
import sqlalchemy as sa
from sql_helpers import (
    BINARY_ROWS,
    assert_binary_openings,
    assert_binary_read,
    assert_no_secret,
    read_ids,
    read_in_threads,
    read_table,
    unique_name,
)

from derbes.scanner.errors import SourceError
from derbes.scanner.sources.sql import SqlSource

pytestmark = pytest.mark.postgres

ServerDatabase = Any  # conftest.ServerDatabase (conftest modules are not imported by name)


IIN = "870412300123"

SETUP = """
CREATE EXTENSION IF NOT EXISTS hstore;
CREATE SCHEMA crm;
CREATE SCHEMA audit;
CREATE SCHEMA "Sales";
CREATE TYPE crm.mood AS ENUM ('ok', 'bad');
CREATE TABLE crm.customers (
    id bigserial PRIMARY KEY, full_name text, iin text, phone bigint, inn numeric(12, 0),
    payload jsonb, doc json, tags text[], matrix int[][], avatar bytea, active boolean,
    balance numeric(12, 2), uid uuid, born date, ip inet, mood crm.mood, extra hstore,
    spent money, empty text
);
INSERT INTO crm.customers (full_name, iin, phone, inn, payload, doc, tags, matrix, avatar,
    active, balance, uid, born, ip, mood, extra, spent, empty) VALUES
 ('Айгуль Серикова', '870412300123', 870412300123, 870412300123,
  '{"contact": {"iin": "870412300123", "email": "a@example.kz"}, "n": [1, 2]}',
  '{"passport": "N1234567"}', ARRAY['+77011234567', 'x'], ARRAY[[1, 2], [3, 4]], '\\x00ff',
  true, 12.50, '00000000-0000-0000-0000-000000000001', '1987-04-12', '10.0.0.1', 'ok',
  'iin=>870412300123', 12.34, ''),
 ('Bob', NULL, 770112345678, NULL, NULL, NULL, NULL, NULL, NULL, false, 13, NULL, NULL, NULL,
  NULL, NULL, NULL, NULL);
CREATE VIEW crm.v_customers AS SELECT id, iin FROM crm.customers;
CREATE TABLE crm.big AS SELECT g AS id, 'v' || g AS v FROM generate_series(1, 20000) g;
ALTER TABLE crm.big ADD PRIMARY KEY (id);
CREATE TABLE crm.medium AS SELECT g AS id, 'm' || g AS v FROM generate_series(1, 3000) g;
CREATE TABLE crm.secret (id int, iin text);
INSERT INTO crm.secret VALUES (1, '870412300123');
CREATE TABLE audit.log (id int, message text);
INSERT INTO audit.log VALUES (1, 'login ok');
CREATE TABLE "Sales"."Weird ""Name""; drop" ("Mixed Case" text, "select" int);
INSERT INTO "Sales"."Weird ""Name""; drop" VALUES ('870412300123', 7);
ANALYZE;
"""


@pytest.fixture(scope="module")
def pgdata(pg_db: ServerDatabase) -> ServerDatabase:
    import psycopg

    with psycopg.connect(
        host=pg_db.host, port=pg_db.port, user=pg_db.user, dbname=pg_db.name, autocommit=True
    ) as conn:
        conn.execute(SETUP)
    return pg_db


@pytest.fixture
def role(pg: Any, pgdata: ServerDatabase) -> Iterator[str]:
    """A login role with no rights yet (trust auth on 127.0.0.1: no password needed)."""
    name = unique_name("derbes_ro")
    pg.execute(f'CREATE ROLE "{name}" LOGIN')
    pg.execute(f'GRANT CONNECT ON DATABASE "{pgdata.name}" TO "{name}"')
    try:
        yield name
    finally:
        pg.execute(f'DROP OWNED BY "{name}"')
        pg.execute(f'DROP ROLE "{name}"')


def test_binary_values_read_for_their_text(pg: Any, pgdata: ServerDatabase) -> None:
    table = unique_name("blobs")
    pg.execute(f"CREATE TABLE {table} (id int PRIMARY KEY, data bytea)")
    try:
        with pg.cursor() as cur:
            cur.executemany(f"INSERT INTO {table} VALUES (%s, %s)", BINARY_ROWS)
        with SqlSource(pgdata.url()) as src:
            sent: list[str] = []
            sa.event.listen(src._engine, "before_cursor_execute",
                            lambda _c, _k, statement, *_: sent.append(statement))
            fields, done = read_table(src, f"public.{table}")
            assert_binary_openings(src, table, "public")
    finally:
        pg.execute(f"DROP TABLE {table}")
    assert_binary_read(fields, done)
    # Cut by the server: a value's opening crosses the network, not the whole value.
    assert any('substr("data"' in s for s in sent), [s for s in sent if "data" in s]


def test_lists_non_system_schemas_tables_and_views(pgdata: ServerDatabase) -> None:
    with SqlSource(pgdata.url()) as src:
        found = {c.name: c for c in src.containers()}
        assert src.host == "127.0.0.1"
        assert src.dialect == "postgresql"
    # Other test modules may add schemas to the same database; system schemas never appear.
    assert not {n.split(".")[0] for n in found} & {"pg_catalog", "information_schema", "pg_toast"}
    assert set(found) >= {
        "audit.log",
        "crm.big",
        "crm.customers",
        "crm.medium",
        "crm.secret",
        "crm.v_customers",
        'Sales.Weird "Name"; drop',
    }
    assert found["crm.v_customers"].kind == "view"
    columns = {c.name: c for c in found["crm.customers"].columns}
    # Read for the text it may hold (sources.binary).
    assert (columns["avatar"].scannable, columns["avatar"].reason) == (True, None)
    assert columns["payload"].type == "JSONB"
    assert columns["phone"].type == "BIGINT"


def test_values_by_column_key_path_and_element(pgdata: ServerDatabase) -> None:
    with SqlSource(pgdata.url()) as src:
        fields, done = read_table(src, "crm.customers")
    assert fields["iin"] == [(1, IIN)] or fields["iin"] == [(2, IIN)]
    row = fields["iin"][0][0]
    assert (row, IIN) in fields["phone"]  # bigint as integer text
    assert "770112345678" in [v for _, v in fields["phone"]]
    assert fields["inn"] == [(row, IIN)]  # numeric(12,0): no ".0"
    assert fields["payload.contact.iin"] == [(row, IIN)]
    assert fields["payload.contact.email"] == [(row, "a@example.kz")]
    assert fields["payload.n[]"] == [(row, "1"), (row, "2")]
    assert fields["doc.passport"] == [(row, "N1234567")]
    assert fields["tags[]"] == [(row, "+77011234567"), (row, "x")]
    assert [v for _, v in fields["matrix[][]"]] == ["1", "2", "3", "4"]
    assert fields["uid"] == [(row, "00000000-0000-0000-0000-000000000001")]
    assert fields["born"] == [(row, "1987-04-12")]
    assert fields["ip"] == [(row, "10.0.0.1")]  # cast to text in SQL
    assert fields["mood"] == [(row, "ok")]
    assert fields["extra"] == [(row, '"iin"=>"870412300123"')]
    assert [v for _, v in fields["spent"]] == ["$12.34"]
    assert [v for _, v in fields["balance"]] == ["13"]  # 12.50 cannot hold an identifier
    assert "avatar" not in fields and "active" not in fields and "empty" not in fields
    assert done.skipped_fields == ()
    assert done.rows_scanned == 2 and done.sampled is False
    assert "binary values holding no text: avatar (1)" in done.notes  # '\x00ff'
    assert any("boolean" in n and "active" in n for n in done.notes)


def test_include_exclude(pgdata: ServerDatabase) -> None:
    with SqlSource(pgdata.url(), include=["crm.*"], exclude=["*.big", "crm.m*", "v_*"]) as src:
        assert sorted(c.name for c in src.containers()) == ["crm.customers", "crm.secret"]
    with SqlSource(pgdata.url(), include=["sales.*"]) as src:  # case-insensitive
        assert [c.name for c in src.containers()] == ['Sales.Weird "Name"; drop']
    with SqlSource(
        pgdata.url(), include=["crm.customers"], exclude_columns=["payload", "crm.customers.t*"]
    ) as src:
        fields, _ = read_table(src, "crm.customers")
    assert "iin" in fields and "tags[]" not in fields
    assert not any(f.startswith("payload") for f in fields)


def test_large_table_sampled_with_tablesample(pgdata: ServerDatabase) -> None:
    with SqlSource(pgdata.url(), sample_rows=1000) as src:
        fields, done = read_table(src, "crm.big")
    got = [int(v) for _, v in fields["id"]]
    assert done.rows_scanned == 1000 and done.sampled is True
    assert len(got) == 1000 and len(set(got)) == 1000
    assert any("TABLESAMPLE" in n for n in done.notes)


def test_small_table_shuffled_and_zero_reads_everything(pgdata: ServerDatabase) -> None:
    with SqlSource(pgdata.url(), sample_rows=1000) as src:
        fields, done = read_table(src, "crm.medium")
    assert done.rows_scanned == 1000 and len({v for _, v in fields["id"]}) == 1000
    assert any("ORDER BY random()" in n for n in done.notes)
    with SqlSource(pgdata.url(), sample_rows=0) as src:
        fields, done = read_table(src, "crm.big")
    assert done.rows_scanned == 20000 and done.sampled is False
    assert sorted(int(v) for _, v in fields["id"]) == list(range(1, 20001))


@pytest.mark.parametrize(
    ("table", "n", "method"),
    [("crm.big", 200, "TABLESAMPLE SYSTEM"), ("crm.medium", 1000, "ORDER BY random()")],
)
def test_same_seed_same_rows(pgdata: ServerDatabase, table: str, n: int, method: str) -> None:
    def sample(seed: int) -> list[int]:
        with SqlSource(pgdata.url(), sample_rows=n, seed=seed) as src:
            fields, done = read_table(src, table)
        assert any(method in note for note in done.notes)
        return [int(v) for _, v in fields["id"]]

    first, again, other = sample(7), sample(7), sample(8)
    assert first == again
    assert len(first) == n
    assert set(first) != set(other)


def test_never_analysed_table_still_sampled(pg: Any, pgdata: ServerDatabase) -> None:
    table = unique_name("fresh")
    pg.execute(f"CREATE TABLE crm.{table} AS SELECT g AS id FROM generate_series(1, 30000) g")
    try:
        with SqlSource(pgdata.url(), include=[f"crm.{table}"], sample_rows=500) as src:
            got = read_ids(src, f"crm.{table}")
        assert len(got) == 500 and len(set(got)) == 500
    finally:
        pg.execute(f"DROP TABLE crm.{table}")


def test_system_rows_used_when_installed(pg: Any, pgdata: ServerDatabase) -> None:
    pg.execute("CREATE EXTENSION tsm_system_rows")
    try:
        with SqlSource(pgdata.url(), sample_rows=500) as src:
            _fields, done = read_table(src, "crm.big")
        assert done.rows_scanned == 500
        assert any("SYSTEM_ROWS" in n for n in done.notes)
    finally:
        pg.execute("DROP EXTENSION tsm_system_rows")


def _fingerprint(pg: Any) -> tuple:
    """Contents of every table of the test data, and the write counters PostgreSQL keeps."""
    sums = tuple(
        pg.execute(
            f"SELECT md5(coalesce(string_agg(t::text, '|' ORDER BY t::text), '')) FROM {t} t"
        ).fetchone()[0]
        for t in ("crm.customers", "crm.big", "crm.medium", "crm.secret", "audit.log")
    )
    pg.execute("SELECT pg_stat_clear_snapshot()")
    counters = pg.execute(
        "SELECT relname, n_tup_ins, n_tup_upd, n_tup_del FROM pg_stat_user_tables ORDER BY relid"
    ).fetchall()
    return sums, tuple(counters)


def test_scan_leaves_database_unchanged(pg: Any, pgdata: ServerDatabase) -> None:
    before = _fingerprint(pg)
    with SqlSource(pgdata.url(), sample_rows=100, seed=3) as src:
        for container in src.containers():
            if container.name != "crm.secret":
                list(src.read(container))
    assert _fingerprint(pg) == before


def test_session_is_read_only_with_timeout(pgdata: ServerDatabase) -> None:
    with SqlSource(pgdata.url(), statement_timeout_s=12) as src:
        list(src.containers())
        with src._engine.connect() as conn:
            assert conn.exec_driver_sql("SHOW transaction_read_only").scalar() == "on"
            assert conn.exec_driver_sql("SHOW statement_timeout").scalar() == "12s"
            with pytest.raises(sa.exc.InternalError, match="read-only transaction"):
                conn.exec_driver_sql("INSERT INTO audit.log VALUES (2, 'x')")
            conn.rollback()
            with pytest.raises(sa.exc.InternalError, match="read-only transaction"):
                conn.exec_driver_sql("CREATE TABLE audit.nope (i int)")


def test_select_only_role_reads(pg: Any, pgdata: ServerDatabase, role: str) -> None:
    pg.execute(f'GRANT USAGE ON SCHEMA crm TO "{role}"')
    pg.execute(f'GRANT SELECT ON crm.customers, crm.big TO "{role}"')
    with SqlSource(pgdata.url(user=role), include=["crm.*"], sample_rows=100) as src:
        fields, _done = read_table(src, "crm.customers")
        assert [v for _, v in fields["iin"]] == [IIN]
        _, big = read_table(src, "crm.big")
        assert big.rows_scanned == 100
        secret = next(c for c in src.containers() if c.name == "crm.secret")
        with pytest.raises(SourceError) as info:
            list(src.read(secret))
    error = info.value
    assert error.source == src.name and error.container == "crm.secret"
    assert "permission denied" in error.reason
    assert "crm.secret" in str(error) and src.name in str(error)


def test_column_privileges_skip_only_the_columns(
    pg: Any, pgdata: ServerDatabase, role: str
) -> None:
    pg.execute(f'GRANT USAGE ON SCHEMA crm TO "{role}"')
    pg.execute(f'GRANT SELECT (id, iin, phone) ON crm.customers TO "{role}"')
    with SqlSource(pgdata.url(user=role), include=["crm.customers"]) as src:
        fields, done = read_table(src, "crm.customers")
    assert [v for _, v in fields["iin"]] == [IIN]
    assert "payload.contact.iin" not in fields
    assert "full_name" in done.skipped_fields and "payload" in done.skipped_fields
    assert "iin" not in done.skipped_fields
    assert any("column full_name not read: permission denied" in n for n in done.notes)


def test_table_dropped_during_scan(pg: Any, pgdata: ServerDatabase) -> None:
    table = unique_name("gone")
    pg.execute(f"CREATE TABLE crm.{table} (id int)")
    with SqlSource(pgdata.url(), include=[f"crm.{table}"]) as src:
        container = next(iter(src.containers()))
        pg.execute(f"DROP TABLE crm.{table}")
        with pytest.raises(SourceError) as info:
            list(src.read(container))
    assert info.value.container == f"crm.{table}"
    assert "does not exist" in info.value.reason


def test_statement_timeout_is_a_container_error(pg: Any, pgdata: ServerDatabase) -> None:
    pg.execute("CREATE SCHEMA slow")
    pg.execute("CREATE VIEW slow.v AS SELECT pg_sleep(5)::text AS x")
    try:
        with SqlSource(pgdata.url(), include=["slow.*"], statement_timeout_s=0.3) as src:
            container = next(iter(src.containers()))
            with pytest.raises(SourceError) as info:
                list(src.read(container))
        assert info.value.container == "slow.v"
        assert "statement timeout" in info.value.reason
    finally:
        pg.execute("DROP SCHEMA slow CASCADE")


def test_unreachable_port(pgdata: ServerDatabase) -> None:
    src = SqlSource("postgresql://postgres:Sup3rS3cret@127.0.0.1:1/x")
    with pytest.raises(SourceError) as info:
        list(src.containers())
    assert info.value.source == "postgresql://postgres:***@127.0.0.1:1/x"
    assert "cannot connect" in info.value.reason and "refused" in info.value.reason
    assert_no_secret(info.value, "Sup3rS3cret")


def test_unknown_database(pgdata: ServerDatabase) -> None:
    # 127.0.0.1 uses trust authentication here, so a wrong password cannot be tested;
    # the password must still never appear.
    url = pgdata.url(password="Sup3rS3cret", database="no_such_db_derbes", user="postgres")
    src = SqlSource(url)
    with pytest.raises(SourceError) as info:
        list(src.containers())
    assert info.value.source == src.name and "***" in src.name
    assert 'database "no_such_db_derbes" does not exist' in info.value.reason
    assert_no_secret(info.value, "Sup3rS3cret")


def test_weird_identifiers(pg: Any, pgdata: ServerDatabase) -> None:
    with SqlSource(pgdata.url(), include=["Sales.*"], sample_rows=10) as src:
        fields, _done = read_table(src, 'Sales.Weird "Name"; drop')
    assert fields["Mixed Case"] == [(1, IIN)]
    assert fields["select"] == [(1, "7")]
    assert pg.execute('SELECT count(*) FROM "Sales"."Weird ""Name""; drop"').fetchone() == (1,)


def test_concurrent_reads(pgdata: ServerDatabase) -> None:
    names = ["crm.big", "crm.medium", "crm.customers", "audit.log"] * 2
    with SqlSource(pgdata.url(), sample_rows=500, connections=2) as src:
        results = read_in_threads(src, names)
        assert src._engine.pool.checkedout() == 0
    assert results == {"crm.big": 500, "crm.medium": 500, "crm.customers": 2, "audit.log": 1}
