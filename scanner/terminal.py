"""What the command line writes to the terminal: progress, each source's problems, and the
summary table. The library (:mod:`derbes.scanner.run` and below) prints nothing; it returns a
:class:`~derbes.scanner.run.RunOutcome` and raises :mod:`derbes.scanner.errors`.
"""

from __future__ import annotations

import re
import sys
import threading
from collections.abc import Sequence
from pathlib import Path
from typing import TextIO

from derbes.scanner.model import Finding, ScanResult
from derbes.scanner.run import RunOutcome, RunSpec, run_scan

#: Seconds between two progress lines when standard error is not a terminal (CI logs).
PROGRESS_EVERY = 5.0

#: What a terminal would act on rather than show: control characters (an escape sequence in
#: a file's name or a JSON key of a scanned log can move the cursor, recolour or retitle the
#: terminal) and the marks that reverse the order of the text after them.
_UNSHOWN = re.compile("[\x00-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")


def shown(text: str) -> str:
    """``text`` as the terminal shows it: what it would act on written as an escape
    (``\\x1b``, ``\\n``, ``\\u202e``), the rest as it stands."""
    return _UNSHOWN.sub(lambda m: repr(m.group())[1:-1], text)


def scan_and_print(spec: RunSpec, stop: threading.Event | None = None) -> int:
    """:func:`~derbes.scanner.run.run_scan` with progress on standard error (unless quiet),
    then the sources' problems (always) and the summary (unless quiet); the exit code."""
    progress = None if spec.quiet else Progress(sys.stderr)
    try:
        outcome = run_scan(spec, stop, progress=progress)
    finally:
        if progress is not None:
            progress.finish()
    print_problems(outcome.result)
    if not spec.quiet:
        print_summary(outcome)
    return outcome.code


class Progress:
    """Progress on standard error: a bar on a terminal; elsewhere (CI logs) a plain line every
    :data:`PROGRESS_EVERY` seconds with units (tables, files, byte ranges of large files) done
    of planned, and megabytes read.

    Called as the engine's ``Progress``: ``(source, container, done, total, bytes_read=0)``,
    once per container finished, from any executor that can count them.
    """

    def __init__(self, stream: TextIO, every: float | None = None, clock=None) -> None:
        import time

        self.stream = stream
        self.tty = stream.isatty()
        self.every = PROGRESS_EVERY if every is None else every
        self.clock = clock or time.monotonic
        self.last = self.clock()
        self.bytes = 0
        self.shown = False

    def __call__(self, source: str, container: str, done: int, total: int,
                 bytes_read: int = 0) -> None:
        self.bytes += bytes_read
        if self.tty:
            width = 30
            filled = int(width * done / max(total, 1))
            bar = "█" * filled + "·" * (width - filled)
            container = shown(container)
            label = container if len(container) <= 40 else "…" + container[-39:]
            self.stream.write(f"\r{bar} {done}/{total} {label:<40}")
            self.stream.flush()
            self.shown = True
            return
        now = self.clock()
        if now - self.last >= self.every or done == total:
            self.last = now
            self.stream.write(f"derbes: progress {shown(_short_name(source))}: {done} of {total} "
                              f"units, {self.bytes / 1e6:.1f} MB read\n")
            self.stream.flush()

    def finish(self) -> None:
        if self.tty and self.shown:
            self.stream.write("\n")


def print_problems(result: ScanResult, stream: TextIO | None = None) -> None:
    """Errors and warnings of every source, on standard error, each naming its source."""
    stream = stream or sys.stderr
    for s in result.sources:
        name = shown(s.name)
        for e in s.errors:
            print(f"derbes: {name}: {shown(e)}", file=stream)
        for w in s.warnings:
            print(f"derbes: {name}: warning: {shown(w)}", file=stream)
        for path, reason in s.skipped:
            print(f"derbes: {name}: skipped {shown(path)}: {shown(reason)}", file=stream)


#: A source with more findings than this is summarized on the terminal by category, field,
#: kind of match and flags, most hits first (each finding stays in the reports): a folder of
#: a thousand logs gave a table of 10,646 rows that took 4.4 s to print and no one could read.
SUMMARY_ROWS = 40

#: What a source's containers are called in the grouped summary, by the source's kind.
_CONTAINERS = {"log": "files", "file": "files", "database": "tables"}


def print_summary(outcome: RunOutcome) -> None:
    """A table of findings per source, each source's status, and where the reports are."""
    import shutil

    from rich.console import Console
    from rich.table import Table
    from rich.text import Text

    result = outcome.result
    width = max(shutil.get_terminal_size((120, 24)).columns, 110)
    console = Console(highlight=False, width=width)
    by_source: dict[str, list[Finding]] = {}
    for f in result.findings:
        by_source.setdefault(f.source, []).append(f)
    for s in result.sources:
        findings = by_source.get(s.name, [])
        status = s.status + (f", {s.location}" if s.location else "")
        # Names come from the scanned data (files, tables, JSON keys): as Text, never read as
        # rich's markup ("[bold]x.log" was shown as a bold "x.log").
        table = Table("where", "category", "hits", "rows", "match", "flags",
                      title=Text(shown(f"{s.name} ({status})")), title_justify="left")
        rows, left_out = summary_rows(findings)
        for row in rows:
            table.add_row(*(Text(shown(cell)) for cell in row))
        if rows:
            console.print(table)
        if len(rows) < len(findings) or left_out:
            more = f"; {left_out} smaller groups not shown" if left_out else ""
            console.print(f"{len(findings)} findings, grouped by category, field, match and "
                          f"flags{more}; each finding is in the reports", markup=False)
        skipped = f", {len(s.skipped)} files skipped" if s.skipped else ""
        console.print(f"{shown(s.name)}: {s.status}, {s.containers} containers, "
                      f"{s.rows_scanned} rows, {s.seconds:.1f} s{skipped}", markup=False)
    if outcome.accepted:
        console.print(f"{outcome.accepted} findings accepted by the baseline (listed in the "
                      "reports, failing nothing)")
    console.print(f"reports in {shown(str(outcome.out))} (exit code {outcome.code})",
                  markup=False)


def summary_rows(
    findings: Sequence[Finding], limit: int = SUMMARY_ROWS
) -> tuple[list[tuple[str, ...]], int]:
    """The summary table's rows for one source's findings, and how many rows were left out.

    Up to ``limit`` findings: one row each (where, category, hits, rows with hits / rows
    scanned, match, flags). More: one row per category, field, match and flags (their review
    status among them), where says in how many containers, and hits and rows are summed; the
    ``limit`` groups with the most hits, in that order (ties: as first met)."""
    if len(findings) <= limit:
        return [_row(_where(f), f, f.hits, f.rows_with_hits, f.rows_scanned)
                for f in findings], 0
    groups: dict[tuple, list[Finding]] = {}
    for f in findings:
        groups.setdefault((f.category, f.field, f.match_type, _flags(f)), []).append(f)
    ranked = sorted(groups.values(), key=lambda g: -sum(f.hits for f in g))
    rows = []
    for group in ranked[:limit]:
        first = group[0]
        containers = len({f.container for f in group})
        if containers == 1:
            where = _short(first.container)
        else:
            where = f"{containers} {_CONTAINERS.get(first.source_kind, 'containers')}"
        if first.field:
            where += f" → {_field_shown(first.field)}"
        rows.append(_row(where, first, sum(f.hits for f in group),
                         sum(f.rows_with_hits for f in group),
                         sum(f.rows_scanned for f in group)))
    return rows, len(ranked) - len(rows)


def _where(f: Finding) -> str:
    return _short(f.container) + (f" → {_field_shown(f.field)}" if f.field else "")


#: The most characters of a field's path the summary shows (a terminal's column is narrow).
FIELD_CHARS = 40


def _field_shown(field: str) -> str:
    """A field's path as the summary shows it: whole when short, else its end, whole names
    from the last (``…data.persons.person.birthDate``): the innermost names say what the
    field holds; the reports give it whole."""
    if len(field) <= FIELD_CHARS:
        return field
    names = field.split(".")
    kept = names[-1]
    if len(kept) >= FIELD_CHARS:
        return "…" + kept[len(kept) - FIELD_CHARS + 1:]
    for name in reversed(names[:-1]):
        if len(name) + 1 + len(kept) > FIELD_CHARS - 1:
            break
        kept = f"{name}.{kept}"
    return "…" + kept


def _flags(f: Finding) -> str:
    review = [] if f.status == "open" else [f"({f.status})"]
    return " ".join([*f.flags, *review])


def _row(where: str, f: Finding, hits: int, with_hits: int, scanned: int) -> tuple[str, ...]:
    return (where, f.category, str(hits), f"{with_hits}/{scanned}", f.match_type, _flags(f))


def _short_name(name: str) -> str:
    from derbes.scanner.urls import mask_urls

    return mask_urls(name)


def _short(container: str) -> str:
    """A file's name relative to the working directory when it is below it."""
    try:
        return str(Path(container).resolve().relative_to(Path.cwd()))
    except (ValueError, OSError):
        return container
