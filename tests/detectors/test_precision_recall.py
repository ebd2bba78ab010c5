"""Precision and recall of the whole registry on a labelled corpus of Kazakh-style logs.

The corpus (``derbes.detectors.corpora.labelled``) mixes Russian, Kazakh and English
application lines, nginx access lines and JSON lines; about one line in five carries personal
values made by the Faker provider, at known spans, and every line carries look-alike noise.
Presidio's ``AnalyzerEngine`` with the derbes registry runs on each line; a result counts only when
its entity and its exact span match a label.
"""

from __future__ import annotations

from collections import Counter
from functools import cache

import pytest
from recognizer_cases import analyzer

from derbes.detectors.corpora.labelled import labelled_lines

LINES = 5000
SEED = 20261121
FLOOR = 0.98
ENTITIES = (
    "KZ_IIN", "KZ_BIN", "PHONE_NUMBER", "EMAIL_ADDRESS", "IP_ADDRESS", "MAC_ADDRESS", "IMEI",
    "DEVICE_ID", "CREDIT_CARD", "IBAN_CODE",
)


@cache
def _counts() -> tuple[Counter, Counter, Counter]:
    tp, fp, fn = Counter(), Counter(), Counter()
    engine = analyzer()
    for line, spans in labelled_lines(LINES, SEED):
        gold = {(s, e, entity) for s, e, entity in spans}
        got = {(r.start, r.end, r.entity_type) for r in engine.analyze(line, language="ru")}
        for _, _, entity in got & gold:
            tp[entity] += 1
        for _, _, entity in got - gold:
            fp[entity] += 1
        for _, _, entity in gold - got:
            fn[entity] += 1
    return tp, fp, fn


def test_corpus_is_realistic() -> None:
    lines = labelled_lines(LINES, SEED)
    share = sum(1 for _, spans in lines if spans) / len(lines)
    assert 0.15 <= share <= 0.25
    assert lines == labelled_lines(LINES, SEED)  # deterministic
    for line, spans in lines:
        for s, e, _ in spans:
            assert 0 <= s < e <= len(line)


@pytest.mark.parametrize("entity", ENTITIES)
def test_precision_and_recall(entity: str) -> None:
    tp, fp, fn = _counts()
    assert tp[entity] >= 20, f"too few {entity} labels in the corpus to measure"
    precision = tp[entity] / (tp[entity] + fp[entity])
    recall = tp[entity] / (tp[entity] + fn[entity])
    assert precision >= FLOOR, (entity, precision, tp[entity], fp[entity])
    assert recall >= FLOOR, (entity, recall, tp[entity], fn[entity])


def test_no_results_of_unknown_entities() -> None:
    tp, fp, _ = _counts()
    assert set(tp) | set(fp) <= set(ENTITIES)
