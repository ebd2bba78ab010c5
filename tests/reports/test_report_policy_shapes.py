"""Reports read the policy check's records: info flags as notices, unknown locations, and a
real policy file's check end to end."""

from __future__ import annotations

import dataclasses
import json
from pathlib import Path

import pytest
from reports_fixtures import BROKEN, CHECKED_AT, LOG, MY, PG, POLICY, WHERE, make_result

from derbes.reports import write_reports
from derbes.reports._common import notices, violations
from derbes.reports.ci import DEFAULT_FAIL_ON, ExitCode, exit_code
from derbes.reports.html import build_context
from derbes.reports.sarif import build_sarif
from derbes.scanner.policy import apply_policy, load_policy

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"


def _bare(r):
    return dataclasses.replace(r, policy=None, findings=tuple(
        dataclasses.replace(f, flags=(), declared=None, location=None) for f in r.findings))


def _with_info_flag(tmp_path):
    # The same policy, declaring a transfer of emails to Germany: the BI database's emails
    # become a notice instead of a violation.
    text = POLICY.read_text() + "cross_border:\n  - country: DE\n    categories: [email]\n"
    path = tmp_path / "policy.yaml"
    path.write_text(text, encoding="utf-8")
    return apply_policy(_bare(make_result()), load_policy(path), WHERE, now=CHECKED_AT)


def test_info_flags_are_notices_not_violations(tmp_path):
    r = _with_info_flag(tmp_path)
    assert [v.flag for v in notices(r)] == ["CROSS_BORDER_DECLARED"]
    assert "CROSS_BORDER_DECLARED" not in {v.flag for v in violations(r)}
    ctx = build_context(r, lang="en")
    assert [g["flag"] for g in ctx["notice_groups"]] == ["CROSS_BORDER_DECLARED"]
    assert ctx["notices"][0]["detail"] == "The data rests in Germany; the policy declares it."
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


def test_reports_read_the_real_policy_mapping(tmp_path):
    path = EXAMPLES / "policy-online-school.ru.yaml"
    if not path.exists():
        pytest.skip(f"{path} not there")
    locations = {PG: ("KZ", "configured"), MY: ("DE", "AWS region eu-central-1"),
                 LOG: ("KZ", "configured"), BROKEN: ("unknown", "not reached")}
    mapped = apply_policy(_bare(make_result()), load_policy(path), locations, now=CHECKED_AT)
    write_reports(mapped, tmp_path, formats=("parquet", "html", "json"), lang="kk", hits=True)
    summary = json.loads((tmp_path / "summary.json").read_text())
    listed = mapped.policy.violations
    assert listed
    assert summary["violations"]["total"] == len(listed)
    assert summary["violations"]["by_severity"] == {
        k: v for k, v in mapped.policy.counts.items() if v and k != "info"}
    ctx = build_context(mapped, lang="kk")
    assert ctx["operator"] and ctx["policy"]
    assert {v["flag"] for v in ctx["violations"]} == {v.flag for v in listed}
    # Every flag raised has its Kazakh explanation and next step on the page.
    html = (tmp_path / "report.html").read_text()
    from derbes.scanner.policy.flags import FLAGS

    for v in listed:
        assert FLAGS[v.flag].explanation.kk in html
        assert FLAGS[v.flag].next_step.kk in html
    # The broken source makes the scan incomplete; default fail_on flags make it fail.
    failing = [v for v in listed if v.flag in DEFAULT_FAIL_ON]
    assert exit_code(mapped) == (ExitCode.VIOLATIONS if failing else ExitCode.INCOMPLETE)
