"""The policy file: strict loading, errors with their line, the template, the model's queries."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from derbes.scanner.errors import PolicyError
from derbes.scanner.policy import (
    Duration,
    load_policy,
    parse_duration,
    policy_template,
    validate_policy_file,
)

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"

# Valid BINs published in python-stdnum's stdnum/kz/bin.py doctests (independent of derbes).
VALID_BIN = "940140000385"

GOOD = """\
version: 1
operator:
  name: ТОО «Тест»
  bin: "940140000385"
categories:
  - category: email
    purposes: [регистрация]
    retention: P3Y
  - ФИО
storage:
  countries: [KZ]
"""


def write(tmp_path: Path, text: str, name: str = "policy.yaml") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def only_error(path: Path) -> str:
    errors = validate_policy_file(path)
    assert len(errors) == 1, errors
    return errors[0]


def test_good_policy_loads(tmp_path):
    policy = load_policy(write(tmp_path, GOOD))
    assert policy.operator.bin == VALID_BIN
    assert [e.category for e in policy.categories] == ["email", "full_name"]
    assert policy.storage.countries == ("KZ",)
    assert validate_policy_file(write(tmp_path, GOOD)) == []


@pytest.mark.parametrize("lang", ["ru", "kk", "en"])
def test_template_validates(tmp_path, lang):
    text = policy_template(lang)
    assert text.startswith("#")
    assert validate_policy_file(write(tmp_path, text)) == []
    policy = load_policy(write(tmp_path, text))
    assert "payment_card" in policy.not_collected


def test_template_ru_has_hints_and_unknown_language_fails():
    text = policy_template()
    assert "Категории" in text or "данные собираются" in text
    assert "kk: санаттар" in text and "en: categories" in text
    with pytest.raises(PolicyError):
        policy_template("de")


@pytest.mark.parametrize("name", ["policy-online-school.ru.yaml", "policy-services.kk.yaml"])
def test_examples_validate(name):
    assert validate_policy_file(EXAMPLES / name) == []
    assert load_policy(EXAMPLES / name).summary()["operator"]["bin"]


def test_storage_without_kz_names_line(tmp_path):
    text = GOOD.replace("  countries: [KZ]", "  countries: [RU, DE]")
    error = only_error(write(tmp_path, text))
    assert error == (f"{tmp_path / 'policy.yaml'}:11: storage.countries: KZ must be listed "
                     "(Art. 12(2) of Law 94-V requires personal databases on Kazakh territory)")


def test_unknown_category_names_line(tmp_path):
    text = GOOD.replace("  - ФИО", "  - passport data")
    error = only_error(write(tmp_path, text))
    assert error.startswith(f"{tmp_path / 'policy.yaml'}:9: categories[1].category: "
                            "unknown category 'passport data'")


@pytest.mark.parametrize(
    "bin_text, why",
    [
        ('"940140000386"', "check digit"),     # last digit of the stdnum vector changed
        ('"949940000385"', "month"),           # stdnum doctest: invalid component (month 99)
        ('"940190000385"', "5th digit"),       # stdnum doctest: invalid component (type 9)
        ('"940149000385"', "6th digit"),       # stdnum doctest: invalid component (9)
        ('"94014000038"', "12 digits"),
        ("\"8801 0130 0123\"", "5th digit"),   # an IIN shape is not a BIN
    ],
)
def test_malformed_bin_names_line(tmp_path, bin_text, why):
    text = GOOD.replace('"940140000385"', bin_text)
    error = only_error(write(tmp_path, text))
    assert error.startswith(f"{tmp_path / 'policy.yaml'}:4: operator.bin: ")
    assert why in error


def test_second_published_bin_is_valid(tmp_path):
    # python-stdnum doctest: validate('990 140 004 654') == '990140004654'
    policy = load_policy(write(tmp_path, GOOD.replace('"940140000385"', '"990 140 004 654"')))
    assert policy.operator.bin == "990140004654"


def test_unquoted_bin_keeps_leading_zero_in_message(tmp_path):
    # YAML 1.1 reads 050140000001 as an octal number; the message must show the digits written.
    error = only_error(write(tmp_path, GOOD.replace('"940140000385"', "050140000002")))
    assert "'050140000002'" in error and error.split(":")[1] == "4"


def test_unquoted_valid_bin_is_accepted(tmp_path):
    assert load_policy(write(tmp_path, GOOD.replace('"940140000385"', VALID_BIN))).operator.bin \
        == VALID_BIN


@pytest.mark.parametrize("value", ["3 years", "P", "P0D", "3", "PT12H", "P1.5Y", "3Y"])
def test_malformed_duration_names_line(tmp_path, value):
    error = only_error(write(tmp_path, GOOD.replace("retention: P3Y", f"retention: {value}")))
    assert error.startswith(f"{tmp_path / 'policy.yaml'}:8: categories[0].retention: ")


def test_all_errors_reported_together(tmp_path):
    text = GOOD.replace('"940140000385"', '"940140000386"').replace("P3Y", "P3X").replace(
        "[KZ]", "[DE]")
    errors = validate_policy_file(write(tmp_path, text))
    assert [e.split(":")[1] for e in errors] == ["4", "8", "11"]
    with pytest.raises(PolicyError) as info:
        load_policy(write(tmp_path, text))
    assert info.value.errors == errors
    assert str(info.value) == "\n".join(errors)


def test_unknown_key_suggests(tmp_path):
    errors = validate_policy_file(write(tmp_path, GOOD.replace("  countries:", "  countrys:")))
    assert errors[0].endswith(":10: storage.countries: required key is missing")
    error = errors[1]
    assert ":11: storage.countrys: unknown key (did you mean 'countries'?)" in error


def test_unknown_top_key_lists_allowed(tmp_path):
    error = only_error(write(tmp_path, GOOD + "retention_days: 30\n"))
    assert ":12: retention_days: unknown key" in error


def test_missing_required_key_points_at_parent(tmp_path):
    error = only_error(write(tmp_path, GOOD.replace('  bin: "940140000385"\n', "")))
    assert error.endswith(":2: operator.bin: required key is missing")


def test_yaml_syntax_error_names_line(tmp_path):
    # PyYAML notices the unclosed list on the next line; the message points back to it.
    with pytest.raises(PolicyError, match=r"policy\.yaml:8: malformed YAML: .*at line 7\)"):
        load_policy(write(tmp_path, GOOD.replace("purposes: [регистрация]", "purposes: [a, b")))


def test_duplicate_key_names_both_lines(tmp_path):
    error = only_error(write(tmp_path, GOOD + "storage:\n  countries: [KZ]\n"))
    assert ":12: storage: duplicate key (first at line 10)" in error


def test_norway_is_not_false(tmp_path):
    text = GOOD.replace("[KZ]", "[KZ, NO]").replace("retention: P3Y", "retention: P3Y\n"
                                                     "    transfer_to: [no, DE]")
    policy = load_policy(write(tmp_path, text))
    assert policy.storage.countries == ("KZ", "NO")
    assert policy.categories[0].transfer_to == ("NO", "DE")


@pytest.mark.parametrize("code, hint", [("UK", "GB"), ("EU", "member states"), ("XX", "ISO")])
def test_bad_country_code(tmp_path, code, hint):
    error = only_error(write(tmp_path, GOOD.replace("[KZ]", f"[KZ, {code}]")))
    assert ":11: storage.countries[1]: " in error and hint in error


def test_semantic_errors_have_lines(tmp_path):
    text = GOOD + ("not_collected: [email]\n"
                   "cross_border:\n"
                   "  - country: DE\n"
                   "    categories: [iin]\n")
    errors = validate_policy_file(write(tmp_path, text))
    assert [e.split(": ", 1)[0].rsplit(":", 1)[1] for e in errors] == ["12", "15"]
    assert "not_collected[0]: 'email' is declared at line 6" in errors[0]
    assert "cross_border[0].categories[0]: 'iin' is transferred but not declared" in errors[1]


def test_duplicate_category_and_kz_transfer(tmp_path):
    text = GOOD.replace("  - ФИО", "  - ФИО\n  - email\n  - category: phone\n"
                                   "    transfer_to: [KZ]")
    errors = validate_policy_file(write(tmp_path, text))
    assert len(errors) == 1 and ":12: categories[3].transfer_to: KZ is not" in errors[0]
    errors = validate_policy_file(write(tmp_path, GOOD.replace("  - ФИО", "  - ФИО\n  - email")))
    assert errors == [f"{tmp_path / 'policy.yaml'}:10: categories[2].category: 'email' is "
                      "declared twice (first at line 6)"]


def test_not_a_mapping(tmp_path):
    assert validate_policy_file(write(tmp_path, "- a\n- b\n"))[0].endswith(
        "a policy is a mapping of keys (operator, categories, storage, ...)")
    assert "cannot read" in validate_policy_file(tmp_path / "missing.yaml")[0]


def test_wildcard_and_not_collected(tmp_path):
    text = GOOD.replace("  - ФИО", "  - ФИО\n  - category: '*'\n    retention: P1Y\n"
                                   "    transfer_to: [US]") + "not_collected: [payment_card]\n"
    policy = load_policy(write(tmp_path, text))
    assert policy.wildcard is not None
    assert policy.declares("iin") and policy.declares("email")
    assert not policy.declares("payment_card")  # not_collected wins over the wildcard
    assert policy.transfer_countries("iin") == {"US"}
    assert policy.transfer_countries("email") == set()
    assert policy.summary()["all_other_allowed"] is True


def test_transfer_countries_and_retention(tmp_path):
    text = GOOD + ("cross_border:\n"
                   "  - country: DE\n"
                   "    categories: [email]\n"
                   "  - country: US\n"
                   "logs:\n"
                   "  retention: P6M\n")
    policy = load_policy(write(tmp_path, text))
    assert policy.transfer_countries("email") == {"DE", "US"}
    assert policy.transfer_countries("full_name") == {"US"}
    assert policy.retention_for("email", "database")[0] == Duration(years=3)
    assert policy.retention_for("full_name", "database") is None
    assert policy.retention_for("full_name", "log")[0] == Duration(months=6)
    assert policy.retention_for("email", "log")[0] == Duration(years=3)


def test_summary_is_plain_data(tmp_path):
    summary = load_policy(write(tmp_path, GOOD)).summary()
    assert summary["operator"] == {"name": "ТОО «Тест»", "bin": VALID_BIN}
    assert summary["categories"][1]["category"] == "full_name"
    assert summary["categories"][1]["labels"]["ru"] == "Фамилия, имя, отчество"
    assert summary["storage_countries"] == ["KZ"]
    assert summary["all_other_allowed"] is False


@pytest.mark.parametrize(
    "text, expected",
    [("P3Y", Duration(years=3)), ("p6m", Duration(months=6)), ("P30D", Duration(days=30)),
     ("P1Y6M", Duration(years=1, months=6)), ("P2W", Duration(weeks=2))],
)
def test_parse_duration(text, expected):
    assert parse_duration(text) == expected


def test_duration_before_is_calendar_arithmetic():
    leap = dt.datetime(2024, 2, 29, 12, tzinfo=dt.UTC)
    assert Duration(years=1).before(leap) == dt.datetime(2023, 2, 28, 12, tzinfo=dt.UTC)
    assert Duration(months=3).before(dt.datetime(2025, 5, 31)) == dt.datetime(2025, 2, 28)
    assert Duration(months=13).before(dt.datetime(2025, 1, 15)) == dt.datetime(2023, 12, 15)
    assert Duration(weeks=1, days=1).before(dt.datetime(2025, 1, 9)) == dt.datetime(2025, 1, 1)
