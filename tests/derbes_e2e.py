"""End-to-end helpers for the reliability and security tests: run a whole scan, read its output.

A scan runs through :func:`derbes.scanner.run.run_scan`, the path the CLI takes, in this
process (the ``derbes_scan`` fixture) or as a ``derbes scan`` subprocess (:func:`run_cli`).
Every failure test scans a *control* source next to the faulty one, a small log whose
content is known, and checks that the control is reported in full: one source's fault must
never hide another's results.
"""

from __future__ import annotations

import json
import os
import secrets
import subprocess
import sys
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

REPO = Path(__file__).resolve().parents[1]
DERBES = Path(sys.executable).with_name("derbes")

# Independent vectors: the published IINs of tests/detectors/test_kz_iin.py (from the issue
# "Foundation and detectors", taken there from public registries).
IINS = (
    "871008401427",
    "760212350620",
    "800416300257",
    "680503450037",
    "061211600012",
    "811201401188",
    "791028302728",
)

CONTROL_LINES = 3


def unique_name(prefix: str) -> str:
    """A name no other test run uses at the same time (roles are cluster-wide)."""
    return f"{prefix}_{os.getpid()}_{secrets.token_hex(3)}"


def write_control(directory: Path) -> Path:
    """A log of three lines, each with one IIN: the source every failure test also scans."""
    path = directory / "control.log"
    path.write_text(
        "".join(f"2026-03-0{i + 1}T10:00:00 login iin={iin} ok\n"
                for i, iin in enumerate(IINS[:CONTROL_LINES])),
        encoding="utf-8",
    )
    return path


@dataclass
class Run:
    """What a scan left behind: exit code, summary.json, findings, report.json, stderr."""

    code: int
    out: Path
    summary: dict
    findings: list[dict]
    report: dict
    stdout: str = ""
    stderr: str = ""
    raised: BaseException | None = field(default=None, repr=False)

    def source(self, name: str) -> dict:
        """The summary entry of the source called ``name`` (its display name)."""
        matches = [s for s in self.summary["sources"] if s["name"] == name]
        assert matches, f"no source {name!r} in {[s['name'] for s in self.summary['sources']]}"
        return matches[0]

    def findings_of(self, source: str) -> list[dict]:
        return [f for f in self.findings if f["source"] == source]

    def containers_of(self, source: str) -> list[dict]:
        return [c for c in self.report.get("containers", []) if c["source"] == source]

    def assert_control_complete(self, control: Path | str) -> None:
        """The control log was scanned in full: status ok, every line, every IIN."""
        name = str(control)
        src = self.source(name)
        assert src["status"] == "ok", src
        assert src["errors"] == []
        assert src["rows_scanned"] == CONTROL_LINES
        iin = [f for f in self.findings_of(name) if f["entity"] == "KZ_IIN"]
        assert len(iin) == 1, self.findings_of(name)
        assert iin[0]["hits"] == CONTROL_LINES
        assert iin[0]["rows_with_hits"] == CONTROL_LINES
        assert iin[0]["distinct_values"] == CONTROL_LINES

    def assert_error(self, name: str, *reasons: str, status: str = "failed") -> str:
        """The source ``name`` ended with ``status`` and an error holding every reason; the
        message printed for it names the source and the reason. Returns the error."""
        src = self.source(name)
        assert src["status"] == status, src
        errors = [e for e in src["errors"] if all(r.lower() in e.lower() for r in reasons)]
        assert errors, f"no error with {reasons} in {src['errors']}"
        printed = [line for line in self.stderr.splitlines()
                   if line.startswith(f"derbes: {name}: ")
                   and all(r.lower() in line.lower() for r in reasons)]
        assert printed, f"no message naming {name!r} and {reasons} in stderr:\n{self.stderr}"
        return errors[0]


def read_output(out: Path, code: int, stdout: str = "", stderr: str = "") -> Run:
    """Load summary.json, findings.parquet and report.json (when written) from ``out``."""
    import pyarrow.parquet as pq

    summary = json.loads((out / "summary.json").read_text(encoding="utf-8"))
    findings = pq.read_table(out / "findings.parquet").to_pylist()
    report_path = out / "report.json"
    report = json.loads(report_path.read_text(encoding="utf-8")) if report_path.exists() else {}
    return Run(code, out, summary, findings, report, stdout, stderr)


@pytest.fixture(scope="session")
def shared_detector() -> Any:
    """One compiled detector for every in-process scan: compiling it takes most of a small
    scan's time."""
    from derbes.detectors import all_recognizers
    from derbes.scanner.engine.detect import Detector

    return Detector(all_recognizers("en"))


ScanFn = Callable[..., Run]


@pytest.fixture
def derbes_scan(
    shared_detector: Any, capsys: pytest.CaptureFixture, tmp_path: Path,
) -> Iterator[ScanFn]:
    """``derbes_scan(sources, **RunSpec fields)``: run_scan in this process, quiet (errors
    printed as the CLI prints them), Parquet and JSON reports; returns a :class:`Run`."""
    from derbes.scanner import run as run_module
    from derbes.scanner.terminal import print_problems

    counter = iter(range(1_000_000))

    def scan(sources: Sequence[str | Path], **options: Any) -> Run:
        out = options.pop("out", None) or tmp_path / f"out{next(counter)}"
        options.setdefault("quiet", True)
        options.setdefault("formats", ["parquet", "json"])
        if options.get("include"):
            # --include applies to every source: let the control log through.
            options["include"] = [*options["include"], "control.log"]
        spec = run_module.RunSpec(sources=[str(s) for s in sources], out=Path(out), **options)
        capsys.readouterr()
        # The CLI's run: errors printed as it prints them, after the run.
        shared = shared_detector if spec.recognizers is None else None
        outcome = run_module.run_scan(spec, detector=shared)
        print_problems(outcome.result)
        code = outcome.code
        captured = capsys.readouterr()
        return read_output(Path(out), code, captured.out, captured.err)

    yield scan


def run_cli(
    args: Sequence[str], *, env: dict[str, str] | None = None, timeout: float = 120,
    cwd: Path | None = None, prefix: Sequence[str] = (), **popen: Any,
) -> subprocess.CompletedProcess:
    """``derbes ARGS`` as a subprocess of the test's virtualenv, text output captured;
    ``prefix`` goes before the command (``setpriv ...``)."""
    full_env = {**os.environ, "PYTHONUNBUFFERED": "1", "COLUMNS": "200"}
    full_env.pop("DERBES_HASH_KEY", None)
    full_env.update(env or {})
    return subprocess.run(
        [*prefix, str(DERBES), *args], capture_output=True, text=True, env=full_env,
        timeout=timeout, cwd=cwd, check=False, **popen,
    )
