"""Kazakh identity document numbers: the identity card (удостоверение личности, жеке куәлік)
and the passport (паспорт), found by their number formats next to their names.

* Identity card of a citizen of the RK: a number of 9 digits (``045123456``), printed on the
  front and in the document number field of the TD1 machine-readable zone.
* Passport of a citizen of the RK (biometric, issued since 2009): the letter ``N`` and 8
  digits (``N12345678``); the field is 9 characters, as ICAO Doc 9303 sets for the
  machine-readable zone of passports. Older passports had ``N`` and 7 digits.

Neither number has a published check digit of its own, and nine digits are also an order
number or a price in tiyn: a number is reported only where a document word supports it
(``удостоверение № 045123456``, a column ``passport_no``), so both patterns need context.

References: Government Decree of the RK No. 684 of 4 July 2013 (образцы паспорта и
удостоверения личности гражданина РК); ICAO Doc 9303 part 4 (TD3 passports) and part 5 (TD1
cards), document number field of 9 characters; PRADO, the EU Council's public register of
identity documents, entries for Kazakhstan (passport series N, ID card 9-digit number).
"""

from __future__ import annotations

from typing import ClassVar

from derbes.detectors.base import DerbesRecognizer, Pattern


class IdentityDocumentRecognizer(DerbesRecognizer):
    """A Kazakh identity card or passport number beside a word that names the document."""

    ENTITY = "IDENTITY_DOCUMENT"
    COLUMN_NAMES = (
        "passport", "passport_number", "passport_no", "id_card", "id_card_number", "udl",
        "document_number", "doc_number", "паспорт", "удостоверение", "удл", "жеке_куәлік",
        "құжат_нөмірі",
    )
    PATTERNS = (
        Pattern("id_card", r"(?<![0-9A-Za-z№-])[0-9]{9}(?![0-9A-Za-z-])", 0.4),
        # ``N`` in Latin or Cyrillic (``Н``), as clerks type it.
        Pattern("passport", r"(?<![0-9A-Za-zА-Яа-я-])[NН][0-9]{7,8}(?![0-9A-Za-z-])", 0.4),
    )
    PREFILTERS = (
        rb"(?:^|[^0-9A-Za-z-])[0-9]{9}(?:[^0-9A-Za-z-]|$)",
        rb"(?:N|\xd0\x9d|\xcd)[0-9]{7,8}(?:[^0-9A-Za-z-]|$)",
    )
    PATTERN_PREFILTERS: ClassVar[dict[str, tuple[int, ...]]] = {"id_card": (0,), "passport": (1,)}
    CONTEXT_REQUIRED = frozenset({"id_card", "passport"})
    CONTEXT = (
        "удостоверение", "удостоверения", "уд. личности", "удл", "udl", "жеке куәлік",
        "жеке куәлігі", "куәлік", "id card", "id_card", "idcard", "national id", "паспорт",
        "паспорта", "passport", "төлқұжат", "document_number", "doc_number", "номер документа",
        "құжат нөмірі", "identity document",
    )
    NEGATIVE_CONTEXT = (
        "заказ", "order", "invoice", "счет-фактура", "накладная", "тапсырыс", "sku", "barcode",
    )
    CONTEXT_WINDOW = 40
    VALIDATION: ClassVar[dict[str, str]] = {
        "en": "An identity card number (9 digits) or a passport number (N and 8 digits) "
              "beside a word naming the document (удостоверение, паспорт, жеке куәлік).",
        "ru": "Номер удостоверения личности (9 цифр) или паспорта (N и 8 цифр) рядом со "
              "словом, называющим документ (удостоверение, паспорт, жеке куәлік).",
        "kk": "Жеке куәліктің нөмірі (9 цифр) немесе паспорттың нөмірі (N және 8 цифр) "
              "құжатты атайтын сөздің жанында (удостоверение, паспорт, жеке куәлік).",
    }

    def validate_result(self, pattern_text: str) -> bool | None:
        """Not all one digit (``000000000`` fills an empty field)."""
        digits = pattern_text.lstrip("NН")
        return False if len(set(digits)) == 1 else None
