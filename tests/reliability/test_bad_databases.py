"""Bad databases, end to end: a clear message naming the source (password masked) and the
reason, the other sources of the same scan reported in full, and exit code 3 (incomplete).

Runs against the PostgreSQL and MariaDB servers of ``tests/conftest.py`` (markers
``postgres`` and ``mysql``). Every scan also reads the control log, which must come out whole.
"""

from __future__ import annotations

import contextlib
import gc
import socket
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from derbes_e2e import IINS, unique_name, write_control

from derbes.scanner.sources.sql import SqlSource, display_name

ServerDatabase = Any  # conftest.ServerDatabase

BIG_ROWS = 30_000


# -- a TCP proxy that drops a connection after N bytes ---------------------------------------


class DroppingProxy:
    """Forwards 127.0.0.1:port to a server and cuts each connection once the server has sent
    ``limit`` bytes on it: a server that goes away in the middle of a result."""

    def __init__(self, host: str, port: int, limit: int) -> None:
        self.upstream = (host, port)
        self.limit = limit
        self.dropped = 0
        self._listener = socket.create_server(("127.0.0.1", 0))
        self.port = self._listener.getsockname()[1]
        self._closing = False
        self._sockets: list[socket.socket] = []
        threading.Thread(target=self._accept, daemon=True).start()

    def _accept(self) -> None:
        while not self._closing:
            try:
                client, _ = self._listener.accept()
            except OSError:
                return
            server = socket.create_connection(self.upstream)
            self._sockets += [client, server]
            threading.Thread(target=self._pump, args=(client, server, None), daemon=True).start()
            threading.Thread(target=self._pump, args=(server, client, self.limit),
                             daemon=True).start()

    def _pump(self, src: socket.socket, dst: socket.socket, limit: int | None) -> None:
        sent = 0
        try:
            while True:
                data = src.recv(65536)
                if not data:
                    break
                if limit is not None and sent + len(data) > limit:
                    dst.sendall(data[: limit - sent])
                    self.dropped += 1
                    break
                dst.sendall(data)
                sent += len(data)
        except OSError:
            pass
        for s in (src, dst):
            with contextlib.suppress(OSError):
                s.shutdown(socket.SHUT_RDWR)
            s.close()

    def close(self) -> None:
        self._closing = True
        self._listener.close()
        for s in self._sockets:
            s.close()


# -- PostgreSQL ----------------------------------------------------------------------------


@pytest.fixture(scope="module")
def pgrel(pg_db: ServerDatabase) -> ServerDatabase:
    """Schema ``rel`` in the session database: a good table, a big one, an exotic one."""
    import psycopg

    with psycopg.connect(host=pg_db.host, port=pg_db.port, user=pg_db.user, dbname=pg_db.name,
                         autocommit=True) as conn:
        conn.execute(
            f"""
            CREATE EXTENSION IF NOT EXISTS hstore;
            CREATE SCHEMA rel;
            CREATE TABLE rel.good (id int PRIMARY KEY, iin text);
            INSERT INTO rel.good SELECT g, (ARRAY['{IINS[3]}', '{IINS[4]}', '{IINS[5]}'])[g % 3 + 1]
              FROM generate_series(1, 30) g;
            CREATE TABLE rel.big (id int PRIMARY KEY, note text);
            INSERT INTO rel.big SELECT g, 'client iin {IINS[6]} order ' || g
              FROM generate_series(1, {BIG_ROWS}) g;
            ANALYZE;
            """
        )
    return pg_db


def pg_url(db: ServerDatabase, **kw: Any) -> str:
    return db.url(**kw)


@pytest.mark.postgres
def test_pg_unreachable_host(derbes_scan, tmp_path: Path, pgrel: ServerDatabase) -> None:
    control = write_control(tmp_path)
    url = "postgresql://scanner:N0tShown-7781@127.0.0.1:1/app"
    run = derbes_scan([control, url])
    run.assert_control_complete(control)
    run.assert_error(display_name(url), "cannot connect", "refused")
    assert "N0tShown-7781" not in run.stderr + str(run.summary)
    assert run.code == 3


@pytest.mark.postgres
def test_pg_wrong_password(derbes_scan, tmp_path: Path, pg: Any, pgrel: ServerDatabase) -> None:
    import psycopg

    role = unique_name("derbes_pw")
    pg.execute(f"CREATE ROLE {role} LOGIN PASSWORD 'Right-Pass-1'")
    try:
        try:
            psycopg.connect(host=pgrel.host, port=pgrel.port, user=role, dbname=pgrel.name,
                            password="Wrong-Pass-2", connect_timeout=5).close()
        except psycopg.OperationalError:
            pass
        else:
            pytest.skip("the PostgreSQL server trusts 127.0.0.1: no password is checked")
        control = write_control(tmp_path)
        url = pgrel.url(user=role, password="Wrong-Pass-2")
        run = derbes_scan([control, url])
        run.assert_control_complete(control)
        run.assert_error(display_name(url), "cannot connect", "password authentication failed")
        assert run.code == 3
    finally:
        pg.execute(f"DROP ROLE {role}")


@pytest.mark.postgres
def test_pg_database_does_not_exist(derbes_scan, tmp_path: Path, pgrel: ServerDatabase) -> None:
    control = write_control(tmp_path)
    url = pgrel.url(database="no_such_database_derbes")
    run = derbes_scan([control, url])
    run.assert_control_complete(control)
    run.assert_error(display_name(url), 'database "no_such_database_derbes" does not exist')
    assert run.code == 3


@pytest.mark.postgres
def test_pg_table_without_select(
    derbes_scan, tmp_path: Path, pg: Any, pgrel: ServerDatabase
) -> None:
    role = unique_name("derbes_nosel")
    pg.execute(f"CREATE ROLE {role} LOGIN")
    pg.execute(f'GRANT CONNECT ON DATABASE "{pgrel.name}" TO {role}')
    pg.execute(f"GRANT USAGE ON SCHEMA rel TO {role}")
    pg.execute(f"GRANT SELECT ON rel.good TO {role}")  # not rel.big
    try:
        control = write_control(tmp_path)
        url = pgrel.url(user=role)
        run = derbes_scan([control, url], include=["rel.*"])
        run.assert_control_complete(control)
        error = run.assert_error(display_name(url), "permission denied", status="partial")
        assert error.startswith("rel.big: ")
        (good,) = [f for f in run.findings_of(display_name(url)) if f["container"] == "rel.good"]
        assert good["hits"] == 30 and good["rows_scanned"] == 30
        assert run.code == 3
    finally:
        pg.execute(f"DROP OWNED BY {role}")
        pg.execute(f"DROP ROLE {role}")


@pytest.mark.postgres
def test_pg_table_dropped_during_scan(
    derbes_scan, tmp_path: Path, pg: Any, pgrel: ServerDatabase, monkeypatch: pytest.MonkeyPatch
) -> None:
    table = unique_name("doomed")
    pg.execute(f"CREATE TABLE rel.{table} AS SELECT 1 AS id, '{IINS[3]}'::text AS iin")
    # Listed, then gone before it is read.
    _after_listing(monkeypatch, lambda: pg.execute(f"DROP TABLE rel.{table}"))
    control = write_control(tmp_path)
    url = pgrel.url()
    run = derbes_scan([control, url], include=["rel.good", f"rel.{table}"])
    run.assert_control_complete(control)
    error = run.assert_error(display_name(url), "does not exist", status="partial")
    assert error.startswith(f"rel.{table}: ")
    by_table = {(f["container"], f["match_type"]) for f in run.findings_of(display_name(url))}
    # The dropped table's column name is still evidence (listed before the drop).
    assert by_table == {("rel.good", "value+name"), (f"rel.{table}", "name")}
    (good,) = [f for f in run.findings_of(display_name(url)) if f["container"] == "rel.good"]
    assert good["hits"] == 30
    assert run.code == 3


@pytest.mark.postgres
def test_pg_statement_timeout(derbes_scan, tmp_path: Path, pg: Any, pgrel: ServerDatabase) -> None:
    view = unique_name("slow")
    # The view would take a minute; cancelled after half a second, the whole scan takes a
    # few seconds, and well under the bound below however loaded the machine is.
    pg.execute(f"CREATE VIEW rel.{view} AS SELECT pg_sleep(60)::text AS x")
    try:
        control = write_control(tmp_path)
        url = pgrel.url()
        t0 = time.monotonic()
        run = derbes_scan([control, url], include=["rel.good", f"rel.{view}"],
                          statement_timeout=0.5)
        assert time.monotonic() - t0 < 30  # cancelled, not waited out
        run.assert_control_complete(control)
        error = run.assert_error(display_name(url), "statement timeout", status="partial")
        assert error.startswith(f"rel.{view}: ")
        assert [f["hits"] for f in run.findings_of(display_name(url))] == [30]
        assert run.code == 3
    finally:
        pg.execute(f"DROP VIEW rel.{view}")


def _scan_killing_the_reader(derbes_scan, tmp_path: Path, db: ServerDatabase):
    """A scan of rel.big and rel.good during which another connection runs
    pg_terminate_backend on the backend streaming rel.big."""
    stop = threading.Event()
    killed: list[int] = []

    def killer() -> None:
        import psycopg

        with psycopg.connect(host=db.host, port=db.port, user=db.user, dbname=db.name,
                             autocommit=True) as conn:
            first: tuple | None = None
            while not stop.is_set() and not killed:
                # A streamed table is read with FETCH from a server-side cursor.
                row = conn.execute(
                    "SELECT pid, query_start FROM pg_stat_activity "
                    "WHERE application_name = 'derbes' "
                    "AND query ILIKE 'FETCH%%' AND pid <> pg_backend_pid()"
                ).fetchone()
                # Cut at the second FETCH of the reader, not after a pause: the rows of the
                # first one have then been taken by the scan, however loaded the machine is.
                if row and first is None:
                    first = tuple(row)
                elif row and row[0] == first[0] and row[1] > first[1]:
                    conn.execute("SELECT pg_terminate_backend(%s)", (row[0],))
                    killed.append(row[0])
                time.sleep(0.01)

    thread = threading.Thread(target=killer, daemon=True)
    thread.start()
    control = write_control(tmp_path)
    try:
        # Whole tables, paced, so that the read of rel.big lasts long enough to be cut; one
        # connection, so that rel.good (read after rel.big) needs a new one.
        run = derbes_scan([control, db.url()], include=["rel.good", "rel.big"], sample_rows=0,
                          max_rows_per_second=5_000, connections=1)
    finally:
        stop.set()
        thread.join()
    assert killed, "the reading backend was never seen"
    run.assert_control_complete(control)
    return run, display_name(db.url())


@pytest.mark.postgres
def test_pg_backend_terminated_mid_read(derbes_scan, tmp_path: Path, pgrel: ServerDatabase):
    run, name = _scan_killing_the_reader(derbes_scan, tmp_path, pgrel)
    error = run.assert_error(name, status="partial")
    # The server's notice, or, when the client reads the socket after the server closed it,
    # libpq's own words for the same loss; which one comes depends on timing.
    assert error.startswith("rel.big: ")
    assert "terminat" in error or "server closed the connection unexpectedly" in error
    by_table = {f["container"]: f for f in run.findings_of(name)}
    assert by_table["rel.good"]["hits"] == 30  # read on a new connection after the loss
    # What was read before the cut is kept; it is not the whole table.
    assert 0 < by_table["rel.big"]["hits"] < BIG_ROWS
    assert run.code == 3


@pytest.mark.postgres
def test_pg_rows_read_before_a_fault_are_counted(
    derbes_scan, tmp_path: Path, pgrel: ServerDatabase
) -> None:
    run, name = _scan_killing_the_reader(derbes_scan, tmp_path, pgrel)
    (big,) = [f for f in run.findings_of(name) if f["container"] == "rel.big"]
    assert 0 < big["rows_with_hits"] <= big["rows_scanned"] < BIG_ROWS, big


@pytest.fixture
def pg_proxy(pgrel: ServerDatabase) -> Iterator[DroppingProxy]:
    proxy = DroppingProxy(pgrel.host, pgrel.port, limit=256 << 10)
    yield proxy
    proxy.close()


@pytest.mark.postgres
def test_pg_connection_cut_mid_result(
    derbes_scan, tmp_path: Path, pgrel: ServerDatabase, pg_proxy: DroppingProxy
) -> None:
    control = write_control(tmp_path)
    url = f"postgresql://{pgrel.user}@127.0.0.1:{pg_proxy.port}/{pgrel.name}"
    run = derbes_scan([control, url], include=["rel.good", "rel.big"], sample_rows=0)
    assert pg_proxy.dropped >= 1
    run.assert_control_complete(control)
    error = run.assert_error(display_name(url), status="partial")
    assert error.startswith("rel.big: ")
    assert "closed" in error.lower() or "lost" in error.lower() or "consuming" in error.lower()
    by_table = {f["container"]: f for f in run.findings_of(display_name(url))}
    assert by_table["rel.good"]["hits"] == 30
    assert run.code == 3


EXOTIC_PG = """
CREATE TYPE {s}.mood AS ENUM ('ok', 'bad');
CREATE TABLE {s}.t (
    id int PRIMARY KEY, iin_tags text[], grid int[][], mood {s}.mood, avatar bytea, spent money,
    uid uuid, extra hstore, broken text, deep jsonb, doc jsonb, net inet, span interval,
    iin_words tsvector, r int4range, bits bit varying, pt point, x xml
);
"""


@pytest.mark.postgres
def test_pg_exotic_column_types(
    derbes_scan, tmp_path: Path, pg: Any, pgrel: ServerDatabase
) -> None:
    schema = unique_name("exotic")
    pg.execute(f"CREATE SCHEMA {schema}")
    try:
        pg.execute(EXOTIC_PG.format(s=schema))
        deep = '{"iin": "' + IINS[5] + '", "x": ' + "[" * 3000 + "]" * 3000 + "}"
        pg.execute(
            f"""INSERT INTO {schema}.t VALUES (1, %s, ARRAY[[1,2],[3,4]], 'ok', %s, 12.34,
                 '00000000-0000-0000-0000-000000000001', %s, %s, %s, %s, '10.0.0.1', '1 day',
                 to_tsvector('simple', %s), '[1,5)', B'1011', '(1,2)', %s)""",
            (["+77011234567", IINS[3]], f"ИИН {IINS[3]}".encode(), f"iin=>{IINS[4]}",
             '{"iin": "' + IINS[6] + '", broken', deep, '{"a": {"iin": "' + IINS[0] + '"}}',
             IINS[1], f"<c><iin>{IINS[2]}</iin></c>"),
        )
        control = write_control(tmp_path)
        url = pgrel.url()
        run = derbes_scan([control, url], include=[f"{schema}.*"])
    finally:
        pg.execute(f"DROP SCHEMA {schema} CASCADE")
    run.assert_control_complete(control)
    name = display_name(url)
    assert run.source(name)["status"] == "ok", run.source(name)
    fields = {f["field"] for f in run.findings_of(name) if f["entity"] == "KZ_IIN" and f["hits"]}
    # Arrays by element, hstore, xml and tsvector by their text, broken JSON as text, a JSON
    # document too deep to parse as text, a good one by key path, bytea for the text in it.
    # (One IIN in a column is evidence only with a word or a column name beside it:
    # iin_tags, iin_words.)
    assert {"iin_tags[]", "extra", "broken", "doc.a.iin", "iin_words", "x", "deep",
            "avatar"} <= fields, fields
    (info,) = run.containers_of(name)
    assert not [n for n in info["notes"] if "avatar" in n], info["notes"]
    assert run.code == 0


@pytest.mark.postgres
def test_pg_geometry_column(derbes_scan, tmp_path: Path, pg: Any, pgrel: ServerDatabase) -> None:
    if not pg.execute("SELECT 1 FROM pg_available_extensions WHERE name = 'postgis'").fetchone():
        pytest.skip("PostGIS is not installed on this server")
    pg.execute("CREATE EXTENSION IF NOT EXISTS postgis")
    schema = unique_name("geo")
    pg.execute(f"CREATE SCHEMA {schema}")
    try:
        pg.execute(f"CREATE TABLE {schema}.t (id int, geo geometry, iin text)")
        pg.execute(f"INSERT INTO {schema}.t VALUES (1, 'POINT(76.9 43.2)', %s)", (IINS[3],))
        control = write_control(tmp_path)
        url = pgrel.url()
        run = derbes_scan([control, url], include=[f"{schema}.*"])
    finally:
        pg.execute(f"DROP SCHEMA {schema} CASCADE")
    run.assert_control_complete(control)
    assert run.source(display_name(url))["status"] == "ok"
    assert [f["field"] for f in run.findings_of(display_name(url)) if f["hits"]] == ["iin"]
    assert run.code == 0


# -- MariaDB / MySQL -------------------------------------------------------------------------


@pytest.fixture(scope="module")
def myrel(mysql_db: ServerDatabase) -> ServerDatabase:
    """Tables ``rel_good`` (30 rows, 30 IINs) and ``rel_big`` (30,000 rows) in the session
    database."""
    import pymysql

    conn = pymysql.connect(host=mysql_db.host, port=mysql_db.port, user=mysql_db.user,
                           password=mysql_db.password, database=mysql_db.name,
                           autocommit=True, charset="utf8mb4")
    with conn, conn.cursor() as cur:
        cur.execute("CREATE TABLE rel_good (id int PRIMARY KEY, iin varchar(12))")
        cur.executemany("INSERT INTO rel_good VALUES (%s, %s)",
                        [(i, IINS[3 + i % 3]) for i in range(1, 31)])
        cur.execute("CREATE TABLE rel_big (id int PRIMARY KEY, note varchar(100))")
        rows = [(i, f"client {IINS[6]} order {i}") for i in range(1, BIG_ROWS + 1)]
        for i in range(0, len(rows), 5000):
            cur.executemany("INSERT INTO rel_big VALUES (%s, %s)", rows[i : i + 5000])
    return mysql_db


@pytest.fixture
def my_admin(myrel: ServerDatabase) -> Iterator[Any]:
    import pymysql

    conn = pymysql.connect(host=myrel.host, port=myrel.port, user=myrel.user,
                           password=myrel.password, database=myrel.name, autocommit=True,
                           charset="utf8mb4")
    with conn:
        yield conn


@pytest.fixture
def my_user(my_admin: Any) -> Iterator[tuple[str, str]]:
    """A user with a password and no rights yet."""
    name, password = unique_name("derbes_rel"), "Rel-" + unique_name("pw")[-6:] + "-Secret"
    with my_admin.cursor() as cur:
        cur.execute(f"CREATE USER '{name}'@'%' IDENTIFIED BY '{password}'")
    try:
        yield name, password
    finally:
        with my_admin.cursor() as cur:
            cur.execute(f"DROP USER '{name}'@'%'")


def _good_hits(run, name: str, db: ServerDatabase) -> int:
    return sum(f["hits"] for f in run.findings_of(name) if f["container"] == f"{db.name}.rel_good")


@pytest.mark.mysql
def test_mysql_wrong_password(
    derbes_scan, tmp_path: Path, myrel: ServerDatabase, my_user: tuple[str, str]
) -> None:
    control = write_control(tmp_path)
    url = myrel.url(user=my_user[0], password="Wrong-" + my_user[1])
    run = derbes_scan([control, url])
    run.assert_control_complete(control)
    run.assert_error(display_name(url), "cannot connect", "access denied")
    assert run.code == 3


@pytest.mark.mysql
def test_mysql_database_does_not_exist(derbes_scan, tmp_path: Path, myrel: ServerDatabase):
    control = write_control(tmp_path)
    url = myrel.url(database="no_such_database_derbes")
    run = derbes_scan([control, url])
    run.assert_control_complete(control)
    run.assert_error(display_name(url), "unknown database 'no_such_database_derbes'")
    assert run.code == 3


@pytest.mark.mysql
def test_mysql_select_revoked_during_scan(
    derbes_scan, tmp_path: Path, my_admin: Any, myrel: ServerDatabase,
    my_user: tuple[str, str], monkeypatch: pytest.MonkeyPatch,
) -> None:
    db, user = myrel.name, my_user[0]
    with my_admin.cursor() as cur:
        cur.execute(f"GRANT SELECT ON `{db}`.rel_good TO '{user}'@'%'")
        cur.execute(f"GRANT SELECT ON `{db}`.rel_big TO '{user}'@'%'")
    _after_listing(monkeypatch, lambda: my_admin.cursor().execute(
        f"REVOKE SELECT ON `{db}`.rel_big FROM '{user}'@'%'"))
    control = write_control(tmp_path)
    url = myrel.url(user=user, password=my_user[1])
    run = derbes_scan([control, url], include=["rel_good", "rel_big"], connections=1)
    run.assert_control_complete(control)
    error = run.assert_error(display_name(url), "select command denied", status="partial")
    assert error.startswith(f"{db}.rel_big: ")
    assert _good_hits(run, display_name(url), myrel) == 30
    assert run.code == 3


@pytest.mark.mysql
def test_mysql_view_without_select(
    derbes_scan, tmp_path: Path, my_admin: Any, myrel: ServerDatabase,
    my_user: tuple[str, str],
) -> None:
    view = unique_name("rel_v")
    db = myrel.name
    with my_admin.cursor() as cur:
        cur.execute(f"CREATE VIEW `{view}` AS SELECT id, iin FROM rel_good")
        cur.execute(f"GRANT SELECT ON `{db}`.rel_good TO '{my_user[0]}'@'%'")
        cur.execute(f"GRANT SHOW VIEW ON `{db}`.`{view}` TO '{my_user[0]}'@'%'")
    try:
        control = write_control(tmp_path)
        url = myrel.url(user=my_user[0], password=my_user[1])
        run = derbes_scan([control, url], include=["rel_good", view])
    finally:
        with my_admin.cursor() as cur:
            cur.execute(f"DROP VIEW `{view}`")
    run.assert_control_complete(control)
    assert _good_hits(run, display_name(url), myrel) == 30
    error = run.assert_error(display_name(url), status="partial")
    assert error.startswith(f"{db}.{view}: ")
    assert run.code == 3


@pytest.mark.mysql
def test_mysql_table_dropped_during_scan(
    derbes_scan, tmp_path: Path, my_admin: Any, myrel: ServerDatabase,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    table = unique_name("rel_doomed")
    with my_admin.cursor() as cur:
        cur.execute(f"CREATE TABLE `{table}` (id int, note text)")
        cur.execute(f"INSERT INTO `{table}` VALUES (1, 'x {IINS[3]}')")
    _after_listing(monkeypatch, lambda: my_admin.cursor().execute(f"DROP TABLE `{table}`"))
    control = write_control(tmp_path)
    url = myrel.url()
    run = derbes_scan([control, url], include=["rel_good", table])
    run.assert_control_complete(control)
    error = run.assert_error(display_name(url), "doesn't exist", status="partial")
    assert error.startswith(f"{myrel.name}.{table}: ")
    assert _good_hits(run, display_name(url), myrel) == 30
    assert run.code == 3


@pytest.mark.mysql
def test_mysql_statement_timeout(
    derbes_scan, tmp_path: Path, my_admin: Any, myrel: ServerDatabase
) -> None:
    view = unique_name("rel_slow")
    with my_admin.cursor() as cur:
        cur.execute(f"CREATE VIEW `{view}` AS SELECT SLEEP(60) AS x")  # as for PostgreSQL
    try:
        control = write_control(tmp_path)
        url = myrel.url()
        t0 = time.monotonic()
        run = derbes_scan([control, url], include=["rel_good", view], statement_timeout=0.5)
        assert time.monotonic() - t0 < 30  # cancelled, not waited out
        run.assert_control_complete(control)
        error = run.assert_error(display_name(url), "max_statement_time", status="partial")
        assert error.startswith(f"{myrel.name}.{view}: ")
        assert _good_hits(run, display_name(url), myrel) == 30
        assert run.code == 3
    finally:
        with my_admin.cursor() as cur:
            cur.execute(f"DROP VIEW `{view}`")


@pytest.mark.mysql
# PyMySQL's unbuffered cursor tries to drain the dead connection when it is collected.
@pytest.mark.filterwarnings("ignore::pytest.PytestUnraisableExceptionWarning")
def test_mysql_connection_cut_mid_result(
    derbes_scan, tmp_path: Path, myrel: ServerDatabase
) -> None:
    proxy = DroppingProxy(myrel.host, myrel.port, limit=256 << 10)
    try:
        control = write_control(tmp_path)
        url = f"mysql://{myrel.user}@127.0.0.1:{proxy.port}/{myrel.name}"
        run = derbes_scan([control, url], include=["rel_good", "rel_big"], sample_rows=0,
                          connections=1)
    finally:
        proxy.close()
        # Collect the dead cursor here: its finalizer fails, and run later (inside an
        # ast.parse of pytest's assertion rewriter) it trips a CPython 3.11.7 SystemError.
        gc.collect()
    assert proxy.dropped >= 1
    run.assert_control_complete(control)
    error = run.assert_error(display_name(url), "lost connection", status="partial")
    assert error.startswith(f"{myrel.name}.rel_big: ")
    assert _good_hits(run, display_name(url), myrel) == 30  # on a new connection
    assert run.code == 3


@pytest.mark.mysql
def test_mysql_exotic_column_types(
    derbes_scan, tmp_path: Path, my_admin: Any, myrel: ServerDatabase
) -> None:
    table = unique_name("rel_exotic")
    with my_admin.cursor() as cur:
        cur.execute(
            f"""CREATE TABLE `{table}` (
                id int PRIMARY KEY, mood ENUM('ok', 'bad'), flags SET('a', 'b'), avatar BLOB,
                doc JSON, broken TEXT, geo GEOMETRY, pt POINT, bits BIT(8), yr YEAR,
                spent DECIMAL(12, 2), ip INET6, uid UUID, t TIME, raw VARBINARY(32),
                iin_big BIGINT)"""
        )
        cur.execute(
            f"""INSERT INTO `{table}` VALUES (1, 'ok', 'a,b', %s, %s, %s,
                ST_GeomFromText('POINT(76.9 43.2)'), POINT(1, 2), b'1011', 2024, 12.34,
                '::1', '00000000-0000-0000-0000-000000000001', '10:00:00', %s, %s)""",
            (f"ИИН {IINS[3]}".encode(), '{"a": {"iin": "' + IINS[4] + '"}}',
             '{"iin": "' + IINS[5] + '", broken', IINS[6].encode(), int(IINS[0])),
        )
    try:
        control = write_control(tmp_path)
        url = myrel.url()
        run = derbes_scan([control, url], include=[table])
    finally:
        with my_admin.cursor() as cur:
            cur.execute(f"DROP TABLE `{table}`")
    run.assert_control_complete(control)
    name = display_name(url)
    assert run.source(name)["status"] == "ok", run.source(name)
    fields = {f["field"] for f in run.findings_of(name) if f["entity"] == "KZ_IIN" and f["hits"]}
    assert {"doc.a.iin", "broken", "iin_big", "avatar"} <= fields, fields
    (info,) = run.containers_of(name)
    # BIT(8) comes as bytes: b"\x0b" holds no text.
    assert "binary values holding no text: bits (1)" in info["notes"], info["notes"]
    assert run.code == 0


def _after_listing(monkeypatch: pytest.MonkeyPatch, change: Any) -> None:
    """Run ``change`` against the server after the source has listed its tables and before
    it reads any: a table dropped, a privilege revoked in the middle of a scan."""
    listed = SqlSource.containers

    def containers_then_change(self):
        found = list(listed(self))
        change()
        yield from found

    monkeypatch.setattr(SqlSource, "containers", containers_then_change)
