"""SARIF 2.1.0 output, validated against the official schema.

``data/sarif-schema-2.1.0.json`` is the OASIS SARIF 2.1.0 JSON schema (the final
"2.1.0-rtm.5" text) as shipped in the npm package ``@microsoft/jest-sarif`` 1.0.0-beta.0
(file ``lib/schemas/sarif-2.1.0-rtm.5.json``, MIT licence, microsoft/sarif-js-sdk),
sha256 2d99159ae54a3eea97f81781cff48780548657c35949f4b7f25e99a2ba4de4f8.
"""

from __future__ import annotations

import dataclasses
import json
from pathlib import Path

import jsonschema
import pytest
from reports_fixtures import LOG, MY, PG, XSS, all_raw_values, make_result

from derbes.reports.baseline import fingerprint
from derbes.reports.sarif import artifact_uri, build_sarif, write_sarif

SCHEMA = json.loads((Path(__file__).parent / "data" / "sarif-schema-2.1.0.json").read_text())


def _validate(doc: dict) -> None:
    jsonschema.Draft4Validator(SCHEMA).validate(doc)


@pytest.mark.parametrize("lang", ["ru", "kk", "en"])
def test_sarif_validates_against_the_schema(tmp_path, lang):
    path = write_sarif(make_result(), tmp_path / "report.sarif", lang=lang)
    _validate(json.loads(path.read_text()))


def test_the_schema_check_can_fail():
    doc = build_sarif(make_result())
    doc["runs"][0]["results"][0]["level"] = "fatal"
    with pytest.raises(jsonschema.ValidationError):
        _validate(doc)


def test_levels_rules_and_locations():
    doc = build_sarif(make_result())
    run = doc["runs"][0]
    rules = [r["id"] for r in run["tool"]["driver"]["rules"]]
    assert "personal-data/iin" in rules and "UNDECLARED_CATEGORY" in rules
    for res in run["results"]:
        assert rules[res["ruleIndex"]] == res["ruleId"]

    def find(rule_id, fqn):
        return [r for r in run["results"] if r["ruleId"] == rule_id and
                r["locations"][0]["logicalLocations"][0]["fullyQualifiedName"] == fqn]

    iin, = find("personal-data/iin", f"{PG}/public.customers/iin")
    assert iin["level"] == "note"
    assert iin["locations"][0]["logicalLocations"][0]["kind"] == "member"
    assert "physicalLocation" not in iin["locations"][0]
    assert iin["partialFingerprints"]["derbesFinding/v1"] == fingerprint(make_result().findings[0])

    card, = find("UNDECLARED_CATEGORY", f"{PG}/public.payments/card_number")
    assert card["level"] == "error"
    assert "not declared" in card["message"]["text"]  # the flag's explanation

    # A log: physical location with the first hit's line; RETENTION_EXCEEDED is not in fail_on.
    logs = find("RETENTION_EXCEEDED", f"{LOG}/{LOG}")
    assert {r["level"] for r in logs} == {"warning"}
    assert all(r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]
               == "file:///var/log/nginx/access.log" for r in logs)
    assert {r["locations"][0]["physicalLocation"]["region"]["startLine"] for r in logs} == {17}

    # The BI database abroad: the per-field result carries the source-level explanation.
    abroad, = find("STORAGE_OUTSIDE_KZ", f"{MY}/bi.customers/email")
    assert abroad["level"] == "error"
    assert "rests in DE (AWS RDS endpoint region eu-central-1" in abroad["message"]["text"]

    # The failed source is a tool notification, and the run is not successful.
    inv = run["invocations"][0]
    assert inv["executionSuccessful"] is False
    assert "connection refused" in inv["toolExecutionNotifications"][0]["message"]["text"]
    assert inv["startTimeUtc"] == "2025-03-01T10:15:00Z"


def test_log_without_hits_has_no_region():
    r = dataclasses.replace(make_result(), hits=())
    doc = build_sarif(r)
    for res in doc["runs"][0]["results"]:
        for loc in res["locations"]:
            assert "region" not in loc.get("physicalLocation", {})


def test_fingerprints_hold_no_value_and_are_stable():
    a = build_sarif(make_result())
    b = build_sarif(make_result(with_values=True))
    fa = [r["partialFingerprints"] for r in a["runs"][0]["results"]]
    fb = [r["partialFingerprints"] for r in b["runs"][0]["results"]]
    assert fa == fb
    text = json.dumps(a, ensure_ascii=False)
    assert not any(v in text for v in all_raw_values())
    assert XSS in text  # a column name is data, kept verbatim in JSON


def test_a_file_inside_an_archive_is_located_at_the_archive():
    member = "/backups/logs.tar.gz!/nginx/access.log"
    r = make_result()
    r = dataclasses.replace(
        r, findings=tuple(dataclasses.replace(f, container=member) for f in r.findings
                          if f.container == LOG),
        hits=tuple(dataclasses.replace(h, container=member) for h in r.hits
                   if h.container == LOG))
    doc = build_sarif(r)
    _validate(doc)
    located = [res["locations"][0] for res in doc["runs"][0]["results"]
               if member in res["locations"][0]["logicalLocations"][0]["fullyQualifiedName"]]
    assert located
    for loc in located:
        assert loc["physicalLocation"] == {
            "artifactLocation": {"uri": "file:///backups/logs.tar.gz"}}  # no line of it


def test_artifact_uri():
    assert artifact_uri("/var/log/app log.txt") == "file:///var/log/app%20log.txt"
    assert artifact_uri("logs/app.log") == "logs/app.log"


@pytest.mark.parametrize(("lang", "cited"), [("ru", "Закон № 94-V, ст. 7; ст. 12 п. 1"),
                                             ("kk", "№ 94-V Заң, 7-бап; 12-баптың 1-тармағы"),
                                             ("en", "Law 94-V, Art. 7; Art. 12(1)")])
def test_rule_help_cites_the_law_in_the_report_language(lang, cited):
    rules = build_sarif(make_result(), lang=lang)["runs"][0]["tool"]["driver"]["rules"]
    rule = next(r for r in rules if r["id"] == "UNDECLARED_CATEGORY")
    assert rule["properties"]["article"] == cited


def _covers(v, flag, f) -> bool:
    """Whether violation ``v`` is ``flag`` on finding ``f``'s field and category."""
    return (v.flag == flag and v.source == f.source and v.container == f.container
            and v.field == f.field and v.category == f.category)


def test_violations_are_found_by_key_as_a_walk_finds_them():
    """``Covering`` (an index) gives, for each flag of each finding, the violations a walk
    through all of them finds about it, in their order."""
    import itertools

    from derbes.reports._common import Covering

    result = make_result()
    vs = [v for v in result.policy.violations]
    # Twins and near misses: the same place under another flag, field or category.
    vs += [dataclasses.replace(v, flag="RETENTION_EXCEEDED") for v in vs[:3]]
    vs += [dataclasses.replace(v, field=(v.field or "") + "_x") for v in vs[:2]]
    vs += [dataclasses.replace(v, category="email") for v in vs[:4]]
    vs += vs[:2]  # the same violation twice
    covering = Covering(vs)
    flags = {v.flag for v in vs} | {"LOCATION_UNKNOWN"}
    checked = 0
    for f, flag in itertools.product(result.findings, sorted(flags)):
        expected = [i for i, v in enumerate(vs) if _covers(v, flag, f)]
        assert covering(flag, f) == expected
        checked += bool(expected)
    assert checked >= 5
