"""A slice of the realistic log corpus (``derbes.detectors.corpora.realistic``): precision and
recall per entity must hold, so that a regression in any detector or in decoding fails here.

The full measurement is ``python -m benchmarks.realistic`` (see ``benchmarks/README.md``);
this slice is small enough to run in every test session.
"""

from __future__ import annotations

from functools import cache

import pytest

from derbes.detectors.corpora.realistic import ENTITIES, corpus, evaluate
from derbes.scanner.engine.detect import Detector

LINES = 2500
SEED = 20261201
FLOOR = 0.98
#: Labels an entity needs in the slice for its figures to mean something.
MIN_LABELS = 15


@cache
def _score():
    return evaluate(corpus(LINES, SEED), Detector())


def test_corpus_is_deterministic_and_labels_point_at_values() -> None:
    files = corpus(300, 5)
    assert [f.text for f in files] == [f.text for f in corpus(300, 5)]
    for f in files:
        for line, start, end, _ in f.labels:
            assert 0 <= start < end <= len(f.lines[line])


@pytest.mark.parametrize("entity", ENTITIES)
def test_precision_and_recall(entity: str) -> None:
    score = _score()
    labels = score.tp[entity] + score.fn[entity]
    assert labels >= MIN_LABELS, f"too few {entity} labels in the slice to measure"
    confusions = [c for c in score.false_positives + score.false_negatives if c[0] == entity]
    assert score.precision(entity) >= FLOOR, (entity, score.precision(entity), confusions[:5])
    assert score.recall(entity) >= FLOOR, (entity, score.recall(entity), confusions[:5])
