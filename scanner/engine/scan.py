"""The scan engine: sources in, an inventory of personal data out.

For each source the engine lists containers, reads each as batches, runs the detector,
and aggregates hits per (container, field, entity) into :class:`~derbes.scanner.model.Finding`
rows. A container that fails is recorded with its reason and the scan goes on; a source that
fails never hides the results of the others. Tables of one database run concurrently over
its connection pool; log files can run in worker processes (``jobs``).
"""

from __future__ import annotations

import datetime as dt
import gc
import shutil
import tempfile
import threading
import time
import uuid
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import FIRST_COMPLETED, ThreadPoolExecutor, wait
from contextlib import contextmanager, suppress
from dataclasses import dataclass, replace
from functools import partial
from typing import TypeVar

from derbes.scanner.engine.container import ContainerOutcome, ContainerScanner, settle_log_fields
from derbes.scanner.engine.detect import Detector
from derbes.scanner.engine.interrupts import held
from derbes.scanner.engine.options import Progress, ScanOptions
from derbes.scanner.engine.parallel import (
    RETURN_HITS,
    Folding,
    lines_counter,
    merge_outcomes,
    run_task,
)
from derbes.scanner.engine.thresholds import findings_of
from derbes.scanner.engine.units import Executor, Unit, plan_units
from derbes.scanner.errors import SourceError, internal_error_reason
from derbes.scanner.hitparts import SPILL_HITS, HitPart, HitStore, Segment, write_part_groups
from derbes.scanner.model import ContainerInfo, Finding, ScanResult, SourceSummary, printable
from derbes.scanner.redact import hash_key_from_env, new_hash_key
from derbes.scanner.sources.base import Container, ContainerDone, Shareable, Source

T = TypeVar("T")


def scan(
    sources: Sequence[Source | SourceError],
    options: ScanOptions | None = None,
    *,
    detector: Detector | None = None,
    progress: Progress | None = None,
    stop: threading.Event | None = None,
    executor: Executor | None = None,
) -> ScanResult:
    """Scan every source and return the inventory.

    ``sources`` may hold a ``SourceError`` for a source that could not even be opened: it is
    reported as failed, like a source that fails while being read. Setting ``stop`` (or a
    ``KeyboardInterrupt``) ends the scan early with what was found so far, marked interrupted.
    ``executor`` runs the scan's units elsewhere (a Dask cluster:
    :class:`~derbes.scanner.engine.cluster.DaskExecutor`); by default they run here, tables in
    threads and logs in ``options.jobs`` processes. Progress counts units done out of planned.

    With ``options.hits``, hits are written as Parquet parts into ``options.hits_dir`` while
    the scan runs (by default a temporary folder that the result's :class:`HitStore` owns and
    removes when it goes), so that memory does not grow with them.
    """
    options = options or ScanOptions()
    owned = None
    if options.hits and options.hits_dir is None:
        owned = tempfile.mkdtemp(prefix="derbes-hits-")
        options = replace(options, hits_dir=owned)
    try:
        with _collector_skips_older_objects():
            return _scan(sources, options, detector, progress, stop, executor, owned)
    except BaseException:
        if owned is not None:
            shutil.rmtree(owned, ignore_errors=True)
        raise


@contextmanager
def _collector_skips_older_objects() -> Iterator[None]:
    """The objects alive before the scan (modules, the compiled detector, the caller's) left
    out of the garbage collector's full collections while it runs (``gc.freeze``), and given
    back after it (``gc.unfreeze``). A full collection walks every tracked object, and the
    scan's allocations set off a few (on the dense 10 MB corpus, two, taking 20-26 ms of a
    1.0 s scan); none of the older objects is the scan's garbage, and whatever garbage is
    among them is collected after the scan instead. Nothing is done when objects are frozen
    already (a ``--jobs`` worker freezes what it inherits; a caller may have its reasons) or
    the collector is off."""
    if gc.get_freeze_count() or not gc.isenabled():
        yield
        return
    gc.freeze()
    try:
        yield
    finally:
        gc.unfreeze()


def _scan(
    sources: Sequence[Source | SourceError],
    options: ScanOptions,
    detector: Detector | None,
    progress: Progress | None,
    stop: threading.Event | None,
    executor: Executor | None,
    owned: str | None,
) -> ScanResult:
    detector = detector or Detector()
    key = options.hash_key or hash_key_from_env() or new_hash_key()
    stop = stop or threading.Event()
    scan_id = uuid.uuid4().hex[:12]
    started = _now()
    summaries: list[SourceSummary] = []
    findings: list[Finding] = []
    infos: list[ContainerInfo] = []
    hits: list[Segment] = []
    interrupted = False
    memory = _HeldHits(options)
    if executor is not None:
        for summary, source_infos, source_findings, source_hits in _scan_units(
            executor, sources, detector, options, key, progress, stop, scan_id, memory
        ):
            summaries.append(summary)
            infos.extend(source_infos)
            findings.extend(source_findings)
            hits.extend(source_hits)
        interrupted = stop.is_set()
    for source in sources if executor is None else ():
        if isinstance(source, SourceError):
            summaries.append(
                SourceSummary(name=printable(source.source), kind="unknown",
                              status="failed", errors=(printable(source.reason),))
            )
            continue
        t0 = time.perf_counter()
        outcomes: list[Settled] = []
        errors: list[str] = []
        listed = 0
        try:
            containers = list(source.containers())
            listed = len(containers)
            outcomes = _scan_source(source, containers, detector, options, key, progress, stop,
                                    partial(_settle, scan_id, source, options, memory=memory))
        except SourceError as e:
            errors.append(e.reason)
        except KeyboardInterrupt:
            stop.set()
            interrupted = True
            errors.append("interrupted")
        finally:
            try:
                source.close()
            except SourceError as e:
                errors.append(e.reason)
        if stop.is_set():
            interrupted = True
        summary, source_infos, source_findings, source_hits = _summarize(
            scan_id, source, outcomes, errors, listed, time.perf_counter() - t0, options,
            interrupted,
        )
        summaries.append(summary)
        infos.extend(source_infos)
        findings.extend(source_findings)
        hits.extend(source_hits)
        if interrupted:
            break
    return ScanResult(
        scan_id=scan_id,
        started_at=started,
        finished_at=_now(),
        sources=tuple(summaries),
        findings=tuple(findings),
        containers=tuple(infos),
        hits=HitStore(hits, folder=owned),
        interrupted=interrupted,
        options={
            "min_score": options.min_score,
            "min_rows": options.min_rows,
            "min_share": options.min_share,
            "hits": options.hits,
            "show_values": options.show_values,
            "jobs": options.jobs,
            "executor": executor.name if executor is not None else "local",
            "detector_engine": detector.engine_name,
        },
    )


@dataclass(slots=True)
class Settled:
    """A container's outcome as its source's summary takes it (:func:`_settle`): its info,
    findings and hits, without the distinct values, shapes and waiting hits that decided
    them. A source's containers are settled as each finishes, so that a scan of many files
    holds their findings until the end, not their distinct values: 150 logs of 24,000
    distinct values each peaked at 505 MB when every outcome waited for the last (about 2.8
    MB a file), 125 MB settled one by one (``benchmarks/README.md``)."""

    info: ContainerInfo
    findings: list[Finding]
    hits: list[Segment]
    #: The container's error as the source's list of errors words it.
    error: str | None = None
    #: ``(container, reason)`` when it was opened and found not to be text.
    skipped: tuple[str, str] | None = None


class _HeldHits:
    """The hits that settled containers keep in memory (fewer than a part's each), written
    together as one part, one after the other, once they add up to a part's worth
    (``hits_spill``, else ``SPILL_HITS``). Each container keeps its own stretch, in its place:
    the scan's order does not depend on the order in which containers finish. Without it, a
    folder of 3,000 small logs with ``--hits`` held its 254,725 hits to the end (288 MB against
    180 MB without hits)."""

    def __init__(self, options: ScanOptions) -> None:
        self.folder = options.hits_dir if options.hits else None
        self.limit = max(1, options.hits_spill or SPILL_HITS)
        self.held: list[Settled] = []
        self.count = 0

    def add(self, settled: Settled) -> None:
        if self.folder is None or not settled.hits:
            return
        last = settled.hits[-1]
        if isinstance(last, HitPart) or not last:
            return
        self.held.append(settled)
        self.count += len(last)
        if self.count >= self.limit:
            held, self.held, self.count = self.held, [], 0
            with suppress(OSError):  # no room for a part: they wait in memory instead
                parts = write_part_groups([s.hits[-1] for s in held], self.folder)
                for s, part in zip(held, parts, strict=True):
                    s.hits[-1] = part


def _settle(scan_id: str, source: Source, options: ScanOptions,
            outcome: ContainerOutcome, memory: _HeldHits | None = None) -> Settled:
    """One container's outcome settled (:class:`Settled`): the hits still waiting in log
    fields recorded or dropped, its findings made; its hits in memory handed to ``memory``
    (:class:`_HeldHits`)."""
    skipped = None
    if outcome.done is not None and outcome.done.skipped:
        # Opened and found not to be text (binary, an SQLite database).
        skipped = (printable(outcome.container.name), outcome.done.skipped)
    error = None
    if outcome.error:
        # A source of one file is named by that file: its error names it once.
        where = outcome.container.name
        error = printable(outcome.error if where == source.name
                          else f"{where}: {outcome.error}")
    # Hits of log fields whose evidence was undecided until the whole file was read.
    settle_log_fields(outcome, options.max_examples)
    info = _container_info(source, outcome)
    settled = Settled(info, findings_of(scan_id, source, outcome, info, options),
                      [*outcome.spilled, outcome.hits], error, skipped)
    if memory is not None:
        memory.add(settled)
    return settled


def _summarize(
    scan_id: str,
    source: Source,
    outcomes: list[Settled],
    errors: list[str],
    listed: int,
    seconds: float,
    options: ScanOptions,
    interrupted: bool,
) -> tuple[SourceSummary, list[ContainerInfo], list[Finding], list[Segment]]:
    """One source's summary, containers, findings and hits (written parts, then those in
    memory, container by container) from its containers' settled outcomes."""
    # Listing problems that lost data (an unreadable directory) are errors of the source.
    errors = [printable(e) for e in (*errors, *source.errors)]
    warnings = [printable(w) for w in source.warnings]
    # Files of a folder left out, each with its reason: listed (a dangling symlink)...
    skipped = [(printable(path), why) for path, why in source.skipped]
    infos: list[ContainerInfo] = []
    findings: list[Finding] = []
    hits: list[Segment] = []
    rows = bytes_ = 0
    for outcome in outcomes:
        if outcome.skipped:
            skipped.append(outcome.skipped)  # ...or opened and found not to be text
        if outcome.error:
            errors.append(outcome.error)
        infos.append(outcome.info)
        rows += outcome.info.rows_scanned
        bytes_ += outcome.info.bytes_scanned
        findings.extend(outcome.findings)
        hits.extend(outcome.hits)
    if interrupted and (errors or len(outcomes) < listed) and all(
            e == "interrupted" or e.endswith(": interrupted") for e in errors):
        status = "interrupted"
    elif not errors and not listed:
        warnings.append("no container to scan: no table, view or file matched")
        status = "ok" if options.allow_empty else "empty"
    elif not errors:
        status = "ok"
    elif outcomes and len([o for o in outcomes if o.error]) < max(listed, 1):
        status = "partial"
    else:
        status = "failed"
    summary = SourceSummary(
        name=printable(source.name),
        kind=source.kind,
        status=status,
        errors=tuple(errors),
        containers=listed,
        rows_scanned=rows,
        bytes_scanned=bytes_,
        seconds=round(seconds, 3),
        warnings=tuple(warnings),
        skipped=tuple(skipped),
    )
    return summary, infos, findings, hits


def _scan_units(
    executor: Executor,
    sources: Sequence[Source | SourceError],
    detector: Detector,
    options: ScanOptions,
    key: bytes,
    progress: Progress | None,
    stop: threading.Event,
    scan_id: str,
    memory: _HeldHits | None = None,
) -> Iterator[tuple[SourceSummary, list[ContainerInfo], list[Finding], list[Segment]]]:
    """Every source listed first, then all their units on ``executor`` at once, so that the
    workers are kept busy across sources; summaries in the order of ``sources``."""
    t0 = time.perf_counter()
    listed: list[list[Container] | None] = []
    errors: list[list[str]] = []
    for source in sources:
        errs: list[str] = []
        containers: list[Container] | None = None
        if not isinstance(source, SourceError):
            try:
                containers = list(source.containers())
            except SourceError as e:
                errs.append(e.reason)
        listed.append(containers)
        errors.append(errs)
    runnable = [i for i, c in enumerate(listed) if c is not None]
    run_sources = [sources[i] for i in runnable]
    planned = plan_units(run_sources, [listed[i] for i in runnable], executor.parallelism())
    # Standard input can be read by this process only.
    here = [u for u in planned if u.task.container.local_only]
    away = [u for u in planned if not u.task.container.local_only]
    parts: dict[tuple[int, int], Folding] = {}
    # Units of each container not back yet; a container whose units are all back is
    # settled at once (:func:`_settle`), its distinct values let go.
    waiting: dict[tuple[int, int], int] = {}
    for unit in planned:
        waiting[(unit.source, unit.task.index)] = waiting.get(
            (unit.source, unit.task.index), 0) + 1
    settled: dict[tuple[int, int], Settled] = {}
    seconds: dict[int, float] = {}
    # What counts the lines of a range that was not read to its end, for each source.
    counters = [lines_counter(source) for source in run_sources]

    def collect(unit: Unit, outcome: ContainerOutcome) -> None:
        key = (unit.source, unit.task.index)
        with held(stop):  # Ctrl-C within it sets stop: a unit is recorded whole
            folding = parts.get(key)
            if folding is None:
                folding = parts[key] = Folding(options.max_examples, counters[unit.source])
            folding.append((unit.task, outcome))
            waiting[key] -= 1
            if not waiting[key]:
                del parts[key]
                settled[key] = _settle(scan_id, run_sources[unit.source], options,
                                       merge_outcomes(folding, options.max_examples,
                                                      counters[unit.source]), memory)
        seconds[unit.source] = time.perf_counter() - t0

    done = 0
    for unit in here:
        source = run_sources[unit.source]
        scanner = ContainerScanner(source, detector, options, key)
        outcome = run_task(scanner, source, unit.task, stop)
        collect(unit, outcome)
        done += 1
        if progress:
            progress(source.name, unit.task.container.name, done, len(planned), outcome.bytes)

    def shifted(source: str, container: str, finished: int, total: int, read: int) -> None:
        progress(source, container, done + finished, done + total, read)  # type: ignore[misc]

    try:
        for unit, outcome in executor.run(run_sources, away, detector, options, key,
                                          shifted if progress else None, stop):
            collect(unit, outcome)
    except KeyboardInterrupt:
        stop.set()
    for position, source in enumerate(sources):
        if isinstance(source, SourceError):
            yield (SourceSummary(name=printable(source.source), kind="unknown",
                                 status="failed", errors=(printable(source.reason),)),
                   [], [], [])
            continue
        containers = listed[position]
        outcomes: list[Settled] = []
        if containers is not None:
            index = runnable.index(position)
            for c, container in enumerate(containers):
                if (index, c) in settled:
                    outcomes.append(settled.pop((index, c)))
                    continue
                got = parts.get((index, c))
                outcomes.append(_settle(scan_id, source, options, (
                    merge_outcomes(got, options.max_examples, counters[index]) if got
                    else ContainerOutcome(container, error="interrupted")), memory))
        try:
            source.close()
        except SourceError as e:
            errors[position].append(e.reason)
        count = len(containers) if containers is not None else 0
        took = seconds.get(runnable.index(position), 0.0) if containers is not None else 0.0
        yield _summarize(scan_id, source, outcomes, errors[position], count, took, options,
                         stop.is_set())


def _scan_source(
    source: Source,
    containers: list[Container],
    detector: Detector,
    options: ScanOptions,
    key: bytes,
    progress: Progress | None,
    stop: threading.Event,
    settle: Callable[[ContainerOutcome], T],
) -> list[T]:
    """Every container of ``source`` scanned, each outcome ``settle``-d as it finishes (the
    engine's :func:`_settle`), in the order of ``containers``."""
    total = len(containers)
    scanner = ContainerScanner(source, detector, options, key)
    # A finished container's hits from this many on are written as a part (``hits_spill``,
    # when set, is what a scanner may hold in memory at all).
    written_from = RETURN_HITS if options.hits_spill is None else options.hits_spill

    def one(container: Container) -> ContainerOutcome:
        if stop.is_set():
            return ContainerOutcome(container, error="interrupted")
        try:
            outcome = scanner.run(container, source.read(container), stop)
        except SourceError as e:
            return ContainerOutcome(container, error=e.reason)
        except Exception as e:  # a bug in one container must not lose the scan
            return ContainerOutcome(container, error=internal_error_reason(e))
        if len(outcome.hits) >= written_from:
            # Its hits are kept until the scan ends: written as a part now, as a --jobs
            # worker's are (parallel._handed_over), not held in memory. 150 logs of 24,000
            # hits each (the last 4,000 of each below the spill) peaked at 363 MB; 166 so.
            with suppress(OSError):  # no room for a part: they wait in memory instead
                scanner.spill(outcome)
        return outcome

    jobs = options.jobs
    if isinstance(source, Shareable):
        # Tables in processes (detection holds the interpreter: threads take turns), no more
        # of them than the connections the database may get, each with its share of them;
        # where the database is far, each process reads the tables it took ahead in threads,
        # one a connection, so that the waits overlap as they did in threads
        # (parallel.ReadAhead).
        jobs = min(jobs, options.connections, source.connections, total)
    if (source.kind == "log" or isinstance(source, Shareable)) and jobs > 1 and total:
        from derbes.scanner.engine import parallel

        return parallel.scan_containers(
            source, containers, replace(options, jobs=jobs), key, progress, stop,
            detector=detector, settle=settle,
        )

    workers = options.connections if source.kind == "database" else 1
    if workers <= 1 or total <= 1:
        settled: list[T] = []
        for container in containers:
            if stop.is_set():
                break
            try:
                outcome = one(container)
                # Ctrl-C within the record sets stop instead: the record is made whole.
                with held(stop):
                    settled.append(settle(outcome))
                if progress:
                    progress(source.name, container.name, len(settled), total, outcome.bytes)
            except KeyboardInterrupt:
                # Between a container's reading (which keeps what it read: ContainerScanner.
                # run) and its record: the scan ends here, with what is recorded.
                stop.set()
                break
        return settled
    by_index: dict[int, T] = {}
    interrupted = False
    with ThreadPoolExecutor(max_workers=workers, thread_name_prefix="derbes-table") as pool:
        pending = {pool.submit(one, c): i for i, c in enumerate(containers)}
        while pending:
            try:
                done, _ = wait(pending, timeout=0.5, return_when=FIRST_COMPLETED)
                for future in done:
                    outcome = future.result()
                    with held(stop):  # recorded whole, or still pending for the next turn
                        by_index[pending.pop(future)] = settle(outcome)
                    if progress:
                        progress(source.name, outcome.container.name, len(by_index), total,
                                 outcome.bytes)
            except KeyboardInterrupt:
                # Ctrl-C lands in this thread, not in the tables' threads: those not started
                # are dropped, those being read end at their next batch and are kept as read
                # so far (ContainerScanner.run), with those already read. The caller sees
                # ``stop`` set: the scan ends here, marked interrupted. A second Ctrl-C gives
                # the source up without recording the tables being read (a query may take
                # long), as the first did before; the pool still joins their threads, and a
                # third Ctrl-C ends that wait.
                if interrupted:
                    raise
                interrupted = True
                stop.set()
                for future in list(pending):
                    if future.cancel():
                        del pending[future]
    return [by_index[i] for i in sorted(by_index)]


def _container_info(source: Source, outcome: ContainerOutcome) -> ContainerInfo:
    done = outcome.done or ContainerDone()
    rows = done.rows_scanned or outcome.rows
    oldest = outcome.oldest_ts or done.oldest or (done.mtime if source.kind == "log" else None)
    newest = outcome.newest_ts or (done.mtime if source.kind == "log" else None)
    return ContainerInfo(
        source=printable(source.name),
        container=printable(outcome.container.name),
        kind=outcome.container.kind,
        rows_scanned=rows,
        bytes_scanned=done.bytes_scanned or outcome.bytes,
        sampled=done.sampled,
        skipped_fields=tuple(done.skipped_fields),
        notes=(*done.notes, *outcome.notes,
               *((f"error: {outcome.error}",) if outcome.error else ())),
        oldest_timestamp=oldest,
        newest_timestamp=newest,
        rows_estimated=done.rows_estimated,
        age_column=done.age_column if oldest == done.oldest else None,
        age_method=done.age_method if oldest == done.oldest else None,
    )


def _now() -> str:
    return dt.datetime.now(dt.UTC).isoformat(timespec="seconds")
