"""LogSource streams: reading ~50 MB adds far less than 50 MB to the peak RSS.

The read runs in a child process so that the peak RSS is this read's alone, measured after the
imports. The peak is the kernel's ``VmHWM``: ``ru_maxrss`` survives ``exec`` on Linux, so a
child would report its parent's peak. ``benchmarks/log_memory.py`` does the same on 1 GB.
"""

from __future__ import annotations

import gzip
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

CHILD = textwrap.dedent(
    """
    import sys
    from derbes.scanner.sources.base import LineBatch
    from derbes.scanner.sources.logs import LogSource

    src = LogSource(sys.argv[1])
    container = next(src.containers())

    def hwm():
        with open("/proc/self/status") as f:
            return next(int(line.split()[1]) for line in f if line.startswith("VmHWM:"))

    base = hwm()
    size = 0
    for batch in src.read(container):
        if isinstance(batch, LineBatch):
            size += len(batch.data)
        else:
            done = batch
    peak = hwm()
    print(size, done.rows_scanned, (peak - base) // 1024)
    """
)

SIZE = 50 << 20
LINE = "2024-05-01T10:00:00Z INFO user=Айгерим Нурланова iin=900101300456 phone=+77011234567\n"


def _write(path: Path, kind: str) -> int:
    """Write ~50 MB of log; return its line count."""
    block = LINE * 1000
    count = SIZE // len(block.encode())
    if kind == "long-line":
        # One 20 MB line (in pieces when read) among ordinary ones.
        with path.open("w") as f:
            f.write(block * (count // 2))
            f.write("x=" + "y" * (20 << 20) + "\n")
            f.write(block * (count // 2))
        return 2 * (count // 2) * 1000 + 1
    opener = gzip.open if kind == "gzip" else open
    with opener(path, "wt", **({"compresslevel": 1} if kind == "gzip" else {})) as f:
        for _ in range(count):
            f.write(block)
    return count * 1000


@pytest.mark.skipif(not Path("/proc/self/status").exists(), reason="needs Linux /proc")
@pytest.mark.parametrize("kind", ["plain", "gzip", "long-line"])
def test_reading_50_mb_keeps_memory_bounded(tmp_path: Path, kind: str) -> None:
    path = tmp_path / f"big-{kind}.log"
    lines = _write(path, kind)
    proc = subprocess.run(
        [sys.executable, "-c", CHILD, str(path)], capture_output=True, text=True, timeout=300
    )
    assert proc.returncode == 0, proc.stderr
    size, rows, growth_mib = map(int, proc.stdout.split())
    assert rows == lines
    assert size >= 45 << 20
    # Batches are 4 MiB, pieces of long lines 1 MiB: a few copies of a batch at most.
    assert growth_mib < 32, f"peak RSS grew by {growth_mib} MiB reading {size >> 20} MiB"


SCAN_CHILD = textwrap.dedent(
    """
    import resource, sys
    import pyarrow.parquet as pq
    from derbes.reports.parquet import write_hits
    from derbes.scanner.engine import ScanOptions, scan
    from derbes.scanner.engine.detect import Detector
    from derbes.scanner.model import Hit
    from derbes.scanner.sources.logs import LogSource

    def hwm():
        with open("/proc/self/status") as f:
            return next(int(line.split()[1]) for line in f if line.startswith("VmHWM:"))

    path, out, jobs = sys.argv[1], sys.argv[2], int(sys.argv[3])
    detector = Detector()
    detector.prepare("lines")
    # The same scan without hits first: the peak it leaves is what detection itself takes
    # (a batch of lines and its matches); what the scan with hits adds on top is the hits'.
    scan([LogSource(path)], ScanOptions(jobs=jobs, hash_key=b"k" * 32), detector=detector)
    base = hwm()
    options = ScanOptions(hits=True, hits_spill=2000, jobs=jobs, hash_key=b"k" * 32)
    result = scan([LogSource(path)], options, detector=detector)
    write_hits(result, out)
    peak = hwm()
    # What the hits would take held in memory: a Hit and its own strings, times their number.
    sample = [h for _, h in zip(range(1000), result.hits)]
    each = sum(sys.getsizeof(h) + sys.getsizeof(h.masked) + sys.getsizeof(h.value_hash)
               for h in sample) / len(sample)
    workers = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    print(len(result.hits), pq.ParquetFile(out).metadata.num_rows, (peak - base) // 1024,
          int(each * len(result.hits)) >> 20, max(0, workers - base) // 1024)
    """
)


@pytest.mark.skipif(not Path("/proc/self/status").exists(), reason="needs Linux /proc")
@pytest.mark.parametrize("jobs", [1, 2])
def test_scan_with_hits_keeps_them_out_of_memory(tmp_path: Path, jobs: int) -> None:
    """A dense log (a hit on every line) scanned with hits: memory grows by a fixed amount and
    a fraction of what the hits would take held in a list (with the hits in a list, the
    growth is all of it), and none is lost. The 1 GB
    figure (under 300 MB a process) is ``benchmarks/log_memory.py --scan``."""
    path = tmp_path / "dense.log"
    with path.open("w") as f:
        for i in range(150_000):
            # Client IPs that repeat, as in an access log: the distinct sets stay small, and
            # what could grow is the hits alone.
            f.write(f'10.{i % 7}.{i % 13}.{i % 11 + 1} - - "GET /a HTTP/1.1" 200 {i}\n')
    proc = subprocess.run(
        [sys.executable, "-c", SCAN_CHILD, str(path), str(tmp_path / "hits.parquet"), str(jobs)],
        capture_output=True, text=True, timeout=600,
    )
    assert proc.returncode == 0, proc.stderr
    hits, written, growth_mib, held_mib, workers_mib = map(int, proc.stdout.split())
    assert hits == written >= 150_000
    assert held_mib >= 30, "the test needs hits that would take memory if held"
    # A fixed part (Arrow's and zstd's buffers, the parts being written and read back) and a
    # part that scales: held in a list, the hits alone would take ``held_mib``.
    bound = 16 + held_mib / 4
    assert growth_mib < bound, f"peak RSS grew by {growth_mib} MiB; hits held: {held_mib}"
    assert workers_mib < bound, f"a worker grew by {workers_mib} MiB; hits held: {held_mib}"
