"""The draft policy file: it validates and scans as it is, cites every line, and names what
is missing; ``derbes policy extract`` writes it."""

from __future__ import annotations

import json
import re
import sys

import pytest
import yaml
from extract_docs import BIN, EXPECTED, KK, RU, write_docx, write_text

from derbes.scanner.policy import load_policy, validate_policy_file
from derbes.scanner.policy.extract import draft_policy

# Lines that only open a mapping or list and propose no value themselves.
_STRUCTURE = re.compile(r"^\s*(?:version: 1|operator:|categories:|not_collected:|storage:|"
                        r"cross_border:|logs:)\s*$")


def cli(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture, *args: str):
    """Run ``derbes ARGS`` in-process: (exit code, stdout, stderr)."""
    from derbes.scanner.cli import main

    monkeypatch.setattr(sys, "argv", ["derbes", *args])
    capsys.readouterr()
    with pytest.raises(SystemExit) as info:
        main()
    out = capsys.readouterr()
    return (0 if info.value.code is None else info.value.code), out.out, out.err


@pytest.mark.parametrize(("name", "text", "lang"), [("ru", RU, "ru"), ("kk", KK, "kk"),
                                                     ("both", RU + KK, "en")])
def test_draft_validates_and_holds_what_the_document_declares(tmp_path, name, text, lang):
    doc = write_text(tmp_path / f"{name}.txt", text)
    path = tmp_path / "policy.yaml"
    path.write_text(draft_policy(doc, lang=lang, out=str(path)), encoding="utf-8")
    assert validate_policy_file(path) == []
    policy = load_policy(path)
    assert policy.operator.bin == BIN
    assert {e.category for e in policy.categories} == EXPECTED["categories"]
    assert set(policy.not_collected) == EXPECTED["not_collected"]
    assert {e.retention for e in policy.categories} == {EXPECTED["retention"]}
    assert policy.storage.countries == ("KZ",)
    assert {t.country for t in policy.cross_border} == EXPECTED["transfers"]
    assert all(t.categories == ("email",) for t in policy.cross_border)
    assert policy.logs is not None and policy.logs.retention == EXPECTED["logs"]
    assert len(policy.categories[0].purposes) == 2
    assert all(e.purposes == policy.categories[0].purposes for e in policy.categories)


def test_every_proposed_line_cites_a_clause_and_a_quote(tmp_path):
    text = draft_policy(write_text(tmp_path / "p.txt", RU))
    for line in text.splitlines():
        if not line.strip() or line.lstrip().startswith("#") or _STRUCTURE.match(line):
            continue
        assert "   # " in line, f"no comment: {line!r}"
        comment = line.split("   # ", 1)[1]
        if "«" in comment:
            assert re.search(r"\d(?:\.\d+)* .*«.+»", comment), line


def test_missing_operator_and_storage_are_named_by_validate(tmp_path):
    doc = write_text(tmp_path / "p.txt", [
        "1. Мы собираем адрес электронной почты и номер телефона.",
        "2. Данные хранятся в течение 1 года."])
    path = tmp_path / "policy.yaml"
    draft = draft_policy(doc, lang="ru", out=str(path))
    path.write_text(draft, encoding="utf-8")
    assert "# name: НЕ НАЙДЕНО" in draft and "# bin: НЕ НАЙДЕНО" in draft
    assert "# storage:" in draft
    errors = "\n".join(validate_policy_file(path))
    assert "operator.name: required key is missing" in errors
    assert "operator.bin: required key is missing" in errors
    assert "storage: required key is missing" in errors
    # Everything else in the draft is valid: filling in the three keys makes it pass.
    data = yaml.safe_load(draft)
    assert data["categories"] == [{"category": "phone", "retention": "P1Y"},
                                  {"category": "email", "retention": "P1Y"}]
    filled = draft.replace("operator: {}", f'operator:\n  name: "ТОО «Икс»"\n  bin: "{BIN}"')
    path.write_text(filled + "storage:\n  countries: [KZ]\n", encoding="utf-8")
    assert validate_policy_file(path) == []


def test_categories_without_a_derbes_id_are_commented_lines(tmp_path):
    doc = write_text(tmp_path / "p.txt", [
        "1. Мы собираем адрес электронной почты, геолокацию и место работы.",
        "2. Мы не собираем биометрические данные."])
    draft = draft_policy(doc, lang="en")
    assert re.search(r"^  # - geolocation \(geolocation; no derbes category\)   # 1 «", draft,
                     re.M)
    assert re.search(r"^  # - employment \(employer and position; ", draft, re.M)
    assert re.search(r"^  # - biometric \(biometric and genetic data; ", draft, re.M)
    assert "# not_collected:" in draft  # no derbes id among them: the key stays commented
    assert yaml.safe_load(draft)["categories"] == [{"category": "email"}]


def test_no_limit_is_proposed_as_until_consent_withdrawn(tmp_path):
    doc = write_text(tmp_path / "p.txt", [
        "1. Біз электрондық пошта мекенжайын жинаймыз.",
        "2. Дербес деректерді өңдеу мерзімі шектеусіз."])
    draft = draft_policy(doc, lang="kk")
    assert yaml.safe_load(draft)["categories"][0]["retention"] == "until_consent_withdrawn"
    assert "шектеусіз" in draft
    assert "оқиға ұсынылды" in draft  # says an event was proposed, not a longest period


def test_transfer_without_a_country_is_said(tmp_path):
    doc = write_text(tmp_path / "p.txt", [
        "1. Мы собираем номер телефона.",
        "2. Трансграничная передача данных осуществляется только с согласия субъекта."])
    draft = draft_policy(doc, lang="ru")
    assert "# Трансграничная передача упомянута без указания стран; впишите страны: 2 «" in (
        draft)
    assert "cross_border" not in yaml.safe_load(draft)


def test_draft_works_with_scan_as_it_is(tmp_path, monkeypatch, capsys):
    """A scan with the draft: the declared email passes, the card number it says is not
    stored is a violation."""
    doc = write_docx(tmp_path / "policy.docx", RU)
    code, _, err = cli(monkeypatch, capsys, "policy", "extract", str(doc), "--out",
                       str(tmp_path / "policy.yaml"))
    assert code == 0, err
    data = tmp_path / "users.csv"
    # Card numbers: the published test numbers of the card networks (Visa 4111 1111 1111
    # 1111 and 4012 8888 8888 1881, Mastercard 5555 5555 5555 4444), Luhn-valid.
    data.write_text("id,email,card\n1,aigerim@example.kz,4111111111111111\n"
                    "2,b@mail.kz,5555555555554444\n3,c@x.kz,4012888888881881\n",
                    encoding="utf-8")
    code, _, err = cli(monkeypatch, capsys, "scan", str(data), "--policy",
                       str(tmp_path / "policy.yaml"), "--out", str(tmp_path / "out"),
                       "--location", f"{data}=KZ", "--quiet")
    assert code == 1, err  # a violation, no error
    summary = json.loads((tmp_path / "out" / "summary.json").read_text(encoding="utf-8"))
    assert set(summary["categories"]) == {"email", "payment_card"}
    assert summary["violations"]["by_flag"] == {"UNDECLARED_CATEGORY": 1}


def test_cli_prints_to_stdout_and_refuses_to_overwrite(tmp_path, monkeypatch, capsys):
    doc = write_text(tmp_path / "p.txt", KK)
    code, out, _ = cli(monkeypatch, capsys, "policy", "extract", str(doc))
    assert code == 0
    assert yaml.safe_load(out)["operator"]["bin"] == BIN
    target = tmp_path / "policy.yaml"
    target.write_text("keep me", encoding="utf-8")
    code, _, err = cli(monkeypatch, capsys, "policy", "extract", str(doc), "--out", str(target))
    assert code == 2 and "exists" in err
    assert target.read_text(encoding="utf-8") == "keep me"
    code, _, err = cli(monkeypatch, capsys, "policy", "extract", str(doc), "--lang", "de")
    assert code == 2 and "'de' is not one of ru, kk, en" in err


def test_cli_unreadable_document_is_a_clear_error(tmp_path, monkeypatch, capsys):
    bad = tmp_path / "policy.pdf"
    bad.write_bytes(b"%PDF-1.4 nothing here")
    code, out, err = cli(monkeypatch, capsys, "policy", "extract", str(bad))
    assert code == 2
    assert err.startswith(f"derbes: {bad}: ")
    assert out == ""


def test_draft_yaml_is_plain_data_with_one_anchor(tmp_path):
    """Purposes are written once (an anchor) and shared by every category (aliases)."""
    draft = draft_policy(write_text(tmp_path / "p.txt", RU))
    assert draft.count("&purposes") == 1
    assert draft.count("*purposes") == len(EXPECTED["categories"]) - 1
    assert isinstance(yaml.safe_load(draft), dict)



def test_a_category_keeps_its_own_period_in_the_draft(tmp_path):
    doc = write_text(tmp_path / "p.txt", ["1. Мы собираем адрес электронной почты и cookie.",
                                          "2. Персональные данные хранятся 3 года.",
                                          "3. Файлы cookie хранятся 1 год."])
    data = yaml.safe_load(draft_policy(doc))
    assert {e["category"]: e["retention"] for e in data["categories"]} == {
        "email": "P3Y", "device_id": "P1Y"}
