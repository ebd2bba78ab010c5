"""PHONE_NUMBER: Kazakh written forms, international numbers, bare digits need context."""

from __future__ import annotations

import pytest
from recognizer_cases import assert_finds, found_alone

from derbes.detectors.phone import PhoneRecognizer, phone_is_valid

# Validity per libphonenumber's metadata (not our code). The written forms and the two
# international numbers are the examples of the issue "Foundation and detectors"; the UK
# number lies in Ofcom's range reserved for drama (020 7946 0000-0999).
VECTORS = [
    ("+7 701 123 45 67", True),
    ("+7 (701) 123-45-67", True),
    ("8 701 123 4567", True),
    ("87011234567", True),
    ("+77011234567", True),
    ("8 (7172) 55-12-34", True),
    ("+44 20 7946 0958", True),
    ("+49 30 901820", True),
    ("+7 600 123 45 67", False),  # +7 6xx: no range in libphonenumber's metadata
    ("8 (0172) 55-12-34", False),
    ("+44 20 7946", False),  # too short
]


@pytest.mark.parametrize(("value", "is_valid"), VECTORS)
def test_vectors(value: str, is_valid: bool) -> None:
    assert phone_is_valid(value) is is_valid


CASES = [
    ("Тел.: +7 701 123 45 67", ["+7 701 123 45 67"]),
    ("звоните +7 (701) 123-45-67 или 8 701 123 4567", ["+7 (701) 123-45-67", "8 701 123 4567"]),
    ("Ұялы телефон: 87011234567", ["87011234567"]),
    ("contact +77011234567, office 8 (7172) 55-12-34", ["+77011234567", "8 (7172) 55-12-34"]),
    ("London office +44 20 7946 0958, Berlin +49 30 901820", ["+44 20 7946 0958", "+49 30 901820"]),
    ("msisdn=77011234567 status=DELIVRD", ["77011234567"]),
    ("phone: +49 30 901820 2026-11-21 09:47:28", ["+49 30 901820"]),
    ("моб. (701) 123-45-67", ["(701) 123-45-67"]),
    # International numbers with the subscriber number in one long group (issue #12);
    # ranges from libphonenumber's metadata (UZ 90x mobile, KG 700, GB London 20, IN 41x).
    ("+998 901234567", ["+998 901234567"]),
    ("тел: +996 700123456", ["+996 700123456"]),
    ("office +44 2079460958 ext", ["+44 2079460958"]),
    ("+91 4155550132 (Kolkata)", ["+91 4155550132"]),
    # Kazakh numbers as people write them, Almaty's grouping included.
    ("Справки: 8 (727) 2 50-50-50", ["8 (727) 2 50-50-50"]),
    ("Анықтама: +7 727 2 50 50 50", ["+7 727 2 50 50 50"]),
    ("тел 8 701 12 34 567, 8-701-1234567", ["8 701 12 34 567", "8-701-1234567"]),
    ("+7 (701) 1234567 и 8(7172)551234", ["+7 (701) 1234567", "8(7172)551234"]),
    # Bare national mobile numbers as fields of delimited records.
    ("2026-03-01;Нурланова А.;87011234567;Алматы", ["87011234567"]),
    ('"Иванов","77051234567","ok"', ["77051234567"]),
    ("87011234567\tАлматы\t5000", ["87011234567"]),
    ("Написать: https://wa.me/77011234567?text=Salem", ["77011234567"]),
    # hard negatives
    ("2026-11-21 09:47:28,123 INFO started", []),
    ("ts=1732180012345 took 87011234567ns", []),
    ("87011234567", []),  # bare digits, no context
    ("номер заказа 87011234567", []),  # the nearest word is "заказа"
    ("Оплата картой 3782 822463 10005 на сумму 878 422 ₸", []),
    ("amount 1 234 567,89 тг, qty 7 701 шт", []),
    ("+7 600 123 45 67", []),
    ("2026-03-01;87271234567;ok", []),  # a landline-shaped field: only mobiles count bare
    ("qty;12345678901;ok", []),
    ("version 8.701.123.4567", []),
]


@pytest.mark.parametrize(("text", "expected"), CASES)
def test_spans(text: str, expected: list[str]) -> None:
    assert_finds(PhoneRecognizer, text, expected)


def test_bare_digits_count_with_a_phone_column_name() -> None:
    assert found_alone(PhoneRecognizer, "87011234567", ["phone_number"]) == ["87011234567"]
    assert found_alone(PhoneRecognizer, "87011234567", ["order_id"]) == []


def test_kazakh_shortcut_agrees_with_libphonenumber_parsing() -> None:
    """``phone_is_valid`` skips ``phonenumbers.parse`` for +7/7/8 followed by 7xx; on random
    numbers in every written form its verdict is the parsing reference's."""
    import random

    from derbes.detectors.phone import _NON_DIGITS, _valid_by_parsing, phone_is_valid

    rng = random.Random(11)
    forms = ["+7 {a} {b} {c} {d}", "8 {a} {b} {c}{d}", "8{a}{b}{c}{d}", "+7{a}{b}{c}{d}",
             "7{a}{b}{c}{d}", "8 ({a}) {b}-{c}-{d}", "+8{a}{b}{c}{d}", "7 {a} {b} {c} {d}"]
    values = []
    for _ in range(20_000):
        nat = "".join(rng.choice("0123456789") for _ in range(10))
        if rng.random() < 0.7:
            nat = "7" + nat[1:]
        values.append(rng.choice(forms).format(a=nat[:3], b=nat[3:6], c=nat[6:8], d=nat[8:]))
    assert any(phone_is_valid(v) for v in values)
    wrong = [v for v in values
             if phone_is_valid.__wrapped__(v) != _valid_by_parsing(v, _NON_DIGITS.sub("", v))]
    assert wrong == []
