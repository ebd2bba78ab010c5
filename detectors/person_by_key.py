"""Full names (ФИО, аты-жөні) in JSON values under a name key: ``"fio": "Нурланова Айгерим"``.

No pattern finds a name in free text without a language model; under a key such as ``fio``
or ``full_name`` the value is a name, provided it looks like one: letters, spaces, hyphens,
apostrophes and dots, no digits or ``@``.

Reference: RFC 8259 (JSON members); Law 94-V Art. 1 (personal data: any information
relating to an identified or identifiable person).
"""

from __future__ import annotations

import re
from typing import ClassVar

from derbes.detectors.keyed import KeyedValueRecognizer

_NAME = re.compile(r"[^\W\d_][\w .'\-]{0,99}", re.UNICODE)


class PersonByKeyRecognizer(KeyedValueRecognizer):
    """A person's name as the value of a name key in JSON."""

    ENTITY = "PERSON"
    KEYS = (
        "fio", "FIO", "Fio", "full_name", "fullName", "fullname", "FullName", "first_name",
        "firstName", "last_name", "lastName", "surname", "middle_name", "middleName",
        "patronymic", "client_name", "clientName", "customer_name", "customerName",
        "holder_name", "holderName", "фио", "ФИО",
    )
    VALIDATION: ClassVar[dict[str, str]] = {
        "en": "The value of a JSON name key (fio, full_name, last_name...) that reads as a "
              "name: letters, spaces and hyphens, no digits.",
        "ru": "Значение JSON-ключа имени (fio, full_name, last_name...), похожее на имя: "
              "буквы, пробелы и дефисы, без цифр.",
        "kk": "Аты кілтінің JSON мәні (fio, full_name, last_name...), атқа ұқсас: әріптер, "
              "бос орындар мен дефистер, цифрларсыз.",
    }

    def validate_result(self, pattern_text: str) -> bool | None:
        """A name-shaped value (escaped Cyrillic, ``\\u0418...``, cannot be read: accepted)."""
        text = pattern_text.strip()
        if super().validate_result(text) is False:
            return False
        if "\\u" in text:
            return None
        return None if _NAME.fullmatch(text) else False
