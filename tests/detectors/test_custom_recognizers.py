"""Users' own Presidio YAML recognizers load and run next to derbes' registry."""

from __future__ import annotations

from pathlib import Path

import pytest

from derbes.detectors.presidio import (
    CustomRecognizerError,
    build_analyzer,
    load_custom_recognizers,
)

DATA = Path(__file__).parent / "data"


def test_custom_yaml_recognizer_runs_in_the_analyzer() -> None:
    custom = load_custom_recognizers(DATA / "custom.yaml")
    assert {r.supported_language for r in custom} == {"ru", "kk", "en"}
    engine = build_analyzer(extra=custom)
    text = "Удостоверение личности 041234567, ИИН 871008401427"
    for language in ("ru", "kk", "en"):
        found = {(r.entity_type, text[r.start : r.end]) for r in engine.analyze(text, language)}
        # derbes' own IDENTITY_DOCUMENT finds the card number too, beside the user's entity.
        assert found == {("KZ_ID_CARD", "041234567"), ("IDENTITY_DOCUMENT", "041234567"),
                         ("KZ_IIN", "871008401427")}


def test_analyzer_without_extra_does_not_know_the_custom_entity() -> None:
    results = build_analyzer().analyze("Удостоверение личности 041234567", "ru")
    assert {r.entity_type for r in results} == {"IDENTITY_DOCUMENT"}


def test_broken_yaml_raises_our_error(tmp_path: Path) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text("recognizers:\n  - name: x\n    patterns: 5\n", encoding="utf-8")
    with pytest.raises(CustomRecognizerError):
        load_custom_recognizers(bad)
    with pytest.raises(CustomRecognizerError):
        load_custom_recognizers(tmp_path / "missing.yaml")
