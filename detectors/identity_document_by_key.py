"""Identity document numbers in JSON values under a document key: ``"passport": "N1234567"``.

Kazakh identity cards carry a 9-digit number, passports a letter and 7-8 digits; under a
key such as ``passport`` or ``id_card`` a value of 6 to 20 letters and digits, with at least
five digits, is taken as a document number.

Reference: Law of the RK «О документах, удостоверяющих личность» (identity card,
passport); RFC 8259 (JSON members).
"""

from __future__ import annotations

import re
from typing import ClassVar

from derbes.detectors.identity_document import IdentityDocumentRecognizer
from derbes.detectors.keyed import KeyedValueRecognizer

_DOCUMENT = re.compile(r"[A-Za-zА-Яа-яЁё0-9 №-]{6,20}")


class IdentityDocumentByKeyRecognizer(KeyedValueRecognizer):
    """An identity document number as the value of a document key in JSON."""

    ENTITY = "IDENTITY_DOCUMENT"
    # One entity, one list of spellings: the document recognizer's.
    COLUMN_NAMES = IdentityDocumentRecognizer.COLUMN_NAMES
    VALIDATION: ClassVar[dict[str, str]] = {
        "en": "The value of a JSON key, XML element or XML attribute named for a document "
              "(passport, id_card...): 6-20 letters and digits, five digits at least.",
        "ru": "Значение JSON-ключа, XML-элемента или XML-атрибута документа (passport, id_card...):"
              " 6-20 букв и цифр, не меньше пяти цифр.",
        "kk": "Құжат кілтінің JSON, XML элементі немесе атрибуты мәні (passport, id_card...): 6-20 "
              "әріп пен цифр, кемінде бес цифр.",
    }

    def validate_result(self, pattern_text: str) -> bool | None:
        """Letters and digits of a document number's length, mostly digits."""
        text = pattern_text.strip()
        if not _DOCUMENT.fullmatch(text):
            return False
        return None if sum(c.isdigit() for c in text) >= 5 else False
