"""Scan units on a Dask cluster: the same units and the same merge as a local scan.

A scan is a list of independent units (:class:`~derbes.scanner.engine.units.Unit`): a table, a
file, or a byte range of a large plain file. :class:`DaskExecutor` hands them to the workers of
a ``dask.distributed`` cluster, biggest first, and yields each unit's
:class:`~derbes.scanner.engine.container.ContainerOutcome` as it comes back; the engine merges
them exactly as it merges the units of a local scan, so the inventory is the same.

What travels, and how:

* The scan's shared state (the sources as the arguments that open them, the recognizers, the
  options and the hash key) goes to every worker once, as a worker plugin, including workers
  that join (or are restarted) midway. Each worker process opens each source once and
  compiles the detector once: Hyperscan databases do not pickle, so workers rebuild them from
  the recognizers and keep them per process.
* A unit's result is its counters, distinct-value sketches and examples: small. Its hits
  (``--hits``), which can be millions of rows, are written by the worker as Parquet parts
  (:mod:`derbes.scanner.hitparts`, as a local scan's worker processes write them) into
  ``parts_url`` (a folder every worker and the client can reach: a shared path, or an fsspec URL
  such as ``s3://bucket/derbes-parts``), not sent through the scheduler; the client moves each
  part into the scan's own parts folder as the unit comes back (or reads it, without one).
* A worker that dies (killed, out of memory, its machine lost) has its unit rerun by the
  scheduler on another worker. A unit that keeps killing workers (Dask's
  ``distributed.scheduler.allowed-failures``) is rerun once more at the end, alone, since it
  may only have been queued on a worker that another unit killed; if it kills a worker again,
  or if its code keeps raising, it comes back as a failed part of its source: the scan
  completes, the source is ``partial`` and the exit code says incomplete.
"""

from __future__ import annotations

import contextlib
import hashlib
import pickle
import threading
import uuid
from collections.abc import Iterator, Sequence
from dataclasses import replace
from typing import Any

from distributed import Client, WorkerPlugin, as_completed, get_worker
from distributed.client import FutureCancelledError
from distributed.scheduler import KilledWorker

from derbes.scanner.engine.container import ContainerOutcome, ContainerScanner
from derbes.scanner.engine.detect import Detector
from derbes.scanner.engine.options import Progress, ScanOptions
from derbes.scanner.engine.parallel import detector_recipe, run_task
from derbes.scanner.engine.units import Unit, describe_unit
from derbes.scanner.errors import ClusterError
from derbes.scanner.hitparts import HitPart, move_part, read_part, remove_parts
from derbes.scanner.sources.base import Source

#: A unit with more hits than this writes them as Parquet parts (when there is a parts folder).
INLINE_HITS = 10_000
#: How long to wait for the first worker of a cluster that is still starting.
WORKER_WAIT_S = 60.0
#: Reruns of a unit whose code raised (a lost worker is rerun by the scheduler anyway).
RETRIES = 1
#: Whole files are sent to the workers several at a time, up to this many bytes a batch: a
#: Dask task costs about 3 ms of scheduling and transfer (a folder of 1,000 one-line logs took
#: 3.1 s on one worker against 0.12 s in one local process). Batches stay small enough for
#: every worker to get several (:func:`batches`).
BATCH_BYTES = 4 << 20
#: At most this many units a batch.
BATCH_UNITS = 256
#: Batches of small files per worker thread, at least, when there are enough files.
BATCHES_PER_SLOT = 4


class DaskExecutor:
    """Runs scan units on a Dask cluster.

    ``address`` is the scheduler's (``tcp://scheduler:8786``); or pass a connected ``client``
    (tests, benchmarks, a ``LocalCluster``). ``parts_url`` is where workers write large hit sets.

    >>> with DaskExecutor("tcp://scheduler:8786") as executor:  # doctest: +SKIP
    ...     result = scan(sources, options, executor=executor)
    """

    def __init__(
        self,
        address: str | None = None,
        *,
        client: Client | None = None,
        parts_url: str | None = None,
        inline_hits: int | None = None,
        retries: int = RETRIES,
        connect_timeout: str = "30s",
    ) -> None:
        if client is None:
            if not address:
                raise ClusterError("no Dask scheduler address (--dask tcp://host:8786)")
            try:
                client = Client(address, timeout=connect_timeout, set_as_default=False)
            except (OSError, TimeoutError) as e:
                raise ClusterError(f"cannot reach the Dask scheduler at {address}: "
                                   f"{type(e).__name__}") from e
            self._owned = True
        else:
            self._owned = False
        self.client = client
        self.parts_url = parts_url.rstrip("/") if parts_url else None
        self.inline_hits = INLINE_HITS if inline_hits is None else inline_hits
        self.retries = retries

    def __enter__(self) -> DaskExecutor:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        """Disconnect, if this executor made the connection."""
        if self._owned:
            self.client.close()

    @property
    def name(self) -> str:
        return f"dask {self.client.scheduler.address}"

    def parallelism(self) -> int:
        """Worker threads of the cluster (at least one; waits for the first worker)."""
        try:
            self.client.wait_for_workers(1, timeout=WORKER_WAIT_S)
        except TimeoutError as e:
            raise ClusterError(f"no Dask worker joined within {WORKER_WAIT_S:.0f} s") from e
        return max(1, sum(self.client.nthreads().values()))

    def run(
        self,
        sources: Sequence[Source],
        units: Sequence[Unit],
        detector: Detector,
        options: ScanOptions,
        key: bytes,
        progress: Progress | None = None,
        stop: threading.Event | None = None,
    ) -> Iterator[tuple[Unit, ContainerOutcome]]:
        """``(unit, outcome)`` for every unit, in the order they finish.

        Every unit comes back: done, failed (with the reason) or, after ``stop`` or Ctrl-C,
        ``interrupted``. A unit whose workers died too often may only have been queued on a
        worker that a failing unit killed; it is rerun once more at the end, alone on the
        cluster, and fails only if it kills a worker again by itself.
        """
        stop = stop or threading.Event()
        token = uuid.uuid4().hex[:12]
        plugin_name = f"derbes-scan-{token}"
        parts_url = f"{self.parts_url}/{token}" if self.parts_url else None
        state = _ScanState(list(sources), detector, options, key, parts_url, self.inline_hits)
        try:
            self.client.register_plugin(state, name=plugin_name)
        except Exception as e:  # the scheduler's refusal comes in many types
            raise ClusterError(f"cannot set the scan up on the cluster: {type(e).__name__}: "
                               f"{e}") from e
        total = len(units)
        done = 0
        try:
            biggest_first = sorted(range(total), key=lambda i: -units[i].task.size)
            suspects: list[int] = []
            batched = batches(sources, units, biggest_first, self.parallelism())
            futures = self._submit(plugin_name, token, units, batched, "")
            for i, outcome, killed in self._gather(futures, units, stop, options.hits_dir):
                if killed and not stop.is_set():
                    suspects.append(i)
                    continue
                done += 1
                if progress is not None:
                    progress(sources[units[i].source].name, units[i].task.container.name,
                             done, total, outcome.bytes)
                yield units[i], outcome
            for i in suspects:
                if stop.is_set():
                    outcome = ContainerOutcome(units[i].task.container, error="interrupted")
                else:
                    alone = self._submit(plugin_name, token, units, [[i]], "-alone")
                    _, outcome, _ = next(self._gather(alone, units, stop, options.hits_dir))
                done += 1
                if progress is not None:
                    progress(sources[units[i].source].name, units[i].task.container.name,
                             done, total, outcome.bytes)
                yield units[i], outcome
        finally:
            # A cluster gone away has no plugin left to remove.
            with contextlib.suppress(Exception):
                self.client.unregister_worker_plugin(plugin_name)
            if parts_url is not None:
                remove_parts(parts_url)

    def _submit(
        self, plugin: str, token: str, units: Sequence[Unit], which: Sequence[list[int]],
        suffix: str,
    ) -> dict[Any, list[int]]:
        """Futures of the batches of units ``which``, in that order of priority: a batch of
        one is a task of its own; a larger one is one task that runs its units in turn."""
        futures = {}
        for rank, batch in enumerate(which):
            if len(batch) == 1:
                i = batch[0]
                call: tuple = (_run_unit, plugin, i, units[i])
            else:
                call = (_run_units, plugin, batch, [units[i] for i in batch], self.retries)
            future = self.client.submit(
                *call, key=f"derbes-unit-{token}-{batch[0]}{suffix}", pure=False,
                retries=self.retries, priority=len(which) - rank)
            futures[future] = batch
        return futures

    def _gather(
        self, futures: dict[Any, list[int]], units: Sequence[Unit], stop: threading.Event,
        hits_dir: str | None,
    ) -> Iterator[tuple[int, ContainerOutcome, bool]]:
        """``(unit index, outcome, its workers died too often)`` as futures finish; after
        ``stop`` or Ctrl-C the rest come back interrupted."""
        pending = dict(futures)
        try:
            for future in as_completed(list(futures), loop=self.client.loop):
                batch = pending.pop(future)
                outcomes = self._outcomes(future, [units[i] for i in batch], hits_dir)
                future.release()
                for i, (outcome, killed) in zip(batch, outcomes, strict=True):
                    yield i, outcome, killed
                if stop.is_set():
                    break
        except KeyboardInterrupt:
            stop.set()
        for future, batch in pending.items():
            future.cancel()
            for i in batch:
                yield i, ContainerOutcome(units[i].task.container, error="interrupted"), False

    def _outcomes(
        self, future: Any, batch: list[Unit], hits_dir: str | None
    ) -> list[tuple[ContainerOutcome, bool]]:
        """Each unit's outcome of a finished future, and whether its workers died too often
        (then every unit of the batch is suspect)."""
        try:
            result = future.result()
        except FutureCancelledError:
            return [(ContainerOutcome(u.task.container, error="interrupted"), False)
                    for u in batch]
        except KilledWorker:
            return [(ContainerOutcome(u.task.container, error=(
                f"{describe_unit(u)}: its worker died too often")), True) for u in batch]
        except Exception as e:  # the unit's code raised on every try
            return [(_failed(u, e), False) for u in batch]
        results = result if isinstance(result, list) else [result]
        return [(self._fetched(r.outcome, u, hits_dir), False)
                for r, u in zip(results, batch, strict=True)]

    def _fetched(
        self, outcome: ContainerOutcome, unit: Unit, hits_dir: str | None
    ) -> ContainerOutcome:
        """``outcome`` with the hits parts its worker wrote fetched."""
        try:
            outcome.spilled = [_fetch(s, hits_dir) for s in outcome.spilled]
        except OSError as e:
            outcome.spilled = []
            outcome.error = outcome.error or (
                f"{describe_unit(unit)}: hits part unreadable ({type(e).__name__})")
        return outcome


def _failed(unit: Unit, error: BaseException) -> ContainerOutcome:
    """The outcome of a unit whose code raised on every try: only the exception's type (its
    text may quote the data it choked on)."""
    return ContainerOutcome(unit.task.container, error=(
        f"{describe_unit(unit)}: failed on a worker ({type(error).__name__})"))


def batches(
    sources: Sequence[Source], units: Sequence[Unit], order: Sequence[int], slots: int
) -> list[list[int]]:
    """``order`` (unit indexes, biggest first) in batches that one task each runs: a table or
    a byte range alone, and whole files alone or, when small, with the next ones in ``order``
    up to a batch's bytes (:data:`BATCH_BYTES`, and less when there are few: the small files'
    bytes over ``BATCHES_PER_SLOT`` batches a worker thread) and :data:`BATCH_UNITS`."""

    def whole_file(i: int) -> bool:
        unit = units[i]
        return unit.task.start is None and sources[unit.source].kind != "database"

    small = sum(units[i].task.size for i in order if whole_file(i))
    limit = min(BATCH_BYTES, small // max(1, slots * BATCHES_PER_SLOT))
    out: list[list[int]] = []
    batch: list[int] = []
    size = 0
    for i in order:
        if not whole_file(i) or units[i].task.size >= limit:
            if batch:  # the batch so far first: the order is the order of priority
                out.append(batch)
                batch, size = [], 0
            out.append([i])
            continue
        batch.append(i)
        size += units[i].task.size
        if size >= limit or len(batch) >= BATCH_UNITS:
            out.append(batch)
            batch, size = [], 0
    if batch:
        out.append(batch)
    return out


def _fetch(segment: Any, hits_dir: str | None) -> Any:
    """A part a worker wrote, moved into the scan's own parts folder (or read, without one)."""
    if not isinstance(segment, HitPart):
        return segment
    if hits_dir is None:
        hits = read_part(segment.url, segment.row_offset)
        remove_parts(segment.url)
        return hits
    return move_part(segment, hits_dir)


class _UnitResult:
    """What a worker sends back: the outcome, its hits in Parquet parts if many."""

    __slots__ = ("outcome",)

    def __init__(self, outcome: ContainerOutcome) -> None:
        self.outcome = outcome

    def __reduce__(self):
        return (_UnitResult, (self.outcome,))


# -- worker side ------------------------------------------------------------------------------

#: Detectors built in this worker process, by the digest of their recipe.
_DETECTORS: dict[str, Detector] = {}
_DETECTORS_LOCK = threading.Lock()


class _ScanState(WorkerPlugin):
    """The scan's shared state, installed on every worker."""

    def __init__(
        self,
        sources: list[Source],
        detector: Detector,
        options: ScanOptions,
        key: bytes,
        parts_url: str | None,
        inline_hits: int,
    ) -> None:
        self.sources = sources
        self.recipe = detector_recipe(detector)
        self.recipe_digest = hashlib.sha256(pickle.dumps(self.recipe)).hexdigest()
        # Hits are written where the client can fetch them: the cluster's parts folder, not
        # the client's own (its ``hits_dir`` is a path on the client's machine).
        self.options = replace(options, hits_dir=parts_url)
        self.key = key
        self.parts_url = parts_url
        self.inline_hits = inline_hits

    def setup(self, worker: Any) -> None:
        self._lock = threading.Lock()

    def teardown(self, worker: Any) -> None:
        for source in self.sources:
            # Closing a source on a worker must not fail the worker.
            with contextlib.suppress(Exception):
                source.close()

    def detector(self) -> Detector:
        with _DETECTORS_LOCK:
            found = _DETECTORS.get(self.recipe_digest)
            if found is None:
                recognizers, language, fast = self.recipe
                found = Detector(recognizers, language=language, fast=fast)
                if len(_DETECTORS) >= 4:
                    _DETECTORS.clear()
                _DETECTORS[self.recipe_digest] = found
            return found

    def run(self, index: int, unit: Unit) -> _UnitResult:
        source = self.sources[unit.source]
        scanner = ContainerScanner(source, self.detector(), self.options, self.key)
        outcome = run_task(scanner, source, unit.task, None)
        if len(outcome.hits) > self.inline_hits:
            scanner.spill(outcome)
        outcome.pack()  # distinct values packed, as a local worker sends them
        return _UnitResult(outcome)


def _run_unit(plugin_name: str, index: int, unit: Unit) -> _UnitResult:
    state: _ScanState = get_worker().plugins[plugin_name]
    return state.run(index, unit)


def _run_units(
    plugin_name: str, indexes: list[int], units: list[Unit], retries: int
) -> list[_UnitResult]:
    """A batch of units in turn. A unit whose code raises is tried again ``retries`` times,
    as Dask retries a task of its own, then comes back failed: the other units of its batch
    are not lost with it (a worker that dies loses the batch, and the client reruns its
    units one by one)."""
    state: _ScanState = get_worker().plugins[plugin_name]
    out = []
    for index, unit in zip(indexes, units, strict=True):
        for attempt in range(retries + 1):
            try:
                out.append(state.run(index, unit))
                break
            except Exception as e:  # the unit fails, not its batch
                if attempt == retries:
                    out.append(_UnitResult(_failed(unit, e)))
    return out
