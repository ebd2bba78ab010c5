"""Payment card numbers (PAN): 13-19 digits, Luhn check digit, an issuer prefix and length.

Written contiguously or in groups separated by spaces or hyphens (``4111 1111 1111 1111``,
Amex ``3782 822463 10005``). A candidate must pass the Luhn check and carry the prefix and
a length of a card scheme issued in Kazakhstan or seen in its e-commerce: Visa (4),
Mastercard (51-55, 2221-2720), Mir (2200-2204), UnionPay (62, 81), American Express
(34, 37), JCB (3528-3589), Diners Club (300-305, 36, 38, 39), Discover (6011, 644-649,
65), Maestro (50, 56-58, 6x), Troy (9792). An ``order``/``заказ`` word right before a
number drops it: an order number that happens to pass Luhn is not a card.

Reference: ISO/IEC 7812-1 (issuer identification numbers, Luhn formula), the schemes'
published IIN ranges; the Luhn check as python-stdnum's ``stdnum.luhn`` has it (a test
holds :func:`luhn_is_valid` to it).
"""

from __future__ import annotations

import re
from typing import ClassVar

from derbes.detectors import values
from derbes.detectors.base import DIGITS, NOT_AFTER_PLUS_SIGN, DerbesRecognizer, Pattern

# (first digits, lowest, highest, allowed lengths), checked on the leading digits.
_SCHEMES: tuple[tuple[int, int, int, frozenset[int]], ...] = (
    (1, 4, 4, frozenset({13, 16, 19})),  # Visa
    (2, 51, 55, frozenset({16})),  # Mastercard
    (4, 2221, 2720, frozenset({16})),  # Mastercard 2-series
    (4, 2200, 2204, frozenset({16, 17, 18, 19})),  # Mir
    (2, 62, 62, frozenset({16, 17, 18, 19})),  # UnionPay
    (2, 81, 81, frozenset({16, 17, 18, 19})),  # UnionPay 81
    (2, 34, 34, frozenset({15})),  # American Express
    (2, 37, 37, frozenset({15})),  # American Express
    (4, 3528, 3589, frozenset({16, 17, 18, 19})),  # JCB
    (3, 300, 305, frozenset({14, 16, 17, 18, 19})),  # Diners Club
    (2, 36, 36, frozenset({14, 16, 17, 18, 19})),  # Diners Club
    (2, 38, 39, frozenset({14, 16, 17, 18, 19})),  # Diners Club
    (4, 6011, 6011, frozenset({16, 17, 18, 19})),  # Discover
    (3, 644, 649, frozenset({16, 17, 18, 19})),  # Discover
    (2, 65, 65, frozenset({16, 17, 18, 19})),  # Discover
    (2, 50, 50, frozenset(range(13, 20))),  # Maestro
    (2, 56, 58, frozenset(range(13, 20))),  # Maestro
    (1, 6, 6, frozenset(range(13, 20))),  # Maestro and other 6x issuers
    (4, 9792, 9792, frozenset({16})),  # Troy
)

# Not glued to a word or an id prefix (``blk_3852281952649038166``), nor the visible digits
# of a masked number (``4400 43** **** 1234``), nor the account part of an IBAN
# ("KZ68 6010 ..."). A number right after another number and a separator is the tail of a
# longer grouped number unless that number was a card itself: :meth:`candidates` decides.
_L = r"(?<![0-9A-Za-z_.,*-])(?<![A-Z]{2}[0-9]{2}[ -])"
_R = r"(?![0-9A-Za-z_*]|[.,-][0-9])"
_AFTER_DIGIT = re.compile(r"[0-9][ -]$")


def card_scheme_ok(digits: str) -> bool:
    """Whether the leading digits and the length belong to a card scheme (``digits``: at
    least four digits): some scheme's range holds its first digits and its lengths the length.
    """
    lead = int(digits[:4])  # read once, each scheme's first digits from it
    size = len(digits)
    for width, lo, hi, lengths in _SCHEMES:
        first = lead
        for _ in range(4 - width):
            first //= 10
        if lo <= first <= hi and size in lengths:
            return True
    return False


def luhn_is_valid(digits: str) -> bool:
    """python-stdnum's ``luhn.is_valid(digits)``: digits ``0``-``9`` only, at least one,
    and the Luhn checksum (every second digit from the right doubled, its digits added) a
    multiple of ten. A loop over the characters, not stdnum's tuples and exceptions (about a
    tenth of the work when compiled, ``credit_card.pxd``)."""
    size = len(digits)
    if size == 0:
        return False
    total = 0
    for k in range(size):
        c = digits[size - 1 - k]
        if c < "0" or c > "9":
            return False
        d = ord(c) - 48
        if k % 2 == 1:
            d *= 2
            if d > 9:
                d -= 9
        total += d
    return total % 10 == 0


def card_is_valid(value: str) -> bool:
    """Whether a written card number has a scheme prefix and length and passes Luhn."""
    digits = value.replace(" ", "").replace("-", "")
    return (
        13 <= len(digits) <= 19
        and digits.isdigit()
        and len(set(digits)) > 1
        and card_scheme_ok(digits)
        and luhn_is_valid(digits)
    )


class CreditCardRecognizer(DerbesRecognizer):
    """Payment card numbers: scheme prefix and length, and the Luhn check digit."""

    ENTITY = "CREDIT_CARD"
    COLUMN_NAMES = ("card", "card_number", "card_no", "pan", "cc_number", "номер_карты", "карта")
    NOT_COLUMN_NAMES = ("card_type", "card_brand", "card_bin", "pan_hash")
    NORMALIZE = staticmethod(values.digits)
    MASK = staticmethod(values.last_four)
    PATTERNS = (
        Pattern("contiguous", rf"{NOT_AFTER_PLUS_SIGN}{_L}[2-689][0-9]{{12,18}}{_R}", 0.2),
        # 4-4-4-4, 4-4-4-4-3, 4-4-4-1..4 with one kind of separator.
        Pattern(
            "grouped",
            rf"{_L}[2-689][0-9]{{3}}([ -])[0-9]{{4}}\1[0-9]{{4}}\1[0-9]{{1,4}}"
            rf"(?:\1[0-9]{{3}})?{_R}",
            0.3,
        ),
        # American Express and Diners: 4-6-5 and 4-6-4.
        Pattern("amex", rf"{_L}3[0-9]{{3}}([ -])[0-9]{{6}}\1[0-9]{{4,5}}{_R}", 0.3),
    )
    # A card number's first digit is one of the schemes' (2-6, 8, 9: the patterns' [2-689]).
    RUNS: ClassVar[dict[str, tuple]] = {
        "contiguous": (DIGITS, 13, 19, "2345689"), "grouped": (DIGITS, 4, 4, "2345689")}
    PREFILTERS = (
        rb"(?:^|[^0-9A-Za-z_.,*-])[2-689][0-9]{12,18}(?:[^0-9A-Za-z_*]|$)",
        rb"(?:^|[^0-9A-Za-z_.,*-])[2-689][0-9]{3}[ -][0-9]{4}[ -][0-9]{4}[ -][0-9]",
        rb"(?:^|[^0-9A-Za-z_.,*-])3[0-9]{3}[ -][0-9]{6}[ -][0-9]{4}",
    )
    PATTERN_PREFILTERS: ClassVar[dict[str, tuple[int, ...]]] = {
        "contiguous": (0,), "grouped": (1,), "amex": (2,),
    }
    CONTEXT = (
        "card", "карт", "pan", "cc_", "ccnum", "credit", "debit", "visa", "mastercard",
        "maestro", "мир", "unionpay", "amex", "кредит", "дебет", "банк картасы", "төлем",
        "payment", "оплат", "платеж", "платёж",
    )
    NEGATIVE_CONTEXT = (
        "order", "заказ", "тапсырыс", "invoice", "счет-фактур", "накладн", "tracking", "трек",
        "imei", "imsi", "iccid", "ts", "timestamp", "epoch", "id:", "request", "trace",
        "transaction_id", "txn_id", "rrn", "stan", "auth_code", "reference", "ref",
    )
    NEGATIVE_CONTEXT_KILLS = True
    # An order word must be right before the number, not somewhere back on the line.
    CONTEXT_WINDOW = 16
    VALIDATION: ClassVar[dict[str, str]] = {
        "en": "13-19 digits, optionally grouped, with a card scheme prefix and length "
              "(Visa, Mastercard, Mir, UnionPay, Amex, JCB...) and a valid Luhn check digit.",
        "ru": "13-19 цифр, возможно группами, с префиксом и длиной платёжной системы "
              "(Visa, Mastercard, Мир, UnionPay, Amex, JCB...) и верной цифрой Луна.",
        "kk": "13-19 цифр, топтарға бөлінуі мүмкін, төлем жүйесінің префиксі мен ұзындығы "
              "(Visa, Mastercard, Мир, UnionPay, Amex, JCB...) және дұрыс Лун цифры.",
    }

    def validate_result(self, pattern_text: str) -> bool | None:
        """Valid when the prefix and length name a scheme and the Luhn check passes."""
        return card_is_valid(pattern_text)

    def candidates(
        self,
        text: str,
        patterns: frozenset[str] | None = None,
        once: frozenset[str] = frozenset(),
    ) -> list[tuple[int, int, float, str]]:
        """As the base class; a number right after a digit and a separator counts only when
        a card ends there (``4012888888881881 4012-8888-8888-1881``), else it is the tail
        of a longer grouped number."""
        found = super().candidates(text, patterns, once)
        if len(found) > 1:
            found.sort()
        ends = {end for _, end, _, _ in found}
        return [
            c for c in found
            if c[0] < 2 or not _AFTER_DIGIT.search(text, c[0] - 2, c[0]) or c[0] - 1 in ends
        ]
