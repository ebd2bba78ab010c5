"""ИИН / ЖСН: the Kazakh individual identification number.

Twelve digits: the birth date as YYMMDD, a digit for century and sex (1-6), a five-digit
serial and a check digit. The check digit is the weighted sum of the first eleven digits
with weights 1..11, modulo 11; when that is 10, the weights 3..11, 1, 2 are used instead;
when that is 10 again, the number is never issued.

Reference: Правила присвоения ИИН (приказ Министра юстиции РК), and the description in
«Национальные реестры идентификационных номеров» (Law of the RK No. 223-II, 2007).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import ClassVar

from derbes.detectors import values
from derbes.detectors.base import DIGITS, NOT_AFTER_PLUS_SIGN, DerbesRecognizer, Pattern

_CENTURY = {1: 1800, 2: 1800, 3: 1900, 4: 1900, 5: 2000, 6: 2000}

#: Words of payment and order references. A 12-digit reference (an RRN) passes the IIN/BIN
#: check one time in a few hundred; such a word right before the number outweighs the checksum.
REFERENCE_WORDS = (
    "rrn", "ref", "reference", "order", "заказ", "тапсырыс", "txn", "transaction",
    "транзакц", "stan", "auth_code", "tracking", "трек", "invoice_no", "ticket",
)


def kz_check_digit(digits: str) -> int | None:
    """The check digit of an IIN or BIN from its first 11 digits, or None if never issued.

    Weights 1..11 in the first pass; 3..11, 1, 2 in the second when the first gives 10.
    """
    if len(digits) < 11:
        raise ValueError(f"11 digits needed, not {len(digits)}")
    # Both sums in one pass (compiled: C integers, kz_iin.pxd).
    first = second = 0
    for i in range(11):
        d = ord(digits[i]) - 48
        first += (i + 1) * d
        second += (i + 3 if i < 9 else i - 8) * d
    check = _check_of(first, second)
    return None if check < 0 else check


def _check_of(first: int, second: int) -> int:
    """The check digit from the two weighted sums of the first eleven digits (weights 1..11;
    3..11, 1, 2), or -1 when the number is never issued."""
    check = first % 11
    if check == 10:
        check = second % 11
    return -1 if check == 10 else check


def kz_checksum_ok(number: str) -> bool:
    """Whether a 12-digit IIN or BIN carries the right check digit."""
    if len(number) != 12 or not number.isdigit():
        return False
    check = kz_check_digit(number)
    return check is not None and check == ord(number[11]) - 48


def twelve_digits_pass(data: bytes, at: int, iin: bool) -> bool:
    """What ``KzIinRecognizer.validate_result`` (``iin``) or ``KzBinRecognizer``'s says of the
    twelve ASCII digits at ``data[at:at + 12]``, read where they are: the check digit
    (:func:`kz_check_digit`) and, for an IIN, the date (:func:`iin_date_ok`). For the fast
    path's line scan, which checks each IIN- or BIN-shaped match as Hyperscan reports it
    (``marks._MarkSink``); compiled, C integers over the bytes (``kz_iin.pxd``). A test holds
    it to the recognizers' own checks."""
    first = second = 0
    for i in range(11):
        d = data[at + i] - 48
        first += (i + 1) * d
        second += (i + 3 if i < 9 else i - 8) * d
    if _check_of(first, second) != data[at + 11] - 48:
        return False
    return not iin or _date_ok(data[at + 6] - 48, (data[at] - 48) * 10 + data[at + 1] - 48,
                               (data[at + 2] - 48) * 10 + data[at + 3] - 48,
                               (data[at + 4] - 48) * 10 + data[at + 5] - 48)


@dataclass(frozen=True, slots=True)
class IinInfo:
    """What an IIN reveals about its holder."""

    birth_date: dt.date
    sex: str  # "M" or "F"
    century: int  # 1800, 1900 or 2000


def decode_iin(iin: str) -> IinInfo | None:
    """The birth date, sex and century an IIN encodes, or None if it is not a valid IIN."""
    if len(iin) != 12 or not iin.isdigit():
        return None
    kind = int(iin[6])
    if kind not in _CENTURY:
        return None
    try:
        born = dt.date(_CENTURY[kind] + int(iin[0:2]), int(iin[2:4]), int(iin[4:6]))
    except ValueError:
        return None
    return IinInfo(born, "M" if kind % 2 else "F", _CENTURY[kind])


def iin_date_ok(iin: str) -> bool:
    """``decode_iin(iin) is not None``, with no date or record made: 12 digits, a century and
    sex digit 1-6, a month 1-12 and a day of that month (29 February in leap years).
    Compiled, C integers (``kz_iin.pxd``); other scripts' digits are read by decode_iin."""
    if len(iin) != 12 or not iin.isdigit():
        return False
    if not iin.isascii():
        return decode_iin(iin) is not None
    return _date_ok(ord(iin[6]) - 48, (ord(iin[0]) - 48) * 10 + ord(iin[1]) - 48,
                    (ord(iin[2]) - 48) * 10 + ord(iin[3]) - 48,
                    (ord(iin[4]) - 48) * 10 + ord(iin[5]) - 48)


def _date_ok(kind: int, yy: int, month: int, day: int) -> bool:
    """Whether an IIN's century and sex digit ``kind``, two-digit year, month and day make
    a date (:func:`iin_date_ok`)."""
    if kind < 1 or kind > 6:
        return False
    year = 1800 + (kind - 1) // 2 * 100 + yy  # _CENTURY's, without a dictionary
    if month < 1 or month > 12 or day < 1:
        return False
    if month == 2:
        leap = year % 4 == 0 and (year % 100 != 0 or year % 400 == 0)
        return day <= (29 if leap else 28)
    return day <= (30 if month in (4, 6, 9, 11) else 31)


class KzIinRecognizer(DerbesRecognizer):
    """Kazakh IIN (ИИН, ЖСН): date-shaped 12 digits with the IIN check digit."""

    ENTITY = "KZ_IIN"
    COLUMN_NAMES = ("iin", "иин", "жсн", "client_iin", "iin_number")
    NORMALIZE = staticmethod(values.twelve_digits)
    MASK = staticmethod(values.twelve_digits_last_two)
    PATTERNS = (
        Pattern(
            "iin",
            rf"{NOT_AFTER_PLUS_SIGN}(?<![0-9A-Za-z-])"
            r"[0-9]{2}(?:0[1-9]|1[0-2])(?:0[1-9]|[12][0-9]|3[01])[1-6][0-9]{5}"
            r"(?![0-9A-Za-z])",
            0.3,
        ),
    )
    INTEGER_WIDTH = 12
    # Two IINs on a line end two matches of the prefilter (each with its own boundaries).
    PREFILTER_DISTINCT = frozenset({0})
    RUNS: ClassVar[dict[str, tuple[str, int, int]]] = {"iin": (DIGITS, 12, 12)}
    PREFILTERS = (
        rb"(?:^|[^0-9A-Za-z-])[0-9]{2}[01][0-9][0-3][0-9][1-6][0-9]{5}(?:[^0-9A-Za-z]|$)",
    )
    CONTEXT = (
        "иин", "жсн", "iin", "индивидуальный идентификационный", "жеке сәйкестендіру",
        "идентификационный номер", "сәйкестендіру нөмірі", "individual identification",
        "national id", "tax id", "инн", "iin_", "client_iin",
    )
    NEGATIVE_CONTEXT = REFERENCE_WORDS
    NEGATIVE_CONTEXT_KILLS = True
    CONTEXT_WINDOW = 20
    VALIDATION: ClassVar[dict[str, str]] = {
        "en": "12 digits: birth date YYMMDD, century and sex digit 1-6, serial, and the "
              "check digit (mod 11, two passes). Reveals the holder's birth date and sex.",
        "ru": "12 цифр: дата рождения ГГММДД, разряд века и пола 1-6, порядковый номер и "
              "контрольный разряд (mod 11, два прохода). Раскрывает дату рождения и пол.",
        "kk": "12 цифр: туған күні ЖЖААКК, ғасыр мен жыныс разряды 1-6, реттік нөмір және "
              "бақылау разряды (mod 11, екі өту). Туған күні мен жынысын ашады.",
    }

    def validate_result(self, pattern_text: str) -> bool | None:
        """Valid when the date exists and the check digit is right."""
        return kz_checksum_ok(pattern_text) and iin_date_ok(pattern_text)
