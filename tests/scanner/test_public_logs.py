"""Real public log lines labelled by hand (``tests/data/public_logs``, Loghub samples of 13
systems): precision and recall over every entity derbes reports.

The full table: ``python -m benchmarks.public_logs`` (``benchmarks/README.md``).
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

import pytest

from derbes.detectors.corpora.public import evaluate, load, overall
from derbes.scanner.engine.detect import Detector

DATA = Path(__file__).resolve().parent.parent / "data" / "public_logs"
FLOOR = 0.99


@cache
def _samples():
    return load(DATA)


def test_every_sample_has_labels_that_point_at_values() -> None:
    samples = _samples()
    assert len(samples) >= 10
    for sample in samples:
        assert (DATA / f"{sample.name}.labels").exists(), sample.name
        for line, start, end, _ in sample.labels:
            assert 0 <= start < end <= len(sample.lines[line])


def test_a_label_that_names_no_value_is_an_error(tmp_path: Path) -> None:
    (tmp_path / "x.log").write_text("connection from 10.0.0.5\n", encoding="utf-8")
    (tmp_path / "x.labels").write_text("10.0.0.6\tIP_ADDRESS\t*\n", encoding="utf-8")
    with pytest.raises(ValueError, match=r"x\.labels:1"):
        load(tmp_path)


def test_precision_and_recall_on_public_logs() -> None:
    score = evaluate(_samples(), Detector())
    tp, fp, fn = overall(score)
    assert tp >= 300, "too few labelled values to measure"
    confusions = score.false_positives + score.false_negatives
    assert tp / (tp + fp) >= FLOOR, (tp, fp, confusions[:10])
    assert tp / (tp + fn) >= FLOOR, (tp, fn, confusions[:10])
