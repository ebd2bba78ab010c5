"""Bad configuration: reported with its file and line, exit code 2, before any source is
touched (``open_source`` fails the test if called), and never echoing a secret.

These run the real command line in this process (``derbes.scanner.cli.main``), so the
message and the exit code are the ones a user sees.
"""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from derbes.scanner import sources as sources_module

SECRET = "Cfg-Secr3t-Pw-5521"


@pytest.fixture
def no_source_opened(monkeypatch: pytest.MonkeyPatch) -> None:
    def refuse(spec: str, **_options: object) -> None:
        pytest.fail(f"a source was opened ({spec}) although the configuration is bad")

    monkeypatch.setattr(sources_module, "open_source", refuse)


def cli(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture, *args: str):
    """Run ``derbes ARGS`` in-process: (exit code, stdout, stderr)."""
    from derbes.scanner.cli import main

    monkeypatch.setattr(sys, "argv", ["derbes", *args])
    capsys.readouterr()
    with pytest.raises(SystemExit) as info:
        main()
    out = capsys.readouterr()
    code = info.value.code
    return (0 if code is None else code), out.out, out.err


def write(tmp_path: Path, name: str, text: str) -> Path:
    (tmp_path / "x.log").write_text("iin 871008401427\n", encoding="utf-8")
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


CASES = {
    "malformed-yaml": (
        "version: 1\n"
        "sources:\n"
        "  - name: logs\n"
        "    path: x.log\n"
        "  - name: db\n"
        "    url: [postgresql://u:p@h/db\n",
        ":7: malformed YAML",  # the stream ends inside the list opened on line 6
    ),
    "unknown-key": (
        "version: 1\n"
        "sources:\n"
        "  - name: logs\n"
        "    path: x.log\n"
        "    colour: red\n",
        ":5: sources[0].colour: unknown key",
    ),
    "unknown-category": (
        "version: 1\n"
        "sources:\n"
        "  - name: logs\n"
        "    path: x.log\n"
        "options:\n"
        "  categories: [iin, favourite_colour]\n",
        ":6: options.categories[1]: unknown category 'favourite_colour'",
    ),
    "malformed-url": (
        "version: 1\n"
        "sources:\n"
        "  - name: logs\n"
        "    path: x.log\n"
        "  - name: db\n"
        f"    url: postgresql://scanner:{SECRET}@db.internal:99999/app\n",
        ":6: sources[1].url: 'postgresql://scanner:***@db.internal:99999/app' is a malformed URL",
    ),
    "unset-environment-variable": (
        "version: 1\n"
        "sources:\n"
        "  - name: logs\n"
        "    path: x.log\n"
        "  - name: db\n"
        "    url: postgresql://scanner:${DERBES_TEST_NEVER_SET}@db.internal/app\n",
        ":6: sources[1].url: environment variable DERBES_TEST_NEVER_SET is not set",
    ),
}


@pytest.mark.parametrize("case", sorted(CASES))
def test_bad_config_file(
    case: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys, no_source_opened
) -> None:
    text, expected = CASES[case]
    monkeypatch.delenv("DERBES_TEST_NEVER_SET", raising=False)
    config = write(tmp_path, "derbes.yaml", text)
    code, out, err = cli(monkeypatch, capsys, "scan", "--config", str(config),
                         "--out", str(tmp_path / "out"), "--quiet")
    assert code == 2
    assert f"{config}{expected}" in err, err
    assert SECRET not in out + err
    assert not (tmp_path / "out").exists()  # nothing written: the scan never started


def test_unknown_category_in_policy(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys, no_source_opened
) -> None:
    policy = write(
        tmp_path, "policy.yaml",
        "version: 1\n"
        "operator:\n"
        "  name: TOO Example\n"
        "categories:\n"
        "  - category: iin\n"
        "    purposes: [payments]\n"
        "    retention: P1Y\n"
        "  - category: favourite_colour\n"
        "    purposes: [marketing]\n"
        "    retention: P1Y\n"
        "storage:\n"
        "  countries: [KZ]\n",
    )
    code, _, err = cli(monkeypatch, capsys, "scan", str(tmp_path / "x.log"), "--policy",
                       str(policy), "--out", str(tmp_path / "out"), "--quiet")
    assert code == 2
    assert f"{policy}:8: categories[1].category: unknown category 'favourite_colour'" in err, err
    assert not (tmp_path / "out").exists()


def test_config_secret_from_environment_never_shown(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys, no_source_opened
) -> None:
    """A password read from the environment stays hidden when its URL turns out malformed."""
    monkeypatch.setenv("DERBES_TEST_DB_PASSWORD", SECRET)
    config = write(
        tmp_path, "derbes.yaml",
        "version: 1\n"
        "sources:\n"
        "  - name: db\n"
        "    url: postgresql://scanner:${DERBES_TEST_DB_PASSWORD}@db.internal:70000/app\n",
    )
    code, out, err = cli(monkeypatch, capsys, "scan", "--config", str(config),
                         "--out", str(tmp_path / "out"))
    assert code == 2
    assert f"{config}:4: sources[0].url" in err and "malformed URL" in err, err
    assert SECRET not in out + err


@pytest.mark.parametrize(
    ("url", "code", "message"),
    [
        # Both crashed with a traceback and exit code 1 (read as "violations") before.
        (f"postgresql://scanner:{SECRET}@db.internal:notaport/app", 2,
         "not a database URL: postgresql://scanner:***@db.internal:notaport/app"),
        (f"mysql://scanner:{SECRET}@127.0.0.1:1/app?sslmode=require", 3,
         "mysql://scanner:***@127.0.0.1:1/app?sslmode=require: cannot connect: "),
    ],
)
def test_malformed_url_on_the_command_line(
    url: str, code: int, message: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys
) -> None:
    write(tmp_path, "unused", "")
    got, out, err = cli(monkeypatch, capsys, "scan", url, str(tmp_path / "x.log"),
                        "--out", str(tmp_path / "out"), "--quiet")
    assert got == code, err
    assert "Traceback" not in err
    assert f"derbes: {message}" in err
    assert SECRET not in out + err
