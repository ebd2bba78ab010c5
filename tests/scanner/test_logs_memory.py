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
