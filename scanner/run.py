"""One scan run, end to end: options -> sources -> scan -> policy -> baseline -> reports.

The CLI's ``scan`` and ``demo`` commands are thin wrappers over :func:`run_scan` (through
:mod:`derbes.scanner.terminal`, which prints); tests call it directly. Configuration and policy
are loaded and checked before any source is touched. Nothing here prints: the run returns a
:class:`RunOutcome` and raises :mod:`derbes.scanner.errors`.
"""

from __future__ import annotations

import os
import shutil
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

from derbes.scanner.errors import ConfigError, SourceError
from derbes.scanner.model import ScanResult, printable

if TYPE_CHECKING:
    from derbes.scanner.engine import Progress

#: Where reports go when neither the command line nor the config file says.
DEFAULT_OUT = "derbes-out"
#: Where, in the output folder being written, hits wait as Parquet parts until the reports.
HITS_PARTS_DIR = ".hits-parts"
#: The sampling seed unless ``--seed`` says otherwise: the same data gives the same sample,
#: so that CI runs compare. ``None`` (``--seed random``) draws a new sample each run.
DEFAULT_SEED = 94


@dataclass
class RunSpec:
    """Everything a scan run needs; the CLI fills it from its options.

    ``None`` means "not given": the config file's value is taken, else the default. A value
    given here (on the command line) always beats the config file.
    """

    sources: list[str] = field(default_factory=list)
    #: None: from the config file, else ``derbes-out``.
    out: Path | None = None
    config: Path | None = None
    policy: Path | None = None
    #: None: from the config file, else off.
    hits: bool | None = None
    #: None: from the config file, else the source's default (1000 rows per table).
    sample_rows: int | None = None
    #: ``None``: a random sample each run.
    seed: int | None = DEFAULT_SEED
    include: list[str] = field(default_factory=list)
    exclude: list[str] = field(default_factory=list)
    include_columns: list[str] = field(default_factory=list)
    exclude_columns: list[str] = field(default_factory=list)
    #: None: from the config file, else the engine's default.
    connections: int | None = None
    jobs: int = 1
    statement_timeout: float = 30.0
    max_rows_per_second: float | None = None
    locations: dict[str, str] = field(default_factory=dict)
    #: None: from the config file, else the engine's default.
    min_score: float | None = None
    #: A field needs hits in this many rows, or in ``min_share`` of them (unless checksummed).
    min_rows: int = 2
    min_share: float = 0.05
    #: A source with no container to scan is a warning, not exit code 3.
    allow_empty: bool = False
    #: SQLite files found in scanned folders are scanned as databases.
    scan_databases: bool = False
    #: None: from the config file, else ``derbes.reports.DEFAULT_FORMATS``.
    formats: list[str] | None = None
    #: None: from the config file, else ``derbes.reports.DEFAULT_LANG``.
    lang: str | None = None
    #: None: from the config file, else ``derbes.reports.ci.DEFAULT_FAIL_ON``.
    fail_on: list[str] | None = None
    baseline: Path | None = None
    show_values: bool = False
    recognizers: Path | None = None
    quiet: bool = False
    #: Look only for these categories (empty: all).
    categories: list[str] = field(default_factory=list)
    #: Reviewed places and values (``allow:`` of the config file): findings marked allowed.
    allow: list = field(default_factory=list)
    #: Dask scheduler to run the scan on (``tcp://host:8786``); None: this machine, unless
    #: ``DERBES_DASK_SCHEDULER`` or ``dask.scheduler`` in the config file names one.
    dask: str | None = None
    #: Where Dask workers write large hit sets (a shared path or an fsspec URL); None:
    #: ``DERBES_DASK_PARTS``, ``dask.parts`` in the config file, or the output folder.
    dask_parts: str | None = None


@dataclass(frozen=True)
class RunOutcome:
    """What a run gives back: the scan as reported, the exit code, and where the reports are."""

    result: ScanResult
    #: The documented exit code (:class:`derbes.reports.ci.ExitCode`).
    code: int
    #: The folder the reports were written to.
    out: Path
    #: Findings the baseline accepted (listed in the reports, failing nothing).
    accepted: int = 0


@dataclass(frozen=True)
class _SourceSpec:
    """One source to open, from the command line or the config file."""

    spec: str
    name: str | None = None
    location: str | None = None
    options: dict = field(default_factory=dict)


def run_scan(
    spec: RunSpec,
    stop: threading.Event | None = None,
    *,
    progress: Progress | None = None,
    detector: Any = None,
) -> RunOutcome:
    """Run a scan and write its reports; return the result and the documented exit code.

    Everything the user gave is checked before any source is opened: the configuration, the
    policy, the baseline, the flag names, and that the output folder can be written.
    ``progress`` is called as the engine's :data:`~derbes.scanner.engine.Progress`;
    ``detector`` replaces the one built from ``spec`` (its categories and recognizers).
    Raises :class:`~derbes.scanner.errors.ConfigError` (and the other errors of
    :mod:`derbes.scanner.errors`) for what the user gave wrong.
    """
    from derbes.reports import FORMATS, LANGS, write_reports
    from derbes.reports._io import commit_output_dir, discard_output_dir, prepare_output_dir
    from derbes.reports.ci import check_fail_on, exit_code

    spec, source_specs = _merge_config(spec)
    # First: custom recognizers may add categories that the policy declares.
    detector = detector if detector is not None else _detector(spec)
    policy = None
    if spec.policy is not None:
        from derbes.scanner.policy import load_policy

        policy = load_policy(spec.policy)
    baseline = None
    if spec.baseline is not None:
        from derbes.reports.baseline import load_baseline

        baseline = load_baseline(spec.baseline)
    if spec.lang not in LANGS:
        raise ConfigError(f"--lang {spec.lang!r}: expected one of {', '.join(LANGS)}")
    unknown = [f for f in spec.formats if f not in FORMATS]
    if unknown:
        raise ConfigError(f"--format: unknown {', '.join(unknown)}; "
                          f"expected some of {', '.join(FORMATS)}")
    spec = replace(spec, fail_on=list(check_fail_on(spec.fail_on, "--fail-on")))
    if not source_specs:
        raise ConfigError("nothing to scan: give a source (URL, path or -) or --config")
    where = _match_locations(spec.locations, source_specs)
    if any(rule.values for rule in spec.allow):
        from derbes.scanner.redact import hash_key_from_env

        if hash_key_from_env() is None:
            raise ConfigError("allow: values are keyed hashes; set DERBES_HASH_KEY to the key "
                              "they were made with (a random key per scan matches nothing)")
    staging = prepare_output_dir(spec.out)
    try:
        result, code, accepted = _scan_and_write(
            spec, source_specs, where, policy, baseline, detector, staging, stop, progress,
            write_reports, exit_code)
    except BaseException:
        discard_output_dir(staging)
        raise
    try:
        commit_output_dir(staging, spec.out)
    except OSError as e:
        # A finished scan is never thrown away: say where it is.
        raise ConfigError(f"--out {spec.out}: could not put the finished scan in place "
                          f"({e.strerror or e}); its reports are in {staging}") from e
    if spec.hits:
        result = replace(result, hits=_written_hits(result, Path(spec.out)))
    return RunOutcome(result, code, spec.out, accepted)


def _written_hits(result: ScanResult, out: Path):
    """The hits as ``hits.parquet`` holds them (the parts they were gathered from are gone),
    or none when no ``hits.parquet`` was asked for."""
    from derbes.reports.formats import HITS_FILE
    from derbes.scanner.hitparts import HitPart, HitStore

    written = out / HITS_FILE
    return HitStore([HitPart(str(written), len(result.hits))]) if written.exists() else ()


def _scan_and_write(spec, source_specs, where, policy, baseline, detector, staging, stop,
                    progress, write_reports, exit_code) -> tuple[ScanResult, int, int]:
    from derbes.scanner.allowlist import allowed_values
    from derbes.scanner.engine import ScanOptions, scan

    if spec.scan_databases:
        source_specs = source_specs + [_SourceSpec(f"sqlite:///{path}")
                                       for path in _sqlite_files(source_specs, spec)]
    opened = [_open(s, spec) for s in source_specs]
    # Not given: the engine's default.
    given = {"min_score": spec.min_score, "connections": spec.connections}
    # Hits are written as parts into the output folder while the scan runs, and gathered
    # into hits.parquet at the end: memory does not grow with them, and an interrupted scan
    # keeps every part written before it stopped.
    parts = staging / HITS_PARTS_DIR
    options = ScanOptions(
        hits=spec.hits,
        hits_dir=str(parts) if spec.hits else None,
        show_values=spec.show_values,
        min_rows=spec.min_rows,
        min_share=spec.min_share,
        jobs=max(1, spec.jobs),
        allow_empty=spec.allow_empty,
        allowed_values=allowed_values(spec.allow),
        **{k: v for k, v in given.items() if v is not None},
    )
    with _executor(spec) as executor:
        result = scan(opened, options, detector=detector, progress=progress, stop=stop,
                      executor=executor)
    if spec.scan_databases:
        result = _note_databases_scanned(result)
    if spec.categories:
        kept = tuple(f for f in result.findings if f.category in spec.categories)
        result = replace(result, findings=kept)
    result = _apply_policy(result, policy, opened, source_specs, spec, where)
    if spec.allow:
        from derbes.scanner.allowlist import apply_allowlist

        result = apply_allowlist(result, spec.allow)
    accepted = 0
    if baseline is not None:
        from derbes.reports.baseline import apply_baseline

        result, accepted = apply_baseline(result, baseline)
    try:
        write_reports(
            result,
            staging,
            formats=spec.formats,
            lang=spec.lang,
            show_values=spec.show_values,
            hits=spec.hits,
            fail_on=spec.fail_on,
        )
    finally:
        shutil.rmtree(parts, ignore_errors=True)
    return result, exit_code(result, spec.fail_on), accepted


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
    updates: dict = {"allow": [*spec.allow, *(rule.rule() for rule in cfg.allow)]}
    if spec.policy is None and cfg.policy is not None:
        updates["policy"] = cfg.policy
    options = cfg.options
    if options is not None:
        for key in ("sample_rows", "connections", "hits", "min_score"):
            value = getattr(options, key)
            if value is not None and getattr(spec, key) is None:
                updates[key] = value
        if options.fail_on is not None and spec.fail_on is None:
            updates["fail_on"] = list(options.fail_on)
        if options.categories and not spec.categories:
            updates["categories"] = list(options.categories)
    if cfg.dask is not None:
        if spec.dask is None and cfg.dask.scheduler:
            updates["dask"] = cfg.dask.scheduler
        if spec.dask_parts is None and cfg.dask.parts:
            updates["dask_parts"] = cfg.dask.parts
    output = cfg.output
    if spec.out is None and output.dir is not None:
        updates["out"] = output.dir
    if spec.formats is None and output.formats is not None:
        updates["formats"] = list(output.formats)
    if spec.lang is None and output.lang is not None:
        updates["lang"] = output.lang
    return _defaults(replace(spec, **updates)), sources


def _defaults(spec: RunSpec) -> RunSpec:
    """Every option still not given takes its default."""
    from derbes.reports import DEFAULT_FORMATS, DEFAULT_LANG
    from derbes.reports.ci import DEFAULT_FAIL_ON

    return replace(
        spec,
        out=spec.out if spec.out is not None else Path(DEFAULT_OUT),
        formats=list(DEFAULT_FORMATS) if spec.formats is None else spec.formats,
        lang=DEFAULT_LANG if spec.lang is None else spec.lang,
        fail_on=list(DEFAULT_FAIL_ON) if spec.fail_on is None else spec.fail_on,
        hits=bool(spec.hits),
    )


@contextmanager
def _executor(spec: RunSpec) -> Iterator[Any]:
    """The Dask executor the spec (or the environment) asks for, else None: this machine."""
    address = spec.dask or os.environ.get("DERBES_DASK_SCHEDULER") or None
    if not address:
        yield None
        return
    try:
        from derbes.scanner.engine.cluster import DaskExecutor
    except ImportError as e:
        raise ConfigError(f"--dask needs dask.distributed: pip install 'derbes[dask]' ({e})") \
            from e
    parts = spec.dask_parts or os.environ.get("DERBES_DASK_PARTS") or str(
        Path(spec.out or "derbes-out").resolve() / ".derbes-parts")
    with DaskExecutor(address, parts_url=parts) as executor:
        yield executor


def _detector(spec: RunSpec):
    from derbes.detectors import all_recognizers, category_of
    from derbes.scanner.engine.detect import Detector

    recognizers = all_recognizers("en")
    if spec.categories:
        recognizers = [r for r in recognizers if category_of(r.ENTITY) in spec.categories]
    if spec.recognizers is not None:
        # A user's Presidio recognizers: only now is Presidio imported (seconds, spaCy).
        from derbes.detectors.presidio import load_custom_recognizers

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
        "seed": spec.seed,
        "statement_timeout_s": spec.statement_timeout,
        "max_rows_per_second": spec.max_rows_per_second,
    }
    # Not given: the source's own default.
    for key in ("sample_rows", "connections"):
        if getattr(spec, key) is not None:
            options[key] = getattr(spec, key)
    options.update(source.options)
    if source.name:
        options["name"] = source.name
    try:
        return open_source(source.spec, **options)
    except SourceError as e:
        return e


def _match_locations(locations: dict[str, str],
                     source_specs: list[_SourceSpec]) -> dict[int, str]:
    """``--location KEY=CC`` as ``{index of the source: CC}``. A key names a source by its
    name in the config file, its host, its URL (password masked or not) or its path; a key
    that names no source is a ``ConfigError``, raised before any source is opened."""
    from derbes.scanner.urls import mask_url, url_host

    def keys(s: _SourceSpec) -> set[str]:
        out = {s.spec, mask_url(s.spec)}
        if s.name:
            out.add(s.name)
        if s.spec.lower().startswith("sqlite:///"):
            out.add(str(Path(s.spec[len("sqlite:///"):]).expanduser().resolve()))
        elif "://" in s.spec:
            host = url_host(s.spec)
            if host:
                out.add(host)
        else:
            out.add(str(Path(s.spec).expanduser().resolve()))
        return out

    known = [keys(s) for s in source_specs]
    where: dict[int, str] = {}
    for key, country in locations.items():
        wanted = {key} if "://" in key else {key, str(Path(key).expanduser().resolve())}
        hits = [i for i, k in enumerate(known) if k & wanted]
        if not hits:
            names = ", ".join(s.name or mask_url(s.spec) for s in source_specs)
            raise ConfigError(f"--location {key}={country}: no source is called {key!r} "
                              f"(by name, host, URL or path); the sources are: {names}")
        for i in hits:
            where[i] = country
    return where


def _sqlite_files(source_specs: list[_SourceSpec], spec: RunSpec) -> list[str]:
    """SQLite database files inside the file and folder sources (``--scan-databases``)."""
    from derbes.scanner.sources.discovery import find_files, is_sqlite_file

    found: list[str] = []
    for s in source_specs:
        if "://" in s.spec or s.spec == "-":
            continue
        try:
            files, _ = find_files(s.spec, s.options.get("include", spec.include),
                                  s.options.get("exclude", spec.exclude))
        except SourceError:
            continue  # reported when the source itself is opened
        found += [f for f in files if is_sqlite_file(f)]
    return list(dict.fromkeys(str(Path(f).resolve()) for f in found))


def _note_databases_scanned(result: ScanResult) -> ScanResult:
    """SQLite files a folder skipped, and ``--scan-databases`` scanned as sources of their
    own: say so where they are listed as skipped."""
    from derbes.scanner.sources.discovery import SQLITE_SKIPPED

    def reason(path: str, why: str) -> str:
        if why != SQLITE_SKIPPED:
            return why
        return f"SQLite database, scanned as sqlite:///{Path(path).resolve()}"

    sources = tuple(replace(s, skipped=tuple((p, reason(p, why)) for p, why in s.skipped))
                    for s in result.sources)
    return replace(result, sources=sources)


def _apply_policy(
    result: ScanResult, policy, opened, source_specs: list[_SourceSpec], spec: RunSpec,
    where: dict[int, str],
) -> ScanResult:
    from derbes.scanner.policy.check import apply_policy
    from derbes.scanner.policy.location import resolve_location

    explicit: dict[str, str] = {}
    for i, (s, src) in enumerate(zip(source_specs, opened, strict=False)):
        name = src.source if isinstance(src, SourceError) else src.name
        if i in where:
            explicit[name] = where[i]
        elif s.location:
            explicit[name] = s.location
    locations = {}
    for src in opened:
        if isinstance(src, SourceError):
            continue
        cc, evidence = resolve_location(src.name, src.kind, src.host, explicit)
        # Under the name the findings carry (a folder named in no UTF-8: model.printable).
        locations[printable(src.name)] = (cc, printable(evidence))
    return apply_policy(result, policy, locations)
