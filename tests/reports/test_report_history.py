"""diff_scans: fields that started or stopped holding personal data."""

from __future__ import annotations

import dataclasses

import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from reports_fixtures import PG, make_result

from derbes.reports.history import diff_scans
from derbes.reports.parquet import write_findings
from derbes.scanner.errors import ConfigError


def test_new_and_gone(tmp_path):
    old = make_result()
    fs = list(old.findings)
    dropped = fs.pop(4)  # card numbers cleaned up
    added = dataclasses.replace(fs[0], field="passport_iin", scan_id="new")
    # Same field and category, other entity: not new.
    same_cat = dataclasses.replace(fs[1], entity="EMAIL_LIKE", scan_id="new")
    new = dataclasses.replace(old, scan_id="new", findings=(*fs, added, same_cat))
    a = write_findings(old, tmp_path / "a.parquet")
    b = write_findings(new, tmp_path / "b.parquet")
    d = diff_scans(a, b)
    assert d["old_scan"] == old.scan_id
    assert [(x["source"], x["container"], x["field"], x["category"]) for x in d["new"]] == [
        (PG, "public.customers", "passport_iin", "iin")]
    assert [(x["container"], x["field"], x["category"]) for x in d["gone"]] == [
        (dropped.container, dropped.field, dropped.category)]
    assert d["gone"][0]["entities"] == ["CREDIT_CARD"]
    assert diff_scans(a, a)["new"] == [] and diff_scans(a, a)["gone"] == []


def test_foreign_or_newer_files_are_rejected(tmp_path):
    other = tmp_path / "other.parquet"
    pq.write_table(pa.table({"x": [1]}), other)
    good = write_findings(make_result(), tmp_path / "good.parquet")
    with pytest.raises(ConfigError, match="not a derbes findings file"):
        diff_scans(other, good)
    table = pq.read_table(good)
    future = tmp_path / "future.parquet"
    pq.write_table(table.replace_schema_metadata({b"schema_version": b"99"}), future)
    with pytest.raises(ConfigError, match="schema version 99"):
        diff_scans(good, future)
    with pytest.raises(ConfigError, match="cannot read findings"):
        diff_scans(tmp_path / "missing.parquet", good)
