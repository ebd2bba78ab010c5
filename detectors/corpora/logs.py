"""A reproducible synthetic corpus of Kazakh application logs, for benchmarks and tests.

Three kinds of lines, mixed as on a real host: application logs in Russian, Kazakh and English
(Java/Python style), nginx access lines, and JSON lines. Personal data (IIN, BIN, phones,
emails, cards, IBANs, passport and ID card numbers, names, addresses, dates of birth) appears
in a minority of lines; look-alike noise is everywhere: request and trace ids, 12-digit order
numbers that fail the IIN checksum, epoch milliseconds, amounts, versions, hashes, client IPs.

Usage: ``python benchmarks/gen_logs.py --size-mb 50 --out benchmarks/data/corpus.log``.
Same seed, same bytes.
"""

from __future__ import annotations

import random
from pathlib import Path

from derbes.detectors.corpora.common import kz_check, luhn_digit, mod97_check

#: Share of lines that carry at least one personal value.
PII_RATE = 0.08

_FIRST = ("Нурлан", "Айгерим", "Ерлан", "Динара", "Асель", "Даурен", "Алия", "Тимур",
          "Жанна", "Бауыржан", "Сауле", "Ержан", "Мадина", "Arman", "Aigerim", "Dmitry")
_LAST = ("Ахметов", "Сейткали", "Жумабаев", "Ким", "Иванова", "Касымова", "Оспанов",
         "Нуртаева", "Абенов", "Смагулова", "Tulegenov", "Petrov")
_MIDDLE = ("Серикович", "Болатовна", "Маратович", "Ерланқызы", "Нурланұлы", "")
_CITY = ("Алматы", "Астана", "Шымкент", "Караганда", "Актобе", "Атырау", "Павлодар")
_STREET = ("ул. Абая", "пр. Назарбаева", "ул. Толе би", "мкр. Самал-2", "Достық даңғылы",
           "ул. Кабанбай батыра", "Сатпаев көшесі")
_DOMAINS = ("mail.kz", "gmail.com", "mail.ru", "kaspi.kz", "inbox.kz", "yandex.kz", "bk.ru")
_SERVICES = ("payments", "auth", "loans", "cards", "notify", "kyc", "gateway", "crm")
_CLASSES = ("kz.bank.payments.TransferService", "kz.egov.auth.LoginController",
            "kz.shop.orders.OrderProcessor", "app.services.kyc", "kz.telco.billing.Invoice")
_LEVELS = ("INFO", "INFO", "INFO", "DEBUG", "WARN", "ERROR")
_PATHS = ("/api/v1/orders", "/api/v2/payments/status", "/static/js/app.8f3a1c.js",
          "/health", "/api/v1/clients/search", "/img/logo@2x.png", "/ru/catalog/item",
          "/kk/profile", "/api/v1/cart/items")
_AGENTS = ("Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 Chrome/120.0.0.0",
           "okhttp/4.12.0", "Kaspi/5.38.1 (iPhone; iOS 17.2.1)", "curl/8.4.0",
           "Mozilla/5.0 (Linux; Android 13; SM-A536B) Chrome/119.0.6045.193 Mobile")
_MSG_RU = ("Перевод выполнен", "Заказ оформлен", "Сессия истекла", "Платёж отклонён банком",
           "Повторная попытка отправки SMS", "Кэш обновлён", "Запрос к ГБД ФЛ выполнен")
_MSG_KK = ("Төлем сәтті өтті", "Тапсырыс қабылданды", "Сессия аяқталды",
           "Клиент деректері жаңартылды", "Хабарлама жіберілді")
_MSG_EN = ("payment accepted", "order created", "cache miss", "retrying upstream call",
           "token refreshed", "slow query detected", "user profile updated")


class LogGenerator:
    """Deterministic log lines; ``line()`` returns one line without its newline."""

    def __init__(self, seed: int = 94) -> None:
        self.rng = random.Random(seed)
        self.t = 1_710_000_000  # a moving clock, so timestamps advance like a real log

    # -- personal values --------------------------------------------------------------------

    def iin(self) -> str:
        r = self.rng
        while True:
            head = (f"{r.randrange(40, 100):02d}{r.randrange(1, 13):02d}{r.randrange(1, 29):02d}"
                    f"{r.choice('3456')}{r.randrange(10000):04d}")
            check = kz_check(head)
            if check is not None:
                return head + str(check)

    def bin(self) -> str:
        r = self.rng
        while True:
            head = (f"{r.randrange(0, 25):02d}{r.randrange(1, 13):02d}{r.choice('456')}0"
                    f"{r.randrange(100000):05d}")
            check = kz_check(head)
            if check is not None:
                return head + str(check)

    def phone(self) -> str:
        r = self.rng
        code = r.choice(("701", "702", "705", "707", "747", "771", "775", "778"))
        a, b, c = r.randrange(100, 1000), r.randrange(100), r.randrange(100)
        return r.choice((f"+7 {code} {a} {b:02d} {c:02d}", f"+7{code}{a}{b:02d}{c:02d}",
                         f"8 ({code}) {a}-{b:02d}-{c:02d}", f"+7 ({code}) {a}-{b:02d}-{c:02d}"))

    def email(self) -> str:
        r = self.rng
        user = r.choice(("aigerim", "nurlan.a", "d.kim", "erlan_88", "asel.k", "timur2001"))
        return f"{user}{r.randrange(100)}@{r.choice(_DOMAINS)}"

    def card(self) -> str:
        r = self.rng
        body = r.choice(("440043", "516949", "400303", "220220"))
        body += "".join(str(r.randrange(10)) for _ in range(9))
        s = body + luhn_digit(body)
        return r.choice((s, f"{s[:4]} {s[4:8]} {s[8:12]} {s[12:]}"))

    def iban(self) -> str:
        r = self.rng
        bban = f"{r.choice(('722', '601', '125', '998'))}{r.choice(('C', 'K', '0'))}"
        bban += "".join(str(r.randrange(10)) for _ in range(12))
        return f"KZ{mod97_check('KZ', bban)}{bban}"

    def name(self) -> str:
        r = self.rng
        return " ".join(x for x in (r.choice(_LAST), r.choice(_FIRST), r.choice(_MIDDLE)) if x)

    def pii(self) -> tuple[str, str]:
        """A (field name, value) pair of personal data."""
        r = self.rng
        kind = r.randrange(11)
        if kind == 0:
            return "iin", self.iin()
        if kind == 1:
            return "bin", self.bin()
        if kind == 2:
            return "phone", self.phone()
        if kind == 3:
            return "email", self.email()
        if kind == 4:
            return "card", self.card()
        if kind == 5:
            return "iban", self.iban()
        if kind == 6:
            return "passport", f"N{r.randrange(10**7, 10**8)}"
        if kind == 7:
            return "id_card", f"0{r.randrange(10**7, 10**8)}"
        if kind == 8:
            return "fio", self.name()
        if kind == 9:
            return "address", f"{r.choice(_CITY)}, {r.choice(_STREET)}, д. {r.randrange(1, 200)}"
        born = f"{r.randrange(1950, 2006)}-{r.randrange(1, 13):02d}-{r.randrange(1, 29):02d}"
        return "birth_date", born

    # -- noise ------------------------------------------------------------------------------

    def uuid(self) -> str:
        h = f"{self.rng.getrandbits(128):032x}"
        return f"{h[:8]}-{h[8:12]}-4{h[13:16]}-a{h[17:20]}-{h[20:]}"

    def order_no(self) -> str:
        # Twelve digits shaped like a date, mostly failing the IIN checksum: the hard noise.
        r = self.rng
        date = f"{r.randrange(20, 25)}{r.randrange(1, 13):02d}{r.randrange(1, 29):02d}"
        return f"{date}{r.randrange(10**6):06d}"

    def ip(self) -> str:
        r = self.rng
        return r.choice((f"10.{r.randrange(256)}.{r.randrange(256)}.{r.randrange(1, 255)}",
                         f"{r.choice((2, 5, 37, 46, 89, 95, 178))}.{r.randrange(256)}."
                         f"{r.randrange(256)}.{r.randrange(1, 255)}"))

    def noise(self) -> str:
        r = self.rng
        k = r.randrange(8)
        if k == 0:
            return f"order_id={self.order_no()}"
        if k == 1:
            return f"ts={self.t * 1000 + r.randrange(1000)}"
        if k == 2:
            return f"amount={r.randrange(100, 2_000_000)}.{r.randrange(100):02d} KZT"
        if k == 3:
            return f"version=3.{r.randrange(20)}.{r.randrange(100)}.{r.randrange(1000)}"
        if k == 4:
            return f"sha={r.getrandbits(160):040x}"
        if k == 5:
            return f"latency_ms={r.randrange(1, 5000)}"
        if k == 6:
            return f"txn={r.randrange(10**9, 10**11)}"
        return f"trace_id={self.uuid()}"

    # -- lines ------------------------------------------------------------------------------

    def _stamp(self) -> str:
        self.t += self.rng.random() < 0.3
        t = self.t
        day = 10 + t // 86400 % 18
        return f"2024-03-{day:02d} {t // 3600 % 24:02d}:{t // 60 % 60:02d}:{t % 60:02d}"

    def app_line(self, pii: tuple[str, str] | None) -> str:
        r = self.rng
        lang = r.randrange(3)
        msg = r.choice(_MSG_RU if lang == 0 else _MSG_KK if lang == 1 else _MSG_EN)
        parts = [f"{self._stamp()},{r.randrange(1000):03d}", r.choice(_LEVELS),
                 f"[pool-{r.randrange(1, 9)}-thread-{r.randrange(1, 64)}]",
                 r.choice(_CLASSES), "-", msg + ":", f"request_id={self.uuid()}", self.noise()]
        if pii is not None:
            key, value = pii
            label = r.choice((key, {"iin": "ИИН", "phone": "тел.", "email": "почта",
                                    "fio": "клиент", "address": "мекенжай"}.get(key, key)))
            parts.insert(r.randrange(6, len(parts) + 1), f"{label}={value}")
        if r.random() < 0.5:
            parts.append(self.noise())
        return " ".join(parts)

    def nginx_line(self, pii: tuple[str, str] | None) -> str:
        r = self.rng
        t = self.t
        path = r.choice(_PATHS)
        query = f"?page={r.randrange(1, 50)}&sid={r.getrandbits(64):016x}"
        if pii is not None:
            key, value = pii
            query += f"&{key}={value.replace(' ', '%20')}"
        return (f'{self.ip()} - - [{10 + t // 86400 % 18:02d}/Mar/2024:{t // 3600 % 24:02d}:'
                f'{t // 60 % 60:02d}:{t % 60:02d} +0600] "{r.choice(("GET", "POST"))} {path}{query}'
                f' HTTP/1.1" {r.choice((200, 200, 200, 301, 404, 500))} {r.randrange(100, 90000)}'
                f' "-" "{r.choice(_AGENTS)}" {r.random():.3f}')

    def json_line(self, pii: tuple[str, str] | None) -> str:
        r = self.rng
        fields = [f'"ts":"{self._stamp().replace(" ", "T")}.{r.randrange(1000):03d}+06:00"',
                  f'"level":"{r.choice(("info", "debug", "warn", "error"))}"',
                  f'"service":"{r.choice(_SERVICES)}"',
                  f'"msg":"{r.choice(_MSG_EN + _MSG_RU)}"',
                  f'"request_id":"{self.uuid()}"',
                  f'"user_id":{r.randrange(1, 10**7)}',
                  f'"duration_ms":{r.randrange(1, 3000)}']
        k, _, v = self.noise().partition("=")
        fields.append(f'"{k}":"{v}"')
        if pii is not None:
            key, value = pii
            fields.insert(r.randrange(4, len(fields) + 1), f'"{key}":"{value}"')
        if r.random() < 0.2:
            fields.append(f'"client":{{"ip":"{self.ip()}","device":{{"os":"android","app":"5.38"}}}}')
        return "{" + ",".join(fields) + "}"

    def line(self) -> str:
        r = self.rng
        pii = self.pii() if r.random() < PII_RATE else None
        kind = r.random()
        if kind < 0.45:
            return self.app_line(pii)
        if kind < 0.75:
            return self.nginx_line(pii)
        return self.json_line(pii)


def lines(n: int, seed: int = 94) -> list[str]:
    """``n`` lines of the corpus."""
    gen = LogGenerator(seed)
    return [gen.line() for _ in range(n)]


def write_corpus(path: Path, size_mb: float, seed: int = 94) -> Path:
    """Write about ``size_mb`` MB of corpus to ``path`` (reused if already there)."""
    size = int(size_mb * 1_000_000)
    stamp = path.with_suffix(path.suffix + f".{seed}.{size}")
    if path.exists() and stamp.exists():
        return path
    path.parent.mkdir(parents=True, exist_ok=True)
    gen = LogGenerator(seed)
    written = 0
    with path.open("wb") as f:
        while written < size:
            block = "\n".join(gen.line() for _ in range(2000)).encode("utf-8") + b"\n"
            f.write(block)
            written += len(block)
    for old in path.parent.glob(path.name + ".*"):
        old.unlink()
    stamp.touch()
    return path
