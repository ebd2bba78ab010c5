"""Shared helpers of the detector tests: what a recognizer finds, alone and inside Presidio."""

from __future__ import annotations

from functools import cache

from presidio_analyzer import AnalyzerEngine

from derbes.detectors.base import DerbesRecognizer
from derbes.detectors.presidio import build_analyzer


@cache
def analyzer() -> AnalyzerEngine:
    return build_analyzer()


def found_alone(
    cls: type[DerbesRecognizer], text: str, field_context: list[str] | None = None
) -> list[str]:
    """Values the recognizer finds with its own ``find`` (the fast path's entry point)."""
    return [text[s:e] for s, e, _ in sorted(cls().find(text, field_context))]


def found_by_presidio(entity: str, text: str, language: str = "ru") -> list[str]:
    """Values of ``entity`` Presidio's ``AnalyzerEngine`` with the derbes registry returns."""
    results = analyzer().analyze(text, language=language, entities=[entity])
    return [text[r.start : r.end] for r in sorted(results, key=lambda r: r.start)]


def assert_finds(cls: type[DerbesRecognizer], text: str, expected: list[str]) -> None:
    """Both paths find exactly ``expected`` in ``text``."""
    assert found_alone(cls, text) == expected, text
    for language in ("ru", "kk", "en"):
        assert found_by_presidio(cls.ENTITY, text, language) == expected, (language, text)
