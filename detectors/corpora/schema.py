"""A realistic schema of Kazakh systems (CRM, billing, telecom, e-commerce, logistics, HR), with
each column labelled from its own definition: what the column is for, not what derbes finds.

Values are made by the column's definition: IINs and BINs with the check digit of the published
rule, cards and IMEIs with the Luhn digit, IBANs with ISO 13616 mod 97 (the three in
:mod:`.common`, written independently of the recognizers), EAN-13 barcodes with python-stdnum's
EAN check digit, names from lists written here (common Kazakh and Russian names and surnames,
among them Korean-Kazakh surnames that no ending marks). Look-alikes are as the issue describes
them: EAN-13 barcodes (GS1 prefix 487 among them), a random 12-digit reference column of which
5 in 1,000 pass the IIN check, Kafka offsets that read as IINs of 1800 once zero-padded, E.164
numbers without ``+``, flags under a phone name, tokens and masked numbers under card names.

Used by ``tests/scanner/test_realistic_schema.py``.
"""

from __future__ import annotations

import datetime as dt
import json
import random
from collections.abc import Callable
from dataclasses import dataclass

import sqlalchemy as sa
from stdnum import ean

from derbes.detectors.corpora.common import kz_check, luhn_digit, mod97_check

PERSON, IIN, BIN, PHONE, EMAIL = "PERSON", "KZ_IIN", "KZ_BIN", "PHONE_NUMBER", "EMAIL_ADDRESS"
CARD, IBAN, IP, IMEI = "CREDIT_CARD", "IBAN_CODE", "IP_ADDRESS", "IMEI"
DOB, ADDRESS, DOC = "DATE_OF_BIRTH", "ADDRESS", "IDENTITY_DOCUMENT"

# -- names (written for this test) ---------------------------------------------------------

KZ_MEN = ("Ерлан", "Нұрлан", "Асқар", "Дәурен", "Бауыржан", "Айдос", "Мұрат", "Қайрат",
          "Жандос", "Темірлан", "Санжар", "Ерболат", "Мейрам", "Талғат", "Нурсултан", "Арман")
KZ_WOMEN = ("Айгерім", "Әсел", "Динара", "Жанар", "Мөлдір", "Назерке", "Аружан", "Гүлнар",
            "Сәуле", "Меруерт", "Айгерим", "Асель", "Жансая", "Томирис", "Балжан", "Алия")
RU_MEN = ("Сергей", "Алексей", "Дмитрий", "Андрей", "Виктор", "Олег", "Игорь", "Максим",
          "Владислав", "Евгений")
RU_WOMEN = ("Елена", "Ольга", "Наталья", "Татьяна", "Ирина", "Екатерина", "Светлана",
            "Юлия", "Оксана", "Людмила")
# Masculine surnames; the feminine form adds -а where the ending takes it.
KZ_SURNAMES = ("Жолдасбеков", "Тлеубердиев", "Искаков", "Қуанышбаев", "Сапарбаев", "Мухтаров",
               "Төлеуов", "Ахметжанов", "Байтұрсынов", "Есмағамбетов", "Нұрпейісов",
               "Кенжебаев", "Абдрахманов", "Сыздықов", "Омаров", "Мусин", "Калиев", "Шарипов",
               "Рахимжанов", "Дүйсенбаев")
RU_SURNAMES = ("Кравченко", "Соловьев", "Белов", "Шевченко", "Зайцев", "Макаров", "Гусев",
               "Ершов", "Данилов", "Ковальчук")
KOREAN_SURNAMES = ("Ким", "Пак", "Цой", "Ли", "Тен")
CITIES = ("Алматы", "Астана", "Шымкент", "Қарағанды", "Ақтөбе", "Павлодар", "Өскемен",
          "Атырау", "Тараз", "Костанай")
STREETS = ("Абая", "Достык", "Төле би", "Жибек Жолы", "Сейфуллина", "Назарбаева", "Кабанбай "
           "батыра", "Әл-Фараби", "Розыбакиева", "Толстого")


def _feminine(surname: str) -> str:
    return surname + "а" if surname.endswith(("ов", "ев", "ин")) else surname


def _patronymic(rng: random.Random, father: str, woman: bool, kazakh: bool) -> str:
    if kazakh:
        return father + ("қызы" if woman else "ұлы")
    stem = {"Сергей": "Сергее", "Алексей": "Алексее", "Андрей": "Андрее", "Евгений": "Евгенье",
            "Игорь": "Игоре"}.get(father)
    if stem:
        return stem + ("вна" if woman else "вич")
    return father + ("овна" if woman else "ович")


@dataclass(frozen=True)
class Person:
    surname: str
    given: str
    patronymic: str

    @property
    def fio(self) -> str:
        return f"{self.surname} {self.given} {self.patronymic}"


def person(rng: random.Random) -> Person:
    kazakh = rng.random() < 0.65
    woman = rng.random() < 0.5
    if kazakh:
        given = rng.choice(KZ_WOMEN if woman else KZ_MEN)
        surname = rng.choice(KOREAN_SURNAMES if rng.random() < 0.04 else KZ_SURNAMES)
        father = rng.choice(KZ_MEN)
    else:
        given = rng.choice(RU_WOMEN if woman else RU_MEN)
        surname = rng.choice(RU_SURNAMES)
        father = rng.choice(RU_MEN)
    if woman:
        surname = _feminine(surname)
    return Person(surname, given, _patronymic(rng, father, woman, kazakh))


# -- numbers by their published rules -------------------------------------------------------


def iin(rng: random.Random) -> str:
    while True:
        born = dt.date(1950, 1, 1) + dt.timedelta(days=rng.randrange(21000))
        century = (3 if born.year < 2000 else 5) + rng.randrange(2)
        head = f"{born:%y%m%d}{century}{rng.randrange(10000):04d}"
        check = kz_check(head)
        if check is not None:
            return head + str(check)


def bin_(rng: random.Random) -> str:
    while True:
        head = (f"{rng.randrange(95, 125) % 100:02d}{rng.randrange(1, 13):02d}"
                f"{rng.choice('456')}{rng.choice('0123')}{rng.randrange(100000):05d}")
        check = kz_check(head)
        if check is not None:
            return head + str(check)


def card(rng: random.Random) -> str:
    # Issuer prefixes of cards common in Kazakhstan (Visa, Mastercard).
    head = rng.choice(("440043", "404932", "539545", "522858", "415428", "517792"))
    head += "".join(rng.choice("0123456789") for _ in range(9))
    number = head + luhn_digit(head)
    if rng.random() < 0.5:
        return " ".join(number[i:i + 4] for i in range(0, 16, 4))
    return number


def kz_iban(rng: random.Random) -> str:
    bban = rng.choice(("722", "601", "998", "826", "914")) + "".join(
        rng.choice("0123456789ABCDEFGHJKLMNPQRSTUVWXYZ") for _ in range(13))
    return f"KZ{mod97_check('KZ', bban)}{bban}"


def imei(rng: random.Random) -> str:
    head = rng.choice(("35332510", "86769204", "35875805", "35391110")) + "".join(
        rng.choice("0123456789") for _ in range(6))
    return head + luhn_digit(head)


def ean13(rng: random.Random) -> str:
    prefix = rng.choice(("487", "487", "487", "460", "400", "440", "590", "869"))
    head = prefix + "".join(rng.choice("0123456789") for _ in range(9))
    return head + ean.calc_check_digit(head)


def kz_phone(rng: random.Random) -> str:
    code = rng.choice(("701", "702", "705", "707", "747", "771", "775", "777", "778"))
    n = f"{rng.randrange(10**7):07d}"
    style = rng.randrange(4)
    if style == 0:
        return f"+7 {code} {n[:3]} {n[3:5]} {n[5:]}"
    if style == 1:
        return f"8{code}{n}"
    if style == 2:
        return f"+7{code}{n}"
    return f"8 ({code}) {n[:3]}-{n[3:5]}-{n[5:]}"


def e164_without_plus(rng: random.Random) -> str:
    """Numbers of roaming partners, stored as digits without ``+`` (DE, UK, RU, TR, UZ)."""
    return rng.choice((
        lambda: "49151" + f"{rng.randrange(10**8):08d}",
        lambda: "447911" + f"{rng.randrange(10**6):06d}",
        lambda: "7916" + f"{rng.randrange(10**7):07d}",
        lambda: "90532" + f"{rng.randrange(10**7):07d}",
        lambda: "99890" + f"{rng.randrange(10**7):07d}",
    ))()


_TRANSLIT = str.maketrans({
    "а": "a", "ә": "a", "б": "b", "в": "v", "г": "g", "ғ": "g", "д": "d", "е": "e", "ё": "e",
    "ж": "zh", "з": "z", "и": "i", "й": "y", "і": "i", "к": "k", "қ": "k", "л": "l", "м": "m",
    "н": "n", "ң": "n", "о": "o", "ө": "o", "п": "p", "р": "r", "с": "s", "т": "t", "у": "u",
    "ұ": "u", "ү": "u", "ф": "f", "х": "kh", "һ": "h", "ц": "ts", "ч": "ch", "ш": "sh",
    "щ": "sch", "ъ": "", "ы": "y", "ь": "", "э": "e", "ю": "yu", "я": "ya",
})


def email(rng: random.Random, p: Person) -> str:
    local = f"{p.given.lower().translate(_TRANSLIT)}.{p.surname.lower().translate(_TRANSLIT)}"
    return f"{local}{rng.randrange(100)}@" + rng.choice(
        ("mail.kz", "gmail.com", "inbox.kz", "mail.ru", "yandex.kz"))


def address(rng: random.Random) -> str:
    return (f"г. {rng.choice(CITIES)}, ул. {rng.choice(STREETS)}, д. {rng.randrange(1, 250)}, "
            f"кв. {rng.randrange(1, 180)}")


def public_ip(rng: random.Random) -> str:
    first = rng.choice((2, 5, 37, 46, 82, 92, 95, 178, 212))
    return f"{first}.{rng.randrange(256)}.{rng.randrange(256)}.{rng.randrange(1, 255)}"


# -- the schema -----------------------------------------------------------------------------

Make = Callable[[random.Random, int, Person], object]


@dataclass(frozen=True)
class Col:
    name: str
    type: sa.types.TypeEngine
    make: Make
    #: Entities the column holds by its definition; for JSON, by key path (field -> set).
    labels: frozenset[str] | dict[str, frozenset[str]] = frozenset()


def L(*entities: str) -> frozenset[str]:
    return frozenset(entities)


def _ref12(rng: random.Random, i: int, _p: Person) -> str:
    """A random 12-digit reference; rows 100, 300, ... 900 hold IIN-valid ones (5 in 1,000)."""
    if i % 200 == 100:
        return iin(rng)
    while True:
        value = f"{rng.randrange(10**12):012d}"
        if _iin_valid(value):
            continue  # the random ones fail: exactly 5 in 1,000 pass
        return value


def _iin_valid(value: str) -> bool:
    try:
        dt.date(1900, int(value[2:4]), int(value[4:6]))
    except ValueError:
        return False
    return value[6] in "123456" and kz_check(value[:11]) == int(value[11])


def _offset(_rng: random.Random, i: int, _p: Person) -> int:
    return 115_123_456 + i * 37


TABLES: dict[str, tuple[int, list[Col]]] = {
    "crm_clients": (400, [
        Col("id", sa.BigInteger(), lambda r, i, p: i + 1),
        Col("client_code", sa.String(20), lambda r, i, p: f"CL-{100000 + i}"),
        Col("fio", sa.String(200), lambda r, i, p: p.fio, L(PERSON)),
        Col("iin", sa.String(12), lambda r, i, p: iin(r), L(IIN)),
        Col("phone", sa.String(32), lambda r, i, p: kz_phone(r), L(PHONE)),
        Col("email", sa.String(100), lambda r, i, p: email(r, p), L(EMAIL)),
        Col("birth_date", sa.Date(),
            lambda r, i, p: dt.date(1950, 1, 1) + dt.timedelta(days=r.randrange(20000)), L(DOB)),
        Col("city", sa.String(50), lambda r, i, p: r.choice(CITIES)),
        Col("segment", sa.String(20), lambda r, i, p: r.choice(("mass", "premium", "VIP"))),
        Col("phone_confirmed", sa.SmallInteger(), lambda r, i, p: r.randrange(2)),
        Col("passport_no", sa.String(20), lambda r, i, p: None),
        Col("udl_number", sa.String(12), lambda r, i, p: f"0{r.randrange(10**8):08d}", L(DOC)),
        Col("created_at", sa.DateTime(),
            lambda r, i, p: dt.datetime(2024, 1, 1) + dt.timedelta(minutes=r.randrange(10**6))),
    ]),
    "billing_payments": (1000, [
        Col("payment_id", sa.BigInteger(), lambda r, i, p: 7_000_000 + i),
        Col("contract_no", sa.String(30), lambda r, i, p: f"Д-2024/{r.randrange(10**6):06d}"),
        Col("amount", sa.Integer(), lambda r, i, p: r.randrange(500, 500000)),
        Col("currency", sa.String(3), lambda r, i, p: "KZT"),
        Col("card_number", sa.String(24), lambda r, i, p: card(r), L(CARD)),
        Col("pan_masked", sa.String(24), lambda r, i, p: (lambda c: c.replace(" ", "")[:6]
            + "******" + c.replace(" ", "")[-4:])(card(r))),
        Col("card_token", sa.String(64),
            lambda r, i, p: "tok_" + "".join(r.choice("abcdef0123456789") for _ in range(32))),
        Col("card_holder", sa.String(100), lambda r, i, p: f"{p.given} {p.surname}", L(PERSON)),
        Col("payer_iban", sa.String(34), lambda r, i, p: kz_iban(r), L(IBAN)),
        Col("payer_bin", sa.String(12), lambda r, i, p: bin_(r), L(BIN)),
        Col("inn_12", sa.String(12), _ref12),
        Col("status", sa.String(16), lambda r, i, p: r.choice(("PAID", "FAILED", "REFUND"))),
    ]),
    "shop_products": (400, [
        Col("sku", sa.String(20), lambda r, i, p: f"SKU-{48700 + i}"),
        Col("ean13", sa.String(13), lambda r, i, p: ean13(r)),
        Col("title", sa.String(200), lambda r, i, p: r.choice((
            "Молоко Lactel 3,2% 1 л", "Вода Тассай 0,5 л", "Шоколад Рахат 100 г",
            "Чай Пиала черный 100 пак.", "Кофе Jacobs Monarch 95 г", "Сыр Российский 45%",
            "Хлеб Бородинский", "Масло сливочное 82,5%"))),
        Col("price", sa.Integer(), lambda r, i, p: r.randrange(150, 20000)),
        Col("stock", sa.Integer(), lambda r, i, p: r.randrange(0, 900)),
    ]),
    "shop_orders": (400, [
        Col("order_id", sa.BigInteger(), lambda r, i, p: 2_400_000 + i),
        Col("customer_name", sa.String(120), lambda r, i, p: f"{p.given} {p.surname}", L(PERSON)),
        Col("recipient", sa.String(120), lambda r, i, p: f"{p.surname} {p.given}", L(PERSON)),
        Col("delivery_address", sa.String(200), lambda r, i, p: address(r), L(ADDRESS)),
        Col("contact_phone", sa.String(32), lambda r, i, p: kz_phone(r), L(PHONE)),
        Col("comment", sa.String(200), lambda r, i, p: r.choice((
            "Позвонить за час", "Оставить у двери", "", "Домофон не работает",
            "Доставка после 18:00"))),
        Col("payload", sa.Text(), lambda r, i, p: json.dumps({
            "customer": {"name": f"{p.given} {p.surname}", "phone": kz_phone(r)},
            "channel": r.choice(("app", "web")), "items": r.randrange(1, 9)},
            ensure_ascii=False),
            {"payload.customer.name": L(PERSON), "payload.customer.phone": L(PHONE)}),
        Col("status", sa.String(16), lambda r, i, p: r.choice(("NEW", "SHIPPED", "DONE"))),
    ]),
    "telecom_subscribers": (400, [
        Col("subscriber_id", sa.BigInteger(), lambda r, i, p: 900_000 + i),
        Col("msisdn", sa.String(16),
            lambda r, i, p: "7" + r.choice(("701", "702", "707", "747", "775", "778"))
            + f"{r.randrange(10**7):07d}", L(PHONE)),
        Col("imsi", sa.String(15),
            lambda r, i, p: "40101" + f"{r.randrange(10**10):010d}"),
        Col("imei", sa.String(15), lambda r, i, p: imei(r), L(IMEI)),
        Col("tariff", sa.String(50), lambda r, i, p: r.choice(("Безлимит 5000", "Мега 30",
                                                                  "Бизнес Про", "Детский"))),
        Col("kafka_offset", sa.BigInteger(), _offset),
        Col("offset_padded", sa.String(12), lambda r, i, p: f"{_offset(r, i, p):012d}"),
        Col("roaming_msisdn", sa.String(16), lambda r, i, p: e164_without_plus(r), L(PHONE)),
        Col("last_ip", sa.String(45), lambda r, i, p: public_ip(r), L(IP)),
        Col("balance", sa.Integer(), lambda r, i, p: r.randrange(-5000, 50000)),
    ]),
    "logistics_shipments": (400, [
        Col("waybill_no", sa.String(20), lambda r, i, p: f"ТТН-{r.randrange(10**6):06d}"),
        Col("tracking_no", sa.String(20),
            lambda r, i, p: f"RB{r.randrange(10**8):08d}{r.randrange(10)}KZ"),
        Col("sender_fio", sa.String(200), lambda r, i, p: p.fio, L(PERSON)),
        Col("получатель", sa.String(200), lambda r, i, p: person(r).fio, L(PERSON)),
        Col("route", sa.String(20), lambda r, i, p: r.choice(("ALA-NQZ", "ALA-CIT", "NQZ-KGF"))),
        Col("weight_kg", sa.Integer(), lambda r, i, p: r.randrange(1, 40)),
        Col("courier_id", sa.Integer(), lambda r, i, p: r.randrange(1, 120)),
        Col("warehouse", sa.String(50), lambda r, i, p: r.choice(("Склад Алматы-1",
                                                                    "Склад Астана-2"))),
    ]),
    "hr_employees": (400, [
        Col("tab_no", sa.String(10), lambda r, i, p: f"{i + 1:06d}"),
        Col("last_name", sa.String(60), lambda r, i, p: p.surname, L(PERSON)),
        Col("first_name", sa.String(60), lambda r, i, p: p.given, L(PERSON)),
        Col("patronymic", sa.String(60), lambda r, i, p: p.patronymic, L(PERSON)),
        # Stored as a number: IINs of people born in 2000-2009 lose their leading zero.
        Col("iin", sa.BigInteger(), lambda r, i, p: int(iin(r)), L(IIN)),
        Col("id_card_no", sa.String(12), lambda r, i, p: f"0{r.randrange(10**8):08d}", L(DOC)),
        Col("passport", sa.String(12), lambda r, i, p: f"N{r.randrange(10**8):08d}", L(DOC)),
        Col("department", sa.String(60), lambda r, i, p: r.choice((
            "Бухгалтерия", "Отдел продаж", "IT-департамент", "Логистика"))),
        Col("salary", sa.Integer(), lambda r, i, p: r.randrange(150000, 1500000)),
        Col("hired_on", sa.Date(),
            lambda r, i, p: dt.date(2010, 1, 1) + dt.timedelta(days=r.randrange(5000))),
    ]),
}

def _uuid(rng: random.Random) -> str:
    h = "".join(rng.choice("0123456789abcdef") for _ in range(32))
    return f"{h[:8]}-{h[8:12]}-4{h[13:16]}-{rng.choice('89ab')}{h[17:20]}-{h[20:32]}"


def _mac(rng: random.Random) -> str:
    oui = rng.choice(("00:1A:2B", "3C:52:82", "F8:1A:67", "A4:91:B1"))
    return oui + "".join(f":{rng.randrange(256):02X}" for _ in range(3))


_AGENTS = (
    "Mozilla/5.0 (Linux; Android 13; SM-A515F) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/119.0.6045.163 Mobile Safari/537.36",
    "Mozilla/5.0 (iPhone; CPU iPhone OS 17_1_2 like Mac OS X) AppleWebKit/605.1.15 (KHTML, "
    "like Gecko) Version/17.1.2 Mobile/15E148 Safari/604.1",
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:120.0) Gecko/20100101 Firefox/120.0",
    "KaspiApp/5.42.1.1021 (Android 12; Redmi Note 11)",
)

TABLES["web_sessions"] = (400, [
    Col("session_id", sa.String(36), lambda r, i, p: _uuid(r)),
    Col("device_id", sa.String(36), lambda r, i, p: _uuid(r), L("DEVICE_ID")),
    Col("user_email", sa.String(100), lambda r, i, p: email(r, p), L(EMAIL)),
    Col("client_ip", sa.String(45), lambda r, i, p: public_ip(r), L(IP)),
    Col("user_agent", sa.String(300), lambda r, i, p: r.choice(_AGENTS)),
    Col("app_version", sa.String(20), lambda r, i, p: f"5.{r.randrange(50)}.{r.randrange(9)}."
        f"{r.randrange(2000)}"),
    Col("referer", sa.String(200), lambda r, i, p: r.choice((
        "https://kaspi.kz/shop/c/smartphones/", "https://www.google.com/", "",
        "https://m.olx.kz/elektronika/"))),
    Col("request_ms", sa.Integer(), lambda r, i, p: r.randrange(3, 4000)),
    Col("started_at_ms", sa.BigInteger(),
        lambda r, i, p: 1_732_180_012_345 + r.randrange(10**9)),
    Col("cpe_mac", sa.String(17), lambda r, i, p: _mac(r), L("MAC_ADDRESS")),
])


#: Name-only schema hints expected (columns whose values are all empty): (table, field, entity).
HINTS = {("crm_clients", "passport_no", DOC)}


def labels(prefix: str) -> set[tuple[str, str, str]]:
    """Every (table, field, entity) the schema holds, from the columns' definitions."""
    out = set()
    for table, (_, cols) in TABLES.items():
        for col in cols:
            if isinstance(col.labels, dict):
                out |= {(prefix + table, f, e) for f, es in col.labels.items() for e in es}
            else:
                out |= {(prefix + table, col.name, e) for e in col.labels}
    return out


def create(engine: sa.Engine, prefix: str, seed: int = 12, scale: int = 1) -> None:
    """Create and fill the tables (``prefix`` + name) on ``engine``, each with ``scale``
    times its rows. The labels are for one times: from about ten times, the IIN-valid
    values of ``billing_payments.inn_12`` (5 in 1,000 rows, the other references made to
    fail the check) are more than chance among its date-shaped values, and derbes reports
    IINs there (50 at ten times: the generator's, valid by the published rule)."""
    meta = sa.MetaData()
    rng = random.Random(seed)
    tables = []
    for name, (rows, cols) in TABLES.items():
        table = sa.Table(prefix + name, meta, *(sa.Column(c.name, c.type) for c in cols))
        data = []
        for i in range(rows * scale):
            p = person(rng)
            data.append({c.name: c.make(rng, i, p) for c in cols})
        tables.append((table, data))
    meta.create_all(engine)
    with engine.begin() as conn:
        for table, data in tables:
            conn.execute(table.insert(), data)
