"""The scan engine: sources in, an inventory of personal data out.

For each source the engine lists containers, reads each as batches, runs the detector,
and aggregates hits per (container, field, entity) into :class:`~derbes.scanner.model.Finding`
rows. A container that fails is recorded with its reason and the scan goes on; a source that
fails never hides the results of the others. Tables of one database run concurrently over
its connection pool; log files can run in worker processes (``jobs``).
"""

from __future__ import annotations

import datetime as dt
import re
import threading
import time
import uuid
from collections.abc import Callable, Iterable, Sequence
from concurrent.futures import FIRST_COMPLETED, ThreadPoolExecutor, wait
from dataclasses import dataclass, field, replace

from derbes.detectors import category_of
from derbes.scanner import jsonpaths
from derbes.scanner.detect import Detector
from derbes.scanner.errors import SourceError
from derbes.scanner.model import (
    MATCH_BOTH,
    MATCH_NAME,
    MATCH_VALUE,
    STATUS_ALLOWED,
    ContainerInfo,
    Finding,
    Hit,
    ScanResult,
    SourceSummary,
)
from derbes.scanner.names import entity_for_name
from derbes.scanner.redact import (
    distinct_key,
    hash_key_from_env,
    mask,
    new_hash_key,
    value_hash,
)
from derbes.scanner.sources.base import (
    Container,
    ContainerDone,
    LineBatch,
    Source,
    ValueBatch,
)

#: Distinct values are counted exactly up to this many per field, then reported as this many.
DISTINCT_CAP = 100_000
#: Values whose hash is remembered per container scanner.
_MEMO_SIZE = 50_000

#: Progress callback, called once per finished container by whichever executor runs it:
#: (source name, container name, containers done, containers planned, bytes read by it).
Progress = Callable[[str, str, int, int, int], None]


@dataclass(frozen=True, slots=True)
class ScanOptions:
    """How to scan. Sampling and filters belong to the sources; these are the engine's."""

    #: Keep every hit (``hits.parquet``), not only the aggregated inventory.
    hits: bool = False
    #: Carry raw values in hits and examples. Off unless the user asks.
    show_values: bool = False
    #: HMAC key for value hashes; by default ``DERBES_HASH_KEY`` or a random key per scan.
    hash_key: bytes | None = None
    #: A finding needs at least this maximum score.
    min_score: float = 0.5
    #: ...and either a score this high (a checksum-valid identifier)...
    strong_score: float = 0.99
    #: ...or hits in this many rows...
    min_rows: int = 2
    #: ...or in this share of the rows scanned.
    min_share: float = 0.05
    max_examples: int = 5
    #: Concurrent containers per database source.
    connections: int = 4
    #: Worker processes for log files (1 = this process).
    jobs: int = 1
    #: Column names and JSON keys as evidence.
    name_evidence: bool = True
    #: A source with no container to scan is ``ok`` with a warning; otherwise it is
    #: ``empty``, which makes the scan incomplete (exit code 3).
    allow_empty: bool = False
    #: ``{value hash: reason}`` of allowlisted values (:mod:`derbes.scanner.allowlist`): a
    #: finding whose every hit is one of them is ``allowed``, with the reason.
    allowed_values: dict[str, str] = field(default_factory=dict)


@dataclass(slots=True)
class _Agg:
    """Running aggregate of one (field, entity) in one container."""

    hits: int = 0
    rows_with_hits: int = 0
    last_row: int = -1
    score_max: float = 0.0
    score_sum: float = 0.0
    # A dict, not a set: a dict of bytes is not tracked by the garbage collector, which would
    # otherwise walk up to DISTINCT_CAP entries per aggregate at every full collection.
    distinct: dict[bytes, None] = field(default_factory=dict)
    examples: list[str] = field(default_factory=list)
    oldest: str | None = None
    #: Hits whose value is allowlisted, and the reason of the first.
    allowed: int = 0
    allowed_reason: str | None = None

    def add(self, row: int, score: float, digest: bytes, max_examples: int) -> bool:
        """Count one hit; True when its value is new and an example is still wanted."""
        self.hits += 1
        if row != self.last_row:
            self.rows_with_hits += 1
            self.last_row = row
        if score > self.score_max:
            self.score_max = score
        self.score_sum += score
        if digest in self.distinct:
            return False
        if len(self.distinct) < DISTINCT_CAP:
            self.distinct[digest] = None
        return len(self.examples) < max_examples

    def merge(self, other: _Agg, max_examples: int) -> None:
        """Fold another part of the same container (a byte range) into this one."""
        self.hits += other.hits
        self.rows_with_hits += other.rows_with_hits
        self.score_max = max(self.score_max, other.score_max)
        self.score_sum += other.score_sum
        for digest in other.distinct:
            if len(self.distinct) < DISTINCT_CAP:
                self.distinct[digest] = None
        for example in other.examples:
            if len(self.examples) < max_examples and example not in self.examples:
                self.examples.append(example)
        self.oldest = _min_ts(self.oldest, other.oldest)
        self.allowed += other.allowed
        self.allowed_reason = self.allowed_reason or other.allowed_reason


@dataclass(slots=True)
class ContainerOutcome:
    """What scanning one container (or one byte range of it) produced."""

    container: Container
    aggs: dict[tuple[str | None, str], _Agg] = field(default_factory=dict)
    hits: list[Hit] = field(default_factory=list)
    fields: set[str] = field(default_factory=set)
    rows: int = 0
    bytes: int = 0
    done: ContainerDone | None = None
    error: str | None = None
    oldest_ts: str | None = None
    newest_ts: str | None = None

    def merge(self, other: ContainerOutcome, max_examples: int) -> None:
        """Fold the outcome of another byte range of the same file into this one."""
        for key, agg in other.aggs.items():
            if key in self.aggs:
                self.aggs[key].merge(agg, max_examples)
            else:
                self.aggs[key] = agg
        self.hits.extend(other.hits)
        self.fields |= other.fields
        self.rows += other.rows
        self.bytes += other.bytes
        self.error = self.error or other.error
        self.oldest_ts = _min_ts(self.oldest_ts, other.oldest_ts)
        self.newest_ts = _max_ts(self.newest_ts, other.newest_ts)


class ContainerScanner:
    """Scans the batches of one container: detection, JSON fields, timestamps, aggregation."""

    def __init__(self, source: Source, detector: Detector, options: ScanOptions, key: bytes):
        self.source = source
        self.detector = detector
        self.options = options
        self.key = key
        self._cpu = threading.Lock()
        # Values repeat (the same client IP on every line): hash each once.
        # By entity, then value: dicts of strings and bytes, which the collector does not walk.
        self._memo: dict[str, dict[str, bytes]] = {}

    def run(
        self, container: Container, batches: Iterable, stop: threading.Event | None = None
    ) -> ContainerOutcome:
        """Consume ``batches``; a ``SourceError`` midway keeps what was read before it."""
        out = ContainerOutcome(container)
        try:
            for batch in batches:
                if stop is not None and stop.is_set():
                    out.error = "interrupted"
                    break
                if isinstance(batch, LineBatch):
                    self._lines(out, batch)
                elif isinstance(batch, ValueBatch):
                    # Tables are read in several threads so that their queries overlap;
                    # detection is CPU-bound, and threads taking turns under the GIL run it
                    # slower than one at a time, so it runs one batch at a time.
                    with self._cpu:
                        self._values(out, batch)
                elif isinstance(batch, ContainerDone):
                    out.done = batch
        except SourceError as e:
            out.error = e.reason
        except KeyboardInterrupt:
            # Ctrl-C or SIGTERM midway: keep what this container gave so far.
            if stop is not None:
                stop.set()
            out.error = "interrupted"
        return out

    # -- values of a table column -----------------------------------------------------------

    def _values(self, out: ContainerOutcome, batch: ValueBatch) -> None:
        out.fields.add(batch.field)
        if batch.rows:
            # Counted here too, so rows read before a failure midway are not lost.
            out.rows = max(out.rows, batch.rows[-1])
        context = _field_context(batch.field)
        values = batch.values
        integer = _is_integer_type(out.container, batch.field)
        for index, matches in self.detector.scan_values(values, context, integer=integer):
            value = values[index]
            row = batch.rows[index]
            for entity, start, end, score in matches:
                self._hit(out, batch.field, row, start, end, entity, score, value[start:end], None)

    # -- lines of a log ---------------------------------------------------------------------

    def _lines(self, out: ContainerOutcome, batch: LineBatch) -> None:
        data = batch.data
        if not batch.continued and data:
            out.rows += data.count(b"\n") + (0 if data.endswith(b"\n") else 1)
        out.bytes += len(data)
        for index, line, matches in self.detector.scan_lines(data):
            row = batch.first_line + index
            # A piece of a long line: offsets count from the start of the whole line.
            shift = batch.offset if index == 0 else 0
            ts = _timestamp(line)
            if ts is not None:
                out.oldest_ts = _min_ts(out.oldest_ts, ts)
                out.newest_ts = _max_ts(out.newest_ts, ts)
            spans = (
                jsonpaths.value_spans(line, max(m[1] for m in matches))
                if line.lstrip().startswith("{")
                else None
            )
            for entity, start, end, score in matches:
                field_name = None
                lo, hi = start + shift, end + shift
                if spans:
                    where = jsonpaths.field_at(spans, start, end)
                    if where is not None:
                        field_name, token_start = where
                        lo, hi = start - token_start, end - token_start
                        out.fields.add(field_name)
                self._hit(out, field_name, row, lo, hi, entity, score, line[start:end], ts)

    # -- one hit ----------------------------------------------------------------------------

    def _hit(
        self,
        out: ContainerOutcome,
        field_name: str | None,
        row: int,
        start: int,
        end: int,
        entity: str,
        score: float,
        value: str,
        ts: str | None,
    ) -> None:
        # Distinct values are counted by a cheap keyed digest; the HMAC that reports show
        # is computed only for hit rows.
        memo = self._memo.get(entity)
        if memo is None:
            memo = self._memo[entity] = {}
        distinct = memo.get(value)
        if distinct is None:
            if len(memo) >= _MEMO_SIZE:
                memo.clear()
            distinct = memo[value] = distinct_key(self.key, entity, value)
        key = (field_name, entity)
        agg = out.aggs.get(key)
        if agg is None:
            agg = out.aggs[key] = _Agg()
        options = self.options
        if agg.add(row, score, distinct, options.max_examples):
            # Masked only when shown: most values never become an example.
            example = value if options.show_values else mask(entity, value)
            if example not in agg.examples:
                agg.examples.append(example)
        if ts is not None and (agg.oldest is None or ts < agg.oldest):
            agg.oldest = ts
        if options.allowed_values:
            reason = options.allowed_values.get(value_hash(self.key, entity, value))
            if reason is not None:
                agg.allowed += 1
                agg.allowed_reason = agg.allowed_reason or reason
        if options.hits:
            masked = mask(entity, value)
            out.hits.append(
                Hit(
                    source=self.source.name,
                    container=out.container.name,
                    field=field_name,
                    row=row,
                    start=start,
                    end=end,
                    entity=entity,
                    score=round(score, 4),
                    masked=masked,
                    value_hash=value_hash(self.key, entity, value),
                    value=value if self.options.show_values else None,
                )
            )


def scan(
    sources: Sequence[Source | SourceError],
    options: ScanOptions | None = None,
    *,
    detector: Detector | None = None,
    progress: Progress | None = None,
    stop: threading.Event | None = None,
) -> ScanResult:
    """Scan every source and return the inventory.

    ``sources`` may hold a ``SourceError`` for a source that could not even be opened: it is
    reported as failed, like a source that fails while being read. Setting ``stop`` (or a
    ``KeyboardInterrupt``) ends the scan early with what was found so far, marked interrupted.
    """
    options = options or ScanOptions()
    detector = detector or Detector()
    key = options.hash_key or hash_key_from_env() or new_hash_key()
    stop = stop or threading.Event()
    scan_id = uuid.uuid4().hex[:12]
    started = _now()
    summaries: list[SourceSummary] = []
    findings: list[Finding] = []
    infos: list[ContainerInfo] = []
    hits: list[Hit] = []
    interrupted = False
    for source in sources:
        if isinstance(source, SourceError):
            summaries.append(
                SourceSummary(name=source.source, kind="unknown", status="failed",
                              errors=(source.reason,))
            )
            continue
        t0 = time.perf_counter()
        outcomes: list[ContainerOutcome] = []
        errors: list[str] = []
        listed = 0
        try:
            containers = list(source.containers())
            listed = len(containers)
            outcomes = _scan_source(source, containers, detector, options, key, progress, stop)
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
        # Listing problems that lost data (an unreadable directory) are errors of the source.
        errors.extend(str(e) for e in getattr(source, "errors", ()))
        if stop.is_set():
            interrupted = True
        warnings = [w for w in getattr(source, "warnings", ()) if not hasattr(w, "reason")]
        # Files of a folder left out, each with its reason: listed (a dangling symlink)...
        skipped = [(w.path, w.reason) for w in getattr(source, "warnings", ())
                   if hasattr(w, "reason")]
        rows = bytes_ = 0
        for outcome in outcomes:
            if outcome.done is not None and outcome.done.skipped:
                # ...or opened and found not to be text (binary, an SQLite database).
                skipped.append((outcome.container.name, outcome.done.skipped))
            if outcome.error:
                errors.append(f"{outcome.container.name}: {outcome.error}")
            info = _container_info(source, outcome)
            infos.append(info)
            rows += info.rows_scanned
            bytes_ += info.bytes_scanned
            findings.extend(_findings(scan_id, source, outcome, info, options))
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
        summaries.append(
            SourceSummary(
                name=source.name,
                kind=source.kind,
                status=status,
                errors=tuple(errors),
                containers=listed,
                rows_scanned=rows,
                bytes_scanned=bytes_,
                seconds=round(time.perf_counter() - t0, 3),
                warnings=tuple(warnings),
                skipped=tuple(skipped),
            )
        )
        if interrupted:
            break
    return ScanResult(
        scan_id=scan_id,
        started_at=started,
        finished_at=_now(),
        sources=tuple(summaries),
        findings=tuple(findings),
        containers=tuple(infos),
        hits=tuple(hits),
        interrupted=interrupted,
        options={
            "min_score": options.min_score,
            "min_rows": options.min_rows,
            "min_share": options.min_share,
            "hits": options.hits,
            "show_values": options.show_values,
            "jobs": options.jobs,
            "detector_engine": detector.engine_name,
        },
    )


def _scan_source(
    source: Source,
    containers: list[Container],
    detector: Detector,
    options: ScanOptions,
    key: bytes,
    progress: Progress | None,
    stop: threading.Event,
) -> list[ContainerOutcome]:
    total = len(containers)
    scanner = ContainerScanner(source, detector, options, key)

    def one(container: Container) -> ContainerOutcome:
        if stop.is_set():
            return ContainerOutcome(container, error="interrupted")
        try:
            return scanner.run(container, source.read(container), stop)
        except SourceError as e:
            return ContainerOutcome(container, error=e.reason)
        except Exception as e:  # a bug in one container must not lose the scan
            # Only the type: an exception's text may quote the data it choked on.
            return ContainerOutcome(container, error=f"internal error ({type(e).__name__})")

    if source.kind == "log" and options.jobs > 1 and total:
        from derbes.scanner import parallel

        return parallel.scan_log_containers(
            source, containers, options, key, progress, stop, detector=detector
        )

    workers = options.connections if source.kind == "database" else 1
    outcomes: list[ContainerOutcome] = []
    if workers <= 1 or total <= 1:
        for container in containers:
            if stop.is_set():
                break
            outcomes.append(one(container))
            if progress:
                progress(source.name, container.name, len(outcomes), total, outcomes[-1].bytes)
        return outcomes
    with ThreadPoolExecutor(max_workers=workers, thread_name_prefix="derbes-table") as pool:
        pending = {pool.submit(one, c) for c in containers}
        try:
            while pending:
                done, pending = wait(pending, timeout=0.5, return_when=FIRST_COMPLETED)
                for future in done:
                    outcomes.append(future.result())
                    if progress:
                        progress(source.name, outcomes[-1].container.name, len(outcomes), total,
                                 outcomes[-1].bytes)
        except KeyboardInterrupt:
            stop.set()
            for future in pending:
                future.cancel()
            raise
    order = {c.name: i for i, c in enumerate(containers)}
    outcomes.sort(key=lambda o: order.get(o.container.name, 0))
    return outcomes


def _container_info(source: Source, outcome: ContainerOutcome) -> ContainerInfo:
    done = outcome.done or ContainerDone()
    rows = done.rows_scanned or outcome.rows
    oldest = outcome.oldest_ts or done.oldest or (done.mtime if source.kind == "log" else None)
    newest = outcome.newest_ts or (done.mtime if source.kind == "log" else None)
    return ContainerInfo(
        source=source.name,
        container=outcome.container.name,
        kind=outcome.container.kind,
        rows_scanned=rows,
        bytes_scanned=done.bytes_scanned or outcome.bytes,
        sampled=done.sampled,
        skipped_fields=tuple(done.skipped_fields),
        notes=tuple(done.notes) + ((f"error: {outcome.error}",) if outcome.error else ()),
        oldest_timestamp=oldest,
        newest_timestamp=newest,
        rows_estimated=done.rows_estimated,
        age_column=done.age_column if oldest == done.oldest else None,
        age_method=done.age_method if oldest == done.oldest else None,
    )


def _findings(
    scan_id: str,
    source: Source,
    outcome: ContainerOutcome,
    info: ContainerInfo,
    options: ScanOptions,
) -> list[Finding]:
    rows = max(info.rows_scanned, 1)

    def finding(field_name: str | None, entity: str, match_type: str, **counts) -> Finding:
        return Finding(
            scan_id=scan_id,
            source=source.name,
            source_kind=source.kind,
            container=outcome.container.name,
            field=field_name,
            entity=entity,
            category=category_of(entity),
            match_type=match_type,
            rows_scanned=info.rows_scanned,
            **counts,
        )

    by_value: dict[tuple[str | None, str], Finding] = {}
    for (field_name, entity), agg in outcome.aggs.items():
        strong = agg.score_max >= options.strong_score
        enough = agg.rows_with_hits >= options.min_rows or agg.rows_with_hits / rows >= (
            options.min_share
        )
        if agg.score_max < options.min_score or not (strong or enough):
            continue
        by_value[(field_name, entity)] = finding(
            field_name, entity, MATCH_VALUE,
            hits=agg.hits,
            rows_with_hits=agg.rows_with_hits,
            distinct_values=len(agg.distinct),
            score_max=round(agg.score_max, 4),
            score_mean=round(agg.score_sum / agg.hits, 4),
            examples=tuple(agg.examples),
            oldest_seen=agg.oldest or (info.oldest_timestamp if source.kind == "log" else None),
        )
        if agg.allowed == agg.hits:  # every value seen here is allowlisted
            by_value[(field_name, entity)] = replace(
                by_value[(field_name, entity)], status=STATUS_ALLOWED,
                status_reason=agg.allowed_reason)
    if options.name_evidence:
        names = {c.name for c in outcome.container.columns} | outcome.fields
        for name in sorted(names):
            entity = entity_for_name(name)
            if entity is None:
                continue
            found = by_value.get((name, entity))
            by_value[(name, entity)] = (
                replace(found, match_type=MATCH_BOTH) if found is not None else finding(
                    name, entity, MATCH_NAME, hits=0, rows_with_hits=0, distinct_values=0,
                    score_max=0.0, score_mean=0.0)
            )
    return sorted(by_value.values(), key=lambda f: (f.container, f.field or "", f.entity))


_INTEGER_TYPE = re.compile(
    r"(?:tiny|small|medium|big)?int(?:eger)?\b.*|u?int\d+|(?:numeric|decimal|number)"
    r"\(\s*\d+\s*(?:,\s*0\s*)?\)",
    re.IGNORECASE,
)


def _is_integer_type(container: Container, field_name: str) -> bool:
    """Whether ``field_name`` is a column of ``container`` that stores whole numbers."""
    for column in container.columns:
        if column.name == field_name:
            return _INTEGER_TYPE.fullmatch(column.type.strip()) is not None
    return False


def _field_context(field_name: str) -> tuple[str, ...]:
    """A column or key path as context words: its last component, and the whole path."""
    last = field_name.rsplit(".", 1)[-1].replace("[]", "")
    return (last,) if last == field_name else (last, field_name)


# -- timestamps in log lines, for retention --------------------------------------------------

_MONTHS = {m: f"{i:02d}" for i, m in enumerate(
    ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"), 1)}
# ISO 8601 (2026-11-21T10:00:00, 2026-11-21 10:00:00), nginx/Apache [21/Nov/2026:10:00:00,
# and day.month.year 21.11.2026 10:00:00: one search finds the leftmost of them. Fields are
# fixed-width ASCII digits, so they are checked and reordered as strings.
_TS = re.compile(
    r"([0-9]{4})-([0-9]{2})-([0-9]{2})[T ]([0-9]{2}):([0-9]{2}):([0-9]{2})"
    r"|\[([0-9]{2})/([A-Z][a-z]{2})/([0-9]{4}):([0-9]{2}):([0-9]{2}):([0-9]{2})"
    r"|([0-9]{2})\.([0-9]{2})\.([0-9]{4})[ T]([0-9]{2}):([0-9]{2}):([0-9]{2})"
)


#: Where a timestamp can begin: each format starts with a digit or "[".
_TS_START = re.compile(r"[0-9\[]")
#: Parsed timestamps by the text of their line up to the timestamp's end, for timestamps that
#: begin at the line's first digit or "[": the result then depends on that text only (the
#: formats that can begin at one place are all read within it). Lines of one second share it.
_TS_MEMO: dict[str, str | None] = {}
_UNSEEN = object()


def _timestamp(line: str) -> str | None:
    """The first timestamp near the start of a log line, as ISO 8601, or None."""
    first = _TS_START.search(line, 0, 200)
    if first is None:
        return None
    at = first.start()
    for width in (19, 21):  # ISO and day.month.year, or nginx with its "["
        found = _TS_MEMO.get(line[: at + width], _UNSEEN)
        if found is not _UNSEEN:
            return found  # type: ignore[return-value]
    m = _TS.search(line, at, 200)
    if m is None:
        return None
    if len(_TS_MEMO) >= _MEMO_SIZE:
        _TS_MEMO.clear()
    # The parse depends on the timestamp's text alone: nginx lines of one second share it.
    text = m.group()
    found = _TS_MEMO.get(text, _UNSEEN)
    if found is _UNSEEN:
        found = _TS_MEMO[text] = _parse_timestamp(m)
    if m.start() == at:
        _TS_MEMO[line[: m.end()]] = found
    return found  # type: ignore[return-value]


def _parse_timestamp(m: re.Match) -> str | None:
    g = m.groups()
    if g[0] is not None:
        y, mo, d, h, mi, s = g[0:6]
    elif g[6] is not None:
        mo = _MONTHS.get(g[7])
        if mo is None:
            return None
        d, y, h, mi, s = g[6], g[8], g[9], g[10], g[11]
    else:
        d, mo, y, h, mi, s = g[12:18]
    if not ("01" <= mo <= "12" and "01" <= d <= "31" and h < "24" and mi < "60" and s < "61"
            and y > "1970"):
        return None
    return f"{y}-{mo}-{d}T{h}:{mi}:{s}"


def _min_ts(a: str | None, b: str | None) -> str | None:
    return b if a is None else a if b is None else min(a, b)


def _max_ts(a: str | None, b: str | None) -> str | None:
    return b if a is None else a if b is None else max(a, b)


def _now() -> str:
    return dt.datetime.now(dt.UTC).isoformat(timespec="seconds")
