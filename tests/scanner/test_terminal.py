"""The terminal summary (``scanner/terminal.py``): one row a finding, grouped past a limit."""

from __future__ import annotations

import io
from dataclasses import replace

from derbes.scanner.model import Finding
from derbes.scanner.terminal import summary_rows

BASE = Finding(
    scan_id="s", source="logs", source_kind="log", container="/logs/a.log", field=None,
    entity="PHONE_NUMBER", category="phone", match_type="value", hits=3, rows_scanned=100,
    rows_with_hits=2, distinct_values=2, score_max=0.9, score_mean=0.8,
)


def test_a_few_findings_get_a_row_each():
    findings = [BASE, replace(BASE, field="phone", match_type="value+name", hits=5,
                              rows_with_hits=4, status="accepted")]
    rows, left_out = summary_rows(findings, limit=2)
    assert left_out == 0
    assert rows == [
        ("/logs/a.log", "phone", "3", "2/100", "value", ""),
        ("/logs/a.log → phone", "phone", "5", "4/100", "value+name", "(accepted)"),
    ]


def test_past_the_limit_findings_are_grouped_most_hits_first():
    findings = []
    for k in range(30):
        container = f"/logs/app-{k:02d}.log"
        findings.append(replace(BASE, container=container, hits=1, rows_with_hits=1))
        findings.append(replace(BASE, container=container, field="client.ip",
                                category="ip_address", entity="IP_ADDRESS", hits=10,
                                rows_with_hits=7, flags=("LOCATION_UNKNOWN",)))
    # The same category and field with other flags is a group of its own.
    findings.append(replace(BASE, container="/logs/app-00.log", field="client.ip",
                            category="ip_address", hits=4, rows_with_hits=4))
    rows, left_out = summary_rows(findings, limit=3)
    assert left_out == 0
    assert rows == [
        ("30 files → client.ip", "ip_address", "300", "210/3000", "value",
         "LOCATION_UNKNOWN"),
        ("30 files", "phone", "30", "30/3000", "value", ""),
        ("/logs/app-00.log → client.ip", "ip_address", "4", "4/100", "value", ""),
    ]


def test_groups_past_the_limit_are_counted_and_tables_named():
    findings = [replace(BASE, source_kind="database", container=f"public.t{k}",
                        field=f"c{k % 5}", hits=k + 1) for k in range(12)]
    rows, left_out = summary_rows(findings, limit=3)
    # Five fields: c1 (2 + 7 + 12 hits), c0 (1 + 6 + 11), c4 (5 + 10); c2 and c3 left out.
    assert [r[0] for r in rows] == ["3 tables → c1", "3 tables → c0", "2 tables → c4"]
    assert [r[2] for r in rows] == ["21", "18", "15"]
    assert left_out == 2


def test_the_printed_summary_says_it_is_grouped(monkeypatch):
    from derbes.scanner import terminal
    from derbes.scanner.model import ScanResult, SourceSummary
    from derbes.scanner.run import RunOutcome

    findings = tuple(replace(BASE, container=f"/logs/{k}.log") for k in range(50))
    source = SourceSummary(name="logs", kind="log", status="ok", containers=50,
                           rows_scanned=5000, seconds=0.1)
    result = ScanResult(scan_id="s", started_at="2026-12-06T00:00:00",
                        finished_at="2026-12-06T00:00:01", sources=(source,),
                        findings=findings)
    out = io.StringIO()
    monkeypatch.setattr("sys.stdout", out)
    terminal.print_summary(RunOutcome(result=result, out="derbes-out", code=0))
    text = out.getvalue()
    assert "50 files" in text
    assert "50 findings, grouped by category, field, match and flags" in text
    assert text.count("/logs/") == 0


def test_names_from_the_data_are_shown_as_they_are_not_acted_on(monkeypatch):
    """File names and JSON keys come from the scanned data: rich's markup in them is text,
    and what a terminal would act on (an escape sequence, a newline, a mark reversing the
    text after it) is written as an escape, in the summary and in the problems alike."""
    from derbes.scanner import terminal
    from derbes.scanner.model import ScanResult, SourceSummary
    from derbes.scanner.run import RunOutcome

    names = ["/logs/[bold]x.log", "/logs/[link=http://evil.example]z.log", "/logs/a\\[b].log",
             "/logs/a\x1b[31mred.log", "/logs/new\nline.log", "/logs/txt.\u202egol"]
    findings = tuple(replace(BASE, source="logs\x1b[2J", container=name) for name in names)
    findings += (replace(BASE, source="logs\x1b[2J", field="\x1b]0;title\x07key"),)
    source = SourceSummary(name="logs\x1b[2J", kind="log", status="ok", containers=6,
                           rows_scanned=600, seconds=0.1,
                           errors=("/logs/\x1b[31mbad.log: permission denied",),
                           skipped=(("/logs/\x1b[1mbin.log", "binary"),))
    result = ScanResult(scan_id="s", started_at="2026-12-06T00:00:00",
                        finished_at="2026-12-06T00:00:01", sources=(source,),
                        findings=findings)
    out, err = io.StringIO(), io.StringIO()
    monkeypatch.setattr("sys.stdout", out)
    terminal.print_summary(RunOutcome(result=result, out="derbes-out", code=0))
    terminal.print_problems(result, err)
    text = out.getvalue() + err.getvalue()
    for shown in ("/logs/[bold]x.log", "/logs/[link=http://evil.example]z.log",
                  "/logs/a\\[b].log", "/logs/a\\x1b[31mred.log", "/logs/new\\nline.log",
                  "/logs/txt.\\u202egol", "\\x1b]0;title\\x07key", "logs\\x1b[2J",
                  "/logs/\\x1b[31mbad.log", "/logs/\\x1b[1mbin.log"):
        assert shown in text, shown
    assert not any(c in text for c in "\x1b\x07\u202e")


def test_progress_shows_names_as_they_are():
    from derbes.scanner.terminal import Progress

    class Tty(io.StringIO):
        def isatty(self) -> bool:
            return True

    for stream in (Tty(), io.StringIO()):
        progress = Progress(stream, every=0)
        progress("logs\x1b[2J", "/logs/a\x1b[31mred.log", 1, 1, 10)
        assert "\x1b" not in stream.getvalue() and "\\x1b[" in stream.getvalue()


def test_a_long_field_path_shows_its_end():
    # The innermost names say what a field holds: a long path keeps them, whole names.
    field = "SendMessage.response.responseData.data.persons.person.regAddress.street"
    rows, _ = summary_rows([replace(BASE, field=field, category="address")], limit=2)
    assert rows[0][0] == "/logs/a.log → …data.persons.person.regAddress.street"
    assert len(rows[0][0].split(" → ")[1]) <= 40
    rows, _ = summary_rows([replace(BASE, field="x" * 60)], limit=2)
    assert rows[0][0] == "/logs/a.log → …" + "x" * 39
    rows, _ = summary_rows([replace(BASE, field="ФайлОбмена.Объект.ИИН")], limit=2)
    assert rows[0][0] == "/logs/a.log → ФайлОбмена.Объект.ИИН"
