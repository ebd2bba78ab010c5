"""summary.json and report.json."""

from __future__ import annotations

import json

from reports_fixtures import BROKEN, MY, make_result

from derbes.reports._common import safe_options
from derbes.reports.baseline import fingerprint
from derbes.reports.jsonout import write_json
from derbes.reports.summary import write_summary
from derbes.scanner.urls import mask_urls


def test_summary(tmp_path):
    doc = json.loads(write_summary(make_result(), tmp_path / "summary.json").read_text())
    assert doc["scan_id"] == "20250301T101500Z-7f3a"
    assert doc["seconds"] == 7.4
    assert doc["incomplete"] is True
    assert doc["exit_code"] == 1
    assert doc["fail_on"] == ["UNDECLARED_CATEGORY", "STORAGE_OUTSIDE_KZ"]
    broken = next(s for s in doc["sources"] if s["name"] == BROKEN)
    assert broken["status"] == "failed" and broken["errors"] == [
        "connection refused (10.1.2.3:5432)"]
    abroad = next(s for s in doc["sources"] if s["name"] == MY)
    assert abroad["location"] == "DE" and "eu-central-1" in abroad["location_evidence"]
    assert doc["categories"]["email"] == {"findings": 3, "fields": 3, "hits": 5943}
    assert doc["violations"]["by_flag"] == {"RETENTION_EXCEEDED": 2, "STORAGE_OUTSIDE_KZ": 1,
                                            "UNDECLARED_CATEGORY": 2}
    assert doc["violations"]["by_severity"] == {"error": 3, "warning": 2}
    assert doc["totals"]["sources_failed"] == 1
    assert doc["options"]["hmac_key"] == "***"
    assert doc["options"]["sample_rows"] == 1000


def test_summary_exit_code_follows_fail_on(tmp_path):
    doc = json.loads(write_summary(make_result(), tmp_path / "s.json",
                                   fail_on="IIN_IMPLIES_BIRTH_DATE").read_text())
    assert doc["exit_code"] == 3


def test_report_json(tmp_path):
    r = make_result()
    doc = json.loads(write_json(r, tmp_path / "report.json").read_text())
    assert doc["derbes_report"] == 1
    assert [f["fingerprint"] for f in doc["findings"]] == [fingerprint(f) for f in r.findings]
    assert len(doc["hits"]) == len(r.hits) and "value" not in doc["hits"][0]
    assert doc["policy"]["operator"]["bin"] == "180340021236"
    assert "violations" not in doc["policy"]
    assert len(doc["violations"]) == 5
    assert doc["scan"]["exit_code"] == 1
    no_hits = json.loads(write_json(r, tmp_path / "r2.json", hits=False).read_text())
    assert "hits" not in no_hits


def test_secrets_in_options_are_masked():
    opts = {"db_password": "p", "api_token": "t", "hmac_key": None,
            "url": "mysql://u:pw@h/db", "nested": {"secret": "s"}, "n": 3}
    assert safe_options(opts) == {"db_password": "***", "api_token": "***", "hmac_key": None,
                                  "url": "mysql://u:***@h/db", "nested": {"secret": "***"},
                                  "n": 3}
    assert mask_urls("postgresql://app:***@h/x") == "postgresql://app:***@h/x"
