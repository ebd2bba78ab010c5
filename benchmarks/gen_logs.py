"""Writes the benchmark's log corpus (:mod:`derbes.detectors.corpora.logs`) to a file.

Usage: ``python benchmarks/gen_logs.py --size-mb 50 --out benchmarks/data/corpus.log``.
Same seed, same bytes.
"""

from __future__ import annotations

import argparse
from pathlib import Path

from derbes.detectors.corpora.logs import write_corpus

ROOT = Path(__file__).resolve().parent.parent


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size-mb", type=float, default=50)
    parser.add_argument("--seed", type=int, default=94)
    parser.add_argument("--out", type=Path, default=ROOT / "benchmarks/data/corpus.log")
    args = parser.parse_args()
    path = write_corpus(args.out, args.size_mb, args.seed)
    print(f"{path}: {path.stat().st_size / 1e6:.1f} MB")


if __name__ == "__main__":
    main()
