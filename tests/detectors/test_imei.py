"""IMEI: Luhn as python-stdnum has it, the dashed form is strong, bare digits need context."""

from __future__ import annotations

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st
from recognizer_cases import assert_finds, found_alone

from derbes.detectors.imei import ImeiRecognizer

# Independent vectors: the IMEI pair; python-stdnum's doctests in stdnum/imei.py
# (format('354178036859789') == '35-417803-685978-9', '35-417803-685978-1' fails the
# checksum, format('35686800-004141', add_check_digit=True) == '35-686800-004141-8').
VECTORS = [
    ("354178036859789", True),
    ("35-417803-685978-9", True),
    ("356868000041418", True),
    ("354178036859781", False),  # wrong Luhn digit (issue)
    ("35-417803-685978-1", False),  # stdnum doctest
    ("35417803685978", False),  # 14 digits: no check digit
]


@pytest.mark.parametrize(("value", "is_valid"), VECTORS)
def test_vectors(value: str, is_valid: bool) -> None:
    assert bool(ImeiRecognizer().validate_result(value)) is is_valid


CASES = [
    ("IMEI: 354178036859789", ["354178036859789"]),
    ("Устройство 35-417803-685978-9 привязано", ["35-417803-685978-9"]),
    ("Құрылғы IMEI коды 354178036859789", ["354178036859789"]),
    ('{"device": {"imei": "354178036859789"}}', ["354178036859789"]),
    ("printed 35 417803 685978 9 on the box", ["35 417803 685978 9"]),
    # hard negatives
    ("354178036859789", []),  # bare 15 digits without context
    ("imei 354178036859781", []),  # Luhn fails
    ("imei=354178036859789 imsi=401011234567897", ["354178036859789"]),
    ("order 354178036859789", []),
    ("ts=1732180012345 id=1732180012345678", []),
    # The older TAC-FAC-serial-check grouping, 6-2-6-1 (issue #12). 490154203237518:
    # the IMEI of Wikipedia's Luhn example; 350077523237513 from the issue.
    ("IMEI: 350077-52-323751-3", ["350077-52-323751-3"]),
    ("серийный номер аппарата 490154 20 323751 8", ["490154 20 323751 8"]),
    ("IMEI: 350077-52-323751-4", []),  # wrong check digit
]


@pytest.mark.parametrize(("text", "expected"), CASES)
def test_spans(text: str, expected: list[str]) -> None:
    assert_finds(ImeiRecognizer, text, expected)


def test_column_name_is_context() -> None:
    assert found_alone(ImeiRecognizer, "354178036859789", ["device_imei"]) == ["354178036859789"]


@settings(max_examples=2000, deadline=None)
@given(st.text(alphabet=st.sampled_from("0123456789" * 4 + " -\t\u0663"), max_size=20))
@example("35417803685978\u0663")
@example("\t35417803685978")  # fifteen characters; stdnum strips the tab: an IMEISV-less 14
def test_validation_is_stdnums(text: str) -> None:
    """validate_result (fifteen ASCII digits: the Luhn loop of credit_card) is what it was:
    fifteen characters once spaces and dashes go, and python-stdnum's imei.is_valid."""
    from stdnum import imei as std_imei

    digits = text.replace(" ", "").replace("-", "")
    expected = len(digits) == 15 and std_imei.is_valid(digits)
    assert bool(ImeiRecognizer().validate_result(text)) is expected
