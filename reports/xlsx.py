"""``report.xlsx``: the compliance team's workbook, a sheet per view, in the report's language.

Sheets: the register of personal data (a row per category and field, category first), the
violations with their next step, the inventory, schema hints (columns only named like
personal data) and the sources. Written a sheet at a time, its rows streamed to disk
(``reports/_workbook.py``), so the workbook of tens of thousands of fields is never held in memory;
cells hold numbers and dates as numbers and dates, so a spreadsheet sorts and filters them,
and Excel shows them in the reader's own format.
"""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Iterable
from pathlib import Path

from derbes.reports import fmt, i18n, texts
from derbes.reports._common import category_label, check_lang, derbes_version
from derbes.reports._io import atomic_open
from derbes.reports._workbook import Workbook
from derbes.reports.ci import FailOn
from derbes.reports.html import _cases, _review, _violations
from derbes.reports.register import build_register
from derbes.scanner.model import MATCH_NAME, ScanResult
from derbes.scanner.urls import mask_urls

SHEETS = {
    "register": {"ru": "Реестр", "kk": "Тізілім", "en": "Register"},
    "violations": {"ru": "Нарушения", "kk": "Бұзушылықтар", "en": "Violations"},
    "inventory": {"ru": "Инвентаризация", "kk": "Түгендеу", "en": "Inventory"},
    "hints": {"ru": "Подсказки схемы", "kk": "Схема белгілері", "en": "Schema hints"},
    "sources": {"ru": "Источники", "kk": "Дереккөздер", "en": "Sources"},
}

#: The header cells' fill (bold white text on it).
HEAD_FILL = "0B3B60"


def _date(iso: str | None) -> dt.date | None:
    moment = fmt.parse(iso)
    return moment.date() if moment else None


def build_workbook(result: ScanResult, wb: Workbook, lang: str = "ru",
                   fail_on: FailOn = None) -> None:
    """Writes the sheets of ``result`` in ``lang`` into ``wb``."""
    check_lang(lang)
    from derbes.reports.ci import parse_fail_on

    L = i18n.labels(lang)

    def put(sheet: tuple, rows: Iterable[list]) -> None:
        # A sheet holds 1,048,576 rows: a longer one ends saying how many were left out.
        wb.sheet(*sheet, rows, more=lambda n: L["more_rows"].format(n=fmt.number(n, lang)))

    def flag_titles(flags: Iterable[str]) -> str:
        return "; ".join(i18n.flag_title(f, lang) for f in flags)

    # The register: category first, a row per field.
    sheet = (SHEETS["register"][lang], [
        L["category"], L["declared_q"], L["purposes"], L["retention"], L["source"], L["kind"],
        L["container"], L["field"], L["entity"], L["country"], L["flags"],
        L["rows_with_data"], L["rows_read"], L["share"], L["table_size"], L["oldest"],
        L["category_code"], L["flag_codes"]],
        [28, 16, 24, 14, 34, 12, 28, 22, 18, 14, 30, 12, 12, 10, 14, 14, 14, 24])
    rows = []
    for e in build_register(result):
        if e.declared is None:
            status = L["reg_no_policy"]
        elif e.not_collected:
            status = L["reg_not_collected"]
        elif e.declared:
            status = L["reg_declared_wildcard"] if e.by_wildcard else L["reg_declared"]
        else:
            status = L["reg_undeclared"]
        head = [category_label(e.category, lang), status, "; ".join(e.purposes),
                texts.retention(e.retention, lang)]
        if not e.places:
            # source, kind, container, field, entities; then where the country would be
            rows.append([*head, None, None, None, None, None, L["not_found_anywhere"],
                         None, None, None, None, None, None, e.category, None])
        for p in e.places:
            rows.append([
                *head, mask_urls(p.source), L.get(f"kind_{p.source_kind}"),
                p.container, p.field, ", ".join(p.entities),
                i18n.country_name(p.country, lang) or L["unknown"], flag_titles(p.flags),
                p.rows_with_hits, p.rows_scanned,
                p.rows_with_hits / p.rows_scanned if p.rows_scanned else None,
                p.rows_estimated, _date(p.oldest_seen), e.category, " ".join(p.flags)])
    put(sheet, rows)

    # Violations, by severity, each with its next step.
    fail = parse_fail_on(fail_on)
    vs = _violations(lang, fail, _cases(result, "violations"))
    vs += _violations(lang, fail, _cases(result, "notices"))
    sheet = (SHEETS["violations"][lang], [
        L["severity"], L["flag"], L["source"], L["container"], L["field"], L["category"],
        L["details"], L["article"], L["next_step"], L["owner"], L["flag_codes"]],
        [14, 30, 34, 26, 20, 24, 50, 24, 50, 30, 22])
    put(sheet, ([v["severity_label"], v["title"], mask_urls(v["source"]),
                v["container"], v["field"], v["category"], texts.striptags(v["detail"]),
                v["article"], v["next_step"], v["owner"], v["flag"]] for v in vs))

    # The inventory: every finding with values.
    containers = {(c.source, c.container): c for c in result.containers}
    sheet = (SHEETS["inventory"][lang], [
        L["source"], L["container"], L["field"], L["category"], L["entity"], L["hits"],
        L["rows_with_data"], L["rows_read"], L["share"], L["table_size"], L["confidence"],
        L["examples"], L["flags"]],
        [34, 28, 22, 24, 18, 10, 12, 12, 10, 14, 10, 30, 30])
    put(sheet, ([mask_urls(f.source), f.container, f.field,
                category_label(f.category, lang), f.entity, f.hits, f.rows_with_hits,
                f.rows_scanned, f.rows_with_hits / f.rows_scanned if f.rows_scanned else None,
                getattr(containers.get((f.source, f.container)), "rows_estimated", None),
                round(f.score_max, 2), " · ".join(f.examples),
                "; ".join(p for p in (flag_titles(f.flags), _review(f, lang)) if p)]
               for f in result.findings if f.match_type != MATCH_NAME))

    sheet = (SHEETS["hints"][lang], [
        L["source"], L["container"], L["field"], L["category"], L["entity"], L["declared_q"]],
        [34, 28, 22, 24, 18, 12])
    put(sheet, ([mask_urls(f.source), f.container, f.field,
                category_label(f.category, lang), f.entity,
                None if f.declared is None else L["yes" if f.declared else "no"]]
               for f in result.findings if f.match_type == MATCH_NAME))

    sheet = (SHEETS["sources"][lang], [
        L["source"], L["kind"], L["status"], L["country"], L["evidence"], L["rows_scanned"],
        L["errors"]], [40, 14, 12, 16, 60, 12, 50])
    put(sheet, ([mask_urls(s.name), L.get(f"kind_{s.kind}", s.kind),
                L.get(f"status_{s.status}", s.status),
                i18n.country_name(s.location if s.location != "unknown" else None, lang)
                or L["unknown"],
                texts.evidence(mask_urls(s.location_evidence or ""), lang)[0],
                s.rows_scanned, "; ".join(mask_urls(e) for e in s.errors)]
               for s in result.sources))


def write_xlsx(result: ScanResult, path: str | os.PathLike[str], lang: str = "ru",
               fail_on: FailOn = None) -> Path:
    """Write ``report.xlsx`` atomically, mode 0600. ``lang`` is ``ru``, ``kk`` or ``en``."""
    # The version, as in every report (File > Properties: the application that made it).
    with atomic_open(path) as f, Workbook(f, f"derbes {derbes_version()}", HEAD_FILL,
                                          created=fmt.parse(result.finished_at)) as wb:
        build_workbook(result, wb, lang, fail_on)
    return Path(path)
