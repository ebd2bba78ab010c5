"""Hits written as Parquet parts while a scan runs: the same hits, in the same order, as when
they were kept in memory; with worker processes too; and none lost on an interrupt."""

from __future__ import annotations

import dataclasses
import threading
from pathlib import Path

import pyarrow.parquet as pq
import pytest

from derbes.detectors.corpora import logs as gen_logs
from derbes.scanner.engine import ScanOptions, parallel, scan
from derbes.scanner.engine.detect import Detector
from derbes.scanner.hitparts import HitStore, move_part, read_part, write_part
from derbes.scanner.model import Hit
from derbes.scanner.run import HITS_PARTS_DIR, RunSpec, run_scan
from derbes.scanner.sources.logs import LogSource

KEY = b"hitparts-test-key-0123456789abcdef"


@pytest.fixture(scope="module")
def log(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("hitparts") / "app.log"
    path.write_text("\n".join(gen_logs.lines(6000, seed=5)) + "\n", encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def detector() -> Detector:
    return Detector()


def _hits(result) -> list[tuple]:
    """Hits in the order the result gives them (not sorted: the order is part of the test)."""
    return [(h.container, h.field, h.row, h.start, h.end, h.entity, h.masked, h.value_hash)
            for h in result.hits]


def test_a_part_holds_its_hits_exactly(tmp_path: Path) -> None:
    hits = [Hit("s", "c", None, 1, 0, 12, "KZ_IIN", 1.0, "8704********", "ab"),
            Hit("s", "c", "user.phone", 2, 3, 15, "PHONE_NUMBER", 0.75, "+7 *** 67", "cd",
                value="+77011234567")]
    part = write_part(hits, str(tmp_path / "parts"))
    assert part.count == 2 and read_part(part.url) == hits
    # Written under a temporary name and renamed: nothing else is left in the folder.
    assert [p.name for p in (tmp_path / "parts").iterdir()] == [Path(part.url).name]


def test_the_engines_rows_are_hits(tmp_path: Path, detector: Detector) -> None:
    """The engine keeps a hit as a row (hitparts.HitRow): a Hit's fields in order, its score
    rounded to four places (a recognizer's own score may have more), the value only when
    asked for; written and read back, and iterated, rows are the Hits they stand for."""
    from derbes.scanner.engine.container import ContainerOutcome, ContainerScanner
    from derbes.scanner.redact import mask

    path = tmp_path / "one.log"
    path.write_text("x\n", encoding="utf-8")
    source = LogSource(str(path))
    (container,) = list(source.containers())
    out = ContainerOutcome(container)
    for show in (False, True):
        options = ScanOptions(hash_key=KEY, hits=True, show_values=show)
        scanner = ContainerScanner(source, detector, options, KEY)
        for score, rounded in ((0.87654321, 0.8765), (0.87654321, 0.8765), (1.0, 1.0),
                               (0.4, 0.4)):  # the second time from what was kept
            row = scanner._make_hit(out, "user.phone", 7, 3, 15, "PHONE_NUMBER", score,
                                    "+77011234567", "cd", mask("PHONE_NUMBER", "+77011234567"))
            assert type(row) is tuple
            assert Hit(*row) == Hit(
                source.name, container.name, "user.phone", 7, 3, 15, "PHONE_NUMBER", rounded,
                mask("PHONE_NUMBER", "+77011234567"), "cd", "+77011234567" if show else None)
    rows = [(*row[:3], r, *row[4:]) for r in range(1, 4)]
    expected = [Hit(*r) for r in rows]
    part = write_part(rows, str(tmp_path / "parts"))
    assert read_part(part.url) == expected
    assert list(HitStore([rows])) == expected
    assert [b.to_pylist() for b in HitStore([rows]).batches()] == [
        b.to_pylist() for b in HitStore([expected]).batches()]


def test_a_part_of_a_later_byte_range_reads_its_rows_further_down(tmp_path: Path) -> None:
    # A range's worker writes rows counted from its range's first line; the merge renumbers
    # the part (HitPart.row_offset) instead of rewriting it.
    hits = [Hit("s", "c", None, row, 0, 12, "KZ_IIN", 1.0, "8704********", f"h{row}")
            for row in range(1, 70_001)]  # more than one batch read back
    part = dataclasses.replace(write_part(hits, str(tmp_path / "parts")), row_offset=1000)
    expected = [dataclasses.replace(h, row=h.row + 1000) for h in hits]
    assert read_part(part.url, part.row_offset) == expected
    store = HitStore([part, hits[:2]])
    assert list(store) == [*expected, *hits[:2]]
    assert [r for b in store.batches() for r in b.column("row").to_pylist()] == [
        h.row for h in (*expected, *hits[:2])]
    moved = move_part(part, str(tmp_path / "here"))
    assert moved.row_offset == 1000 and read_part(moved.url, moved.row_offset) == expected


def test_spilled_hits_are_the_hits_kept_in_memory(log: Path, detector: Detector) -> None:
    kept = scan([LogSource(str(log))], ScanOptions(hash_key=KEY, hits=True, hits_spill=10**9),
                detector=detector)
    spilled = scan([LogSource(str(log))], ScanOptions(hash_key=KEY, hits=True, hits_spill=50),
                   detector=detector)
    assert isinstance(spilled.hits, HitStore) and len(spilled.hits.parts) > 10
    assert not kept.hits.parts
    assert _hits(spilled) == _hits(kept)
    assert len(spilled.hits) > 500


def test_workers_write_parts_and_the_order_stays(log: Path, detector: Detector,
                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(parallel, "MIN_RANGE_BYTES", 64 << 10)
    monkeypatch.setattr(parallel, "RETURN_HITS", 10)
    one = scan([LogSource(str(log))], ScanOptions(hash_key=KEY, hits=True), detector=detector)
    two = scan([LogSource(str(log))], ScanOptions(hash_key=KEY, hits=True, jobs=2,
                                                  hits_spill=200), detector=detector)
    assert len(two.hits.parts) > 4
    assert sorted(_hits(two), key=repr) == sorted(_hits(one), key=repr)
    # Ranges in file order: a line's hits come in the order its batch was detected, and
    # batches start elsewhere in a range, but no hit comes before a line of an earlier range.
    raw = log.read_bytes()
    firsts = {raw.count(b"\n", 0, t.start or 0) + 1 for t in parallel.plan_tasks(
        LogSource(str(log)), list(LogSource(str(log)).containers()), 2)}
    assert len(firsts) > 4
    rows = [h.row for h in two.hits]
    for first in firsts:
        before = [i for i, row in enumerate(rows) if row < first]
        after = [i for i, row in enumerate(rows) if row >= first]
        assert not before or not after or max(before) < min(after)


def test_the_temporary_parts_folder_goes_with_the_result(log: Path, detector: Detector) -> None:
    result = scan([LogSource(str(log))], ScanOptions(hash_key=KEY, hits=True, hits_spill=50),
                  detector=detector)
    folder = Path(result.hits.folder)
    assert list(folder.glob("part-*.parquet"))
    del result
    import gc

    gc.collect()
    assert not folder.exists()


def test_a_stopped_scan_keeps_every_hit_it_counted(log: Path, detector: Detector) -> None:
    stop = threading.Event()

    class Stopping(LogSource):
        """Reads a few batches, then sets ``stop`` as Ctrl-C would."""

        def read(self, container):
            for n, batch in enumerate(super().read(container)):
                if n == 3:
                    stop.set()
                yield batch

    options = ScanOptions(hash_key=KEY, hits=True, hits_spill=50)
    source = Stopping(str(log), batch_bytes=16 << 10)
    result = scan([source], options, detector=detector, stop=stop)
    assert result.interrupted
    assert len(result.hits.parts) >= 1
    # Every hit of the lines it counted as scanned, and no other, as a whole scan finds them.
    (info,) = result.containers
    whole = scan([LogSource(str(log))], ScanOptions(hash_key=KEY, hits=True), detector=detector)
    expected = [h for h in _hits(whole) if h[2] <= info.rows_scanned]
    assert 0 < len(expected) < len(whole.hits)
    assert sorted(_hits(result), key=repr) == sorted(expected, key=repr)
    assert len(result.hits) == len(expected)


def test_cli_gathers_parts_into_hits_parquet(log: Path, tmp_path: Path,
                                             monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DERBES_HASH_KEY", KEY.decode())
    out = tmp_path / "out"
    import derbes.scanner.hitparts as hitparts

    monkeypatch.setattr(hitparts, "SPILL_HITS", 50)
    run_scan(RunSpec(sources=[str(log)], out=out, formats=["parquet"], hits=True, quiet=True,
                     jobs=1))
    written = pq.read_table(out / "hits.parquet").to_pylist()
    whole = scan([LogSource(str(log))], ScanOptions(hash_key=KEY, hits=True))
    assert [(h["row"], h["start"], h["entity"], h["value_hash"]) for h in written] == [
        (h.row, h.start, h.entity, h.value_hash) for h in whole.hits]
    assert len(written) > 500
    assert not (out / HITS_PARTS_DIR).exists()
    assert sorted(p.name for p in out.iterdir()) == ["findings.parquet", "hits.parquet",
                                                     "summary.json"]


@pytest.fixture(scope="module")
def folder(tmp_path_factory) -> Path:
    """Forty small logs: each holds fewer hits than a part."""
    root = tmp_path_factory.mktemp("hitparts-folder")
    text = gen_logs.lines(4000, seed=11)
    for k in range(40):
        (root / f"app-{k:02d}.log").write_text("\n".join(text[k * 100:(k + 1) * 100]) + "\n",
                                               encoding="utf-8")
    return root


@pytest.mark.parametrize("jobs", [1, 2])
def test_small_files_hits_leave_memory_together_in_their_order(folder: Path, detector: Detector,
                                                               jobs: int, tmp_path: Path) -> None:
    """Files with fewer hits than a part each: their hits are written together once they add
    up to a part's worth, in one part, and read back in the scan's order."""
    kept = scan([LogSource(str(folder))], ScanOptions(hash_key=KEY, hits=True,
                                                      hits_spill=10**9), detector=detector)
    options = ScanOptions(hash_key=KEY, hits=True, hits_spill=60, jobs=jobs,
                          hits_dir=str(tmp_path / "parts"))
    grouped = scan([LogSource(str(folder))], options, detector=detector)
    assert _hits(grouped) == _hits(kept) and len(kept.hits) > 600
    in_memory = [s for s in grouped.hits.segments if not hasattr(s, "url")]
    assert sum(len(s) for s in in_memory) < 60  # only the last, fewer than a part's worth
    files = {s.url for s in grouped.hits.parts}
    assert len(files) < len(grouped.hits.parts)  # several files a part file
    # hits.parquet written from them holds the same hits in the same order.
    spec = RunSpec(sources=[str(folder)], out=tmp_path / "out", formats=["parquet"],
                   hits=True, quiet=True, jobs=jobs)
    run_scan(spec)
    written = pq.read_table(tmp_path / "out" / "hits.parquet").to_pylist()
    assert len(written) == len(kept.hits)


def _count_opened(monkeypatch) -> list[str]:
    """The URLs of the parts opened from now on, in order."""
    from derbes.scanner import hitparts

    opened: list[str] = []
    real = hitparts._fs

    def counted(url):
        opened.append(url)
        return real(url)

    monkeypatch.setattr(hitparts, "_fs", counted)
    return opened


@pytest.mark.parametrize("group_rows", [2, 3, 1024])
def test_parts_sharing_files_read_in_the_order_of_the_store(tmp_path: Path, monkeypatch,
                                                            group_rows: int) -> None:
    """Stretches of shared files (write_part_groups) in any order, with parts of their own
    and hits in memory between them: read in the store's order, each file opened once;
    stretches across row groups of any size."""
    from derbes.scanner import hitparts

    monkeypatch.setattr(hitparts, "SHARED_GROUP_ROWS", group_rows)

    def hits(container: str, n: int) -> list[Hit]:
        return [Hit("s", container, None, k, 0, 12, "KZ_IIN", 1.0, "8704********", f"{k}")
                for k in range(n)]

    a = hitparts.write_part_groups([hits("a0", 3), [], hits("a1", 2), hits("a2", 4)],
                                   str(tmp_path))
    assert [(p.first, p.count) for p in a] == [(0, 3), (3, 2), (5, 4)]
    b = hitparts.write_part_groups([hits("b0", 2), hits("b1", 1)], str(tmp_path))
    whole = write_part(hits("w", 2), str(tmp_path))
    memory = hits("m", 2)
    segments = [a[2], b[1], memory, a[0], whole, b[0], a[1]]
    expected = [*hits("a2", 4), *hits("b1", 1), *memory, *hits("a0", 3), *hits("w", 2),
                *hits("b0", 2), *hits("a1", 2)]
    opened = _count_opened(monkeypatch)
    store = HitStore(segments)
    assert list(store) == expected
    assert sorted(opened) == sorted([a[0].url, b[0].url, whole.url])
    assert [h for batch in store.batches() for h in hitparts._hits_of(batch)] == expected
    monkeypatch.setattr(hitparts._OpenParts, "KEEP", 1)  # a file let go and read again
    assert list(HitStore(segments)) == expected


def test_the_file_read_last_stays_open(tmp_path: Path, monkeypatch) -> None:
    """Shared files are kept open, the least lately read let go first."""
    from derbes.scanner import hitparts

    def hits(container: str) -> list[Hit]:
        return [Hit("s", container, None, 1, 0, 12, "KZ_IIN", 1.0, "8704********", "x")]

    files = {name: hitparts.write_part_groups([hits(f"{name}0"), hits(f"{name}1"),
                                               hits(f"{name}2")], str(tmp_path))
             for name in "abc"}
    a, b, c = files["a"], files["b"], files["c"]
    opened = _count_opened(monkeypatch)
    monkeypatch.setattr(hitparts._OpenParts, "KEEP", 2)
    store = HitStore([a[0], b[0], a[1], c[0], a[2]])
    assert [h.container for h in store] == ["a0", "b0", "a1", "c0", "a2"]
    # a, b; a read again; c lets b go (not a, read later than b); a still open.
    assert opened == [a[0].url, b[0].url, c[0].url]
