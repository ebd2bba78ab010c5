"""KZ_BIN: the check digit shared with the IIN, the kind digit, and BINs in text."""

from __future__ import annotations

import pytest
from recognizer_cases import assert_finds

from derbes.detectors.kz_bin import KzBinRecognizer

# Independent vectors: the BINs listed in the issue "Foundation and detectors" (taken there
# from the state register of legal entities), and the two BINs printed in the published
# privacy policies of Kazakh companies (issue text).
VECTORS = [
    ("940140000385", True),
    ("950341000052", True),
    ("961141000023", True),
    ("070941024691", True),
    ("971240001315", True),
    ("210140019844", True),  # printed in a privacy policy; needs the second pass
    ("250140021383", True),  # printed in a privacy policy
    ("940140000380", False),  # issue: wrong check digit
]


@pytest.mark.parametrize(("value", "is_valid"), VECTORS)
def test_vectors(value: str, is_valid: bool) -> None:
    assert bool(KzBinRecognizer().validate_result(value)) is is_valid


CASES = [
    ("ТОО «Ромашка», БИН 940140000385, г. Астана", ["940140000385"]),
    ("Жауапкершілігі шектеулі серіктестік, БСН: 210140019844", ["210140019844"]),
    ('{"company_bin":"250140021383"}', ["250140021383"]),
    ("BIN 070941024691 and BIN 971240001315", ["070941024691", "971240001315"]),
    # hard negatives: wrong check digit, an IIN (day, not kind digit), references
    ("БИН 940140000380", []),
    ("ИИН 871008401427", []),
    ("ts=1732180012345 order 950341000052", []),
    ("doc-961141000023", []),
]


@pytest.mark.parametrize(("text", "expected"), CASES)
def test_spans(text: str, expected: list[str]) -> None:
    assert_finds(KzBinRecognizer, text, expected)
