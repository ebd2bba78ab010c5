"""``report.html``: one self-contained page for compliance officers.

Inline CSS, JS and SVG; nothing is fetched, so the file opens offline and can be mailed.
The template is rendered by Jinja2 with autoescaping on, and every table is in the HTML
itself: the page reads and prints without JavaScript. A small script only pages, sorts and
filters the inventory tables; it moves rows, never writes markup. Every string is in the
report's language (:mod:`derbes.reports.texts` words the facts of each flag), numbers and
dates as that language writes them (:mod:`derbes.reports.fmt`).
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
from collections import Counter, defaultdict
from collections.abc import Iterable
from datetime import datetime
from functools import cache
from pathlib import Path

from jinja2 import Environment, FileSystemLoader, StrictUndefined
from jinja2.bccache import Bucket, FileSystemBytecodeCache
from markupsafe import Markup

from derbes.detectors.categories import CATEGORIES
from derbes.reports import fmt, i18n, texts
from derbes.reports._common import (
    category_label,
    check_lang,
    declared_categories,
    derbes_version,
    notices,
    operator,
    policy_name,
    violations,
)
from derbes.reports._io import write_text
from derbes.reports.ci import FailOn, flag_fails, is_failing, parse_fail_on
from derbes.reports.register import Entry, build_register
from derbes.reports.svg import bar_chart
from derbes.scanner.model import (
    MATCH_BOTH,
    MATCH_NAME,
    MATCH_VALUE,
    STATUS_OPEN,
    ContainerInfo,
    Finding,
    ScanResult,
    SourceSummary,
    Violation,
)
from derbes.scanner.policy.flags import FLAGS
from derbes.scanner.urls import mask_urls
from derbes.scanner.usercache import cache_dir

_TEMPLATES = Path(__file__).parent / "templates"
PAGE_SIZE = 50
#: Inventory rows per source written into the page; the rest are in findings.parquet and
#: report.xlsx, and the page says how many were left out.
MAX_HTML_ROWS = 10_000
#: Fields named per table in the register; the rest are counted.
REGISTER_FIELDS = 12
#: Places (tables, files) shown per category in the register; the rest are one line, counted
#: and summed. A folder of 3,000 logs gave about 25,000 register lines, most of the report's
#: 32 MB. The inventory (up to MAX_HTML_ROWS) and findings.parquet list each one.
REGISTER_PLACES = 20
#: Schema hints shown; the rest are counted (every one is in findings.parquet).
HINT_ROWS = 200
#: Places listed under each flag of the violations and notices; the rest are counted (each
#: is in findings.parquet, report.json and SARIF). A folder of 3,000 logs with no location
#: given listed 28,407 LOCATION_UNKNOWN warnings one by one: 11.8 MB of a 32 MB report.
FLAG_ROWS = 100
#: How many raw values per finding the page shows when the user asked for values.
VALUES_PER_FINDING = 5
_SEVERITY_RANK = {"critical": 0, "error": 1, "high": 2, "warning": 3, "medium": 3, "low": 4,
                  "info": 5}
_MATCH_LABEL = {MATCH_VALUE: "match_value", MATCH_NAME: "match_name", MATCH_BOTH: "match_both"}


class TemplateCache(FileSystemBytecodeCache):
    """Compiled templates in the user's cache: compiling the page's template costs a quarter
    of a second per run. Jinja writes a temporary file and renames it, and recompiles when the
    source's checksum differs; a cache that cannot be read or written only costs the compile."""

    def load_bytecode(self, bucket: Bucket) -> None:
        try:
            super().load_bytecode(bucket)
        except Exception:  # a damaged file: compile again (Jinja raises what unpickling does)
            bucket.reset()

    def dump_bytecode(self, bucket: Bucket) -> None:
        with contextlib.suppress(OSError):
            os.makedirs(self.directory, exist_ok=True)
            super().dump_bytecode(bucket)


@cache
def _env() -> Environment:
    options = {"autoescape": True, "trim_blocks": True, "lstrip_blocks": True}
    # The options change the compiled code: they are part of the files' names.
    tag = hashlib.sha256(repr(sorted(options.items())).encode()).hexdigest()[:12]
    return Environment(
        loader=FileSystemLoader(_TEMPLATES),
        undefined=StrictUndefined,
        bytecode_cache=TemplateCache(str(cache_dir() / "templates"), f"derbes-{tag}-%s.jinja"),
        **options,
    )


@cache
def _asset(name: str) -> Markup:
    # Our own static CSS/JS, inlined verbatim (not parsed as a template).
    text = (_TEMPLATES / name).read_text(encoding="utf-8")
    if "</" in text and name.endswith(".js"):
        raise RuntimeError(f"{name} must not contain '</' (it would close the script element)")
    return Markup(text)


def json_for_script(data: object) -> Markup:
    """JSON safe to put inside ``<script type="application/json">``.

    ``<``, ``>`` and ``&`` only ever occur inside JSON strings, where ``\\u003c`` etc. mean
    the same, so no value can close the element or open a comment.
    """
    text = json.dumps(data, ensure_ascii=False, separators=(",", ":"))
    text = text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
    return Markup(text.replace("\u2028", "\\u2028").replace("\u2029", "\\u2029"))


def _category_order(ids: set[str]) -> list[str]:
    known = [c for c in CATEGORIES if c in ids]
    return known + sorted(ids - set(known))


def _duration(start: str, end: str) -> float | None:
    try:
        return (datetime.fromisoformat(end) - datetime.fromisoformat(start)).total_seconds()
    except (TypeError, ValueError):
        return None


def _country(code: str | None) -> str | None:
    """An ISO country code, or ``None`` for a location not established (``unknown``)."""
    if not code or code.strip().lower() in ("unknown", "none", "?"):
        return None
    return code.strip().upper()


def _inside(container: str, source: str) -> str:
    """A file's path below its source folder, so that a list does not repeat the folder."""
    head = source.rstrip("/\\")
    if head and container.startswith(head) and container[len(head):len(head) + 1] in "/\\":
        return container[len(head) + 1:]
    return container


def _has_values(f: Finding) -> bool:
    return f.match_type != MATCH_NAME


def _cell_state(findings: list[Finding], declared: set[str] | None, category: str) -> str:
    values = [f for f in findings if _has_values(f)]
    if not values:
        return "hint" if findings else "not_found"
    marks = {f.declared for f in values}
    if False in marks:
        return "undeclared"
    if marks == {True}:
        return "declared"
    if declared is not None:
        return "declared" if category in declared else "undeclared"
    return "found"


def _matrix(result: ScanResult, lang: str) -> dict:
    """Categories as rows, sources as columns: there are many more categories than sources,
    so the table fits a laptop screen and an A4 landscape page."""
    by_cell: dict[tuple[str, str], list[Finding]] = defaultdict(list)
    for f in result.findings:
        by_cell[(f.source, f.category)].append(f)
    sources = [s.name for s in result.sources]
    sources += sorted({f.source for f in result.findings} - set(sources))
    declared = declared_categories(result)
    cats = {f.category for f in result.findings} | (declared or set())
    failed = {s.name for s in result.sources if s.status == "failed"}
    rows = []
    for c in _category_order(cats):
        cells = []
        for s in sources:
            fs = by_cell.get((s, c), [])
            values = [f for f in fs if _has_values(f)]
            cells.append({
                "source": s,
                "state": "not_scanned" if s in failed and not fs
                else _cell_state(fs, declared, c),
                "fields": len({(f.container, f.field) for f in values}),
                "hints": len({(f.container, f.field) for f in fs if not _has_values(f)}),
                "hits": fmt.number(sum(f.hits for f in values), lang),
            })
        rows.append({"id": c, "label": category_label(c, lang),
                     "declared": declared is not None and c in declared, "cells": cells})
    used = {cell["state"] for row in rows for cell in row["cells"]}
    states = ("declared", "undeclared", "found", "hint", "not_found", "not_scanned")
    return {"legend": [st for st in states if st in used],
            "sources": [{"name": mask_urls(s), "short": _short_source(s)}
                        for s in sources],
            "rows": rows}


def _short_source(name: str) -> str:
    """A source's name short enough for a column head: a URL's host and database, or a
    path's last two parts; the full name is the cell's title."""
    shown = mask_urls(name)
    if "://" in shown and not shown.split("://", 1)[1].startswith("/"):
        rest = shown.split("://", 1)[1]
        host = rest.rsplit("@", 1)[-1]
        return host if len(host) <= 40 else host[:18] + "…" + host[-18:]
    parts = [p for p in shown.split("://", 1)[-1].replace("\\", "/").split("/") if p]
    tail = "/".join(parts[-2:]) if parts else shown
    return tail if len(tail) <= 40 else "…" + tail[-38:]


def _declared_missing(result: ScanResult, lang: str) -> list[dict]:
    """Declared categories whose values the scan found nowhere."""
    declared = declared_categories(result) or set()
    found = {f.category for f in result.findings if _has_values(f)}
    return [{"category": category_label(c, lang), "id": c, "sources": []}
            for c in _category_order(declared - found)]


def _violations(lang: str, fail_on: tuple[str, ...], items: Iterable[Violation],
                details: bool = True) -> list[dict]:
    """Each violation's texts, sorted. ``details=False``: its ``detail`` is None, and
    ``facts`` the facts it would be made of (:func:`_grouped` makes it for the places it
    shows: 28,407 of them took 1.8 s, 100 are shown)."""
    L = i18n.labels(lang)
    out = []
    for v in items:
        info = FLAGS.get(v.flag)
        step, owner = texts.next_step(v.flag, lang)
        out.append({
            "flag": v.flag,
            "title": i18n.flag_title(v.flag, lang),
            "severity": v.severity,
            "severity_label": L.get(f"sev_{v.severity}", v.severity),
            "failing": is_failing(v, fail_on),
            "source": v.source,
            "container": _inside(v.container, v.source) if v.container != v.source else "",
            "field": v.field or "",
            "category": category_label(v.category, lang),
            "explanation": info.explanation.get(lang) if info else "",
            "detail": texts.detail(v.flag, v.facts, lang) if details else None,
            "facts": v.facts,
            "article": texts.cite(v.article, lang),
            "next_step": step,
            "owner": owner,
        })
    out.sort(key=lambda v: (_SEVERITY_RANK.get(v["severity"], 9), not v["failing"], v["flag"],
                            v["source"], v["container"], v["field"]))
    return out


def _grouped(items: list[dict], lang: str) -> list[dict]:
    """Violations grouped by flag (in their sorted order): the flag's texts once (each flag
    has one explanation, article and next step), then where: the first :data:`FLAG_ROWS`
    places (``shown``, each with its detail) of all of them (``items``)."""
    groups: dict[str, dict] = {}
    for v in items:
        g = groups.get(v["flag"])
        if g is None:
            g = groups[v["flag"]] = {k: v[k] for k in (
                "flag", "title", "severity", "severity_label", "failing", "next_step",
                "owner", "explanation", "article")}
            g["items"] = []
        g["items"].append(v)
        g["failing"] = g["failing"] or v["failing"]
    for g in groups.values():
        g["shown"] = g["items"][:FLAG_ROWS]
        g["left_out"] = len(g["items"]) - len(g["shown"])
        for v in g["shown"]:
            if v["detail"] is None:
                v["detail"] = texts.detail(v["flag"], v["facts"], lang)
    return list(groups.values())


def _review(f: Finding, lang: str) -> str:
    """An accepted or allowed finding's mark, with its reason and expiry, in ``lang``."""
    if f.status == STATUS_OPEN:
        return ""
    L = i18n.labels(lang)
    parts = [L.get(f"review_{f.status}", f.status)]
    if f.status_reason:
        parts.append(f.status_reason)
    if f.status_expires:
        parts.append(L["review_until"].format(date=fmt.date(f.status_expires, lang)))
    return ": ".join(parts[:1]) + (" — " + ", ".join(parts[1:]) if parts[1:] else "")


def _cases(result: ScanResult, kind: str) -> list[Violation]:
    """Violations (``kind="violations"``) or notices, each with its facts, name-only fields
    left out (they are schema hints)."""
    items = violations(result) if kind == "violations" else notices(result)
    named_only = {(f.source, f.container, f.field, f.category) for f in result.findings
                  if not _has_values(f)}
    with_values = {(f.source, f.container, f.field, f.category) for f in result.findings
                   if _has_values(f)}
    hints = named_only - with_values  # once: made per violation, 3,000 files took 2.5 s
    return [v for v in items if (v.source, v.container, v.field, v.category) not in hints]


def _sampling(f: Finding, info: ContainerInfo | None, lang: str) -> dict:
    """How much of a table was read: sampled rows and the table's estimated size."""
    estimated = info.rows_estimated if info else None
    sampled = bool(info and info.sampled)
    return {
        "scanned": fmt.number(f.rows_scanned, lang),
        "estimated": fmt.number(estimated, lang) if estimated else "",
        "sampled": sampled,
    }


def _inventory(result: ScanResult, lang: str, show_values: bool) -> list[dict]:
    values: dict[tuple, list[str]] = defaultdict(list)
    if show_values:
        for h in result.hits:
            bucket = values[(h.source, h.container, h.field, h.entity)]
            if h.value is not None and h.value not in bucket and len(bucket) < VALUES_PER_FINDING:
                bucket.append(h.value)
    containers = {(c.source, c.container): c for c in result.containers}
    by_source: dict[str, list[Finding]] = defaultdict(list)
    for f in result.findings:
        if _has_values(f):
            by_source[f.source].append(f)
    L = i18n.labels(lang)
    tables = []
    for i, (source, fs) in enumerate(sorted(by_source.items())):
        rows = []
        ordered = sorted(fs, key=lambda f: (f.container, f.field or "", f.entity))
        for f in ordered[:MAX_HTML_ROWS]:
            share = f.rows_with_hits / f.rows_scanned if f.rows_scanned else 0.0
            info = containers.get((f.source, f.container))
            rows.append({
                "container": _inside(f.container, source),
                "field": f.field or "",
                "category": category_label(f.category, lang),
                "entity": f.entity,
                "hits": f.hits, "hits_text": fmt.number(f.hits, lang),
                "share": round(share, 6), "share_text": fmt.percent(share, lang),
                "with_hits": fmt.number(f.rows_with_hits, lang),
                "sampling": _sampling(f, info, lang),
                "score": round(f.score_max, 2),
                "score_text": fmt.number(f.score_max, lang, 2),
                "match": L.get(_MATCH_LABEL.get(f.match_type, ""), f.match_type),
                "examples": " · ".join(f.examples),
                "flags": [{"code": flag, "title": i18n.flag_title(flag, lang)} for flag in f.flags],
                "review": _review(f, lang),
                "values": " · ".join(values.get((f.source, f.container, f.field, f.entity), [])),
            })
        kind = fs[0].source_kind
        tables.append({"id": f"inv{i}", "source": mask_urls(source),
                       "kind": L.get(f"kind_{kind}", kind), "rows": rows,
                       "left_out": fmt.number(len(ordered) - len(rows), lang)
                       if len(ordered) > len(rows) else "",
                       "total": fmt.number(len(ordered), lang),
                       "paged": len(rows) > PAGE_SIZE,
                       "containers": fmt.number(len({f.container for f in fs}), lang),
                       "fields": fmt.number(len({(f.container, f.field) for f in fs}), lang)})
    return tables


def _hints(result: ScanResult, lang: str) -> dict:
    """Columns named like personal data where no value was seen: for the reader to check.
    The first :data:`HINT_ROWS` (``rows``), how many there are (``total``) and how many are
    left out (``left_out``), as numbers to show."""
    hints = sorted((f for f in result.findings if not _has_values(f)),
                   key=lambda f: (f.source, f.container, f.field or ""))
    out = []
    for f in hints[:HINT_ROWS]:
        out.append({"source": mask_urls(f.source),
                    "container": _inside(f.container, f.source), "field": f.field or "",
                    "category": category_label(f.category, lang), "entity": f.entity,
                    "declared": f.declared,
                    "rows": fmt.number(f.rows_scanned, lang)})
    left_out = len(hints) - len(out)
    return {"rows": out, "total": fmt.number(len(hints), lang),
            "shown": fmt.number(len(out), lang),
            "left_out": fmt.number(left_out, lang) if left_out else ""}


def _register(result: ScanResult, lang: str) -> list[dict]:
    L = i18n.labels(lang)
    out = []
    entries: list[Entry] = build_register(result)
    for e in entries:
        if e.declared is None:
            status, state = L["reg_no_policy"], "found"
        elif e.not_collected:
            status, state = L["reg_not_collected"], "undeclared"
        elif e.declared:
            status = L["reg_declared_wildcard"] if e.by_wildcard else L["reg_declared"]
            state = "declared"
        else:
            status, state = L["reg_undeclared"], "undeclared"
        # One line per table or file, its fields listed: a register stays a few pages long
        # even for a schema of hundreds of columns (report.xlsx has a row per field).
        groups: dict[tuple[str, str], list] = {}
        for p in e.places:
            groups.setdefault((p.source, p.container), []).append(p)
        places = []
        # Past REGISTER_PLACES, those with the most rows holding data are shown (in their
        # order); the rest are one line (_more_places).
        shown = set(sorted(groups, key=lambda g: -max(p.rows_with_hits for p in groups[g])
                           )[:REGISTER_PLACES])
        for (source, container), ps in groups.items():
            if (source, container) not in shown:
                continue
            first = ps[0]
            rows = max(p.rows_scanned for p in ps)
            with_hits = max(p.rows_with_hits for p in ps)
            fields = [p.field for p in ps if p.field]
            places.append({
                "source": mask_urls(source),
                "kind": L.get(f"kind_{first.source_kind}", first.source_kind),
                "container": _inside(container, source) if container != source else "",
                "fields": fields[:REGISTER_FIELDS],
                "more_fields": fmt.number(len(fields) - REGISTER_FIELDS, lang)
                if len(fields) > REGISTER_FIELDS else "",
                "country": i18n.country_name(first.country, lang) or L["unknown"],
                "outside": first.country not in (None, "KZ"),
                "flags": [{"code": f, "title": i18n.flag_title(f, lang)}
                          for f in dict.fromkeys(f for p in ps for f in p.flags)],
                "share": fmt.percent(with_hits / rows, lang) if rows else "",
                "rows": fmt.number(rows, lang),
                "estimated": fmt.number(first.rows_estimated, lang)
                if first.rows_estimated else "",
            })
        out.append({"id": e.category, "label": category_label(e.category, lang),
                     "status": status, "state": state,
                     "purposes": list(e.purposes),
                     "retention": texts.retention(e.retention, lang),
                     "retention_code": e.retention or "",
                     "places": places, "hints": len(e.hints),
                     "more": _more_places([ps for g, ps in groups.items() if g not in shown],
                                          lang),
                     "found": bool(places)})
    return out


def _more_places(rest: list[list], lang: str) -> dict | None:
    """The register's places of a category past :data:`REGISTER_PLACES`, as one line: how
    many, the share of their rows holding the data, their countries and flags."""
    if not rest:
        return None
    L = i18n.labels(lang)
    rows = sum(max(p.rows_scanned for p in ps) for ps in rest)
    with_hits = sum(max(p.rows_with_hits for p in ps) for ps in rest)
    countries = dict.fromkeys(ps[0].country for ps in rest)
    return {
        "count": fmt.number(len(rest), lang),
        "share": fmt.percent(with_hits / rows, lang) if rows else "",
        "countries": [i18n.country_name(c, lang) or L["unknown"] for c in countries],
        "outside": any(c not in (None, "KZ") for c in countries),
        "flags": [{"code": f, "title": i18n.flag_title(f, lang)}
                  for f in dict.fromkeys(f for ps in rest for p in ps for f in p.flags)],
    }


def build_context(result: ScanResult, lang: str = "ru", show_values: bool = False,
                  fail_on: FailOn = None) -> dict:
    """Everything the template shows, computed from ``result`` (exposed for tests)."""
    check_lang(lang)
    L = i18n.labels(lang)
    fail_on = parse_fail_on(fail_on)
    vs = _violations(lang, fail_on, _cases(result, "violations"), details=False)
    notes = _violations(lang, fail_on, _cases(result, "notices"), details=False)
    by_flag = Counter(v["flag"] for v in vs)
    severity_of = {v["flag"]: v["severity"] for v in vs}
    failed = [s for s in result.sources if s.status != "ok"]
    value_findings = [f for f in result.findings if _has_values(f)]
    hits_by_cat: Counter[str] = Counter()
    hits_by_src: Counter[str] = Counter()
    for f in value_findings:
        hits_by_cat[category_label(f.category, lang)] += f.hits
        hits_by_src[_short_source(f.source)] += f.hits
    seconds = _duration(result.started_at, result.finished_at)
    has_values = show_values and any(h.value is not None for h in result.hits)
    errors = sum(1 for v in vs if _SEVERITY_RANK.get(v["severity"], 9) <= 2)
    return {
        "lang": lang,
        "L": L,
        "version": derbes_version(),
        "scan_id": result.scan_id,
        "operator": operator(result, lang),
        "policy": policy_name(result),
        "started": fmt.date_time(result.started_at, lang),
        "finished": fmt.date_time(result.finished_at, lang),
        "duration": fmt.seconds(seconds, lang) if seconds is not None else None,
        "incomplete": result.incomplete,
        "show_values": has_values,
        "cards": {
            "sources": fmt.number(len(result.sources), lang),
            "sources_failed": fmt.number(len(failed), lang) if failed else "",
            "containers": fmt.number(
                len(result.containers) or sum(s.containers for s in result.sources), lang),
            "pd_fields": fmt.number(
                len({(f.source, f.container, f.field) for f in value_findings}), lang),
            "hints": fmt.number(
                len({(f.source, f.container, f.field) for f in result.findings
                     if not _has_values(f)}), lang),
            "hits": fmt.number(sum(f.hits for f in value_findings), lang),
            "violations": len(vs),
            "errors": fmt.number(errors, lang),
            "warnings": fmt.number(len(vs) - errors, lang),
            "errors_word": fmt.plural(errors, L["errors_label"], lang),
            "warnings_word": fmt.plural(len(vs) - errors, L["warnings_label"], lang),
            "has_errors": errors > 0,
            "by_flag": [{"flag": k, "title": i18n.flag_title(k, lang),
                         "count": fmt.number(n, lang), "severity": severity_of[k],
                         "failing": flag_fails(k, fail_on)}
                        for k, n in sorted(by_flag.items(), key=lambda kv: (
                            _SEVERITY_RANK.get(severity_of[kv[0]], 9), -kv[1], kv[0]))],
        },
        "sources": [_source(s, lang) for s in result.sources],
        # Files of scanned folders left out, each with its reason (binary, SQLite, a link).
        "skipped": [{"source": mask_urls(s.name), "path": path, "reason": reason}
                    for s in result.sources for path, reason in s.skipped],
        "failed": [{"name": mask_urls(s.name),
                    "status_label": L.get(f"status_{s.status}", s.status),
                    "status": s.status,
                    "errors": [mask_urls(e) for e in s.errors]} for s in failed],
        "matrix": _matrix(result, lang),
        "register": _register(result, lang),
        "violations": vs,
        "violation_groups": _grouped(vs, lang),
        "notices": notes,
        "notice_groups": _grouped(list(notes), lang),
        "hints": _hints(result, lang),
        "declared_missing": _declared_missing(result, lang),
        "chart_categories": bar_chart(
            list(hits_by_cat.items()), L["hits_by_category"],
            number=lambda n: fmt.number(n, lang)),
        "chart_sources": bar_chart(
            list(hits_by_src.items()), L["hits_by_source"],
            number=lambda n: fmt.number(n, lang)),
        "has_hits": bool(hits_by_cat),
        "inventory": _inventory(result, lang, has_values),
        "page_size": PAGE_SIZE,
        "max_rows": fmt.number(MAX_HTML_ROWS, lang),
        "css": _asset("report.css"),
        "js": _asset("report.js"),
    }


def _source(s: SourceSummary, lang: str) -> dict:
    L = i18n.labels(lang)
    country = _country(s.location)
    shown, translated = texts.evidence_html(mask_urls(s.location_evidence or ""), lang)
    return {
        "name": mask_urls(s.name),
        "kind": L.get(f"kind_{s.kind}", s.kind),
        "status": s.status,
        "status_label": L.get(f"status_{s.status}", s.status),
        "errors": [mask_urls(e) for e in s.errors],
        "rows": fmt.number(s.rows_scanned, lang),
        # A database's bytes are not counted: its rows say how much was read.
        "size": fmt.size(s.bytes_scanned, lang) if s.bytes_scanned or s.kind != "database"
        else "—",
        "seconds": fmt.seconds(s.seconds, lang),
        "country": i18n.country_name(country, lang),
        "country_code": country or "",
        "outside": country not in (None, "KZ"),
        "evidence": shown,
        "evidence_is_value": not translated,
    }


def render_html(result: ScanResult, lang: str = "ru", show_values: bool = False,
                fail_on: FailOn = None) -> str:
    """The report page as a string."""
    ctx = build_context(result, lang, show_values, fail_on)
    ctx["data"] = json_for_script({
        "pageSize": PAGE_SIZE,
        "labels": {k: ctx["L"][k] for k in ("range", "no_rows", "prev", "next")},
    })
    return _env().get_template("report.html.j2").render(ctx)


def write_html(result: ScanResult, path: str | os.PathLike[str], lang: str = "ru",
               show_values: bool = False, fail_on: FailOn = None) -> Path:
    """Write ``report.html`` atomically, mode 0600. ``lang`` is ``ru``, ``kk`` or ``en``."""
    return write_text(path, render_html(result, lang, show_values, fail_on))
