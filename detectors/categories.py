"""Categories of personal data: the vocabulary that findings, policies and reports share.

A detector finds an *entity* (``KZ_IIN``); a policy declares a *category* (``iin``).
This module is the one place that maps one to the other, with the labels Kazakh
privacy policies use in Russian and Kazakh. Category ids are a public contract.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Category:
    """A category of personal data as a policy declares it."""

    id: str
    en: str
    ru: str
    kk: str
    entities: tuple[str, ...]
    aliases: tuple[str, ...] = ()
    #: Categories a value of this one discloses by itself (an IIN encodes birth date and sex).
    reveals: tuple[str, ...] = ()

    def label(self, lang: str) -> str:
        """The category's name in ``lang`` (``ru``, ``kk`` or ``en``)."""
        return {"ru": self.ru, "kk": self.kk}.get(lang, self.en)


_ALL = (
    Category("iin", "Individual identification number (IIN)",
             "Индивидуальный идентификационный номер (ИИН)",
             "Жеке сәйкестендіру нөмірі (ЖСН)", ("KZ_IIN",),
             ("ИИН", "ЖСН", "IIN", "индивидуальный идентификационный номер",
              "жеке сәйкестендіру нөмірі"),
             reveals=("date_of_birth", "sex")),
    Category("bin", "Business identification number (BIN)",
             "Бизнес-идентификационный номер (БИН)",
             "Бизнес-сәйкестендіру нөмірі (БСН)", ("KZ_BIN",),
             ("БИН", "БСН", "BIN", "бизнес-идентификационный номер")),
    Category("phone", "Phone number", "Абонентский номер телефона",
             "Телефон нөмірі", ("PHONE_NUMBER",),
             ("телефон", "номер телефона", "абонентский номер", "контактный телефон",
              "телефон нөмірі", "ұялы телефон нөмірі", "phone number", "mobile phone")),
    Category("email", "Email address", "Адрес электронной почты",
             "Электрондық пошта мекенжайы", ("EMAIL_ADDRESS",),
             ("email", "e-mail", "электронная почта", "адрес электронной почты",
              "электрондық пошта", "электрондық пошта мекенжайы")),
    Category("ip_address", "IP address", "IP-адрес", "IP-мекенжай", ("IP_ADDRESS",),
             ("ip", "ip-адрес", "ip адрес", "ip-мекенжайы", "ip-мекенжай")),
    Category("device_id", "Device identifiers", "Идентификаторы устройства",
             "Құрылғы идентификаторлары", ("MAC_ADDRESS", "IMEI", "DEVICE_ID"),
             ("идентификатор устройства", "данные об устройстве", "imei", "mac-адрес",
              "құрылғы идентификаторы", "device id", "advertising id", "cookie")),
    Category("payment_card", "Payment card number", "Номер платежной карты",
             "Төлем картасының нөмірі", ("CREDIT_CARD",),
             ("данные банковской карты", "номер карты", "банковская карта",
              "данные кредитной карты", "кредитная карта", "банк картасы",
              "банк картасының деректері", "credit card")),
    Category("bank_account", "Bank account (IBAN)", "Банковский счёт (IBAN)",
             "Банктік шот (IBAN)", ("IBAN_CODE",),
             ("iban", "банковские реквизиты", "номер счета", "банковский счет",
              "банк деректемелері", "банктік шот")),
    Category("full_name", "Full name", "Фамилия, имя, отчество",
             "Тегі, аты, әкесінің аты", ("PERSON",),
             ("ФИО", "Ф.И.О.", "фамилия, имя, отчество", "имя", "фамилия",
              "аты-жөні", "тегі, аты, әкесінің аты", "name", "full name")),
    Category("date_of_birth", "Date of birth", "Дата рождения", "Туған күні",
             ("DATE_OF_BIRTH",),
             ("дата рождения", "туған күні", "туған күні мен жылы", "birth date",
              "date of birth")),
    # No detector finds sex by itself; it is declared by policies and revealed by the IIN.
    Category("sex", "Sex", "Пол", "Жынысы", (),
             ("пол", "жынысы", "sex", "gender")),
    Category("address", "Postal address", "Адрес", "Мекенжай", ("ADDRESS",),
             ("адрес", "адрес проживания", "почтовый адрес", "адрес доставки",
              "мекенжай", "тұрғылықты мекенжайы", "address", "postal address")),
    Category("identity_document", "Identity document", "Документ, удостоверяющий личность",
             "Жеке басын куәландыратын құжат", ("IDENTITY_DOCUMENT",),
             ("паспортные данные", "удостоверение личности", "данные документа",
              "жеке куәлік", "паспорт", "passport", "id card")),
)

CATEGORIES: dict[str, Category] = {c.id: c for c in _ALL}
_BY_ENTITY: dict[str, str] = {e: c.id for c in _ALL for e in c.entities}


def _fold(text: str) -> str:
    return " ".join(text.casefold().replace("ё", "е").split())


_BY_ALIAS: dict[str, str] = {_fold(a): c.id for c in _ALL for a in (c.id, *c.aliases)}


def category_of(entity: str) -> str:
    """The category id of a detector entity; unknown entities map to their own lower-cased name."""
    return _BY_ENTITY.get(entity, entity.lower())


def resolve_category(name: str) -> str | None:
    """The category id for an id or a Russian/Kazakh/English label, or ``None``."""
    return _BY_ALIAS.get(_fold(name))


def register_entity(entity: str, category: str | dict) -> str:
    """Map a custom recognizer's ``entity`` to ``category`` and return the category id.

    ``category`` is an existing category's id or alias, or a mapping ``{id, en, ru, kk}``
    (``aliases`` optional) for a new category, which policies may then declare. Raises
    ``ValueError`` for an unknown name or a malformed mapping.
    """
    if isinstance(category, str):
        cid = resolve_category(category)
        if cid is None:
            raise ValueError(f"category of {entity}: unknown category {category!r}; give a "
                             f"known one ({', '.join(CATEGORIES)}) or {{id, en, ru, kk}}")
    elif isinstance(category, dict):
        cid = str(category.get("id") or "").strip()
        if not cid or not cid.replace("_", "").isalnum() or cid != cid.lower():
            raise ValueError(f"category of {entity}: 'id' must be lower-case letters, digits "
                             f"and _, got {category.get('id')!r}")
        unknown = set(category) - {"id", "en", "ru", "kk", "aliases"}
        if unknown:
            raise ValueError(f"category of {entity}: unknown keys {sorted(unknown)}")
        if cid not in CATEGORIES:
            en = str(category.get("en") or cid)
            new = Category(cid, en, str(category.get("ru") or en), str(category.get("kk") or en),
                           (entity,), tuple(str(a) for a in category.get("aliases", ())))
            CATEGORIES[cid] = new
            for alias in (cid, *new.aliases, new.en, new.ru, new.kk):
                _BY_ALIAS.setdefault(_fold(alias), cid)
    else:
        raise ValueError(f"category of {entity}: expected a name or {{id, en, ru, kk}}")
    _BY_ENTITY[entity] = cid
    return cid
