"""``summary.json``: one small document a pipeline or a dashboard reads first.

It answers: which sources were scanned and how (status, errors, rows, bytes, time, country),
how much personal data of each category was found, which violations, whether the scan was
complete, and which exit code the run implies.
"""

from __future__ import annotations

import json
import os
from collections import Counter
from collections.abc import Iterable
from datetime import datetime
from pathlib import Path

from derbes.reports._common import derbes_version, safe_options, violations
from derbes.reports._io import write_text
from derbes.reports.ci import exit_code, parse_fail_on
from derbes.scanner.model import (
    SCHEMA_VERSION,
    STATUS_ACCEPTED,
    STATUS_ALLOWED,
    ScanResult,
    SourceSummary,
)
from derbes.scanner.urls import mask_urls

SUMMARY_VERSION = 1


def _seconds_between(start: str, end: str) -> float | None:
    try:
        delta = datetime.fromisoformat(end) - datetime.fromisoformat(start)
    except (TypeError, ValueError):  # not ISO 8601, or naive and aware mixed
        return None
    return round(delta.total_seconds(), 3)


def source_dict(s: SourceSummary) -> dict:
    """One source as JSON: the fields of :class:`SourceSummary`."""
    return {
        "name": mask_urls(s.name),
        "kind": s.kind,
        "status": s.status,
        "errors": [mask_urls(e) for e in s.errors],
        "containers": s.containers,
        "rows_scanned": s.rows_scanned,
        "bytes_scanned": s.bytes_scanned,
        "seconds": round(s.seconds, 3),
        "location": s.location,
        "location_evidence": s.location_evidence,
        "warnings": [mask_urls(w) for w in s.warnings],
        # Files of a folder that were not scanned, and why (binary, an SQLite database...).
        "skipped": [{"path": path, "reason": reason} for path, reason in s.skipped],
    }


def build_summary(result: ScanResult, fail_on: str | Iterable[str] | None = None) -> dict:
    """The summary document as a dict (see ``docs/reports.md``)."""
    cats: dict[str, dict] = {}
    for f in result.findings:
        c = cats.setdefault(f.category, {"findings": 0, "fields": set(), "hits": 0})
        c["findings"] += 1
        c["fields"].add((f.source, f.container, f.field))
        c["hits"] += f.hits
    vs = violations(result)
    wanted = parse_fail_on(fail_on)
    return {
        "derbes_summary": SUMMARY_VERSION,
        "schema_version": SCHEMA_VERSION,
        "derbes_version": derbes_version(),
        "scan_id": result.scan_id,
        "started_at": result.started_at,
        "finished_at": result.finished_at,
        "seconds": _seconds_between(result.started_at, result.finished_at),
        "options": safe_options(result.options),
        "incomplete": result.incomplete,
        "interrupted": result.interrupted,
        "sources": [source_dict(s) for s in result.sources],
        "totals": {
            "sources": len(result.sources),
            "sources_failed": sum(s.status == "failed" for s in result.sources),
            "sources_partial": sum(s.status == "partial" for s in result.sources),
            "containers": len(result.containers) or sum(s.containers for s in result.sources),
            "fields_with_personal_data": len({(f.source, f.container, f.field)
                                              for f in result.findings}),
            "findings": len(result.findings),
            # Of those, how many a baseline accepted and an allowlist allowed (they stay
            # in the inventory and fail no build).
            "findings_accepted": sum(f.status == STATUS_ACCEPTED for f in result.findings),
            "findings_allowed": sum(f.status == STATUS_ALLOWED for f in result.findings),
            "hits": sum(f.hits for f in result.findings),
            "files_skipped": sum(len(s.skipped) for s in result.sources),
        },
        "categories": {
            k: {"findings": v["findings"], "fields": len(v["fields"]), "hits": v["hits"]}
            for k, v in sorted(cats.items())
        },
        "violations": {
            "total": len(vs),
            "accepted": sum(v.accepted for v in vs),
            "by_flag": dict(sorted(Counter(v.flag for v in vs).items())),
            "by_severity": dict(sorted(Counter(v.severity for v in vs).items())),
        },
        "fail_on": list(wanted),
        "exit_code": int(exit_code(result, wanted)),
    }


def write_summary(result: ScanResult, path: str | os.PathLike[str],
                  fail_on: str | Iterable[str] | None = None) -> Path:
    """Write ``summary.json`` atomically, mode 0600."""
    doc = build_summary(result, fail_on)
    return write_text(path, json.dumps(doc, ensure_ascii=False, indent=2, default=str) + "\n")
