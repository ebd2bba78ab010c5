"""findings.parquet and hits.parquet: golden schemas, metadata, read-back."""

from __future__ import annotations

import dataclasses
import re
from pathlib import Path

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


SCHEMA_DOC = Path(__file__).resolve().parents[2] / "docs" / "schema.md"


def _documented(title: str) -> list[tuple[str, str, bool]]:
    """(column, type, nullable) from the table under ``## title`` in docs/schema.md."""
    text = SCHEMA_DOC.read_text(encoding="utf-8")
    section = text.split(f"## {title}\n", 1)[1].split("\n## ", 1)[0]
    rows = []
    for line in section.splitlines():
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if len(cells) == 4 and cells[0].startswith("`"):
            kind = cells[1].replace("\\", "")
            rows.append((cells[0].strip("`"), kind, {"yes": True, "no": False}[cells[2]]))
    return rows


def _written(path) -> list[tuple[str, str, bool]]:
    return [(f.name, str(f.type).replace("element: ", ""), f.nullable)
            for f in pq.read_schema(path)]


def test_schema_doc_is_what_is_written(tmp_path, result_with_values):
    """docs/schema.md names every column of both files with its type and nullability, in
    order, and the schema version: a change of either side without the other fails here."""
    findings = write_findings(result_with_values, tmp_path / "findings.parquet")
    hits = write_hits(result_with_values, tmp_path / "hits.parquet", show_values=True)
    assert _documented("findings.parquet") == _written(findings)
    assert _documented("hits.parquet (`--hits`)") == _written(hits)
    version = re.search(r"SCHEMA_VERSION`, now `(\w+)`", SCHEMA_DOC.read_text(encoding="utf-8"))
    assert version and version.group(1) == SCHEMA_VERSION


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
