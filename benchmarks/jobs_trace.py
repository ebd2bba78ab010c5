"""Where a ``--jobs N`` scan of one log file spends its wall time: each task's range, worker and
seconds, and when each worker finished, against the sum of the tasks' work.

    python benchmarks/jobs_trace.py FILE [--jobs 2] [--min-range-kib 256 2048] [--repeat 2]

For each minimum range size (``parallel.MIN_RANGE_BYTES``) it scans FILE with ``--jobs``
processes (this one and N - 1 workers) and prints the tasks (byte size, start and end in
seconds from the scan's start), the work (the tasks' seconds added up, and their CPU seconds:
on a busy machine a task's wall time includes waiting for a core), the balance bound (work /
jobs) and when each process finished. A process that finishes long before the other waited
for nothing it could do: the ranges were too coarse for the file (a file whose parts differ
in cost, as the dense corpus' blocks of log formats do). Wall times on a shared machine
drift; the gap between the processes' ends does not depend on that drift.
"""

from __future__ import annotations

import argparse
import os
import tempfile
import time
from pathlib import Path

from derbes.scanner.engine import ScanOptions, parallel, scan
from derbes.scanner.engine.detect import Detector
from derbes.scanner.sources.logs import LogSource

_TRACE: dict = {}


def _traced(scanner, source, task: parallel.Task, stop, read=None):
    """``parallel.run_task``, and a line of the task's timing in the trace file (in this
    process or a worker: the workers, forked, inherit it)."""
    started, cpu = time.time(), time.process_time()
    outcome = _TRACE["run"](scanner, source, task, stop, read)
    with _TRACE["log"].open("a") as f:
        f.write(f"{os.getpid()} {started} {time.time()} {task.size} "
                f"{time.process_time() - cpu}\n")
    return outcome


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("file")
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument("--min-range-kib", type=int, nargs="+", default=[256, 2048])
    parser.add_argument("--repeat", type=int, default=2)
    args = parser.parse_args()

    with tempfile.TemporaryDirectory() as tmp:
        log = _TRACE["log"] = Path(tmp) / "tasks.log"
        _TRACE["run"] = parallel.run_task
        parallel.run_task = _traced  # called by its name, here and in the workers
        detector = Detector()
        detector.prepare("lines")
        detector.prepare("values")
        for _ in range(args.repeat):
            for kib in args.min_range_kib:
                parallel.MIN_RANGE_BYTES = kib << 10
                log.write_text("")
                t0 = time.time()
                result = scan([LogSource(args.file)], ScanOptions(jobs=args.jobs),
                              detector=detector)
                # A failed scan (as when run_task took one argument more than _traced did)
                # would print no task and a wall time of nothing.
                (summary,) = result.sources
                assert summary.status == "ok", summary
                wall = time.time() - t0
                tasks = sorted(
                    (float(s), float(e), int(pid), int(size), float(cpu))
                    for pid, s, e, size, cpu in (
                        line.split() for line in log.read_text().split("\n") if line))
                ends: dict[int, float] = {}
                for _, end, pid, _, _ in tasks:
                    ends[pid] = max(ends.get(pid, 0.0), end - t0)
                total = sum(end - start for start, end, _, _, _ in tasks)
                cpu = sum(task[4] for task in tasks)
                print(f"min range {kib} KiB: {len(tasks)} tasks, wall {wall:.3f} s, work "
                      f"{total:.3f} s ({cpu:.3f} s CPU), balance bound {total / args.jobs:.3f} s, "
                      "processes ended at "
                      f"{', '.join(f'{t:.3f}' for t in sorted(ends.values()))} s")
                print("  tasks (MB, start-end s): " + ", ".join(
                    f"{size / 1e6:.2f} {start - t0:.2f}-{end - t0:.2f}"
                    for start, end, _, size, _ in tasks))


if __name__ == "__main__":
    main()
