"""IBAN: international bank account numbers, Kazakh ones first.

A Kazakh IBAN has 20 characters: ``KZ``, two check digits, a three-digit bank code and a
13-character account (``KZ86125KZT5004100100``); on paper it is printed in groups of four
(``KZ86 125K ZT50 0410 0100``). IBANs of other countries are recognised in the same two
forms. The check digits must satisfy ISO 7064 mod 97-10, and the length and layout must
match the country's entry in SWIFT's IBAN registry (both via python-stdnum). Nothing else
decides: python-stdnum's national checks (a bank code missing from its Belgian bank table,
say) are not asked, because those tables lag behind the banks that issue accounts.

A printed IBAN is often followed by a word (``BE71 0961 2345 6769 EUR``), which the optional
last group of up to three characters would take in; when the longer reading fails, the
groups are given back one at a time until the account validates.

Reference: ISO 13616-1:2020; SWIFT IBAN Registry (KZ: ``KZ2!n3!n13!c``); Нацбанк РК,
Правила использования IBAN; python-stdnum ``stdnum.iban``.
"""

from __future__ import annotations

import re
from typing import ClassVar

from stdnum import iban as std_iban
from stdnum.iso7064 import mod_97_10

from derbes.detectors import values
from derbes.detectors.base import ALNUM, DerbesRecognizer, Pattern, string_memo

_L = r"(?<![0-9A-Za-z])"
_R = r"(?![0-9A-Za-z])"
_LAST_GROUP = re.compile(r" [0-9A-Z]{1,4}$")


class IbanRecognizer(DerbesRecognizer):
    """IBANs (KZ and other countries), compact or in groups of four, mod-97 checked."""

    ENTITY = "IBAN_CODE"
    COLUMN_NAMES = ("iban", "account_iban", "счет", "банковский_счет", "шот")
    NORMALIZE = staticmethod(values.compact_lower)
    MASK = staticmethod(values.last_four)
    PATTERNS = (
        Pattern("kz", rf"{_L}KZ[0-9]{{2}}(?: ?[0-9A-Z]{{4}}){{4}}{_R}", 0.4),
        Pattern(
            "other",
            rf"{_L}(?!KZ)[A-Z]{{2}}[0-9]{{2}}(?:[0-9A-Z]{{11,30}}"
            rf"|(?: [0-9A-Z]{{4}}){{2,7}}(?: [0-9A-Z]{{1,3}})?){_R}",
            0.2,
        ),
    )
    # Two capitals and two digits at least, after no letter or digit.
    RUNS: ClassVar[dict[str, tuple[str, int, int]]] = {"other": (ALNUM, 4, 0)}
    PREFILTERS = (
        rb"(?:^|[^0-9A-Za-z])KZ[0-9]{2} ?[0-9A-Z]{4} ?[0-9A-Z]{4} ?[0-9A-Z]{4} ?[0-9A-Z]{4}",
        # Any country but KZ, as the pattern ("(?!KZ)"): a line with a Kazakh IBAN does not
        # run the other countries' pattern, which re tries at every capital of the line.
        rb"(?:^|[^0-9A-Za-z])(?:[A-JL-Z][A-Z]|K[A-Y])[0-9]{2}"
        rb"(?:[0-9A-Z]{11}| [0-9A-Z]{4} [0-9A-Z]{4})",
    )
    PATTERN_PREFILTERS: ClassVar[dict[str, tuple[int, ...]]] = {"kz": (0,), "other": (1,)}
    CONTEXT = (
        "iban", "иик", "иик/iban", "жск", "счет", "счёт", "шот", "account", "реквизит",
        "деректеме", "банк", "bank", "р/с", "расчетный", "расчётный", "есепшот",
    )
    VALIDATION: ClassVar[dict[str, str]] = {
        "en": "Country code, two check digits and the account in the country's registered "
              "length and layout (KZ: 20 characters); ISO 7064 mod 97 check.",
        "ru": "Код страны, две контрольные цифры и счёт по формату страны из реестра SWIFT "
              "(KZ: 20 знаков); проверка ISO 7064 mod 97.",
        "kk": "Ел коды, екі бақылау цифры және SWIFT тізіліміндегі ел форматындағы шот "
              "(KZ: 20 таңба); ISO 7064 mod 97 тексерісі.",
    }

    def validate_result(self, pattern_text: str) -> bool | None:
        """Valid when mod 97 holds and the layout matches the country's registry entry."""
        return iban_is_valid(pattern_text)

    def candidates(
        self,
        text: str,
        patterns: frozenset[str] | None = None,
        once: frozenset[str] = frozenset(),
    ) -> list[tuple[int, int, float, str]]:
        """As the base class, but a grouped IBAN that took in the next word is cut back."""
        out = []
        for pattern_name, rx, _score in self._compiled:
            if patterns is not None and pattern_name not in patterns:
                continue
            for m in self.matches(pattern_name, rx, text, pattern_name in once):
                start, end = m.span()
                value = text[start:end]
                while not iban_is_valid(value):
                    cut = _LAST_GROUP.search(value)
                    if cut is None or cut.start() < 15:
                        value = ""
                        break
                    value = value[: cut.start()]
                if value:
                    out.append((start, start + len(value), self.VALIDATED_SCORE, pattern_name))
        return out


@string_memo(1 << 14)  # an account recurs in a log
def iban_is_valid(value: str) -> bool:
    """The country's registered length and layout and the mod-97 check, nothing more:
    ``stdnum.iban.validate(value, check_country=False)`` with each country's layout looked
    up once (stdnum's registry lookup is most of its 30 us a value; a test holds this to it).
    """
    if _PLAIN.fullmatch(value) is not None:
        # What the patterns find (capitals, digits, spaces): stdnum's compact form is the
        # value without its spaces, and its mod 97 the same number read with A=10 ... Z=35,
        # without a str() and int() per character (a fifth of the time).
        number = value.replace(" ", "")
        layout = _layout_of(number[:2])
        return (
            layout is not None
            and layout.match(number[4:]) is not None
            and _mod_97(number) == 1
        )
    number = std_iban.compact(value)
    layout = _layout_of(number[:2])
    return (
        layout is not None
        and layout.match(number[4:]) is not None
        and mod_97_10.is_valid(number[4:] + number[:4])
    )


def _mod_97(number: str) -> int:
    """ISO 7064 mod 97-10 of an IBAN of capitals and digits (at least four), its first four
    characters read last and each capital as two digits (A=10 ... Z=35):
    ``int((number[4:] + number[:4]).translate(_BASE_10)) % 97``. Compiled, one pass over
    the characters keeping the remainder in a C integer (``iban.pxd``), not a translated
    copy (a dict lookup a character) read as a big integer."""
    if not _COMPILED:
        return int((number[4:] + number[:4]).translate(_BASE_10)) % 97
    n = len(number)
    remainder = 0
    for i in range(4, n + 4):
        c = ord(number[i if i < n else i - n])
        # A digit, or a capital read as two digits.
        remainder = ((remainder * 10 + c - 48) if c < 65 else (remainder * 100 + c - 55)) % 97
    return remainder


#: Whether this module runs compiled (``iban.pxd``): then :func:`_mod_97` reads characters.
_COMPILED = not __file__.endswith(".py")
#: A value as the patterns find it, which the short way reads.
_PLAIN = re.compile(r"[0-9A-Z ]*")
#: Each capital as ISO 7064 mod 97-10 reads it (A=10 ... Z=35); digits stay.
_BASE_10 = {ord(c): str(int(c, 36)) for c in "ABCDEFGHIJKLMNOPQRSTUVWXYZ"}


def _layout_of(country: str) -> re.Pattern | None:
    layout = _LAYOUTS.get(country, _UNKNOWN)
    if layout is _UNKNOWN:
        layout = _LAYOUTS[country] = _layout(country)
    return layout  # type: ignore[return-value]


_UNKNOWN = object()
#: Country code -> its registered BBAN layout as stdnum reads it, or None: not a country.
_LAYOUTS: dict[str, re.Pattern | None] = {}


def _layout(country: str) -> re.Pattern | None:
    info = std_iban._ibandb.info(country)
    if not info or not info[0][1]:
        return None  # stdnum's InvalidComponent (or an empty number, which fails mod 97)
    props = info[0][1]
    return std_iban._struct_to_re(props.get("bban", ""))
