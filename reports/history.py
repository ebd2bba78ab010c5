"""Compare two scans: which fields started or stopped holding personal data.

Reads two ``findings.parquet`` files (any derbes version with the same ``schema_version``)
and compares them by ``(source, container, field, category)``, so that a new entity of a
known category in the same field is not reported as new, while a field that now holds a
category it did not hold before is.
"""

from __future__ import annotations

import os

import pyarrow as pa
import pyarrow.parquet as pq

from derbes.scanner.errors import ConfigError
from derbes.scanner.model import SCHEMA_VERSION

_COLUMNS = ("scan_id", "source", "container", "field", "entity", "category", "hits",
            "rows_scanned", "rows_with_hits")


def _read(path: str | os.PathLike[str]) -> tuple[str | None, dict[tuple, dict]]:
    try:
        pf = pq.ParquetFile(path)
        meta = pf.schema_arrow.metadata or {}
        version = meta.get(b"schema_version", b"").decode() or None
        if version is not None and version != SCHEMA_VERSION:
            raise ConfigError(f"{path}: findings schema version {version}, "
                              f"this derbes reads {SCHEMA_VERSION}")
        missing = [c for c in _COLUMNS if c not in pf.schema_arrow.names]
        if missing:
            raise ConfigError(f"{path}: not a derbes findings file (missing {missing})")
        table = pf.read(columns=list(_COLUMNS))
    except (OSError, pa.ArrowException) as e:
        raise ConfigError(f"{path}: cannot read findings: {e}") from e
    fields: dict[tuple, dict] = {}
    scan_id = None
    for row in table.to_pylist():
        scan_id = scan_id or row["scan_id"]
        key = (row["source"], row["container"], row["field"], row["category"])
        item = fields.setdefault(key, {
            "source": row["source"], "container": row["container"], "field": row["field"],
            "category": row["category"], "entities": [], "hits": 0,
            "rows_scanned": 0, "rows_with_hits": 0,
        })
        if row["entity"] not in item["entities"]:
            item["entities"].append(row["entity"])
        item["hits"] += row["hits"]
        item["rows_scanned"] = max(item["rows_scanned"], row["rows_scanned"])
        item["rows_with_hits"] = max(item["rows_with_hits"], row["rows_with_hits"])
    return scan_id, fields


def _sort_key(item: dict) -> tuple:
    return (item["source"], item["container"], item["field"] or "", item["category"])


def diff_scans(old_findings_path: str | os.PathLike[str],
               new_findings_path: str | os.PathLike[str]) -> dict:
    """``{"old_scan", "new_scan", "new": [...], "gone": [...]}`` between two findings files.

    ``new`` lists fields holding a category the old scan did not see there; ``gone`` lists
    fields that held a category the new scan no longer sees (the column was dropped or
    cleaned, or, with sampling, the sample missed it). Each item has ``source, container,
    field, category, entities, hits, rows_scanned, rows_with_hits`` from the scan it is in.
    Raises :class:`~derbes.scanner.errors.ConfigError` for unreadable or foreign files.
    """
    old_id, old = _read(old_findings_path)
    new_id, new = _read(new_findings_path)
    return {
        "old_scan": old_id,
        "new_scan": new_id,
        "new": sorted((new[k] for k in new.keys() - old.keys()), key=_sort_key),
        "gone": sorted((old[k] for k in old.keys() - new.keys()), key=_sort_key),
    }
