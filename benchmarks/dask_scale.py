"""Scans on Dask: a multi-file log scan on 1 and 2 workers, next to local --jobs 1 and 2.

All four figures come from the same run, on the same files, so their ratios hold on a
machine whose speed drifts:

* **local, 1 job** and **local, --jobs 2**: ``scan([LogSource(dir)])`` in this process and
  in two worker processes (``scanner/engine/parallel.py``).
* **Dask, 1 worker** and **Dask, 2 workers**: the same scan through
  :class:`~derbes.scanner.engine.cluster.DaskExecutor` on a ``LocalCluster`` of that many
  worker processes (one thread each) on loopback. Each cluster first runs one scan that is
  not timed: its workers import derbes and compile the detector once per process, as the
  workers of a long-lived cluster do.

The four configurations run in turns (one scan of each per round, ``--repeat`` rounds), so a
slow moment of the machine falls on all of them alike.

The corpus is ``--files`` files of ``--file-mb`` MB each of ``gen_logs.py`` lines (one seed
per file), no file large enough to be cut: the units are whole files, as for a directory of
rotated logs. Best of ``--repeat`` rounds for each figure; every run is printed.

    python benchmarks/dask_scale.py [--files 8] [--file-mb 6] [--repeat 3]
"""

from __future__ import annotations

import argparse
import contextlib
import logging
import os
import time
from pathlib import Path

from derbes.detectors.corpora.logs import write_corpus

HERE = Path(__file__).resolve().parent
DATA = HERE / "data"
HASH_KEY = b"derbes-benchmark-key-0123456789ab"


def corpus(files: int, file_mb: float) -> tuple[Path, int]:
    folder = DATA / f"multi-{files}x{file_mb:g}mb"
    for i in range(files):
        write_corpus(folder / f"app-{i:02d}.log", file_mb, seed=94 + i)
    size = sum(p.stat().st_size for p in folder.glob("*.log"))
    return folder, size


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--files", type=int, default=8)
    parser.add_argument("--file-mb", type=float, default=6)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()

    from distributed import Client, LocalCluster

    from derbes.scanner.engine import ScanOptions, scan
    from derbes.scanner.engine.cluster import DaskExecutor
    from derbes.scanner.engine.detect import Detector
    from derbes.scanner.sources.logs import LogSource

    folder, size = corpus(args.files, args.file_mb)
    for p in folder.glob("*.log"):  # page cache warm: no figure pays for the disk
        p.read_bytes()
    load = os.getloadavg()[0]
    print(f"corpus: {args.files} files, {size / 1e6:.1f} MB in {folder}; "
          f"{os.cpu_count()} cores, load average {load:.2f} before the run")
    detector = Detector()
    detector.prepare("lines")

    def local(jobs: int):
        options = ScanOptions(jobs=jobs, hash_key=HASH_KEY)
        return lambda: scan([LogSource(str(folder))], options, detector=detector)

    runs = {"local, 1 job": local(1), "local, --jobs 2": local(2)}
    with contextlib.ExitStack() as stack:
        for workers in (1, 2):
            label = f"Dask, {workers} worker{'s' if workers > 1 else ''}"
            cluster = stack.enter_context(LocalCluster(
                n_workers=workers, threads_per_worker=1, processes=True, host="127.0.0.1",
                dashboard_address=None, silence_logs=logging.ERROR))
            client = stack.enter_context(Client(cluster, set_as_default=False))
            executor = DaskExecutor(client=client)

            def on_dask(executor=executor):
                options = ScanOptions(hash_key=HASH_KEY)
                return scan([LogSource(str(folder))], options, detector=detector,
                            executor=executor)

            t0 = time.perf_counter()
            on_dask()
            print(f"{label}: first scan (workers import derbes, compile the detector) "
                  f"{time.perf_counter() - t0:.2f} s, not counted")
            runs[label] = on_dask
        # In turns, not one configuration after the other: this machine's speed drifts, and
        # each round gives every configuration the same moment.
        times: dict[str, list[float]] = {label: [] for label in runs}
        findings: dict[str, int] = {}
        for _ in range(args.repeat):
            for label, run in runs.items():
                t0 = time.perf_counter()
                result = run()
                times[label].append(time.perf_counter() - t0)
                findings[label] = len(result.findings)
    figures = {label: (min(t), t) for label, t in times.items()}
    if len(set(findings.values())) != 1:
        raise SystemExit(f"the runs disagree on the findings: {findings}")

    print(f"\n{'run':<18} {'best s':>7} {'MB/s':>7}   runs (s)")
    for label, (best, times) in figures.items():
        listing = ", ".join(f"{t:.2f}" for t in times)
        print(f"{label:<18} {best:>7.2f} {size / best / 1e6:>7.1f}   {listing}")

    def ratio(a: str, b: str) -> float:
        return figures[b][0] / figures[a][0]

    dask_up = ratio("Dask, 2 workers", "Dask, 1 worker")
    jobs_up = ratio("local, --jobs 2", "local, 1 job")
    print(f"\nspeed-up, Dask 2 workers over 1:      {dask_up:.2f}x")
    print(f"speed-up, local --jobs 2 over 1 job:  {jobs_up:.2f}x")
    print(f"Dask 1 worker against local 1 job:    {ratio('Dask, 1 worker', 'local, 1 job'):.2f}x")
    print(f"load average after the run: {os.getloadavg()[0]:.2f}")
    print(f"findings: {findings['local, 1 job']} in every run")


if __name__ == "__main__":
    main()
