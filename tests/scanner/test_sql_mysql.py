"""SqlSource against the MariaDB/MySQL server on this machine (marker ``mysql``).

Everything happens in the session's own database (``mysql_db``); users are server-wide, so
each test that makes one gives it a unique name and drops it.
"""

from __future__ import annotations

import secrets
from collections.abc import Iterator
from typing import Any

import pytest
import sqlalchemy as sa
from sql_helpers import (
    BINARY_ROWS,
    assert_binary_openings,
    assert_binary_read,
    assert_no_secret,
    read_table,
    unique_name,
)

from derbes.scanner.errors import SourceError
from derbes.scanner.sources.sql import SqlSource

pytestmark = pytest.mark.mysql

ServerDatabase = Any  # conftest.ServerDatabase (conftest modules are not imported by name)
IIN = "870412300123"

SETUP = [
    """CREATE TABLE customers (
        id BIGINT AUTO_INCREMENT PRIMARY KEY, full_name VARCHAR(100), iin CHAR(12),
        phone BIGINT, inn DECIMAL(12, 0), payload JSON, avatar BLOB, active BOOLEAN,
        balance DECIMAL(12, 2), born DATE, kind ENUM('a', 'b'), empty TEXT
    ) CHARACTER SET utf8mb4""",
    """INSERT INTO customers (full_name, iin, phone, inn, payload, avatar, active, balance, born,
        kind, empty) VALUES
        ('Айгуль Серикова', '870412300123', 870412300123, 870412300123,
         '{"contact": {"iin": "870412300123", "phones": ["+77011234567"]}}', x'00ff', 1, 12.50,
         '1987-04-12', 'a', ''),
        ('Bob', NULL, 770112345678, NULL, NULL, NULL, 0, 13, NULL, NULL, NULL)""",
    "CREATE VIEW v_customers AS SELECT id, iin FROM customers",
    "CREATE TABLE big (id INT PRIMARY KEY, v VARCHAR(20))",
    "INSERT INTO big SELECT seq, CONCAT('v', seq) FROM seq_1_to_20000",
    "CREATE TABLE medium (id INT PRIMARY KEY, v VARCHAR(20))",
    "INSERT INTO medium SELECT seq, CONCAT('m', seq) FROM seq_1_to_3000",
    "CREATE TABLE nokey (id INT, v VARCHAR(20))",
    "INSERT INTO nokey SELECT seq, CONCAT('n', seq) FROM seq_1_to_8000",
    "CREATE TABLE secret (id INT, iin CHAR(12))",
    "INSERT INTO secret VALUES (1, '870412300123')",
    'CREATE TABLE `weird "name"; drop` (`Mixed Case` TEXT, `select` INT)',
    "INSERT INTO `weird \"name\"; drop` VALUES ('870412300123', 7)",
]


@pytest.fixture(scope="module")
def mydata(mysql_db: ServerDatabase) -> ServerDatabase:
    import pymysql

    conn = pymysql.connect(
        host=mysql_db.host,
        port=mysql_db.port,
        user=mysql_db.user,
        password=mysql_db.password,
        database=mysql_db.name,
        autocommit=True,
        charset="utf8mb4",
    )
    with conn, conn.cursor() as cur:
        for statement in SETUP:
            cur.execute(statement)
    return mysql_db


@pytest.fixture
def user(mysql: Any, mydata: ServerDatabase) -> Iterator[tuple[str, str]]:
    """A user with a password and no rights yet: (name, password)."""
    name, password = unique_name("derbes_u"), "Pw-" + secrets.token_hex(8)
    with mysql.cursor() as cur:
        cur.execute(f"CREATE USER '{name}'@'%' IDENTIFIED BY '{password}'")
    try:
        yield name, password
    finally:
        with mysql.cursor() as cur:
            cur.execute(f"DROP USER '{name}'@'%'")


def test_lists_the_urls_database(mydata: ServerDatabase) -> None:
    db = mydata.name
    with SqlSource(mydata.url()) as src:
        found = {c.name: c for c in src.containers()}
        assert src.dialect == "mariadb"
        assert src.host == "127.0.0.1"
    # Only the URL's database is listed; other test modules may add tables to it.
    assert all(name.startswith(f"{db}.") for name in found)
    assert set(found) >= {
        f"{db}.customers",
        f"{db}.v_customers",
        f"{db}.big",
        f"{db}.medium",
        f"{db}.nokey",
        f"{db}.secret",
        f'{db}.weird "name"; drop',
    }
    assert found[f"{db}.v_customers"].kind == "view"
    columns = {c.name: c for c in found[f"{db}.customers"].columns}
    # Read for the text it may hold (sources.binary).
    assert (columns["avatar"].scannable, columns["avatar"].reason) == (True, None)


def test_all_databases_without_system_schemas(mydata: ServerDatabase) -> None:
    url = f"mysql://{mydata.user}@{mydata.host}:{mydata.port}/"
    with SqlSource(url, include=[f"{mydata.name}.*", "mysql.*", "information_schema.*"]) as src:
        schemas = {c.name.split(".")[0] for c in src.containers()}
    assert schemas == {mydata.name}


def test_values(mydata: ServerDatabase) -> None:
    with SqlSource(mydata.url()) as src:
        fields, done = read_table(src, f"{mydata.name}.customers")
    row = fields["iin"][0][0]
    assert fields["iin"] == [(row, IIN)]
    assert (row, IIN) in fields["phone"]
    assert fields["inn"] == [(row, IIN)]
    assert fields["payload.contact.iin"] == [(row, IIN)]
    assert fields["payload.contact.phones[]"] == [(row, "+77011234567")]
    assert fields["full_name"][0][1] in ("Айгуль Серикова", "Bob")
    assert fields["born"] == [(row, "1987-04-12")]
    assert fields["kind"] == [(row, "a")]
    assert [v for _, v in fields["balance"]] == ["13"]
    assert "avatar" not in fields and "active" not in fields and "empty" not in fields
    assert done.skipped_fields == ()
    assert "binary values holding no text: avatar (1)" in done.notes  # x'00ff'
    assert done.rows_scanned == 2 and done.sampled is False


def test_binary_values_read_for_their_text(mysql: Any, mydata: ServerDatabase) -> None:
    # MEDIUMBLOB: the long value is over BLOB's 65,535 bytes. VARBINARY keeps an e-mail
    # compared case-sensitively.
    with mysql.cursor() as cur:
        cur.execute("CREATE TABLE blobs (id INT PRIMARY KEY, data MEDIUMBLOB, login VARBINARY(64))")
        cur.executemany("INSERT INTO blobs (id, data) VALUES (%s, %s)", BINARY_ROWS)
        cur.execute("UPDATE blobs SET login = %s WHERE id = 1", (b"A.Serikova@example.kz",))
    try:
        with SqlSource(mydata.url()) as src:
            fields, done = read_table(src, f"{mydata.name}.blobs")
            assert_binary_openings(src, "blobs")
    finally:
        with mysql.cursor() as cur:
            cur.execute("DROP TABLE blobs")
    assert fields.pop("login") == [(1, "A.Serikova@example.kz")]
    assert_binary_read(fields, done)


def test_include_exclude(mydata: ServerDatabase) -> None:
    db = mydata.name
    with SqlSource(mydata.url(), include=["*.b*", "medium"], exclude=["big"]) as src:
        assert [c.name for c in src.containers()] == [f"{db}.medium"]
    with SqlSource(mydata.url(), include=["customers"], include_columns=["iin", "*.phone"]) as src:
        fields, _ = read_table(src, f"{db}.customers")
    assert set(fields) == {"iin", "phone"}


def test_large_table_sampled_by_key_ranges(mydata: ServerDatabase) -> None:
    with SqlSource(mydata.url(), sample_rows=1000) as src:
        fields, done = read_table(src, f"{mydata.name}.big")
    got = [int(v) for _, v in fields["id"]]
    assert done.rows_scanned == 1000 and done.sampled is True
    assert len(set(got)) == 1000
    assert max(got) - min(got) > 1000
    assert any("key ranges" in n for n in done.notes)
    assert not any("RAND" in n for n in done.notes)


def test_table_without_key_reads_first_rows(mydata: ServerDatabase) -> None:
    with SqlSource(mydata.url(), sample_rows=1000) as src:
        _fields, done = read_table(src, f"{mydata.name}.nokey")
    assert done.rows_scanned == 1000
    assert any("no integer primary key: first 1000 rows" in n for n in done.notes)


@pytest.mark.parametrize(
    ("table", "n", "method"),
    [("big", 300, "key ranges"), ("medium", 1000, "ORDER BY RAND()")],
)
def test_same_seed_same_rows(mydata: ServerDatabase, table: str, n: int, method: str) -> None:
    def sample(seed: int) -> list[int]:
        with SqlSource(mydata.url(), sample_rows=n, seed=seed) as src:
            fields, done = read_table(src, f"{mydata.name}.{table}")
        assert any(method in note for note in done.notes)
        return [int(v) for _, v in fields["id"]]

    first, again, other = sample(11), sample(11), sample(12)
    assert first == again and len(first) == n
    assert set(first) != set(other)


def test_zero_reads_whole_table(mydata: ServerDatabase) -> None:
    with SqlSource(mydata.url(), sample_rows=0) as src:
        fields, done = read_table(src, f"{mydata.name}.big")
    assert done.rows_scanned == 20000 and done.sampled is False
    assert sorted(int(v) for _, v in fields["id"]) == list(range(1, 20001))


def _checksums(mysql: Any) -> tuple:
    with mysql.cursor() as cur:
        cur.execute('CHECKSUM TABLE customers, big, medium, nokey, secret, `weird "name"; drop`')
        return tuple(cur.fetchall())


def test_scan_leaves_database_unchanged(mysql: Any, mydata: ServerDatabase) -> None:
    before = _checksums(mysql)
    with SqlSource(mydata.url(), sample_rows=100, seed=5) as src:
        for container in src.containers():
            list(src.read(container))
    assert _checksums(mysql) == before


def test_session_is_read_only_with_timeout(mydata: ServerDatabase) -> None:
    with SqlSource(mydata.url(), statement_timeout_s=12) as src:
        list(src.containers())
        with src._engine.connect() as conn:
            assert conn.exec_driver_sql("SELECT @@session.tx_read_only").scalar() == 1
            assert float(conn.exec_driver_sql("SELECT @@session.max_statement_time").scalar()) == 12
            with pytest.raises(sa.exc.DBAPIError, match="READ ONLY transaction"):
                conn.exec_driver_sql("INSERT INTO secret VALUES (2, 'x')")
            conn.rollback()
            with pytest.raises(sa.exc.DBAPIError, match="READ ONLY transaction"):
                conn.exec_driver_sql("UPDATE secret SET iin = 'y'")


def test_select_only_user_reads_and_revoked_table_fails(
    mysql: Any, mydata: ServerDatabase, user: tuple[str, str]
) -> None:
    name, password = user
    db = mydata.name
    with mysql.cursor() as cur:
        cur.execute(f"GRANT SELECT ON `{db}`.customers TO '{name}'@'%'")
        cur.execute(f"GRANT SELECT ON `{db}`.secret TO '{name}'@'%'")
    with SqlSource(mydata.url(user=name, password=password)) as src:
        found = {c.name: c for c in src.containers()}
        assert set(found) == {f"{db}.customers", f"{db}.secret"}  # others are invisible
        fields, _ = read_table(src, f"{db}.customers")
        assert [v for _, v in fields["iin"]] == [IIN]
        with mysql.cursor() as cur:
            cur.execute(f"REVOKE SELECT ON `{db}`.secret FROM '{name}'@'%'")
        with pytest.raises(SourceError) as info:
            list(src.read(found[f"{db}.secret"]))
    error = info.value
    assert error.source == src.name and error.container == f"{db}.secret"
    assert "denied" in error.reason
    assert password not in str(error) and "***" in error.source


def test_wrong_password(mydata: ServerDatabase, user: tuple[str, str]) -> None:
    name, _ = user
    src = SqlSource(mydata.url(user=name, password="Wr0ngHunter2"))
    with pytest.raises(SourceError) as info:
        list(src.containers())
    assert info.value.source == f"mysql://{name}:***@127.0.0.1:{mydata.port}/{mydata.name}"
    assert "cannot connect" in info.value.reason and "Access denied" in info.value.reason
    assert_no_secret(info.value, "Wr0ngHunter2")


def test_unknown_database_and_unreachable_port(mydata: ServerDatabase) -> None:
    src = SqlSource(mydata.url(database="no_such_db_derbes"))
    with pytest.raises(SourceError, match="Unknown database 'no_such_db_derbes'"):
        list(src.containers())
    src = SqlSource("mysql://root:Sup3rS3cret@127.0.0.1:1/x")
    with pytest.raises(SourceError) as info:
        list(src.containers())
    assert "cannot connect" in info.value.reason
    assert_no_secret(info.value, "Sup3rS3cret")


def test_statement_timeout_is_a_container_error(mysql: Any, mydata: ServerDatabase) -> None:
    view = unique_name("slow")
    with mysql.cursor() as cur:
        cur.execute(f"CREATE VIEW `{view}` AS SELECT SLEEP(5) AS x")
    try:
        with SqlSource(mydata.url(), include=[view], statement_timeout_s=0.3) as src:
            container = next(iter(src.containers()))
            with pytest.raises(SourceError) as info:
                list(src.read(container))
        assert info.value.container == f"{mydata.name}.{view}"
        assert "max_statement_time" in info.value.reason
    finally:
        with mysql.cursor() as cur:
            cur.execute(f"DROP VIEW `{view}`")


def test_weird_identifiers(mysql: Any, mydata: ServerDatabase) -> None:
    with SqlSource(mydata.url(), include=["weird*"]) as src:
        fields, _ = read_table(src, f'{mydata.name}.weird "name"; drop')
    assert fields["Mixed Case"] == [(1, IIN)]
    assert fields["select"] == [(1, "7")]
    with mysql.cursor() as cur:
        cur.execute('SELECT count(*) FROM `weird "name"; drop`')
        assert cur.fetchone() == (1,)
