"""Per-dialect sessions: the engine and its pool, read-only connections, statement timeouts.

Every connection is made read-only where the database allows it (a read-only session, or a
SQLite file opened ``mode=ro``) and its statements are bounded in time; SQLite, which has no
server-side timeout, is interrupted by a :class:`Deadline`.
"""

from __future__ import annotations

import math
import os
import sqlite3
import time
from collections.abc import Callable
from typing import Any
from urllib.parse import quote, urlencode

import sqlalchemy as sa
from sqlalchemy import event
from sqlalchemy import exc as sa_exc
from sqlalchemy.engine import URL, Connection
from sqlalchemy.pool import QueuePool

from derbes.scanner.errors import ConfigError
from derbes.scanner.sources.sql.urls import driver_defaults

CONNECT_TIMEOUT_S = 10


def create_engine(
    url: URL, family: str, timeout: float, connections: int, name: str,
    scrub: Callable[[str], str],
) -> sa.Engine:
    """A pooled engine of ``connections`` read-only connections (``ConfigError`` if the URL's
    driver or arguments are refused; ``scrub`` cleans the message)."""
    kwargs: dict[str, Any] = {
        "poolclass": QueuePool,
        "pool_size": connections,
        "max_overflow": 0,
        # Readers hold a connection while the engine consumes a streamed table; waiting
        # for one is normal, not an error.
        "pool_timeout": 3600,
        "hide_parameters": True,
    }
    if family == "sqlite":
        kwargs["creator"] = sqlite_creator(url, timeout)
        url = URL.create("sqlite+pysqlite")
    elif family == "postgresql" and url.get_driver_name() == "psycopg":
        kwargs["connect_args"] = driver_defaults(
            url, connect_timeout=CONNECT_TIMEOUT_S, application_name="derbes"
        )
    elif family == "mysql" and url.get_driver_name() == "pymysql":
        kwargs["connect_args"] = driver_defaults(url, connect_timeout=CONNECT_TIMEOUT_S)
    try:
        engine = sa.create_engine(url, **kwargs)
    except (sa_exc.ArgumentError, ImportError) as e:
        raise ConfigError(f"{name}: {scrub(str(e))}") from e
    event.listen(engine, "connect", _read_only_session(family, timeout))
    return engine


def _read_only_session(family: str, timeout: float) -> Callable[[Any, Any], None]:
    """The ``connect`` listener that makes every new connection read-only and bounds its
    statements' time."""

    def on_connect(dbapi_conn: Any, _record: Any) -> None:
        statements: list[str] = []
        ms = math.ceil(timeout * 1000)
        cursor = dbapi_conn.cursor()
        try:
            if family == "postgresql":
                statements = [
                    "SET SESSION CHARACTERISTICS AS TRANSACTION READ ONLY",
                    f"SET statement_timeout = {ms}",
                ]
            elif family == "mysql":
                cursor.execute("SELECT VERSION()")
                version = str(cursor.fetchone()[0]).lower()
                statements = ["SET SESSION TRANSACTION READ ONLY"]
                if "mariadb" in version:
                    statements.append(f"SET SESSION max_statement_time = {timeout:.3f}")
                else:
                    statements.append(f"SET SESSION max_execution_time = {ms}")
            elif family == "sqlite":
                statements = ["PRAGMA query_only = 1"]
            for statement in statements:
                cursor.execute(statement)
        finally:
            cursor.close()
        if statements and family != "sqlite":
            # A SET inside a transaction that is rolled back is undone (PostgreSQL).
            dbapi_conn.commit()

    return on_connect


class Deadline:
    """SQLite has no server-side statement timeout: abort a statement that runs past it.

    Calling the guard restarts the clock (at each fetched chunk of a streamed table).
    """

    def __init__(self, conn: Connection, family: str, timeout: float) -> None:
        self._raw = conn.connection.dbapi_connection if family == "sqlite" and timeout else None
        self._timeout = timeout
        self._until = 0.0

    def __call__(self) -> None:
        self._until = time.monotonic() + self._timeout

    def _expired(self) -> int:
        return int(time.monotonic() > self._until)

    def __enter__(self) -> Deadline:
        self()
        if self._raw is not None:
            self._raw.set_progress_handler(self._expired, 10_000)
        return self

    def __exit__(self, *exc: object) -> None:
        if self._raw is not None:
            self._raw.set_progress_handler(None, 0)


def sqlite_creator(url: URL, timeout: float) -> Any:
    """Connections to the SQLite file in read-only mode (``mode=ro``), whatever the URL said."""
    database = url.database or ""
    query = {k: v for k, v in url.query.items() if k != "uri"}
    if database in ("", ":memory:"):
        target, as_uri = ":memory:", False
    else:
        if url.query.get("uri") in ("true", "1") and database.startswith("file:"):
            path = database
        else:
            path = "file:" + quote(os.path.abspath(database))
        query["mode"] = "ro"
        target, as_uri = f"{path}?{urlencode(query, doseq=True)}", True

    def connect() -> sqlite3.Connection:
        return sqlite3.connect(target, uri=as_uri, check_same_thread=False, timeout=timeout or 5.0)

    return connect
