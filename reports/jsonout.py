"""``report.json``: the whole scan result as one JSON document.

Same content as the HTML report, for programs: scan metadata, sources, containers, findings
(with their value-free fingerprints), the policy's violations and, if asked, hits. Raw values
appear only with ``show_values=True``.
"""

from __future__ import annotations

import dataclasses
import os
from collections.abc import Iterable
from pathlib import Path

from derbes.detectors.categories import CATEGORIES
from derbes.reports._common import safe_options, violations
from derbes.reports._io import json_text, write_json_doc
from derbes.reports.baseline import fingerprint
from derbes.reports.i18n import LANGS
from derbes.reports.summary import build_summary, source_dict
from derbes.scanner.model import ContainerInfo, Finding, Hit, PolicyReport, ScanResult, Violation
from derbes.scanner.policy.flags import FLAGS
from derbes.scanner.urls import mask_urls

REPORT_VERSION = 1


def finding_dict(f: Finding) -> dict:
    """One finding as JSON, with its fingerprint."""
    return {
        "fingerprint": fingerprint(f),
        "source": f.source,
        "source_kind": f.source_kind,
        "container": f.container,
        "field": f.field,
        "entity": f.entity,
        "category": f.category,
        "match_type": f.match_type,
        "hits": f.hits,
        "rows_scanned": f.rows_scanned,
        "rows_with_hits": f.rows_with_hits,
        "distinct_values": f.distinct_values,
        "score_max": f.score_max,
        "score_mean": f.score_mean,
        "examples": list(f.examples),
        "location": f.location,
        "declared": f.declared,
        "flags": list(f.flags),
        "oldest_seen": f.oldest_seen,
        "status": f.status,
        "status_reason": f.status_reason,
        "status_expires": f.status_expires,
    }


def container_dict(c: ContainerInfo) -> dict:
    """One scanned container as JSON."""
    return {
        "source": c.source, "container": c.container, "kind": c.kind,
        "rows_scanned": c.rows_scanned, "bytes_scanned": c.bytes_scanned, "sampled": c.sampled,
        "skipped_fields": list(c.skipped_fields), "notes": list(c.notes),
        "oldest_timestamp": c.oldest_timestamp, "newest_timestamp": c.newest_timestamp,
        "age_column": c.age_column, "age_method": c.age_method,
        "rows_estimated": c.rows_estimated,
    }


def hit_dict(h: Hit, show_values: bool) -> dict:
    """One hit as JSON; ``value`` only with ``show_values``."""
    d = {
        "source": h.source, "container": h.container, "field": h.field, "row": h.row,
        "start": h.start, "end": h.end, "entity": h.entity, "score": h.score,
        "masked": h.masked, "value_hash": h.value_hash,
    }
    if show_values:
        d["value"] = h.value
    return d


def violation_dict(v: Violation) -> dict:
    """One violation (or notice) as JSON, with its flag's explanation in three languages and
    the typed facts behind it."""
    info = FLAGS.get(v.flag)
    return {
        "flag": v.flag, "severity": v.severity, "source": mask_urls(v.source),
        "container": v.container, "field": v.field, "category": v.category,
        "entities": list(v.entities), "location": v.location,
        "explanation": info.explanation.as_dict() if info else None,
        "next_step": info.next_step.as_dict() if info else None,
        "article": v.article, "detail": v.detail, "facts": dataclasses.asdict(v.facts),
    }


def policy_dict(report: PolicyReport) -> dict:
    """The policy check as JSON; its violations are listed once, at the top level."""
    p = report.policy
    return {
        "policy": dict(p.data) if p else None,
        "path": p.path if p else None,
        "operator": {k: v for k, v in dataclasses.asdict(p.operator).items() if v is not None}
        if p else None,
        "declared_categories": list(p.declared_categories) if p else None,
        "all_other_allowed": p.all_other_allowed if p else None,
        "flags": {code: info.as_dict() for code, info in FLAGS.items()},
        "checked_at": report.checked_at,
        "notices": [violation_dict(v) for v in report.notices],
        "declared_not_found": [{"category": c, "labels": _labels(c)}
                               for c in report.declared_not_found],
        "counts": report.counts,
    }


def _labels(category: str) -> dict[str, str] | None:
    c = CATEGORIES.get(category)
    return {lang: c.label(lang) for lang in LANGS} if c else None


def build_report(result: ScanResult, show_values: bool = False, hits: bool = True,
                 fail_on: str | Iterable[str] | None = None) -> dict:
    """The report document as a dict (see ``docs/reports.md``)."""
    summary = build_summary(result, fail_on)
    doc = {
        "derbes_report": REPORT_VERSION,
        "schema_version": summary["schema_version"],
        "derbes_version": summary["derbes_version"],
        "scan": {k: summary[k] for k in ("scan_id", "started_at", "finished_at", "seconds",
                                          "incomplete", "interrupted", "fail_on", "exit_code")},
        "options": safe_options(result.options),
        "totals": summary["totals"],
        "sources": [source_dict(s) for s in result.sources],
        "containers": [container_dict(c) for c in result.containers],
        "findings": [finding_dict(f) for f in result.findings],
        "policy": policy_dict(result.policy) if result.policy else None,
        "violations": [violation_dict(v) for v in violations(result)],
    }
    if hits:
        doc["hits"] = [hit_dict(h, show_values) for h in result.hits]
    return doc


def write_json(result: ScanResult, path: str | os.PathLike[str], show_values: bool = False,
               hits: bool = True, fail_on: str | Iterable[str] | None = None) -> Path:
    """Write ``report.json`` atomically, mode 0600: the text of ``json.dumps(build_report(...),
    ensure_ascii=False, indent=1)``, written as it is encoded and the hits one by one as they
    are read (a scan's hits live in Parquet parts: as one list of dicts and one string,
    67,572 hits of a 10 MB log took 170 MB more than the scan, and a log of millions of hits
    would not fit)."""
    doc = build_report(result, show_values=show_values, hits=False, fail_on=fail_on)
    last = ("hits", lambda write: _write_hits(write, result, show_values)) if hits else None
    return write_json_doc(path, doc, last=last)


def _write_hits(write, result: ScanResult, show_values: bool) -> None:
    """The hits as ``json.dumps`` lays out a list one level into the document (indent 1)."""
    first = True
    for h in result.hits:
        write(("[\n  " if first else ",\n  ") + json_text(hit_dict(h, show_values), 2))
        first = False
    write("[]" if first else "\n ]")
