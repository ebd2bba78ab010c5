"""report.html of a scan of many files: the register, the flags and the hints list a bounded
number of places and count the rest; nothing is dropped without saying so."""

from __future__ import annotations

import dataclasses
import datetime as dt
import re

from reports_fixtures import finding

from derbes.reports import html
from derbes.reports.html import build_context, render_html
from derbes.scanner.model import MATCH_NAME, ScanResult, SourceSummary
from derbes.scanner.policy import apply_policy

LOGS = "/var/log/app"
FILES = 130


def _with_data(k: int) -> int:
    """Rows with IP addresses in file ``k`` (of 1,000): fewer file by file, but file 100."""
    return 500 if k == 100 else 200 - k


def _many_files() -> ScanResult:
    findings = []
    for k in range(FILES):
        path = f"{LOGS}/app-{k:03d}.log"
        findings.append(finding(LOGS, "log", path, None, "IP_ADDRESS", "ip_address",
                                hits=_with_data(k), rows=1000, with_hits=_with_data(k)))
        findings.append(finding(LOGS, "log", path, "birth_date", "DATE_OF_BIRTH",
                                "date_of_birth", hits=0, with_hits=0, match=MATCH_NAME))
    bare = ScanResult(
        scan_id="s", started_at="2026-12-06T10:00:00+00:00",
        finished_at="2026-12-06T10:00:09+00:00",
        sources=(SourceSummary(LOGS, "log", "ok", containers=FILES, rows_scanned=FILES * 1000),),
        findings=tuple(findings))
    # No location given: every finding is flagged LOCATION_UNKNOWN; the last file's IP
    # addresses are kept too long as well.
    checked = apply_policy(bare, None, {}, now=dt.datetime(2026, 12, 6, tzinfo=dt.UTC))
    last = checked.findings[-2]
    assert last.container.endswith(f"{FILES - 1}.log") and last.entity == "IP_ADDRESS"
    last = dataclasses.replace(last, flags=(*last.flags, "RETENTION_EXCEEDED"))
    return dataclasses.replace(checked, findings=(*checked.findings[:-2], last,
                                                  checked.findings[-1]))


def test_register_shows_the_places_with_most_data_and_sums_the_rest():
    ctx = build_context(_many_files(), lang="en")
    (ip,) = [r for r in ctx["register"] if r["id"] == "ip_address"]
    assert len(ip["places"]) == html.REGISTER_PLACES
    shown = [p["container"] for p in ip["places"]]
    # The twenty with the most rows holding data (files 0 to 18, and 100), in their order.
    assert shown == [f"app-{k:03d}.log" for k in [*range(19), 100]]
    more = ip["more"]
    assert more["count"] == str(FILES - html.REGISTER_PLACES)
    assert [f["code"] for f in more["flags"]] == ["LOCATION_UNKNOWN", "RETENTION_EXCEEDED"]
    rest = [k for k in range(19, FILES) if k != 100]
    share = sum(_with_data(k) for k in rest) / (1000 * len(rest))
    assert more["share"] == f"{100 * share:.1f}%"  # 12.7%
    assert more["countries"] == ["not established"] and more["outside"] is False


def test_flags_and_hints_list_a_bounded_number_and_count_the_rest(monkeypatch):
    monkeypatch.setattr(html, "FLAG_ROWS", 25)
    monkeypatch.setattr(html, "HINT_ROWS", 30)
    result = _many_files()
    ctx = build_context(result, lang="en")
    (unknown,) = [g for g in ctx["violation_groups"] if g["flag"] == "LOCATION_UNKNOWN"]
    # Each file's IP addresses (the names without values are hints, not flagged).
    assert len(unknown["items"]) == FILES
    assert len(unknown["shown"]) == 25 and unknown["left_out"] == FILES - 25
    assert len(ctx["hints"]["rows"]) == 30
    assert ctx["hints"]["total"] == str(FILES) and ctx["hints"]["left_out"] == str(FILES - 30)

    page = render_html(result, lang="en")
    violations = page[page.index('id="violations"'):page.index('id="hints"')]
    assert len(re.findall(r'<td class="loc">', violations)) == 25
    assert len(re.findall(r'<div class="detail">', violations)) == 25  # each with its facts
    assert f"The first 25 of {FILES} rows" in violations
    hints = page[page.index('id="hints"'):]
    hints = hints[:hints.index("</section>")]
    assert len(re.findall(r'<td class="loc">', hints)) == 30
    assert f"The first 30 of {FILES} rows" in hints
    register = page[page.index('id="register"'):]
    register = register[:register.index("</section>")]
    assert f"{FILES - html.REGISTER_PLACES} more tables or files" in register


def test_a_small_scan_lists_everything():
    result = _many_files()
    few = ScanResult(scan_id="s", started_at=result.started_at, finished_at=result.finished_at,
                     sources=result.sources, findings=result.findings[:6],
                     policy=None)
    ctx = build_context(apply_policy(few, None, {}, now=dt.datetime(2026, 12, 6, tzinfo=dt.UTC)),
                        lang="en")
    assert all(r["more"] is None for r in ctx["register"])
    assert all(g["left_out"] == 0 for g in ctx["violation_groups"])
    assert ctx["hints"]["left_out"] == "" and len(ctx["hints"]["rows"]) == 3
