"""What each log format of the dense corpus costs: µs a line, µs a detected value, MB/s.

    python benchmarks/formats.py [--size-mb 10] [--seed 94] [--repeat 3]

The dense corpus of ``run.py`` is the twelve files of :mod:`derbes.detectors.corpora.realistic`
written one after another; here each file is scanned on its own (the whole engine, one
process, the detector compiled and warmed up on the first line of the first file before the
clock starts, best of ``--repeat``), so that the formats that cost the most per line show, and
the share of the whole corpus' time each takes. A format whose µs per value is far above the
rest is where the per-value work is, whatever its share; a format with a large share and an
ordinary cost per value is simply dense. Figures depend on the machine; the shares and the
order of the formats much less.
"""

from __future__ import annotations

import argparse
import tempfile
import time
from pathlib import Path

from derbes.detectors.base import clear_memos
from derbes.detectors.corpora.realistic import corpus
from derbes.scanner.engine import ScanOptions, scan
from derbes.scanner.engine.detect import Detector
from derbes.scanner.engine.pieces import special_lines
from derbes.scanner.sources.logs import LogSource

try:  # run as a script (benchmarks/ first on the path) or as a module
    from run import HASH_KEY, machine
except ImportError:
    from benchmarks.run import HASH_KEY, machine


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--size-mb", type=float, default=10)
    parser.add_argument("--seed", type=int, default=94)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args(argv)
    lines = max(1200, int(args.size_mb * 1_000_000 / 155))  # as run.py's dense corpus
    files = corpus(lines, args.seed)
    detector = Detector()
    detector.prepare("lines")
    detector.prepare("values")
    special_lines(b"%20\n")
    options = ScanOptions(hash_key=HASH_KEY)
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        paths = []
        for log in files:
            path = Path(tmp) / log.name.replace("/", "_")
            path.write_text("\n".join(log.lines) + "\n", encoding="utf-8")
            paths.append((log, path))
        first = Path(tmp) / "first.log"
        first.write_text(files[0].lines[0] + "\n", encoding="utf-8")
        scan([LogSource(str(first))], options, detector=detector)  # what loads on first use
        for log, path in paths:
            best, hits = float("inf"), 0
            for _ in range(args.repeat):
                # Each run validates its values anew, as the file's first scan in a process
                # does (a run after the first would find them all remembered).
                clear_memos()
                t0 = time.perf_counter()
                result = scan([LogSource(str(path))], options, detector=detector)
                best = min(best, time.perf_counter() - t0)
                hits = sum(f.hits for f in result.findings)
            rows.append((log.name, len(log.lines), path.stat().st_size, best, hits))
    total = sum(r[3] for r in rows)
    m = machine()
    print(f"machine: {m['nproc']} cores, {m['cpu']}, Python {m['python']}, {m['date']}; "
          f"engine {detector.engine_name}; dense corpus of "
          f"{lines} lines, seed {args.seed}, each file alone, best of {args.repeat}")
    print(f"{'file':32} {'lines':>6} {'MB':>5} {'s':>6} {'MB/s':>5} {'us/line':>7} "
          f"{'hits':>6} {'us/hit':>6} {'share':>5}")
    for name, count, size, seconds, hits in sorted(rows, key=lambda r: -r[3]):
        print(f"{name:32} {count:6d} {size / 1e6:5.2f} {seconds:6.3f} {size / 1e6 / seconds:5.1f} "
              f"{seconds / count * 1e6:7.1f} {hits:6d} {seconds / max(hits, 1) * 1e6:6.1f} "
              f"{seconds / total:5.0%}")
    count = sum(r[1] for r in rows)
    size = sum(r[2] for r in rows)
    hits = sum(r[4] for r in rows)
    print(f"{'all, one file at a time':32} {count:6d} {size / 1e6:5.2f} {total:6.3f} "
          f"{size / 1e6 / total:5.1f} {total / count * 1e6:7.1f} {hits:6d} "
          f"{total / max(hits, 1) * 1e6:6.1f}")


if __name__ == "__main__":
    main()
