"""Shared fixtures: the database servers on this machine.

``pg_db`` and ``mysql_db`` create a database of their own for the test session (uniquely
named, so parallel runs do not collide) and drop it at the end; ``pg`` and ``mysql`` are
autocommit admin connections to it for setting up test data. A server that cannot be reached
skips its tests, unless ``DERBES_REQUIRE_SERVICES=1``, which makes that a failure (CI).
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any, NoReturn

import pytest
from sql_helpers import unique_name

PG_HOST = os.environ.get("DERBES_PG_HOST", "127.0.0.1")
PG_PORT = int(os.environ.get("DERBES_PG_PORT", "5432"))
PG_USER = os.environ.get("DERBES_PG_USER", "postgres")
MYSQL_HOST = os.environ.get("DERBES_MYSQL_HOST", "127.0.0.1")
MYSQL_PORT = int(os.environ.get("DERBES_MYSQL_PORT", "3306"))
MYSQL_USER = os.environ.get("DERBES_MYSQL_USER", "root")
MYSQL_PASSWORD = os.environ.get("DERBES_MYSQL_PASSWORD", "")


def pytest_sessionstart(session: pytest.Session) -> None:
    """Refuse to test compiled modules older than their source: the tests would pass or
    fail on code that is no longer there (``make compiled`` rebuilds them)."""
    from pathlib import Path

    from derbes.scanner.compiled import pure_python, stale_modules

    stale = stale_modules(Path(__file__).resolve().parents[1])
    if stale and not pure_python():
        pytest.exit(
            f"compiled modules older than their source: {', '.join(stale)}; run `make "
            "compiled` (or set DERBES_PURE_PYTHON=1 to test the sources)",
            returncode=2,
        )


def _unavailable(what: str, error: BaseException) -> NoReturn:
    first_line = str(error).strip().splitlines()[0] if str(error).strip() else repr(error)
    if os.environ.get("DERBES_REQUIRE_SERVICES") == "1":
        pytest.fail(
            f"{what} is required (DERBES_REQUIRE_SERVICES=1) but unreachable: {first_line}",
            pytrace=False,
        )
    pytest.skip(f"{what} unreachable: {first_line}")


@dataclass(frozen=True)
class ServerDatabase:
    """A database made for this session on a server, and how to reach it."""

    dialect: str  # "postgresql" or "mysql"
    host: str
    port: int
    user: str
    password: str
    name: str

    def url(
        self, user: str | None = None, password: str | None = None, database: str | None = None
    ) -> str:
        """A URL for derbes: this database as the admin user, or as ``user``."""
        user = user or self.user
        password = self.password if password is None and user == self.user else password
        auth = f"{user}:{password}" if password else user
        return f"{self.dialect}://{auth}@{self.host}:{self.port}/{database or self.name}"


# -- PostgreSQL ----------------------------------------------------------------------------


def _pg_connect(dbname: str) -> Any:
    import psycopg

    return psycopg.connect(
        host=PG_HOST, port=PG_PORT, user=PG_USER, dbname=dbname, autocommit=True, connect_timeout=5
    )


@pytest.fixture(scope="session")
def pg_db() -> Iterator[ServerDatabase]:
    """A PostgreSQL database for this session (dropped at the end)."""
    import psycopg
    from psycopg import sql

    try:
        admin = _pg_connect("postgres")
    except psycopg.OperationalError as e:
        _unavailable(f"PostgreSQL at {PG_HOST}:{PG_PORT}", e)
    name = unique_name("derbes_test")
    admin.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    try:
        yield ServerDatabase("postgresql", PG_HOST, PG_PORT, PG_USER, "", name)
    finally:
        admin.execute(
            sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name))
        )
        admin.close()


@pytest.fixture
def pg(pg_db: ServerDatabase) -> Iterator[Any]:
    """An autocommit psycopg connection to the session's PostgreSQL database, as admin."""
    conn = _pg_connect(pg_db.name)
    try:
        yield conn
    finally:
        conn.close()


# -- MySQL / MariaDB -----------------------------------------------------------------------


def _mysql_connect(database: str | None = None) -> Any:
    import pymysql

    return pymysql.connect(
        host=MYSQL_HOST,
        port=MYSQL_PORT,
        user=MYSQL_USER,
        password=MYSQL_PASSWORD,
        database=database,
        autocommit=True,
        connect_timeout=5,
        charset="utf8mb4",
    )


@pytest.fixture(scope="session")
def mysql_db() -> Iterator[ServerDatabase]:
    """A MariaDB/MySQL database for this session (dropped at the end)."""
    import pymysql

    try:
        admin = _mysql_connect()
    except pymysql.err.OperationalError as e:
        _unavailable(f"MariaDB/MySQL at {MYSQL_HOST}:{MYSQL_PORT}", e)
    name = unique_name("derbes_test")
    with admin.cursor() as cur:
        cur.execute(f"CREATE DATABASE `{name}` CHARACTER SET utf8mb4")
    try:
        yield ServerDatabase("mysql", MYSQL_HOST, MYSQL_PORT, MYSQL_USER, MYSQL_PASSWORD, name)
    finally:
        with admin.cursor() as cur:
            cur.execute(f"DROP DATABASE IF EXISTS `{name}`")
        admin.close()


@pytest.fixture
def mysql(mysql_db: ServerDatabase) -> Iterator[Any]:
    """An autocommit PyMySQL connection to the session's database, as admin."""
    conn = _mysql_connect(mysql_db.name)
    try:
        yield conn
    finally:
        conn.close()
