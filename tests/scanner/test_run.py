"""One run end to end: options from the command line beat the config file, whose values beat
the defaults; "not given" is ``None``, never "equal to the default"."""

from __future__ import annotations

import json

from derbes.reports import DEFAULT_FORMATS, FORMATS
from derbes.reports.ci import DEFAULT_FAIL_ON
from derbes.scanner.run import RunSpec, run_scan


def _config(tmp_path):
    log = tmp_path / "app.log"
    log.write_text("login ok for 870412350125\n", encoding="utf-8")
    cfg = tmp_path / "derbes.yaml"
    cfg.write_text(
        "version: 1\n"
        "sources:\n"
        f"  - name: app\n    path: {log}\n"
        "output:\n"
        f"  dir: {tmp_path / 'from-config'}\n"
        "  formats: [json]\n"
        "options:\n"
        "  fail_on: [LOCATION_UNKNOWN]\n",
        encoding="utf-8")
    return cfg


def _written(out):
    return {p.name for p in out.iterdir()}


def test_command_line_beats_the_config_file(tmp_path):
    cfg = _config(tmp_path)
    out = tmp_path / "out"
    # Given on the command line, even when equal to the defaults: they win.
    run_scan(RunSpec(config=cfg, out=out, formats=list(DEFAULT_FORMATS),
                     fail_on=list(DEFAULT_FAIL_ON), quiet=True))
    summary = json.loads((out / "summary.json").read_text())
    assert summary["fail_on"] == list(DEFAULT_FAIL_ON)
    assert _written(out) == {FORMATS[f] for f in DEFAULT_FORMATS} | {"summary.json"}
    assert not (tmp_path / "from-config").exists()


def test_config_file_fills_what_the_command_line_does_not_give(tmp_path):
    cfg = _config(tmp_path)
    run_scan(RunSpec(config=cfg, quiet=True))
    out = tmp_path / "from-config"
    summary = json.loads((out / "summary.json").read_text())
    assert summary["fail_on"] == ["LOCATION_UNKNOWN"]
    assert _written(out) == {"report.json", "summary.json"}


def test_defaults_when_neither_gives(tmp_path, monkeypatch):
    log = tmp_path / "app.log"
    log.write_text("nothing personal\n", encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    run_scan(RunSpec(sources=[str(log)], quiet=True))
    out = tmp_path / "derbes-out"
    assert json.loads((out / "summary.json").read_text())["fail_on"] == list(DEFAULT_FAIL_ON)
    assert _written(out) == {FORMATS[f] for f in DEFAULT_FORMATS} | {"summary.json"}
