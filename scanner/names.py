"""Column names and JSON keys as evidence: ``fio``, ``phone``, ``дата_рождения``, ``туған_күні``.

Rules are plain data, as in pdscan: a name pattern, the entity it suggests. They give
findings with ``match_type = name``, also for categories no value detector finds
(``PERSON``, ``DATE_OF_BIRTH``, ``ADDRESS``, ``IDENTITY_DOCUMENT``).
"""

from __future__ import annotations

import re

# Each rule matches whole tokens of a name split at _, -, ., spaces and camelCase.
# The first rule that matches wins: identity documents come before cards (``id_card``).
NAME_RULES: tuple[tuple[str, str], ...] = (
    ("KZ_IIN", r"iin|иин|жсн|client_iin|iin_number"),
    ("KZ_BIN", r"bin|бин|бсн|company_bin|bin_number"),
    ("PHONE_NUMBER", r"phone|phones|phone_number|tel|telephone|mobile|msisdn|cellphone|"
                     r"телефон|тел|моб|мобильный|ұялы|телефон_нөмірі"),
    ("EMAIL_ADDRESS", r"e?mail|e_mail|email_address|почта|эл_почта|пошта|электрондық_пошта"),
    ("IP_ADDRESS", r"ip|ip_address|ip_addr|client_ip|remote_addr|remote_ip|x_forwarded_for|"
                   r"ip_адрес"),
    ("MAC_ADDRESS", r"mac|mac_address|mac_addr"),
    ("IMEI", r"imei"),
    ("DEVICE_ID", r"device_id|idfa|gaid|idfv|android_id|advertising_id|ad_id|"
                  r"идентификатор_устройства|құрылғы_идентификаторы"),
    # Before cards: a card holder's name is a name (``card_holder``).
    ("PERSON", r"card_holder|cardholder|holder_name|card_holder_name"),
    ("IDENTITY_DOCUMENT", r"passport|passport_number|passport_no|id_card|udl|"
                          r"document_number|doc_number|паспорт|удостоверение|удл|"
                          r"жеке_куәлік|құжат_нөмірі"),
    ("CREDIT_CARD", r"card|card_number|card_no|pan|cc_number|номер_карты|карта"),
    ("IBAN_CODE", r"iban|account_iban|счет|банковский_счет|шот"),
    ("PERSON", r"fio|full_name|fullname|first_name|firstname|last_name|lastname|surname|"
               r"middle_name|patronymic|фио|имя|фамилия|отчество|аты|тегі|аты_жөні|"
               r"әкесінің_аты|client_name|customer_name"),
    ("DATE_OF_BIRTH", r"birth_date|birthdate|birthday|dob|date_of_birth|born|дата_рождения|"
                      r"др|туған_күні|туылған_күні"),
    ("ADDRESS", r"address|addr|street|home_address|postal_address|адрес|улица|мекенжай|"
                r"мекен_жай|delivery_address"),
)

_CAMEL = re.compile(r"(?<=[a-zа-я0-9])(?=[A-ZА-Я])")
_SPLIT = re.compile(r"[\s\-.\[\]]+")
_RULES = [(entity, re.compile(rf"(?:^|_)(?:{rx})(?:_|$)")) for entity, rx in NAME_RULES]
# Names that contain a rule's token but mean something else.
_NOT_PERSONAL = re.compile(
    r"(?:^|_)(?:bin_log|binlog|binary|bin_path|combined|mac_os|ip_version|zip|shipping_tel_ext|"
    r"card_type|card_brand|card_bin|pan_hash|mail_sent|email_sent|is_email|email_verified|"
    r"phone_verified|has_phone)(?:_|$)"
)


def normalize_name(name: str) -> str:
    """``userPhone.Number`` -> ``user_phone_number``: tokens joined with ``_``, case-folded."""
    return "_".join(p for p in _SPLIT.split(_CAMEL.sub("_", name)) if p).casefold()


#: Who a bare ``name`` key belongs to when it is a person: ``customer.name``, ``sender.name``.
_PERSON_PARENTS = frozenset((
    "customer", "client", "recipient", "sender", "payer", "holder", "cardholder", "employee",
    "contact", "passenger", "patient", "courier", "buyer", "клиент", "получатель",
    "отправитель", "плательщик", "сотрудник", "тұтынушы", "алушы", "жіберуші",
))


def entity_for_name(name: str) -> str | None:
    """The entity a column name or JSON key suggests, or ``None``.

    Only the last component of a key path counts: ``payload.contact.email`` is an email
    field, ``email_log.id`` is not; but a bare ``name`` is a person's under a person's key
    (``payload.customer.name``), not a product's (``item.name``).
    """
    parts = name.rsplit(".", 2)
    last = parts[-1]
    if len(parts) > 1 and normalize_name(last) in ("name", "full_name_ru", "имя", "аты"):
        parent = normalize_name(parts[-2]).rsplit("_", 1)[-1]
        if parent in _PERSON_PARENTS:
            return "PERSON"
    key = normalize_name(last)
    if not key or _NOT_PERSONAL.search(key):
        return None
    for entity, rx in _RULES:
        if rx.search(key):
            return entity
    return None
