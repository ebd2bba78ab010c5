"""An interrupted scan (SIGTERM, or Ctrl-C's SIGINT) writes what it has, marks the summary
interrupted and incomplete, exits 3 (1 with a ``--fail-on`` violation), and never leaves a
temporary or half-written report file.

The three ``derbes scan`` subprocesses run at the same time (module fixture); each is
signalled once it has opened the large log, i.e. in the middle of scanning it.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import time
from dataclasses import dataclass
from pathlib import Path

import pyarrow.parquet as pq
import pytest
from derbes_e2e import DERBES, IINS, write_control

LINES = 600_000
#: CPU seconds of scanning the large log before the signal: a few 4 MB batches, far from its end.
CPU_INSIDE = 2.0
#: And the bytes the scan has read of it: past its second 4 MB batch, so that the first is
#: scanned (the CPU time alone also counted first-use work, and once a signal came before
#: any row was).
READ_INSIDE = 9 << 20


@dataclass
class Interrupted:
    name: str
    code: int
    out: Path
    stderr: str
    seconds_to_exit: float
    control: Path
    big: Path

    @property
    def summary(self) -> dict:
        return json.loads((self.out / "summary.json").read_text(encoding="utf-8"))

    def source(self, path: Path) -> dict:
        (src,) = [s for s in self.summary["sources"] if s["name"] == str(path)]
        return src


def _family(pid: int) -> list[int]:
    """The process and its children (worker processes)."""
    pids = [pid]
    try:
        for task in os.listdir(f"/proc/{pid}/task"):
            with open(f"/proc/{pid}/task/{task}/children") as f:
                pids += [int(p) for p in f.read().split()]
    except OSError:
        return []
    return pids


def _cpu_seconds(pid: int) -> float:
    """CPU time used so far by the process and its children (user + system)."""
    ticks = 0
    for p in _family(pid):
        try:
            with open(f"/proc/{p}/stat") as f:
                fields = f.read().rsplit(")", 1)[1].split()
        except OSError:
            continue
        ticks += int(fields[11]) + int(fields[12])  # utime, stime
    return ticks / os.sysconf("SC_CLK_TCK")


def _read_to(pid: int, path: Path) -> int:
    """How far into ``path`` the process or its children have read (the furthest file
    position of a descriptor open on it), 0 when none is open."""
    furthest = 0
    for p in _family(pid):
        try:
            for fd in os.listdir(f"/proc/{p}/fd"):
                if os.readlink(f"/proc/{p}/fd/{fd}") != str(path):
                    continue
                with open(f"/proc/{p}/fdinfo/{fd}") as f:
                    pos = next(int(x.split()[1]) for x in f if x.startswith("pos:"))
                furthest = max(furthest, pos)
        except (OSError, StopIteration):
            continue
    return furthest


def _opened(pid: int, path: Path) -> bool:
    """Whether the process or one of its children has ``path`` open."""
    pids = _family(pid)
    for p in pids:
        try:
            for fd in os.listdir(f"/proc/{p}/fd"):
                if os.readlink(f"/proc/{p}/fd/{fd}") == str(path):
                    return True
        except OSError:
            continue
    return False


@pytest.fixture(scope="module")
def interrupted(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Interrupted]:
    root = tmp_path_factory.mktemp("interrupt")
    control = write_control(root)
    big = root / "big.log"
    # Every line a candidate (an IIN and a phone): slow enough to be caught in the middle.
    big.write_bytes(b"".join(
        b"2026-03-01T10:00:00 user %d iin=%s phone +7701123%04d ok\n"
        % (i, IINS[3 + i % 4].encode(), i % 10_000) for i in range(LINES)))
    runs = {
        # name: (signal, extra options, whole process group as a terminal's Ctrl-C does)
        "sigterm": (signal.SIGTERM, ["--jobs", "1"], False),
        "sigint-fail-on": (signal.SIGINT, ["--jobs", "1", "--fail-on", "LOCATION_UNKNOWN"], True),
        "sigterm-workers": (signal.SIGTERM, ["--jobs", "2"], False),
    }
    procs = {}
    for name, (_, extra, _) in runs.items():
        out = root / name
        procs[name] = (out, subprocess.Popen(
            [str(DERBES), "scan", str(control), str(big), "--out", str(out), "--quiet",
             "--format", "parquet,html,json", *extra],
            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, start_new_session=True,
            env={**os.environ, "PYTHONUNBUFFERED": "1"},
        ))
    signalled: dict[str, float] = {}
    # CPU seconds each scan had used when it was first seen reading the large log. It is
    # signalled once it has used CPU_INSIDE more and read READ_INSIDE bytes of it: past its
    # first batches, well inside the file, however loaded the machine is (wall time would
    # depend on the load).
    opened: dict[str, float] = {}
    deadline = time.monotonic() + 300
    while len(signalled) < len(runs) and time.monotonic() < deadline:
        for name, (_, proc) in procs.items():
            if name in signalled or proc.poll() is not None:
                continue
            if name not in opened:
                if _opened(proc.pid, big):
                    opened[name] = _cpu_seconds(proc.pid)
            elif (_cpu_seconds(proc.pid) - opened[name] >= CPU_INSIDE
                  and _read_to(proc.pid, big) >= READ_INSIDE):
                sig, _, group = runs[name]
                if group:
                    os.killpg(proc.pid, sig)
                else:
                    proc.send_signal(sig)
                signalled[name] = time.monotonic()
        time.sleep(0.02)
    results = {}
    for name, (out, proc) in procs.items():
        try:
            _, err = proc.communicate(timeout=90)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            _, err = proc.communicate()
            pytest.fail(f"{name}: no exit 90 s after the signal")
        assert name in signalled, f"{name} ended before it was seen reading: {err}"
        results[name] = Interrupted(name, proc.returncode, out, err,
                                    time.monotonic() - signalled[name], control, big)
    return results


CASES = ["sigterm", "sigint-fail-on", "sigterm-workers"]


@pytest.mark.parametrize("name", CASES)
def test_summary_marks_the_scan_interrupted(interrupted, name: str) -> None:
    run = interrupted[name]
    summary = run.summary
    assert summary["interrupted"] is True and summary["incomplete"] is True
    assert run.source(run.big)["status"] != "ok"
    assert any("interrupted" in e for e in run.source(run.big)["errors"])
    assert f"derbes: {run.big}: " in run.stderr and "interrupted" in run.stderr
    # The source is the one file: the message names it once ("big.log: big.log: ..." before).
    assert f"{run.big}: {run.big}" not in run.stderr
    assert "Traceback" not in run.stderr


@pytest.mark.parametrize("name", CASES)
def test_exit_code(interrupted, name: str) -> None:
    run = interrupted[name]
    assert run.code == (1 if name == "sigint-fail-on" else 3), run.stderr
    assert run.summary["exit_code"] == run.code


@pytest.mark.parametrize("name", CASES)
def test_what_was_scanned_is_written(interrupted, name: str) -> None:
    run = interrupted[name]
    control = run.source(run.control)
    assert control["status"] == "ok" and control["rows_scanned"] == 3
    findings = pq.read_table(run.out / "findings.parquet").to_pylist()  # complete and valid
    (found,) = [f for f in findings if f["source"] == str(run.control)]
    assert found["hits"] == 3
    assert (run.out / "report.html").read_text(encoding="utf-8").rstrip().endswith("</html>")
    json.loads((run.out / "report.json").read_text(encoding="utf-8"))


@pytest.mark.parametrize("name", CASES)
def test_no_temporary_files_left(interrupted, name: str) -> None:
    run = interrupted[name]
    names = sorted(p.name for p in run.out.iterdir())
    assert names == ["findings.parquet", "report.html", "report.json", "summary.json"]


@pytest.mark.parametrize("name", ["sigterm", "sigint-fail-on"])
def test_partly_read_file_is_kept(interrupted, name: str) -> None:
    run = interrupted[name]
    assert 0 < run.source(run.big)["rows_scanned"] < LINES
    findings = pq.read_table(run.out / "findings.parquet").to_pylist()
    (iin,) = [f for f in findings if f["source"] == str(run.big) and f["entity"] == "KZ_IIN"]
    # Every line holds an IIN: rows counted as scanned are exactly the rows detection saw,
    # not the rows the reader had read ahead when the signal came.
    assert iin["rows_with_hits"] == iin["rows_scanned"] == run.source(run.big)["rows_scanned"]


def test_interrupted_report_write_leaves_the_old_report(
    derbes_scan, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Ctrl-C in the middle of writing findings.parquet: the previous file stays whole and no
    temporary file remains (reports are written under a temporary name, then renamed)."""
    control = write_control(tmp_path)
    out = tmp_path / "out"
    first = derbes_scan([control], out=out)
    before = (out / "findings.parquet").read_bytes()
    assert first.findings

    import derbes.reports.parquet as parquet_module

    def half_then_interrupt(table, where, **kwargs):
        where.write(b"PAR1" + b"\0" * 1000)  # half a Parquet file...
        raise KeyboardInterrupt  # ...then Ctrl-C

    monkeypatch.setattr(parquet_module.pq, "write_table", half_then_interrupt)
    with pytest.raises(KeyboardInterrupt):
        derbes_scan([control], out=out)
    assert (out / "findings.parquet").read_bytes() == before
    pq.read_table(out / "findings.parquet")
    assert not [p.name for p in out.iterdir() if p.name.startswith(".") or ".tmp" in p.name]
