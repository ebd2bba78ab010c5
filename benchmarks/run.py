"""Throughput of derbes against ripgrep and stock Presidio, measured in the same run.

    python benchmarks/run.py [--size-mb 10] [--presidio-lines 1000] [--jobs N] [--repeat 3]

Corpora (the first two of about ``--size-mb`` MB each):

* **dense** (the headline): the realistic corpus' log files
  (``derbes.detectors.corpora.realistic``) one after the other, about one labelled personal
  value per line (every access-log line carries a client IP);
* **sparse**: ``derbes.detectors.corpora.logs`` (``gen_logs.py``), personal data in 8% of the
  lines, look-alike noise everywhere;
* **public**: the real public log lines of ``tests/data/public_logs`` (Loghub: sshd, Apache,
  syslog, HDFS, OpenStack... labelled by hand), one file after the other, the whole forty
  times (6.5 MB): the one corpus here that nobody on this project wrote. Its lines repeat,
  so derbes' memos (of values, timestamps, context verdicts) hit more often than on one pass
  of such logs. No target is set on it; it shows where the figures of our own corpora stand.
* **phones** (``benchmarks/phones.py``): 40,000 lines of an SMS gateway, an OTP service and a
  PBX, a phone number in each, written from libphonenumber's example numbers of eleven
  countries (60% Kazakh, 25% Russian): the numbers take the paths a real log's take (a
  Russian or foreign one libphonenumber's metadata). No target.

On each:

* derbes, one process pinned to one core: the full scan of the file through the engine,
  opened as ``derbes scan`` opens it (reading, candidate finding, recognizers, validation,
  context scoring, aggregation into findings), after a scan of the file's first line
  (Presidio too analyses a first line before its clock), best of ``--repeat`` runs; the
  cost per detected value and per line;
* ripgrep on one core (``-j1``, pinned with ``taskset -c 0`` when available) with the same
  candidate patterns derbes' prefilters use, in byte mode (``(?-u)``), counting every match
  (``--count-matches``), as derbes' candidate pass must find them all;
* the ratio of the two from the best run of each, and the median of the ratios of
  ``--repeat`` pairs of runs taken in turns (derbes, then ripgrep): this VM's speed drifts by
  a third over minutes, and a pair meets it at about the same speed.

On the dense corpus also: every module as Python (one run); ``--jobs`` worker processes
(default: all cores) and the speed-up next to what as many busy loops get (from the best runs,
and the median of ``--repeat`` pairs taken in turns, one process then ``--jobs``); stock Presidio
per line: ``AnalyzerEngine`` with Presidio's predefined recognizers
(``RecognizerRegistry().load_predefined_recognizers()``) and a blank spaCy English pipeline
(tokenizer only: the default ``en_core_web_lg`` model cannot be downloaded offline, and its
NER would only make Presidio slower), ``analyze(line, language="en")`` on every k-th line of
the dense corpus (``--presidio-lines`` of them); derbes is timed on the very same lines.

Every figure is MB/s of input (10^6 bytes). Each measurement runs in its own process, so peak
RSS is that measurement's. The load average is printed before and after: the machine may be
shared. Results go to stdout and ``benchmarks/out/results.json``.
"""

from __future__ import annotations

import argparse
import datetime as dt
import hashlib
import json
import os
import platform
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
HERE = Path(__file__).resolve().parent

DATA = HERE / "data"
OUT = HERE / "out"
HASH_KEY = b"derbes-benchmark-key-0123456789ab"


# -- measurements, each run in a child process ----------------------------------------------


def measure_derbes(path: Path, jobs: int, hits: bool = False) -> dict:
    """Full engine scan of one file: seconds, findings, detector engine. ``hits``: keep
    every hit, as ``derbes scan --hits`` (written as Parquet parts to a temporary folder)."""
    from derbes.scanner.compiled import compiled_modules
    from derbes.scanner.engine import ScanOptions, scan
    from derbes.scanner.sources import open_source
    from derbes.scanner.sources.logs import LogSource

    options = ScanOptions(jobs=jobs, hash_key=HASH_KEY, hits=hits)
    # The file is opened as `derbes scan` opens it (scanner/run.py): open_source() loads
    # pyarrow, and numpy with it, to tell tabular files from logs. A scan that counts past
    # DISTINCT_CAP distinct values needs numpy for its sketch (DataSketches): in `derbes scan`
    # it is loaded by then, a start-up cost (benchmarks/startup.py); opened as a bare
    # LogSource, the first sketch loaded it inside the clock (60-80 ms of a 1 s dense scan,
    # and in the parent of --jobs while its workers ran).
    source = open_source(str(path))
    assert isinstance(source, LogSource), source
    # Compile the detector before the clock starts: a scan of many files compiles it once.
    from derbes.scanner.engine.detect import Detector
    from derbes.scanner.engine.pieces import special_lines

    detector = Detector()
    t0 = time.perf_counter()
    detector.prepare("lines")
    # Values too: lines read decoded or with field names run through the value matchers.
    detector.prepare("values")
    special_lines(b"%20\n")  # and the database of the triggers that find those lines
    compile_seconds = time.perf_counter() - t0
    # Warmed up as Presidio is (measure_presidio analyses the first line before its clock):
    # a scan of the file's first line loads what the engine loads on first use.
    with path.open("rb") as f, tempfile.TemporaryDirectory() as tmp:
        first = Path(tmp) / "first.log"
        first.write_bytes(f.readline())
        scan([LogSource(str(first))], ScanOptions(hash_key=HASH_KEY), detector=detector)
    t0 = time.perf_counter()
    cpu0 = time.process_time()
    result = scan([source], options, detector=detector)
    seconds = time.perf_counter() - t0
    cpu_seconds = time.process_time() - cpu0
    return {
        "seconds": seconds,
        # This process's CPU time (workers not counted): the figure a loaded machine disturbs
        # least.
        "cpu_seconds": cpu_seconds,
        # After the scan, not inside its clock: the candidate pass alone.
        "pass_seconds": candidate_pass(detector, source) if jobs == 1 else None,
        "compile_seconds": compile_seconds,
        "findings": len(result.findings),
        "hits": sum(f.hits for f in result.findings),
        "engine": detector.engine_name + _hyperscan_library(detector),
        "recognizers": len(detector.recognizers),
        "compiled_modules": len(compiled_modules()),
    }


def candidate_pass(detector, source, repeat: int = 3) -> float | None:
    """Seconds of the scan's candidate pass alone, best of ``repeat``: Hyperscan's scan of
    the lines and the marks it leaves (``line_scan``), on the batches the log source reads
    (``LogSource.read``, as the engine gets them). Every scan does this much at least, so
    ripgrep's time over it bounds what derbes/ripgrep can reach with this design."""
    from derbes.scanner.sources.base import LineBatch

    if detector._fast is None:
        return None
    batches = [item.data for container in source.containers()
               for item in source.read(container) if isinstance(item, LineBatch)]
    best = None
    for _ in range(repeat):
        t0 = time.perf_counter()
        for batch in batches:
            detector._fast.line_scan(batch)
        took = time.perf_counter() - t0
        best = took if best is None else min(best, took)
    return best


def _hyperscan_library(detector) -> str:
    """Which Hyperscan scanned the lines: the system library called from C (``hsnative``,
    built where its headers are) or the ``hyperscan`` package."""
    if detector._fast is None:
        return ""
    hs = detector._fast._line_matchers().hs
    if hs is None:
        return ""
    return " (the system library, from C)" if hs.native is not None else " (the package)"


def measure_presidio(path: Path) -> dict:
    """Stock Presidio, one ``analyze`` call per line."""
    assert "derbes.detectors" not in sys.modules, "derbes recognizers would shadow Presidio's"
    import spacy
    import tldextract
    from presidio_analyzer import AnalyzerEngine, RecognizerRegistry
    from presidio_analyzer.nlp_engine import SpacyNlpEngine

    # Presidio's email recognizer calls tldextract, which would fetch the public suffix list;
    # use the snapshot tldextract ships instead (nothing may reach the network).
    tldextract.tldextract.TLD_EXTRACTOR = tldextract.TLDExtract(suffix_list_urls=())
    registry = RecognizerRegistry()
    registry.load_predefined_recognizers()
    nlp = SpacyNlpEngine(models=[{"lang_code": "en", "model_name": "en_core_web_lg"}])
    nlp.nlp = {"en": spacy.blank("en")}  # instead of load(): no model download
    engine = AnalyzerEngine(registry=registry, nlp_engine=nlp, supported_languages=["en"])
    lines = path.read_text(encoding="utf-8").split("\n")
    engine.analyze(lines[0], language="en")  # warm up lazy loading
    t0 = time.perf_counter()
    found = 0
    for line in lines:
        found += len(engine.analyze(line, language="en"))
    return {
        "seconds": time.perf_counter() - t0,
        "results": found,
        "recognizers": sorted(type(r).__name__ for r in registry.recognizers),
    }


def _child(kind: str, path: str, jobs: int) -> None:
    if kind == "presidio":
        out = measure_presidio(Path(path))
    else:
        out = measure_derbes(Path(path), jobs, hits=kind == "derbes-hits")
    out["maxrss_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    out["children_maxrss_mb"] = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    print(json.dumps(out))


def run_child(
    kind: str, path: Path, jobs: int = 1, pin: bool = False, env: dict | None = None
) -> dict:
    proc = subprocess.run(
        _child_command(kind, path, jobs, 0 if pin else None), capture_output=True, text=True,
        check=False, env={**os.environ, **(env or {})},
    )
    return _child_result(kind, proc.returncode, proc.stdout, proc.stderr)


def _child_command(kind: str, path: Path, jobs: int, core: int | None) -> list[str]:
    """The command of one measurement in a child process, pinned to ``core`` if given."""
    cmd = [sys.executable, __file__, "--child", kind, str(path), "--jobs", str(jobs)]
    if core is not None and shutil.which("taskset"):
        cmd = ["taskset", "-c", str(core), *cmd]
    return cmd


def _child_result(kind: str, returncode: int, out: str, err: str) -> dict:
    """What a child measurement printed last (JSON); exits if it failed."""
    if returncode != 0:
        raise SystemExit(f"{kind} measurement failed:\n{err}")
    return json.loads(out.strip().splitlines()[-1])


# -- what the machine's cores deliver -------------------------------------------------------


def _spin(n: int) -> float:
    t0 = time.perf_counter()
    total = 0
    for i in range(n):
        total += i
    return time.perf_counter() - t0


def core_scaling(jobs: int, n: int = 15_000_000, repeat: int = 3) -> float:
    """Speed-up of ``jobs`` copies of a pure-Python busy loop over one: the ceiling for --jobs.

    Virtual machines often deliver less than one core per vCPU when all are busy. The one
    loop runs in a forked process as the ``jobs`` loops do, in turns with them, and the best
    of ``repeat`` of each is kept, like the derbes figures it is compared with. (Timed in
    this process instead, the one loop ran slower than each of two at once in some runs
    here: a "ceiling" of 2.13-2.28x on two cores.)
    """
    import multiprocessing

    singles, walls = [], []
    context = multiprocessing.get_context("fork")
    with context.Pool(1) as one, context.Pool(jobs) as pool:
        for _ in range(repeat):
            t0 = time.perf_counter()
            one.map(_spin, [n])
            singles.append(time.perf_counter() - t0)
            t0 = time.perf_counter()
            pool.map(_spin, [n] * jobs)
            walls.append(time.perf_counter() - t0)
    return jobs * min(singles) / min(walls)


def concurrent_scans(path: Path, jobs: int, solo_seconds: float, repeat: int = 3
                     ) -> tuple[float, list[float]]:
    """Speed-up of ``jobs`` independent one-process scans of ``path`` run at once, each pinned
    to a core of its own, over one scan alone (``solo_seconds``): the ceiling of this workload
    on this machine, where the cores share caches and memory (the busy loops of
    :func:`core_scaling` share nothing). What ``--jobs`` loses beyond it is its own: starting
    the workers, the cut into ranges, the merge. The scans' own seconds (each child's clock)
    are averaged per round; the best round is kept, like the figures it is compared with."""
    rounds = []
    cpus = os.cpu_count() or 1
    for _ in range(repeat):
        procs = [subprocess.Popen(_child_command("derbes", path, 1, k % cpus),
                                  stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
                 for k in range(jobs)]
        seconds = []
        for proc in procs:
            out, err = proc.communicate()
            seconds.append(_child_result("derbes", proc.returncode, out, err)["seconds"])
        rounds.append(statistics.mean(seconds))
    return jobs * solo_seconds / min(rounds), rounds


# -- ripgrep ----------------------------------------------------------------------------------


def prefilter_alternation() -> list[str]:
    """derbes' prefilters as ripgrep patterns (bytes mode: ``(?-u)``)."""
    from derbes.detectors import all_recognizers

    patterns = []
    for recognizer in all_recognizers():
        for p in recognizer.PREFILTERS:
            text = p.decode("latin-1") if isinstance(p, bytes) else p
            patterns.append("(?-u)" + text)
    return patterns


def measure_ripgrep(path: Path, runs: int = 3, mode: str = "-c") -> dict | None:
    """ripgrep on one core with derbes' prefilters: ``-c`` counts the lines with a match (it
    can stop at a line's first match), ``--count-matches`` counts every match, as derbes'
    candidate pass must find them all."""
    rg = shutil.which("rg")
    if rg is None:
        return None
    cmd = [rg, "--no-config", mode, "-j1"]
    for p in prefilter_alternation():
        cmd += ["-e", p]
    cmd.append(str(path))
    if shutil.which("taskset"):
        cmd = ["taskset", "-c", "0", *cmd]
    times = []
    cpu_times = []
    lines = 0
    for run in range(runs + 1):  # the first run warms the page cache and is not counted
        t0 = time.perf_counter()
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        proc = subprocess.run(cmd, capture_output=True, text=True, check=False)
        seconds = time.perf_counter() - t0
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        cpu = after.ru_utime + after.ru_stime - before.ru_utime - before.ru_stime
        if proc.returncode not in (0, 1):
            raise SystemExit(f"ripgrep failed: {proc.stderr}")
        lines = int(proc.stdout.strip() or 0)
        if run:
            times.append(seconds)
            cpu_times.append(cpu)
    best = min(times)
    version = subprocess.run([rg, "--version"], capture_output=True, text=True).stdout
    return {"seconds": best, "cpu_seconds": min(cpu_times), "matching_lines": lines,
            "version": version.splitlines()[0]}


# -- the report -------------------------------------------------------------------------------


def machine() -> dict:
    model = "unknown"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    return {
        "nproc": os.cpu_count(),
        "cpu": model,
        "python": platform.python_version(),
        "date": dt.date.today().isoformat(),
    }


def write_dense_corpus(path: Path, size_mb: float, seed: int) -> tuple[Path, int]:
    """The headline corpus: about ``size_mb`` MB of realistic corpus logs (about one
    labelled personal value per line), its files one after the other. Reused when there,
    written by the same generator (its source's digest is in the stamp's name: a corpus
    written before the generator changed is written again). Returns the path and the
    number of labelled values."""
    from derbes.detectors.corpora import common
    from derbes.detectors.corpora import realistic as generator

    lines = max(1200, int(size_mb * 1_000_000 / 155))  # about 155 bytes a line
    digest = hashlib.sha256(b"".join(Path(m.__file__).read_bytes()
                                     for m in (generator, common))).hexdigest()[:12]
    stamp = path.with_suffix(path.suffix + f".{seed}.{lines}.{digest}")
    realistic = generator.corpus
    if path.exists() and stamp.exists():
        return path, int(stamp.read_text() or 0)
    files = realistic(lines, seed)
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", encoding="utf-8") as f:
        for log in files:
            f.write("\n".join(log.lines) + "\n")
    for old in path.parent.glob(path.name + ".*"):
        old.unlink()
    labels = sum(len(log.labels) for log in files)
    stamp.write_text(str(labels))
    return path, labels


#: The hand-labelled public log samples (tests/data/public_logs/README.md) and how many times
#: the public corpus holds them.
PUBLIC_LOGS = ROOT / "tests" / "data" / "public_logs"
PUBLIC_REPEAT = 40


def write_public_corpus(path: Path, repeat: int = PUBLIC_REPEAT) -> Path:
    """The public corpus: every sample of :data:`PUBLIC_LOGS` in name order, the whole
    ``repeat`` times (what ``cat tests/data/public_logs/*.log`` gives, repeated)."""
    one = b"".join(p.read_bytes() for p in sorted(PUBLIC_LOGS.glob("*.log")))
    path.parent.mkdir(parents=True, exist_ok=True)
    data = one * repeat
    if not path.exists() or path.read_bytes() != data:
        path.write_bytes(data)
    return path


def _line_count(path: Path) -> int:
    count = 0
    with path.open("rb") as f:
        while block := f.read(1 << 20):
            count += block.count(b"\n")
    return count


def _slice(corpus: Path, out: Path, lines: int) -> tuple[Path, int]:
    """Every k-th line of ``corpus``, ``lines`` of them: each log format in its share."""
    total = _line_count(corpus)
    step = max(1, total // max(lines, 1))
    with corpus.open("rb") as f:
        picked = [line for k, line in enumerate(f) if k % step == 0][:lines]
    out.write_bytes(b"".join(picked))
    return out, len(picked)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size-mb", type=float, default=10,
                        help="size of each generated corpus, dense and sparse")
    parser.add_argument("--presidio-lines", type=int, default=1000)
    parser.add_argument("--jobs", type=int, default=0, help="workers for the jobs run; 0 = all")
    parser.add_argument("--seed", type=int, default=94)
    parser.add_argument("--repeat", type=int, default=3,
                        help="runs of each one-process derbes measurement; the best counts")
    parser.add_argument("--child", nargs=2, metavar=("KIND", "PATH"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        _child(args.child[0], args.child[1], args.jobs)
        return

    # Imported here, not at the top: the Presidio child must not load derbes' recognizers
    # (Presidio's loader finds recognizer classes by name, and derbes reuses some names).
    from derbes.detectors.corpora.logs import PII_RATE, write_corpus

    try:  # run as a script (benchmarks/ on the path) or as benchmarks.run
        from phones import COUNTRIES, write_phones_corpus
    except ImportError:
        from benchmarks.phones import COUNTRIES, write_phones_corpus

    jobs = args.jobs or os.cpu_count() or 1
    dense, labels = write_dense_corpus(
        DATA / f"dense-{args.size_mb:g}mb.log", args.size_mb, args.seed)
    sparse = write_corpus(DATA / f"corpus-{args.size_mb:g}mb.log", args.size_mb, args.seed)
    public = write_public_corpus(DATA / f"public-x{PUBLIC_REPEAT}.log")
    phones = write_phones_corpus(DATA / "phones-40k.log", seed=args.seed)
    corpora = (dense, sparse, public, phones)
    sizes = {path: path.stat().st_size for path in corpora}
    line_counts = {path: _line_count(path) for path in corpora}
    sliced, slice_lines = _slice(dense, DATA / f"dense-slice-{args.presidio_lines}.log",
                                 args.presidio_lines)
    slice_size = sliced.stat().st_size
    info = machine()
    print(f"machine: {info['nproc']} cores, {info['cpu']}, Python {info['python']}, "
          f"{info['date']}, {_uptime()} before the run")
    print(f"dense corpus: {dense.name}, {sizes[dense] / 1e6:.1f} MB, {line_counts[dense]} lines, "
          f"{labels} labelled values ({labels / max(line_counts[dense], 1):.2f} a line; "
          f"detectors/corpora/realistic.py, seed {args.seed})")
    print(f"sparse corpus: {sparse.name}, {sizes[sparse] / 1e6:.1f} MB, "
          f"{line_counts[sparse]} lines (detectors/corpora/logs.py, personal data in "
          f"{100 * PII_RATE:.0f}% of lines)")
    print(f"public corpus: {public.name}, {sizes[public] / 1e6:.1f} MB, {line_counts[public]} "
          f"lines (tests/data/public_logs, Loghub samples x{PUBLIC_REPEAT}; no target, "
          f"nobody here wrote it)")
    print(f"phones corpus: {phones.name}, {sizes[phones] / 1e6:.1f} MB, {line_counts[phones]} "
          f"lines, a phone number in each (benchmarks/phones.py: libphonenumber's example "
          f"numbers of {len(COUNTRIES)} countries, {COUNTRIES[0][1]}% Kazakh; no target)")
    print(f"slice of the dense corpus for Presidio: every k-th line, {slice_lines} lines, "
          f"{slice_size / 1e6:.2f} MB")

    def mbps(nbytes: int, seconds: float) -> float:
        return nbytes / seconds / 1e6

    for path in corpora:  # warm the page cache so no measurement pays for the disk
        with path.open("rb") as f:
            while f.read(1 << 20):
                pass

    def best_of(path: Path, env: dict | None = None, repeat: int = args.repeat
                ) -> tuple[dict, list[dict]]:
        # This VM's speed drifts by half from minute to minute: the best of a few runs is the
        # machine's own speed; every run's figure is printed too.
        runs = [run_child("derbes", path, 1, pin=True, env=env) for _ in range(repeat)]
        return min(runs, key=lambda r: r["seconds"]), runs

    results: dict = {"machine": info, "uptime_before": _uptime()}
    ratios: dict[str, float | None] = {}
    for name, path in (("dense", dense), ("sparse", sparse), ("public", public),
                       ("phones", phones)):
        # derbes and ripgrep in turns, so that each pair of runs meets the machine at about
        # the same speed: the median of the pairs' ratios is printed beside the best of each.
        one_all, rg_turns = [], []
        for _ in range(args.repeat):
            one_all.append(run_child("derbes", path, 1, pin=True))
            rg_turns.append(measure_ripgrep(path, runs=1, mode="--count-matches"))
        one = min(one_all, key=lambda r: r["seconds"])
        one_runs = [mbps(sizes[path], r["seconds"]) for r in one_all]
        one_mbps = mbps(sizes[path], one["seconds"])
        per_value = one["seconds"] / max(one["hits"], 1) * 1e6
        per_line = one["seconds"] / max(line_counts[path], 1) * 1e6
        print(f"[{name}] derbes 1 process: {one_mbps:7.1f} MB/s  (best of {_listing(one_runs)}; "
              f"{one['seconds']:.2f} s, {one['hits']} hits, {one['findings']} findings, "
              f"{per_value:.1f} us per detected value, {per_line:.1f} us per line; "
              f"engine {one['engine']}, {one['recognizers']} recognizers, "
              f"{one['compiled_modules']} compiled modules, peak RSS {one['maxrss_mb']:.0f} MB; "
              f"compiling the detector before it: {one['compile_seconds']:.2f} s)")
        passes = [r["pass_seconds"] for r in one_all if r.get("pass_seconds")]
        pass_seconds = min(passes) if passes else None
        if pass_seconds:
            print(f"[{name}] derbes' candidate pass alone (Hyperscan's scan of the lines and "
                  f"its marks): {mbps(sizes[path], pass_seconds):7.1f} MB/s  "
                  f"({pass_seconds:.3f} s, {100 * pass_seconds / one['seconds']:.0f}% of the "
                  f"best scan's time)")
        rg_all = measure_ripgrep(path, mode="--count-matches")
        rg_all_mbps = mbps(sizes[path], rg_all["seconds"]) if rg_all else None
        if rg_all:
            print(f"[{name}] ripgrep -j1 --count-matches: {rg_all_mbps:7.1f} MB/s  "
                  f"({rg_all['seconds']:.2f} s, {rg_all['matching_lines']} candidates, "
                  f"{rg_all['version']})")
        if rg_all and pass_seconds:
            # Whatever follows the candidate pass, derbes/ripgrep cannot exceed this.
            ratios[f"[{name}] ripgrep/derbes' candidate pass alone (the most derbes/ripgrep "
                   f"can reach with this design)"] = rg_all["seconds"] / pass_seconds
        ratios[f"[{name}] derbes 1 process/ripgrep --count-matches -j1"] = (
            one_mbps / rg_all_mbps if rg_all_mbps else None)
        ratios[f"[{name}] the same, median of {args.repeat} pairs of runs taken in turns"] = (
            statistics.median(rg["seconds"] / d["seconds"]
                              for d, rg in zip(one_all, rg_turns, strict=True))
            if rg_all else None)
        # The same ratio in CPU time, which the other processes of a loaded machine disturb
        # less than the wall clock (best CPU time of each).
        best_cpu = min(r["cpu_seconds"] for r in one_all)
        ratios[f"[{name}] the same in CPU time"] = (
            rg_all["cpu_seconds"] / best_cpu if rg_all else None)
        results[name] = {"path": path.name, "bytes": sizes[path], "lines": line_counts[path],
                         "derbes_1": one, "derbes_1_runs_mbps": one_runs,
                         "us_per_value": per_value, "us_per_line": per_line,
                         "candidate_pass_seconds": pass_seconds,
                         "ripgrep_count_matches": rg_all,
                         "mbps": {"derbes_1": one_mbps, "ripgrep_count_matches": rg_all_mbps}}
    for name, path in (("dense", dense), ("public", public)):
        # What keeping every hit (--hits: its HMAC, its mask, its row written to Parquet)
        # adds to each, against the best run without.
        kept_all = [run_child("derbes-hits", path, 1, pin=True) for _ in range(args.repeat)]
        kept = min(kept_all, key=lambda r: r["seconds"])
        base = results[name]["derbes_1"]
        more = (kept["seconds"] - base["seconds"]) / max(kept["hits"], 1) * 1e6
        print(f"[{name}] derbes 1 process, --hits: {mbps(sizes[path], kept['seconds']):7.1f} "
              f"MB/s  (best of {_listing([mbps(sizes[path], r['seconds']) for r in kept_all])}"
              f"; {kept['seconds']:.2f} s, {more:.1f} us a hit more than without)")
        results[name]["derbes_1_hits"] = kept
        results[name]["us_per_hit_kept"] = more
    dense_one = results["dense"]["derbes_1"]
    pure, _ = best_of(dense, {"DERBES_PURE_PYTHON": "1"}, repeat=1)
    pure_mbps = mbps(sizes[dense], pure["seconds"])
    print(f"[dense] derbes 1 process, every module as Python: {pure_mbps:7.1f} MB/s  "
          f"({pure['seconds']:.2f} s, {pure['findings']} findings, "
          f"{pure['seconds'] / max(pure['hits'], 1) * 1e6:.1f} us per detected value, "
          f"{pure['compiled_modules']} compiled modules)")
    ratios["[dense] derbes compiled/as Python"] = pure["seconds"] / dense_one["seconds"]
    scaling = core_scaling(jobs, repeat=args.repeat)
    # --jobs in turns with one process, so that each pair meets the machine at about the same
    # speed (its speed drifts between the one-process runs above and these): the median of
    # the pairs' speed-ups is printed beside the ratio of the best runs.
    many_all, one_turns = [], []
    for _ in range(args.repeat):
        one_turns.append(run_child("derbes", dense, 1, pin=True))
        many_all.append(run_child("derbes", dense, jobs))
    many = min(many_all, key=lambda r: r["seconds"])
    many_mbps = mbps(sizes[dense], many["seconds"])
    print(f"[dense] derbes --jobs {jobs}: {many_mbps:7.1f} MB/s  (best of "
          f"{_listing([mbps(sizes[dense], r['seconds']) for r in many_all])}; "
          f"{many['seconds']:.2f} s, peak RSS {many['maxrss_mb']:.0f} MB + "
          f"{many['children_maxrss_mb']:.0f} MB/worker)")
    together, rounds = concurrent_scans(dense, jobs, dense_one["seconds"], args.repeat)
    print(f"[dense] {jobs} one-process scans at once, a core each: {together:.2f}x one alone "
          f"(seconds a scan, averaged per round: {', '.join(f'{r:.2f}' for r in rounds)})")
    ratios[f"[dense] jobs {jobs} speed-up"] = dense_one["seconds"] / many["seconds"]
    ratios[f"[dense] jobs {jobs} speed-up, median of {args.repeat} pairs of runs taken in "
           "turns (one process, then --jobs)"] = (
        statistics.median(one["seconds"] / more["seconds"]
                          for one, more in zip(one_turns, many_all, strict=True)))
    ratios[f"busy-loop speed-up of {jobs} processes (the machine's ceiling)"] = scaling
    # Context, not the target: what this workload itself gets from the cores, and the share
    # of it --jobs delivers.
    ratios[f"[dense] speed-up of {jobs} independent scans at once (the workload's ceiling)"] = (
        together)
    ratios[f"[dense] jobs {jobs} speed-up/the workload's ceiling"] = (
        dense_one["seconds"] / many["seconds"] / together)
    small = run_child("derbes", sliced, 1, pin=True)
    small_mbps = mbps(slice_size, small["seconds"])
    presidio = run_child("presidio", sliced, 1, pin=True)
    presidio_mbps = mbps(slice_size, presidio["seconds"])
    print(f"[dense slice] derbes: {small_mbps:7.2f} MB/s  ({small['seconds']:.3f} s, "
          f"{small['hits']} hits)")
    print(f"[dense slice] presidio per line: {presidio_mbps:7.3f} MB/s  "
          f"({presidio['seconds']:.2f} s, {presidio['results']} results, "
          f"{len(presidio['recognizers'])} recognizers, peak RSS {presidio['maxrss_mb']:.0f} MB)")
    ratios["derbes/presidio per line (the same lines of the dense corpus)"] = (
        small_mbps / presidio_mbps)
    ratios["derbes 1 process on the dense corpus/presidio per line"] = (
        mbps(sizes[dense], dense_one["seconds"]) / presidio_mbps)
    for name, value in ratios.items():
        if value is not None:
            print(f"ratio {name}: {value:.2f}x")
    print(f"after the run: {_uptime()}")
    OUT.mkdir(exist_ok=True)
    results.update({
        "dense_python": pure, f"dense_jobs_{jobs}": many, "dense_slice": small,
        f"dense_jobs_{jobs}_turns": [
            {"one": one["seconds"], "jobs": more["seconds"]}
            for one, more in zip(one_turns, many_all, strict=True)],
        "dense_concurrent_rounds": rounds,
        "presidio": presidio, "slice_bytes": slice_size, "presidio_mbps": presidio_mbps,
        "ratios": ratios, "uptime_after": _uptime(),
    })
    (OUT / "results.json").write_text(json.dumps(results, indent=2))


def _uptime() -> str:
    """``uptime``'s load averages: the machine is shared, and the figures depend on it."""
    one, five, fifteen = os.getloadavg()
    return f"load average {one:.2f}, {five:.2f}, {fifteen:.2f}"


def _listing(figures: list[float]) -> str:
    return ", ".join(f"{x:.1f}" for x in figures)


if __name__ == "__main__":
    main()
