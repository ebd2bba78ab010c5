"""Start-up of the derbes command against the imports it cannot avoid, in the same run.

    python benchmarks/startup.py [--repeat 5]

The reference is a fresh interpreter importing pyarrow.parquet, sqlalchemy, typer, rich and
hyperscan (what a scan needs whatever derbes does). Against it, each a fresh process of the
installed ``derbes`` command: ``--version``, ``--help``, ``policy validate`` of an example
policy, ``policy init``, ``detectors``, and ``scan`` of a one-line log file (with its reports)
twice: with the Hyperscan databases in the user's cache (a scan after the first), and with
an empty cache (the first scan on a machine). Each figure is the median wall time of
``--repeat`` runs, taken in turns so that a slow moment of the machine falls on all alike;
the ratio to the reference is printed with the load average, since the machine may be busy.

Issue #13's target: ``scan`` of a one-line file at most 2x the reference.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DERBES = Path(sys.executable).with_name("derbes")
REFERENCE = "import pyarrow.parquet, sqlalchemy, typer, rich, hyperscan"
TARGET = 2.0


def _timed(argv: list[str], env: dict[str, str], cwd: Path) -> float:
    start = time.perf_counter()
    subprocess.run(argv, env=env, cwd=cwd, check=True, stdout=subprocess.DEVNULL,
                   stderr=subprocess.DEVNULL)
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()

    work = Path(tempfile.mkdtemp(prefix="derbes-startup-"))
    try:
        log = work / "one.log"
        log.write_text("2026-11-30 10:00:01 INFO payment by iin=870412300415 ok\n",
                       encoding="utf-8")
        warm = work / "cache-warm"
        env = {**os.environ, "DERBES_CACHE_DIR": str(warm)}
        policy = ROOT / "examples" / "policy-online-school.ru.yaml"
        scan = [str(DERBES), "scan", str(log), "--out", str(work / "out"), "--quiet"]
        commands: dict[str, list[str]] = {
            "imports (reference)": [sys.executable, "-c", REFERENCE],
            "derbes --version": [str(DERBES), "--version"],
            "derbes --help": [str(DERBES), "--help"],
            "derbes policy validate": [str(DERBES), "policy", "validate", str(policy)],
            "derbes policy init": [str(DERBES), "policy", "init", "--lang", "kk"],
            "derbes detectors": [str(DERBES), "detectors"],
            "derbes scan, one line": scan,
            "derbes scan, one line, empty cache": scan,
        }
        # Bytecode for both sides alike: where PYTHONDONTWRITEBYTECODE is set, Python parses
        # every module at every run, but for those that a run with it unset compiled (the
        # Makefile's one-line scan does, for what a scan imports).
        writing = {k: v for k, v in env.items() if k != "PYTHONDONTWRITEBYTECODE"}
        _timed(commands["imports (reference)"], writing, work)
        _timed(scan, writing, work)  # fills the warm cache, and the OS file cache for all
        times: dict[str, list[float]] = {name: [] for name in commands}
        for turn in range(args.repeat):
            for name, argv in commands.items():
                run_env = env
                if name.endswith("empty cache"):
                    run_env = {**env, "DERBES_CACHE_DIR": str(work / f"cache-cold-{turn}")}
                times[name].append(_timed(argv, run_env, work))
    finally:
        shutil.rmtree(work, ignore_errors=True)

    load = os.getloadavg()
    print(f"start-up: {os.cpu_count()} cores, load average {load[0]:.2f} {load[1]:.2f} "
          f"{load[2]:.2f}; median of {args.repeat} runs each, in turns")
    reference = statistics.median(times["imports (reference)"])
    for name, values in times.items():
        median = statistics.median(values)
        print(f"{name:38s} {median:6.2f} s  ({median / reference:4.1f}x the reference; "
              f"runs {', '.join(f'{v:.2f}' for v in values)})")
    ratio = statistics.median(times["derbes scan, one line"]) / reference
    print(f"ratio scan of one line / imports: {ratio:.2f}x (target at most {TARGET:.0f}x: "
          f"{'met' if ratio <= TARGET else 'not met'})")


if __name__ == "__main__":
    main()
