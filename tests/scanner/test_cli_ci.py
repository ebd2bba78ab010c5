"""The command line in CI and by hand (issue #14): checked before scanning, says what it
skipped, never loses a finished scan. Each test fails when its fix is reverted."""

from __future__ import annotations

import json
import os
import random
import sqlite3
from pathlib import Path

import pyarrow.parquet as pq
import pytest
from derbes_e2e import IINS, derbes_scan, shared_detector, write_control  # noqa: F401

from derbes.scanner import run as run_module
from derbes.scanner import terminal
from derbes.scanner.cli import main


@pytest.fixture
def derbes(shared_detector, monkeypatch, capsys):  # noqa: F811 - a fixture
    """``derbes(*args)``: the console entry point in this process -> (code, stdout, stderr)."""
    real = run_module._detector
    monkeypatch.setattr(run_module, "_detector",
                        lambda spec: shared_detector if spec.recognizers is None else real(spec))

    def call(*args: str | Path) -> tuple[int, str, str]:
        capsys.readouterr()
        with pytest.raises(SystemExit) as e:
            main([str(a) for a in args])
        captured = capsys.readouterr()
        return e.value.code or 0, captured.out, captured.err

    return call


#: A policy that declares email only: an IIN in a log is an undeclared category (exit 1).
POLICY = """version: 1
operator: {name: "Test LLP", bin: "191140004560"}
categories:
  - category: email
    purposes: [newsletters]
    retention: P1Y
storage:
  countries: [KZ]
"""


def iin_log(path: Path, lines: int = 3) -> Path:
    path.write_text("".join(f"2026-03-0{i % 9 + 1}T10:00:00 login iin={IINS[i % len(IINS)]}\n"
                            for i in range(lines)), encoding="utf-8")
    return path


def summary(out: Path) -> dict:
    return json.loads((out / "summary.json").read_text(encoding="utf-8"))


# -- 1. unknown names are usage errors listing the valid ones ---------------------------------

@pytest.mark.parametrize(("option", "value", "listed"), [
    ("--fail-on", "UNDECLARED_CATGORY", ["UNDECLARED_CATEGORY", "STORAGE_OUTSIDE_KZ",
                                         "did you mean UNDECLARED_CATEGORY"]),
    ("--fail-on", "error,NOPE", ["RETENTION_EXCEEDED", "warning"]),
    ("--format", "html,pdf", ["parquet", "sarif", "junit"]),
    ("--lang", "de", ["ru", "kk", "en"]),
])
def test_unknown_names_are_usage_errors_listing_the_valid_ones(derbes, tmp_path, option, value,
                                                               listed):
    log = iin_log(tmp_path / "a.log")
    code, _, err = derbes("scan", log, "--out", tmp_path / "out", option, value)
    assert code == 2, err
    for name in listed:
        assert name in err
    assert not (tmp_path / "out").exists()


def test_unknown_fail_on_in_the_config_is_a_usage_error(derbes, tmp_path):
    log = iin_log(tmp_path / "a.log")
    config = tmp_path / "derbes.yaml"
    config.write_text(f"sources:\n  - name: app\n    path: {log}\n"
                      "options:\n  fail_on: [UNDECLARED_CATGORY]\n", encoding="utf-8")
    code, _, err = derbes("scan", "--config", config, "--out", tmp_path / "out")
    assert code == 2
    assert "UNDECLARED_CATGORY" in err and "UNDECLARED_CATEGORY" in err


@pytest.mark.parametrize("command", [["detectors"], ["demo"], ["policy", "init"]])
def test_lang_of_other_commands_is_checked(derbes, tmp_path, command):
    code, _, err = derbes(*command, "--lang", "de")
    assert code == 2 and "ru, kk, en" in err


# -- 2. output paths are checked before any source is opened ----------------------------------

@pytest.fixture
def no_source_opened(monkeypatch):
    import derbes.scanner.sources as sources

    def refuse(*args, **kwargs):
        raise AssertionError("a source was opened before the output folder was checked")

    monkeypatch.setattr(sources, "open_source", refuse)


@pytest.mark.parametrize(("make", "message"), [
    (lambda p: p.write_text("x") and p, "is a file"),
    (lambda p: (p.write_text("x"), p / "sub")[1], "is a file"),
    (lambda p: (p.mkdir(), (p / "notes.txt").write_text("mine"), p)[2], "notes.txt"),
])
def test_out_is_checked_before_any_source_is_opened(derbes, tmp_path, no_source_opened, make,
                                                    message):
    log = iin_log(tmp_path / "a.log")
    out = make(tmp_path / "out")
    code, _, err = derbes("scan", log, "--out", out)
    assert code == 2, err
    assert "--out" in err and message in err


def test_out_in_a_folder_that_cannot_be_written(derbes, tmp_path, no_source_opened):
    if os.geteuid() == 0:
        pytest.skip("root writes anywhere")
    locked = tmp_path / "locked"
    locked.mkdir(mode=0o500)
    code, _, err = derbes("scan", iin_log(tmp_path / "a.log"), "--out", locked / "out")
    assert code == 2 and "not writable" in err


@pytest.mark.parametrize("command", [
    ["baseline", "create", "missing-scan", "--out"],
    ["policy", "extract", "missing-policy.pdf", "--out"],
    ["policy", "init"],
])
def test_other_output_files_are_checked_before_reading(derbes, tmp_path, monkeypatch, command):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "file").write_text("x")
    code, _, err = derbes(*command, tmp_path / "file" / "out.yaml")
    assert code == 2 and "is a file" in err, err


# -- 3. a baseline never removes findings ---------------------------------------------------

def test_baseline_keeps_every_finding_marked_accepted(derbes, tmp_path):
    log = iin_log(tmp_path / "a.log")
    policy = tmp_path / "policy.yaml"
    policy.write_text(POLICY, encoding="utf-8")
    first = tmp_path / "first"
    code, _, err = derbes("scan", log, "--policy", policy, "--out", first, "--location",
                          f"{log}=KZ", "--format", "parquet,json,sarif,junit,html", "-q")
    assert code == 1, err  # the IIN is undeclared
    code, _, err = derbes("baseline", "create", first, "--reason", "legacy", "--expires",
                          "2099-01-01", "--out", tmp_path / "b.json")
    assert code == 0, err
    second = tmp_path / "second"
    code, _, err = derbes("scan", log, "--policy", policy, "--out", second, "--location",
                          f"{log}=KZ", "--baseline", tmp_path / "b.json",
                          "--format", "parquet,json,sarif,junit,html", "-q")
    assert code == 0, err
    before = pq.read_table(first / "findings.parquet").to_pylist()
    after = pq.read_table(second / "findings.parquet").to_pylist()
    assert len(after) == len(before) >= 1
    assert {(f["status"], f["status_reason"], f["status_expires"]) for f in after} == {
        ("accepted", "legacy", "2099-01-01")}
    assert summary(second)["totals"]["findings"] == summary(first)["totals"]["findings"]
    assert summary(second)["totals"]["findings_accepted"] == len(after)
    code, out, _ = derbes("history", first, second)
    assert code == 0 and "new: 0" in out and "gone: 0" in out


# -- 4. an empty scope is a warning and exit code 3 -----------------------------------------

def test_include_matching_nothing_is_exit_3_unless_allow_empty(derbes, tmp_path):
    folder = tmp_path / "logs"
    folder.mkdir()
    iin_log(folder / "a.log")
    code, _, err = derbes("scan", folder, "--include", "*.nothing", "--out", tmp_path / "o1",
                          "-q")
    assert code == 3
    assert "no container to scan" in err
    src = summary(tmp_path / "o1")["sources"][0]
    assert src["status"] == "empty" and any("no container" in w for w in src["warnings"])
    code, _, err = derbes("scan", folder, "--include", "*.nothing", "--out", tmp_path / "o2",
                          "-q", "--allow-empty")
    assert code == 0 and "no container to scan" in err


def test_database_without_tables_is_empty(derbes, tmp_path):
    db = tmp_path / "empty.db"
    sqlite3.connect(db).close()
    code, _, err = derbes("scan", f"sqlite:///{db}", "--out", tmp_path / "o", "-q")
    assert code == 3 and "no container to scan" in err
    assert summary(tmp_path / "o")["sources"][0]["status"] == "empty"


# -- 5. skipped files are reported, SQLite files offered as databases -------------------------

def make_mixed_folder(folder: Path) -> Path:
    folder.mkdir()
    iin_log(folder / "app.log")
    (folder / "blob.bin").write_bytes(bytes(range(256)) * 4)
    con = sqlite3.connect(folder / "crm.db")
    con.execute("create table clients(iin text)")
    con.executemany("insert into clients values (?)", [(i,) for i in IINS])
    con.commit()
    con.close()
    (folder / "dead.log").symlink_to(folder / "nowhere.log")
    return folder


def test_skipped_files_are_listed_with_their_reason(derbes, tmp_path):
    folder = make_mixed_folder(tmp_path / "logs")
    out = tmp_path / "out"
    code, _, err = derbes("scan", folder, "--out", out, "-q", "--format", "parquet,json,html")
    assert code == 0, err
    skipped = {Path(s["path"]).name: s["reason"] for s in summary(out)["sources"][0]["skipped"]}
    assert set(skipped) == {"blob.bin", "crm.db", "dead.log"}
    assert skipped["blob.bin"] == "binary file"
    assert "SQLite database" in skipped["crm.db"] and "--scan-databases" in skipped["crm.db"]
    assert "dangling symlink" in skipped["dead.log"]
    assert summary(out)["totals"]["files_skipped"] == 3
    report = json.loads((out / "report.json").read_text())
    assert len(report["sources"][0]["skipped"]) == 3
    html = (out / "report.html").read_text()
    assert "blob.bin" in html and "dead.log" in html
    for name in skipped:
        assert any(name in line and "skipped" in line for line in err.splitlines())


def test_scan_databases_scans_sqlite_files_found_in_folders(derbes, tmp_path):
    folder = make_mixed_folder(tmp_path / "logs")
    out = tmp_path / "out"
    code, _, err = derbes("scan", folder, "--out", out, "-q", "--scan-databases")
    assert code == 0, err
    names = [s["name"] for s in summary(out)["sources"]]
    db = f"sqlite:///{(folder / 'crm.db').resolve()}"
    assert db in names
    found = pq.read_table(out / "findings.parquet").to_pylist()
    assert any(f["source"] == db and f["field"] == "iin" and f["entity"] == "KZ_IIN"
               for f in found)
    reason = {Path(s["path"]).name: s["reason"] for s in summary(out)["sources"][0]["skipped"]}
    assert reason["crm.db"] == f"SQLite database, scanned as {db}"


# -- 6. an unknown URL scheme fails its source only -------------------------------------------

def test_unknown_scheme_names_the_supported_ones_and_the_scan_goes_on(derbes_scan, tmp_path):  # noqa: F811
    control = write_control(tmp_path)
    run = derbes_scan(["postgress://u@h/db", "mongodb://h/db", control])
    assert run.code == 3
    typo = run.assert_error("postgress://u@h/db", "unsupported URL scheme", "postgresql",
                            "did you mean postgres://")
    assert "Can't load plugin" not in typo
    other = run.assert_error("mongodb://h/db", "unsupported URL scheme", "sqlite")
    assert "did you mean" not in other
    run.assert_control_complete(control)


# -- 7. a fixed default seed --------------------------------------------------------------

def test_default_seed_is_fixed_and_random_is_asked_for(derbes, tmp_path):
    db = tmp_path / "big.db"
    con = sqlite3.connect(db)
    con.execute("create table t(id integer primary key, note text)")
    # About one row in three holds an IIN, at no period: a sample of 30 rows of 600 (a run of
    # consecutive keys) varies in which of its rows get one. Every third row made three
    # samples only (the hits' rows count within the sample), and four random runs all alike
    # one time in 27.
    chance = random.Random(94)
    con.executemany("insert into t(note) values (?)",
                    [(f"iin {IINS[i % len(IINS)]}" if chance.random() < 1 / 3 else "nothing",)
                     for i in range(600)])
    con.commit()
    con.close()

    def hits(out: Path, *extra: str) -> tuple:
        code, _, err = derbes("scan", f"sqlite:///{db}", "--sample-rows", "30", "--out", out,
                              "-q", "--hits", *extra)
        assert code in (0, 1), err
        return tuple(sorted(h["row"] for h in pq.read_table(out / "hits.parquet").to_pylist()))

    assert run_module.RunSpec().seed == run_module.DEFAULT_SEED
    runs = {hits(tmp_path / f"fixed{i}") for i in range(3)}
    assert len(runs) == 1  # the same rows every time
    assert summary(tmp_path / "fixed0")["options"]
    random_runs = {hits(tmp_path / f"random{i}", "--seed", "random") for i in range(4)}
    assert len(random_runs) > 1
    code, _, err = derbes("scan", f"sqlite:///{db}", "--seed", "often", "--out", tmp_path / "x")
    assert code == 2 and "random" in err


# -- 8. the output folder always holds one whole scan -----------------------------------------

def test_rerun_without_hits_leaves_no_stale_hits_file(derbes, tmp_path):
    log = iin_log(tmp_path / "a.log")
    out = tmp_path / "out"
    assert derbes("scan", log, "--out", out, "-q", "--hits", "--format", "parquet,json")[0] == 0
    assert (out / "hits.parquet").exists() and (out / "report.json").exists()
    first = summary(out)["scan_id"]
    assert derbes("scan", log, "--out", out, "-q", "--format", "parquet")[0] == 0
    assert sorted(p.name for p in out.iterdir()) == ["findings.parquet", "summary.json"]
    assert summary(out)["scan_id"] != first
    # No staging folder is left next to it.
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a.log", "out"]


def test_a_rerun_replaces_every_format_of_the_previous_scan(derbes, tmp_path):
    from derbes.reports import FORMATS

    log = iin_log(tmp_path / "a.log")
    out = tmp_path / "out"
    code, _, err = derbes("scan", log, "--out", out, "-q", "--hits", "--format", ",".join(FORMATS))
    assert code == 0, err
    assert {p.name for p in out.iterdir()} >= set(FORMATS.values())
    code, _, err = derbes("scan", log, "--out", out, "-q", "--format", "json")
    assert code == 0, err
    assert sorted(p.name for p in out.iterdir()) == ["report.json", "summary.json"]


def test_a_failed_run_leaves_the_previous_scan_whole(derbes, tmp_path, monkeypatch):
    log = iin_log(tmp_path / "a.log")
    out = tmp_path / "out"
    assert derbes("scan", log, "--out", out, "-q")[0] == 0
    before = {p.name: p.read_bytes() for p in out.iterdir()}

    def broken(*args, **kwargs):
        raise RuntimeError("disk full")

    monkeypatch.setattr("derbes.reports.write_reports", broken)
    code, _, err = derbes("scan", log, "--out", out, "-q")
    assert code == 4 and "internal error (RuntimeError)" in err
    assert {p.name: p.read_bytes() for p in out.iterdir()} == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a.log", "out"]


# -- friction: version, streams, interrupted, locations, policy init ---------------------------

def test_version_everywhere(derbes, tmp_path):
    import xml.etree.ElementTree as ET

    from derbes.reports._common import derbes_version

    version = derbes_version()
    code, out, _ = derbes("--version")
    assert code == 0 and out.strip() == f"derbes {version}"
    dest = tmp_path / "out"
    derbes("scan", iin_log(tmp_path / "a.log"), "--out", dest, "-q",
           "--format", "parquet,html,json,sarif,junit,xlsx")
    assert summary(dest)["derbes_version"] == version
    assert json.loads((dest / "report.json").read_text())["derbes_version"] == version
    sarif = json.loads((dest / "report.sarif").read_text())
    assert sarif["runs"][0]["tool"]["driver"]["version"] == version
    assert f'content="derbes {version}"' in (dest / "report.html").read_text()
    junit = ET.parse(dest / "junit.xml").getroot()
    assert {p.get("value") for p in junit.iter("property")
            if p.get("name") == "derbes_version"} == {version}
    from openpyxl import load_workbook

    assert load_workbook(dest / "report.xlsx").properties.creator == f"derbes {version}"
    meta = pq.read_schema(dest / "findings.parquet").metadata
    assert meta[b"derbes_version"].decode() == version


@pytest.mark.parametrize("jobs", ["1", "2"])
def test_a_file_named_in_no_utf8_keeps_the_reports(derbes, tmp_path, jobs):
    """A log named in Latin-1 (an old share's export): its bytes are no UTF-8, and Python
    holds them as lone surrogates, which Parquet, JSON and XML refuse. Every report is
    written, naming the file with those bytes as ``\\xe9``; its findings are all there."""
    logs = tmp_path / "logs"
    logs.mkdir()
    iin_log(logs / os.fsdecode(b"caf\xe9-\xff.log"))
    iin_log(logs / "plain.log")
    (logs / os.fsdecode(b"\xfe.lnk")).symlink_to(tmp_path / "gone")  # listed, left out
    out = tmp_path / "out"
    code, _, _ = derbes("scan", logs, "--out", out, "-q", "--hits", "--jobs", jobs,
                        "--format", "parquet,html,json,sarif,junit,xlsx")
    assert code == 0
    name = str(logs / "caf\\xe9-\\xff.log")
    findings = pq.read_table(out / "findings.parquet").to_pylist()
    assert {(f["container"], f["entity"]) for f in findings} == {
        (name, "KZ_IIN"), (str(logs / "plain.log"), "KZ_IIN")}
    hits = pq.read_table(out / "hits.parquet").to_pylist()
    assert sorted(h["container"] for h in hits) == [name] * 3 + [str(logs / "plain.log")] * 3
    report = json.loads((out / "report.json").read_text(encoding="utf-8"))
    assert name in {c["container"] for c in report["containers"]}
    skipped = summary(out)["sources"][0]["skipped"]
    assert [s["path"] for s in skipped] == [str(logs / "\\xfe.lnk")]
    for report_file in ("report.html", "report.sarif", "junit.xml"):
        assert "caf" in (out / report_file).read_text(encoding="utf-8")
    from openpyxl import load_workbook

    inventory = load_workbook(out / "report.xlsx", read_only=True).worksheets[2]
    assert name in {row[1] for row in inventory.iter_rows(values_only=True)}


def test_a_folder_named_in_no_utf8_takes_its_location(derbes, tmp_path):
    """The source itself named in Latin-1: --location by that name still applies (its
    findings carry the escaped name; the locations are looked up under it)."""
    logs = tmp_path / os.fsdecode(b"d\xe9")
    logs.mkdir()
    iin_log(logs / "a.log")
    out = tmp_path / "out"
    code, _, _ = derbes("scan", logs, "--out", out, "-q", "--location", f"{logs}=KZ",
                        "--format", "parquet,json")
    assert code == 0
    source = summary(out)["sources"][0]
    assert source["name"] == str(tmp_path / "d\\xe9")
    assert source["location"] == "KZ" and "configured" in source["location_evidence"]
    findings = pq.read_table(out / "findings.parquet").to_pylist()
    assert findings and all("LOCATION_UNKNOWN" not in f["flags"] for f in findings)


def test_history_shows_names_as_they_are(derbes, tmp_path):
    """A field new since the last scan, named with an escape sequence by the data itself:
    `derbes history` writes the escape, not the sequence."""
    import dataclasses

    from derbes.reports.parquet import write_findings
    from derbes.scanner.model import Finding, ScanResult

    base = Finding(scan_id="s", source="logs", source_kind="log", container="/logs/a.log",
                   field=None, entity="KZ_IIN", category="iin", match_type="value", hits=1,
                   rows_scanned=1, rows_with_hits=1, distinct_values=1, score_max=1.0,
                   score_mean=1.0)
    old = ScanResult(scan_id="s", started_at="2026-12-01T00:00:00",
                     finished_at="2026-12-01T00:00:01", sources=(), findings=(base,))
    new = dataclasses.replace(old, findings=(
        base, dataclasses.replace(base, field="\x1b]0;pwned\x07user")))
    write_findings(old, tmp_path / "old.parquet")
    write_findings(new, tmp_path / "new.parquet")
    code, out, _ = derbes("history", tmp_path / "old.parquet", tmp_path / "new.parquet")
    assert code == 0 and "\x1b" not in out and "\x07" not in out
    assert "+ logs /logs/a.log.\\x1b]0;pwned\\x07user: iin" in out


def test_results_to_stdout_errors_and_warnings_to_stderr(derbes, tmp_path):
    log = iin_log(tmp_path / "a.log")
    code, out, err = derbes("scan", log, tmp_path / "missing.log", "--out", tmp_path / "o")
    assert code == 3
    assert "missing.log: no such file or directory" in err
    assert "no such file" not in out
    assert "iin" in out and "exit code 3" in out  # the results table and the last line
    assert "login" not in err


def test_policy_init_writes_to_stdout(derbes, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    code, out, _ = derbes("policy", "init", "--lang", "ru")
    assert code == 0 and out.startswith("#") and "categories" in out
    code, out2, _ = derbes("policy", "init", "-", "--lang", "ru")
    assert code == 0 and out2 == out
    assert not (tmp_path / "-").exists() and list(tmp_path.iterdir()) == []
    code, _, _ = derbes("policy", "init", "p.yaml", "--lang", "en")
    assert code == 0 and (tmp_path / "p.yaml").read_text().startswith("#")
    policy = tmp_path / "from-stdout.yaml"
    policy.write_text(out, encoding="utf-8")
    assert derbes("policy", "validate", policy)[0] in (0, 2)  # a template to fill in


def test_location_by_name_host_url_or_path(tmp_path):
    from derbes.scanner.errors import ConfigError
    from derbes.scanner.run import _match_locations, _SourceSpec

    specs = [_SourceSpec("postgresql://app:secret@db.internal:5432/crm"),
             _SourceSpec("mysql://u@other.example/shop", name="shop"),
             _SourceSpec(str(tmp_path / "logs"))]
    assert _match_locations({"db.internal": "KZ"}, specs) == {0: "KZ"}
    assert _match_locations({"postgresql://app:***@db.internal:5432/crm": "KZ"}, specs) == {
        0: "KZ"}
    assert _match_locations({"postgresql://app:secret@db.internal:5432/crm": "KZ"}, specs) == {
        0: "KZ"}
    assert _match_locations({"shop": "DE", "other.example": "DE"}, specs) == {1: "DE"}
    assert _match_locations({str(tmp_path / "logs"): "KZ"}, specs) == {2: "KZ"}
    with pytest.raises(ConfigError, match=r"no source is called 'crm2'.*shop"):
        _match_locations({"crm2": "KZ"}, specs)


def test_location_key_that_names_no_source_is_an_error(derbes, tmp_path, no_source_opened):
    code, _, err = derbes("scan", iin_log(tmp_path / "a.log"), "--location", "crm=KZ",
                          "--out", tmp_path / "o")
    assert code == 2 and "no source is called 'crm'" in err


def test_location_by_config_name_reaches_the_report(derbes, tmp_path):
    log = iin_log(tmp_path / "a.log")
    config = tmp_path / "derbes.yaml"
    config.write_text(f"sources:\n  - name: app\n    path: {log}\n", encoding="utf-8")
    code, _, err = derbes("scan", "--config", config, "--location", "app=KZ", "--out",
                          tmp_path / "o", "-q")
    assert code == 0, err
    assert summary(tmp_path / "o")["sources"][0]["location"] == "KZ"


def test_an_interrupted_source_says_interrupted(tmp_path):
    import threading

    from derbes.scanner.engine import scan
    from derbes.scanner.sources import LogSource

    for i in range(3):
        iin_log(tmp_path / f"{i}.log")
    stop = threading.Event()
    source = LogSource(str(tmp_path))

    def progress(source_name, container, done, total, bytes_read=0):
        stop.set()  # as SIGTERM would, after the first file

    result = scan([source], progress=progress, stop=stop)
    (s,) = result.sources
    assert result.interrupted and s.status == "interrupted", s


# -- progress when standard error is not a terminal -----------------------------------------

class _Pipe:
    def __init__(self):
        self.text = ""

    def isatty(self):
        return False

    def write(self, text):
        self.text += text

    def flush(self):
        pass


def test_progress_off_a_terminal_is_a_plain_line_every_few_seconds():
    now = [0.0]
    pipe = _Pipe()
    progress = terminal.Progress(pipe, every=5.0, clock=lambda: now[0])
    for done in range(1, 11):  # ten files of 2 MB, one a second
        now[0] += 1.0
        progress("logs", f"{done}.log", done, 10, 2_000_000)
    progress.finish()
    lines = pipe.text.splitlines()
    assert lines == ["derbes: progress logs: 5 of 10 units, 10.0 MB read",
                     "derbes: progress logs: 10 of 10 units, 20.0 MB read"]
    assert "\r" not in pipe.text and "█" not in pipe.text


def test_scan_prints_progress_lines_to_a_pipe(derbes, tmp_path, monkeypatch):
    monkeypatch.setattr(terminal, "PROGRESS_EVERY", 0.0)
    folder = tmp_path / "logs"
    folder.mkdir()
    for i in range(3):
        iin_log(folder / f"{i}.log")
    code, out, err = derbes("scan", folder, "--out", tmp_path / "o", "--jobs", "1")
    assert code == 0
    assert f"derbes: progress {folder}: 3 of 3 units" in err
    assert "derbes: progress" not in out


# -- custom recognizers ----------------------------------------------------------------------

RECOGNIZERS = """recognizers:
  - name: LoyaltyCardRecognizer
    supported_language: ru
    supported_entity: LOYALTY_CARD
    patterns:
      - name: loyalty card
        regex: "LC-[0-9]{8}"
        score: 0.9
    category: {id: loyalty_card, en: Loyalty card, ru: Карта лояльности, kk: Адалдық картасы}
  - name: KzIdCardRecognizer
    supported_language: kk
    supported_entity: KZ_ID_CARD
    patterns:
      - name: kz id card
        regex: "IDC0[0-9]{8}"
        score: 0.9
    category: identity_document
"""


@pytest.fixture
def custom_categories(monkeypatch):
    """Custom recognizers add categories: undone after the test."""
    from derbes.detectors import categories

    for name in ("CATEGORIES", "_BY_ENTITY", "_BY_ALIAS"):
        monkeypatch.setattr(categories, name, dict(getattr(categories, name)))
    import derbes.reports._common
    import derbes.reports.html
    import derbes.scanner.policy.check
    import derbes.scanner.policy.model

    for module in (derbes.scanner.policy.model, derbes.scanner.policy.check,
                   derbes.reports._common, derbes.reports.html):
        if hasattr(module, "CATEGORIES"):
            monkeypatch.setattr(module, "CATEGORIES", categories.CATEGORIES)


def test_custom_recognizers_run_in_any_language_and_map_to_categories(derbes, tmp_path,
                                                                     custom_categories):
    recognizers = tmp_path / "recognizers.yaml"
    recognizers.write_text(RECOGNIZERS, encoding="utf-8")
    log = tmp_path / "shop.log"
    log.write_text("".join(f"2026-03-01T10:00:00 sale card=LC-1234567{i} doc=IDC01234567{i}\n"
                           for i in range(4)), encoding="utf-8")
    policy = tmp_path / "policy.yaml"
    policy.write_text(POLICY.replace("  - category: email\n",
                                     "  - category: email\n    purposes: [news]\n"
                                     "    retention: P1Y\n  - category: loyalty_card\n"),
                      encoding="utf-8")
    out = tmp_path / "out"
    code, _, err = derbes("scan", log, "--recognizers", recognizers, "--policy", policy,
                          "--location", f"{log}=KZ", "--out", out, "-q")
    assert "internal error" not in err
    found = {(f["entity"], f["category"], f["declared"], f["status"])
             for f in pq.read_table(out / "findings.parquet").to_pylist()}
    assert ("LOYALTY_CARD", "loyalty_card", True, "open") in found
    assert ("KZ_ID_CARD", "identity_document", False, "open") in found
    assert code == 1  # the identity document is not declared; the loyalty card is


# -- allowlists in derbes.yaml ---------------------------------------------------------------

# Published test card numbers (PayPal/Braintree sandbox docs, as in test_credit_card.py).
CARDS = ("4111111111111111", "5555555555554444")


def allow_setup(tmp_path: Path, allow: str) -> tuple[Path, Path]:
    db = tmp_path / "shop.db"
    if not db.exists():
        con = sqlite3.connect(db)
        con.execute("create table products(id integer primary key, barcode text, note text)")
        # Two distinct card numbers are evidence only with a word beside them (issue #12).
        con.executemany("insert into products(barcode, note) values (?, ?)",
                        [(f"card {CARDS[i % 2]}", f"card {CARDS[i % 2]}") for i in range(6)])
        con.commit()
        con.close()
    policy = tmp_path / "policy.yaml"
    policy.write_text(POLICY, encoding="utf-8")
    config = tmp_path / "derbes.yaml"
    config.write_text(f"sources:\n  - name: shop\n    url: sqlite:///{db}\n    location: KZ\n"
                      f"policy: {policy}\n{allow}", encoding="utf-8")
    return config, db


def test_allowlisted_places_stay_visible_as_allowed(derbes, tmp_path):
    config, _ = allow_setup(tmp_path, "")
    code, _, err = derbes("scan", "--config", config, "--out", tmp_path / "o0", "-q",
                          "--format", "parquet")
    assert code == 1, err  # payment cards are not declared
    config, _ = allow_setup(tmp_path, "allow:\n  - where: '*.barcode'\n    entities: CREDIT_CARD\n"
                                      "    reason: product barcodes, not cards\n")
    code, _, err = derbes("scan", "--config", config, "--out", tmp_path / "o1", "-q",
                          "--format", "parquet,json")
    found = {(f["field"], f["entity"]): f for f in
             pq.read_table(tmp_path / "o1" / "findings.parquet").to_pylist()}
    barcode = found[("barcode", "CREDIT_CARD")]
    assert (barcode["status"], barcode["status_reason"]) == ("allowed",
                                                             "product barcodes, not cards")
    note = found[("note", "CREDIT_CARD")]
    assert note["status"] == "open"  # the same data elsewhere is not allowed
    assert code == 1  # ...and still fails the build
    assert summary(tmp_path / "o1")["totals"]["findings_allowed"] == 1


def test_allowlisted_values_by_keyed_hash(derbes, tmp_path, monkeypatch):
    monkeypatch.setenv("DERBES_HASH_KEY", "a key the team keeps for allowlists")
    config, _ = allow_setup(tmp_path, "")
    code, _, err = derbes("scan", "--config", config, "--out", tmp_path / "o0", "-q", "--hits",
                          "--format", "parquet")
    assert code == 1, err
    hashes = sorted({h["value_hash"] for h in
                     pq.read_table(tmp_path / "o0" / "hits.parquet").to_pylist()
                     if h["entity"] == "CREDIT_CARD"})
    assert len(hashes) == 2
    rules = "".join(f"      - '{h}'\n" for h in hashes)
    config, _ = allow_setup(tmp_path, f"allow:\n  - values:\n{rules}    reason: test cards\n")
    code, _, err = derbes("scan", "--config", config, "--out", tmp_path / "o1", "-q",
                          "--format", "parquet")
    assert code == 0, err
    cards = [f for f in pq.read_table(tmp_path / "o1" / "findings.parquet").to_pylist()
             if f["entity"] == "CREDIT_CARD"]
    assert len(cards) == 2  # barcode and note: both still listed
    assert {(f["status"], f["status_reason"]) for f in cards} == {("allowed", "test cards")}
    # One of the two values only: a field holding the other is not allowed.
    config, _ = allow_setup(tmp_path, f"allow:\n  - values: ['{hashes[0]}']\n    reason: one\n")
    code, _, _ = derbes("scan", "--config", config, "--out", tmp_path / "o2", "-q",
                        "--format", "parquet")
    assert code == 1
    assert {f["status"] for f in pq.read_table(tmp_path / "o2" / "findings.parquet").to_pylist()
            if f["entity"] == "CREDIT_CARD"} == {"open"}


@pytest.mark.parametrize(("allow", "message"), [
    ("allow:\n  - values: [4111111111111111]\n    reason: x\n", "value_hash"),
    ("allow:\n  - where: '*.x'\n    values: ['" + "0" * 32 + "']\n    reason: x\n", "not both"),
    ("allow:\n  - where: '*.x'\n", "reason"),
    ("allow:\n  - sources: [crm]\n    reason: x\n", "no source is called 'crm'"),
])
def test_bad_allowlist_is_a_usage_error(derbes, tmp_path, allow, message):
    config, _ = allow_setup(tmp_path, allow)
    code, _, err = derbes("scan", "--config", config, "--out", tmp_path / "o", "-q")
    assert code == 2 and message in err
    assert "4111111111111111" not in err  # a value pasted by mistake is not echoed


def test_allowlisted_values_need_the_hash_key(derbes, tmp_path, monkeypatch):
    monkeypatch.delenv("DERBES_HASH_KEY", raising=False)
    config, _ = allow_setup(tmp_path, "allow:\n  - values: ['" + "0" * 32 + "']\n    reason: x\n")
    code, _, err = derbes("scan", "--config", config, "--out", tmp_path / "o", "-q")
    assert code == 2 and "DERBES_HASH_KEY" in err


def test_a_scan_that_cannot_be_swapped_in_is_kept(derbes, tmp_path, monkeypatch):
    import derbes.reports._io as io

    def refuse(staging, path):
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr(io, "commit_output_dir", refuse)
    code, _, err = derbes("scan", iin_log(tmp_path / "a.log"), "--out", tmp_path / "out", "-q")
    assert code == 2 and "its reports are in" in err
    kept = Path(err.rsplit("its reports are in ", 1)[1].strip())
    assert (kept / "summary.json").exists() and (kept / "findings.parquet").exists()


def test_an_option_a_source_refuses_is_a_usage_error_not_a_bug(derbes, tmp_path):
    # The source raises the library's ConfigError; the CLI turns it into exit code 2.
    table = tmp_path / "t.csv"
    table.write_text("a,b\n1,2\n", encoding="utf-8")
    code, _, err = derbes("scan", table, "--sample-rows", "-1", "--out", tmp_path / "o", "-q")
    assert code == 2
    assert "sample_rows must be 0 (all rows) or positive" in err
    assert "internal error" not in err
