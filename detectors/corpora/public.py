"""Real public log lines, labelled by hand: how derbes does on data nobody here wrote.

The lines are verbatim samples of other people's systems (``tests/data/public_logs/``, whose
README names each source, its path and licence). Each ``NAME.log`` has a ``NAME.labels`` file
written by reading the lines, one rule per line::

    value <TAB> entity <TAB> lines

``lines`` is ``*`` (every occurrence of ``value`` in the file) or 1-based line numbers
separated by commas. An occurrence counts only at a token boundary (no letter or digit
around it). Everything derbes finds that no rule labels is a false positive, whatever its
entity; every labelled occurrence it does not find, with the exact span and entity, a false
negative.

Nothing here is labelled by running derbes.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from derbes.detectors.corpora.realistic import Score


@dataclass
class PublicLog:
    """One sample: its name, lines and labels (line index, start, end, entity)."""

    name: str
    lines: list[str]
    labels: list[tuple[int, int, int, str]] = field(default_factory=list)

    @property
    def text(self) -> str:
        return "\n".join(self.lines) + "\n"


def load(directory: str | Path) -> list[PublicLog]:
    """Every ``*.log`` of ``directory`` with the labels of its ``*.labels`` file."""
    out = []
    for path in sorted(Path(directory).glob("*.log")):
        lines = path.read_text(encoding="utf-8").split("\n")
        if lines and lines[-1] == "":
            lines.pop()
        sample = PublicLog(path.stem, lines)
        labels = path.with_suffix(".labels")
        if labels.exists():
            sample.labels = _labels(labels.read_text(encoding="utf-8"), lines, labels.name)
        out.append(sample)
    return out


def _labels(rules: str, lines: list[str], name: str) -> list[tuple[int, int, int, str]]:
    out: set[tuple[int, int, int, str]] = set()
    for number, rule in enumerate(rules.split("\n"), 1):
        if not rule.strip() or rule.startswith("#"):
            continue
        value, entity, where = rule.split("\t")
        wanted = (range(len(lines)) if where.strip() == "*"
                  else [int(x) - 1 for x in where.split(",")])
        rx = re.compile(rf"(?<![0-9A-Za-z]){re.escape(value)}(?![0-9A-Za-z])")
        found = [(i, m.start(), m.end(), entity) for i in wanted
                 for m in rx.finditer(lines[i])]
        if not found:
            raise ValueError(f"{name}:{number}: {value!r} is not in the lines given")
        out.update(found)
    return sorted(out)


def evaluate(samples: list[PublicLog], detector) -> Score:
    """Scores ``detector`` (derbes' ``Detector``) on the samples, every entity it reports."""
    score = Score()
    for sample in samples:
        gold = set(sample.labels)
        got = set()
        for index, _line, matches in detector.scan_lines(sample.text.encode("utf-8")):
            for entity, s, e, _score in matches:
                got.add((index, s, e, entity))
        lines = sample.lines
        for item in got & gold:
            score.tp[item[3]] += 1
        for index, s, e, entity in sorted(got - gold):
            score.fp[entity] += 1
            score.false_positives.append(
                (entity, lines[index][s:e], f"{sample.name}:{index + 1}"))
        for index, s, e, entity in sorted(gold - got):
            score.fn[entity] += 1
            score.false_negatives.append(
                (entity, lines[index][s:e], f"{sample.name}:{index + 1}"))
    return score


def overall(score: Score) -> tuple[int, int, int]:
    """True positives, false positives and false negatives over every entity."""
    return sum(score.tp.values()), sum(score.fp.values()), sum(score.fn.values())
