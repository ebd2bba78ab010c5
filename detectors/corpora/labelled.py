"""A labelled corpus of log lines written the way Kazakh services write them.

``labelled_lines(n, seed)`` returns ``n`` lines (Russian, Kazakh and English application
logs, nginx access lines, JSON lines) with the exact spans of the personal values in them.
About one line in five carries personal data (made by :class:`KazakhProvider`, so every
value is valid); every line carries look-alike noise: order numbers, timestamps, epoch
milliseconds, UUID request ids, version strings, Luhn-invalid card-like numbers, 12-digit
references that fail the IIN/BIN check, hex hashes and prices. The precision/recall test
and the benchmarks share it. Deterministic for a given seed.
"""

from __future__ import annotations

import json
import random
import uuid
from collections.abc import Callable

from faker import Faker

from derbes.detectors.corpora.common import MONTHS, TRANSLIT, kz_check, luhn_digit
from derbes.detectors.faker_kz import KazakhProvider

Span = tuple[int, int, str]
Line = tuple[str, list[Span]]
Part = str | tuple[str, str]  # literal text, or (value, entity)

_DOMAINS = (
    "mail.kz", "mail.ru", "gmail.com", "yandex.kz", "yandex.ru", "inbox.ru", "bk.ru",
    "list.ru", "kaspi.kz", "halykbank.kz", "outlook.com", "icloud.com", "kazakhtelecom.kz",
)
_INTL_PHONES = (
    "+44 20 7946 0{:03d}", "+49 30 9018{:02d}", "+1 202 555 0{:03d}", "+998 90 {:03d} 45 67",
    "+996 555 {:03d} 456", "+90 212 {:03d} 1234", "+86 10 6552 {:04d}", "+7 916 {:03d} 45 67",
)


class _Gen:
    """Values for one corpus: personal ones from the Faker provider, noise from ``rng``."""

    def __init__(self, seed: int) -> None:
        self.rng = random.Random(seed)
        self.fake = Faker()
        self.fake.add_provider(KazakhProvider)
        self.fake.seed_instance(seed)

    def pick(self, seq):
        return self.rng.choice(seq)

    def digits(self, n: int) -> str:
        return "".join(self.rng.choice("0123456789") for _ in range(n))

    # -- noise ----------------------------------------------------------------------------

    def ts(self) -> str:
        return (
            f"2026-{self.rng.randint(1, 12):02d}-{self.rng.randint(1, 28):02d} "
            f"{self.rng.randint(0, 23):02d}:{self.rng.randint(0, 59):02d}:"
            f"{self.rng.randint(0, 59):02d},{self.rng.randint(0, 999):03d}"
        )

    def iso_ts(self) -> str:
        return self.ts().replace(" ", "T").replace(",", ".") + "Z"

    def nginx_ts(self) -> str:
        return (
            f"{self.rng.randint(1, 28):02d}/{self.pick(MONTHS)}/2026:"
            f"{self.rng.randint(0, 23):02d}:{self.rng.randint(0, 59):02d}:"
            f"{self.rng.randint(0, 59):02d} +0500"
        )

    def epoch_ms(self) -> str:
        return str(self.rng.randint(1_700_000_000_000, 1_800_000_000_000))

    def epoch_s(self) -> str:
        return str(self.rng.randint(1_700_000_000, 1_800_000_000))

    def uuid(self) -> str:
        return str(uuid.UUID(int=self.rng.getrandbits(128), version=4))

    def hexs(self, n: int) -> str:
        return "".join(self.rng.choice("0123456789abcdef") for _ in range(n))

    def order(self) -> str:
        return self.pick((
            f"ORD-2026-{self.digits(6)}", self.digits(self.rng.randint(6, 10)),
            f"№{self.digits(7)}", f"KSP-{self.digits(9)}", f"INV/{self.digits(5)}/26",
        ))

    def version(self) -> str:
        a, b, c = self.rng.randint(1, 20), self.rng.randint(0, 30), self.rng.randint(0, 200)
        return self.pick((
            f"v{a}.{b}.{c}.{self.rng.randint(0, 99)}", f"{a}.{b}.{c}",
            f"Chrome/{self.rng.randint(100, 131)}.0.{self.rng.randint(5000, 6999)}."
            f"{self.rng.randint(10, 250)}",
            f"okhttp/4.{b % 13}.{c % 10}", f"build {a}.{b}.{c}.{self.rng.randint(1000, 9999)}",
            f"version {a}.{b}.{c}.{self.rng.randint(0, 9)}",
            f"iOS {self.rng.randint(15, 18)}.{b % 8}.{c % 4}", f"Android {self.rng.randint(9, 15)}",
        ))

    def luhn_invalid(self) -> str:
        body = self.pick(("4", "5", "2200")) + self.digits(15 - len("4"))
        body = body[:15]
        good = int(luhn_digit(body))
        return body + str((good + self.rng.randint(1, 9)) % 10)

    def bad_kz12(self) -> str:
        """A 12-digit reference shaped like an IIN or BIN whose check digit is wrong."""
        head = (
            f"{self.rng.randint(0, 99):02d}{self.rng.randint(1, 12):02d}"
            + (f"{self.rng.randint(1, 28):02d}{self.rng.randint(1, 6)}"
               if self.rng.random() < 0.5 else f"{self.rng.randint(4, 6)}{self.rng.randint(0, 3)}0")
        )
        head += self.digits(11 - len(head))
        good = kz_check(head)
        wrong = [d for d in range(10) if d != good]
        return head + str(self.pick(wrong))

    def price(self) -> str:
        n, cents = self.rng.randint(100, 2_000_000), self.rng.randint(0, 99)
        spaced = f"{n:,}".replace(",", " ")
        return self.pick(
            (f"{spaced} ₸", f"{n}.00 KZT", f"{spaced},{cents:02d} тг", f"${n % 500}.{cents:02d}")
        )

    def noise(self) -> str:
        kind = self.rng.randint(0, 9)
        return (
            f"order_id={self.order()}", f"ts={self.epoch_ms()}", f"request_id={self.uuid()}",
            f"app={self.version()}", f"ref={self.bad_kz12()}", f"sha1={self.hexs(40)}",
            f"amount={self.price()}", f"span_id={self.hexs(16)}", f"txn={self.luhn_invalid()}",
            f"took={self.rng.randint(1, 3000)}ms",
        )[kind]

    # -- personal values ------------------------------------------------------------------

    def email(self) -> str:
        name = self.fake.kazakh_name() if self.rng.random() < 0.5 else self.fake.russian_name()
        surname, first = name.split()[:2]
        local = self.pick((
            f"{first}.{surname}", f"{first[0]}.{surname}", f"{surname}{self.rng.randint(1, 99)}",
            f"{first}_{surname}+{self.pick(('promo', 'shop', 'kaspi'))}",
        )).lower().translate(TRANSLIT)
        if self.rng.random() < 0.03:
            return f"{first.lower()}@почта.рф"
        return f"{local}@{self.pick(_DOMAINS)}"

    def ip(self) -> str:
        if self.rng.random() < 0.15:
            return f"2a02:{self.hexs(4)}:{self.hexs(3)}:{self.hexs(2)}::{self.hexs(2)}"
        first = self.pick((5, 37, 46, 77, 85, 89, 92, 95, 178, 185, 188, 212, 10, 192))
        second = 168 if first == 192 else self.rng.randint(0, 255)
        return f"{first}.{second}.{self.rng.randint(0, 255)}.{self.rng.randint(1, 254)}"

    def intl_phone(self) -> str:
        return self.pick(_INTL_PHONES).format(self.rng.randint(0, 99))


Template = Callable[[_Gen], list[Part]]


def _pii_templates() -> list[Template]:
    return [
        lambda g: [f"{g.ts()} INFO  [http-nio-8080-exec-{g.rng.randint(1, 20)}] "
                   "kz.shop.ClientService - Клиент зарегистрирован, ИИН ",
                   (g.fake.iin(), "KZ_IIN"), f", {g.noise()}"],
        lambda g: [f"{g.ts()} WARN  kz.egov.Check - ЖСН ", (g.fake.iin(), "KZ_IIN"),
                   f" тексерілмеді, {g.noise()} {g.noise()}"],
        lambda g: [f"{g.ts()} INFO  Contract signed with ТОО «Алтын Дала» (БИН ",
                   (g.fake.bin(), "KZ_BIN"), f"), {g.noise()}"],
        lambda g: [f"{g.ts()} DEBUG kk.billing - Ұйым БСН: ", (g.fake.bin(), "KZ_BIN"),
                   f" шот-фактура {g.order()}"],
        lambda g: [f"{g.ts()} INFO  SmsSender - отправлено СМС на ",
                   (g.fake.kz_phone(), "PHONE_NUMBER"), f", {g.noise()}"],
        lambda g: [f"{g.ts()} INFO  Тапсырыс {g.order()} қабылданды, клиенттің ұялы телефоны ",
                   (g.fake.kz_phone(), "PHONE_NUMBER")],
        lambda g: [f"{g.ts()} DEBUG sms-gw msisdn=", (g.fake.kz_msisdn(), "PHONE_NUMBER"),
                   f" status=DELIVRD {g.noise()}"],
        lambda g: [f"{g.ts()} INFO  callback requested, phone: ", (g.intl_phone(), "PHONE_NUMBER"),
                   f" {g.noise()}"],
        lambda g: [f"{g.ts()} INFO  Письмо отправлено на ", (g.email(), "EMAIL_ADDRESS"),
                   f" (шаблон welcome_v{g.rng.randint(1, 9)}) {g.noise()}"],
        lambda g: [f"{g.ts()} ERROR mailer: bounce from ", (g.email(), "EMAIL_ADDRESS"),
                   f" {g.noise()}"],
        lambda g: [f"{g.ts()} INFO  Кіру сәтті: электрондық пошта ", (g.email(), "EMAIL_ADDRESS"),
                   ", IP ", (g.ip(), "IP_ADDRESS")],
        lambda g: [f"{g.ts()} DEBUG wifi scan bssid=", (g.fake.mac(), "MAC_ADDRESS"),
                   f" rssi=-{g.rng.randint(30, 90)} {g.noise()}"],
        lambda g: [f"{g.ts()} INFO  Құрылғының MAC-мекенжайы ", (g.fake.mac(), "MAC_ADDRESS"),
                   f" желіге қосылды, {g.noise()}"],
        lambda g: [f"{g.ts()} INFO  device registered imei=", (g.fake.imei(), "IMEI"),
                   f" {g.noise()}"],
        lambda g: [f"{g.ts()} INFO  Устройство IMEI ", (g.fake.imei(dashed=True), "IMEI"),
                   f" привязано к аккаунту, {g.noise()}"],
        lambda g: [f"{g.ts()} DEBUG push: android_id=", (g.fake.android_id(), "DEVICE_ID"),
                   f" request_id={g.uuid()}"],
        lambda g: [f"{g.ts()} INFO  Оплата картой ",
                   (g.fake.card_number(grouped=True), "CREDIT_CARD"),
                   f" на сумму {g.price()}, {g.noise()}"],
        lambda g: [f"{g.ts()} ERROR payment failed pan=", (g.fake.card_number(), "CREDIT_CARD"),
                   f" rrn={g.digits(12)}"],
        lambda g: [f"{g.ts()} INFO  Возврат на счет ИИК ", (g.fake.kz_iban(), "IBAN_CODE"),
                   f", {g.noise()}"],
        lambda g: [f"{g.ts()} INFO  Payout to IBAN ", (g.fake.kz_iban(grouped=True), "IBAN_CODE"),
                   f" amount {g.price()}"],
        _json_pii,
        _json_pii,
        _json_device,
        _nginx,
        _nginx,
        _nginx,
    ]


def _noise_templates() -> list[Template]:
    return [
        lambda g: [f"{g.ts()} INFO  [http-nio-8080-exec-{g.rng.randint(1, 20)}] "
                   f"kz.shop.OrderService - Заказ {g.order()} оформлен, сумма {g.price()}, "
                   f"{g.noise()}"],
        lambda g: [f"{g.ts()} DEBUG Тапсырыс {g.order()} жеткізуге берілді, "
                   f"{g.noise()} {g.noise()}"],
        lambda g: [f"{g.ts()} INFO  Payment {g.uuid()} settled in {g.rng.randint(5, 900)} ms, "
                   f"{g.noise()}"],
        lambda g: [f"{g.ts()} WARN  retry {g.rng.randint(1, 5)}/5 for job {g.hexs(24)} "
                   f"ts={g.epoch_ms()} {g.noise()}"],
        lambda g: [f"{g.ts()} INFO  Client started, {g.version()}, {g.version()}, "
                   f"pid={g.rng.randint(100, 65000)}"],
        lambda g: [f"{g.ts()} ERROR Ошибка сверки: reference {g.bad_kz12()} не найден, "
                   f"txn={g.luhn_invalid()}"],
        lambda g: [f"{g.ts()} INFO  cache hit ratio {g.rng.random():.3f}, "
                   f"keys={g.rng.randint(1, 10**6)}, commit {g.hexs(40)}"],
        lambda g: [f"{g.ts()} DEBUG upstream 127.0.0.1:{g.rng.randint(8000, 9000)} "
                   f"responded {g.rng.choice((200, 201, 204, 404, 502))} in "
                   f"{g.rng.random():.3f}s, {g.noise()}"],
        lambda g: [f"{g.ts()} INFO  Сессия {g.uuid()} продлена до {g.epoch_s()}, {g.noise()}"],
        lambda g: [f"{g.ts()} INFO  Баланс {g.price()}, лимит {g.price()}, "
                   f"invoice {g.digits(10)}"],
        lambda g: [json.dumps({
            "ts": g.iso_ts(), "level": "info", "msg": "order created", "order_id": g.order(),
            "request_id": g.uuid(), "trace_id": g.hexs(32), "span_id": g.hexs(16),
            "amount": g.price(), "app_version": g.version(),
        }, ensure_ascii=False)],
        lambda g: [json.dumps({
            "time": g.epoch_ms(), "lvl": "warn", "msg": "slow query", "query_id": g.uuid(),
            "rows": g.rng.randint(0, 10**6), "ref": g.bad_kz12(), "hash": g.hexs(64),
        }, ensure_ascii=False)],
    ]


def _json_pii(g: _Gen) -> list[Part]:
    """A JSON log line with one or two personal values under their usual keys."""
    choices = [
        ("iin", lambda: g.fake.iin(), "KZ_IIN"),
        ("client_bin", lambda: g.fake.bin(), "KZ_BIN"),
        ("phone", lambda: g.fake.kz_phone(), "PHONE_NUMBER"),
        ("msisdn", lambda: g.fake.kz_msisdn(), "PHONE_NUMBER"),
        ("email", lambda: g.email(), "EMAIL_ADDRESS"),
        ("client_ip", lambda: g.ip(), "IP_ADDRESS"),
        ("imei", lambda: g.fake.imei(), "IMEI"),
        ("wifi_mac", lambda: g.fake.mac(), "MAC_ADDRESS"),
        ("card_number", lambda: g.fake.card_number(), "CREDIT_CARD"),
        ("iban", lambda: g.fake.kz_iban(), "IBAN_CODE"),
    ]
    picked = g.rng.sample(choices, g.rng.randint(1, 2))
    msg = g.pick(("user updated", "профиль обновлён", "профиль жаңартылды"))
    parts: list[Part] = [
        f'{{"ts": "{g.iso_ts()}", "level": "info", "msg": "{msg}", "request_id": "{g.uuid()}"'
    ]
    for key, make, entity in picked:
        parts += [f', "{key}": "', (make(), entity), '"']
    parts.append(f', "order_id": "{g.order()}", "ts_ms": {g.epoch_ms()}}}')
    return parts


def _json_device(g: _Gen) -> list[Part]:
    key, value = g.pick((
        ("idfa", g.fake.idfa()), ("gaid", g.fake.gaid()), ("advertisingId", g.fake.gaid()),
        ("deviceId", g.fake.android_id()), ("device_id", g.fake.gaid()),
    ))
    return [
        f'{{"ts": "{g.iso_ts()}", "event": "app_open", "{key}": "', (value, "DEVICE_ID"),
        f'", "session_id": "{g.uuid()}", "app_version": "{g.version()}", '
        f'"request_id": "{g.uuid()}"}}',
    ]


def _nginx(g: _Gen) -> list[Part]:
    agent = g.pick((
        f"Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) "
        f"Chrome/{g.rng.randint(100, 131)}.0.0.0 Safari/537.36",
        f"Mozilla/5.0 (Linux; Android 14) Chrome/120.0.6099.{g.rng.randint(10, 250)} Mobile",
        "okhttp/4.12.0", f"KaspiApp/{g.rng.randint(3, 5)}.{g.rng.randint(0, 80)}.1 (iOS 17.4.1)",
    ))
    path = g.pick((
        f"/api/v1/orders/{g.order()}?ts={g.epoch_ms()}", "/static/img/logo@2x.png",
        f"/api/v2/catalog?page={g.rng.randint(1, 40)}", "/health", "/assets/icon@3x.jpg",
        f"/api/v1/payments/{g.uuid()}",
    ))
    return [
        (g.ip(), "IP_ADDRESS"),
        f' - - [{g.nginx_ts()}] "GET {path} HTTP/1.1" {g.pick((200, 301, 404, 499))} '
        f'{g.rng.randint(0, 90000)} "-" "{agent}" rt={g.rng.random():.3f} '
        f'uct="{g.rng.random():.3f}" upstream=127.0.0.1:8080 req_id={g.hexs(32)}',
    ]


def _assemble(parts: list[Part]) -> Line:
    text, spans = "", []
    for part in parts:
        if isinstance(part, tuple):
            value, entity = part
            spans.append((len(text), len(text) + len(value), entity))
            text += value
        else:
            text += part
    return text, spans


def labelled_lines(n: int, seed: int = 0, pii_share: float = 0.2) -> list[Line]:
    """``n`` log lines with the ``(start, end, entity)`` spans of the personal values in them."""
    g = _Gen(seed)
    pii, noise = _pii_templates(), _noise_templates()
    return [
        _assemble(g.pick(pii if g.rng.random() < pii_share else noise)(g)) for _ in range(n)
    ]
