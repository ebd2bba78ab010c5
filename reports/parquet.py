"""``findings.parquet`` and ``hits.parquet``: the inventory as columnar files.

The schemas are explicit (not inferred) so that an empty scan and a large one produce the
same columns and types, and so that scans appended over months can be read together with
``read_parquet('scans/*/findings.parquet')``. The file metadata carries ``schema_version``
(:data:`derbes.scanner.model.SCHEMA_VERSION`) and ``derbes_version``. The columns are
documented in ``docs/schema.md``, which a test holds to these schemas.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq

from derbes.reports._common import derbes_version
from derbes.reports._io import atomic_open
from derbes.scanner.hitparts import hit_batches
from derbes.scanner.model import SCHEMA_VERSION, ScanResult

FINDINGS_SCHEMA = pa.schema([
    pa.field("scan_id", pa.string(), nullable=False),
    pa.field("scanned_at", pa.string(), nullable=False),
    pa.field("source", pa.string(), nullable=False),
    pa.field("source_kind", pa.string(), nullable=False),
    pa.field("container", pa.string(), nullable=False),
    pa.field("field", pa.string()),
    pa.field("entity", pa.string(), nullable=False),
    pa.field("category", pa.string(), nullable=False),
    pa.field("match_type", pa.string(), nullable=False),
    pa.field("hits", pa.int64(), nullable=False),
    pa.field("rows_scanned", pa.int64(), nullable=False),
    pa.field("rows_with_hits", pa.int64(), nullable=False),
    pa.field("distinct_values", pa.int64(), nullable=False),
    pa.field("score_max", pa.float64(), nullable=False),
    pa.field("score_mean", pa.float64(), nullable=False),
    pa.field("examples", pa.list_(pa.string()), nullable=False),
    pa.field("location", pa.string()),
    pa.field("declared", pa.bool_()),
    pa.field("flags", pa.list_(pa.string()), nullable=False),
    pa.field("oldest_seen", pa.string()),
    # open, accepted (a baseline entry) or allowed (an allowlist of derbes.yaml).
    pa.field("status", pa.string(), nullable=False),
    pa.field("status_reason", pa.string()),
    pa.field("status_expires", pa.string()),
])

HITS_SCHEMA = pa.schema([
    pa.field("scan_id", pa.string(), nullable=False),
    pa.field("source", pa.string(), nullable=False),
    pa.field("container", pa.string(), nullable=False),
    pa.field("field", pa.string()),
    pa.field("row", pa.int64(), nullable=False),
    pa.field("start", pa.int64(), nullable=False),
    pa.field("end", pa.int64(), nullable=False),
    pa.field("entity", pa.string(), nullable=False),
    pa.field("score", pa.float64(), nullable=False),
    pa.field("masked", pa.string(), nullable=False),
    pa.field("value_hash", pa.string(), nullable=False),
])

#: Added to :data:`HITS_SCHEMA` only when the user asked for raw values.
VALUE_FIELD = pa.field("value", pa.string())


def _metadata(result: ScanResult) -> dict[bytes, bytes]:
    return {
        b"schema_version": SCHEMA_VERSION.encode(),
        b"derbes_version": derbes_version().encode(),
        b"scan_id": result.scan_id.encode(),
    }


def _write(table: pa.Table, path: str | os.PathLike[str]) -> Path:
    with atomic_open(path) as f:
        pq.write_table(table, f, compression="zstd")
    return Path(path)


def _columns(schema: pa.Schema, records: Sequence[object], **given: list) -> dict[str, list]:
    """One list per field of ``schema``: ``given`` as is, else each record's attribute of that
    name (the schemas name their columns after the model's fields)."""
    return {
        name: given[name] if name in given else [getattr(r, name) for r in records]
        for name in schema.names
    }


def findings_table(result: ScanResult) -> pa.Table:
    """The findings of ``result`` as an Arrow table with :data:`FINDINGS_SCHEMA`."""
    fs = result.findings
    columns = _columns(FINDINGS_SCHEMA, fs, scanned_at=[result.started_at] * len(fs))
    schema = FINDINGS_SCHEMA.with_metadata(_metadata(result))
    return pa.Table.from_pydict(columns, schema=schema)


def write_findings(result: ScanResult, path: str | os.PathLike[str]) -> Path:
    """Write ``findings.parquet`` (one row per finding) atomically, mode 0600."""
    return _write(findings_table(result), path)


#: Hits gathered into one row group of hits.parquet when they come in smaller batches (a
#: container's at a time): fewer row groups, and a writer's buffers kept small.
GROUP_ROWS = 8_192


def write_hits(result: ScanResult, path: str | os.PathLike[str], show_values: bool = False) -> Path:
    """Write ``hits.parquet`` (one row per hit) atomically, mode 0600.

    Raw values are written only with ``show_values=True`` (and only if the scan kept them).
    The hits are read a batch at a time (from the parts a scan wrote, :mod:`~derbes.scanner.
    hitparts`), so writing millions of them takes little memory.
    """
    schema = (HITS_SCHEMA.append(VALUE_FIELD) if show_values else HITS_SCHEMA).with_metadata(
        _metadata(result))
    scan_id = pa.scalar(result.scan_id, pa.string())
    with atomic_open(path) as f, pq.ParquetWriter(f, schema, compression="zstd") as writer:
        # Batches come a container at a time: small ones are gathered into row groups of
        # GROUP_ROWS or more (a folder of 3,000 small logs wrote 3,000 row groups, 2.8 s);
        # a part's large batches go as they come.
        pending: list = []
        rows = 0
        for batch in hit_batches(result.hits):
            columns = [pa.repeat(scan_id, batch.num_rows) if name == "scan_id" else
                       batch.column(name) for name in schema.names]
            pending.append(pa.RecordBatch.from_arrays(columns, schema=schema))
            rows += batch.num_rows
            if rows >= GROUP_ROWS:
                writer.write_table(pa.Table.from_batches(pending, schema=schema),
                                   row_group_size=rows)
                pending, rows = [], 0
        if pending:
            writer.write_table(pa.Table.from_batches(pending, schema=schema),
                               row_group_size=rows)
    return Path(path)
