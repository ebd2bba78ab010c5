"""Worker processes give the same inventory as one process: many files, or one file in ranges."""

from __future__ import annotations

import itertools
import os
import pickle
import signal
import threading
import time
import tracemalloc
from pathlib import Path

import pytest

from derbes.detectors.corpora import logs as gen_logs
from derbes.scanner.engine import ScanOptions, parallel, scan
from derbes.scanner.engine.container import ContainerScanner
from derbes.scanner.engine.detect import Detector
from derbes.scanner.sources.logs import LogSource

KEY = b"parallel-test-key-0123456789abcdef"


def _inventory(result) -> list[tuple]:
    return sorted(
        (f.container, f.field or "", f.entity, f.match_type, f.hits, f.rows_scanned,
         f.rows_with_hits, f.distinct_values, f.score_max, f.score_mean, f.oldest_seen,
         f.examples)
        for f in result.findings
    )


def _containers(result) -> list[tuple]:
    return sorted(
        (c.container, c.rows_scanned, c.bytes_scanned, c.oldest_timestamp, c.newest_timestamp)
        for c in result.containers
    )


@pytest.fixture(scope="module")
def logs(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("logs")
    lines = gen_logs.lines(12000, seed=21)
    (root / "big.log").write_text("\n".join(lines[:9000]) + "\n", encoding="utf-8")
    for k in range(3):
        part = lines[9000 + k * 1000 : 10000 + k * 1000]
        (root / f"small-{k}.log").write_text("\n".join(part), encoding="utf-8")
    return root


def test_jobs_give_the_same_inventory_as_one_process(logs, monkeypatch):
    # Small ranges, so that the big file is really cut into several.
    monkeypatch.setattr(parallel, "MIN_RANGE_BYTES", 64 << 10)
    detector = Detector()
    source = LogSource(str(logs))
    tasks = parallel.plan_tasks(source, list(source.containers()), jobs=2)
    big = [t for t in tasks if t.container.name.endswith("big.log")]
    assert len(big) > 2
    one = scan([LogSource(str(logs))], ScanOptions(jobs=1, hash_key=KEY), detector=detector)
    two = scan([LogSource(str(logs))], ScanOptions(jobs=2, hash_key=KEY), detector=detector)
    assert two.sources[0].status == "ok"
    assert _inventory(one) == _inventory(two)
    assert _containers(one) == _containers(two)
    assert len(one.findings) >= 5


def test_examples_depend_neither_on_the_order_of_the_lines_nor_on_the_key(logs, tmp_path):
    # Examples are the masks of smallest keyed digest, not the first values met: a file cut
    # into ranges (or scanned on a cluster) shows those of the file read in one piece.
    lines = (logs / "big.log").read_text(encoding="utf-8").splitlines()
    shuffled = tmp_path / "big.log"
    shuffled.write_text("\n".join(reversed(lines)) + "\n", encoding="utf-8")
    detector = Detector()
    ahead = scan([LogSource(str(logs / "big.log"))], ScanOptions(hash_key=KEY),
                 detector=detector)
    behind = scan([LogSource(str(shuffled))], ScanOptions(hash_key=KEY), detector=detector)
    examples = {(f.field, f.entity): f.examples for f in ahead.findings}
    assert sum(len(e) == 5 for e in examples.values()) >= 3
    assert examples == {(f.field, f.entity): f.examples for f in behind.findings}
    # Nor on the scan's hash key: each scan has a random one unless a key is configured.
    other_key = scan([LogSource(str(logs / "big.log"))], ScanOptions(hash_key=b"another key"),
                     detector=detector)
    assert examples == {(f.field, f.entity): f.examples for f in other_key.findings}


def test_hits_keep_their_line_numbers_across_ranges(logs, monkeypatch):
    monkeypatch.setattr(parallel, "MIN_RANGE_BYTES", 64 << 10)
    detector = Detector()
    options = ScanOptions(hash_key=KEY, hits=True)
    one = scan([LogSource(str(logs / "big.log"))], options, detector=detector)
    two = scan(
        [LogSource(str(logs / "big.log"))],
        ScanOptions(hash_key=KEY, hits=True, jobs=2),
        detector=detector,
    )

    def rows(result):
        return sorted((h.row, h.start, h.end, h.entity, h.value_hash) for h in result.hits)

    assert rows(one) == rows(two)
    assert rows(one)


def test_merge_sums_ranges_and_keeps_file_order(logs, monkeypatch):
    monkeypatch.setattr(parallel, "MIN_RANGE_BYTES", 64 << 10)
    source = LogSource(str(logs / "big.log"))
    container = next(source.containers())
    tasks = parallel.plan_tasks(source, [container], jobs=2)
    assert len(tasks) > 1
    from derbes.scanner.engine.container import ContainerScanner

    scanner = ContainerScanner(source, Detector(), ScanOptions(hash_key=KEY), KEY)
    parts = [(t, parallel.run_task(scanner, source, t, None)) for t in reversed(tasks)]
    merged = parallel.merge_outcomes(parts, max_examples=5)
    assert merged.done is not None
    assert merged.done.rows_scanned == 9000
    assert merged.done.bytes_scanned == (logs / "big.log").stat().st_size


def test_a_missing_file_fails_alone(logs, tmp_path):
    source = LogSource(str(logs))
    containers = list(source.containers())
    (tmp_path / "gone.log").write_text("x\n")
    ghost = LogSource(str(tmp_path / "gone.log"))
    ghost_container = next(ghost.containers())
    (tmp_path / "gone.log").unlink()
    outcomes = parallel.scan_containers(
        source, [*containers, ghost_container], ScanOptions(jobs=2, hash_key=KEY), KEY,
        detector=Detector(),
    )
    assert [o.error is not None for o in outcomes] == [False] * len(containers) + [True]
    assert all(o.done is not None for o in outcomes[:-1])


def _run_all(logs: Path, jobs: int) -> tuple[list, list]:
    """Every task of ``logs`` (the big file in ranges) through run_tasks: (tasks, results)."""
    source = LogSource(str(logs))
    tasks = parallel.plan_tasks(source, list(source.containers()), jobs=jobs)
    got = list(parallel.run_tasks(tasks, jobs, source, Detector(),
                                  ScanOptions(jobs=jobs, hash_key=KEY), KEY, threading.Event()))
    return tasks, got


def _task_key(task) -> tuple:
    return task.container.name, task.start, task.end


def test_this_process_takes_tasks_beside_jobs_less_one_workers(logs, monkeypatch, tmp_path):
    monkeypatch.setattr(parallel, "MIN_RANGE_BYTES", 64 << 10)
    trail = tmp_path / "pids"
    real = parallel.run_task

    def recorded(scanner, source, task, stop, read=None):  # workers inherit it (forked)
        with trail.open("a") as f:
            f.write(f"{os.getpid()}\n")
        return real(scanner, source, task, stop, read)

    monkeypatch.setattr(parallel, "run_task", recorded)
    tasks, got = _run_all(logs, 3)
    assert len(tasks) > 6
    # Each task once, none failed; scanned here and in at most two other processes.
    assert sorted(_task_key(t) for t, _ in got) == sorted(_task_key(t) for t in tasks)
    assert not [o.error for _, o in got if o.error]
    pids = trail.read_text().split()
    assert len(pids) == len(tasks)
    assert str(os.getpid()) in pids
    assert 1 <= len(set(pids) - {str(os.getpid())}) <= 2
    # One task: no worker at all.
    monkeypatch.setattr(parallel, "MIN_RANGE_BYTES", 1 << 20)
    trail.write_text("")
    source = LogSource(str(logs / "small-0.log"))
    single = parallel.plan_tasks(source, list(source.containers()), jobs=2)
    assert len(single) == 1
    (_, outcome), = parallel.run_tasks(single, 2, source, Detector(),
                                       ScanOptions(jobs=2, hash_key=KEY), KEY,
                                       threading.Event())
    assert outcome.error is None and trail.read_text().split() == [str(os.getpid())]


@pytest.mark.parametrize("how", ["killed", "raises"])
def test_a_worker_that_fails_fails_its_task_alone(logs, monkeypatch, how):
    monkeypatch.setattr(parallel, "MIN_RANGE_BYTES", 64 << 10)
    real = parallel._work  # called in workers only

    def failing(task, ahead=None):
        if how == "killed":
            os.kill(os.getpid(), signal.SIGKILL)  # as the kernel's OOM killer would
        raise RuntimeError("choked on 870412300123")
        return real(task, ahead)

    monkeypatch.setattr(parallel, "_work", failing)
    tasks, got = _run_all(logs, 2)
    # The worker failed its first task and, killed, took no other; raising, it fails each it
    # takes. This process scanned the rest: every task comes back once.
    assert sorted(_task_key(t) for t, _ in got) == sorted(_task_key(t) for t in tasks)
    errors = [o.error for _, o in got if o.error]
    expected = "worker process died" if how == "killed" else "internal error (RuntimeError)"
    assert errors and set(errors) == {expected}
    if how == "killed":
        assert len(errors) == 1
    assert len(errors) < len(tasks)  # this process scanned the others
    assert all(o.done is not None for _, o in got if not o.error)


def test_an_error_in_a_task_here_fails_that_task_alone(logs, monkeypatch):
    monkeypatch.setattr(parallel, "MIN_RANGE_BYTES", 64 << 10)
    here = os.getpid()
    real = parallel.run_task
    failed: list = []

    def failing_here(scanner, source, task, stop, read=None):
        if os.getpid() == here and not failed:
            failed.append(task)
            raise ValueError("choked on 870412300123")
        return real(scanner, source, task, stop, read)

    monkeypatch.setattr(parallel, "run_task", failing_here)
    tasks, got = _run_all(logs, 2)
    assert sorted(_task_key(t) for t, _ in got) == sorted(_task_key(t) for t in tasks)
    errors = {_task_key(t): o.error for t, o in got if o.error}
    assert errors == {_task_key(failed[0]): "internal error (ValueError)"}


def test_every_process_hands_its_ranges_over_spilled_and_packed(logs, monkeypatch, tmp_path):
    # This process's own ranges wait for the merge as a worker's do: at most RETURN_HITS hits
    # in memory (not a scanner's SPILL_HITS), distinct values packed.
    monkeypatch.setattr(parallel, "MIN_RANGE_BYTES", 64 << 10)
    monkeypatch.setattr(parallel, "RETURN_HITS", 5)
    source = LogSource(str(logs / "big.log"))
    tasks = parallel.plan_tasks(source, list(source.containers()), jobs=2)
    options = ScanOptions(jobs=2, hash_key=KEY, hits=True, hits_dir=str(tmp_path),
                          hits_spill=1 << 20)
    got = list(parallel.run_tasks(tasks, 2, source, Detector(), options, KEY,
                                  threading.Event()))
    assert len(got) == len(tasks) > 3
    assert all(len(o.hits) < 5 for _, o in got)
    assert all(all(not a.distinct for a in o.aggs.values()) for _, o in got)
    assert all(o.spilled for _, o in got)  # every range of this log holds more than 5 hits


def test_spawned_workers_rebuild_the_detector_and_agree(logs, monkeypatch):
    # Where processes cannot be forked (Windows), workers are spawned: they get the
    # detector's recipe, not the detector, and must find what this process finds.
    import multiprocessing

    monkeypatch.setattr(parallel, "MIN_RANGE_BYTES", 64 << 10)
    monkeypatch.setattr(parallel, "_mp_context", lambda: multiprocessing.get_context("spawn"))
    one = scan([LogSource(str(logs))], ScanOptions(jobs=1, hash_key=KEY), detector=Detector())
    # This process waits a while before each of its tasks, so that the worker, slow to start
    # (a new interpreter), takes some; what it sends back is counted.
    here, sent = parallel._run_here, []
    messages = parallel._Workers._messages

    def slow_here(*args):
        time.sleep(0.3)
        return here(*args)

    def counted(self, conn):
        for item in messages(self, conn):
            sent.append(item)
            yield item

    monkeypatch.setattr(parallel, "_run_here", slow_here)
    monkeypatch.setattr(parallel._Workers, "_messages", counted)
    two = scan([LogSource(str(logs))], ScanOptions(jobs=2, hash_key=KEY), detector=Detector())
    assert sent and all(outcome.error is None for _, outcome in sent), sent
    assert two.sources[0].status == "ok"
    assert _inventory(one) == _inventory(two)
    assert _containers(one) == _containers(two)


def test_no_worker_can_start_and_this_process_scans_every_task(logs, monkeypatch):
    # A read-only temporary folder (no private folder for the outcomes), or fork refused.
    monkeypatch.setattr(parallel, "MIN_RANGE_BYTES", 64 << 10)

    def refused(*args, **kwargs):
        raise OSError(30, "Read-only file system")

    monkeypatch.setattr(parallel.tempfile, "mkdtemp", refused)
    tasks, got = _run_all(logs, 2)
    assert sorted(_task_key(t) for t, _ in got) == sorted(_task_key(t) for t in tasks)
    assert not [o.error for _, o in got if o.error]


def test_a_worker_that_cannot_write_its_outcome_sends_it_whole(logs, monkeypatch):
    # The disk is full when a worker writes an outcome: it goes through the pipe instead.
    monkeypatch.setattr(parallel, "MIN_RANGE_BYTES", 64 << 10)
    here = os.getpid()
    real_dump = pickle.dump

    def full_disk(obj, f, *args, **kwargs):
        if os.getpid() != here:
            raise OSError(28, "No space left on device")
        return real_dump(obj, f, *args, **kwargs)

    monkeypatch.setattr(parallel.pickle, "dump", full_disk)
    sent = []
    messages = parallel._Workers._messages

    def counted(self, conn):
        for item in messages(self, conn):
            sent.append(item)
            yield item

    monkeypatch.setattr(parallel._Workers, "_messages", counted)
    tasks, got = _run_all(logs, 2)
    assert sorted(_task_key(t) for t, _ in got) == sorted(_task_key(t) for t in tasks)
    assert not [o.error for _, o in got if o.error]
    assert sent and all(o.done is not None for _, o in sent)
    one = scan([LogSource(str(logs))], ScanOptions(jobs=1, hash_key=KEY), detector=Detector())
    two = scan([LogSource(str(logs))], ScanOptions(jobs=2, hash_key=KEY), detector=Detector())
    assert _inventory(one) == _inventory(two)


def test_an_outcome_file_that_cannot_be_read_fails_its_task_alone(logs, monkeypatch):
    monkeypatch.setattr(parallel, "MIN_RANGE_BYTES", 64 << 10)

    def truncated(f):
        raise EOFError("Ran out of input")

    monkeypatch.setattr(parallel.pickle, "load", truncated)  # read here only
    tasks, got = _run_all(logs, 2)
    assert sorted(_task_key(t) for t, _ in got) == sorted(_task_key(t) for t in tasks)
    errors = [o.error for _, o in got if o.error]
    assert errors and set(errors) == {"a worker's outcome was lost"}
    assert len(errors) < len(tasks)  # this process's own are whole


def test_ctrl_c_while_this_process_hands_a_range_over_keeps_it(logs, monkeypatch):
    monkeypatch.setattr(parallel, "MIN_RANGE_BYTES", 64 << 10)
    here = os.getpid()
    real = parallel._handed_over
    interrupted: list = []

    def interrupting(scanner, outcome):
        if os.getpid() == here and not interrupted:
            interrupted.append(outcome)
            raise KeyboardInterrupt
        return real(scanner, outcome)

    monkeypatch.setattr(parallel, "_handed_over", interrupting)
    source = LogSource(str(logs / "big.log"))
    tasks = parallel.plan_tasks(source, list(source.containers()), jobs=2)
    stop = threading.Event()
    got = list(parallel.run_tasks(tasks, 2, source, Detector(),
                                  ScanOptions(jobs=2, hash_key=KEY), KEY, stop))
    assert stop.is_set()
    (kept,) = [o for _, o in got if o is interrupted[0]]
    assert kept.error is None and kept.done is not None and kept.aggs


def test_nothing_starts_once_stopped(logs, monkeypatch):
    monkeypatch.setattr(parallel, "_Workers", None)  # no worker either
    source = LogSource(str(logs))
    tasks = parallel.plan_tasks(source, list(source.containers()), jobs=2)
    stop = threading.Event()
    stop.set()
    assert list(parallel.run_tasks(tasks, 2, source, Detector(),
                                   ScanOptions(jobs=2, hash_key=KEY), KEY, stop)) == []


def test_ranges_cover_the_file_and_shrink_towards_its_end(logs, monkeypatch):
    monkeypatch.setattr(parallel, "MIN_RANGE_BYTES", 16 << 10)
    source = LogSource(str(logs / "big.log"))
    tasks = parallel.plan_tasks(source, list(source.containers()), jobs=2)
    bounds = [(t.start, t.end) for t in tasks]
    size = (logs / "big.log").stat().st_size
    assert bounds[0][0] == 0 and bounds[-1][1] == size
    assert all(a[1] == b[0] for a, b in itertools.pairwise(bounds))
    sizes = [end - start for start, end in bounds]
    # Guided: the first is a quarter of the file (1 / (GUIDED * jobs)), the last few pieces.
    assert sizes[0] == max(sizes) >= size // 4 - (16 << 10)
    assert max(sizes[-3:]) < size // 20


def test_guided_groups_pieces_by_the_bytes_left():
    pieces = [(i * 10, (i + 1) * 10) for i in range(40)]
    # By hand: 400 left / 4 = 100; 300 / 4 = 75 -> 80 (whole pieces); 220 / 4 = 55 -> 60; ...
    assert [b - a for a, b in parallel.guided(pieces, 2)] == [100, 80, 60, 40, 30, 30, 20, 10,
                                                               10, 10, 10]


def test_ranges_are_folded_as_soon_as_they_connect(logs, monkeypatch):
    from derbes.scanner.engine.container import ContainerScanner

    monkeypatch.setattr(parallel, "MIN_RANGE_BYTES", 64 << 10)
    source = LogSource(str(logs / "big.log"))
    tasks = parallel.plan_tasks(source, list(source.containers()), jobs=2)
    assert len(tasks) > 5
    scanner = ContainerScanner(source, Detector(), ScanOptions(hash_key=KEY), KEY)

    def outcomes():
        return [(t, parallel.run_task(scanner, source, t, None)) for t in tasks]

    folding = parallel.Folding(5)
    first, second, third, *rest = outcomes()
    folding.append(third)
    folding.append(rest[1])  # the fifth: not connected to the third
    assert len(folding) == 2
    folding.append(second)  # the second and the third connect, before the first is back
    assert len(folding) == 2
    folding.append(first)
    assert len(folding) == 2
    folding.append(rest[0])  # the fourth joins the first three and the fifth
    assert len(folding) == 1
    rest = rest[2:]
    for item in rest:
        folding.append(item)
        assert len(folding) == 1
    folded = parallel.merge_outcomes(folding, 5)
    whole = parallel.merge_outcomes(outcomes(), 5)
    assert folded.rows == whole.rows and folded.done == whole.done
    assert {k: (a.hits, a.rows_with_hits, a.distinct_count(), a.examples)
            for k, a in folded.aggs.items()} == {
        k: (a.hits, a.rows_with_hits, a.distinct_count(), a.examples)
        for k, a in whole.aggs.items()}


def test_a_worker_sends_its_distinct_values_packed(logs, monkeypatch):
    # What the parent allocates for a range's distinct values as they arrive (traced by
    # tracemalloc): 16 bytes a value and a little per aggregate, not a dict of bytes (80-110).
    source = LogSource(str(logs / "big.log"))
    task = parallel.Task(0, next(iter(source.containers())))
    scanner = ContainerScanner(source, Detector(), ScanOptions(hash_key=KEY), KEY)
    monkeypatch.setattr(parallel, "_worker", {"scanner": scanner, "source": source,
                                              "stop": None})
    outcome = parallel._work(task)
    values = sum(a.distinct_count() for a in outcome.aggs.values() if a.sketch is None)
    assert values > 1000
    sent = pickle.dumps(outcome.aggs)
    tracemalloc.start()
    try:
        before = tracemalloc.get_traced_memory()[0]
        aggs = pickle.loads(sent)
        taken = tracemalloc.get_traced_memory()[0] - before
    finally:
        tracemalloc.stop()
    assert taken < 16 * values + 2048 * len(aggs), (taken, values, len(aggs))


def test_ranges_wait_in_the_parent_packed(logs, monkeypatch):
    monkeypatch.setattr(parallel, "MIN_RANGE_BYTES", 64 << 10)
    held: list[tuple[int, int, int]] = []
    append = parallel.Folding.append

    def watch(self, item):
        append(self, item)
        exact = [a for _, o in self for a in o.aggs.values() if a.sketch is None]
        held.append((len(self), sum(o.distinct_bytes() for _, o in self),
                     sum(a.distinct_count() for a in exact)))
        # The keys of log fields wait packed too (LogField.pack).
        assert all(not f.shaped for _, o in self for f in o.log_fields.values())

    monkeypatch.setattr(parallel.Folding, "append", watch)
    source = LogSource(str(logs / "big.log"))
    parallel.scan_containers(source, list(source.containers()),
                                 ScanOptions(jobs=2, hash_key=KEY), KEY)
    assert len(held) > 2 and max(values for _, _, values in held) > 1000
    assert all(size == 16 * values for _, size, values in held), held


def _task(name: str, size: int, start: int | None = None) -> parallel.Task:
    from derbes.scanner.sources.base import Container

    container = Container(name, "file", meta={"size": size})
    return parallel.Task(0, container, start, None if start is None else start + size)


def test_tables_are_taken_as_many_as_are_read_ahead():
    # A table has no size in bytes: never grouped as a small file would be (a take of 64
    # tables of unknown size could hold most of a database's work), but a few at a time
    # where a process reads ahead.
    from derbes.scanner.sources.base import Container

    order = [parallel.Task(k, Container(f"public.t{k}", "table", meta={"table": f"t{k}"}))
             for k in range(300)]
    assert parallel.chunk_ends(order, 2) == list(range(1, 301))
    assert parallel.chunk_ends(order, 2, 4) == [min(300, n + 4) for n in range(300)]
    files = [_task(f"f{k}.log", 10) for k in range(300)]
    assert parallel.chunk_ends(files, 2) != list(range(1, 301))  # small files are grouped
    assert parallel.chunk_ends(files, 2, 4) == parallel.chunk_ends(files, 2)


class _SlowTables:
    """A source of tables whose every read takes ``wait`` seconds before its two batches, and
    ``fail`` after its first batch."""

    def __init__(self, wait: float, fail: str = "") -> None:
        self.wait, self.fail = wait, fail
        self.lock = threading.Lock()
        self.reading = self.most = self.started = 0
        self.threads: set[str] = set()

    def read(self, container):
        with self.lock:
            self.started += 1
            self.reading += 1
            self.most = max(self.most, self.reading)
            self.threads.add(threading.current_thread().name)
        try:
            time.sleep(self.wait)
            yield ("batch", container.name, 1)
            if container.name == self.fail:
                raise RuntimeError("broken after one batch")
            yield ("batch", container.name, 2)
        finally:
            with self.lock:
                self.reading -= 1


def _tables(count: int) -> list:
    from derbes.scanner.sources.base import Container

    return [parallel.Task(k, Container(f"t{k}", "table", meta={"table": f"t{k}"}))
            for k in range(count)]


def test_read_ahead_reads_a_take_in_threads_and_replays_it_in_order():
    source = _SlowTables(0.05, fail="t3")
    tasks = _tables(6)
    started = time.perf_counter()
    with parallel.ReadAhead(source, tasks, 2) as ahead:
        got = []
        for task in tasks:
            batches = ahead.batches(task)
            try:
                got.extend(batches)
            except RuntimeError as e:
                got.append(("error", task.container.name, str(e)))
    took = time.perf_counter() - started
    assert got == [("batch", f"t{k}", n) for k in range(3) for n in (1, 2)] + [
        ("batch", "t3", 1), ("error", "t3", "broken after one batch")] + [
        ("batch", f"t{k}", n) for k in (4, 5) for n in (1, 2)]
    assert source.most == 2 and all(t.startswith("derbes-read-ahead") for t in source.threads)
    assert took < 6 * 0.05  # two at a time: about three waits, not six


def test_read_ahead_only_where_it_pays():
    source = _SlowTables(0.0)
    one = _tables(1)
    with parallel.ReadAhead(source, one, 2) as ahead:
        assert ahead.batches(one[0]) is None  # a take of one: read as usual
    with parallel.ReadAhead(source, _tables(3), 0) as ahead:
        assert ahead.batches(_tables(3)[0]) is None
    assert source.threads == set()


def test_read_ahead_dropped_unread_when_closed():
    source = _SlowTables(0.2)
    tasks = _tables(8)
    with parallel.ReadAhead(source, tasks, 1) as ahead:
        list(ahead.batches(tasks[0]))
    time.sleep(0.3)
    # The read running when it closed ended (the one after the first, begun as the first
    # ended); none of the rest began.
    assert source.reading == 0 and source.most == 1 and source.started <= 2


def test_wide_tables_are_taken_first(tmp_path):
    # A table has no size in bytes: its scannable columns weigh it, so that a wide table is
    # not the last one taken while the other processes wait.
    import sqlite3
    import threading

    from derbes.scanner.engine import ScanOptions
    from derbes.scanner.engine.container import ContainerScanner
    from derbes.scanner.engine.detect import Detector
    from derbes.scanner.sources.sql import SqlSource

    path = tmp_path / "w.db"
    conn = sqlite3.connect(path)
    conn.executescript("""
        CREATE TABLE a_narrow (id INTEGER PRIMARY KEY, v TEXT);
        CREATE TABLE b_wide (id INTEGER PRIMARY KEY, c1 TEXT, c2 TEXT, c3 TEXT, c4 TEXT);
        CREATE TABLE c_flags (id INTEGER PRIMARY KEY, f1 BOOLEAN, f2 BOOLEAN, f3 BOOLEAN);
        CREATE TABLE d_middle (id INTEGER PRIMARY KEY, c1 TEXT, c2 TEXT);
        """)
    conn.close()
    with SqlSource(f"sqlite:///{path}") as source:
        containers = list(source.containers())
        tasks = parallel.plan_tasks(source, containers, 1)
        assert [t.weight for t in tasks] == [2, 5, 1, 3]  # flags are skipped: not weighed
        detector = Detector()
        key = b"k" * 32
        scanner = ContainerScanner(source, detector, ScanOptions(), key)
        ran = [task.container.name for task, _ in parallel.run_tasks(
            tasks, 1, source, detector, ScanOptions(), key, threading.Event(), scanner)]
    assert ran == ["main.b_wide", "main.d_middle", "main.a_narrow", "main.c_flags"]
    # Files and ranges weigh their bytes.
    assert _task("f.log", 700).weight == 700 and _task("r", 50, start=10).weight == 50


def test_small_files_are_taken_a_few_at_a_time(monkeypatch):
    monkeypatch.setattr(parallel, "CHUNK_FILE_BYTES", 100)
    monkeypatch.setattr(parallel, "CHUNK_BYTES", 200)
    monkeypatch.setattr(parallel, "CHUNK_TASKS", 3)
    order = [_task("big.log", 5000), _task("range", 50, start=0),   # 0, 1: alone
             _task("a", 90), _task("b", 90), _task("c", 30),            # 2-4
             _task("d", 10), _task("e", 10), _task("f", 10), _task("g", 10)]  # 5-8
    # One job: the small files' share (250 bytes, 7 files over 4 takes) is past the limits.
    monkeypatch.setattr(parallel, "CHUNK_TASKS", 1)
    assert parallel.chunk_ends(order, 1) == list(range(1, 10))
    monkeypatch.setattr(parallel, "CHUNK_TASKS", 3)
    ends = parallel.chunk_ends(order, 1)
    # Each take: at most 250 // 4 = 62 bytes and 7 // 4 = 1 file.
    assert ends == list(range(1, 10))
    monkeypatch.setattr(parallel, "CHUNK_FILE_BYTES", 100)
    order += [_task(f"z{k}", 10) for k in range(40)]  # 47 small files, 650 bytes
    ends = parallel.chunk_ends(order, 1)
    # 650 // 4 = 162 bytes and 47 // 4 = 11 files, capped at 200 and 3: from 2, a (90) and
    # not b (180 > 162); from 3, b, c, d (three at most).
    assert ends[:9] == [1, 2, 3, 6, 7, 8, 9, 10, 11]
    # Two jobs: 650 // 8 = 81 bytes: a alone, b alone, c with d...
    assert parallel.chunk_ends(order, 2)[:6] == [1, 2, 3, 4, 7, 8]
    order = order[:9]
    ends = [1, 2, 4, 6, 7, 8, 9, 9, 9]
    # Taken from the counter as chunks: every task once, in order.
    import multiprocessing

    counter = multiprocessing.get_context("fork").Value("q", 0)
    takes = []
    while (taken := parallel._take(counter, ends)) is not None:
        takes.append(taken)
    assert takes == [(0, 1), (1, 2), (2, 4), (4, 7), (7, 9)]


@pytest.fixture
def tiny_logs(tmp_path) -> Path:
    """Thirty logs of one line each: taken several at a time."""
    root = tmp_path / "tiny"
    root.mkdir()
    text = gen_logs.lines(60, seed=5)
    for k in range(30):
        (root / f"f{k:02d}.log").write_text(text[2 * k] + "\n" + text[2 * k + 1] + "\n",
                                            encoding="utf-8")
    return root


@pytest.mark.parametrize("how", ["killed", "raises"])
def test_a_worker_that_fails_in_a_take_of_small_files_fails_one_file(tiny_logs, monkeypatch,
                                                                      how):
    real = parallel._work  # called in workers only
    here = os.getpid()

    def failing(task, ahead=None):
        if os.getpid() != here and task.container.name.endswith(("f02.log", "f05.log")):
            if how == "killed":
                os.kill(os.getpid(), signal.SIGKILL)
            raise RuntimeError("choked on 870412300123")
        return real(task, ahead)

    # This process waits before each of its own, so that the worker takes the first chunks.
    slow = parallel._run_here

    def slow_here(*args):
        time.sleep(0.05)
        return slow(*args)

    monkeypatch.setattr(parallel, "_work", failing)
    monkeypatch.setattr(parallel, "_run_here", slow_here)
    source = LogSource(str(tiny_logs))
    tasks = parallel.plan_tasks(source, list(source.containers()), jobs=2)
    order = sorted(tasks, key=lambda t: -t.size)
    assert max(parallel.chunk_ends(order, 2)[n] - n for n in range(len(order))) > 1
    got = list(parallel.run_tasks(tasks, 2, source, Detector(),
                                  ScanOptions(jobs=2, hash_key=KEY), KEY, threading.Event()))
    assert sorted(_task_key(t) for t, _ in got) == sorted(_task_key(t) for t in tasks)
    errors = {os.path.basename(t.container.name): o.error for t, o in got if o.error}
    if how == "killed":
        # Killed in the first of the two it ever reaches: that file alone fails; the rest
        # of its take is scanned here.
        (name,) = errors
        assert name in ("f02.log", "f05.log") and errors[name] == "worker process died"
    else:
        assert set(errors.values()) == {"internal error (RuntimeError)"}
        assert set(errors) <= {"f02.log", "f05.log"} and errors
    assert all(o.done is not None for _, o in got if not o.error)
