"""Baselines: value-free fingerprints, exact suppression, expiry, strict loading."""

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
from derbes.reports.ci import EXIT_INCOMPLETE, EXIT_VIOLATIONS, exit_code


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


def test_apply_suppresses_exactly_the_accepted_findings():
    r = make_result()
    accepted = [f for f in r.findings if f.entity == "CREDIT_CARD"]
    doc = create_baseline(dataclasses.replace(r, findings=tuple(accepted)))
    new, n = apply_baseline(r, doc, today="2025-03-01")
    assert n == 1
    assert [f for f in r.findings if f not in new.findings] == accepted
    assert not any(h.entity == "CREDIT_CARD" for h in new.hits)
    assert len(new.hits) == len(r.hits) - sum(h.entity == "CREDIT_CARD" for h in r.hits)
    # Its policy violation went with it; the others stay.
    kept = [(v["flag"], v["container"]) for v in new.policy["violations"]]
    assert ("UNDECLARED_CATEGORY", "public.payments") not in kept
    assert len(kept) == len(r.policy["violations"]) - 1
    assert new.options["baseline_suppressed"] == 1
    assert len(r.findings) == 9  # the input is untouched


def test_accepting_everything_turns_exit_1_into_3():
    r = make_result()
    assert exit_code(r) == EXIT_VIOLATIONS
    new, n = apply_baseline(r, create_baseline(r), today="2025-03-01")
    assert n == len(r.findings)
    # The source-level STORAGE_OUTSIDE_KZ is about no accepted field: still a violation.
    assert exit_code(new) == EXIT_VIOLATIONS
    no_abroad = dataclasses.replace(new, policy={**new.policy, "violations": [
        v for v in new.policy["violations"] if v["flag"] != "STORAGE_OUTSIDE_KZ"]})
    assert exit_code(no_abroad) == EXIT_INCOMPLETE  # the broken source remains


def test_expired_entries_do_not_suppress():
    r = make_result()
    doc = create_baseline(r, expires="2025-02-28")
    assert apply_baseline(r, doc, today="2025-02-28")[1] == len(r.findings)  # last valid day
    new, n = apply_baseline(r, doc, today="2025-03-01")
    assert n == 0 and new is r


def test_mixed_expiry():
    r = make_result()
    doc = create_baseline(r)
    doc["entries"][0]["expires"] = "2020-01-01"
    _, n = apply_baseline(r, bl.parse_baseline(doc), today="2025-03-01")
    assert n == len(r.findings) - 1


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
