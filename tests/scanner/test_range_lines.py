"""A file cut into byte ranges is numbered as one process numbers it, and nobody reads the
bytes before a range to number its lines: each range counts from its own first line, and the
merge numbers it after the lines of the ranges before it."""

from __future__ import annotations

import dataclasses
import errno
from pathlib import Path

import pyarrow.parquet as pq
import pytest

from derbes.detectors.corpora import logs as gen_logs
from derbes.reports.parquet import write_hits
from derbes.scanner.engine import ScanOptions, parallel, scan
from derbes.scanner.engine.detect import Detector
from derbes.scanner.model import Hit
from derbes.scanner.sources.base import invalid_utf8_note
from derbes.scanner.sources.logs import LogSource

KEY = b"range-lines-test-key-0123456789ab"
#: Valid IINs from tests/detectors/test_vectors.py (sources named there): a ``doc=`` field
#: of them holds once enough distinct ones are seen, more than one range alone sees, so its
#: hits wait in the ranges (``LogField.wait``) and are recorded only after the merge.
IINS = ("871008401427", "760212350620", "800416300257", "680503450037", "061211600012",
        "811201401188", "791028302728")
MAX_LINE = 16 << 10
HEAD = 64 << 10  # LogSource reads this much of a file's head to tell its encoding


@pytest.fixture(scope="module")
def detector() -> Detector:
    return Detector()


@pytest.fixture(scope="module")
def log(tmp_path_factory) -> tuple[Path, dict[str, int]]:
    """About 1 MB of corpus lines with ``doc=`` IIN lines among them, and late in the file a
    line with invalid UTF-8 and a line longer than ``MAX_LINE`` with values in it. Returns the
    file and the 1-based numbers of those two lines."""
    lines = [line.encode() for line in gen_logs.lines(5000, seed=31)]
    for i in range(0, len(lines), 40):
        lines.insert(i, f"event=check doc={IINS[(i // 40) % len(IINS)]}".encode())
    late = len(lines) * 4 // 5
    lines.insert(late, b"2024-03-01 WARN user=\xff\xfe contact ivan.petrov@mail.kz")
    long_line = " ".join(
        f"k{i}=v{i}" if i % 500 else f"mail=a{i}.b@inbox.kz tel=+7 701 {i:07d}"
        for i in range(6000)).encode()
    assert len(long_line) > 2 * MAX_LINE
    lines.insert(late + 50, long_line)
    path = tmp_path_factory.mktemp("range-lines") / "app.log"
    path.write_bytes(b"\n".join(lines) + b"\n")
    return path, {"invalid": late + 1, "long": late + 51}


def _source(path: Path) -> LogSource:
    return LogSource(str(path), max_line_bytes=MAX_LINE)


@pytest.fixture
def many_ranges(monkeypatch) -> None:
    """Ranges from 16 KiB."""
    monkeypatch.setattr(parallel, "MIN_RANGE_BYTES", 16 << 10)


def _findings(result) -> list:
    return sorted((dataclasses.replace(f, scan_id="") for f in result.findings), key=repr)


def _hits_file(result, path: Path) -> list[dict]:
    write_hits(result, path, show_values=True)
    rows = [{k: v for k, v in r.items() if k != "scan_id"} for r in pq.read_table(path).to_pylist()]
    return sorted(rows, key=lambda r: sorted((k, repr(v)) for k, v in r.items()))


@pytest.mark.parametrize("parts", [True, False], ids=["hits-in-parts", "hits-in-memory"])
def test_a_file_in_many_ranges_gives_what_one_process_gives(log, detector, many_ranges,
                                                             tmp_path, monkeypatch, parts):
    path, where = log
    raw = path.read_bytes()
    tasks = parallel.plan_tasks(_source(path), list(_source(path).containers()), jobs=2)
    assert len(tasks) > 8
    # Both odd lines are in a late range, numbered after many lines of the ranges before it.
    for name in ("invalid", "long"):
        offset = sum(len(line) + 1 for line in raw.split(b"\n")[:where[name] - 1])
        assert [t.start <= offset < t.end for t in tasks].index(True) >= 3, name
    options = {"hash_key": KEY, "hits": True, "show_values": True}
    if parts:  # workers write their hits as parts, every 50 and the last ones past 10
        monkeypatch.setattr(parallel, "RETURN_HITS", 10)
        options["hits_spill"] = 50
    one = scan([_source(path)], ScanOptions(jobs=1, **options), detector=detector)
    many = scan([_source(path)], ScanOptions(jobs=2, **options), detector=detector)
    assert [s.status for s in (*one.sources, *many.sources)] == ["ok", "ok"]
    assert _findings(many) == _findings(one)
    assert sum(len(f.examples) for f in one.findings) > 20
    assert many.containers == one.containers
    (info,) = one.containers
    assert invalid_utf8_note(where["invalid"]) in info.notes
    # Every hit, every column, read back from hits.parquet, which is written from the parts
    # the workers wrote (numbered from their range's start) and the hits sent in memory.
    if parts:
        assert len(many.hits.parts) > 5 and any(p.row_offset for p in many.hits.parts)
    else:
        assert not many.hits.parts
    hits = _hits_file(one, tmp_path / "one.parquet")
    assert _hits_file(many, tmp_path / "many.parquet") == hits
    assert sorted(many.hits, key=repr) == sorted(one.hits, key=repr)
    rows = {h["row"] for h in hits}
    assert {where["invalid"], where["long"]} <= rows
    assert max(h["start"] for h in hits if h["row"] == where["long"]) > 2 * MAX_LINE
    # The doc= hits waited for the merged verdict in the ranges, and are on their lines.
    doc_rows = {n for n, line in enumerate(raw.split(b"\n"), 1) if line.startswith(b"event=")}
    assert doc_rows <= {h["row"] for h in hits if h["entity"] == "KZ_IIN"}


class _FailingFile:
    """A file that fails to read on at byte ``at`` when read up to it (an I/O error midway);
    a read that starts after it succeeds."""

    def __init__(self, f, at: int) -> None:
        self._f, self._at = f, at

    def read(self, n: int = -1) -> bytes:
        pos = self._f.tell()
        if pos == self._at:
            raise OSError(errno.EIO, "disk gone")
        if pos < self._at and (n < 0 or pos + n > self._at):
            n = self._at - pos
        return self._f.read(n)

    def __getattr__(self, name: str):
        return getattr(self._f, name)

    def __enter__(self) -> _FailingFile:
        return self

    def __exit__(self, *exc: object) -> None:
        self._f.close()


class FailingLogSource(LogSource):
    """Its file fails at byte ``fail_at`` when read up to it."""

    def __init__(self, spec: str, fail_at: int, **options) -> None:
        super().__init__(spec, **options)
        self.fail_at = fail_at

    def _open(self, path: str, block_size: int | None = None):
        return _FailingFile(super()._open(path, block_size), self.fail_at)


def test_a_range_that_fails_midway_names_the_line_one_process_names(log, detector,
                                                                    many_ranges):
    path, _ = log
    raw = path.read_bytes()
    tasks = parallel.plan_tasks(_source(path), list(_source(path).containers()), jobs=2)
    failing = tasks[len(tasks) // 2]
    # Inside a line of a range in the middle of the file, ranges before it and after it.
    at = raw.index(b"\n", failing.start + (failing.end - failing.start) // 2) - 5
    options = ScanOptions(jobs=1, hash_key=KEY, hits=True)
    one = scan([FailingLogSource(str(path), at, max_line_bytes=MAX_LINE)], options,
               detector=detector)
    many = scan([FailingLogSource(str(path), at, max_line_bytes=MAX_LINE)],
                dataclasses.replace(options, jobs=2), detector=detector)
    (error,) = one.sources[0].errors
    lines_before = raw.count(b"\n", 0, at) + 1  # the line it fails in, read in part
    assert error == f"read error: [Errno 5] disk gone after {lines_before} lines"
    assert many.sources[0].errors == one.sources[0].errors
    assert many.sources[0].status == one.sources[0].status == "failed"
    # The ranges after it were read, but their lines cannot be numbered without the failed
    # range's: their hits are left out (and said so), none is given a wrong line.
    (info,) = many.containers
    assert any(n.startswith(f"hits from byte {failing.end} on left out") for n in info.notes)
    assert sorted(many.hits, key=repr) == sorted(one.hits, key=repr)
    assert len(one.hits) > 100


class _CountingFile:
    """A file that records the ``(offset, size)`` of every read."""

    def __init__(self, f, reads: list[tuple[int, int]]) -> None:
        self._f, self._reads = f, reads

    def read(self, n: int = -1) -> bytes:
        pos = self._f.tell()
        data = self._f.read(n)
        self._reads.append((pos, len(data)))
        return data

    def __getattr__(self, name: str):
        return getattr(self._f, name)

    def __enter__(self) -> _CountingFile:
        return self

    def __exit__(self, *exc: object) -> None:
        self._f.close()


class CountingLogSource(LogSource):
    """Records every read of its files."""

    def __init__(self, spec: str, **options) -> None:
        super().__init__(spec, **options)
        self.reads: list[tuple[int, int]] = []

    def _open(self, path: str, block_size: int | None = None):
        return _CountingFile(super()._open(path, block_size), self.reads)


def test_planning_reads_the_head_alone(log, many_ranges):
    path, _ = log
    source = CountingLogSource(str(path))
    tasks = parallel.plan_tasks(source, list(source.containers()), jobs=2)
    assert len(tasks) > 8
    # No line is numbered while planning (that read the file up to the last range's start),
    # and the ranges are cut where they fall: the head tells the encoding, nothing else is read.
    assert source.reads == [(0, HEAD)]


def test_a_range_reads_only_the_head_and_its_own_lines(log, many_ranges):
    path, _ = log
    raw = path.read_bytes()
    source = CountingLogSource(str(path))
    (container,) = list(source.containers())
    tasks = parallel.plan_tasks(LogSource(str(path)), [container], jobs=2)
    assert len(tasks) > 8
    lines = 0
    for task in tasks:
        source.reads.clear()
        *_, done = source.read_range(container, task.start, task.end)
        lines += done.rows_scanned
        # Its bytes, the byte before them (a newline or not), and past its end the rest of
        # its last line (read in 4 KiB, more in a long line).
        last = raw[raw.rfind(b"\n", 0, task.end) + 1:raw.find(b"\n", task.end - 1) + 1]
        past = sum(max(0, pos + n - max(pos, task.end)) for pos, n in source.reads
                   if pos + n > HEAD)
        assert past <= 2 * len(last) + (4 << 10), task
        assert all(pos + n <= HEAD or pos >= task.start - 1 for pos, n in source.reads), task
    assert lines == raw.count(b"\n")


def test_each_range_counts_the_lines_it_reads(log, many_ranges):
    # What the merge counts for a range that was not read to its end is what a read gives.
    path, _ = log
    source = _source(path)
    (container,) = list(source.containers())
    tasks = parallel.plan_tasks(source, [container], jobs=2)
    assert len(tasks) > 8
    counted = []
    for task in tasks:
        *_, done = source.read_range(container, task.start, task.end)
        assert source.lines_in(container, task.start, task.end) == done.rows_scanned, task
        counted.append(done.rows_scanned)
    assert sum(counted) == path.read_bytes().count(b"\n")
    # Cut anywhere, even inside a line or right after a newline.
    size = path.stat().st_size
    for start, end in ((0, 1), (1, 2), (0, size), (size // 3, size // 2), (size - 1, size)):
        raw = path.read_bytes()
        starts = [p for p in range(start, end) if p == 0 or raw[p - 1] == 10]
        assert source.lines_in(container, start, end) == len(starts)


class _StopAfter:
    """A stop event that is set once it has been asked ``n`` times."""

    def __init__(self, n: int) -> None:
        self.n = n

    def is_set(self) -> bool:
        self.n -= 1
        return self.n < 0

    def set(self) -> None:
        self.n = -1


def test_ranges_after_one_not_read_to_its_end_keep_their_line_numbers(log, detector,
                                                                      many_ranges):
    # A range interrupted midway, and one that never ran: the lines of both are counted
    # from the file, and every hit after them keeps the line one process gives it.
    path, _ = log
    source = LogSource(str(path), max_line_bytes=MAX_LINE, batch_bytes=4 << 10)
    (container,) = list(source.containers())
    options = ScanOptions(jobs=1, hash_key=KEY, hits=True)
    scanner = parallel.ContainerScanner(source, detector, options, KEY)
    whole = parallel.run_task(scanner, source, parallel.Task(0, container), _StopAfter(1 << 30))
    tasks = parallel.plan_tasks(source, [container], jobs=2)
    interrupted, lost = len(tasks) // 3, 2 * len(tasks) // 3
    parts = []
    for k, task in enumerate(tasks):
        if k != lost:
            stop = _StopAfter(2 if k == interrupted else 1 << 30)
            parts.append((task, parallel.run_task(scanner, source, task, stop)))
    assert parts[interrupted][1].error == "interrupted"
    assert parts[interrupted][1].rows > 0
    merged = parallel.merge_outcomes(parts, options.max_examples,
                                     parallel.lines_counter(source))
    later = tasks[interrupted + 1].start
    # An outcome holds its hits as rows (hitparts.HitRow) until they are written.
    one = {(h.row, h.entity, h.start, h.end) for h in (Hit(*r) for r in whole.hits)}
    got = [(h.row, h.entity, h.start, h.end) for h in (Hit(*r) for r in merged.hits)]
    assert got and set(got) <= one
    # Hits of ranges after the interrupted one are there (not left out), numbered as one
    # process numbers them.
    raw = path.read_bytes()
    first_later_row = raw.count(b"\n", 0, later) + 1
    assert any(row >= first_later_row for row, *_ in got)
    assert not merged.notes
    # Without the counter, the same parts leave those hits out, and say so.
    parts_again = []
    for k, task in enumerate(tasks):
        if k != lost:
            stop = _StopAfter(2 if k == interrupted else 1 << 30)
            parts_again.append((task, parallel.run_task(scanner, source, task, stop)))
    blind = parallel.merge_outcomes(parts_again, options.max_examples)
    assert all(h.row < first_later_row for h in (Hit(*r) for r in blind.hits))
    assert any(n.startswith("hits from byte") for n in blind.notes)


def test_progress_counts_each_range_once_whatever_order_they_come_back_in(log, detector,
                                                                         many_ranges,
                                                                         monkeypatch):
    # The ranges come back last first: each one folds into the run of those after it. The
    # bytes the progress reports add up to the file's, once each.
    path, _ = log
    source = _source(path)

    def backwards(tasks, jobs, source, detector, options, key, stop, scanner=None):
        scanner = parallel.ContainerScanner(source, detector, options, key)
        done = [(t, parallel.run_task(scanner, source, t, stop)) for t in tasks]
        yield from reversed(done)

    monkeypatch.setattr(parallel, "run_tasks", backwards)
    reported = []
    outcomes = parallel.scan_containers(
        source, list(source.containers()), ScanOptions(jobs=2, hash_key=KEY), KEY,
        progress=lambda _s, _c, done, total, nbytes: reported.append((done, total, nbytes)),
        detector=detector)
    total = reported[-1][1]
    assert total > 3 and [done for done, _, _ in reported] == list(range(1, total + 1))
    # What the merged file says it read, each range's bytes once (the engine counts the
    # bytes of the text it reads, within a few bytes of the file's size here).
    assert sum(nbytes for _, _, nbytes in reported) == outcomes[0].bytes
    assert abs(outcomes[0].bytes - path.stat().st_size) < 64
