"""The scan configuration: strict loading, errors with their line, secrets kept out of messages."""

from __future__ import annotations

from pathlib import Path

import pytest

from derbes.scanner.config import load_config, validate_config_file
from derbes.scanner.errors import ConfigError

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"
SECRET = "s3cr3t-p@ss/w:rd"

GOOD = """\
version: 1
policy: policies/policy.yaml
sources:
  - name: crm
    url: postgresql://derbes:${DERBES_TEST_PW}@db.example.com:5432/crm
    location: kz
    include: ["public.*"]
    sample_rows: 500
    seed: 7
  - name: nginx
    path: logs/access.log*
output:
  dir: out
  formats: [html, json]
  lang: kk
options:
  connections: 2
  min_score: 0.4
  fail_on: [error, retention_exceeded, STORAGE_OUTSIDE_KZ]
  categories: [email, ИИН]
"""


@pytest.fixture(autouse=True)
def env(monkeypatch):
    monkeypatch.setenv("DERBES_TEST_PW", SECRET)
    monkeypatch.delenv("DERBES_TEST_UNSET", raising=False)


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "derbes.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def errors_of(tmp_path: Path, text: str) -> list[str]:
    errors = validate_config_file(write(tmp_path, text))
    assert errors, "expected errors"
    for error in errors:
        assert SECRET not in error and "s3cr3t" not in error
    return errors


def test_good_config(tmp_path):
    config = load_config(write(tmp_path, GOOD))
    crm, nginx = config.sources
    # The password is percent-encoded so its '@', '/' and ':' stay inside the user info.
    assert crm.url == "postgresql://derbes:s3cr3t-p%40ss%2Fw%3Ard@db.example.com:5432/crm"
    assert crm.display == "postgresql://derbes:***@db.example.com:5432/crm"
    assert crm.host == "db.example.com" and crm.location == "KZ"
    assert SECRET not in repr(config) and "s3cr3t" not in repr(config)
    assert nginx.path == tmp_path / "logs" / "access.log*"
    assert config.policy == tmp_path / "policies" / "policy.yaml"
    assert config.output.dir == tmp_path / "out" and config.output.lang == "kk"
    assert config.options.categories == ("email", "iin")
    # A severity stands for its flags, so the CLI's exit code sees flag ids only.
    assert config.options.fail_on == ("UNDECLARED_CATEGORY", "STORAGE_OUTSIDE_KZ",
                                      "RETENTION_EXCEEDED")
    assert config.locations() == {"crm": "KZ"}
    assert config.source("nginx") is nginx


def test_example_config_loads(monkeypatch):
    monkeypatch.setenv("PGPASSWORD", "x")
    monkeypatch.setenv("ANALYTICS_PASSWORD", "y")
    config = load_config(EXAMPLES / "derbes.yaml")
    assert config.policy == EXAMPLES / "policy-online-school.ru.yaml"
    assert config.policy.exists()
    assert config.sources[1].host.endswith(".eu-central-1.rds.amazonaws.com")


def test_malformed_yaml_names_line(tmp_path):
    text = GOOD.replace('include: ["public.*"]', 'include: ["public.*"')
    with pytest.raises(ConfigError, match=r"derbes\.yaml:8: malformed YAML"):
        load_config(write(tmp_path, text))


def test_unknown_key_names_line(tmp_path):
    errors = errors_of(tmp_path, GOOD.replace("sample_rows: 500", "sample_row: 500"))
    assert errors == [f"{tmp_path / 'derbes.yaml'}:8: sources[0].sample_row: unknown key "
                      "(did you mean 'sample_rows'?)"]


def test_unknown_top_level_key(tmp_path):
    errors = errors_of(tmp_path, GOOD + "target: prod\n")
    assert len(errors) == 1 and ":21: target: unknown key (allowed: version, sources" in errors[0]


def test_unknown_category_names_line(tmp_path):
    errors = errors_of(tmp_path, GOOD.replace("[email, ИИН]", "[email, shoe_size]"))
    assert len(errors) == 1
    assert errors[0].startswith(f"{tmp_path / 'derbes.yaml'}:20: options.categories[1]: "
                                "unknown category 'shoe_size'")


@pytest.mark.parametrize(
    "url, why",
    [
        ("postgresql//derbes:${DERBES_TEST_PW}@db:5432/crm", "is not a database URL"),
        ("mongodb://derbes:${DERBES_TEST_PW}@db/crm", "unsupported URL scheme 'mongodb'"),
        ("postgresql://derbes:${DERBES_TEST_PW}@db:99999/crm", "malformed URL"),
        ("postgresql://derbes:${DERBES_TEST_PW}@db:port/crm", "malformed URL"),
        ("postgresql://derbes:${DERBES_TEST_PW}@:5432/crm", "no host after '@'"),
        ("sqlite://host/app.db", "an SQLite URL has no host"),
    ],
)
def test_malformed_url_names_line_and_hides_password(tmp_path, url, why):
    errors = errors_of(tmp_path, GOOD.replace(
        "postgresql://derbes:${DERBES_TEST_PW}@db.example.com:5432/crm", url))
    assert len(errors) == 1
    assert errors[0].startswith(f"{tmp_path / 'derbes.yaml'}:5: sources[0].url: ")
    assert why in errors[0]


def test_unset_variable_names_line_and_variable(tmp_path):
    errors = errors_of(tmp_path, GOOD.replace("${DERBES_TEST_PW}", "${DERBES_TEST_UNSET}"))
    assert errors == [f"{tmp_path / 'derbes.yaml'}:5: sources[0].url: environment variable "
                      "DERBES_TEST_UNSET is not set"]
    with pytest.raises(ConfigError, match="DERBES_TEST_UNSET is not set") as info:
        load_config(write(tmp_path, GOOD.replace("${DERBES_TEST_PW}", "${DERBES_TEST_UNSET}")))
    assert info.value.errors == errors


def test_variable_in_path(tmp_path, monkeypatch):
    monkeypatch.setenv("DERBES_TEST_LOGS", "/var/log/app")
    config = load_config(write(tmp_path, GOOD.replace("logs/access.log*",
                                                      "${DERBES_TEST_LOGS}/*.log")))
    assert config.sources[1].path == Path("/var/log/app/*.log")


def test_url_or_path_exactly_one(tmp_path):
    errors = errors_of(tmp_path, GOOD.replace("    path: logs/access.log*\n", ""))
    assert errors == [f"{tmp_path / 'derbes.yaml'}:10: sources[1]: give exactly one of url "
                      "(a database) or path (files)"]
    both = GOOD.replace("    path: logs/access.log*\n",
                        "    path: a.log\n    url: sqlite:///a.db\n")
    assert "exactly one" in errors_of(tmp_path, both)[0]


def test_duplicate_source_names(tmp_path):
    errors = errors_of(tmp_path, GOOD.replace("name: nginx", "name: crm"))
    assert errors == [f"{tmp_path / 'derbes.yaml'}:10: sources[1].name: source name 'crm' is "
                      "used twice (first at line 4)"]


@pytest.mark.parametrize(
    "old, new, line, what",
    [
        ("location: kz", "location: Kazakhstan", 6, "sources[0].location"),
        ("formats: [html, json]", "formats: [html, pdf]", 14, "output.formats[1]"),
        ("formats: [html, json]", "formats: [md]", 14, "output.formats[0]"),
        ("lang: kk", "lang: de", 15, "output.lang"),
        ("connections: 2", "connections: 0", 17, "options.connections"),
        ("min_score: 0.4", "min_score: 4", 18, "options.min_score"),
        ("fail_on: [error, retention_exceeded, STORAGE_OUTSIDE_KZ]", "fail_on: [EVERYTHING]", 19,
         "options.fail_on"),
        ("seed: 7", "seed: seven", 9, "sources[0].seed"),
        ("name: nginx", "name: 'my logs'", 10, "sources[1].name"),
    ],
)
def test_bad_values_name_line(tmp_path, old, new, line, what):
    errors = errors_of(tmp_path, GOOD.replace(old, new))
    assert len(errors) == 1
    assert errors[0].startswith(f"{tmp_path / 'derbes.yaml'}:{line}: {what}: ")


def test_sqlite_path_is_relative_to_config(tmp_path):
    text = GOOD.replace("postgresql://derbes:${DERBES_TEST_PW}@db.example.com:5432/crm",
                        "sqlite:///data/app.db")
    config = load_config(write(tmp_path, text))
    assert config.sources[0].url == f"sqlite:///{tmp_path}/data/app.db"
    assert config.sources[0].host is None


def test_no_sources(tmp_path):
    errors = errors_of(tmp_path, "version: 1\nsources: []\n")
    assert ":2: sources: " in errors[0]
    assert errors_of(tmp_path, "")[0].endswith("a scan configuration is a mapping of keys "
                                               "(sources, policy, output, options, allow)")


def test_value_from_environment_never_shown_even_outside_password(tmp_path):
    # A variable used as the host is not a password, yet it came from the environment.
    text = GOOD.replace("postgresql://derbes:${DERBES_TEST_PW}@db.example.com:5432/crm",
                        "mongodb://${DERBES_TEST_PW}/crm")
    errors = errors_of(tmp_path, text)
    assert len(errors) == 1 and "unsupported URL scheme 'mongodb'" in errors[0]
    assert "***" in errors[0]
