"""Every command and option is documented, in its --help and in docs/cli.md (as sqlite-utils
keeps its CLI reference complete), and the help reads cleanly."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import click
import pytest
from typer.main import get_command
from typer.testing import CliRunner

from derbes.scanner import cli
from derbes.scanner.cli import app

DOCS = Path(__file__).resolve().parents[2] / "docs" / "cli.md"
runner = CliRunner()


def _commands(group: click.Group, prefix: str = "") -> list[tuple[str, click.Command]]:
    out = []
    for name, command in group.commands.items():
        out.append((f"{prefix}{name}", command))
        if hasattr(command, "commands"):
            out += _commands(command, f"{prefix}{name} ")
    return out


COMMANDS = _commands(get_command(app))


def _section(text: str, name: str) -> str:
    """The part of docs/cli.md under the heading of ``derbes NAME``."""
    m = re.search(rf"^#+ `derbes {re.escape(name)}`\n(.*?)(?=^#+ `derbes |\Z)", text,
                  re.MULTILINE | re.DOTALL)
    assert m, f"docs/cli.md has no section for derbes {name}"
    return m.group(1)


@pytest.mark.parametrize(("name", "command"), COMMANDS, ids=[n for n, _ in COMMANDS])
def test_every_command_and_option_is_documented(name, command):
    assert command.help and "Example:" in command.help, f"{name} has no example in its help"
    section = _section(DOCS.read_text(encoding="utf-8"), name)
    for param in command.params:
        if param.name == "help":
            continue
        assert param.help, f"derbes {name}: {param.name} has no help"
        if param.param_type_name == "option":
            for opt in param.opts + param.secondary_opts:
                if opt.startswith("--"):
                    assert f"`{opt}`" in section, f"docs/cli.md: derbes {name} lacks {opt}"
        else:
            assert f"`{param.metavar}" in section, f"docs/cli.md: {name} lacks {param.metavar}"


@pytest.mark.parametrize("args", [[n for n in name.split()] for name, _ in COMMANDS] + [[]],
                         ids=[n for n, _ in COMMANDS] + ["derbes"])
def test_help_reads_cleanly(args):
    result = runner.invoke(app, [*args, "--help"], env={"COLUMNS": "100"})
    assert result.exit_code == 0, result.output
    text = result.output
    # No Python types as placeholders ("<bool>", "<path>", "<list[str]>").
    assert not re.search(r"<(bool|int|float|str|path|list\[[a-z]+\])>", text), text
    assert not [line for line in text.splitlines() if line.rstrip().endswith(" .")], text
    assert "Example:" in text or not args


def test_scan_help_lists_defaults_valid_values_and_flag_pairs():
    text = " ".join(runner.invoke(app, ["scan", "--help"], env={"COLUMNS": "300"}).output.split())
    assert "--hits / --no-hits" in text and "--show-values / --no-show-values" in text
    for default in ("[default: (derbes-out)]", "[default: 94]", "[default: (parquet,html)]",
                    "[default: (ru)]", "[default: (UNDECLARED_CATEGORY,STORAGE_OUTSIDE_KZ)]",
                    "[default: 2]", "[default: 0.05]", "[default: (1000)]"):
        assert default in text, default
    for name in (*cli.FLAGS, "error, warning, info", "parquet, html, json, sarif, junit",
                 "ru, kk, en"):
        assert name in text, name
    # The example shows a policy and a baseline; the group pages show theirs.
    assert "--policy policy.yaml" in text and "--baseline derbes-baseline.json" in text
    for group in ("policy", "baseline"):
        page = runner.invoke(app, [group, "--help"]).output
        assert "Example:" in page and f"derbes {group} " in page


def test_min_rows_and_min_share_reach_the_engine(tmp_path, monkeypatch):
    from derbes.scanner import terminal

    seen = {}

    def fake_run(spec, stop=None):
        seen.update(min_rows=spec.min_rows, min_share=spec.min_share)
        return 0

    monkeypatch.setattr(terminal, "scan_and_print", fake_run)
    result = runner.invoke(app, ["scan", "x.log", "--min-rows", "5", "--min-share", "0.2"])
    assert result.exit_code == 0, result.output
    assert seen == {"min_rows": 5, "min_share": 0.2}


def test_help_lists_match_the_library():
    """--help names the library's own lists (imported, not spelt out), and the CLI module
    stays light: importing it loads no detector."""
    from derbes.reports import FORMATS
    from derbes.scanner.policy.flags import FLAGS

    # Only the detectors package, its pure-Python switch and the lazy-export helper: no
    # recognizer, no Presidio; and not the engine (the run module imports it when it runs).
    code = ("import sys, derbes.scanner.cli; print(sorted(m for m in sys.modules if "
            "m.startswith(('derbes.detectors', 'presidio', 'derbes.scanner.engine'))))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True).stdout.strip()
    assert out == "['derbes.detectors', 'derbes.detectors.lazy', 'derbes.detectors.purepython']"
    text = runner.invoke(app, ["scan", "--help"], terminal_width=200).output
    for name in (*FLAGS, *FORMATS):
        assert name in text
    docs = DOCS.read_text(encoding="utf-8")
    assert f"any of: {', '.join(FORMATS)}." in docs
