"""Log files, and a database's tables, in several processes: many files or tables, or one
large file cut into byte ranges.

Detection is CPU-bound Python, so threads do not help; processes do. The work is cut into
tasks: a whole file, or for a large plain file a byte range, which reads the lines that start in it
(:class:`~derbes.scanner.sources.base.RangeReadable`). ``--jobs N`` is this process and N - 1
workers, each taking the biggest task left when it is free (:func:`run_tasks`); each runs the
engine's own :class:`~derbes.scanner.engine.container.ContainerScanner` on its task, and the
:class:`~derbes.scanner.engine.container.ContainerOutcome` of the ranges of one file are merged
back in file order. Findings are therefore the same as with one process. A database's
tables are taken a few at a time where the database is far, and read ahead in threads while
the one before them is scanned (:class:`ReadAhead`).

A range numbers its lines from its own start (its first line is 1): nothing but the range is
read to number them, neither by the planner nor by the worker. The merge numbers each range
after the lines of the ranges before it (:meth:`ContainerOutcome.shift_rows`), so hits, notes
and errors name the lines that one process would. Only the lines of a range that was not
read to its end (it failed midway, was interrupted, never ran) are counted apart, from the
file's bytes, by the process that merges (:func:`lines_counter`). A range that starts inside
a pretty-printed JSON document, or among records under a header, learns what is open there
from the lines just before it (:func:`~derbes.scanner.engine.pieces.structure_before`), so
that its lines get the names they get in one process (:func:`run_task`).

Workers are forked where the platform allows it: they inherit the compiled detector (Hyperscan
databases do not pickle) and start in milliseconds. Elsewhere they are spawned and rebuild the
detector from its recognizers. Workers ignore SIGINT; this process handles Ctrl-C and ``stop``.
"""

from __future__ import annotations

import gc
import multiprocessing
import os
import pickle
import shutil
import signal
import tempfile
import threading
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import suppress
from dataclasses import dataclass
from multiprocessing.connection import wait as connection_wait
from typing import Any

from derbes.scanner.engine.container import ContainerOutcome, ContainerScanner
from derbes.scanner.engine.detect import Detector
from derbes.scanner.engine.interrupts import held
from derbes.scanner.engine.options import Progress, ScanOptions
from derbes.scanner.engine.pieces import structure_before
from derbes.scanner.engine.structure import LOOKBACK_BYTES, MAX_BLOCK_LINES
from derbes.scanner.errors import SourceError, internal_error_reason
from derbes.scanner.sources.base import (
    Container,
    ContainerDone,
    RangeReadable,
    Shareable,
    Source,
    invalid_utf8_note,
)

#: Ranges shorter than this are not worth a task of their own. Small enough that the last
#: ranges of a file end close together even where the file's lines differ in cost from one
#: part to the next (a dense stretch of JSON API lines costs twice a stretch of access log):
#: with 2 MiB, a 10 MB file ran in four equal ranges and one worker sat idle for a third of
#: the scan (benchmarks/README.md, "--jobs").
MIN_RANGE_BYTES = 256 << 10
#: A file larger than ``2 / (jobs * RANGES_PER_JOB)`` of all the work is cut into ranges.
RANGES_PER_JOB = 4
#: Each range of a cut file takes ``1 / (GUIDED * jobs)`` of the bytes still left (:func:`guided`).
GUIDED = 2
#: Hits an outcome keeps in memory when its process hands it over (:func:`_handed_over`);
#: more are written as a part (``--hits``).
RETURN_HITS = 2_000
#: A database that answers a query within this many seconds is not read ahead
#: (:class:`ReadAhead`): its waits are short, and a thread reading beside the scan took the
#: interpreter from it. On two cores, 200 PostgreSQL tables of 1,000 rows
#: (``benchmarks/db_tables.py --tables 200 --jobs 2``), on this machine (a 0.17 ms round
#: trip), two connections: 4.3-4.4 s one table at a time, 4.9-5.0 s read ahead; behind a
#: proxy delaying each way by 5 ms (10.8 ms), four connections: 12.2-12.8 s in four threads
#: of one process, 7.3-8.5 s in two processes reading ahead in two threads each.
READ_AHEAD_ROUND_TRIP_S = 0.003
#: Whole files smaller than this are taken several at a time (:func:`chunk_ends`), up to
#: CHUNK_BYTES and CHUNK_TASKS a take, their outcomes sent back in one file: taken one by
#: one, each cost this process about 150 us to receive (a wait, two messages, a file opened,
#: unpickled and removed), and ``--jobs 2`` over 10,000 files of two lines took 2.4-2.7 s
#: against 1.6 s in one process.
CHUNK_FILE_BYTES = 32 << 10
CHUNK_BYTES = 256 << 10
CHUNK_TASKS = 64


@dataclass(frozen=True, slots=True)
class Task:
    """A whole container (``start is None``), or bytes ``[start, end)`` of it."""

    index: int  # of the container in the caller's list
    container: Container
    start: int | None = None
    end: int | None = None

    @property
    def size(self) -> int:
        if self.start is not None and self.end is not None:
            return self.end - self.start
        return int(self.container.meta.get("size", 0) or 0)

    @property
    def table(self) -> bool:
        """A database's table: a whole container with no size in bytes."""
        return self.start is None and self.container.meta.get("size") is None

    @property
    def weight(self) -> int:
        """What orders the tasks, heaviest first: a file's or a range's bytes; a table's
        scannable columns (it has no size in bytes, and its rows are sampled alike: a wide
        table costs more than a narrow one, and taken last would keep one process busy
        while the others wait)."""
        if self.table:
            return sum(1 for column in self.container.columns if column.scannable)
        return self.size


def plan_tasks(source: Source, containers: Sequence[Container], jobs: int) -> list[Task]:
    """Tasks for ``containers``: large plain files cut into byte ranges, the rest whole.

    A file is cut only when it is larger than its share of the total work, so many small files
    run one per task. A file that is cut runs in ranges that shrink as the work left does
    (:func:`guided`): large ones first, then smaller, down to ``MIN_RANGE_BYTES`` at the end,
    so that no worker waits long for the last range of another.
    """
    sizes = [int(c.meta.get("size", 0) or 0) for c in containers]
    share = max(MIN_RANGE_BYTES, sum(sizes) // max(1, jobs * RANGES_PER_JOB))
    cuttable = isinstance(source, RangeReadable)
    tasks: list[Task] = []
    for index, (container, size) in enumerate(zip(containers, sizes, strict=True)):
        ranges: list[tuple[int, int]] = []
        if cuttable and size >= 2 * share:
            # Pieces of MIN_RANGE_BYTES, grouped into the ranges (the file is not read).
            ranges = guided(
                source.split(container, -(-size // MIN_RANGE_BYTES), MIN_RANGE_BYTES), jobs)
        if len(ranges) <= 1:
            tasks.append(Task(index, container))
            continue
        tasks.extend(Task(index, container, start, end) for start, end in ranges)
    return tasks


def guided(pieces: Sequence[tuple[int, int]], jobs: int) -> list[tuple[int, int]]:
    """Consecutive ``pieces`` grouped into ranges of ``1 / (GUIDED * jobs)`` of the bytes left
    each (guided scheduling): with ranges handed out biggest first, every worker gets a large
    one, and the smallest come last, when a worker that finishes early has little to wait for.
    """
    out: list[tuple[int, int]] = []
    left = sum(end - start for start, end in pieces)
    i = 0
    while i < len(pieces):
        target = left / (GUIDED * max(1, jobs))
        start, end = pieces[i]
        i += 1
        while i < len(pieces) and end - start < target:
            end = pieces[i][1]
            i += 1
        out.append((start, end))
        left -= end - start
    return out


def scan_containers(
    source: Source,
    containers: Sequence[Container],
    options: ScanOptions,
    key: bytes,
    progress: Progress | None = None,
    stop: threading.Event | None = None,
    *,
    detector: Detector | None = None,
    settle: Callable[[ContainerOutcome], Any] | None = None,
) -> list[Any]:
    """Scan ``containers`` (log files, or the tables of a :class:`Shareable` database, each
    process reading with its share of it) with ``options.jobs`` processes, this one among them
    (:func:`run_tasks`); outcomes in order, each passed through ``settle`` (the engine's
    summary of a container) as soon as the last of its ranges is back and merged.

    ``detector`` is the one the engine uses (its recognizers are reused by the workers);
    without it, workers use the default recognizers.
    """
    settle = settle or (lambda outcome: outcome)
    detector = detector or Detector()
    stop = stop or threading.Event()
    tasks = plan_tasks(source, containers, options.jobs)
    # This process reads as one of the jobs too (a database: one connection, its share).
    own = shared(source, options.jobs)
    if own is not source:
        # The source's own connections (the listing's, idle in its pool) are let go: the
        # shares hold --connections in all, and a forked worker inherits none.
        source.close()
    try:
        return _scan_tasks(own, containers, tasks, options, key, progress, stop, detector,
                           settle)
    finally:
        if own is not source:
            own.close()


def _scan_tasks(
    source: Source,
    containers: Sequence[Container],
    tasks: list[Task],
    options: ScanOptions,
    key: bytes,
    progress: Progress | None,
    stop: threading.Event,
    detector: Detector,
    settle: Callable[[ContainerOutcome], Any],
) -> list[Any]:
    """:func:`scan_containers` of the planned ``tasks`` with ``source`` as this process
    reads it."""
    lines_in = lines_counter(source)
    # Standard input cannot be read from another process.
    local = [t for t in tasks if t.container.local_only]
    remote = [t for t in tasks if not t.container.local_only]
    parts: dict[int, Folding] = {}
    pending_parts = {}
    for t in tasks:
        pending_parts[t.index] = pending_parts.get(t.index, 0) + 1
    finished: list[int] = []
    settled: dict[int, Any] = {}

    def collect(task: Task, outcome: ContainerOutcome) -> None:
        # Progress counts units (a file, or a byte range of one), as on a Dask cluster.
        # This unit's bytes, before the fold: a range that comes back before the ranges after
        # it (already folded) becomes their run's first, and the fold adds their bytes to it.
        read = outcome.bytes
        # Ctrl-C within the record sets stop instead (interrupts.held): a fold or a settle
        # cut midway would leave the file's counts half merged.
        with held(stop):
            folding = parts.get(task.index)
            if folding is None:
                folding = parts[task.index] = Folding(options.max_examples, lines_in)
            folding.append((task, outcome))
            pending_parts[task.index] -= 1
            finished.append(task.index)
            if not pending_parts[task.index]:
                # Every range of the file is back: settled now, its distinct values let go.
                del parts[task.index]
                settled[task.index] = settle(merge_outcomes(folding, options.max_examples,
                                                            lines_in))
        if progress:
            progress(source.name, task.container.name, len(finished), len(tasks), read)

    scanner = ContainerScanner(source, detector, options, key)
    try:
        for task in local:
            collect(task, run_task(scanner, source, task, stop))
    except KeyboardInterrupt:  # between two of them: what is recorded stays
        stop.set()
    if remote:
        results = run_tasks(remote, options.jobs, source, detector, options, key, stop, scanner)
        while True:
            try:
                for task, outcome in results:
                    collect(task, outcome)
                break
            except KeyboardInterrupt:
                # Ctrl-C here, between two records (run_tasks handles its own): the workers
                # end their ranges early and what they send is still collected.
                stop.set()
    outcomes = []
    for index, container in enumerate(containers):
        if index in settled:
            outcomes.append(settled.pop(index))
            continue
        got = parts.get(index)
        if not got:  # never ran: the scan was stopped first
            outcomes.append(settle(ContainerOutcome(container, error="interrupted")))
            continue
        # Stopped before all of its ranges ran: what came back, merged.
        outcomes.append(settle(merge_outcomes(got, options.max_examples, lines_in)))
    return outcomes


def run_tasks(
    tasks: Sequence[Task],
    jobs: int,
    source: Source,
    detector: Detector,
    options: ScanOptions,
    key: bytes,
    stop: threading.Event,
    scanner: ContainerScanner | None = None,
) -> Iterator[tuple[Task, ContainerOutcome]]:
    """``(task, outcome)`` as they finish, heaviest tasks first (:attr:`Task.weight`); this
    process is one of the ``jobs`` (``scanner``: its own, else one made here).

    This process and ``jobs - 1`` workers (none for a single task) take the tasks from one
    shared counter, whoever is free first the biggest left; between its own tasks this
    process collects what the workers finished. Taking part costs it nothing it would not
    wait for anyway, and spares a process: with a pool of ``jobs`` workers this process
    waited, and still took a core's share to start them, take their outcomes and merge them
    (at ``--jobs 2`` on two cores, 1.61x one process became 1.70x; benchmarks/README.md).

    A worker writes each outcome to a file of a private folder and sends its name, so that a
    worker never waits for this process to read: a compiled scan here holds the interpreter
    for its whole task, and an outcome fills a pipe. A worker that dies (killed, out of
    memory) fails the task it was on with an error outcome, not the scan; so does an
    unexpected error in a task. When ``stop`` is set, tasks not yet taken are dropped.
    """
    order = sorted(tasks, key=lambda t: -t.weight)
    if scanner is None:
        scanner = ContainerScanner(source, detector, options, key)
    workers = min(jobs - 1, len(order) - 1)
    if stop.is_set():
        return
    crew = None
    if workers >= 1:  # else one task, or one job: nothing to share
        try:
            crew = _Workers(workers, order, source, detector, options, key)
        except OSError:
            # No worker could start (fork refused: a process or memory limit), or no private
            # folder could be made for their outcomes (a read-only temporary folder): this
            # process scans every task, as with --jobs 1.
            crew = None
    if crew is None:
        for task in order:
            if stop.is_set():
                break
            yield task, _run_here(scanner, source, task, stop)
        return
    with crew:
        try:
            while not stop.is_set():
                taken = crew.take()
                if taken is None:
                    break
                first, end = taken
                with ReadAhead(source, order[first:end], read_ahead(source)) as ahead:
                    for n in range(first, end):
                        if stop.is_set():
                            break
                        yield order[n], _run_here(scanner, source, order[n], stop, ahead)
                        yield from crew.collect(0)
            while crew.running() or (crew.orphans and not stop.is_set()):
                if stop.is_set():
                    crew.stop.set()
                # Tasks a dead worker had taken and not sent back, but the one it died in.
                while crew.orphans and not stop.is_set():
                    n = crew.orphans.pop(0)
                    yield order[n], _run_here(scanner, source, order[n], stop)
                if crew.running():
                    yield from crew.collect(0.25)
        except KeyboardInterrupt:
            # Ctrl-C between tasks: the workers see the shared stop, end their range early
            # and send what they read; keep collecting those instead of throwing them away.
            stop.set()
            crew.stop.set()
            while crew.running():
                yield from crew.collect(0.25)


def _run_here(
    scanner: ContainerScanner, source: Source, task: Task, stop: threading.Event,
    ahead: ReadAhead | None = None,
) -> ContainerOutcome:
    """:func:`run_task` in this process, an unexpected error the task's alone (as a worker's),
    the outcome handed over as a worker's is (:func:`_handed_over`)."""
    try:
        read = ahead.batches(task) if ahead is not None else None
        outcome = run_task(scanner, source, task, stop, read)
    except Exception as e:  # a bug in one task must not lose the scan
        return ContainerOutcome(task.container, error=internal_error_reason(e))
    try:
        return _handed_over(scanner, outcome)
    except KeyboardInterrupt:  # Ctrl-C while its hits are written: kept as it stands
        stop.set()
        return outcome


class _Workers:
    """``count`` worker processes taking ``order``'s tasks from a shared counter, as this
    process does (:meth:`take`), a few small files at a time (:func:`chunk_ends`);
    :meth:`collect` gives what they finished.

    Each worker keeps, in memory this process reads, the tasks it took last and the one it
    runs: one that dies (killed, out of memory) fails that task alone, and the others it took
    and did not send back are left to this process (``orphans``)."""

    def __init__(self, count: int, order: list[Task], source: Source, detector: Detector,
                 options: ScanOptions, key: bytes) -> None:
        context = _mp_context()
        self.order = order
        ahead = read_ahead(source)  # this process's share, as each worker's will be
        self.ends = chunk_ends(order, count + 1, 2 * ahead if ahead else 1)
        #: Task numbers this process is to run: taken by a worker that died.
        self.orphans: list[int] = []
        #: Set to end the workers' ranges early and stop their taking tasks.
        self.stop = context.Event()
        self._counter = context.Value("q", 0)  # the number of the next task to take
        if context.get_start_method() == "fork":
            detector.prepare("lines")  # compiled once here, inherited by every worker
            recipe: tuple[Detector | None, tuple[list, str, bool] | None] = (detector, None)
        else:
            recipe = (None, detector_recipe(detector))
        self._folder = tempfile.mkdtemp(prefix="derbes-parts-")
        self._pipes: dict[Any, int] = {}  # this end of a worker's pipe: the worker's number
        self._processes: dict[int, Any] = {}
        #: A worker's number: the first and the end of the tasks it took last, and the one
        #: it runs (-1: none yet), written by the worker alone.
        self._at: dict[int, Any] = {}
        #: A worker's number: the first task of the last take it sent back.
        self._sent: dict[int, int] = {}
        try:
            for w in range(count):
                receive, send = context.Pipe(duplex=False)
                at = self._at[w] = context.Array("q", [-1, -1, -1], lock=False)
                process = context.Process(
                    target=_worker_loop, name=f"derbes-worker-{w}", daemon=True,
                    args=(send, self._counter, order, self.ends, self._folder, *recipe,
                          source, options, key, self.stop, at))
                process.start()
                send.close()
                self._pipes[receive] = w
                self._processes[w] = process
        except BaseException:
            self.close()
            raise

    def __enter__(self) -> _Workers:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def take(self) -> tuple[int, int] | None:
        """The numbers ``[n, m)`` of the next tasks for this process, or None when all are
        taken."""
        return _take(self._counter, self.ends)

    def running(self) -> bool:
        """Whether a worker has not ended yet."""
        return bool(self._processes)

    def collect(self, timeout: float) -> Iterator[tuple[Task, ContainerOutcome]]:
        """What the workers finished, waiting up to ``timeout`` seconds for something."""
        sentinels = {p.sentinel: w for w, p in self._processes.items()}
        ready = connection_wait([*self._pipes, *sentinels], timeout)
        for conn in ready:
            if conn in self._pipes:
                yield from self._messages(conn)
        for sentinel in ready:
            w = sentinels.get(sentinel)
            if w is None:
                continue
            conn = next((c for c, n in self._pipes.items() if n == w), None)
            if conn is not None:
                yield from self._messages(conn)  # what it sent before it ended
            self._processes.pop(w).join()
            first, end, on = self._at[w]
            if first < 0 or self._sent.get(w) == first:
                continue  # it ended between two takes: nothing of its own is missing
            # It ended inside a take (killed, out of memory): the task it ran fails; the
            # others of that take, run (their outcomes went with it) or not, run here.
            for n in range(first, end):
                if n == on:
                    task = self.order[n]
                    yield task, ContainerOutcome(task.container, error="worker process died")
                else:
                    self.orphans.append(n)

    def _messages(self, conn: Any) -> Iterator[tuple[Task, ContainerOutcome]]:
        w = self._pipes[conn]
        while conn.poll():
            try:
                kind, first, payload = conn.recv()
            except (EOFError, OSError):  # it closed its end: nothing more comes
                del self._pipes[conn]
                conn.close()
                return
            self._sent[w] = first
            if kind == "done":
                path = payload
                try:
                    with open(path, "rb") as f:
                        payload = pickle.load(f)
                    os.remove(path)
                except (OSError, EOFError, pickle.UnpicklingError):
                    lost = "a worker's outcome was lost"
                    payload = [("error", n, lost) for n in range(first, self.ends[first])]
            for kind, n, result in payload:  # ("outcome" | "error", task number, ...)
                task = self.order[n]
                if kind == "error":
                    yield task, ContainerOutcome(task.container, error=result)
                else:
                    yield task, result

    def close(self) -> None:
        """Stop the workers (their ranges end early), wait for them and remove the folder."""
        if self._processes:
            self.stop.set()
        for process in self._processes.values():
            process.join(timeout=10)
            if process.is_alive():
                process.kill()
                process.join()
        self._processes.clear()
        for conn in self._pipes:
            conn.close()
        self._pipes.clear()
        shutil.rmtree(self._folder, ignore_errors=True)


def _take(counter: Any, ends: Sequence[int]) -> tuple[int, int] | None:
    """The next tasks' numbers ``[n, ends[n])`` from the shared ``counter``, or None when all
    are taken."""
    with counter.get_lock():
        n = counter.value
        if n >= len(ends):
            return None
        counter.value = ends[n]
    return n, ends[n]


def chunk_ends(order: Sequence[Task], jobs: int, tables: int = 1) -> list[int]:
    """For each task number ``n`` of ``order``, where the tasks taken with it end: right after
    it, but for whole files under CHUNK_FILE_BYTES, taken with the next such files up to
    CHUNK_BYTES and CHUNK_TASKS, and to a quarter of such files' share of each of ``jobs``
    processes (so that each still takes several); tables ``tables`` at a time (read ahead:
    :class:`ReadAhead`)."""
    small = [t.size for t in order if _small(t)]
    share = max(1, jobs * 4)
    most_tasks = max(1, min(CHUNK_TASKS, len(small) // share))
    most_bytes = min(CHUNK_BYTES, sum(small) // share)
    ends = []
    total = len(order)
    end = size = 0
    for n, task in enumerate(order):
        if not _small(task):
            # A table: with the next ``tables - 1`` tables, to be read ahead (ReadAhead).
            ends.append(min(total, n + tables) if task.table else n + 1)
            continue
        # The chunk from n: extend ``end`` (one pointer for all n) while it fits.
        if end <= n:
            end, size = n, 0
        while (end < total and _small(order[end]) and end - n < most_tasks
               and (end == n or size + order[end].size <= most_bytes)):
            size += order[end].size
            end += 1
        ends.append(end)
        size -= task.size
    return ends


def _small(task: Task) -> bool:
    # A table has no size in bytes: never taken with small files (chunk_ends takes tables
    # a few at a time where they are read ahead, else alone).
    return task.start is None and not task.table and task.size < CHUNK_FILE_BYTES


def shared(source: Source, processes: int) -> Source:
    """``source`` as one of ``processes`` reading it at once: a :class:`Shareable` one (a
    database) opened anew with its share of connections and load, any other as it is."""
    return source.share(processes) if isinstance(source, Shareable) else source


#: The lines that start in bytes ``[start, end)`` of a container, read from its source
#: (:func:`lines_counter`); None when they cannot be read.
LinesIn = Callable[[Container, int, int], "int | None"]


def lines_counter(source: Source) -> LinesIn | None:
    """What counts the lines of a byte range of ``source``'s containers that was not read to
    its end (it failed midway, was interrupted, or never ran), so that the ranges after it
    are numbered all the same; None for a source that is not cut into ranges."""
    if not isinstance(source, RangeReadable):
        return None

    def lines_in(container: Container, start: int, end: int) -> int | None:
        try:
            return source.lines_in(container, start, end)
        except SourceError:
            return None

    return lines_in


class Folding:
    """The outcomes of one container's ranges as they come back, folded in file order as soon
    as they connect: the parent holds a few merged runs of ranges, not every range's distinct
    values until the end. Iterates as what is left to merge (:func:`merge_outcomes`).

    ``lines_in``: counts the lines of a range not read to its end (:func:`lines_counter`)."""

    def __init__(self, max_examples: int, lines_in: LinesIn | None = None) -> None:
        self.max_examples = max_examples
        self.lines_in = lines_in
        self.items: list[tuple[Task, ContainerOutcome]] = []

    def append(self, item: tuple[Task, ContainerOutcome]) -> None:
        self.items.append(item)
        if item[0].start is None:
            return  # a whole file
        # A range scanned here (not by a worker) waits packed too.
        item[1].pack()
        self.items.sort(key=lambda p: p[0].start or 0)
        # Every run of connected ranges becomes one: the ranges after a long first one, which
        # come back while it still runs, fold among themselves instead of waiting for it.
        folded: list[tuple[Task, ContainerOutcome]] = []
        run = [self.items[0]]
        for task, outcome in self.items[1:]:
            if task.start == run[-1][0].end:
                run.append((task, outcome))
                continue
            folded.append(self._fold(run))
            run = [(task, outcome)]
        folded.append(self._fold(run))
        self.items = folded

    def _fold(self, run: list[tuple[Task, ContainerOutcome]]) -> tuple[Task, ContainerOutcome]:
        if len(run) == 1:
            return run[0]
        first = run[0][0]
        merged = _merge_run(run, self.max_examples, self.lines_in)
        merged.pack()  # what a merge unpacked, packed again while the run waits
        return Task(first.index, first.container, first.start, run[-1][0].end), merged

    def __iter__(self) -> Iterator[tuple[Task, ContainerOutcome]]:
        return iter(self.items)

    def __len__(self) -> int:
        return len(self.items)


def merge_outcomes(
    parts: Iterable[tuple[Task, ContainerOutcome]], max_examples: int,
    lines_in: LinesIn | None = None,
) -> ContainerOutcome:
    """One outcome for a container from the outcomes of its ranges, in file order.

    Each range's lines are numbered after those of the ranges before it. The lines of a range
    that was not read to its end (it failed midway, was interrupted, or never ran) are
    counted by ``lines_in`` (:func:`lines_counter`) from the source's bytes; where that cannot
    be done either, the ranges that follow keep their counts but leave out what would name a
    line (:meth:`ContainerOutcome.drop_rows`): no line number is better than a wrong one.
    """
    ordered = sorted(parts, key=lambda p: p[0].start or 0)
    first_task, first = ordered[0]
    if first_task.start:  # the file's first ranges never came back
        before = _count(lines_in, first_task.container, 0, first_task.start)
        if before is None:
            first.drop_rows(first_task.start)
        else:
            first.shift_rows(before)
    return _merge_run(ordered, max_examples, lines_in)


def _merge_run(
    parts: Iterable[tuple[Task, ContainerOutcome]], max_examples: int,
    lines_in: LinesIn | None = None,
) -> ContainerOutcome:
    """:func:`merge_outcomes` of ranges of a file, numbered from the first one's start."""
    ordered = sorted(parts, key=lambda p: p[0].start or 0)
    first_task, merged = ordered[0]
    if len(ordered) == 1:
        return merged
    container = first_task.container
    dones = [merged.done]
    lines = _lines_read(merged)
    if lines is None:
        lines = _count(lines_in, container, first_task.start or 0, first_task.end)
    end = first_task.end
    for task, outcome in ordered[1:]:
        if lines is not None and task.start != end:  # ranges between never came back
            gap = _count(lines_in, container, end, task.start)
            lines = None if gap is None else lines + gap
        if lines is not None:
            outcome.shift_rows(lines)
        else:
            outcome.drop_rows(task.start or 0)
        read = _lines_read(outcome)
        if read is None:
            read = _count(lines_in, container, task.start or 0, task.end)
        lines = None if lines is None or read is None else lines + read
        end = task.end
        merged.merge(outcome, max_examples)
        dones.append(outcome.done)
    merged.container = first_task.container
    if all(d is not None for d in dones):
        notes: list[str] = []
        # One process notes the first invalid UTF-8 of a file only: so does the merge.
        invalid = next((d.invalid_utf8_line for d in dones if d.invalid_utf8_line is not None),
                       None)
        for d in dones:
            later = d.invalid_utf8_line not in (None, invalid)
            notes.extend(n for n in d.notes if n not in notes and not (
                later and n == invalid_utf8_note(d.invalid_utf8_line)))
        merged.done = ContainerDone(
            rows_scanned=sum(d.rows_scanned for d in dones),
            bytes_scanned=sum(d.bytes_scanned for d in dones),
            sampled=any(d.sampled for d in dones),
            skipped_fields=tuple(sorted({f for d in dones for f in d.skipped_fields})),
            notes=tuple(notes),
            mtime=dones[0].mtime,
            invalid_utf8_line=invalid,
        )
    else:  # a range failed: no ContainerDone, as for a file read in part
        merged.done = None
    return merged


def _count(lines_in: LinesIn | None, container: Container, start: int | None,
           end: int | None) -> int | None:
    """The lines that start in bytes ``[start, end)``, if they can be counted."""
    if lines_in is None or start is None or end is None:
        return None
    return lines_in(container, start, end)


def _lines_read(outcome: ContainerOutcome) -> int | None:
    """The lines of a range read to its end (what the ranges after it are numbered after);
    None when it was not (failed midway, interrupted, never ran)."""
    if outcome.done is None or outcome.error is not None:
        return None
    return outcome.done.rows_scanned


class ReadAhead:
    """The tables of a take read ahead, while the one before them is scanned: in as many
    threads as the share of the database has connections (:attr:`Shareable.read_ahead`),
    each table's batches held until its turn. A database's time on a table (its round
    trips, its queries) then overlaps the scan of another, in each process.

    An error midway through a read comes after the batches read before it, as it would
    have: the engine keeps what was read (:meth:`ContainerScanner.run`)."""

    def __init__(self, source: Source, tasks: Sequence[Task], threads: int) -> None:
        self._pool = None
        self._futures: dict[int, Any] = {}
        if threads < 1 or len(tasks) < 2:
            return
        from concurrent.futures import ThreadPoolExecutor

        self._pool = ThreadPoolExecutor(threads, thread_name_prefix="derbes-read-ahead")
        self._futures = {id(task): self._pool.submit(_read_whole, source, task)
                         for task in tasks}

    def batches(self, task: Task) -> Iterator | None:
        """``task``'s batches as read (None: not read ahead, to be read as usual)."""
        future = self._futures.pop(id(task), None)
        if future is None:
            return None
        batches, error = future.result()
        return _replayed(batches, error)

    def close(self) -> None:
        """Reads not begun are dropped; those running end in their threads."""
        if self._pool is not None:
            self._pool.shutdown(wait=False, cancel_futures=True)
            self._futures.clear()

    def __enter__(self) -> ReadAhead:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def _read_whole(source: Source, task: Task) -> tuple[list, BaseException | None]:
    batches: list = []
    try:
        for batch in source.read(task.container):
            batches.append(batch)
    except Exception as e:  # given to the engine after the batches, as a read would
        return batches, e
    return batches, None


def _replayed(batches: list, error: BaseException | None) -> Iterator:
    yield from batches
    if error is not None:
        raise error


def read_ahead(source: Source) -> int:
    """How many threads of each process read ``source``'s containers ahead: a far
    :class:`Shareable` source's own say (its round trip over ``READ_AHEAD_ROUND_TRIP_S``, or
    unknown), none for any other."""
    if not isinstance(source, Shareable):
        return 0
    trip = source.round_trip
    return 0 if trip is not None and trip <= READ_AHEAD_ROUND_TRIP_S else source.read_ahead


# -- worker side ------------------------------------------------------------------------------

_worker: dict[str, Any] = {}


def _init_worker(
    detector: Detector | None,
    recipe: tuple[list, str, bool] | None,
    source: Source,
    options: ScanOptions,
    key: bytes,
    stop: Any,
) -> None:
    # Ctrl-C reaches the whole process group; the parent alone decides what to do.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    own = shared(source, options.jobs)  # a database: never the parent's connections
    _worker["close"] = own.close if own is not source else None
    source = own
    if detector is None:
        recognizers, language, fast = recipe
        detector = Detector(recognizers, language=language, fast=fast)
    _worker["scanner"] = ContainerScanner(source, detector, options, key)
    _worker["source"] = source
    _worker["ahead"] = read_ahead(source)
    _worker["stop"] = stop
    # What the worker inherited is never garbage: keep the collector from walking (and so
    # copying, page by page) the parent's objects.
    gc.freeze()


def _worker_loop(
    send: Any, counter: Any, order: list[Task], ends: list[int], folder: str,
    detector: Detector | None, recipe: tuple[list, str, bool] | None, source: Source,
    options: ScanOptions, key: bytes, stop: Any, at: Any,
) -> None:
    """A worker: tasks taken from ``counter`` (``[n, ends[n])`` at a time) until none is left
    or ``stop`` is set. ``at`` holds the first and the end of its take and the task it runs;
    each take's results, ``("outcome", k, outcome)`` or ``("error", k, reason)`` for the tasks
    it ran, go in one file, sent as ``("done", n, path)``, or whole as ``("results", n,
    results)`` when the file cannot be written."""
    _init_worker(detector, recipe, source, options, key, stop)
    try:
        while not stop.is_set():
            taken = _take(counter, ends)
            if taken is None:
                break
            first, end = taken
            at[2] = -1
            at[0], at[1] = first, end
            results = []
            with ReadAhead(_worker["source"], order[first:end], _worker["ahead"]) as ahead:
                for n in range(first, end):
                    if stop.is_set():
                        break  # the rest are not run: the scan ends, interrupted
                    at[2] = n
                    try:
                        results.append(("outcome", n, _work(order[n], ahead)))
                    except Exception as e:  # a bug in one task must not lose the scan
                        results.append(("error", n, internal_error_reason(e)))
            path = os.path.join(folder, f"{first}.pickle")
            try:
                with open(path, "wb") as f:
                    pickle.dump(results, f, protocol=pickle.HIGHEST_PROTOCOL)
            except OSError:  # the disk is full: through the pipe, waiting for a reader
                send.send(("results", first, results))
                continue
            send.send(("done", first, path))
    finally:
        send.close()
        close = _worker.get("close")
        if close is not None:
            with suppress(Exception):  # its connections end with the process anyway
                close()


def _work(task: Task, ahead: ReadAhead | None = None) -> ContainerOutcome:
    scanner = _worker["scanner"]
    read = ahead.batches(task) if ahead is not None else None
    return _handed_over(scanner, run_task(scanner, _worker["source"], task, _worker["stop"],
                                          read))


def _handed_over(scanner: ContainerScanner, outcome: ContainerOutcome) -> ContainerOutcome:
    """An outcome as it waits to be merged, whichever process scanned it: many hits written
    as a part by that process (pickling them to the parent costs more, and the ranges of a
    file waiting for each other would hold up to a scanner's SPILL_HITS each), distinct
    values packed (16 bytes a value, not ~110)."""
    if len(outcome.hits) >= RETURN_HITS:
        scanner.spill(outcome)
    outcome.pack()
    return outcome


def run_task(
    scanner: ContainerScanner, source: Source, task: Task, stop: Any,
    read: Iterator | None = None,
) -> ContainerOutcome:
    """Scan one task with ``scanner``; a ``SourceError`` becomes the outcome's error.
    ``read``: the task's batches, read ahead (:class:`ReadAhead`)."""
    structure = None
    try:
        if read is not None:
            batches = read
        elif task.start is None:
            batches = source.read(task.container)
        else:  # only a RangeReadable source is cut into ranges (plan_tasks)
            batches = source.read_range(task.container, task.start, task.end)
            if task.start:
                # A range that starts inside a pretty-printed document, or among records
                # under a header, goes on with the names of what is open there.
                structure = structure_before(source.lines_before(
                    task.container, task.start, task.end, MAX_BLOCK_LINES, LOOKBACK_BYTES))
        return scanner.run(task.container, batches, stop, structure)
    except SourceError as e:
        return ContainerOutcome(task.container, error=e.reason)


# -- helpers ----------------------------------------------------------------------------------


def _mp_context() -> multiprocessing.context.BaseContext:
    methods = multiprocessing.get_all_start_methods()
    return multiprocessing.get_context("fork" if "fork" in methods else "spawn")


def detector_recipe(detector: Detector) -> tuple[list, str, bool]:
    """What rebuilds ``detector`` in another process: recognizers, language, fast path."""
    return list(detector.recognizers), detector.language, detector.engine_name != "reference"
