"""``report.html``: one self-contained page for compliance officers.

Inline CSS, JS and SVG; nothing is fetched, so the file opens offline and can be mailed.
The template is rendered by Jinja2 with autoescaping on, and every table is in the HTML
itself: the page reads and prints without JavaScript. A small script only pages, sorts and
filters the inventory tables; it moves rows, never writes markup. Every string is in the
report's language (:mod:`derbes.reports.texts` words the facts of each flag), numbers and
dates as that language writes them (:mod:`derbes.reports.fmt`).
"""

from __future__ import annotations

import json
import os
from collections import Counter, defaultdict
from datetime import datetime
from functools import cache
from pathlib import Path

from jinja2 import Environment, FileSystemLoader, StrictUndefined
from markupsafe import Markup

from derbes.detectors.categories import CATEGORIES
from derbes.reports import fmt, i18n, texts
from derbes.reports._common import (
    category_label,
    check_lang,
    declared_categories,
    declared_per_source,
    derbes_version,
    flag_info,
    mask_url_password,
    notices,
    operator,
    policy_name,
    text_in,
    violations,
)
from derbes.reports._io import write_text
from derbes.reports.ci import FailOn, flag_fails, is_failing, resolve_fail_on
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
)

_TEMPLATES = Path(__file__).parent / "templates"
PAGE_SIZE = 50
#: Inventory rows per source written into the page; the rest are in findings.parquet and
#: report.xlsx, and the page says how many were left out.
MAX_HTML_ROWS = 10_000
#: Fields named per table in the register; the rest are counted.
REGISTER_FIELDS = 12
#: How many raw values per finding the page shows when the user asked for values.
VALUES_PER_FINDING = 5
_SEVERITY_RANK = {"critical": 0, "error": 1, "high": 2, "warning": 3, "medium": 3, "low": 4,
                  "info": 5}
_MATCH_LABEL = {MATCH_VALUE: "match_value", MATCH_NAME: "match_name", MATCH_BOTH: "match_both"}


@cache
def _env() -> Environment:
    return Environment(
        loader=FileSystemLoader(_TEMPLATES),
        autoescape=True,
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
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


def _cell_state(findings: list[Finding], declared: set[str] | None, category: str,
                per_source: bool) -> str:
    values = [f for f in findings if _has_values(f)]
    if not values:
        if findings:
            return "hint"
        # Only a per-source declaration says this source should hold the category.
        return "declared_not_found" if per_source and declared and category in declared \
            else "not_found"
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
    per_source = declared_per_source(result)
    cats = {f.category for f in result.findings}
    for s in sources:
        cats |= declared_categories(result, s) or set()
    everywhere = declared_categories(result) if not per_source else None
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
                else _cell_state(fs, declared_categories(result, s), c, per_source),
                "fields": len({(f.container, f.field) for f in values}),
                "hints": len({(f.container, f.field) for f in fs if not _has_values(f)}),
                "hits": fmt.number(sum(f.hits for f in values), lang),
            })
        rows.append({"id": c, "label": category_label(c, lang),
                     "declared": everywhere is not None and c in everywhere, "cells": cells})
    used = {cell["state"] for row in rows for cell in row["cells"]}
    states = ("declared", "undeclared", "found", "hint", "declared_not_found", "not_found",
              "not_scanned")
    return {"legend": [st for st in states if st in used],
            "sources": [{"name": mask_url_password(s), "short": _short_source(s)}
                        for s in sources],
            "rows": rows}


def _short_source(name: str) -> str:
    """A source's name short enough for a column head: a URL's host and database, or a
    path's last two parts; the full name is the cell's title."""
    shown = mask_url_password(name)
    if "://" in shown and not shown.split("://", 1)[1].startswith("/"):
        rest = shown.split("://", 1)[1]
        host = rest.rsplit("@", 1)[-1]
        return host if len(host) <= 40 else host[:18] + "…" + host[-18:]
    parts = [p for p in shown.split("://", 1)[-1].replace("\\", "/").split("/") if p]
    tail = "/".join(parts[-2:]) if parts else shown
    return tail if len(tail) <= 40 else "…" + tail[-38:]


def _declared_missing(result: ScanResult, lang: str) -> list[dict]:
    """Declared categories the scan did not find: anywhere (a policy-wide declaration), or
    in the source they were declared for (a per-source one)."""
    scanned = [s.name for s in result.sources if s.status != "failed"]
    found: dict[str, set[str]] = defaultdict(set)
    for f in result.findings:
        if _has_values(f):
            found[f.source].add(f.category)
    missing: dict[str, list[str]] = defaultdict(list)
    if declared_per_source(result):
        for name in scanned:
            for c in (declared_categories(result, name) or set()) - found[name]:
                missing[c].append(name)
    else:
        declared = declared_categories(result) or set()
        anywhere = set().union(*found.values()) if found else set()
        for c in declared - anywhere:
            missing[c] = []
    return [{"category": category_label(c, lang), "id": c, "sources": sorted(missing[c])}
            for c in _category_order(set(missing))]


def _violations(result: ScanResult, lang: str, fail_on: tuple[str, ...],
                items: list[dict]) -> list[dict]:
    L = i18n.labels(lang)
    out = []
    for v in items:
        info = flag_info(result, v["flag"])
        sev = str(v["severity"]).lower() if v["severity"] else "unspecified"
        facts = v.get("facts") or {}
        source = v["source"] or ""
        container = v["container"] or ""
        step, owner = texts.next_step(v["flag"], lang)
        out.append({
            "flag": v["flag"],
            "title": i18n.flag_title(v["flag"], lang, info.get("title")),
            "severity": sev,
            "severity_label": L.get(f"sev_{sev}", sev),
            "failing": is_failing(v, fail_on),
            "source": source,
            "container": _inside(container, source) if container != source else "",
            "field": v["field"] or "",
            "category": category_label(v["category"], lang) if v["category"] else "",
            "explanation": text_in(v["explanation"], lang),
            "detail": texts.detail(v["flag"], facts, lang),
            "article": texts.cite(text_in(v["article"], lang), lang),
            "next_step": step,
            "owner": owner,
        })
    out.sort(key=lambda v: (_SEVERITY_RANK.get(v["severity"], 9), not v["failing"], v["flag"],
                            v["source"], v["container"], v["field"]))
    return out


def _grouped(items: list[dict]) -> list[dict]:
    """Violations grouped by flag (in their sorted order), the shared explanation once."""
    groups: dict[str, dict] = {}
    for v in items:
        g = groups.get(v["flag"])
        if g is None:
            g = groups[v["flag"]] = {k: v[k] for k in ("flag", "title", "severity",
                                                       "severity_label", "failing",
                                                       "next_step", "owner")}
            g.update(items=[], explanations=Counter(), articles=Counter())
        g["items"].append(v)
        g["failing"] = g["failing"] or v["failing"]
        g["explanations"][v["explanation"]] += 1
        g["articles"][v["article"]] += 1
    out = []
    for g in groups.values():
        g["explanation"] = g.pop("explanations").most_common(1)[0][0]
        g["article"] = g.pop("articles").most_common(1)[0][0]
        for v in g["items"]:
            v["own_explanation"] = v["explanation"] if v["explanation"] != g["explanation"] \
                else ""
            v["own_article"] = v["article"] if v["article"] != g["article"] else ""
        out.append(g)
    return out


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


def _facts(v: dict) -> dict:
    """The facts behind one entry of the policy check (country, dates, column...)."""
    return {k: v.get(k) for k in ("country", "evidence", "oldest", "basis", "retention",
                                  "cutoff", "age_column", "age_method", "detail",
                                  "not_collected")}


def _cases(result: ScanResult, kind: str) -> list[dict]:
    """Violations (``kind="violations"``) or notices, each with its facts, name-only fields
    left out (they are schema hints)."""
    items = violations(result) if kind == "violations" else notices(result)
    raw = result.policy.get(kind) if isinstance(result.policy, dict) else None
    facts = {}
    for v in raw if isinstance(raw, list) else ():
        if isinstance(v, dict):
            facts[(v.get("flag"), v.get("source"), v.get("container"), v.get("field"),
                   v.get("category"))] = _facts(v)
    named_only = {(f.source, f.container, f.field, f.category) for f in result.findings
                  if not _has_values(f)}
    with_values = {(f.source, f.container, f.field, f.category) for f in result.findings
                   if _has_values(f)}
    out = []
    for v in items:
        key = (v["source"], v["container"], v["field"], v["category"])
        if key in named_only and key not in with_values:
            continue
        out.append({**v, "facts": facts.get((v["flag"], *key), {"detail": v.get("detail")})})
    return out


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
                "flags": [{"code": flag, "title": i18n.flag_title(
                    flag, lang, flag_info(result, flag).get("title"))} for flag in f.flags],
                "review": _review(f, lang),
                "values": " · ".join(values.get((f.source, f.container, f.field, f.entity), [])),
            })
        kind = fs[0].source_kind
        tables.append({"id": f"inv{i}", "source": mask_url_password(source),
                       "kind": L.get(f"kind_{kind}", kind), "rows": rows,
                       "left_out": fmt.number(len(ordered) - len(rows), lang)
                       if len(ordered) > len(rows) else "",
                       "total": fmt.number(len(ordered), lang),
                       "paged": len(rows) > PAGE_SIZE,
                       "containers": fmt.number(len({f.container for f in fs}), lang),
                       "fields": fmt.number(len({(f.container, f.field) for f in fs}), lang)})
    return tables


def _hints(result: ScanResult, lang: str) -> list[dict]:
    """Columns named like personal data where no value was seen: for the reader to check."""
    out = []
    for f in sorted((f for f in result.findings if not _has_values(f)),
                    key=lambda f: (f.source, f.container, f.field or "")):
        out.append({"source": mask_url_password(f.source),
                    "container": _inside(f.container, f.source), "field": f.field or "",
                    "category": category_label(f.category, lang), "entity": f.entity,
                    "declared": f.declared,
                    "rows": fmt.number(f.rows_scanned, lang)})
    return out


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
        for (source, container), ps in groups.items():
            first = ps[0]
            rows = max(p.rows_scanned for p in ps)
            with_hits = max(p.rows_with_hits for p in ps)
            fields = [p.field for p in ps if p.field]
            places.append({
                "source": mask_url_password(source),
                "kind": L.get(f"kind_{first.source_kind}", first.source_kind),
                "container": _inside(container, source) if container != source else "",
                "fields": fields[:REGISTER_FIELDS],
                "more_fields": fmt.number(len(fields) - REGISTER_FIELDS, lang)
                if len(fields) > REGISTER_FIELDS else "",
                "country": i18n.country_name(first.country, lang) or L["unknown"],
                "outside": first.country not in (None, "KZ"),
                "flags": [{"code": f, "title": i18n.flag_title(
                    f, lang, flag_info(result, f).get("title"))}
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
                     "found": bool(places)})
    return out


def build_context(result: ScanResult, lang: str = "ru", show_values: bool = False,
                  fail_on: FailOn = None) -> dict:
    """Everything the template shows, computed from ``result`` (exposed for tests)."""
    check_lang(lang)
    L = i18n.labels(lang)
    fail_on = resolve_fail_on(result, fail_on)
    vs = _violations(result, lang, fail_on, _cases(result, "violations"))
    notes = _violations(result, lang, fail_on, _cases(result, "notices"))
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
            "by_flag": [{"flag": k, "title": i18n.flag_title(k, lang,
                                                             flag_info(result, k).get("title")),
                         "count": fmt.number(n, lang), "severity": severity_of[k],
                         "failing": flag_fails(result, k, fail_on)}
                        for k, n in sorted(by_flag.items(), key=lambda kv: (
                            _SEVERITY_RANK.get(severity_of[kv[0]], 9), -kv[1], kv[0]))],
        },
        "sources": [_source(s, lang) for s in result.sources],
        # Files of scanned folders left out, each with its reason (binary, SQLite, a link).
        "skipped": [{"source": mask_url_password(s.name), "path": path, "reason": reason}
                    for s in result.sources for path, reason in s.skipped],
        "failed": [{"name": mask_url_password(s.name),
                    "status_label": L.get(f"status_{s.status}", s.status),
                    "status": s.status,
                    "errors": [mask_url_password(e) for e in s.errors]} for s in failed],
        "matrix": _matrix(result, lang),
        "register": _register(result, lang),
        "violations": vs,
        "violation_groups": _grouped(vs),
        "notices": notes,
        "notice_groups": _grouped(list(notes)),
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
    shown, translated = texts.evidence_html(mask_url_password(s.location_evidence or ""), lang)
    return {
        "name": mask_url_password(s.name),
        "kind": L.get(f"kind_{s.kind}", s.kind),
        "status": s.status,
        "status_label": L.get(f"status_{s.status}", s.status),
        "errors": [mask_url_password(e) for e in s.errors],
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
