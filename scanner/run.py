"""One scan run, end to end: options -> sources -> scan -> policy -> baseline -> reports.

The CLI's ``scan`` and ``demo`` commands are thin wrappers over :func:`run_scan`; tests call it
directly. Configuration and policy are loaded and checked before any source is touched.
"""

from __future__ import annotations

import sys
import threading
from dataclasses import dataclass, field, replace
from pathlib import Path

from derbes.scanner.engine import ScanOptions, scan
from derbes.scanner.errors import ConfigError, SourceError
from derbes.scanner.model import ScanResult

EXIT_OK, EXIT_VIOLATIONS, EXIT_USAGE, EXIT_INCOMPLETE = 0, 1, 2, 3


@dataclass
class RunSpec:
    """Everything a scan run needs; the CLI fills it from its options."""

    sources: list[str] = field(default_factory=list)
    #: None: from the config file, else ``derbes-out``.
    out: Path | None = None
    config: Path | None = None
    policy: Path | None = None
    hits: bool = False
    sample_rows: int = 1000
    seed: int | None = None
    include: list[str] = field(default_factory=list)
    exclude: list[str] = field(default_factory=list)
    include_columns: list[str] = field(default_factory=list)
    exclude_columns: list[str] = field(default_factory=list)
    connections: int = 4
    jobs: int = 1
    statement_timeout: float = 30.0
    max_rows_per_second: float | None = None
    locations: dict[str, str] = field(default_factory=dict)
    min_score: float = 0.5
    #: None: from the config file, else parquet and html.
    formats: list[str] | None = None
    #: None: from the config file, else Russian.
    lang: str | None = None
    fail_on: list[str] = field(default_factory=lambda: [
        "UNDECLARED_CATEGORY", "STORAGE_OUTSIDE_KZ"])
    baseline: Path | None = None
    show_values: bool = False
    recognizers: Path | None = None
    quiet: bool = False
    #: Look only for these categories (empty: all).
    categories: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class _SourceSpec:
    """One source to open, from the command line or the config file."""

    spec: str
    name: str | None = None
    location: str | None = None
    options: dict = field(default_factory=dict)


def run_scan(spec: RunSpec, stop: threading.Event | None = None) -> int:
    """Run a scan and write its reports; return the documented exit code."""
    from derbes.reports import write_reports
    from derbes.reports.ci import exit_code

    spec, source_specs = _merge_config(spec)
    policy = None
    if spec.policy is not None:
        from derbes.scanner.policy import load_policy

        policy = load_policy(spec.policy)
    baseline = None
    if spec.baseline is not None:
        from derbes.reports.baseline import load_baseline

        baseline = load_baseline(spec.baseline)
    if spec.lang not in ("ru", "kk", "en"):
        raise ConfigError(f"--lang {spec.lang!r}: expected ru, kk or en")
    known_formats = {"parquet", "html", "json", "sarif", "junit"}
    unknown = set(spec.formats) - known_formats
    if unknown:
        raise ConfigError(f"--format: unknown {', '.join(sorted(unknown))}; "
                          f"expected some of {', '.join(sorted(known_formats))}")
    if not source_specs:
        raise ConfigError("nothing to scan: give a source (URL, path or -) or --config")
    detector = _detector(spec)

    opened = [_open(s, spec) for s in source_specs]
    options = ScanOptions(
        hits=spec.hits,
        show_values=spec.show_values,
        min_score=spec.min_score,
        connections=spec.connections,
        jobs=max(1, spec.jobs),
    )
    progress = None if spec.quiet or not sys.stderr.isatty() else _progress_printer()
    result = scan(opened, options, detector=detector, progress=progress, stop=stop)
    if progress is not None:
        sys.stderr.write("\n")
    if spec.categories:
        kept = tuple(f for f in result.findings if f.category in spec.categories)
        result = replace(result, findings=kept)
    result = _apply_policy(result, policy, opened, source_specs, spec)
    suppressed = 0
    if baseline is not None:
        from derbes.reports.baseline import apply_baseline

        result, suppressed = apply_baseline(result, baseline)
    write_reports(
        result,
        spec.out,
        formats=spec.formats,
        lang=spec.lang,
        show_values=spec.show_values,
        hits=spec.hits,
        fail_on=spec.fail_on,
    )
    code = exit_code(result, spec.fail_on)
    if not spec.quiet:
        _print_summary(result, spec, suppressed, code)
    else:
        for s in result.sources:
            for e in s.errors:
                print(f"derbes: {s.name}: {e}", file=sys.stderr)
    return code


def _merge_config(spec: RunSpec) -> tuple[RunSpec, list[_SourceSpec]]:
    sources = [_SourceSpec(s) for s in spec.sources]
    if spec.config is None:
        return _defaults(spec), sources
    from derbes.scanner.config import load_config

    cfg = load_config(spec.config)
    for s in cfg.sources:
        opts = {k: v for k, v in {
            "include": s.include, "exclude": s.exclude,
            "include_columns": s.include_columns, "exclude_columns": s.exclude_columns,
            "sample_rows": s.sample_rows, "seed": s.seed,
        }.items() if v not in (None, [], ())}
        sources.append(_SourceSpec(s.url or str(s.path), s.name, s.location, opts))
    updates = {}
    if spec.policy is None and cfg.policy is not None:
        updates["policy"] = cfg.policy
    options = cfg.options
    if options is not None:
        for key in ("sample_rows", "connections", "hits", "min_score"):
            value = getattr(options, key, None)
            if value is not None and getattr(spec, key) == getattr(RunSpec, key, None):
                updates[key] = value
        if options.fail_on:
            updates["fail_on"] = list(options.fail_on)
        if options.categories and not spec.categories:
            updates["categories"] = list(options.categories)
    output = cfg.output
    if spec.out is None:
        updates["out"] = output.dir
    if spec.formats is None:
        updates["formats"] = list(output.formats)
    if spec.lang is None:
        updates["lang"] = output.lang
    return _defaults(replace(spec, **updates)), sources


def _defaults(spec: RunSpec) -> RunSpec:
    return replace(
        spec,
        out=spec.out or Path("derbes-out"),
        formats=spec.formats or ["parquet", "html"],
        lang=spec.lang or "ru",
    )


def _detector(spec: RunSpec):
    from derbes.detectors import all_recognizers, category_of, load_custom_recognizers
    from derbes.scanner.detect import Detector

    recognizers = all_recognizers("en")
    if spec.categories:
        recognizers = [r for r in recognizers if category_of(r.ENTITY) in spec.categories]
    if spec.recognizers is not None:
        try:
            extra = load_custom_recognizers(spec.recognizers, ["en"])
        except ValueError as e:
            raise ConfigError(str(e)) from e
        recognizers.extend(extra)
    return Detector(recognizers)


def _open(source: _SourceSpec, spec: RunSpec):
    from derbes.scanner.sources import open_source

    options = {
        "include": spec.include,
        "exclude": spec.exclude,
        "include_columns": spec.include_columns,
        "exclude_columns": spec.exclude_columns,
        "sample_rows": spec.sample_rows,
        "seed": spec.seed,
        "connections": spec.connections,
        "statement_timeout_s": spec.statement_timeout,
        "max_rows_per_second": spec.max_rows_per_second,
    }
    options.update(source.options)
    if source.name:
        options["name"] = source.name
    try:
        return open_source(source.spec, **options)
    except SourceError as e:
        return e


def _apply_policy(
    result: ScanResult, policy, opened, source_specs: list[_SourceSpec], spec: RunSpec
) -> ScanResult:
    from derbes.scanner.location import resolve_location
    from derbes.scanner.mapping import apply_policy

    explicit = dict(spec.locations)
    for s, src in zip(source_specs, opened, strict=True):
        name = src.source if isinstance(src, SourceError) else src.name
        if s.location:
            explicit.setdefault(name, s.location)
        # --location may name a source by what the user typed, not its display name.
        if s.spec in spec.locations:
            explicit.setdefault(name, spec.locations[s.spec])
    locations = {}
    for src in opened:
        if isinstance(src, SourceError):
            continue
        locations[src.name] = resolve_location(
            src.name, src.kind, getattr(src, "host", None), explicit
        )
    return apply_policy(result, policy, locations)


def _progress_printer():
    def show(source: str, container: str, done: int, total: int) -> None:
        width = 30
        filled = int(width * done / max(total, 1))
        bar = "█" * filled + "·" * (width - filled)
        label = container if len(container) <= 40 else "…" + container[-39:]
        sys.stderr.write(f"\r{bar} {done}/{total} {label:<40}")
        sys.stderr.flush()

    return show


def _print_summary(result: ScanResult, spec: RunSpec, suppressed: int, code: int) -> None:
    import shutil

    from rich.console import Console
    from rich.table import Table

    width = max(shutil.get_terminal_size((120, 24)).columns, 110)
    console = Console(highlight=False, width=width)
    for s in result.sources:
        rows = [f for f in result.findings if f.source == s.name]
        status = s.status + (f", {s.location}" if s.location else "")
        table = Table("where", "category", "hits", "rows", "match", "flags",
                      title=f"{s.name} ({status})", title_justify="left")
        for f in rows:
            where = _short(f.container) + (f" → {f.field}" if f.field else "")
            table.add_row(where, f.category, str(f.hits), f"{f.rows_with_hits}/{f.rows_scanned}",
                          f.match_type, " ".join(f.flags))
        if rows:
            console.print(table)
        console.print(f"{s.name}: {s.status}, {s.containers} containers, "
                      f"{s.rows_scanned} rows, {s.seconds:.1f} s")
        for e in s.errors:
            console.print(f"  [red]error[/red] {e}")
    if suppressed:
        console.print(f"{suppressed} findings accepted by the baseline")
    console.print(f"reports in {spec.out} (exit code {code})")


def _short(container: str) -> str:
    """A file's name relative to the working directory when it is below it."""
    try:
        return str(Path(container).resolve().relative_to(Path.cwd()))
    except (ValueError, OSError):
        return container
