"""Baselines: value-free fingerprints, exact acceptance that removes nothing, expiry, strict
loading."""

from __future__ import annotations

import dataclasses
import json

import pytest
from reports_fixtures import PG, all_raw_values, make_result

from derbes.reports import baseline as bl
from derbes.reports.baseline import (
    BaselineError,
    apply_baseline,
    create_baseline,
    fingerprint,
    load_baseline,
    write_baseline,
)
from derbes.reports.ci import ExitCode, exit_code


def test_fingerprint_is_stable_and_depends_on_what_not_how_much():
    f = make_result().findings[0]
    same = dataclasses.replace(f, hits=1, rows_scanned=5, examples=("x",), scan_id="other")
    assert fingerprint(f) == fingerprint(same)
    assert len(fingerprint(f)) == 64
    for change in ({"field": "iin2"}, {"container": "public.other"}, {"entity": "KZ_BIN"},
                   {"category": "bin"}, {"source": "postgresql://other/db"}):
        assert fingerprint(dataclasses.replace(f, **change)) != fingerprint(f)
    # No ambiguity between ("a", "bc") and ("ab", "c").
    a = dataclasses.replace(f, container="a", field="bc")
    b = dataclasses.replace(f, container="ab", field="c")
    assert fingerprint(a) != fingerprint(b)


def test_round_trip_and_no_values(tmp_path):
    r = make_result(with_values=True)
    doc = create_baseline(r, reason="reviewed by DPO", expires="2030-12-31")
    path = write_baseline(doc, tmp_path / "baseline.json")
    text = path.read_text()
    assert not any(v in text for v in all_raw_values())
    loaded = load_baseline(path)
    assert loaded["derbes_baseline"] == 1
    assert len(loaded["entries"]) == len(r.findings)
    assert {e["reason"] for e in loaded["entries"]} == {"reviewed by DPO"}


def test_apply_marks_exactly_the_accepted_findings_and_removes_nothing():
    r = make_result()
    accepted = [f for f in r.findings if f.entity == "CREDIT_CARD"]
    doc = create_baseline(dataclasses.replace(r, findings=tuple(accepted)),
                          reason="legacy CRM", expires="2027-06-30")
    new, n = apply_baseline(r, doc, today="2025-03-01")
    assert n == 1
    # The inventory keeps every finding and every hit; only the status changes.
    assert len(new.findings) == len(r.findings) == 9
    assert new.hits == r.hits
    marked = [f for f in new.findings if f.status == "accepted"]
    assert [dataclasses.replace(f, status="open", status_reason=None, status_expires=None)
            for f in marked] == accepted
    assert (marked[0].status_reason, marked[0].status_expires) == ("legacy CRM", "2027-06-30")
    assert all(f.status == "open" for f in new.findings if f.entity != "CREDIT_CARD")
    # Its policy violation stays listed, marked accepted; the others stay open.
    vs = new.policy.violations
    assert len(vs) == len(r.policy.violations)
    accepted_vs = [(v.flag, v.container) for v in vs if v.accepted]
    assert accepted_vs == [("UNDECLARED_CATEGORY", "public.payments")]
    assert new.options["baseline_accepted"] == 1
    assert "baseline_accepted" not in r.options  # the input is untouched
    assert all(f.status == "open" for f in r.findings)


def test_accepting_everything_turns_exit_1_into_3():
    r = make_result()
    assert exit_code(r) == ExitCode.VIOLATIONS
    new, n = apply_baseline(r, create_baseline(r), today="2025-03-01")
    assert n == len(r.findings) == len(new.findings)
    # Every violation was about an accepted field, so each is accepted; the broken source
    # remains.
    assert all(v.accepted for v in new.policy.violations)
    assert exit_code(new) == ExitCode.INCOMPLETE


def test_expired_entries_do_not_accept():
    r = make_result()
    doc = create_baseline(r, expires="2025-02-28")
    assert apply_baseline(r, doc, today="2025-02-28")[1] == len(r.findings)  # last valid day
    new, n = apply_baseline(r, doc, today="2025-03-01")
    assert n == 0 and new is r


def test_mixed_expiry():
    r = make_result()
    doc = create_baseline(r)
    doc["entries"][0]["expires"] = "2020-01-01"
    new, n = apply_baseline(r, bl.parse_baseline(doc), today="2025-03-01")
    assert n == len(r.findings) - 1
    assert sum(f.status == "open" for f in new.findings) == 1


def test_accepted_findings_are_marked_in_every_format(tmp_path):
    import xml.etree.ElementTree as ET

    import pyarrow.parquet as pq

    from derbes.reports import write_reports

    r = make_result()
    card = [f for f in r.findings if f.entity == "CREDIT_CARD"]
    doc = create_baseline(dataclasses.replace(r, findings=tuple(card)),
                          reason="legacy CRM", expires="2027-06-30")
    new, _ = apply_baseline(r, doc, today="2025-03-01")
    write_reports(new, tmp_path, formats=["parquet", "html", "json", "sarif", "junit", "xlsx"],
                  lang="en")
    rows = pq.read_table(tmp_path / "findings.parquet").to_pylist()
    assert len(rows) == len(r.findings)
    assert [(x["entity"], x["status_reason"], x["status_expires"]) for x in rows
            if x["status"] == "accepted"] == [("CREDIT_CARD", "legacy CRM", "2027-06-30")]
    report = json.loads((tmp_path / "report.json").read_text())
    assert len(report["findings"]) == len(r.findings)
    assert [f["status"] for f in report["findings"] if f["entity"] == "CREDIT_CARD"] == [
        "accepted"]
    summary = json.loads((tmp_path / "summary.json").read_text())
    assert summary["totals"]["findings"] == len(r.findings)
    assert summary["totals"]["findings_accepted"] == 1
    assert summary["violations"]["accepted"] == 1
    html = (tmp_path / "report.html").read_text()
    # In the report's language, the date as written in Kazakhstan.
    assert "accepted — legacy CRM, until 30.06.2027" in html
    from openpyxl import load_workbook

    inventory = load_workbook(tmp_path / "report.xlsx", read_only=True)["Inventory"]
    marks = [row[-1] for row in inventory.iter_rows(values_only=True) if row[-1]]
    assert any("accepted — legacy CRM, until 30.06.2027" in m for m in marks), marks
    sarif = json.loads((tmp_path / "report.sarif").read_text())
    suppressed = [x for x in sarif["runs"][0]["results"] if x.get("suppressions")]
    assert suppressed and all(x["properties"]["entity"] == "CREDIT_CARD" for x in suppressed)
    assert "legacy CRM" in suppressed[0]["suppressions"][0]["justification"]
    junit = ET.parse(tmp_path / "junit.xml").getroot()
    skipped = junit.findall(".//testcase/skipped")
    assert [s.get("message") for s in skipped] == ["accepted: legacy CRM, until 2027-06-30"]
    assert junit.get("skipped") == "1"


def test_history_is_unaffected_by_a_baseline(tmp_path):
    from derbes.reports.history import diff_scans
    from derbes.reports.parquet import write_findings

    r = make_result()
    new, _ = apply_baseline(r, create_baseline(r), today="2025-03-01")
    before = write_findings(r, tmp_path / "before.parquet")
    after = write_findings(new, tmp_path / "after.parquet")
    diff = diff_scans(before, after)
    assert diff["new"] == [] and diff["gone"] == []


@pytest.mark.parametrize(("text", "message"), [
    ("{not json", r"baseline.json:1:2: invalid JSON"),
    ("[]", "must be a JSON object"),
    ('{"entries": []}', "not a derbes baseline"),
    ('{"derbes_baseline": 99, "entries": []}', "newer than this derbes"),
    ('{"derbes_baseline": 0, "entries": []}', "version 0 is not supported"),
    ('{"derbes_baseline": 1, "entries": [], "extra": 1}', "unknown keys"),
    ('{"derbes_baseline": 1, "entries": {}}', "'entries' must be a list"),
    ('{"derbes_baseline": 1, "entries": [{"fingerprint": "x"}]}', r"entries\[0\]: 'source'"),
])
def test_load_errors_are_clear(tmp_path, text, message):
    path = tmp_path / "baseline.json"
    path.write_text(text)
    with pytest.raises(BaselineError, match=message):
        load_baseline(path)


def test_edited_entry_is_rejected(tmp_path):
    doc = create_baseline(make_result())
    doc["entries"][0]["field"] = "renamed"
    path = tmp_path / "b.json"
    path.write_text(json.dumps(doc))
    with pytest.raises(BaselineError, match=r"entries\[0\]: fingerprint does not match"):
        load_baseline(path)


def test_bad_expiry_is_rejected(tmp_path):
    doc = create_baseline(make_result())
    doc["entries"][1]["expires"] = "next year"
    with pytest.raises(BaselineError, match=r"entries\[1\]: expires must be a date"):
        bl.parse_baseline(doc)


def test_missing_file(tmp_path):
    with pytest.raises(BaselineError, match="cannot read baseline"):
        load_baseline(tmp_path / "nope.json")


def test_upgraders_run_in_order(monkeypatch):
    # A made-up version 0 that called the entry list "accepted": the upgrade path works.
    def v0_to_v1(doc):
        return {"derbes_baseline": 1, "entries": doc["accepted"]}

    monkeypatch.setitem(bl.UPGRADERS, 0, v0_to_v1)
    current = create_baseline(make_result())
    old = {"derbes_baseline": 0, "accepted": current["entries"]}
    assert bl.parse_baseline(old)["entries"] == current["entries"]


def test_baseline_from_an_earlier_findings_file(tmp_path):
    from derbes.reports.parquet import write_findings

    r = make_result()
    findings = write_findings(r, tmp_path / "findings.parquet")
    doc = bl.baseline_from_findings_file(findings, reason="accepted", expires="2031-01-01")
    assert [e["fingerprint"] for e in doc["entries"]] == [
        e["fingerprint"] for e in create_baseline(r)["entries"]]
    assert {(e["reason"], e["expires"]) for e in doc["entries"]} == {("accepted", "2031-01-01")}
    assert apply_baseline(r, bl.parse_baseline(doc), today="2030-01-01")[1] == len(r.findings)
    with pytest.raises(BaselineError, match="cannot read findings"):
        bl.baseline_from_findings_file(tmp_path / "missing.parquet")


def test_baseline_file_is_private(tmp_path):
    path = write_baseline(create_baseline(make_result()), tmp_path / "b.json")
    assert path.stat().st_mode & 0o777 == 0o600
    assert PG in path.read_text()
