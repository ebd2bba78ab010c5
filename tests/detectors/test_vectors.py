"""Every independent vector through the whole registry: found as its own entity only.

The per-recognizer files test each checksum; this one checks that, inside Presidio's
``AnalyzerEngine`` with every derbes recognizer loaded, a valid value is reported once,
as the right entity and span, and that no other recognizer claims it.
"""

from __future__ import annotations

import pytest
from recognizer_cases import analyzer

# (value, entity, is_valid, source)
VECTORS = [
    ("871008401427", "KZ_IIN", True, "issue: IIN from a public registry"),
    ("760212350620", "KZ_IIN", True, "issue"),
    ("800416300257", "KZ_IIN", True, "issue"),
    ("680503450037", "KZ_IIN", True, "issue"),
    ("061211600012", "KZ_IIN", True, "issue: second pass"),
    ("811201401188", "KZ_IIN", True, "issue"),
    ("791028302728", "KZ_IIN", True, "issue"),
    ("821214240092", "KZ_IIN", False, "issue: both passes give 10"),
    ("868795643215", "KZ_IIN", False, "issue"),
    ("123456789123", "KZ_IIN", False, "issue"),
    ("940140000385", "KZ_BIN", True, "issue: register of legal entities"),
    ("950341000052", "KZ_BIN", True, "issue"),
    ("961141000023", "KZ_BIN", True, "issue"),
    ("070941024691", "KZ_BIN", True, "issue"),
    ("971240001315", "KZ_BIN", True, "issue"),
    ("210140019844", "KZ_BIN", True, "issue: printed in a privacy policy, second pass"),
    ("250140021383", "KZ_BIN", True, "issue: printed in a privacy policy"),
    ("940140000380", "KZ_BIN", False, "issue"),
    ("354178036859789", "IMEI", True, "issue; python-stdnum doctest"),
    ("356868000041418", "IMEI", True, "python-stdnum doctest (check digit 8)"),
    ("354178036859781", "IMEI", False, "issue"),
    ("KZ86125KZT5004100100", "IBAN_CODE", True, "SWIFT IBAN Registry, KZ example"),
    ("KZ86 125K ZT50 0410 0100", "IBAN_CODE", True, "the same, printed in groups"),
    ("GR16 0110 1050 0000 1054 7023 795", "IBAN_CODE", True, "python-stdnum doctest"),
    ("KZ87125KZT5004100100", "IBAN_CODE", False, "registry example with a wrong check"),
    ("4111111111111111", "CREDIT_CARD", True, "PayPal sandbox test Visa"),
    ("4242424242424242", "CREDIT_CARD", True, "Stripe test Visa"),
    ("5555555555554444", "CREDIT_CARD", True, "Stripe test Mastercard"),
    ("378282246310005", "CREDIT_CARD", True, "Stripe test Amex"),
    ("6200000000000005", "CREDIT_CARD", True, "Stripe test UnionPay"),
    ("4111111111111112", "CREDIT_CARD", False, "PayPal number with a wrong Luhn digit"),
]

# A context word for each entity, so context-dependent forms get their chance.
CONTEXT = {
    "KZ_IIN": "ИИН", "KZ_BIN": "БИН", "IMEI": "IMEI", "IBAN_CODE": "IBAN",
    "CREDIT_CARD": "карта",
}


@pytest.mark.parametrize(("value", "entity", "is_valid", "source"), VECTORS)
def test_vector_through_registry(value: str, entity: str, is_valid: bool, source: str) -> None:
    text = f"{CONTEXT[entity]}: {value}."
    start = text.index(value)
    for language in ("ru", "kk", "en"):
        results = analyzer().analyze(text, language=language)
        found = sorted((r.entity_type, r.start, r.end) for r in results)
        if is_valid:
            assert found == [(entity, start, start + len(value))], (source, found)
        else:
            assert found == [], (source, found)
