"""The minimal grants of docs/grants.md are enough for a complete scan.

The statements are read from the documentation itself (the fenced block after each
``<!-- test: ... -->`` marker) and run as they are, with the placeholder names replaced, so
the documentation and this test cannot drift apart.
"""

from __future__ import annotations

import re
import secrets
from pathlib import Path
from typing import Any

import pytest
from derbes_e2e import IINS, REPO, unique_name, write_control

from derbes.scanner.sources.sql import display_name

GRANTS = REPO / "docs" / "grants.md"


def documented_statements(dialect: str) -> list[str]:
    """The SQL statements of the block marked ``<!-- test: dialect -->``, comments removed."""
    text = GRANTS.read_text(encoding="utf-8")
    m = re.search(rf"<!-- test: {dialect} -->\s*```sql\n(.*?)```", text, re.S)
    assert m, f"no tested block for {dialect} in {GRANTS}"
    body = "\n".join(line for line in m.group(1).splitlines()
                     if not line.strip().startswith("--"))
    statements = [s.strip() for s in body.split(";") if s.strip()]
    assert statements
    return statements


def substitute(statement: str, names: dict[str, str]) -> str:
    for placeholder, value in names.items():
        statement = re.sub(rf"(?<![\w-]){re.escape(placeholder)}(?![\w-])", value, statement)
    return statement


def test_blocks_are_found() -> None:
    assert any(s.startswith("GRANT SELECT") for s in documented_statements("postgresql"))
    assert any(s.startswith("GRANT SELECT") for s in documented_statements("mysql"))


@pytest.mark.postgres
def test_postgresql_documented_grants_suffice(
    derbes_scan, tmp_path: Path, pg: Any, pg_db: Any
) -> None:
    role, schema = unique_name("derbes_scanner"), unique_name("grants")
    names = {"derbes_scanner": role, "app": pg_db.name, "crm": schema,
             "change-me": "pw-" + secrets.token_hex(8)}
    pg.execute(f"CREATE SCHEMA {schema}")
    pg.execute(f"CREATE TABLE {schema}.clients (id int PRIMARY KEY, iin text, note text)")
    pg.execute(f"INSERT INTO {schema}.clients SELECT g, (ARRAY['{IINS[3]}', '{IINS[4]}'])"
               f"[g % 2 + 1], 'n' FROM generate_series(1, 20) g")
    pg.execute(f"CREATE VIEW {schema}.v_clients AS SELECT id, iin FROM {schema}.clients")
    pg.execute(f"CREATE MATERIALIZED VIEW {schema}.m_clients AS SELECT iin FROM "
               f"{schema}.clients")
    try:
        for statement in documented_statements("postgresql"):
            pg.execute(substitute(statement, names))
        control = write_control(tmp_path)
        url = pg_db.url(user=role, password=names["change-me"])
        run = derbes_scan([control, url], include=[f"{schema}.*"])
        with pg.cursor() as cur:  # the role's own settings took effect
            cur.execute(f"SELECT unnest(setconfig) FROM pg_db_role_setting s JOIN pg_roles r "
                        f"ON r.oid = s.setrole WHERE r.rolname = '{role}'")
            settings = {row[0] for row in cur.fetchall()}
    finally:
        pg.execute(f"DROP SCHEMA {schema} CASCADE")
        pg.execute(f"DROP OWNED BY {role}")
        pg.execute(f"DROP ROLE {role}")
    run.assert_control_complete(control)
    name = display_name(url)
    assert run.source(name)["status"] == "ok", run.source(name)
    hits = {f["container"]: f["hits"] for f in run.findings_of(name) if f["entity"] == "KZ_IIN"}
    assert hits == {f"{schema}.clients": 20, f"{schema}.v_clients": 20,
                    f"{schema}.m_clients": 20}
    assert "default_transaction_read_only=on" in settings
    assert run.code == 0


@pytest.mark.mysql
def test_mysql_documented_grants_suffice(derbes_scan, tmp_path: Path, mysql: Any) -> None:
    user, db = unique_name("derbes_scanner"), unique_name("derbes_grants")
    password = "pw-" + secrets.token_hex(8)
    names = {"derbes_scanner": user, "app": f"`{db}`", "change-me": password}
    with mysql.cursor() as cur:
        cur.execute(f"CREATE DATABASE `{db}`")
        cur.execute(f"CREATE TABLE `{db}`.clients (id int PRIMARY KEY, iin varchar(12))")
        cur.executemany(f"INSERT INTO `{db}`.clients VALUES (%s, %s)",
                        [(i, IINS[3 + i % 2]) for i in range(1, 21)])
        # A view: reading its columns needs SHOW VIEW, one of the documented grants.
        cur.execute(f"CREATE VIEW `{db}`.v_clients AS SELECT id, iin FROM `{db}`.clients")
    try:
        with mysql.cursor() as cur:
            for statement in documented_statements("mysql"):
                cur.execute(substitute(statement, names))
        control = write_control(tmp_path)
        url = f"mysql://{user}:{password}@{mysql.host}:{mysql.port}/{db}"
        run = derbes_scan([control, url])
    finally:
        with mysql.cursor() as cur:
            cur.execute(f"DROP DATABASE `{db}`")
            cur.execute(f"DROP USER '{user}'@'%'")
    run.assert_control_complete(control)
    name = display_name(url)
    assert run.source(name)["status"] == "ok", run.source(name)
    hits = {f["container"]: f["hits"] for f in run.findings_of(name) if f["entity"] == "KZ_IIN"}
    assert hits == {f"{db}.clients": 20, f"{db}.v_clients": 20}
    assert run.code == 0
