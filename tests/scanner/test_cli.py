"""The CLI: every command documented with an example; errors become the documented exit codes."""

from __future__ import annotations

import pytest
from typer.main import get_command
from typer.testing import CliRunner

from derbes.scanner.cli import app

runner = CliRunner()


def _commands(group, prefix: str = ""):
    for name, command in group.commands.items():
        if hasattr(command, "commands"):
            yield from _commands(command, f"{prefix}{name} ")
        else:
            yield f"{prefix}{name}", command


@pytest.mark.parametrize(("name", "command"), list(_commands(get_command(app))))
def test_every_command_is_documented_with_an_example(name, command):
    assert command.help, f"{name} has no help"
    assert "Example:" in command.help, f"{name}'s help shows no example"
    assert f"derbes {name}" in command.help


def test_scan_without_sources_is_a_usage_error(tmp_path):
    from derbes.scanner.errors import ConfigError

    result = runner.invoke(app, ["scan", "--out", str(tmp_path)])
    assert isinstance(result.exception, ConfigError)
    assert "nothing to scan" in str(result.exception)


def test_bad_location_is_a_usage_error(tmp_path):
    from derbes.scanner.errors import ConfigError

    result = runner.invoke(app, ["scan", "x.log", "--location", "nocountry"])
    assert isinstance(result.exception, ConfigError)
