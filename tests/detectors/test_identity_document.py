"""IDENTITY_DOCUMENT by value: Kazakh ID card (9 digits) and passport (N + 8 digits) numbers
beside a word naming the document. Texts written by the team in Russian, Kazakh and English."""

from __future__ import annotations

import pytest
from recognizer_cases import assert_finds, found_alone

from derbes.detectors.identity_document import IdentityDocumentRecognizer

CASES = [
    ("удостоверение личности № 045123456 выдано МВД РК", ["045123456"]),
    ("Жеке куәлік 038765432, берілген күні 2019-05-14", ["038765432"]),
    ("паспорт N12345678 действителен до 2031", ["N12345678"]),
    ("passport: N09876543; nationality KAZ", ["N09876543"]),
    # Cyrillic Н typed for N, and an older 7-digit passport
    ("паспорт Н2345678", ["Н2345678"]),
    # nine digits without a document word, or with an order word
    ("заказ 045123456 оплачен", []),
    ("price 045123456 tiyn", []),
    ("удостоверение 000000000", []),
    ("invoice N12345678", []),
    # ten digits are not a card number, nor a glued token
    ("удостоверение 0451234567", []),
    ("удостоверение AB045123456", []),
]


@pytest.mark.parametrize(("text", "expected"), CASES)
def test_document_numbers(text: str, expected: list[str]) -> None:
    assert_finds(IdentityDocumentRecognizer, text, expected)


@pytest.mark.parametrize(
    ("value", "column", "expected"),
    [
        ("045123456", "udl_number", ["045123456"]),
        ("045123456", "id_card", ["045123456"]),
        ("N12345678", "passport_no", ["N12345678"]),
        ("045123456", "order_id", []),
    ],
)
def test_document_columns(value: str, column: str, expected: list[str]) -> None:
    assert found_alone(IdentityDocumentRecognizer, value, [column]) == expected
