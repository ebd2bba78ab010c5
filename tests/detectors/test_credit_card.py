"""CREDIT_CARD: Luhn, scheme prefixes and lengths, grouped forms, order numbers rejected."""

from __future__ import annotations

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st
from recognizer_cases import assert_finds

from derbes.detectors.credit_card import CreditCardRecognizer, card_is_valid

# Independent vectors: published test card numbers.
# Stripe docs "Testing" (https://docs.stripe.com/testing): 4242424242424242 (Visa),
# 5555555555554444 (Mastercard), 2223003122003222 (Mastercard 2-series),
# 378282246310005 (Amex), 6200000000000005 (UnionPay), 3566002020360505 (JCB),
# 36227206271667 (Diners 14 digits), 6011111111111117 (Discover).
# PayPal/Braintree sandbox docs: 4111111111111111 (Visa), 371449635398431 (Amex).
VECTORS = [
    ("4242424242424242", True),
    ("4111111111111111", True),
    ("5555555555554444", True),
    ("2223003122003222", True),
    ("378282246310005", True),
    ("371449635398431", True),
    ("6200000000000005", True),
    ("3566002020360505", True),
    ("36227206271667", True),
    ("6011111111111117", True),
    ("4111 1111 1111 1111", True),
    ("3782 822463 10005", True),
    ("4111111111111112", False),  # Luhn fails
    ("5555555555554440", False),  # Luhn fails
    ("1234567812345670", False),  # Luhn passes, no scheme starts with 1
    ("378282246310005 0", False),
    ("4242424242424", False),  # Luhn fails at 13 digits
]


@pytest.mark.parametrize(("value", "is_valid"), VECTORS)
def test_vectors(value: str, is_valid: bool) -> None:
    assert card_is_valid(value) is is_valid


CASES = [
    ("Оплата картой 4111 1111 1111 1111 прошла", ["4111 1111 1111 1111"]),
    ("Банк картасы: 5555-5555-5555-4444", ["5555-5555-5555-4444"]),
    ("card=378282246310005 exp=12/29", ["378282246310005"]),
    ("pan 3782 822463 10005", ["3782 822463 10005"]),
    ('{"card_number":"2223003122003222"}', ["2223003122003222"]),
    # hard negatives
    ("card 4111111111111112", []),  # Luhn-invalid
    ("order 4111111111111111", []),  # an order number, whatever its digits
    ("номер заказа: 4242424242424242", []),
    ("ts=1732180012345 micros=1732180012345678 nanos=1732180012345678901", []),
    ("IBAN KZ68 6010 6157 8516 6711", []),  # the account part of an IBAN
    ("IMEI 354178036859789", []),
    ("amount 4 111 111,11 тг", []),
    # A second card after a first and a space was taken for the tail of one long grouped
    # number (issue #12). 4012888888881881: Visa test number (Stripe, PayPal test cards).
    ("4012888888881881 4012-8888-8888-1881", ["4012888888881881", "4012-8888-8888-1881"]),
    ("карты 4012-8888-8888-1881 4012888888881881", ["4012-8888-8888-1881", "4012888888881881"]),
    ("12 4012 8888 8888 1881", []),  # the tail of a longer grouped number
    # Ids glued to a prefix (HDFS block ids) and masked numbers are not cards.
    ("Receiving block blk_3852281952649038166 src: /10.250.19.102:54106", []),
    ("blk_4012888888881881 deleted", []),
    ("карта 4400 43** **** 1881 списание", []),
    ("card=401288******1881", []),
]


@pytest.mark.parametrize(("text", "expected"), CASES)
def test_spans(text: str, expected: list[str]) -> None:
    assert_finds(CreditCardRecognizer, text, expected)


_DIGITS_AND_OTHERS = st.text(
    alphabet=st.sampled_from("0123456789" * 6 + " -a/\u0663\u00b2\u0660"), max_size=24)


@settings(max_examples=3000, deadline=None)
@given(_DIGITS_AND_OTHERS)
@example("")
@example("79927398713")  # the Luhn article's example number
@example("\u0663" * 16)  # Arabic-Indic digits: str.isdigit() holds, stdnum's alphabet not
def test_luhn_is_stdnums(text: str) -> None:
    """luhn_is_valid, the typed loop, is python-stdnum's luhn.is_valid on any text."""
    from stdnum import luhn

    from derbes.detectors.credit_card import luhn_is_valid

    assert luhn_is_valid(text) is luhn.is_valid(text)


@settings(max_examples=3000, deadline=None)
@given(st.text(alphabet="0123456789", min_size=4, max_size=19))
@example("2221000000000000")
@example("2720999999999999")
@example("3000000000000")
@example("6499000000000000")
def test_card_scheme_ok_reads_each_schemes_first_digits(digits: str) -> None:
    """card_scheme_ok (the first four digits read once) against the schemes' table as it
    reads: each scheme's own number of first digits in its range, the length among its own."""
    from derbes.detectors.credit_card import _SCHEMES, card_scheme_ok

    plain = any(lo <= int(digits[:width]) <= hi and len(digits) in lengths
                for width, lo, hi, lengths in _SCHEMES)
    assert card_scheme_ok(digits) is plain
