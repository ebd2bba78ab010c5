"""summary.json and report.json."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest
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


@pytest.mark.parametrize("show_values", [False, True])
@pytest.mark.parametrize("count", [0, 1, 2503])
def test_report_json_streams_the_text_json_dumps_would_write(tmp_path, show_values, count):
    """Hits are written one by one (a scan's may be millions), the file the same text as the
    whole document dumped at once: layout, escapes, order."""
    import dataclasses

    from derbes.reports.jsonout import build_report

    result = make_result(with_values=True)
    one = result.hits[0]
    hits = [dataclasses.replace(one, row=k, value=f'line\n"{k}"\t\\ Ақ' if k % 2 else one.value)
            for k in range(count)]
    # A scan id that reads as the document's end and its last key.
    result = dataclasses.replace(result, hits=tuple(hits), scan_id='"\n}\n, "hits": []')
    path = write_json(result, tmp_path / "report.json", show_values=show_values)
    expected = json.dumps(build_report(result, show_values=show_values), ensure_ascii=False,
                          indent=1, default=str) + "\n"
    assert path.read_text(encoding="utf-8") == expected
    assert len(json.loads(expected)["hits"]) == count


def test_report_json_without_hits_has_no_hits_key(tmp_path):
    result = make_result(with_values=True)
    doc = json.loads(write_json(result, tmp_path / "r.json", hits=False).read_text())
    assert "hits" not in doc and doc["findings"]


def test_json_documents_are_written_as_json_dumps_writes_them(tmp_path):
    from derbes.reports._io import json_text, write_json_doc

    big = {"rows": [{"k": k, "text": f"Ақ\n\"{k}\"", "n": None, "f": k / 7} for k in range(5000)]}
    odd = {  # what the json module turns into text its own way
        "keys": {7: "int", 2.5: "float", True: "true", False: "false", None: "null", "": ""},
        "numbers": [0, -1, 10**30, 0.1, -0.0, 1e300, float("nan"), float("inf"),
                    -float("inf")],
        "empty": [[], {}, (), [[]], {"a": {}}], "tuple": (1, ("x", None)),
        "text": ["", "\u2028\x00\t\\/", "😀"], "flags": [True, False, None],
        "other": [dt.date(2026, 12, 7), Path("a/b"), 3 + 4j],  # default=str
    }
    for k, doc in enumerate([{}, {"a": []}, {"a": {"b": [1, {"c": "д"}]}, "z": True}, big,
                             odd]):
        path = write_json_doc(tmp_path / f"{k}.json", doc)
        assert path.read_text(encoding="utf-8") == json.dumps(
            doc, ensure_ascii=False, indent=1, default=str) + "\n"
    for value in (odd, [], "д", 1.5, {"a": [1, {"b": 2}]}):
        for level in (0, 2):
            assert json_text(value, level) == json.dumps(
                value, ensure_ascii=False, indent=1, default=str).replace(
                    "\n", "\n" + " " * level)
    with pytest.raises(TypeError):
        write_json_doc(tmp_path / "x.json", {(1, 2): "a tuple key"})
    with pytest.raises(ValueError):
        write_json_doc(tmp_path / "x.json", {}, last=("hits", lambda write: write("[]")))
