"""Peak memory and speed of LogSource on a large generated log (default 1 GiB).

Writes the log in a temporary directory (Russian/Kazakh/English lines with personal-looking
values, and a few multi-megabyte lines), reads it once with plain 4 MiB ``read()`` calls
(through ``gzip.open`` with ``--gzip``) as the reference, then streams it through
:class:`LogSource`. Prints the throughput of both, their ratio, and the peak RSS of the
process, which must stay under ``--max-rss-mb`` (exit 1 if not).

Usage: ``python benchmarks/log_memory.py [--size-mb 1024] [--gzip] [--dir /tmp]``.

``--scan`` measures the whole ``derbes scan --hits`` instead, on a dense log (the realistic
corpus of :mod:`derbes.detectors.corpora.realistic`: nginx, Apache, sshd, Postfix, Java,
Python, logcat, Windows events, JSON API lines and a CRM export, about 0.6 personal values a
line, written once into ``benchmarks/data/``): the command runs as a child, and the RSS of it
and of its worker processes (``--jobs``) is sampled every 0.2 s. Prints the peak of the main
process, of the largest worker and of all of them together, the hits written and the seconds;
fails (exit 1) if a process went over ``--max-rss-mb`` or ``hits.parquet`` does not hold the
findings' hits. ``python benchmarks/log_memory.py --scan --size-mb 1024 --jobs 2``.
"""

from __future__ import annotations

import argparse
import gzip
import json
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from derbes.scanner.sources.base import LineBatch
from derbes.scanner.sources.logs import LogSource

_LINES = (
    "2024-05-01T10:00:{s:02d}Z INFO  [http-{i}] Пользователь Айгерим Нурланова вошла, "
    "ИИН 900101300456, тел. +7 701 123 45 67, req={i:08x}",
    "2024-05-01T10:00:{s:02d}Z DEBUG [worker-{i}] Тапсырыс {i} қабылданды: Ақжол Сәрсенбаев, "
    "aqzhol.s@example.kz",
    '{{"ts":"2024-05-01T10:00:{s:02d}Z","level":"info","user":{{"iin":"040506600123",'
    '"phone":"+77051234567","name":"Dias"}},"order":{i}}}',
    '10.0.{s}.{j} - - [01/May/2024:10:00:{s:02d} +0600] "GET /api/v1/clients/{i}?email='
    'b.kim%40mail.kz HTTP/1.1" 200 {i}',
)


def hwm_kib() -> int:
    """Peak RSS of this process (VmHWM) in KiB; falls back to ru_maxrss off Linux."""
    try:
        with open("/proc/self/status") as f:
            return next(int(line.split()[1]) for line in f if line.startswith("VmHWM:"))
    except OSError:
        return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss


def generate(path: Path, size: int, compress: bool) -> int:
    """Write about ``size`` bytes of log in 1 MiB blocks; return the line count."""
    lines = [_LINES[i % 4].format(i=i, j=i % 250, s=i % 60) for i in range(6000)]
    block = ("\n".join(lines) + "\n").encode()
    long_line = b"payload=" + b"k=v " * ((3 << 20) // 4) + b"iin=900101300456\n"
    every = max(1, (256 << 20) // len(block))  # a 3 MB line every 256 MiB
    written, count, n = 0, 0, 0
    with gzip.open(path, "wb", compresslevel=1) if compress else open(path, "wb") as f:
        while written < size:
            f.write(block)
            written += len(block)
            count += len(lines)
            n += 1
            if n % every == 0:
                f.write(long_line)
                written += len(long_line)
                count += 1
    return count


DATA = Path(__file__).resolve().parent / "data"


def _children(pid: int) -> list[int]:
    out = []
    try:
        for task in os.listdir(f"/proc/{pid}/task"):
            with open(f"/proc/{pid}/task/{task}/children") as f:
                out += [int(p) for p in f.read().split()]
    except OSError:
        pass
    return out


def _rss_kib(pid: int) -> int:
    try:
        with open(f"/proc/{pid}/status") as f:
            return next(int(line.split()[1]) for line in f if line.startswith("VmRSS:"))
    except (OSError, StopIteration):
        return 0


def scan_memory(size_mb: int, jobs: int, max_rss_mb: int) -> int:
    """``derbes scan --hits`` of a dense log: peak RSS of each process, sampled."""
    from derbes.detectors.corpora.realistic import write_log

    path = DATA / f"dense-{size_mb}mb.log"
    if not path.exists():
        DATA.mkdir(exist_ok=True)
        t0 = time.perf_counter()
        tmp = path.with_suffix(".tmp")
        lines = write_log(str(tmp), size_mb << 20)
        tmp.rename(path)
        print(f"generated {path.name}: {lines} lines in {time.perf_counter() - t0:.0f} s")
    size = path.stat().st_size
    derbes = Path(sys.executable).parent / "derbes"
    out = Path(tempfile.mkdtemp(prefix="derbes-scanmem-")) / "out"
    cmd = [str(derbes), "scan", str(path), "--hits", "--jobs", str(jobs), "--out", str(out),
           "--format", "parquet", "--quiet"]
    print(f"load average before: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    print("$ " + " ".join(cmd))
    t0 = time.perf_counter()
    proc = subprocess.Popen(cmd)
    main_peak = worker_peak = total_peak = 0
    while proc.poll() is None:
        workers = [w for c in _children(proc.pid) for w in (c, *_children(c))]
        main = _rss_kib(proc.pid)
        each = [_rss_kib(w) for w in workers]
        main_peak = max(main_peak, main)
        worker_peak = max([worker_peak, *each])
        total_peak = max(total_peak, main + sum(each))
        time.sleep(0.2)
    seconds = time.perf_counter() - t0
    try:
        import pyarrow.parquet as pq

        hits = pq.ParquetFile(out / "hits.parquet").metadata.num_rows
        summary = json.loads((out / "summary.json").read_text(encoding="utf-8"))
        counted = sum(f["hits"] for f in pq.read_table(out / "findings.parquet").to_pylist())
    finally:
        shutil.rmtree(out.parent, ignore_errors=True)
    print(f"{size / 1e6:.0f} MB, exit code {proc.returncode}, {seconds:.0f} s "
          f"({size / 1e6 / seconds:.2f} MB/s), {hits} hits in hits.parquet, {counted} in the "
          f"findings, {sum(s['rows_scanned'] for s in summary['sources'])} lines")
    print(f"peak RSS: main process {main_peak / 1024:.0f} MiB, largest worker "
          f"{worker_peak / 1024:.0f} MiB, all together {total_peak / 1024:.0f} MiB; "
          f"limit {max_rss_mb} MiB a process")
    print(f"load average after: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    ok = (proc.returncode == 0 and max(main_peak, worker_peak) / 1024 < max_rss_mb
          and hits >= counted > 0)
    print("OK" if ok else "FAIL")
    return 0 if ok else 1


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--size-mb", type=int, default=1024)
    parser.add_argument("--gzip", action="store_true", help="gzip the generated log")
    parser.add_argument("--dir", default=None, help="where to write the log (default: tmp)")
    parser.add_argument("--max-rss-mb", type=int, default=300)
    parser.add_argument("--scan", action="store_true",
                        help="measure `derbes scan --hits` on a dense log instead")
    parser.add_argument("--jobs", type=int, default=1, help="--jobs of the scan (--scan)")
    args = parser.parse_args()
    if args.scan:
        return scan_memory(args.size_mb, args.jobs, args.max_rss_mb)

    workdir = Path(tempfile.mkdtemp(prefix="derbes-logmem-", dir=args.dir))
    try:
        path = workdir / ("big.log.gz" if args.gzip else "big.log")
        t0 = time.perf_counter()
        lines = generate(path, args.size_mb << 20, args.gzip)
        print(
            f"generated {path.stat().st_size / 2**20:.0f} MiB on disk, {lines} lines "
            f"in {time.perf_counter() - t0:.1f} s"
        )

        t0 = time.perf_counter()
        raw = 0
        with gzip.open(path, "rb") if args.gzip else open(path, "rb") as f:
            while block := f.read(4 << 20):
                raw += len(block)
        ref_s = time.perf_counter() - t0

        base = hwm_kib()
        src = LogSource(str(path))
        container = next(src.containers())
        t0 = time.perf_counter()
        batches = text = 0
        for batch in src.read(container):
            if isinstance(batch, LineBatch):
                batches += 1
                text += len(batch.data)
            else:
                done = batch
        read_s = time.perf_counter() - t0
        peak = hwm_kib()
    finally:
        shutil.rmtree(workdir, ignore_errors=True)

    mib = done.bytes_scanned / 2**20
    print(
        f"reference: plain read of {raw / 2**20:.0f} MiB in {ref_s:.2f} s "
        f"({raw / 2**20 / ref_s:.0f} MiB/s)"
    )
    print(
        f"LogSource: {mib:.0f} MiB of text, {done.rows_scanned} lines, {batches} batches "
        f"in {read_s:.2f} s ({mib / read_s:.0f} MiB/s), ratio to reference {read_s / ref_s:.1f}x"
    )
    print(f"rows match generated lines: {done.rows_scanned == lines}")
    print(
        f"peak RSS: {peak / 1024:.0f} MiB (before reading {base / 1024:.0f} MiB, "
        f"growth {(peak - base) / 1024:.0f} MiB); ru_maxrss "
        f"{resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MiB; "
        f"limit {args.max_rss_mb} MiB"
    )
    ok = peak / 1024 < args.max_rss_mb and done.rows_scanned == lines
    print("OK" if ok else "FAIL")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
