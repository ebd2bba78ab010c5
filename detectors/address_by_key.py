"""Postal addresses in JSON values under an address key: ``"address": "г. Алматы, ..."``.

Under ``address``, ``delivery_address`` or ``мекенжай`` a value with letters and at least
five characters is taken as an address. Network addresses stored under the same key are
not: an IPv4 or IPv6 address (with a port, a zone or brackets), a MAC address, a host name,
a URL or an email address (``"address": "2a02:4780::1"`` in a connection log).

Reference: RFC 8259 (JSON members); Law 94-V Art. 1 (personal data).
"""

from __future__ import annotations

import re
from typing import ClassVar

from derbes.detectors import values
from derbes.detectors.ip_address import ip_address_syntax
from derbes.detectors.keyed import KeyedValueRecognizer

_LETTER = re.compile(r"[^\W\d_]", re.UNICODE)
# A MAC address, a host name (labels and dots, no spaces), a URL, an email address.
_NETWORK = re.compile(
    r"(?:[0-9A-Fa-f]{2}[:-]){5}[0-9A-Fa-f]{2}"
    r"|(?:[0-9A-Za-z-]+\.)+[A-Za-z]{2,24}\.?(?::[0-9]{1,5})?"
    r"|[A-Za-z][A-Za-z0-9+.-]*://\S*"
    r"|[^\s@]+@[^\s@]+"
)
_IP_CHARS = frozenset("0123456789abcdefABCDEF:.[]")
# Two words: a street and a house, a city and a street.
_MORE_WORDS = re.compile(r"\w[\s,]+\w")
_PORT = re.compile(r"^\[?(?P<host>[^\]]+?)\]?(?::[0-9]{1,5})?$")


def is_network_address(value: str) -> bool:
    """Whether a value under an ``address`` key names a network endpoint, not a place."""
    if _NETWORK.fullmatch(value):
        return True
    # An address holds only these before its zone ("%eth0"), and so does either candidate
    # below (the value, or its host without brackets and port): most values, a street and
    # a house, need no closer look.
    if not _IP_CHARS.issuperset(value.split("%", 1)[0]):
        return False
    # Read as ipaddress.ip_address reads an address, without its objects and exceptions, and
    # the host without brackets and port only when the value is none (in a connection log's
    # JSON lines, "address": "2001:db8::1" cost 27 us a line with ipaddress and _PORT.sub).
    # What follows _PORT's match is at most a newline before the end ($), which only a zone
    # can hold here (the characters above): the zone is split off either way.
    if ip_address_syntax(value.split("%", 1)[0]):
        return True
    m = _PORT.match(value)
    return m is not None and ip_address_syntax(m.group("host").split("%", 1)[0])


class AddressByKeyRecognizer(KeyedValueRecognizer):
    """A postal address as the value of an address key in JSON."""

    ENTITY = "ADDRESS"
    WHOLE_IN_COLUMN = True
    COLUMN_NAMES = (
        "address", "addr", "street", "home_address", "postal_address", "адрес", "улица",
        "мекенжай", "мекен_жай", "delivery_address", "shipping_address",
    )
    MASK = staticmethod(values.words_mask)
    VALIDATION: ClassVar[dict[str, str]] = {
        "en": "The value of a JSON key, XML element or XML attribute named for an address (address,"
              " delivery_address...) with letters, five characters at least.",
        "ru": "Значение JSON-ключа, XML-элемента или XML-атрибута адреса (address, "
              "delivery_address...) с буквами, не короче пяти символов.",
        "kk": "Мекенжай кілтінің JSON, XML элементі немесе атрибуты мәні (address, "
              "delivery_address...), әріптері бар, кемінде бес таңба.",
    }

    def read_whole(self, value: str) -> tuple[int, int, float] | None:
        """As the base class, and more than one word or a number: a column named like an
        address also holds kinds of address (``address_type``: billing, shipping), which
        the JSON member's value does not."""
        whole = super().read_whole(value)
        if whole is None:
            return None
        text = value[whole[0]:whole[1]]
        if not any(c.isdigit() for c in text) and not _MORE_WORDS.search(text):
            return None
        return whole

    def validate_result(self, pattern_text: str) -> bool | None:
        """Letters in it, five characters at least."""
        text = pattern_text.strip()
        if super().validate_result(text) is False or len(text) < 5:
            return False
        if is_network_address(text):
            return False
        return None if _LETTER.search(text) else False
