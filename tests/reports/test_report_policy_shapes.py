"""Reading ``ScanResult.policy`` defensively: info flags as notices, unknown locations,
malformed entries, and the real shape produced by ``derbes.scanner.policy.check``."""

from __future__ import annotations

import dataclasses
import json
from pathlib import Path

import pytest
from reports_fixtures import BROKEN, LOG, MY, PG, make_result

from derbes.reports import write_reports
from derbes.reports._common import notices, violations
from derbes.reports.ci import DEFAULT_FAIL_ON, EXIT_INCOMPLETE, EXIT_VIOLATIONS, exit_code
from derbes.reports.html import build_context
from derbes.reports.sarif import build_sarif

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"


def _with_info_flag():
    r = make_result()
    fs = list(r.findings)
    fs[6] = dataclasses.replace(fs[6], flags=("CROSS_BORDER_DECLARED",))  # the BI email
    policy = {**r.policy, "violations": [v for v in r.policy["violations"]
                                         if v["flag"] != "STORAGE_OUTSIDE_KZ"],
              "notices": [{"flag": "CROSS_BORDER_DECLARED", "severity": "info", "source": MY,
                           "container": "bi.customers", "field": "email", "category": "email",
                           "explanation": {"en": "Declared transfer to DE."}}]}
    return dataclasses.replace(r, findings=tuple(fs), policy=policy)


def test_info_flags_are_notices_not_violations():
    r = _with_info_flag()
    assert [v["flag"] for v in notices(r)] == ["CROSS_BORDER_DECLARED"]
    assert "CROSS_BORDER_DECLARED" not in {v["flag"] for v in violations(r)}
    ctx = build_context(r, lang="en")
    assert [g["flag"] for g in ctx["notice_groups"]] == ["CROSS_BORDER_DECLARED"]
    assert ctx["notices"][0]["explanation"] == "Declared transfer to DE."
    sarif = build_sarif(r)
    cross = [x for x in sarif["runs"][0]["results"] if x["ruleId"] == "CROSS_BORDER_DECLARED"]
    assert [x["level"] for x in cross] == ["note"]
    # Failing on "info" makes it an error.
    cross = [x for x in build_sarif(r, fail_on="info")["runs"][0]["results"]
             if x["ruleId"] == "CROSS_BORDER_DECLARED"]
    assert [x["level"] for x in cross] == ["error"]


def test_unknown_location_is_not_abroad():
    r = make_result()
    sources = tuple(dataclasses.replace(s, location="unknown") if s.name == LOG else s
                    for s in r.sources)
    ctx = build_context(dataclasses.replace(r, sources=sources), lang="en")
    log = next(s for s in ctx["sources"] if s["name"] == LOG)
    assert log["country"] is None and not log["outside"]


def test_malformed_policy_entries_are_skipped():
    r = make_result()
    policy = {"violations": [None, "x", {"no": "flag"}, {"flag": 3},
                             {"flag": "STORAGE_OUTSIDE_KZ", "source": MY}],
              "operator": 12, "declared_categories": "iin", "flags": []}
    r = dataclasses.replace(r, policy=policy)
    flags = [v["flag"] for v in violations(r)]
    assert flags.count("STORAGE_OUTSIDE_KZ") == 1
    ctx = build_context(r, lang="ru")
    assert ctx["operator"] is None


def test_reports_read_the_real_policy_mapping(tmp_path):
    from derbes.scanner.policy import check as mapping
    from derbes.scanner.policy import model as policy_mod

    path = EXAMPLES / "policy-online-school.ru.yaml"
    if not path.exists():
        pytest.skip(f"{path} not there")
    r = make_result()
    bare = dataclasses.replace(r, policy=None, findings=tuple(
        dataclasses.replace(f, flags=(), declared=None, location=None) for f in r.findings))
    locations = {PG: ("KZ", "configured"), MY: ("DE", "AWS region eu-central-1"),
                 LOG: ("KZ", "configured"), BROKEN: ("unknown", "not reached")}
    mapped = mapping.apply_policy(bare, policy_mod.load_policy(path), locations)
    write_reports(mapped, tmp_path, lang="kk", hits=True)
    summary = json.loads((tmp_path / "summary.json").read_text())
    listed = mapped.policy["violations"]
    assert summary["violations"]["total"] == len(listed)
    assert summary["violations"]["by_severity"] == {
        k: v for k, v in mapped.policy["counts"].items() if v and k != "info"}
    ctx = build_context(mapped, lang="kk")
    assert ctx["operator"] and ctx["policy"]
    assert {v["flag"] for v in ctx["violations"]} == {v["flag"] for v in listed}
    # Every listed violation has its article and a Kazakh explanation on the page.
    html = (tmp_path / "report.html").read_text()
    for v in listed:
        assert v["explanation"]["kk"] in html
    # The broken source makes the scan incomplete; default fail_on flags make it fail.
    failing = [v for v in listed if v["flag"] in DEFAULT_FAIL_ON]
    assert exit_code(mapped) == (EXIT_VIOLATIONS if failing else EXIT_INCOMPLETE)
