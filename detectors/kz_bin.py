"""БИН / БСН: the Kazakh business identification number of a legal entity or branch.

Twelve digits: the year and month of registration as YYMM, a digit for the kind of
entity (4 resident legal entity, 5 non-resident, 6 individual entrepreneur in joint
venture), a digit for its attribute (0 head office, 1 branch, 2 representative office,
3 peasant farm), a five-digit serial and a check digit computed exactly as for the IIN.

Reference: Закон РК «О национальных реестрах идентификационных номеров» No. 223-III
(2007), Правила формирования БИН (приказ Министра юстиции РК).
"""

from __future__ import annotations

from typing import ClassVar

from derbes.detectors import values
from derbes.detectors.base import DIGITS, NOT_AFTER_PLUS_SIGN, DerbesRecognizer, Pattern
from derbes.detectors.kz_iin import REFERENCE_WORDS, kz_checksum_ok


class KzBinRecognizer(DerbesRecognizer):
    """Kazakh BIN (БИН, БСН): month-shaped 12 digits, entity kind 4-6, the IIN check digit."""

    ENTITY = "KZ_BIN"
    COLUMN_NAMES = ("bin", "бин", "бсн", "company_bin", "bin_number")
    NOT_COLUMN_NAMES = ("bin_log", "binlog", "binary", "bin_path", "combined")
    NORMALIZE = staticmethod(values.twelve_digits)
    MASK = staticmethod(values.twelve_digits_last_two)
    PATTERNS = (
        Pattern(
            "bin",
            rf"{NOT_AFTER_PLUS_SIGN}(?<![0-9A-Za-z-])"
            r"[0-9]{2}(?:0[1-9]|1[0-2])[4-6][0-3][0-9]{6}(?![0-9A-Za-z])",
            0.3,
        ),
    )
    INTEGER_WIDTH = 12
    RUNS: ClassVar[dict[str, tuple[str, int, int]]] = {"bin": (DIGITS, 12, 12)}
    PREFILTERS = (rb"(?:^|[^0-9A-Za-z-])[0-9]{2}[01][0-9][4-6][0-3][0-9]{6}(?:[^0-9A-Za-z]|$)",)
    PREFILTER_DISTINCT = frozenset({0})  # as the IIN's
    CONTEXT = (
        "бин", "бсн", "bin", "бизнес-идентификационный", "бизнес идентификационный",
        "бизнес-сәйкестендіру", "бизнес сәйкестендіру", "business identification",
        "company_bin", "org_bin", "бин/иин", "иин/бин", "жсн/бсн", "bin/iin", "iin/bin",
        "контрагент", "counterparty", "организаци", "ұйым", "тоо", "жшс",
    )
    NEGATIVE_CONTEXT = REFERENCE_WORDS
    NEGATIVE_CONTEXT_KILLS = True
    CONTEXT_WINDOW = 20
    VALIDATION: ClassVar[dict[str, str]] = {
        "en": "12 digits: registration year and month, entity kind 4-6, attribute 0-3, "
              "and the IIN/BIN check digit (mod 11, two passes).",
        "ru": "12 цифр: год и месяц регистрации, вид лица 4-6, признак 0-3 и контрольный "
              "разряд ИИН/БИН (mod 11, два прохода).",
        "kk": "12 цифр: тіркелген жылы мен айы, тұлға түрі 4-6, белгісі 0-3 және ЖСН/БСН "
              "бақылау разряды (mod 11, екі өту).",
    }

    def validate_result(self, pattern_text: str) -> bool | None:
        """Valid when the check digit is right (the pattern already holds the month and kind)."""
        return kz_checksum_ok(pattern_text)
