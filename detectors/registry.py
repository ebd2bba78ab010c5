"""The registry: every derbes recognizer, ready for a Presidio ``AnalyzerEngine``.

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
    PatternRecognizer,
    RecognizerRegistry,
)
from presidio_analyzer.nlp_engine import NlpEngine, NoOpNlpEngine

from derbes.detectors.address_by_key import AddressByKeyRecognizer
from derbes.detectors.base import DerbesRecognizer
from derbes.detectors.birth_date_by_key import BirthDateByKeyRecognizer
from derbes.detectors.categories import register_entity
from derbes.detectors.credit_card import CreditCardRecognizer
from derbes.detectors.device_id import DeviceIdRecognizer
from derbes.detectors.email import EmailRecognizer
from derbes.detectors.iban import IbanRecognizer
from derbes.detectors.identity_document import IdentityDocumentRecognizer
from derbes.detectors.identity_document_by_key import IdentityDocumentByKeyRecognizer
from derbes.detectors.imei import ImeiRecognizer
from derbes.detectors.ip_address import IpAddressRecognizer
from derbes.detectors.kz_bin import KzBinRecognizer
from derbes.detectors.kz_iin import KzIinRecognizer
from derbes.detectors.mac_address import MacAddressRecognizer
from derbes.detectors.person_by_key import PersonByKeyRecognizer
from derbes.detectors.person_name import PersonNameRecognizer
from derbes.detectors.phone import PhoneRecognizer

#: Languages derbes speaks: Russian, Kazakh, English.
LANGUAGES: tuple[str, ...] = ("en", "ru", "kk")

RECOGNIZER_CLASSES: tuple[type[DerbesRecognizer], ...] = (
    KzIinRecognizer,
    KzBinRecognizer,
    PhoneRecognizer,
    EmailRecognizer,
    IpAddressRecognizer,
    MacAddressRecognizer,
    ImeiRecognizer,
    DeviceIdRecognizer,
    CreditCardRecognizer,
    IbanRecognizer,
    PersonByKeyRecognizer,
    BirthDateByKeyRecognizer,
    AddressByKeyRecognizer,
    IdentityDocumentByKeyRecognizer,
    PersonNameRecognizer,
    IdentityDocumentRecognizer,
)


class CustomRecognizerError(ValueError):
    """A user's recognizer file could not be loaded."""


def all_recognizers(language: str = "en") -> list[DerbesRecognizer]:
    """One instance of every derbes recognizer for ``language``."""
    return [cls(supported_language=language) for cls in RECOGNIZER_CLASSES]


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
