"""Every derbes recognizer is a Presidio recognizer on request (its twin), and a twin is still
a derbes recognizer: the fast path runs it, worker processes receive it pickled."""

from __future__ import annotations

import pickle

import pytest
from presidio_analyzer import PatternRecognizer

from derbes.detectors import DerbesRecognizer
from derbes.detectors.presidio import presidio_class, presidio_recognizers
from derbes.detectors.registry import RECOGNIZER_CLASSES, all_recognizers

TEXT = "ИИН 870412300415, тел. +7 701 123 45 67, a.nurlanova@mail.kz, fio: \"Нурланова Айгерим\""


@pytest.mark.parametrize("cls", RECOGNIZER_CLASSES, ids=lambda c: c.__name__)
def test_a_twin_is_both_and_finds_the_same(cls):
    twin = presidio_class(cls)
    assert issubclass(twin, PatternRecognizer) and issubclass(twin, cls)
    assert presidio_class(cls) is twin
    plain, presidio = cls("ru"), twin("ru")
    assert not isinstance(plain, PatternRecognizer)
    assert presidio.find(TEXT) == plain.find(TEXT)
    found = presidio.analyze(TEXT, presidio.supported_entities)
    assert [(r.start, r.end) for r in found] == [(s, e) for s, e, _, _ in plain.candidates(TEXT)]
    again = pickle.loads(pickle.dumps(presidio))
    assert type(again) is twin and again.supported_language == "ru"
    assert again.find(TEXT) == plain.find(TEXT)


def test_the_plain_recognizers_are_what_a_scan_uses():
    recognizers = all_recognizers()
    assert all(isinstance(r, DerbesRecognizer) for r in recognizers)
    assert not any(isinstance(r, PatternRecognizer) for r in recognizers)
    assert {type(r).__name__ for r in presidio_recognizers()} == {
        c.__name__ for c in RECOGNIZER_CLASSES}


def test_plain_recognizers_pickle_compiled_or_not():
    """Worker processes and Dask receive the recognizers pickled (their Pattern records too)."""
    for recognizer in all_recognizers():
        again = pickle.loads(pickle.dumps(recognizer))
        assert again.patterns == recognizer.patterns
        assert again.find(TEXT) == recognizer.find(TEXT)
