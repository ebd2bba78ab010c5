"""Credentials never reach an output: not stdout, not stderr, not a report, not a traceback.

``derbes scan`` runs as a subprocess, end to end, with every report format and the hits;
then stdout, stderr and every file of the output folder (Parquet read back as data, since
it is compressed) are searched for the password, raw and percent-encoded.
"""

from __future__ import annotations

import os
import secrets
import subprocess
import sys
from pathlib import Path
from typing import Any
from urllib.parse import quote, quote_plus

import pyarrow.parquet as pq
import pytest
from derbes_e2e import IINS, REPO, run_cli, unique_name, write_control


def forms(secret: str) -> set[str]:
    return {secret, quote(secret, safe=""), quote_plus(secret)}


def output_texts(out: Path) -> dict[str, str]:
    """Every file of ``out`` as text; Parquet files as their rows, schema and metadata."""
    texts = {}
    for path in sorted(out.rglob("*")):
        if not path.is_file():
            continue
        if path.suffix == ".parquet":
            table = pq.read_table(path)
            texts[path.name] = f"{table.schema}\n{table.schema.metadata}\n{table.to_pylist()}"
        else:
            texts[path.name] = path.read_bytes().decode("utf-8", "replace")
    return texts


def assert_nowhere(secret: str, proc: subprocess.CompletedProcess, out: Path) -> None:
    places = {"stdout": proc.stdout, "stderr": proc.stderr, **output_texts(out)}
    assert len(places) > 3, places.keys()  # the scan wrote its reports
    for where, text in places.items():
        for form in forms(secret):
            assert form not in text, f"{form!r} found in {where}"


def scan_cli(tmp_path: Path, *sources: str, name: str = "out") -> tuple[Any, Path]:
    out = tmp_path / name
    proc = run_cli(["scan", *sources, "--out", str(out), "--jobs", "1", "--hits",
                    "--format", "parquet,html,json,sarif,junit"], timeout=120)
    assert (out / "summary.json").exists(), proc.stderr
    return proc, out


@pytest.mark.mysql
@pytest.mark.postgres
def test_passwords_never_in_any_output(
    tmp_path: Path, mysql: Any, mysql_db: Any, pg_db: Any
) -> None:
    """A MariaDB account with a distinctive password (a good scan), the same account with a
    wrong one (refused), and PostgreSQL with a password in the URL (trust: connects)."""
    user = unique_name("derbes_leak")
    # Characters that URLs must escape: the password travels percent-encoded.
    password = f"Leak{secrets.token_hex(6)}/@:%Pw"
    wrong = f"Wrong{secrets.token_hex(6)}Pw"
    pg_password = f"PgLeak{secrets.token_hex(6)}"
    with mysql.cursor() as cur:
        cur.execute("CREATE TABLE leak_clients (id int PRIMARY KEY, iin varchar(12))")
        cur.executemany("INSERT INTO leak_clients VALUES (%s, %s)",
                        [(i, IINS[i % 7]) for i in range(1, 11)])
        cur.execute(f"CREATE USER '{user}'@'%%' IDENTIFIED BY %s", (password,))
        cur.execute(f"GRANT SELECT, SHOW VIEW ON `{mysql_db.name}`.* TO '{user}'@'%'")
    try:
        db, port = mysql_db.name, mysql_db.port
        good = f"mysql://{user}:{quote(password, safe='')}@{mysql_db.host}:{port}/{db}"
        bad = f"mysql://{user}:{wrong}@{mysql_db.host}:{port}/{db}"
        pg = f"postgresql://{pg_db.user}:{pg_password}@{pg_db.host}:{pg_db.port}/{pg_db.name}"
        unreachable = f"postgresql://scanner:{pg_password}@127.0.0.1:1/app"
        control = write_control(tmp_path)
        proc, out = scan_cli(tmp_path, str(control), good, bad, pg, unreachable)
    finally:
        with mysql.cursor() as cur:
            cur.execute("DROP TABLE leak_clients")
            cur.execute(f"DROP USER '{user}'@'%'")
    assert proc.returncode == 3, proc.stderr  # the wrong password and the closed port
    printed = proc.stdout + proc.stderr
    assert "Access denied" in printed and "refused" in printed and "***" in printed
    for secret in (password, wrong, pg_password):
        assert_nowhere(secret, proc, out)
    texts = output_texts(out)
    assert "leak_clients" in texts["report.json"]  # the good account did scan


INJECT = """
import sys
from derbes.scanner.sources.logs import LogSource

def containers(self):
    raise RuntimeError("driver said: could not connect to postgresql://app:{secret}@db/app")
    yield

LogSource.containers = containers
sys.argv = ["derbes", "scan", sys.argv[1], "--out", sys.argv[2], "--jobs", "1", "--quiet"]
from derbes.scanner.cli import main
main()
"""


def test_unexpected_error_prints_no_secret_and_no_exit_1(tmp_path: Path) -> None:
    secret = "Tb" + secrets.token_hex(8)
    control = write_control(tmp_path)
    proc = subprocess.run(
        [sys.executable, "-c", INJECT.replace("{secret}", secret), str(control),
         str(tmp_path / "out")],
        capture_output=True, text=True, timeout=120, cwd=REPO,
        env={**os.environ, "PYTHONPATH": str(REPO)},
    )
    assert proc.returncode not in (0, 1), proc.stderr
    assert secret not in proc.stdout + proc.stderr
    assert "Traceback" not in proc.stderr

