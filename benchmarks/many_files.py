"""A folder of many small logs, as rotated or exported logs come: what ``derbes scan`` takes
for each report format, in seconds and peak memory, against the same lines as one file.

    python benchmarks/many_files.py [--corpus sparse|public] [--files 1000] [--lines 200]
                                    [--formats ...]

With ``--corpus sparse`` (the default) the files are cut in order from the sparse benchmark
corpus (``detectors/corpora/logs.py``, seed 94: our own generator, so a floor check of the
per-file costs, not of detection): file k holds lines ``k * lines`` to ``(k + 1) * lines - 1``.
With ``--corpus public`` each Loghub sample of ``tests/data/public_logs`` (real logs of 13
systems) is cut into files of ``lines`` lines, the whole forty times.

Each run is a fresh ``derbes scan`` process (``--quiet`` but for the run that prints the
terminal summary), its peak resident memory read from ``wait4``. The runs are one after the
other, on a machine whose speed drifts: read the seconds as a few per cent either way.
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

DATA = Path(__file__).resolve().parent / "data"
DERBES = Path(sys.executable).with_name("derbes")
FORMATS = ("parquet", "html", "json", "sarif", "junit", "xlsx")


PUBLIC_LOGS = Path(__file__).resolve().parent.parent / "tests" / "data" / "public_logs"


def write_folder(corpus: str, files: int, lines: int) -> tuple[Path, Path]:
    """The folder of ``files`` logs of ``lines`` lines, and one file of the same lines.

    ``sparse``: cut in order from the sparse corpus. ``public``: each of the 13 Loghub
    samples of ``tests/data/public_logs`` (1,236 lines in all; nobody here wrote them) cut
    into files of ``lines`` lines, as if each system's log had been rotated that often, and
    the whole 40 times, as the public corpus of ``run.py`` repeats them (the same lines in
    every fortieth file); ``files`` is then what that gives."""
    folder = DATA / f"many-{corpus}-{files}x{lines}"
    whole = folder.with_suffix(".log")
    parts: list[tuple[str, list[bytes]]] = []
    if corpus == "public":
        for copy in range(40):
            for sample in sorted(PUBLIC_LOGS.glob("*.log")):
                text = sample.read_bytes().split(b"\n")[:-1]
                parts += [(f"{sample.stem}-{copy:02d}-{k:03d}.log", text[at:at + lines])
                          for k, at in enumerate(range(0, len(text) - lines + 1, lines))]
        folder = DATA / f"many-public-{len(parts)}x{lines}"
        whole = folder.with_suffix(".log")
    if folder.is_dir() and whole.exists():
        return folder, whole
    if corpus == "sparse":
        from derbes.detectors.corpora.logs import write_corpus

        # About 200 bytes a line; a little more than needed, then cut.
        source = write_corpus(DATA / f"many-source-{files * lines}.log",
                              files * lines * 230 / 1e6)
        text = source.read_bytes().split(b"\n")
        if len(text) - 1 < files * lines:
            raise SystemExit(f"the corpus has {len(text) - 1} lines, {files * lines} needed")
        parts = [(f"app-{k:05d}.log", text[k * lines:(k + 1) * lines]) for k in range(files)]
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True)
    for name, part in parts:
        (folder / name).write_bytes(b"\n".join(part) + b"\n")
    whole.write_bytes(b"".join(b"\n".join(part) + b"\n" for _, part in parts))
    return folder, whole


def run(args: list[str]) -> tuple[float, float, int]:
    """``derbes`` with ``args``: seconds, peak resident MB, exit code."""
    t0 = time.perf_counter()
    proc = subprocess.Popen([str(DERBES), *args], stdout=subprocess.DEVNULL,
                            stderr=subprocess.PIPE)
    _, status, usage = os.wait4(proc.pid, 0)
    seconds = time.perf_counter() - t0
    err = proc.stderr.read().decode("utf-8", "replace") if proc.stderr else ""
    proc.stderr.close()
    code = os.waitstatus_to_exitcode(status)
    if code not in (0, 1):  # 1: violations, as a scan with no location given has
        raise SystemExit(f"derbes {' '.join(args)} exited {code}:\n{err}")
    return seconds, usage.ru_maxrss / 1024, code


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--files", type=int, default=1000)
    parser.add_argument("--lines", type=int, default=200)
    parser.add_argument("--formats", default=",".join(FORMATS))
    parser.add_argument("--jobs", type=int, default=0)
    parser.add_argument("--corpus", choices=("sparse", "public"), default="sparse")
    args = parser.parse_args()
    folder, whole = write_folder(args.corpus, args.files, args.lines)
    files = list(folder.iterdir())
    size = sum(p.stat().st_size for p in files)
    print(f"{len(files)} files of {args.lines} lines ({size / 1e6:.1f} MB, {args.corpus} "
          f"corpus) in {folder}; --jobs {args.jobs}, {os.cpu_count()} cores")
    with tempfile.TemporaryDirectory() as tmp:
        jobs = ["--jobs", str(args.jobs)]
        for name, target, extra in (
            ("one file, parquet", whole, ["--format", "parquet", "--quiet"]),
            ("folder, parquet", folder, ["--format", "parquet", "--quiet"]),
            ("folder, parquet and html, with the summary printed", folder, []),
            *((f"folder, {fmt}", folder, ["--format", fmt, "--quiet"])
              for fmt in args.formats.split(",") if fmt != "parquet"),
        ):
            out = Path(tmp) / "out"
            seconds, rss, _ = run(["scan", str(target), "--out", str(out), *jobs, *extra])
            written = sum(p.stat().st_size for p in out.iterdir()) / 1e6
            print(f"{name:52s} {seconds:6.2f} s  peak {rss:5.0f} MB  reports {written:6.1f} MB")
            shutil.rmtree(out)


if __name__ == "__main__":
    main()
