"""The registry: every derbes recognizer class, in the order the engine runs them.

Presidio is not imported here: :mod:`derbes.detectors.presidio` builds a Presidio registry
and ``AnalyzerEngine`` from these classes, and loads a user's Presidio recognizer files.
"""

from __future__ import annotations

from derbes.detectors.address_by_key import AddressByKeyRecognizer
from derbes.detectors.base import DerbesRecognizer
from derbes.detectors.birth_date_by_key import BirthDateByKeyRecognizer
from derbes.detectors.credit_card import CreditCardRecognizer
from derbes.detectors.device_id import DeviceIdRecognizer
from derbes.detectors.email import EmailRecognizer
from derbes.detectors.iban import IbanRecognizer
from derbes.detectors.identity_document import IdentityDocumentRecognizer
from derbes.detectors.identity_document_by_key import IdentityDocumentByKeyRecognizer
from derbes.detectors.imei import ImeiRecognizer
from derbes.detectors.ip_address import IpAddressRecognizer
from derbes.detectors.kz_bin import KzBinRecognizer
from derbes.detectors.kz_iin import KzIinRecognizer
from derbes.detectors.mac_address import MacAddressRecognizer
from derbes.detectors.person_by_key import PersonByKeyRecognizer
from derbes.detectors.person_name import PersonNameRecognizer
from derbes.detectors.phone import PhoneRecognizer

#: Languages derbes speaks: Russian, Kazakh, English.
LANGUAGES: tuple[str, ...] = ("en", "ru", "kk")

RECOGNIZER_CLASSES: tuple[type[DerbesRecognizer], ...] = (
    KzIinRecognizer,
    KzBinRecognizer,
    PhoneRecognizer,
    EmailRecognizer,
    IpAddressRecognizer,
    MacAddressRecognizer,
    ImeiRecognizer,
    DeviceIdRecognizer,
    CreditCardRecognizer,
    IbanRecognizer,
    PersonByKeyRecognizer,
    BirthDateByKeyRecognizer,
    AddressByKeyRecognizer,
    IdentityDocumentByKeyRecognizer,
    PersonNameRecognizer,
    IdentityDocumentRecognizer,
)


#: When a column name holds the spellings of several entities (``client_iin_phone``), the
#: first of this order names it: a card holder's name and an identity card before a card
#: (``card_holder``, ``id_card``). Entities not listed follow, in the registry's order.
COLUMN_NAME_ORDER: tuple[str, ...] = (
    "KZ_IIN", "KZ_BIN", "PHONE_NUMBER", "EMAIL_ADDRESS", "IP_ADDRESS", "MAC_ADDRESS", "IMEI",
    "DEVICE_ID", "PERSON", "IDENTITY_DOCUMENT", "CREDIT_CARD", "IBAN_CODE", "DATE_OF_BIRTH",
    "ADDRESS",
)


def entity_classes() -> dict[str, tuple[type[DerbesRecognizer], ...]]:
    """Each entity's recognizer classes, entities in :data:`COLUMN_NAME_ORDER`."""
    out: dict[str, list[type[DerbesRecognizer]]] = {e: [] for e in COLUMN_NAME_ORDER}
    for cls in RECOGNIZER_CLASSES:
        out.setdefault(cls.ENTITY, []).append(cls)
    return {entity: tuple(classes) for entity, classes in out.items() if classes}


def all_recognizers(language: str = "en") -> list[DerbesRecognizer]:
    """One instance of every derbes recognizer for ``language``."""
    return [cls(supported_language=language) for cls in RECOGNIZER_CLASSES]
