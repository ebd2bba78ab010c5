"""findings.parquet and hits.parquet: golden schemas, metadata, read-back."""

from __future__ import annotations

import dataclasses

import pyarrow.parquet as pq
import pytest

from derbes.reports.parquet import write_findings, write_hits
from derbes.scanner.model import SCHEMA_VERSION

# Golden schemas: changing a column is a schema change (bump SCHEMA_VERSION, update docs).
FINDINGS_GOLDEN = [
    ("scan_id", "string"), ("scanned_at", "string"), ("source", "string"),
    ("source_kind", "string"), ("container", "string"), ("field", "string"),
    ("entity", "string"), ("category", "string"), ("match_type", "string"), ("hits", "int64"),
    ("rows_scanned", "int64"), ("rows_with_hits", "int64"), ("distinct_values", "int64"),
    ("score_max", "double"), ("score_mean", "double"), ("examples", "list<element: string>"),
    ("location", "string"), ("declared", "bool"), ("flags", "list<element: string>"),
    ("oldest_seen", "string"),
    ("status", "string"),
    ("status_reason", "string"),
    ("status_expires", "string"),
]
HITS_GOLDEN = [
    ("scan_id", "string"), ("source", "string"), ("container", "string"), ("field", "string"),
    ("row", "int64"), ("start", "int64"), ("end", "int64"), ("entity", "string"),
    ("score", "double"), ("masked", "string"), ("value_hash", "string"),
]


def _columns(path) -> list[tuple[str, str]]:
    return [(f.name, str(f.type)) for f in pq.read_schema(path)]


def test_findings_schema_is_golden(tmp_path, result):
    path = write_findings(result, tmp_path / "findings.parquet")
    assert _columns(path) == FINDINGS_GOLDEN


def test_hits_schema_is_golden_and_value_column_only_on_request(tmp_path, result_with_values):
    plain = write_hits(result_with_values, tmp_path / "hits.parquet")
    assert _columns(plain) == HITS_GOLDEN
    shown = write_hits(result_with_values, tmp_path / "hits-values.parquet", show_values=True)
    assert _columns(shown) == [*HITS_GOLDEN, ("value", "string")]
    values = pq.read_table(shown).column("value").to_pylist()
    assert "870412350125" in values


def test_empty_scan_has_the_same_schema(tmp_path, result):
    empty = dataclasses.replace(result, findings=(), hits=())
    assert _columns(write_findings(empty, tmp_path / "f.parquet")) == FINDINGS_GOLDEN
    assert _columns(write_hits(empty, tmp_path / "h.parquet")) == HITS_GOLDEN
    assert pq.read_table(tmp_path / "f.parquet").num_rows == 0


def test_metadata_carries_versions(tmp_path, result):
    for path in (write_findings(result, tmp_path / "f.parquet"),
                 write_hits(result, tmp_path / "h.parquet")):
        meta = pq.read_schema(path).metadata
        assert meta[b"schema_version"] == SCHEMA_VERSION.encode()
        assert meta[b"derbes_version"]
        assert meta[b"scan_id"] == result.scan_id.encode()


def test_findings_read_back(tmp_path, result):
    rows = pq.read_table(write_findings(result, tmp_path / "f.parquet")).to_pylist()
    assert len(rows) == len(result.findings)
    card = next(r for r in rows if r["entity"] == "CREDIT_CARD")
    assert card["container"] == "public.payments"
    assert card["flags"] == ["UNDECLARED_CATEGORY"]
    assert card["declared"] is False
    assert card["examples"] == ["**** **** **** 0003"]
    assert card["scanned_at"] == result.started_at
    log = next(r for r in rows if r["entity"] == "IP_ADDRESS")
    assert log["field"] is None


def test_duckdb_reads_findings(tmp_path, result):
    duckdb = pytest.importorskip("duckdb")
    path = write_findings(result, tmp_path / "findings.parquet")
    rows = duckdb.sql(f"SELECT count(*) FROM read_parquet('{path}') "
                      "WHERE list_contains(flags, 'UNDECLARED_CATEGORY')").fetchall()
    assert rows == [(2,)]
