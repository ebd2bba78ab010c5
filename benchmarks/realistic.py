"""Precision and recall per entity on the realistic log corpus.

The corpus and its scoring: :mod:`derbes.detectors.corpora.realistic`.

Each generated file goes through derbes' detector as the log reader hands it over (whole
lines of UTF-8 bytes, ``Detector.scan_lines``: the fast path, decoding, structure). A finding
counts when its entity and its exact span in the raw line match a planted label; every
other finding of a labelled entity is a false positive, every label not found a false
negative. Findings of the keyed entities the corpus does not label (names, birth dates,
documents) are not counted.

Usage (from the repository root)::

    python -m benchmarks.realistic [--lines 20000] [--seed 94] [--confusions 40]
"""

from __future__ import annotations

import argparse

from derbes.detectors.corpora.realistic import ENTITIES, corpus, evaluate
from derbes.scanner.engine.detect import Detector


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--lines", type=int, default=20_000)
    parser.add_argument("--seed", type=int, default=94)
    parser.add_argument("--confusions", type=int, default=40, help="how many to print")
    args = parser.parse_args(argv)
    files = corpus(args.lines, args.seed)
    n_lines = sum(len(f.lines) for f in files)
    n_labels = sum(len(f.labels) for f in files)
    score = evaluate(files, Detector())
    print(f"corpus: {len(files)} files, {n_lines} lines, {n_labels} labelled values "
          f"({n_labels / n_lines:.2f} per line), seed {args.seed}")
    print(f"{'entity':<14} {'labels':>7} {'found':>7} {'tp':>7} {'fp':>5} {'fn':>5} "
          f"{'precision':>9} {'recall':>7}")
    for entity in ENTITIES:
        labels = score.tp[entity] + score.fn[entity]
        found = score.tp[entity] + score.fp[entity]
        print(f"{entity:<14} {labels:>7} {found:>7} {score.tp[entity]:>7} "
              f"{score.fp[entity]:>5} {score.fn[entity]:>5} {score.precision(entity):>9.4f} "
              f"{score.recall(entity):>7.4f}")
    print_confusions(score, args.confusions)


def print_confusions(score, limit: int) -> None:
    """The first ``limit`` false positives and false negatives of a score, with where they are."""
    for title, items in (("false positives", score.false_positives),
                         ("false negatives", score.false_negatives)):
        print(f"\n{title}: {len(items)}")
        for entity, text, where in items[:limit]:
            print(f"  {entity:<14} {text!r:<40} {where}")


if __name__ == "__main__":
    main()
