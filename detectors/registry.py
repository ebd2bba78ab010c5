"""The registry: every derbes recognizer, ready for a Presidio ``AnalyzerEngine``.

Nothing here touches the network: the NLP engine is Presidio's no-op engine, because derbes'
recognizers score context themselves and need no spaCy model.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from pathlib import Path

from presidio_analyzer import AnalyzerEngine, EntityRecognizer, RecognizerRegistry
from presidio_analyzer.nlp_engine import NlpEngine, NoOpNlpEngine

from derbes.detectors.base import DerbesRecognizer
from derbes.detectors.kz_iin import KzIinRecognizer

#: Languages derbes speaks: Russian, Kazakh, English.
LANGUAGES: tuple[str, ...] = ("en", "ru", "kk")

RECOGNIZER_CLASSES: tuple[type[DerbesRecognizer], ...] = (
    KzIinRecognizer,
)


class CustomRecognizerError(ValueError):
    """A user's recognizer file could not be loaded."""


def all_recognizers(language: str = "en") -> list[DerbesRecognizer]:
    """One instance of every derbes recognizer for ``language``."""
    return [cls(supported_language=language) for cls in RECOGNIZER_CLASSES]


def load_custom_recognizers(path: str | Path, languages: Sequence[str] = LANGUAGES) -> list[
    EntityRecognizer
]:
    """Recognizers from a Presidio recognizer YAML file (``recognizers:`` list)."""
    registry = RecognizerRegistry(supported_languages=list(languages))
    try:
        registry.add_recognizers_from_yaml(Path(path))
    except (OSError, ValueError, TypeError, KeyError) as e:
        raise CustomRecognizerError(f"{path}: cannot load recognizers: {e}") from e
    return list(registry.recognizers)


def build_registry(
    languages: Sequence[str] = LANGUAGES,
    extra: Iterable[EntityRecognizer] = (),
) -> RecognizerRegistry:
    """A Presidio registry holding every derbes recognizer for each language, plus ``extra``."""
    recognizers: list[EntityRecognizer] = []
    for language in languages:
        recognizers.extend(all_recognizers(language))
    recognizers.extend(extra)
    return RecognizerRegistry(recognizers=recognizers, supported_languages=list(languages))


def blank_nlp_engine(languages: Sequence[str] = LANGUAGES) -> NlpEngine:
    """An NLP engine that loads no model: derbes' recognizers need no tokens or lemmas."""
    engine = NoOpNlpEngine(models=[{"lang_code": lang, "model_name": "none"} for lang in languages])
    engine.load()
    return engine


def build_analyzer(
    languages: Sequence[str] = LANGUAGES, extra: Iterable[EntityRecognizer] = ()
) -> AnalyzerEngine:
    """A Presidio ``AnalyzerEngine`` with derbes' registry and no NLP model."""
    return AnalyzerEngine(
        registry=build_registry(languages, extra),
        nlp_engine=blank_nlp_engine(languages),
        supported_languages=list(languages),
    )
