"""Every statement the database server receives from a scan is a catalog read, a SELECT or a
session setting; nothing that writes, locks or changes the server.

PostgreSQL: ``log_statement = 'all'`` for the scanning role only (``ALTER ROLE ... SET``),
read back from the server log. MariaDB: the general log into ``mysql.general_log`` for the
duration of the test, filtered by the scanning user, then switched back as it was.
"""

from __future__ import annotations

import glob
import os
import re
import secrets
import time
from pathlib import Path
from typing import Any

import pytest
from derbes_e2e import IINS, unique_name, write_control

#: A statement may start with these (case-insensitive)...
ALLOWED = re.compile(
    r"^\s*(?:SELECT|WITH|SHOW|SET|BEGIN|START\s+TRANSACTION|COMMIT|ROLLBACK|FETCH|CLOSE|"
    r"SAVEPOINT|RELEASE|"
    r"DECLARE\s+\S+\s+(?:NO\s+SCROLL\s+)?CURSOR(?:\s+WITH(?:OUT)?\s+HOLD)?\s+FOR\s+"
    r"(?:SELECT|WITH)|DESCRIBE|DESC|EXPLAIN)\b",
    re.I,
)
#: ...and contain none of these anywhere (a SELECT can call a function that writes or locks).
FORBIDDEN = re.compile(
    r"\b(?:INSERT|UPDATE|DELETE|MERGE|CREATE|ALTER|DROP|TRUNCATE|GRANT|REVOKE|COPY|LOCK|"
    r"VACUUM|ANALYZE|CALL|DO|REPLACE|LOAD|HANDLER|RENAME|nextval|setval|pg_advisory\w*|"
    r"lo_\w+|pg_terminate_backend|pg_cancel_backend|set_config|dblink\w*|SLEEP|pg_sleep|"
    r"FOR\s+UPDATE|FOR\s+SHARE|INTO\s+OUTFILE|INTO\s+DUMPFILE)\b",
    re.I,
)


def check(statements: list[str]) -> None:
    assert statements, "no statement recorded"
    bad = [s for s in statements if not ALLOWED.match(s) or (
        # SHOW only reads (SHOW CREATE TABLE prints a definition); the rest must not call
        # anything that writes or locks.
        not re.match(r"\s*SHOW\b", s, re.I) and FORBIDDEN.search(_strip_quoted(s)))]
    assert not bad, "\n".join(bad)
    assert any(re.search(r"\bSELECT\b", s, re.I) for s in statements)


def _strip_quoted(statement: str) -> str:
    """The statement without its quoted identifiers and strings (a column may be "update")."""
    return re.sub(r"\"(?:[^\"]|\"\")*\"|`(?:[^`]|``)*`|'(?:[^']|'')*'", "''", statement)


# -- PostgreSQL ----------------------------------------------------------------------------


def _pg_log_file(pg: Any) -> Path | None:
    current = pg.execute("SELECT pg_current_logfile()").fetchone()[0]
    if current:
        data = pg.execute("SHOW data_directory").fetchone()[0]
        path = Path(current if os.path.isabs(current) else os.path.join(data, current))
        return path if os.access(path, os.R_OK) else None
    # No logging collector: stderr goes where the service manager puts it (Debian, Ubuntu).
    version = pg.execute("SHOW server_version_num").fetchone()[0][:2]
    for candidate in sorted(glob.glob(f"/var/log/postgresql/postgresql-{version}-*.log")):
        if os.access(candidate, os.R_OK):
            return Path(candidate)
    return None


def _pg_statements(text: str, role: str) -> list[str]:
    """Statements logged for ``role``: ``statement:`` and ``execute <name>:`` entries, with
    their continuation lines (indented by a tab)."""
    statements: list[str] = []
    current: list[str] | None = None
    entry = re.compile(rf"\b{re.escape(role)}@\S*\s+LOG:\s+(?:statement|execute [^:]*):\s?(.*)")
    for line in text.splitlines():
        if line.startswith("\t") and current is not None:
            current.append(line.strip())
            continue
        if current is not None:
            statements.append(" ".join(current))
            current = None
        m = entry.search(line)
        if m:
            current = [m.group(1)]
    if current is not None:
        statements.append(" ".join(current))
    return statements


@pytest.mark.postgres
def test_postgresql_receives_only_reads(derbes_scan, tmp_path: Path, pg: Any, pg_db: Any):
    log = _pg_log_file(pg)
    if log is None:
        pytest.skip("the PostgreSQL server log is not readable from here")
    role, schema = unique_name("derbes_stmt"), unique_name("stmt")
    pg.execute(f"CREATE SCHEMA {schema}")
    # created_at, indexed: the table's age is read too (MIN() over the index, statistics).
    pg.execute(f'CREATE TABLE {schema}.clients (id int PRIMARY KEY, iin text, "update" text,'
               " doc jsonb, created_at timestamp)")
    pg.execute(f"CREATE INDEX ON {schema}.clients (created_at)")
    pg.execute(f"INSERT INTO {schema}.clients SELECT g, (ARRAY['{IINS[3]}', '{IINS[4]}'])"
               f"[g % 2 + 1], 'x', '{{\"a\": 1}}', timestamp '2015-01-01' + g * interval '1 h'"
               " FROM generate_series(1, 5000) g")
    pg.execute(f"CREATE VIEW {schema}.v AS SELECT id, iin FROM {schema}.clients")
    pg.execute(f"ANALYZE {schema}.clients")
    pg.execute(f"CREATE ROLE {role} LOGIN")
    pg.execute(f"GRANT USAGE ON SCHEMA {schema} TO {role}")
    pg.execute(f"GRANT SELECT ON ALL TABLES IN SCHEMA {schema} TO {role}")
    pg.execute(f"ALTER ROLE {role} SET log_statement = 'all'")  # this role only
    start = log.stat().st_size
    try:
        control = write_control(tmp_path)
        url = pg_db.url(user=role)
        # A sample (TABLESAMPLE, random order with a seed) and a whole-table stream (cursor).
        sampled = derbes_scan([control, url], include=[f"{schema}.*"], sample_rows=100, seed=7)
        whole = derbes_scan([control, url], include=[f"{schema}.*"], sample_rows=0)
        time.sleep(0.3)  # the server writes its log asynchronously
        with log.open("rb") as f:
            f.seek(start)
            text = f.read().decode("utf-8", "replace")
    finally:
        pg.execute(f"ALTER ROLE {role} RESET log_statement")
        pg.execute(f"DROP SCHEMA {schema} CASCADE")
        pg.execute(f"DROP OWNED BY {role}")
        pg.execute(f"DROP ROLE {role}")
    assert sampled.code == 0 and whole.code == 0
    statements = _pg_statements(text, role)
    check(statements)
    assert any(f"{schema}" in s and "clients" in s for s in statements)
    assert any(s.upper().startswith("FETCH") or "CURSOR" in s.upper() for s in statements)
    assert any("min(" in s.lower() and "created_at" in s for s in statements)


# -- MariaDB / MySQL -------------------------------------------------------------------------


@pytest.mark.mysql
def test_mysql_receives_only_reads(derbes_scan, tmp_path: Path, mysql: Any, mysql_db: Any):
    user, password = unique_name("derbes_stmt"), "pw-" + secrets.token_hex(6)
    with mysql.cursor() as cur:
        cur.execute("SELECT @@GLOBAL.general_log, @@GLOBAL.log_output")
        general_log, log_output = cur.fetchone()
        # created_at, indexed: the table's age is read too (MIN() over the index, statistics).
        cur.execute("CREATE TABLE stmt_clients (id int PRIMARY KEY, iin varchar(12), "
                    "`update` varchar(10), doc JSON, created_at datetime, INDEX (created_at))")
        cur.executemany("INSERT INTO stmt_clients VALUES (%s, %s, 'x', '{\"a\": 1}', "
                        "'2015-01-01')", [(i, IINS[3 + i % 2]) for i in range(1, 3001)])
        cur.execute("CREATE VIEW stmt_v AS SELECT id, iin FROM stmt_clients")
        cur.execute(f"CREATE USER '{user}'@'%' IDENTIFIED BY '{password}'")
        cur.execute(f"GRANT SELECT, SHOW VIEW ON `{mysql_db.name}`.* TO '{user}'@'%'")
        cur.execute("SET GLOBAL log_output = 'TABLE'")
        cur.execute("SET GLOBAL general_log = 'ON'")
    try:
        control = write_control(tmp_path)
        url = mysql_db.url(user=user, password=password)
        sampled = derbes_scan([control, url], include=["stmt_*"], sample_rows=100, seed=7)
        whole = derbes_scan([control, url], include=["stmt_*"], sample_rows=0)
        with mysql.cursor() as cur:
            cur.execute(
                "SELECT command_type, CONVERT(argument USING utf8mb4) FROM mysql.general_log "
                "WHERE user_host LIKE %s ORDER BY event_time", (f"{user}[%",))
            rows = cur.fetchall()
    finally:
        with mysql.cursor() as cur:
            cur.execute("SET GLOBAL general_log = %s", (general_log,))
            cur.execute("SET GLOBAL log_output = %s", (log_output,))
            cur.execute("DROP VIEW stmt_v")
            cur.execute("DROP TABLE stmt_clients")
            cur.execute(f"DROP USER '{user}'@'%'")
    assert sampled.code == 0 and whole.code == 0
    commands = {command for command, _ in rows}
    assert commands <= {"Connect", "Quit", "Query", "Init DB", "Field List"}, commands
    statements = [argument for command, argument in rows if command == "Query"]
    check(statements)
    assert any("stmt_clients" in s for s in statements)
    assert any("min(" in s.lower() and "created_at" in s for s in statements)
