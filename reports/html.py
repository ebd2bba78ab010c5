"""``report.html``: one self-contained page for compliance officers.

Inline CSS, JS and SVG; nothing is fetched, so the file opens offline and can be mailed.
The template is rendered by Jinja2 with autoescaping on. The inventory tables (possibly
tens of thousands of rows) travel as JSON in a ``<script type="application/json">`` block
and are drawn by a small script with paging, sorting and filtering; the script writes data
with ``textContent`` only, so a column named ``<script>`` shows as text.
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
from derbes.reports import i18n
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
from derbes.reports.svg import bar_chart
from derbes.scanner.model import (
    MATCH_BOTH,
    MATCH_NAME,
    MATCH_VALUE,
    STATUS_OPEN,
    Finding,
    ScanResult,
)

_TEMPLATES = Path(__file__).parent / "templates"
PAGE_SIZE = 50
#: How many raw values per finding the page shows when the user asked for values.
VALUES_PER_FINDING = 5
_SEVERITY_RANK = {"critical": 0, "error": 0, "high": 1, "warning": 2, "medium": 2, "low": 3,
                  "info": 4}
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


def _when(iso: str) -> str:
    try:
        dt = datetime.fromisoformat(iso)
    except (TypeError, ValueError):
        return str(iso)
    text = dt.strftime("%Y-%m-%d %H:%M:%S")
    off = dt.utcoffset()
    if off is None:
        return text
    if not off:
        return text + " UTC"
    return text + dt.strftime(" %z")


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


def _size(n: int) -> str:
    value = float(n)
    for unit in ("B", "KB", "MB", "GB"):
        if value < 1024 or unit == "GB":
            return f"{value:.0f} {unit}" if unit == "B" else f"{value:.1f} {unit}"
        value /= 1024
    return f"{n} B"


def _cell_state(findings: list[Finding], declared: set[str] | None, category: str,
                per_source: bool) -> str:
    if not findings:
        # Only a per-source declaration says this source should hold the category.
        return "declared_not_found" if per_source and declared and category in declared \
            else "not_found"
    marks = {f.declared for f in findings}
    if False in marks:
        return "undeclared"
    if marks == {True}:
        return "declared"
    if declared is not None:
        return "declared" if category in declared else "undeclared"
    return "found"


def _matrix(result: ScanResult, lang: str) -> dict:
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
    order = _category_order(cats)
    failed = {s.name for s in result.sources if s.status == "failed"}
    rows = []
    for s in sources:
        declared = declared_categories(result, s)
        cells = []
        for c in order:
            fs = by_cell.get((s, c), [])
            cells.append({
                "state": "not_scanned" if s in failed and not fs
                else _cell_state(fs, declared, c, per_source),
                "fields": len({(f.container, f.field) for f in fs}),
                "hits": sum(f.hits for f in fs),
            })
        rows.append({"source": s, "cells": cells})
    used = {cell["state"] for row in rows for cell in row["cells"]}
    states = ("declared", "undeclared", "found", "declared_not_found", "not_found",
              "not_scanned")
    return {"legend": [st for st in states if st in used],
            "categories": [{"id": c, "label": category_label(c, lang),
                            "declared": everywhere is not None and c in everywhere}
                           for c in order],
            "rows": rows}


def _declared_missing(result: ScanResult, lang: str) -> list[dict]:
    """Declared categories the scan did not find: anywhere (a policy-wide declaration), or
    in the source they were declared for (a per-source one)."""
    scanned = [s.name for s in result.sources if s.status != "failed"]
    found: dict[str, set[str]] = defaultdict(set)
    for f in result.findings:
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
    out = []
    for v in items:
        info = flag_info(result, v["flag"])
        sev = str(v["severity"]).lower() if v["severity"] else "unspecified"
        out.append({
            "flag": v["flag"],
            "title": i18n.flag_title(v["flag"], lang, info.get("title")),
            "severity": sev,
            "severity_label": i18n.labels(lang).get(f"sev_{sev}", sev),
            "failing": is_failing(v, fail_on),
            "source": v["source"] or "",
            "container": v["container"] or "",
            "field": v["field"] or "",
            "category": category_label(v["category"], lang) if v["category"] else "",
            "explanation": text_in(v["explanation"], lang),
            "detail": v.get("detail") or "",
            "article": text_in(v["article"], lang),
        })
    out.sort(key=lambda v: (not v["failing"], _SEVERITY_RANK.get(v["severity"], 9), v["flag"],
                            v["source"], v["container"], v["field"]))
    return out


def _grouped(items: list[dict]) -> list[dict]:
    """Violations grouped by flag (in their sorted order), the shared explanation once."""
    groups: dict[str, dict] = {}
    for v in items:
        g = groups.get(v["flag"])
        if g is None:
            g = groups[v["flag"]] = {k: v[k] for k in ("flag", "title", "severity",
                                                       "severity_label", "failing")}
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


def _review(f: Finding) -> list[str]:
    """An accepted or allowed finding's mark for the flags column, with reason and expiry."""
    if f.status == STATUS_OPEN:
        return []
    why = ", ".join(p for p in (f.status_reason,
                                f.status_expires and f"until {f.status_expires}") if p)
    return [f"[{f.status}: {why}]" if why else f"[{f.status}]"]


def _inventory(result: ScanResult, lang: str, show_values: bool) -> list[dict]:
    values: dict[tuple, list[str]] = defaultdict(list)
    if show_values:
        for h in result.hits:
            bucket = values[(h.source, h.container, h.field, h.entity)]
            if h.value is not None and h.value not in bucket and len(bucket) < VALUES_PER_FINDING:
                bucket.append(h.value)
    by_source: dict[str, list[Finding]] = defaultdict(list)
    for f in result.findings:
        by_source[f.source].append(f)
    L = i18n.labels(lang)
    tables = []
    for i, (source, fs) in enumerate(sorted(by_source.items())):
        rows = []
        for f in sorted(fs, key=lambda f: (f.container, f.field or "", f.entity)):
            share = f.rows_with_hits / f.rows_scanned if f.rows_scanned else 0.0
            row = [f.container, f.field or "", f.entity, category_label(f.category, lang),
                   f.hits, round(share, 4), round(f.score_max, 2), " · ".join(f.examples),
                   " ".join([*f.flags, *_review(f)]),
                   L.get(_MATCH_LABEL.get(f.match_type, ""), f.match_type)]
            if show_values:
                row.append(" · ".join(values.get((f.source, f.container, f.field, f.entity), [])))
            rows.append(row)
        kind = fs[0].source_kind
        tables.append({"id": f"inv{i}", "source": source,
                       "kind": L.get(f"kind_{kind}", kind), "rows": rows,
                       "containers": len({f.container for f in fs}),
                       "fields": len({(f.container, f.field) for f in fs})})
    return tables


def build_context(result: ScanResult, lang: str = "ru", show_values: bool = False,
                  fail_on: FailOn = None) -> dict:
    """Everything the template shows, computed from ``result`` (exposed for tests)."""
    check_lang(lang)
    L = i18n.labels(lang)
    fail_on = resolve_fail_on(result, fail_on)
    vs = _violations(result, lang, fail_on, violations(result))
    by_flag = Counter(v["flag"] for v in vs)
    failed = [s for s in result.sources if s.status != "ok"]
    hits_by_cat: Counter[str] = Counter()
    hits_by_src: Counter[str] = Counter()
    for f in result.findings:
        hits_by_cat[category_label(f.category, lang)] += f.hits
        hits_by_src[f.source] += f.hits
    seconds = _duration(result.started_at, result.finished_at)
    has_values = show_values and any(h.value is not None for h in result.hits)
    return {
        "lang": lang,
        "L": L,
        "version": derbes_version(),
        "scan_id": result.scan_id,
        "operator": operator(result, lang),
        "policy": policy_name(result),
        "started": _when(result.started_at),
        "finished": _when(result.finished_at),
        "duration": f"{seconds:.1f}" if seconds is not None else None,
        "incomplete": result.incomplete,
        "show_values": has_values,
        "cards": {
            "sources": len(result.sources),
            "sources_failed": len(failed),
            "containers": len(result.containers) or sum(s.containers for s in result.sources),
            "pd_fields": len({(f.source, f.container, f.field) for f in result.findings}),
            "hits": sum(f.hits for f in result.findings),
            "violations": len(vs),
            "by_flag": [{"flag": k, "title": i18n.flag_title(k, lang,
                                                             flag_info(result, k).get("title")),
                         "count": n, "failing": flag_fails(result, k, fail_on)}
                        for k, n in sorted(by_flag.items(), key=lambda kv: (-kv[1], kv[0]))],
        },
        "sources": [{
            "name": mask_url_password(s.name),
            "kind": L.get(f"kind_{s.kind}", s.kind),
            "status": s.status,
            "status_label": L.get(f"status_{s.status}", s.status),
            "errors": [mask_url_password(e) for e in s.errors],
            "rows": s.rows_scanned,
            "size": _size(s.bytes_scanned),
            "seconds": f"{s.seconds:.1f}",
            "country": i18n.country_name(_country(s.location), lang),
            "country_code": _country(s.location) or "",
            "outside": _country(s.location) not in (None, "KZ"),
            "evidence": s.location_evidence,
        } for s in result.sources],
        # Files of scanned folders left out, each with its reason (binary, SQLite, a link).
        "skipped": [{"source": mask_url_password(s.name), "path": path, "reason": reason}
                    for s in result.sources for path, reason in s.skipped],
        "failed": [{"name": mask_url_password(s.name),
                    "status_label": L.get(f"status_{s.status}", s.status),
                    "status": s.status,
                    "errors": [mask_url_password(e) for e in s.errors]} for s in failed],
        "matrix": _matrix(result, lang),
        "violations": vs,
        "violation_groups": _grouped(vs),
        "notices": _violations(result, lang, fail_on, notices(result)),
        "notice_groups": _grouped(_violations(result, lang, fail_on, notices(result))),
        "declared_missing": _declared_missing(result, lang),
        "chart_categories": bar_chart(list(hits_by_cat.items()), L["hits_by_category"]),
        "chart_sources": bar_chart(list(hits_by_src.items()), L["hits_by_source"]),
        "has_hits": bool(hits_by_cat),
        "inventory": _inventory(result, lang, has_values),
        "page_size": PAGE_SIZE,
        "css": _asset("report.css"),
        "js": _asset("report.js"),
    }


def render_html(result: ScanResult, lang: str = "ru", show_values: bool = False,
                fail_on: FailOn = None) -> str:
    """The report page as a string."""
    ctx = build_context(result, lang, show_values, fail_on)
    ctx["data"] = json_for_script({
        "pageSize": PAGE_SIZE,
        "labels": {k: ctx["L"][k] for k in ("range", "no_rows", "prev", "next")},
        "tables": ctx["inventory"],
    })
    return _env().get_template("report.html.j2").render(ctx)


def write_html(result: ScanResult, path: str | os.PathLike[str], lang: str = "ru",
               show_values: bool = False, fail_on: FailOn = None) -> Path:
    """Write ``report.html`` atomically, mode 0600. ``lang`` is ``ru``, ``kk`` or ``en``."""
    return write_text(path, render_html(result, lang, show_values, fail_on))
