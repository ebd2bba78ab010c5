"""What the command line writes to the terminal: progress, each source's problems, and the
summary table. The library (:mod:`derbes.scanner.run` and below) prints nothing; it returns a
:class:`~derbes.scanner.run.RunOutcome` and raises :mod:`derbes.scanner.errors`.
"""

from __future__ import annotations

import sys
import threading
from pathlib import Path
from typing import TextIO

from derbes.scanner.model import ScanResult
from derbes.scanner.run import RunOutcome, RunSpec, run_scan

#: Seconds between two progress lines when standard error is not a terminal (CI logs).
PROGRESS_EVERY = 5.0


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
            label = container if len(container) <= 40 else "…" + container[-39:]
            self.stream.write(f"\r{bar} {done}/{total} {label:<40}")
            self.stream.flush()
            self.shown = True
            return
        now = self.clock()
        if now - self.last >= self.every or done == total:
            self.last = now
            self.stream.write(f"derbes: progress {_short_name(source)}: {done} of {total} "
                              f"units, {self.bytes / 1e6:.1f} MB read\n")
            self.stream.flush()

    def finish(self) -> None:
        if self.tty and self.shown:
            self.stream.write("\n")


def print_problems(result: ScanResult, stream: TextIO | None = None) -> None:
    """Errors and warnings of every source, on standard error, each naming its source."""
    stream = stream or sys.stderr
    for s in result.sources:
        for e in s.errors:
            print(f"derbes: {s.name}: {e}", file=stream)
        for w in s.warnings:
            print(f"derbes: {s.name}: warning: {w}", file=stream)
        for path, reason in s.skipped:
            print(f"derbes: {s.name}: skipped {path}: {reason}", file=stream)


def print_summary(outcome: RunOutcome) -> None:
    """A table of findings per source, each source's status, and where the reports are."""
    import shutil

    from rich.console import Console
    from rich.table import Table

    result = outcome.result
    width = max(shutil.get_terminal_size((120, 24)).columns, 110)
    console = Console(highlight=False, width=width)
    for s in result.sources:
        rows = [f for f in result.findings if f.source == s.name]
        status = s.status + (f", {s.location}" if s.location else "")
        table = Table("where", "category", "hits", "rows", "match", "flags",
                      title=f"{s.name} ({status})", title_justify="left")
        for f in rows:
            where = _short(f.container) + (f" → {f.field}" if f.field else "")
            review = [] if f.status == "open" else [f"({f.status})"]
            table.add_row(where, f.category, str(f.hits), f"{f.rows_with_hits}/{f.rows_scanned}",
                          f.match_type, " ".join([*f.flags, *review]))
        if rows:
            console.print(table)
        skipped = f", {len(s.skipped)} files skipped" if s.skipped else ""
        console.print(f"{s.name}: {s.status}, {s.containers} containers, "
                      f"{s.rows_scanned} rows, {s.seconds:.1f} s{skipped}", markup=False)
    if outcome.accepted:
        console.print(f"{outcome.accepted} findings accepted by the baseline (listed in the "
                      "reports, failing nothing)")
    console.print(f"reports in {outcome.out} (exit code {outcome.code})")


def _short_name(name: str) -> str:
    from derbes.scanner.urls import mask_urls

    return mask_urls(name)


def _short(container: str) -> str:
    """A file's name relative to the working directory when it is below it."""
    try:
        return str(Path(container).resolve().relative_to(Path.cwd()))
    except (ValueError, OSError):
        return container
