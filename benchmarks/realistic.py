"""Precision and recall per entity on the realistic log corpus.

The corpus and its scoring: :mod:`derbes.detectors.corpora.realistic`.

Each generated file goes through derbes' detector as the log reader hands it over (whole
lines of UTF-8 bytes, ``Detector.scan_lines``: the fast path, decoding, structure). A finding
counts when its entity and its exact span in the raw line match a planted label; every
other finding of a labelled entity is a false positive, every label not found a false
negative. Findings of the keyed entities the corpus does not label (names, birth dates,
documents) are not counted.

``--encoding`` writes each file's bytes as systems write them and reads them back from disk
with the log reader (``LogSource``), so that the figures include reading: ``windows`` the
files of the Windows programs (``windows/events.txt``, ``crm/crm.log``,
``integration/shep.log``) in Windows-1251, Windows' code page for Russian and Kazakh alike
(Kazakh letters it lacks written as ``?``, as Windows writes them: one character for one, so
the labels' offsets hold); ``mixed`` every file with a fifth of its lines, drawn at random, in
Windows-1251 and the rest in UTF-8 (a Windows program's lines in a UTF-8 service's log).

Usage (from the repository root)::

    python -m benchmarks.realistic [--lines 20000] [--seed 94] [--confusions 40]
                                   [--encoding utf-8|windows|mixed]
"""

from __future__ import annotations

import argparse
import random
import tempfile
from pathlib import Path

from derbes.detectors.corpora.realistic import ENTITIES, LogFile, corpus, evaluate, file_bytes
from derbes.scanner.engine.detect import Detector
from derbes.scanner.sources.base import LineBatch
from derbes.scanner.sources.logs import LogSource


def reader(detector: Detector, encoding: str, folder: Path, seed: int):
    """``evaluate``'s ``read``: a file's bytes written to ``folder`` and read back by the log
    reader, batch by batch, each batch's lines through ``scan_lines``."""
    rng = random.Random(seed)

    def read(f: LogFile):
        path = folder / f.name.replace("/", "_")
        path.write_bytes(file_bytes(f, encoding, rng))
        source = LogSource(str(path))
        (container,) = list(source.containers())
        lines, notes = 0, ""
        for batch in source.read(container):
            if isinstance(batch, LineBatch):
                base = batch.first_line - 1
                for index, _line, matches in detector.scan_lines(batch.data):
                    yield base + index, matches
            else:
                lines = batch.rows_scanned
                notes = "; ".join(batch.notes)
        assert lines == len(f.lines), (f.name, lines, len(f.lines))
        if notes:
            print(f"  {f.name}: {notes}")

    return read


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--lines", type=int, default=20_000)
    parser.add_argument("--seed", type=int, default=94)
    parser.add_argument("--confusions", type=int, default=40, help="how many to print")
    parser.add_argument("--encoding", choices=("utf-8", "windows", "mixed"), default=None,
                        help="write the files so and read them back with the log reader")
    args = parser.parse_args(argv)
    files = corpus(args.lines, args.seed)
    n_lines = sum(len(f.lines) for f in files)
    n_labels = sum(len(f.labels) for f in files)
    detector = Detector()
    with tempfile.TemporaryDirectory() as tmp:
        read = None
        if args.encoding is not None:
            print(f"files written as --encoding {args.encoding} and read back by the log reader:")
            read = reader(detector, args.encoding, Path(tmp), args.seed)
        score = evaluate(files, detector, read)
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
