"""Digits right after a plus sign that starts a token are a phone number in E.164 form, not
an IIN, a BIN, a card or an IMEI that their checksum happens to pass.

The numbers are libphonenumber's own (each region's example number, its last digits changed),
found valid by it; their digits pass the other entity's checksum by chance (an IIN's one time
in eleven, Luhn's one time in ten).
"""

from __future__ import annotations

import pytest
from recognizer_cases import assert_finds

from derbes.detectors.credit_card import CreditCardRecognizer
from derbes.detectors.imei import ImeiRecognizer
from derbes.detectors.kz_bin import KzBinRecognizer
from derbes.detectors.kz_iin import KzIinRecognizer
from derbes.detectors.phone import PhoneRecognizer, phone_is_valid

# (recognizer, a valid phone number in E.164 form whose digits the recognizer validates)
CASES = [
    (KzIinRecognizer, "+380501234465"),  # Ukraine, mobile
    (KzIinRecognizer, "+420601123447"),  # Czechia, mobile
    (KzBinRecognizer, "+250250123007"),  # Rwanda, fixed line
    (CreditCardRecognizer, "+4915123456241"),  # Germany, mobile: a Visa number by Luhn
]


@pytest.mark.parametrize(("cls", "number"), CASES)
def test_an_international_number_is_a_phone_not_its_digits(cls, number: str) -> None:
    digits = number[1:]
    assert phone_is_valid(number)
    assert cls().validate_result(digits) is True  # the checksum alone would take them
    for line in (f"sms sent to={number} status=ok", f"{number} called", f'"phone": "{number}"',
                 f"tel. {number}"):
        assert_finds(cls, line, [])
        assert number in [line[s:e] for s, e, _ in PhoneRecognizer().find(line)], line
    # The same digits without the plus sign stay what their checksum says they are.
    assert_finds(cls, f"value {digits} end", [digits])


def test_a_plus_after_a_word_is_a_form_encoded_space() -> None:
    """``q=ИИН+880101300123`` is a query's «ИИН 880101300123»: the IIN stays found, as it does
    after a letter of any script, an underscore or a digit's word."""
    for line in ("GET /search?q=ИИН+880101300123 HTTP/1.1", "find?text=iin+880101300123",
                 "жсн+880101300123"):
        assert_finds(KzIinRecognizer, line, ["880101300123"])


def test_a_bare_imei_after_a_plus_sign_is_none() -> None:
    """Fifteen digits after a plus sign are as long as an E.164 number may be."""
    assert ImeiRecognizer().validate_result("490154203237518") is True
    assert_finds(ImeiRecognizer, "imei 490154203237518", ["490154203237518"])
    assert_finds(ImeiRecognizer, "imei +490154203237518", [])
    assert_finds(ImeiRecognizer, "imei:+490154203237518", [])
