"""IMEI: the International Mobile Equipment Identity of a phone or modem.

Fifteen digits: an eight-digit Type Allocation Code (TAC, whose first two digits name the
reporting body: 01, 35, 86, 99...), a six-digit serial and a Luhn check digit. Printed as
``35-417803-685978-9`` (AA-BBBBBB-CCCCCC-D) on boxes and in settings screens, or in the
older TAC-FAC-serial grouping ``350077-52-323751-3`` (6-2-6-1), which is a
strong shape; as bare 15 digits it is counted only next to a context word, because one in
ten random 15-digit numbers passes the Luhn check.

Reference: 3GPP TS 23.003 section 6.2; GSMA TS.06 (IMEI Allocation and Approval Process);
python-stdnum ``stdnum.imei``.
"""

from __future__ import annotations

from typing import ClassVar

from stdnum import imei as std_imei

from derbes.detectors import values
from derbes.detectors.base import DIGITS, NOT_AFTER_PLUS_SIGN, DerbesRecognizer, Pattern
from derbes.detectors.credit_card import luhn_is_valid


class ImeiRecognizer(DerbesRecognizer):
    """IMEI numbers: Luhn-valid 15 digits, grouped or next to a context word."""

    ENTITY = "IMEI"
    COLUMN_NAMES = ("imei",)
    NORMALIZE = staticmethod(values.digits)
    PATTERNS = (
        Pattern(
            "grouped",
            r"(?<![0-9A-Za-z-])[0-9]{2}([ -])[0-9]{6}\1[0-9]{6}\1[0-9](?![0-9A-Za-z]|-[0-9])",
            0.4,
        ),
        # The older grouping by TAC, FAC, serial and check digit (6-2-6-1), as printed on
        # handsets and boxes before 2004: 350077-52-323751-3.
        Pattern(
            "tac_fac",
            r"(?<![0-9A-Za-z-])[0-9]{6}([ -])[0-9]{2}\1[0-9]{6}\1[0-9](?![0-9A-Za-z]|-[0-9])",
            0.4,
        ),
        Pattern("bare", rf"{NOT_AFTER_PLUS_SIGN}(?<![0-9A-Za-z-])[0-9]{{15}}(?![0-9A-Za-z])", 0.05),
    )
    RUNS: ClassVar[dict[str, tuple[str, int, int]]] = {"bare": (DIGITS, 15, 15)}
    PREFILTERS = (
        rb"(?:^|[^0-9A-Za-z-])[0-9]{2}[ -][0-9]{6}[ -][0-9]{6}[ -][0-9](?:[^0-9A-Za-z]|$)",
        rb"(?:^|[^0-9A-Za-z-])[0-9]{15}(?:[^0-9A-Za-z]|$)",
        rb"(?:^|[^0-9A-Za-z-])[0-9]{6}[ -][0-9]{2}[ -][0-9]{6}[ -][0-9](?:[^0-9A-Za-z]|$)",
    )
    PATTERN_PREFILTERS: ClassVar[dict[str, tuple[int, ...]]] = {
        "grouped": (0,), "bare": (1,), "tac_fac": (2,),
    }
    CONTEXT_REQUIRED = frozenset({"bare"})
    CONTEXT = (
        "imei", "имей", "device", "устройств", "құрылғы", "handset", "serial", "серийн",
        "сериялық", "equipment", "аппарат", "телефон аппарат", "modem", "модем", "tac",
    )
    NEGATIVE_CONTEXT = (
        "imsi", "iccid", "order", "заказ", "тапсырыс", "transaction", "транзакц", "txn",
        "card", "карт", "invoice", "счет", "счёт", "шот", "payment", "платеж", "төлем",
        "ts", "timestamp", "epoch",
    )
    VALIDATION: ClassVar[dict[str, str]] = {
        "en": "15 digits with a valid Luhn check digit (python-stdnum); bare digits only next "
              "to a context word such as IMEI or device.",
        "ru": "15 цифр с верной контрольной цифрой Луна (python-stdnum); слитные цифры — "
              "только рядом со словом-контекстом (IMEI, устройство).",
        "kk": "Луна бақылау цифры дұрыс 15 цифр (python-stdnum); бөлгішсіз цифрлар — тек "
              "контекст сөзінің жанында (IMEI, құрылғы).",
    }

    def validate_result(self, pattern_text: str) -> bool | None:
        """Valid when the 15 digits pass the Luhn check."""
        digits = pattern_text.replace(" ", "").replace("-", "")
        if len(digits) != 15:
            return False
        if digits.isascii() and digits.isdigit():
            # What std_imei.is_valid checks of 15 digits: their Luhn check digit.
            return luhn_is_valid(digits)
        return std_imei.is_valid(digits)
