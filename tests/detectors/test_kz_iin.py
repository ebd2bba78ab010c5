"""KZ_IIN: the check digit, the date, and where IINs are found in text."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from recognizer_cases import assert_finds, found_alone

from derbes.detectors.categories import CATEGORIES
from derbes.detectors.kz_iin import KzIinRecognizer, decode_iin

# Independent vectors: the IINs listed in the issue "Foundation and detectors", taken there
# from public registries (stat.gov.kz extracts, published court decisions).
VECTORS = [
    ("871008401427", True),
    ("760212350620", True),
    ("800416300257", True),
    ("680503450037", True),
    ("061211600012", True),  # first pass gives 10, the second pass decides
    ("811201401188", True),
    ("791028302728", True),
    ("821214240092", False),  # both passes give 10: never issued
    ("868795643215", False),  # month 87 and wrong check digit
    ("123456789123", False),
]


@pytest.mark.parametrize(("value", "is_valid"), VECTORS)
def test_vectors(value: str, is_valid: bool) -> None:
    assert bool(KzIinRecognizer().validate_result(value)) is is_valid


def test_decode_reveals_birth_date_and_sex() -> None:
    info = decode_iin("871008401427")
    assert info is not None
    assert (info.birth_date, info.sex) == (dt.date(1987, 10, 8), "F")
    info = decode_iin("061211600012")
    assert info is not None and (info.birth_date, info.sex) == (dt.date(2006, 12, 11), "F")
    assert decode_iin("760212350620").sex == "M"


def test_category_says_iin_reveals_birth_date_and_sex() -> None:
    assert CATEGORIES["iin"].reveals == ("date_of_birth", "sex")


CASES = [
    ("ИИН клиента: 871008401427", ["871008401427"]),
    ("Клиенттің ЖСН 760212350620 тексерілді", ["760212350620"]),
    ('{"iin": "800416300257", "name": "x"}', ["800416300257"]),
    ("iin=680503450037;iin=811201401188", ["680503450037", "811201401188"]),
    # hard negatives: checksum-failing 12-digit numbers, longer runs, references
    ("ИИН 821214240092 не выдаётся", []),
    ("ref 868795643215 / 123456789123", []),
    ("epoch 1732180012345 and 8710084014271", []),
    ("order-871008401427", []),
    ("rrn=871008401427", []),  # a payment reference that happens to pass the check
]


@pytest.mark.parametrize(("text", "expected"), CASES)
def test_spans(text: str, expected: list[str]) -> None:
    assert_finds(KzIinRecognizer, text, expected)


def test_field_context_still_finds_validated_value() -> None:
    assert found_alone(KzIinRecognizer, "871008401427", ["client_iin"]) == ["871008401427"]


@settings(max_examples=3000, deadline=None)
@given(st.text(alphabet="0123456789", min_size=11, max_size=11))
def test_check_digit_is_the_two_pass_weighted_sum(head: str) -> None:
    """The two sums (compiled: C integers) against the rule written plainly (weights 1..11,
    then 3..11, 1, 2); a twelfth character is not read, fewer than eleven are refused."""
    from derbes.detectors.kz_iin import kz_check_digit

    digits = [int(c) for c in head]
    first = sum(w * d for w, d in zip(range(1, 12), digits, strict=True)) % 11
    second = sum(w * d for w, d in zip([*range(3, 12), 1, 2], digits, strict=True)) % 11
    expected = first if first != 10 else (second if second != 10 else None)
    assert kz_check_digit(head) == expected
    assert kz_check_digit(head + "7") == expected
    with pytest.raises(ValueError):
        kz_check_digit(head[:10])


@settings(max_examples=3000, deadline=None)
@given(st.text(alphabet="0123456789", min_size=12, max_size=12), st.binary(max_size=3))
def test_twelve_digits_read_in_place_as_the_recognizers_check_them(digits, around) -> None:
    """The line scan's check of twelve ASCII digits where they lie in a buffer says what each
    recognizer's own ``validate_result`` says of them as text."""
    from derbes.detectors.kz_bin import KzBinRecognizer
    from derbes.detectors.kz_iin import twelve_digits_pass

    data = around + digits.encode() + around
    at = len(around)
    assert twelve_digits_pass(data, at, True) is bool(KzIinRecognizer().validate_result(digits))
    assert twelve_digits_pass(data, at, False) is bool(
        KzBinRecognizer().validate_result(digits))


def test_twelve_digits_read_in_place_on_every_date_and_the_vectors() -> None:
    """Every date shape (as the date check's test), each with its right check digit, and the
    independent vectors: valid where the recognizers find them valid, on both kinds."""
    from derbes.detectors.kz_bin import KzBinRecognizer
    from derbes.detectors.kz_iin import kz_check_digit, twelve_digits_pass

    iin, bin_ = KzIinRecognizer(), KzBinRecognizer()
    values = [v for v, _ in VECTORS] + ["940140000385", "210140019844", "940140000380"]
    for year in range(0, 100, 3):
        for month in range(14):
            for day in range(33):
                for kind in range(10):
                    head = f"{year:02d}{month:02d}{day:02d}{kind}0123"
                    check = kz_check_digit(head)
                    values.append(head + str(check if check is not None else 0))
    passed = 0
    for value in values:
        assert twelve_digits_pass(value.encode(), 0, True) is bool(iin.validate_result(value))
        assert twelve_digits_pass(value.encode(), 0, False) is bool(bin_.validate_result(value))
        passed += twelve_digits_pass(value.encode(), 0, True)
    assert passed > 1000  # plenty of valid IINs among them


def test_iin_date_check_is_decode_iins_on_every_date_shape() -> None:
    """Every two-digit year, month 00-13, day 00-32 and century digit 0-9: the date check
    without objects (compiled: C integers) says what decode_iin says; so for other scripts'
    digits, which decode_iin reads too."""
    from derbes.detectors.kz_iin import iin_date_ok

    for year in range(100):
        for month in range(14):
            for day in range(33):
                for kind in range(10):
                    iin = f"{year:02d}{month:02d}{day:02d}{kind}01234"
                    assert iin_date_ok(iin) is (decode_iin(iin) is not None), iin
    arabic = "".join(chr(0x660 + int(c)) for c in "871008401427")
    assert iin_date_ok(arabic) is (decode_iin(arabic) is not None) is True
    for other in ("87100840142", "8710084014277", "87100840142a", ""):
        assert iin_date_ok(other) is False
