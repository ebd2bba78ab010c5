"""IBAN_CODE: Kazakh IBANs compact and grouped, mod 97, other countries' IBANs."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from recognizer_cases import assert_finds

from derbes.detectors.iban import IbanRecognizer

# Independent vectors: KZ86125KZT5004100100 is the Kazakh example of SWIFT's IBAN
# Registry (and of the issue); GR16 0110 1050 0000 1054 7023 795 and BE31435411161155
# are python-stdnum's doctests (stdnum/iban.py); GB82 WEST 1234 5698 7654 32 is the
# ECBS/SWIFT registry's UK example.
VECTORS = [
    ("KZ86125KZT5004100100", True),
    ("KZ86 125K ZT50 0410 0100", True),
    ("GR16 0110 1050 0000 1054 7023 795", True),
    ("BE31435411161155", True),
    ("GB82 WEST 1234 5698 7654 32", True),
    ("KZ87125KZT5004100100", False),  # check digits off by one
    ("KZ86125KZT500410010", False),  # 19 characters
    ("BE31435411161156", False),
    # Layout and mod 97 decide, not python-stdnum's Belgian bank table: its doctest
    # (stdnum/be/iban.py) rejects BE83138811735115 only for an "unknown bank code".
    ("BE83138811735115", True),
    # Nor its Belgian national check digits (stdnum/be/iban.py doctest: "incorrect national
    # check digits"); the IBAN's own mod 97 holds.
    ("BE41091811735141", True),
]


@pytest.mark.parametrize(("value", "is_valid"), VECTORS)
def test_vectors(value: str, is_valid: bool) -> None:
    assert bool(IbanRecognizer().validate_result(value)) is is_valid


CASES = [
    ("ИИК KZ86125KZT5004100100 в АО «Банк»", ["KZ86125KZT5004100100"]),
    ("Шот: KZ86 125K ZT50 0410 0100, БСК", ["KZ86 125K ZT50 0410 0100"]),
    ("IBAN GB82 WEST 1234 5698 7654 32 EUR", ["GB82 WEST 1234 5698 7654 32"]),
    ('{"iban":"BE31435411161155"}', ["BE31435411161155"]),
    # hard negatives
    ("счет KZ87125KZT5004100100", []),
    ("sku KZ86125KZT50041001001", []),  # one character too many
    ("build AB12CDEF34567890XYZ", []),
    # A word after a grouped IBAN was taken in as its last group (issue #12).
    # BE71 0961 2345 6769: the Belgian example of SWIFT's IBAN registry.
    ("Account BE71 0961 2345 6769 EUR, swift GKCCBEBB", ["BE71 0961 2345 6769"]),
    ("IBAN BE71 0961 2345 6769 CASH", ["BE71 0961 2345 6769"]),
    # GB82 WEST 1234 5698 7654 32: SWIFT's registry example for GB.
    ("iban GB82 WEST 1234 5698 7654 32 GBP", ["GB82 WEST 1234 5698 7654 32"]),
]


@pytest.mark.parametrize(("text", "expected"), CASES)
def test_spans(text: str, expected: list[str]) -> None:
    assert_finds(IbanRecognizer, text, expected)


@settings(max_examples=3000, deadline=None)
@given(
    st.sampled_from(["KZ", "DE", "GB", "FR", "BE", "XX", "kz", "01", "K", ""]),
    st.text(alphabet="0123456789ABCDEFKZTXYz -.#", max_size=34),
)
def test_iban_check_is_stdnums(country, rest):
    """The layouts looked up once per country give stdnum's own verdict."""
    from derbes.detectors.iban import iban_is_valid

    value = country + rest
    assert iban_is_valid.__wrapped__(value) is _stdnum_without_country(value), value


def test_iban_check_is_stdnums_on_valid_accounts():
    """Accounts whose check digits stdnum computed: valid to both; one digit off: to neither."""
    from stdnum.iso7064 import mod_97_10

    from derbes.detectors.iban import iban_is_valid

    for country, bban in (("KZ", "125KZT5004100100"), ("DE", "370400440532013000"),
                          ("GB", "NWBK60161331926819"), ("FR", "20041010050500013M02606")):
        value = country + mod_97_10.calc_check_digits(bban + country) + bban
        assert iban_is_valid.__wrapped__(value) is _stdnum_without_country(value) is True
        wrong = value[:-1] + str((int(value[-1]) + 1) % 10)
        assert iban_is_valid.__wrapped__(wrong) is _stdnum_without_country(wrong) is False



@settings(max_examples=1500, deadline=None)
@given(st.data())
def test_iban_check_is_stdnums_on_accounts_of_each_layout(data):
    """Accounts in each country's layout with check digits stdnum computed, printed compact or
    in groups, as they stand or with one character changed: the short way (capitals, digits
    and spaces) and stdnum agree, valid or not."""
    from stdnum.iso7064 import mod_97_10

    from derbes.detectors.iban import _layout_of, iban_is_valid

    country = data.draw(st.sampled_from(
        ["KZ", "DE", "GB", "FR", "BE", "NL", "NO", "MT", "AE", "TR", "SA", "LC", "SC"]))
    bban = data.draw(st.from_regex(_layout_of(country), fullmatch=True)).upper()
    value = country + mod_97_10.calc_check_digits(bban + country) + bban
    if data.draw(st.booleans()):
        at = data.draw(st.integers(0, len(value) - 1))
        value = value[:at] + data.draw(st.sampled_from("0123456789AZ")) + value[at + 1:]
    if data.draw(st.booleans()):
        value = " ".join(value[i:i + 4] for i in range(0, len(value), 4))
    assert iban_is_valid.__wrapped__(value) is _stdnum_without_country(value), value

@settings(max_examples=2000, deadline=None)
@given(st.text(alphabet="0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ", min_size=4, max_size=40))
def test_mod_97_is_the_big_number_read(number):
    """The remainder kept character by character (compiled: in C) is the remainder of the
    whole number, capitals read as two digits, the first four characters last."""
    from derbes.detectors.iban import _mod_97

    table = {ord(c): str(int(c, 36)) for c in "ABCDEFGHIJKLMNOPQRSTUVWXYZ"}
    assert _mod_97(number) == int((number[4:] + number[:4]).translate(table)) % 97


def _stdnum_without_country(value: str) -> bool:
    from stdnum import iban as std_iban
    from stdnum.exceptions import ValidationError

    try:
        std_iban.validate(value, check_country=False)
    except ValidationError:
        return False
    return True
