"""Precision and recall on real public log lines labelled by hand (``tests/data/public_logs``).

The lines are Loghub samples of 13 systems (their README names each source and licence);
the labels were written by reading them, never by running derbes. Every finding derbes
reports, of any entity, counts: one no label names is a false positive.

Usage (from the repository root)::

    python -m benchmarks.public_logs [--confusions 40]
"""

from __future__ import annotations

import argparse
from pathlib import Path

from benchmarks.realistic import print_confusions
from derbes.detectors.corpora.public import evaluate, load, overall
from derbes.scanner.engine.detect import Detector

DATA = Path(__file__).resolve().parent.parent / "tests" / "data" / "public_logs"


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--confusions", type=int, default=40, help="how many to print")
    args = parser.parse_args(argv)
    samples = load(DATA)
    score = evaluate(samples, Detector())
    lines = sum(len(s.lines) for s in samples)
    print(f"corpus: {len(samples)} samples, {lines} lines, "
          f"{sum(len(s.labels) for s in samples)} labelled values")
    entities = sorted(set(score.tp) | set(score.fp) | set(score.fn))
    print(f"{'entity':<14} {'tp':>6} {'fp':>5} {'fn':>5} {'precision':>9} {'recall':>7}")
    for entity in entities:
        print(f"{entity:<14} {score.tp[entity]:>6} {score.fp[entity]:>5} {score.fn[entity]:>5} "
              f"{score.precision(entity):>9.4f} {score.recall(entity):>7.4f}")
    tp, fp, fn = overall(score)
    print(f"{'all':<14} {tp:>6} {fp:>5} {fn:>5} {tp / max(tp + fp, 1):>9.4f} "
          f"{tp / max(tp + fn, 1):>7.4f}")
    print_confusions(score, args.confusions)


if __name__ == "__main__":
    main()
