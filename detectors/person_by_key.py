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

from derbes.detectors import values
from derbes.detectors.keyed import KeyedValueRecognizer

_NAME = re.compile(r"[^\W\d_][\w .'\-]{0,99}", re.UNICODE)


class PersonByKeyRecognizer(KeyedValueRecognizer):
    """A person's name as the value of a name key in JSON."""

    ENTITY = "PERSON"
    COLUMN_NAMES = (
        "card_holder", "cardholder", "holder_name", "card_holder_name", "fio", "full_name",
        "fullname", "first_name", "firstname", "last_name", "lastname", "surname", "middle_name",
        "patronymic", "фио", "имя", "фамилия", "отчество", "аты", "тегі", "аты_жөні",
        "әкесінің_аты", "client_name", "customer_name",
    )
    MASK = staticmethod(values.person_mask)
    NAME_OWNERS = frozenset((
        "customer", "client", "recipient", "sender", "payer", "holder", "cardholder",
        "employee", "contact", "passenger", "patient", "courier", "buyer", "клиент",
        "получатель", "отправитель", "плательщик", "сотрудник", "тұтынушы", "алушы", "жіберуші",
    ))
    OWNED_NAMES = ("name", "full_name_ru", "имя", "аты")
    VALIDATION: ClassVar[dict[str, str]] = {
        "en": "The value of a JSON key, XML element or XML attribute named for a name (fio, "
              "full_name, last_name...) that reads as a name: letters, spaces and hyphens, no "
              "digits.",
        "ru": "Значение JSON-ключа, XML-элемента или XML-атрибута имени (fio, full_name, "
              "last_name...), похожее на имя: буквы, пробелы и дефисы, без цифр.",
        "kk": "Аты кілтінің JSON, XML элементі немесе атрибуты мәні (fio, full_name, last_name...),"
              " атқа ұқсас: әріптер, бос орындар мен дефистер, цифрларсыз.",
    }

    def validate_result(self, pattern_text: str) -> bool | None:
        """A name-shaped value (escaped Cyrillic, ``\\u0418...``, cannot be read: accepted)."""
        text = pattern_text.strip()
        if super().validate_result(text) is False:
            return False
        if "\\u" in text:
            return None
        return None if _NAME.fullmatch(text) else False
