"""derbes' recognizers as real Presidio recognizers, for an ``AnalyzerEngine`` of one's own.

    >>> from derbes.detectors.presidio import build_analyzer
    >>> build_analyzer().analyze("ИИН 870412300415", language="ru")

A derbes recognizer (:mod:`derbes.detectors.base`) is data and plain functions; this module,
the only one in ``detectors`` that imports Presidio (seconds: it loads spaCy), gives each
recognizer class a Presidio twin: a subclass of both the recognizer and Presidio's
``PatternRecognizer`` whose ``analyze`` and ``enhance_using_context`` run the recognizer's own
candidates and context verdict. A twin is still a :class:`DerbesRecognizer`, so derbes' fast
path runs it too; the differential test holds that path to Presidio's engine with the twins.

Nothing here touches the network: the NLP engine is Presidio's no-op engine, because derbes'
recognizers score context themselves and need no spaCy model.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from pathlib import Path

import yaml
from presidio_analyzer import (
    AnalyzerEngine,
    EntityRecognizer,
    Pattern,
    PatternRecognizer,
    RecognizerRegistry,
    RecognizerResult,
)
from presidio_analyzer.nlp_engine import NlpEngine, NoOpNlpEngine

from derbes.detectors.base import DerbesRecognizer
from derbes.detectors.categories import register_entity
from derbes.detectors.registry import LANGUAGES, RECOGNIZER_CLASSES

__all__ = ["CustomRecognizerError", "blank_nlp_engine", "build_analyzer", "build_registry",
           "load_custom_recognizers", "presidio_class", "presidio_recognizers"]


class CustomRecognizerError(ValueError):
    """A user's recognizer file could not be loaded."""


class _PresidioHooks:
    """Presidio's hooks over a derbes recognizer's lean path (mixed in before it)."""

    def __init__(self, supported_language: str = "en", name: str | None = None) -> None:
        DerbesRecognizer.__init__(self, supported_language, name or self._derbes_class.__name__)
        # Then Presidio's attributes, with its own Pattern objects (it caches regexes on them).
        PatternRecognizer.__init__(
            self,
            supported_entity=self.ENTITY,
            name=name or self._derbes_class.__name__,
            supported_language=supported_language,
            patterns=[Pattern(p.name, p.regex, p.score) for p in self.PATTERNS],
            context=list(self.CONTEXT),
            global_regex_flags=self.FLAGS,
        )

    def analyze(self, text, entities, nlp_artifacts=None, regex_flags=None):
        return [
            RecognizerResult(
                self.ENTITY,
                start,
                end,
                score,
                recognition_metadata={
                    RecognizerResult.RECOGNIZER_NAME_KEY: self.name,
                    RecognizerResult.RECOGNIZER_IDENTIFIER_KEY: self.id,
                    "pattern_name": pattern_name,
                },
            )
            for start, end, score, pattern_name in self.candidates(text)
        ]

    def enhance_using_context(
        self, text, raw_recognizer_results, other_raw_recognizer_results, nlp_artifacts,
        context=None,
    ):
        for result in raw_recognizer_results:
            meta = result.recognition_metadata
            result.score = self.context_score(
                text, result.start, result.score, meta.get("pattern_name", ""), context
            )
            meta[RecognizerResult.IS_SCORE_ENHANCED_BY_CONTEXT_KEY] = True
        return raw_recognizer_results

    def __reduce__(self):
        # The twin class is made at run time: pickle (worker processes) remakes it by name.
        return _remake, (self._derbes_class, self.supported_language, self.name)


_TWINS: dict[type, type] = {}


def presidio_class(cls: type[DerbesRecognizer]) -> type:
    """The Presidio twin of a derbes recognizer class: a ``PatternRecognizer`` and a ``cls``."""
    twin = _TWINS.get(cls)
    if twin is None:
        twin = _TWINS[cls] = type(cls.__name__, (_PresidioHooks, cls, PatternRecognizer), {
            "__module__": cls.__module__,
            "__qualname__": cls.__qualname__,
            "__doc__": cls.__doc__,
            "_derbes_class": cls,
        })
    return twin


def _remake(cls: type[DerbesRecognizer], language: str, name: str) -> DerbesRecognizer:
    return presidio_class(cls)(supported_language=language, name=name)


def presidio_recognizers(language: str = "en") -> list[PatternRecognizer]:
    """One Presidio recognizer for every derbes recognizer, for ``language``."""
    return [presidio_class(cls)(supported_language=language) for cls in RECOGNIZER_CLASSES]


def load_custom_recognizers(path: str | Path, languages: Sequence[str] = LANGUAGES) -> list[
    EntityRecognizer
]:
    """Recognizers from a Presidio recognizer YAML file (``recognizers:`` list).

    Each entry gives one recognizer per language of ``languages`` (the languages derbes
    analyses in), whatever its ``supported_language`` or ``supported_languages`` say: a
    recognizer written for ``ru`` finds the same values in a text analysed as ``en``.
    An entry's ``category`` maps its entity to a category, an existing one by id or alias
    (``category: identity_document``) or a new one (``category: {id: loyalty_card, en: ...,
    ru: ..., kk: ...}``), so that a policy can declare it (:func:`register_entity`).
    """
    try:
        with open(path, encoding="utf-8") as stream:
            document = yaml.safe_load(stream)
        entries = document["recognizers"]
        recognizers: list[EntityRecognizer] = []
        for entry in entries:
            if entry.get("enabled", True) is False:
                continue
            conf = {k: v for k, v in entry.items()
                    if k not in ("enabled", "type", "category", "supported_language",
                                 "supported_languages")}
            if entry.get("category") is not None:
                register_entity(entry["supported_entity"], entry["category"])
            for language in languages:
                recognizers.append(
                    PatternRecognizer.from_dict({**conf, "supported_language": language})
                )
    except (OSError, yaml.YAMLError) as e:
        raise CustomRecognizerError(f"{path}: cannot read recognizers: {e}") from e
    except (ValueError, TypeError, KeyError, AttributeError) as e:
        raise CustomRecognizerError(f"{path}: invalid recognizer definition: {e!r}") from e
    return recognizers


def build_registry(
    languages: Sequence[str] = LANGUAGES,
    extra: Iterable[EntityRecognizer] = (),
) -> RecognizerRegistry:
    """A Presidio registry holding every derbes recognizer for each language, plus ``extra``."""
    recognizers: list[EntityRecognizer] = []
    for language in languages:
        recognizers.extend(presidio_recognizers(language))
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
