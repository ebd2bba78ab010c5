"""What the corpora share: check digits by their published rules, and a transliteration.

The check digits are written here, not imported from the recognizers: a corpus labels its
values by their own definition, so a bug in a recognizer's checksum cannot hide behind a
corpus made with the same bug (presidio's PESEL lesson, ``/work/shared/STYLE.md``).
"""

from __future__ import annotations

MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")

#: Cyrillic (Russian and Kazakh letters) to Latin, as people spell their names in mailboxes.
TRANSLIT = str.maketrans({
    "а": "a", "ә": "a", "б": "b", "в": "v", "г": "g", "ғ": "g", "д": "d", "е": "e", "ё": "e",
    "ж": "zh", "з": "z", "и": "i", "й": "i", "к": "k", "қ": "k", "л": "l", "м": "m", "н": "n",
    "ң": "n", "о": "o", "ө": "o", "п": "p", "р": "r", "с": "s", "т": "t", "у": "u", "ұ": "u",
    "ү": "u", "ф": "f", "х": "kh", "һ": "h", "ц": "ts", "ч": "ch", "ш": "sh", "щ": "sch",
    "ъ": "", "ы": "y", "і": "i", "ь": "", "э": "e", "ю": "yu", "я": "ya",
})


def luhn_digit(body: str) -> str:
    """The Luhn (ISO/IEC 7812-1) check digit that completes ``body``."""
    total = 0
    for k, ch in enumerate(reversed(body)):
        d = int(ch)
        if k % 2 == 0:
            d *= 2
            if d > 9:
                d -= 9
        total += d
    return str((10 - total % 10) % 10)


def kz_check(first11: str) -> int | None:
    """The IIN/BIN check digit (Правила присвоения ИИН/БИН): weights 1..11, then 3..11, 1, 2.

    None when both passes give 10: such a number is never issued.
    """
    digits = [int(c) for c in first11]
    for weights in (range(1, 12), (3, 4, 5, 6, 7, 8, 9, 10, 11, 1, 2)):
        check = sum(w * d for w, d in zip(weights, digits, strict=True)) % 11
        if check != 10:
            return check
    return None


def mod97_check(country: str, bban: str) -> str:
    """The two ISO 7064 mod 97-10 check digits of an IBAN (ISO 13616)."""
    moved = bban + country + "00"
    number = int("".join(str(int(c, 36)) for c in moved))
    return f"{98 - number % 97:02d}"
