"""``describe_detectors``: every entity, its category and how it is validated, per language."""

from __future__ import annotations

import pytest

from derbes.detectors.categories import CATEGORIES
from derbes.detectors.describe import describe_detectors
from derbes.detectors.registry import RECOGNIZER_CLASSES

ENTITIES = {
    "KZ_IIN", "KZ_BIN", "PHONE_NUMBER", "EMAIL_ADDRESS", "IP_ADDRESS", "MAC_ADDRESS", "IMEI",
    "DEVICE_ID", "CREDIT_CARD", "IBAN_CODE", "PERSON", "DATE_OF_BIRTH", "ADDRESS",
    "IDENTITY_DOCUMENT",
}


@pytest.mark.parametrize("lang", ["ru", "kk", "en"])
def test_every_entity_is_described(lang: str) -> None:
    rows = describe_detectors(lang)
    assert {r["entity"] for r in rows} == ENTITIES
    for row in rows:
        assert row["category"] in CATEGORIES
        assert row["category_label"] == CATEGORIES[row["category"]].label(lang)
        assert row["validation"] and row["context"]


def test_languages_differ_and_unknown_falls_back_to_english() -> None:
    ru, kk, en = (
        {r["entity"]: r for r in describe_detectors(x)} for x in ("ru", "kk", "en")
    )
    assert ru["KZ_IIN"]["validation"] != kk["KZ_IIN"]["validation"] != en["KZ_IIN"]["validation"]
    assert describe_detectors("de") == describe_detectors("en")


def test_iin_says_it_reveals_birth_date_and_sex() -> None:
    rows = {r["entity"]: r for r in describe_detectors("ru")}
    assert rows["KZ_IIN"]["reveals"] == ["Дата рождения", "Пол"]
    assert "дату рождения и пол" in rows["KZ_IIN"]["validation"]
    en = {r["entity"]: r for r in describe_detectors("en")}
    assert "birth date and sex" in en["KZ_IIN"]["validation"]


def test_every_recognizer_has_validation_in_three_languages_and_a_reference() -> None:
    for cls in RECOGNIZER_CLASSES:
        assert set(cls.VALIDATION) == {"en", "ru", "kk"}, cls.__name__
        module_doc = __import__(cls.__module__, fromlist=["_"]).__doc__ or ""
        assert "Reference" in module_doc, cls.__name__
        assert cls.__doc__, cls.__name__
