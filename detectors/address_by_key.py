"""Postal addresses in JSON values under an address key: ``"address": "г. Алматы, ..."``.

Under ``address``, ``delivery_address`` or ``мекенжай`` a value with letters and at least
five characters is taken as an address (an IP ``address`` is not: it holds no letters).

Reference: RFC 8259 (JSON members); Law 94-V Art. 1 (personal data).
"""

from __future__ import annotations

import re
from typing import ClassVar

from derbes.detectors.keyed import KeyedValueRecognizer

_LETTER = re.compile(r"[^\W\d_]", re.UNICODE)


class AddressByKeyRecognizer(KeyedValueRecognizer):
    """A postal address as the value of an address key in JSON."""

    ENTITY = "ADDRESS"
    KEYS = (
        "address", "Address", "home_address", "homeAddress", "delivery_address",
        "deliveryAddress", "postal_address", "postalAddress", "shipping_address",
        "shippingAddress", "street", "адрес", "мекенжай",
    )
    VALIDATION: ClassVar[dict[str, str]] = {
        "en": "The value of a JSON address key (address, delivery_address...) with letters, "
              "five characters at least.",
        "ru": "Значение JSON-ключа адреса (address, delivery_address...) с буквами, не "
              "короче пяти символов.",
        "kk": "Мекенжай кілтінің JSON мәні (address, delivery_address...), әріптері бар, "
              "кемінде бес таңба.",
    }

    def validate_result(self, pattern_text: str) -> bool | None:
        """Letters in it, five characters at least."""
        text = pattern_text.strip()
        if super().validate_result(text) is False or len(text) < 5:
            return False
        return None if _LETTER.search(text) else False
