"""``report.sarif``: SARIF 2.1.0 for code-scanning dashboards (GitHub, GitLab, Azure DevOps).

Rules: one per personal-data category (``personal-data/<category>``, level ``note``: the
inventory) and one per policy flag (``UNDECLARED_CATEGORY`` …: ``error`` when the flag is in
``fail_on``, else ``warning``). A finding without flags gives one note; a finding with flags
gives one result per flag; a policy violation about no particular field (say, a whole
database abroad) gives its own result. Locations are logical (``source/container/field``);
log files also get a physical location, with the first hit's line when hits were kept.
``partialFingerprints`` hold value-free hashes, so alerts survive re-scans.
"""

from __future__ import annotations

import functools
import hashlib
import os
from collections.abc import Iterable
from datetime import UTC, datetime
from pathlib import Path, PurePosixPath
from urllib.parse import quote

from derbes.reports import i18n, texts
from derbes.reports._common import (
    Covering,
    category_label,
    check_lang,
    derbes_version,
    first_hit_rows,
    notices,
    violations,
)
from derbes.reports._io import write_json_doc
from derbes.reports.baseline import fingerprint
from derbes.reports.ci import flag_fails, is_failing, parse_fail_on
from derbes.scanner.model import STATUS_OPEN, Finding, ScanResult
from derbes.scanner.policy.flags import FLAGS, INFO
from derbes.scanner.urls import mask_urls

SARIF_SCHEMA_URI = "https://json.schemastore.org/sarif-2.1.0.json"
_FILE_KINDS = ("log", "file")


def _category_rule_id(category: str) -> str:
    return f"personal-data/{category}"


@functools.lru_cache(maxsize=4096)  # a file's findings share it (ten a log of a folder)
def artifact_uri(path: str) -> str:
    """A file path as a SARIF ``uri``: ``file://`` for absolute paths, else relative."""
    p = Path(path)
    if p.is_absolute():
        return p.as_uri()
    return quote(PurePosixPath(*p.parts).as_posix(), safe="/")


def _locations(source: str, kind: str, container: str | None, field: str | None,
               line: int | None) -> list[dict]:
    parts = [mask_urls(source)]
    logical = {"kind": "database", "name": parts[0]}
    if container:
        parts.append(container)
        logical = {"kind": "table" if kind == "database" else "resource", "name": container}
    if field:
        parts.append(field)
        logical = {"kind": "member", "name": field}
    logical["fullyQualifiedName"] = "/".join(parts)
    loc: dict = {"logicalLocations": [logical]}
    if kind in _FILE_KINDS and container:
        # A file inside an archive (``logs.tar.gz!/app.log``, as the sources name it): the
        # archive is the file there is; the member is in the logical location's name.
        archive, inside, _ = container.partition("!/")
        physical: dict = {"artifactLocation": {"uri": artifact_uri(archive if inside
                                                                   else container)}}
        # Only a log's row is a line number (of the log itself, not of its archive); a CSV
        # or Parquet row is not.
        if kind == "log" and line is not None and line >= 1 and not inside:
            physical["region"] = {"startLine": line}
        loc["physicalLocation"] = physical
    return [loc]


def _finding_text(f: Finding, lang: str) -> str:
    return i18n.labels(lang)["finding_message"].format(
        field=f.field or "—", container=f.container, source=mask_urls(f.source),
        category=category_label(f.category, lang), entity=f.entity, hits=f.hits,
        rows_with_hits=f.rows_with_hits, rows_scanned=f.rows_scanned,
    )


def _utc(iso: str) -> str | None:
    """An ISO 8601 time as SARIF wants it (UTC, ``Z``); naive times are taken as UTC."""
    try:
        dt = datetime.fromisoformat(iso)
    except (TypeError, ValueError):
        return None
    if dt.tzinfo is None:
        dt = dt.replace(tzinfo=UTC)
    return dt.astimezone(UTC).isoformat(timespec="seconds").replace("+00:00", "Z")


def _suppression(f: Finding) -> dict:
    """``{"suppressions": [...]}`` for an accepted or allowed finding, else ``{}``."""
    if f.status == STATUS_OPEN:
        return {}
    why = ", ".join(p for p in (f.status_reason,
                                f.status_expires and f"until {f.status_expires}") if p)
    entry = {"kind": "external", "status": "accepted"}
    if why:
        entry["justification"] = f"{f.status}: {why}"
    return {"suppressions": [entry]}


def _hash(*parts: object) -> str:
    text = "\x1f".join("" if p is None else str(p) for p in parts)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def build_sarif(result: ScanResult, lang: str = "en",
                fail_on: str | Iterable[str] | None = None) -> dict:
    """The SARIF log as a dict."""
    check_lang(lang)
    wanted = parse_fail_on(fail_on)
    vs = violations(result) + notices(result)

    def level(flag: str) -> str:
        if flag_fails(flag, wanted):
            return "error"
        info = FLAGS.get(flag)
        return "note" if info is not None and info.severity == INFO else "warning"

    kinds = {s.name: s.kind for s in result.sources}
    kinds.update({f.source: f.source_kind for f in result.findings})
    lines = first_hit_rows(result)

    rules: list[dict] = []
    rule_index: dict[str, int] = {}

    def rule(rule_id: str, make) -> int:
        if rule_id not in rule_index:
            rule_index[rule_id] = len(rules)
            rules.append(make())
        return rule_index[rule_id]

    def category_rule(category: str) -> dict:
        name = category_label(category, lang)
        return {
            "id": _category_rule_id(category),
            "name": "PersonalData" + "".join(w.capitalize() for w in category.split("_")),
            "shortDescription": {"text": name},
            "fullDescription": {"text": f"{name} ({category_label(category, 'en')})"},
            "defaultConfiguration": {"level": "note"},
            "properties": {"category": category, "tags": ["personal-data", category]},
        }

    def flag_rule(flag: str) -> dict:
        info = FLAGS.get(flag)
        title = i18n.flag_title(flag, lang)
        r: dict = {
            "id": flag,
            "name": "".join(w.capitalize() for w in flag.lower().split("_")),
            "shortDescription": {"text": title},
            "defaultConfiguration": {"level": level(flag)},
            "properties": {"tags": ["personal-data", "policy", "law-94-V"]},
        }
        if info is not None:
            article = texts.cite(info.article, lang)
            r["help"] = {"text": f"{title}. {info.next_step.get(lang)} ({article})"}
            r["properties"]["article"] = article
        return r

    results: list[dict] = []
    matched: set[int] = set()
    covering = Covering(vs)
    for f in result.findings:
        kind = kinds.get(f.source, f.source_kind)
        line = lines.get((f.source, f.container, f.field, f.entity))
        locations = _locations(f.source, kind, f.container, f.field, line)
        fp = fingerprint(f)
        props = {"entity": f.entity, "category": f.category, "hits": f.hits,
                 "rowsScanned": f.rows_scanned, "rowsWithHits": f.rows_with_hits,
                 "distinctValues": f.distinct_values, "scoreMax": f.score_max,
                 "matchType": f.match_type, "examples": list(f.examples),
                 "status": f.status}
        # Accepted by a baseline or allowed by an allowlist: SARIF's own way to keep a result
        # visible without failing a code-scanning gate.
        review = _suppression(f)
        if not f.flags:
            results.append({
                "ruleId": _category_rule_id(f.category),
                "ruleIndex": rule(_category_rule_id(f.category),
                                  lambda c=f.category: category_rule(c)),
                "level": "note",
                "message": {"text": _finding_text(f, lang)},
                "locations": locations,
                "partialFingerprints": {"derbesFinding/v1": fp},
                "properties": props,
                **review,
            })
        for flag in f.flags:
            detail = None
            for i in covering(flag, f):
                matched.add(i)
                detail = detail or vs[i]
            text = _finding_text(f, lang)
            if detail and detail.flag in FLAGS:
                # The flag's explanation, then the specifics (in English: dates, countries).
                text = f"{FLAGS[detail.flag].explanation.get(lang)} ({detail.detail}) {text}"
            results.append({
                "ruleId": flag,
                "ruleIndex": rule(flag, lambda fl=flag: flag_rule(fl)),
                "level": level(flag) if f.status == STATUS_OPEN else "note",
                "message": {"text": text},
                "locations": locations,
                "partialFingerprints": {"derbesViolation/v1": _hash(flag, fp)},
                "properties": props,
                **review,
            })
    # Violations that no finding's flags carry (a whole source abroad, say).
    for i, v in enumerate(vs):
        if i in matched:
            continue
        info = FLAGS.get(v.flag)
        text = info.explanation.get(lang) if info else i18n.flag_title(v.flag, lang)
        results.append({
            "ruleId": v.flag,
            "ruleIndex": rule(v.flag, lambda fl=v.flag: flag_rule(fl)),
            "level": "error" if is_failing(v, wanted) else level(v.flag),
            "message": {"text": text},
            "locations": _locations(v.source, kinds.get(v.source, ""), v.container, v.field,
                                    None),
            "partialFingerprints": {"derbesViolation/v1": _hash(
                v.flag, v.source, v.container, v.field, v.category)},
            "properties": {"category": v.category, "severity": v.severity},
            **({"suppressions": [{"kind": "external", "status": "accepted"}]}
               if v.accepted else {}),
        })

    notifications = [
        {"level": "error", "message": {"text": i18n.labels(lang)["source_failed"].format(
            errors="; ".join(mask_urls(e) for e in s.errors) or s.status)},
         "locations": _locations(s.name, s.kind, None, None, None)}
        for s in result.sources if s.status != "ok"
    ] + [
        {"level": "note", "message": {"text": f"skipped: {reason}"},
         "locations": _locations(s.name, s.kind, path, None, None)}
        for s in result.sources for path, reason in s.skipped
    ]
    invocation: dict = {"executionSuccessful": not result.incomplete}
    for key, value in (("startTimeUtc", result.started_at), ("endTimeUtc", result.finished_at)):
        utc = _utc(value)
        if utc:
            invocation[key] = utc
    if notifications:
        invocation["toolExecutionNotifications"] = notifications
    return {
        "$schema": SARIF_SCHEMA_URI,
        "version": "2.1.0",
        "runs": [{
            "tool": {"driver": {
                "name": "derbes",
                "version": derbes_version(),
                "language": lang,
                "rules": rules,
            }},
            "invocations": [invocation],
            "results": results,
            "columnKind": "unicodeCodePoints",
            "properties": {"scanId": result.scan_id, "incomplete": result.incomplete,
                           "failOn": list(wanted)},
        }],
    }


def write_sarif(result: ScanResult, path: str | os.PathLike[str], lang: str = "en",
                fail_on: str | Iterable[str] | None = None) -> Path:
    """Write ``report.sarif`` atomically, mode 0600."""
    doc = build_sarif(result, lang, fail_on)
    return write_json_doc(path, doc)
