"""A second labelled corpus, built for realism rather than for derbes' detectors.

Log files as the systems of a Kazakh operator write them: nginx and Apache combined access
logs, syslog with sshd, OpenVPN, Postfix, a Java service with stack traces and
pretty-printed JSON bodies, a Python service with tracebacks and ``key=value`` pairs,
Android logcat, Windows event text, JSON API lines (some with ``\\u`` escapes), a
``;``-separated export under its header, and an integration service's log of its SOAP
exchanges with the e-government bus (Apache CXF's logging blocks, the payload on one line or
indented; SOAP faults) and of the 1C exchange packets it relays (``<Свойство Имя="ИИН">``,
contact information as escaped XML inside a value). Values come in the forms those systems
give them: percent-encoded query strings (``email=a%40mail.kz``, ``phone=%2B7+701+...``),
URL user info, no-break spaces between digit groups, ``\\u`` escapes, keys on a line above
their values, columns named only in a header, phone numbers written bare as logins and in an
export's client column next to order numbers of the same shape. Look-alikes come as those
systems print them: versions (Gecko ``rv:1.8.1.4``, ``Chrome/120.0.0.0``, .NET
``Version=4.0.0.0``, «версия 2.14.3.1»), HDFS block ids, Message-IDs, Windows SIDs and
GUIDs, already-masked values, UUID request ids, epoch milliseconds, Luhn-failing numbers,
12-digit references failing the IIN check, and the population database's own numbers
(16-digit address register codes, identity document numbers, region codes).

Every label is what the generator planted and where, decided by the value's own definition,
implemented here independently of ``derbes``: the IIN/BIN check digit from the published
rule, phone numbers from the operators' ranges confirmed by libphonenumber, the Luhn digit
and the IBAN's ISO 7064 mod 97-10 check computed here, IPv4 hosts in providers' ranges.
Nothing is labelled by running derbes.

Blind spots, by construction: only the forms written below exist here; the values are well
formed (no typos, no truncated lines); the noise is the noise listed above and nothing else;
names are labelled (since 2026-12-07) as each system writes them, from 18 given names and 14
surnames (four in Kazakh spelling), a login made of a name (OpenVPN's ``aigerim.n``) not;
birth dates and documents (keyed entities) are not labelled (they are left out of the
evaluation), and of an address split into elements (the population database's
``<street>``, ``<building>``, ``<flat>``) only the street is labelled as an address (a
building's or a flat's number alone names no place); one process writes each file, and each
is scored in one chunk, so structures never straddle a chunk boundary (a scan reads one that
does as in one piece: ``tests/scanner/test_structure_cuts.py``).

``corpus(lines, seed)`` returns ``[LogFile]``: a name, the text, and labels
``(line, start, end, entity)`` with offsets in the raw line. Deterministic for a seed.
``evaluate(files, detector)`` scores a detector on them (``python -m benchmarks.realistic``).
"""

from __future__ import annotations

import json
import random
import uuid
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from urllib.parse import quote

import phonenumbers

from derbes.detectors.corpora.common import MONTHS, TRANSLIT, kz_check, luhn_digit, mod97_check

#: Entities labelled here (birth dates and documents are not).
ENTITIES = (
    "KZ_IIN", "KZ_BIN", "PHONE_NUMBER", "EMAIL_ADDRESS", "IP_ADDRESS", "MAC_ADDRESS", "IMEI",
    "DEVICE_ID", "CREDIT_CARD", "IBAN_CODE", "ADDRESS", "PERSON",
)

Label = tuple[int, int, int, str]
Part = str | tuple[str, str]  # literal text, or (value as written, entity)


@dataclass
class LogFile:
    """One generated log file: its name, text and labels (line, start, end, entity)."""

    name: str
    lines: list[str] = field(default_factory=list)
    labels: list[Label] = field(default_factory=list)

    def add(self, *parts: Part) -> None:
        """Appends one line built of literal text and ``(value, entity)`` pieces."""
        text = []
        pos = 0
        index = len(self.lines)
        for part in parts:
            if isinstance(part, str):
                text.append(part)
                pos += len(part)
                continue
            raw, entity = part[0], part[1]
            self.labels.append((index, pos, pos + len(raw), entity))
            text.append(raw)
            pos += len(raw)
        line = "".join(text)
        assert "\n" not in line, line
        self.lines.append(line)

    def add_block(self, block: list[list[Part]]) -> None:
        """Several lines, each built like :meth:`add`."""
        for parts in block:
            self.add(*parts)

    @property
    def text(self) -> str:
        return "\n".join(self.lines) + "\n"


# -- values, each by its own definition --------------------------------------------------------

# Names in Russian spelling and, four of them, in Kazakh (which Windows-1251 writes with "?").
_FIRST = ("Айгерим", "Нұрлан", "Алия", "Ерлан", "Дана", "Әсел", "Тимур", "Жанна", "Бекзат",
          "Мадина", "Иван", "Ольга", "Сергей", "Дмитрий", "Анна", "Ержан", "Гульнара", "Арман")
_LAST = ("Нұрланова", "Ахметов", "Сейткали", "Жумабаев", "Иванов", "Петрова", "Ким", "Абдрахманов",
         "Омарова", "Қасымов", "Смагулова", "Тулегенов", "Бекова", "Сарсенбаев")
_DOMAINS = ("mail.kz", "mail.ru", "gmail.com", "yandex.kz", "inbox.ru", "bk.ru", "list.ru",
            "kaspi.kz", "halykbank.kz", "outlook.com", "icloud.com", "jusan.kz", "gov.kz")
# Kazakh mobile operators' codes (numbering plan): Beeline, Kcell, Activ, Tele2, Altel.
_MOBILE = ("700", "701", "702", "705", "707", "708", "747", "771", "775", "776", "777", "778")
# First octets of IPv4 blocks allocated to Kazakh providers (RIPE), and private ranges.
_KZ_NETS = ((2, 132), (2, 133), (2, 134), (2, 135), (5, 34), (5, 76), (37, 150), (37, 151),
            (46, 34), (77, 240), (82, 200), (87, 255), (88, 204), (89, 218), (92, 46),
            (95, 56), (95, 57), (95, 58), (95, 59), (178, 88), (178, 89), (178, 91),
            (188, 0), (212, 154), (217, 196))
# KZ bank codes (first 3 of the BBAN): Halyk, Kaspi, ForteBank, Jusan, BCC, Freedom.
_KZ_BANKS = ("601", "722", "996", "998", "856", "551")
# Card BINs of cards issued in Kazakhstan and abroad (Visa, Mastercard, Mir, UnionPay).
_CARD_BINS = ("440043", "400303", "405687", "427860", "516949", "539545", "220220", "621760",
              "458045", "535652")
# TACs (the first 8 digits) of handsets sold in Kazakhstan.
_TACS = ("35332510", "35875311", "86769204", "35391110", "35290611", "86115604", "35467309")
_OUIS = ("3c:5a:b4", "f0:18:98", "a4:83:e7", "dc:a6:32", "00:1a:2b", "b8:27:eb", "98:de:d0")
_STREETS = ("ул. Абая", "пр. Достык", "ул. Толе би", "мкр. Самал-2", "ул. Кабанбай батыра",
            "пр. Мангилик Ел", "Әл-Фараби даңғылы", "ул. Сатпаева")
_CITIES = ("г. Алматы", "г. Астана", "г. Шымкент", "Қарағанды қ.", "г. Актобе", "г. Павлодар")
#: Addresses of the e-government bus's endpoints as integration services call them.
_SHEP_HOSTS = ("195.12.113.29", "10.61.40.133", "172.16.10.5")


class Values:
    """Personal values and look-alikes from one random generator."""

    def __init__(self, rng: random.Random) -> None:
        self.rng = rng

    def pick(self, seq):
        return self.rng.choice(seq)

    def digits(self, n: int) -> str:
        return "".join(self.rng.choice("0123456789") for _ in range(n))

    def hexs(self, n: int) -> str:
        return "".join(self.rng.choice("0123456789abcdef") for _ in range(n))

    def name(self) -> tuple[str, str]:
        return self.pick(_FIRST), self.pick(_LAST)

    # -- personal ---------------------------------------------------------------------------

    def iin(self) -> str:
        while True:
            year = self.rng.randint(1950, 2008)
            head = (f"{year % 100:02d}{self.rng.randint(1, 12):02d}{self.rng.randint(1, 28):02d}"
                    f"{(3 if year < 2000 else 5) + self.rng.randint(0, 1)}{self.digits(4)}")
            check = kz_check(head)
            if check is not None:
                return head + str(check)

    def bin(self) -> str:
        while True:
            head = (f"{self.rng.randint(0, 24):02d}{self.rng.randint(1, 12):02d}"
                    f"{self.rng.randint(4, 6)}{self.rng.randint(0, 3)}{self.digits(5)}")
            check = kz_check(head)
            if check is not None:
                return head + str(check)

    def mobile_digits(self) -> str:
        """Ten national digits of a Kazakh mobile number libphonenumber knows as allocated."""
        while True:
            national = self.pick(_MOBILE) + self.digits(7)
            number = phonenumbers.PhoneNumber(country_code=7, national_number=int(national))
            if phonenumbers.is_valid_number(number) and \
                    phonenumbers.region_code_for_number(number) == "KZ":
                return national

    def kz_phone(self) -> str:
        """A Kazakh mobile number in one of the ways people write them."""
        n = self.mobile_digits()
        a, b, c, d = n[:3], n[3:6], n[6:8], n[8:]
        return self.pick((
            f"+7 {a} {b} {c} {d}", f"+7 ({a}) {b}-{c}-{d}", f"8 {a} {b} {c} {d}",
            f"8 ({a}) {b}-{c}-{d}", f"+7{n}", f"8{n}", f"8-{a}-{b}-{c}-{d}",
            f"+7 {a} {b}{c}{d}", f"8 {a} {b[:2]} {b[2]}{c} {d}", f"+7-{a}-{b}-{c}-{d}",
            f"8({a}){b}{c}{d}", f"7{n}", f"+7 {a} {b}-{c}-{d}", f"+7({a}){b}{c}{d}",
            f"8 {a} {b} {c}{d}", f"+7 {a} {b} {c} {d}", f"7 {a} {b} {c} {d}",
            f"+7 ({a}) {b} {c} {d}", f"8-{a}-{b}{c}{d}", f"8 ({a}) {b} {c} {d}",
        ))

    def landline(self) -> str:
        """An Almaty or Astana landline as written in offices."""
        while True:
            if self.rng.random() < 0.6:
                sub = self.pick("23") + self.digits(6)
                national = "727" + sub
                form = self.pick((f"8 (727) {sub[0]} {sub[1:3]}-{sub[3:5]}-{sub[5:]}",
                                  f"8 (727) {sub[:3]}-{sub[3:5]}-{sub[5:]}",
                                  f"+7 727 {sub[:3]} {sub[3:5]} {sub[5:]}"))
            else:
                sub = self.pick(("55", "57", "70", "79")) + self.digits(4)
                national = "7172" + sub
                form = self.pick((f"8 (7172) {sub[:2]}-{sub[2:4]}-{sub[4:]}",
                                  f"+7 7172 {sub[:2]} {sub[2:4]} {sub[4:]}"))
            number = phonenumbers.PhoneNumber(country_code=7, national_number=int(national))
            if phonenumbers.is_valid_number(number):
                return form

    def intl_phone(self) -> str:
        """Neighbours' and partners' numbers, confirmed allocated by libphonenumber."""
        while True:
            form = self.pick((
                "+998 90 {3} {2} {2}", "+998 9{8}", "+998 {9}", "+996 700 {3} {3}", "+996 {9}",
                "+7 916 {3}-{2}-{2}", "+44 20 7946 0{3}", "+44 20{8}", "+49 30 {7}",
                "+90 532 {3} {2} {2}", "+86 139 {4} {4}", "+1 415 555 0{3}",
            ))
            text = form
            while "{" in text:
                k = text.index("{")
                n = int(text[k + 1])
                text = text[:k] + self.digits(n) + text[k + 3:]
            try:
                number = phonenumbers.parse(text, None)
            except phonenumbers.NumberParseException:
                continue
            if phonenumbers.is_valid_number(number):
                return text

    def email(self) -> str:
        first, last = self.name()
        first, last = first.lower().translate(TRANSLIT), last.lower().translate(TRANSLIT)
        local = self.pick((f"{first}.{last}", f"{first[0]}.{last}",
                           f"{last}{self.rng.randint(1, 99)}",
                           f"{first}_{last}+{self.pick(('shop', 'kaspi', 'news'))}",
                           f"{first}{self.rng.randint(1980, 2006)}", f"{first}-{last}",
                           f"{last}_{first[0]}{self.rng.randint(1, 9)}"))
        domain = self.pick((*_DOMAINS, "kaz-post.kz", "mail.kaspi.kz", "edu.kz", "nu.edu.kz",
                            "company.info", "shop.online", "telecom.kz"))
        address = f"{local}@{domain}"
        return address.upper() if self.rng.random() < 0.03 else address

    def ipv4(self) -> str:
        r = self.rng.random()
        if r < 0.15:
            return (f"10.{self.rng.randint(0, 255)}.{self.rng.randint(0, 255)}"
                    f".{self.rng.randint(1, 254)}")
        if r < 0.25:
            return f"192.168.{self.rng.randint(0, 20)}.{self.rng.randint(2, 254)}"
        a, b = self.pick(_KZ_NETS)
        return f"{a}.{b}.{self.rng.randint(0, 255)}.{self.rng.randint(1, 254)}"

    def ipv6(self) -> str:
        return self.pick((
            f"2a02:{self.hexs(4).lstrip('0') or '1'}:{self.hexs(3)}:{self.rng.randint(1, 99)}::"
            f"{self.hexs(2).lstrip('0') or '1'}",
            f"2001:db8:{self.hexs(4).lstrip('0') or 'a'}::{self.rng.randint(2, 999)}",
            f"fe80::{self.hexs(4).lstrip('0') or 'a'}:{self.hexs(2)}ff:fe{self.hexs(2)}:"
            f"{self.hexs(4).lstrip('0') or 'b'}",
        ))

    def mac(self) -> str:
        mac = f"{self.pick(_OUIS)}:{self.hexs(2)}:{self.hexs(2)}:{self.hexs(2)}"
        return mac.upper() if self.rng.random() < 0.3 else mac

    def imei(self) -> str:
        body = self.pick(_TACS) + self.digits(6)
        return body + luhn_digit(body)

    def card(self) -> str:
        if self.rng.random() < 0.05:  # American Express, 15 digits, 4-6-5
            body = self.pick(("37", "34")) + self.digits(12)
            number = body + luhn_digit(body)
            return self.pick((number, f"{number[:4]} {number[4:10]} {number[10:]}"))
        body = self.pick(_CARD_BINS) + self.digits(9)
        number = body + luhn_digit(body)
        if self.rng.random() < 0.5:
            return number
        sep = self.pick(" -")
        return sep.join(number[k : k + 4] for k in range(0, 16, 4))

    def kz_iban(self, grouped: bool | None = None) -> str:
        bban = self.pick(_KZ_BANKS) + "KZT" + self.digits(10)
        iban = "KZ" + mod97_check("KZ", bban) + bban
        if grouped if grouped is not None else self.rng.random() < 0.4:
            return " ".join(iban[k : k + 4] for k in range(0, 20, 4))
        return iban

    def uuid(self) -> str:
        return str(uuid.UUID(int=self.rng.getrandbits(128), version=4))

    def address(self) -> str:
        return (f"{self.pick(_CITIES)}, {self.pick(_STREETS)}, д. {self.rng.randint(1, 250)}"
                + (f", кв. {self.rng.randint(1, 300)}" if self.rng.random() < 0.6 else ""))

    # -- look-alikes --------------------------------------------------------------------------

    def bad_luhn16(self) -> str:
        body = self.pick(_CARD_BINS) + self.digits(9)
        return body + str((int(luhn_digit(body)) + self.rng.randint(1, 9)) % 10)

    def bad_kz12(self) -> str:
        head = f"{self.rng.randint(0, 99):02d}{self.rng.randint(1, 12):02d}" + self.digits(7)
        good = kz_check(head)
        return head + str(self.pick([d for d in range(10) if d != good]))

    def epoch_ms(self) -> str:
        return str(self.rng.randint(1_735_000_000_000, 1_800_000_000_000))

    def version4(self) -> str:
        return (f"{self.rng.randint(1, 20)}.{self.rng.randint(0, 30)}.{self.rng.randint(0, 200)}"
                f".{self.rng.randint(0, 250)}")

    def masked_card(self) -> str:
        number = self.card().replace(" ", "").replace("-", "")
        return self.pick((f"{number[:4]} {number[4:6]}** **** {number[-4:]}",
                          f"{number[:6]}******{number[-4:]}", f"**** **** **** {number[-4:]}"))

    def masked_email(self) -> str:
        local, _, domain = self.email().partition("@")
        return f"{local[:2]}****{local[-1]}@{domain}"

    def masked_phone(self) -> str:
        n = self.mobile_digits()
        return self.pick((f"+7 {n[:3]} *** ** {n[-2:]}", f"+7{n[:3]}*****{n[-2:]}"))


# -- the log formats ----------------------------------------------------------------------------

_UA = (
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/120.0.0.0 Safari/537.36",
    "Mozilla/5.0 (Windows; U; Windows NT 5.1; en-US; rv:1.8.1.4) Gecko/20070515 Firefox/2.0.0.4",
    "Mozilla/5.0 (iPhone; CPU iPhone OS 17_1_2 like Mac OS X) AppleWebKit/605.1.15 "
    "(KHTML, like Gecko) Version/17.1.2 Mobile/15E148 Safari/604.1",
    "Dalvik/2.1.0 (Linux; U; Android 13; SM-A536B Build/TP1A.220624.014)",
    "okhttp/4.12.0", "Kaspi.kz/5.12.0.1 (Android 14)", "curl/8.4.0",
    "Mozilla/5.0 (compatible; YandexBot/3.0; +http://yandex.com/bots)",
)


class Writer:
    """Writes the log files of one corpus."""

    def __init__(self, seed: int) -> None:
        self.rng = random.Random(seed)
        self.v = Values(self.rng)
        self.second = 0

    def ts(self) -> tuple[int, int, int, int, int]:
        self.second += self.rng.randint(0, 4)
        s = self.second
        return 3, 1 + s // 86400 % 28, s // 3600 % 24, s // 60 % 60, s % 60

    def iso(self) -> str:
        mo, d, h, mi, s = self.ts()
        ms = self.rng.randint(0, 999)
        return f"2026-{mo:02d}-{d:02d}T{h:02d}:{mi:02d}:{s:02d}.{ms:03d}+05:00"

    def app_ts(self) -> str:
        mo, d, h, mi, s = self.ts()
        return f"2026-{mo:02d}-{d:02d} {h:02d}:{mi:02d}:{s:02d},{self.rng.randint(0, 999):03d}"

    def clf_ts(self) -> str:
        mo, d, h, mi, s = self.ts()
        return f"{d:02d}/{MONTHS[mo - 1]}/2026:{h:02d}:{mi:02d}:{s:02d} +0500"

    def syslog_ts(self) -> str:
        mo, d, h, mi, s = self.ts()
        return f"{MONTHS[mo - 1]} {d:2d} {h:02d}:{mi:02d}:{s:02d}"

    # -- nginx / Apache combined -------------------------------------------------------------

    def access(self, f: LogFile, apache: bool) -> None:
        v = self.v
        ip = v.ipv4() if self.rng.random() < 0.93 else v.ipv6()
        method, path, extra = "GET", self.pick_path(), []
        r = self.rng.random()
        if r < 0.12:
            email = v.email()
            raw = quote(email, safe="") if self.rng.random() < 0.8 else email
            path = "/api/v1/auth/check?email="
            extra = [(raw, "EMAIL_ADDRESS"), f"&ts={v.epoch_ms()}"]
        elif r < 0.22:
            n = v.mobile_digits()
            raw = self.pick((f"%2B7{n}", f"8+{n[:3]}+{n[3:6]}+{n[6:8]}+{n[8:]}",
                             f"%2B7+{n[:3]}+{n[3:6]}+{n[6:8]}+{n[8:]}", f"8%20{n[:3]}%20{n[3:6]}"
                             f"%20{n[6:8]}%20{n[8:]}", f"%2B7%20%28{n[:3]}%29%20{n[3:6]}-{n[6:8]}"
                             f"-{n[8:]}"))
            path = self.pick(("/api/v1/otp/send?phone=", "/cabinet/profile?msisdn=",
                              "/search?q="))
            extra = [(raw, "PHONE_NUMBER"), "&lang=ru"]
        elif r < 0.26:
            path, extra = "/api/v2/clients/", [(v.iin(), "KZ_IIN"), "/loans"]
        elif r < 0.30:
            path = f"/static/js/app.{v.hexs(8)}.js?v={v.version4()}"
        elif r < 0.32:
            path, extra = "/redirect?to=https%3A%2F%2Fwa.me%2F", [
                ("7" + v.mobile_digits(), "PHONE_NUMBER"), "%3Ftext%3D"]
        elif r < 0.34:
            email = v.email()
            path, extra = "/unsubscribe?u=", [(quote(email, safe=""), "EMAIL_ADDRESS"),
                                              f"&sig={v.hexs(40)}"]
        elif r < 0.36:
            path, extra = "/api/v1/users/", [(v.email(), "EMAIL_ADDRESS"), "/avatar"]
        status = self.pick((200, 200, 200, 304, 302, 404, 499, 502))
        size = self.rng.randint(0, 90000)
        ref = self.pick(("-", "https://kaspi.kz/shop/", "https://www.google.com/",
                         "https://egov.kz/cms/ru"))
        ua = self.pick(_UA)
        if apache:
            tail = f'" {status} {size} "{ref}" "{ua}"'
            f.add((ip, "IP_ADDRESS"), f" - - [{self.clf_ts()}] \"{method} {path}", *extra,
                  " HTTP/1.1" + tail)
            return
        xff: list[Part] = [' "-"']
        r = self.rng.random()
        if r < 0.15:
            xff = [' "', (v.ipv4(), "IP_ADDRESS"), '"']
        elif r < 0.2:
            xff = [' "', (v.ipv4(), "IP_ADDRESS"), ", ", (v.ipv4(), "IP_ADDRESS"), '"']
        f.add((ip, "IP_ADDRESS"), f" - - [{self.clf_ts()}] \"{method} {path}", *extra,
              f' HTTP/1.1" {status} {size} "{ref}" "{ua}"', *xff,
              f" rt={self.rng.randint(0, 3000) / 1000:.3f}")

    def pick_path(self) -> str:
        v = self.v
        return self.pick((
            "/", "/favicon.ico", "/api/v1/catalog?page=2", f"/api/v1/orders/{v.digits(9)}",
            f"/api/v1/payments/{v.uuid()}", "/robots.txt", f"/img/logo@2x.png?{v.digits(6)}",
            f"/api/v1/cart?session={v.hexs(32)}", "/cms/ru/articles/dokumenty",
        ))

    def pick(self, seq):
        return self.rng.choice(seq)

    # -- syslog: sshd, OpenVPN, Postfix, kernel -------------------------------------------------

    def sshd(self, f: LogFile) -> None:
        v = self.v
        pid = self.rng.randint(1000, 99999)
        head = f"{self.syslog_ts()} srv-app-01 sshd[{pid}]: "
        ip = v.ipv4()
        port = self.rng.randint(1024, 65535)
        user = self.pick(("root", "admin", "deploy", "aigul", "ubuntu", "oracle"))
        kind = self.rng.randint(0, 5)
        if kind == 0:
            f.add(head + f"Accepted publickey for {user} from ", (ip, "IP_ADDRESS"),
                  f" port {port} ssh2: RSA SHA256:{v.hexs(43)}")
        elif kind == 1:
            f.add(head + f"Failed password for invalid user {user} from ", (ip, "IP_ADDRESS"),
                  f" port {port} ssh2")
        elif kind == 2:
            f.add(head + "Received disconnect from ", (ip, "IP_ADDRESS"),
                  f" port {port}:11: disconnected by user")
        elif kind == 3:
            f.add(head + f"pam_unix(sshd:session): session opened for user {user}(uid=1000) "
                  "by (uid=0)")
        elif kind == 4:
            f.add(f"{self.syslog_ts()} srv-app-01 kernel: [{self.rng.randint(1, 999999)}."
                  f"{v.digits(6)}] e1000e 0000:00:19.0 eth0: NIC Link is Up 1000 Mbps Full "
                  "Duplex, Flow Control: None")
        else:
            f.add(f"{self.syslog_ts()} srv-app-01 dhcpd[{pid}]: DHCPACK on ",
                  (f"192.168.1.{self.rng.randint(2, 250)}", "IP_ADDRESS"), " to ",
                  (v.mac().lower(), "MAC_ADDRESS"), f" (android-{v.hexs(16)}) via eth1")

    def openvpn(self, f: LogFile) -> None:
        v = self.v
        first, last = self.v.name()
        cn = f"{first.lower().translate(TRANSLIT)}.{last.lower().translate(TRANSLIT)[0]}"
        ip = v.ipv4()
        port = self.rng.randint(1024, 65535)
        vpn = f"10.8.0.{self.rng.randint(2, 250)}"
        head = f"{self.syslog_ts()} vpn-gw openvpn[{self.rng.randint(500, 9000)}]: "
        kind = self.rng.randint(0, 3)
        if kind == 0:
            f.add(head + f"{cn}/", (ip, "IP_ADDRESS"), f":{port} MULTI_sva: pool returned "
                  "IPv4=", (vpn, "IP_ADDRESS"), ", IPv6=(Not enabled)")
        elif kind == 1:
            f.add(head + f"{cn}/", (ip, "IP_ADDRESS"), f":{port} MULTI: Learn: ",
                  (vpn, "IP_ADDRESS"), f" -> {cn}/", (ip, "IP_ADDRESS"), f":{port}")
        elif kind == 2:
            f.add(head, (ip, "IP_ADDRESS"), f":{port} [{cn}] Peer Connection Initiated with "
                  "[AF_INET]", (ip, "IP_ADDRESS"), f":{port}")
        else:
            f.add(head + f"{cn}/", (ip, "IP_ADDRESS"), f":{port} peer info: IV_VER=2.6.8 "
                  "IV_PLAT=win IV_GUI_VER=OpenVPN_GUI_11.46.0.0")

    def postfix(self, f: LogFile) -> None:
        v = self.v
        qid = "".join(self.rng.choice("0123456789ABCDEF") for _ in range(10))
        host = f"{self.syslog_ts()} mx1 postfix/"
        kind = self.rng.randint(0, 4)
        ip = v.ipv4()
        if kind == 0:
            f.add(host + f"smtpd[{self.rng.randint(1000, 9999)}]: connect from unknown[",
                  (ip, "IP_ADDRESS"), "]")
        elif kind == 1:
            mid = f"{v.epoch_ms()}.{v.hexs(4).upper()}@mx.example.kz"
            f.add(host + f"cleanup[{self.rng.randint(1000, 9999)}]: {qid}: message-id=<{mid}>")
        elif kind == 2:
            f.add(host + f"qmgr[{self.rng.randint(1000, 9999)}]: {qid}: from=<",
                  (v.email(), "EMAIL_ADDRESS"), f">, size={self.rng.randint(900, 90000)}, "
                  "nrcpt=1 (queue active)")
        elif kind == 3:
            f.add(host + f"smtp[{self.rng.randint(1000, 9999)}]: {qid}: to=<",
                  (v.email(), "EMAIL_ADDRESS"), ">, relay=mx.yandex.ru[",
                  (ip, "IP_ADDRESS"), f"]:25, delay={self.rng.randint(1, 90) / 10}, "
                  f"dsn=2.0.0, status=sent (250 2.0.0 Ok: queued as {qid})")
        else:
            f.add(host + f"smtpd[{self.rng.randint(1000, 9999)}]: NOQUEUE: reject: RCPT from "
                  "unknown[", (ip, "IP_ADDRESS"), "]: 550 5.1.1 <", (v.email(), "EMAIL_ADDRESS"),
                  ">: Recipient address rejected: User unknown; from=<",
                  (v.email(), "EMAIL_ADDRESS"), "> to=<", (v.email(), "EMAIL_ADDRESS"),
                  "> proto=ESMTP")

    # -- a Java service: log4j lines, stack traces, pretty JSON --------------------------------

    def java(self, f: LogFile) -> None:
        v = self.v
        thread = f"http-nio-8080-exec-{self.rng.randint(1, 40)}"
        head = f"{self.app_ts()} {self.pick(('INFO ', 'WARN ', 'ERROR', 'DEBUG'))} [{thread}] "
        kind = self.rng.randint(0, 14)
        if kind == 0:
            f.add(head + "k.k.c.ClientService - Клиент найден: ИИН ", (v.iin(), "KZ_IIN"),
                  ", тел. ", (v.kz_phone(), "PHONE_NUMBER"), f", requestId={v.uuid()}")
        elif kind == 1:
            f.add(head + "k.k.p.PaymentService - Payment declined: card ",
                  (v.card(), "CREDIT_CARD"), f" amount={self.rng.randint(100, 900000)}.00 KZT "
                  f"rrn={v.digits(12)} auth_code={v.digits(6)}")
        elif kind == 9:
            f.add(head + "k.k.p.Acquiring - 3DS ok pan=", (v.card(), "CREDIT_CARD"),
                  f" eci=05 order={v.digits(10)} ts={v.epoch_ms()}")
        elif kind == 10:
            f.add(head + f"k.k.p.PaymentService - Оплата {self.rng.randint(100, 90000)} ₸ "
                  "картой ", (v.card(), "CREDIT_CARD"), " и картой ",
                  (v.card(), "CREDIT_CARD"), f" (сплит), blk={v.bad_luhn16()}")
        elif kind >= 11:
            f.add(head + self.pick((
                f"o.s.w.s.DispatcherServlet - Completed 200 OK in {self.rng.randint(1, 900)} ms",
                f"c.z.h.HikariPool - HikariPool-1 - Pool stats (total=20, active="
                f"{self.rng.randint(0, 20)}, idle={self.rng.randint(0, 20)}, waiting=0)",
                f"k.k.c.Cache - evicted {self.rng.randint(1, 5000)} entries, "
                f"hit ratio 0.{v.digits(3)}",
            )))
        elif kind == 2:
            f.add(head + f"k.k.p.PaymentService - Списание по карте {v.masked_card()} "
                  f"на сумму {self.rng.randint(100, 90000)} ₸, txn={v.bad_luhn16()}")
        elif kind == 3:
            f.add(head + "k.k.b.TransferService - Перевод на счёт ", (v.kz_iban(), "IBAN_CODE"),
                  " получателя БИН ", (v.bin(), "KZ_BIN"), f", ref={v.bad_kz12()}")
        elif kind == 4:
            f.add(f"{self.app_ts()} ERROR [{thread}] k.k.c.ClientController - Request failed")
            f.add("org.springframework.dao.DataIntegrityViolationException: could not execute "
                  "statement; Duplicate entry '", (v.email(), "EMAIL_ADDRESS"),
                  "' for key 'uk_client_email'")
            for depth in range(self.rng.randint(3, 7)):
                f.add(f"\tat kz.kaspi.client.repo.ClientRepository.save(ClientRepository.java:"
                      f"{self.rng.randint(20, 400)})" if depth == 0 else
                      f"\tat org.hibernate.engine.jdbc.spi.SqlExceptionHelper.convert("
                      f"SqlExceptionHelper.java:{self.rng.randint(50, 200)})")
            f.add("Caused by: java.sql.SQLIntegrityConstraintViolationException: Duplicate entry "
                  "for phone '", (v.kz_phone(), "PHONE_NUMBER"), "'")
            f.add(f"\t... {self.rng.randint(10, 80)} common frames omitted")
        elif kind == 5:
            # A response body logged pretty-printed: keys above their values.
            iin, phone2 = v.iin(), v.mobile_digits()
            f.add(f"{self.app_ts()} DEBUG [{thread}] k.k.c.CrmClient - Response body: {{")
            f.add('  "client": {')
            f.add('    "iin": "', (iin, "KZ_IIN"), '",')
            f.add('    "phones": [')
            f.add('      "', (v.kz_phone(), "PHONE_NUMBER"), '",')
            f.add('      "', ("8" + phone2, "PHONE_NUMBER"), '"')
            f.add("    ],")
            f.add('    "contacts": [')
            f.add("      {")
            f.add('        "type": "email",')
            f.add('        "value": "', (v.email(), "EMAIL_ADDRESS"), '"')
            f.add("      }")
            f.add("    ],")
            f.add('    "address": "', (v.address(), "ADDRESS"), '",')
            f.add(f'    "version": "{v.version4()}",')
            f.add(f'    "updatedAt": {v.epoch_ms()}')
            f.add("  }")
            f.add("}")
        elif kind == 6:
            f.add(head + f"k.k.a.AppInfo - Версия приложения: {v.version4()}, build "
                  f"{v.version4()}, JVM 17.0.9+9")
        elif kind == 7:
            f.add(head + "k.k.d.DeviceService - Устройство привязано: IMEI ",
                  (v.imei(), "IMEI"), ", MAC ", (v.mac(), "MAC_ADDRESS"), ", клиент ",
                  (v.email(), "EMAIL_ADDRESS"))
        else:
            f.add(head + f"o.a.k.c.c.i.ConsumerCoordinator - Committed offset {v.digits(7)} for "
                  f"partition client-events-{self.rng.randint(0, 11)}, "
                  f"traceId={v.hexs(32)} spanId={v.hexs(16)}")

    # -- a Python service: logging lines, key=value, tracebacks --------------------------------

    def python(self, f: LogFile) -> None:
        v = self.v
        head = f"{self.app_ts()} {self.pick(('INFO', 'WARNING', 'ERROR'))} notify.worker "
        kind = self.rng.randint(0, 9)
        if kind == 6:
            f.add(head + 'lookup phone="', (v.kz_phone(), "PHONE_NUMBER"), '" iin=',
                  (v.iin(), "KZ_IIN"), " peer=", (v.ipv4(), "IP_ADDRESS"),
                  f":{self.rng.randint(1024, 65535)} found=true")
            return
        if kind == 7:
            f.add(head + "webhook user=<", (v.email(), "EMAIL_ADDRESS"), "> mac=",
                  (v.mac().replace(":", "-"), "MAC_ADDRESS"),
                  f" firmware {v.version4()} (build {v.version4()})")
            return
        if kind == 8:
            f.add(head + f"snmp poll oid=1.3.6.1.4.1.{self.rng.randint(1000, 9999)}.1.2 "
                  f"agent=kafka_2.13-3.6.1 jdk1.8.0_{self.rng.randint(100, 400)} "
                  f"release {v.version4()}-rc{self.rng.randint(1, 5)}")
            return
        if kind == 9:
            f.add(head + "imei=", (v.imei(), "IMEI"), " idfa=", (v.uuid().upper(), "DEVICE_ID"),
                  f" session={v.uuid()}")
            return
        if kind == 0:
            f.add(head + "sms queued msisdn=", (v.kz_phone().replace(" ", ""), "PHONE_NUMBER"),
                  f" template=otp attempt={self.rng.randint(1, 3)} job_id={v.uuid()}")
        elif kind == 1:
            f.add(head + "email sent to=", (v.email(), "EMAIL_ADDRESS"), ",",
                  (v.email(), "EMAIL_ADDRESS"), f" subject=\"Чек №{v.digits(8)}\" "
                  f"took={self.rng.randint(5, 900)}ms")
        elif kind == 2:
            f.add(f"{self.app_ts()} ERROR notify.worker task failed")
            f.add("Traceback (most recent call last):")
            f.add('  File "/opt/notify/.venv/lib/python3.11/site-packages/notify/sms.py", line '
                  f"{self.rng.randint(10, 300)}, in send")
            f.add("    resp = client.post(url, json=payload, timeout=5)")
            f.add('  File "/usr/lib/python3.11/http/client.py", line 1286, in request')
            f.add("notify.errors.DeliveryError: provider rejected ", (v.intl_phone(),
                  "PHONE_NUMBER"), ": blocked destination")
        elif kind == 3:
            f.add(head + "push delivered device_id=", (v.uuid(), "DEVICE_ID"),
                  f" platform=ios app_version={v.version4()} user_id={v.digits(7)}")
        elif kind == 4:
            f.add(head + f"health ok version={v.version4()} python=3.11.7 uptime="
                  f"{self.rng.randint(1, 99999)}s")
        else:
            f.add(head + "callback from=", (v.ipv4(), "IP_ADDRESS"), " client=",
                  (v.email(), "EMAIL_ADDRESS"), f" masked={v.masked_email()} "
                  f"phone_masked=\"{v.masked_phone()}\"")

    # -- Android logcat ---------------------------------------------------------------------------

    def logcat(self, f: LogFile) -> None:
        v = self.v
        mo, d, h, mi, s = self.ts()
        head = (f"{mo:02d}-{d:02d} {h:02d}:{mi:02d}:{s:02d}.{self.rng.randint(0, 999):03d}  "
                f"{self.rng.randint(1000, 30000)}  {self.rng.randint(1000, 30000)} ")
        kind = self.rng.randint(0, 5)
        if kind == 0:
            f.add(head + "I AdsIdentifier: advertising_id=", (v.uuid(), "DEVICE_ID"),
                  " limitAdTracking=false")
        elif kind == 1:
            f.add(head + "D TelephonyManager: getImei: ", (v.imei(), "IMEI"))
        elif kind == 2:
            f.add(head + "I WifiService: connected to BSSID ", (v.mac().lower(), "MAC_ADDRESS"),
                  " ip ", (f"192.168.{self.rng.randint(0, 9)}.{self.rng.randint(2, 250)}",
                           "IP_ADDRESS"))
        elif kind == 3:
            f.add(head + "W ActivityManager: Slow operation: 152ms so far, now at "
                  "startProcess: done updating pids map")
        elif kind == 4:
            f.add(head + f"I chromium: [INFO:CONSOLE(1)] \"Kaspi WebView {v.version4()}\", "
                  "source: https://kaspi.kz/app.js (1)")
        else:
            f.add(head + "D OkHttp: --> POST https://api.example.kz/v1/profile "
                  '{"phone":"', (v.kz_phone(), "PHONE_NUMBER"), '","email":"',
                  (v.email(), "EMAIL_ADDRESS"), '"}')

    # -- Windows event text -----------------------------------------------------------------------

    def windows(self, f: LogFile) -> None:
        v = self.v
        sid = (f"S-1-5-21-{self.rng.randint(10**9, 4 * 10**9)}-{self.rng.randint(10**9, 4 * 10**9)}"
               f"-{self.rng.randint(10**8, 10**9)}-{self.rng.randint(1000, 9999)}")
        mo, d, h, mi, s = self.ts()
        when = f"{d:02d}.{mo:02d}.2026 {h:02d}:{mi:02d}:{s:02d}"
        kind = self.rng.randint(0, 2)
        if kind == 0:
            f.add(f"Information\t{when}\tMicrosoft-Windows-Security-Auditing\t4624\tLogon\t"
                  f"An account was successfully logged on. Security ID: {sid} Account Name: "
                  f"a.nurlanova Logon ID: 0x{v.hexs(7).upper()} Logon GUID: "
                  f"{{{v.uuid().upper()}}} Source Network Address: ",
                  (self.pick(("", "::ffff:")) + v.ipv4(), "IP_ADDRESS"),
                  f" Source Port: {self.rng.randint(1024, 65535)}")
        elif kind == 1:
            f.add(f"Error\t{when}\tApplication Error\t1000\t(100)\tFaulting application name: "
                  f"CrmClient.exe, version: {v.version4()}, time stamp: 0x{v.hexs(8)} Faulting "
                  f"module name: KERNELBASE.dll, version: 10.0.19041.3636")
        else:
            f.add(f"Warning\t{when}\tMicrosoft-Windows-DHCP-Client\t1001\tNone\tYour computer "
                  "has lost the lease to its IP address ", (v.ipv4(), "IP_ADDRESS"),
                  " on the Network Card with network address 0x", (v.mac().replace(":", "")
                                                                    .upper(), "MAC_ADDRESS"),
                  ".")

    # -- JSON API lines -----------------------------------------------------------------------

    def json_api(self, f: LogFile) -> None:
        v = self.v
        ensure_ascii = self.rng.random() < 0.3
        record: list[tuple[str, object]] = [
            ("ts", self.iso()), ("level", "info"), ("request_id", v.uuid()),
        ]
        planted: list[tuple[str, str, str]] = []  # key, value, entity
        kind = self.rng.randint(0, 9)
        numbers: list[tuple[str, str, str]] = []  # JSON numbers, not strings
        if kind == 6:
            numbers += [("iin", v.iin(), "KZ_IIN"), ("phone", "7" + v.mobile_digits(),
                                                    "PHONE_NUMBER")]
        elif kind == 7:
            planted += [("client_ip", "::ffff:" + v.ipv4(), "IP_ADDRESS"),
                        ("pan", v.card().replace(" ", "").replace("-", ""), "CREDIT_CARD")]
        elif kind == 8:
            planted += [("imei", v.imei(), "IMEI"), ("wifi_mac", v.mac(), "MAC_ADDRESS"),
                        ("idfa", v.uuid().upper(), "DEVICE_ID")]
        elif kind == 9:
            planted += [("to", v.email(), "EMAIL_ADDRESS"), ("cc", v.email(), "EMAIL_ADDRESS")]
        if kind == 0:
            planted += [("email", v.email(), "EMAIL_ADDRESS"), ("phone", v.kz_phone(),
                                                                "PHONE_NUMBER")]
        elif kind == 1:
            planted += [("client_iin", v.iin(), "KZ_IIN"), ("ip", v.ipv4(), "IP_ADDRESS")]
        elif kind == 2:
            planted += [("msisdn", "7" + v.mobile_digits(), "PHONE_NUMBER"),
                        ("address", v.ipv4() if self.rng.random() < 0.5 else v.ipv6(),
                         "IP_ADDRESS")]
        elif kind == 3:
            planted += [("recipient", v.email(), "EMAIL_ADDRESS"),
                        ("delivery_address", v.address(), "ADDRESS")]
        elif kind == 4:
            planted += [("contact", v.landline(), "PHONE_NUMBER")]
            if self.rng.random() < 0.5:
                # Apps whose login is the phone number log it bare, as 8 or 7 and ten digits;
                # an order number of the very same shape sits next to it, unlabelled.
                planted += [("login", self.pick(("7", "8")) + v.mobile_digits(),
                             "PHONE_NUMBER")]
                record.append(("order_id", "8" + v.mobile_digits()))
        else:
            planted += [("iban", v.kz_iban(grouped=False), "IBAN_CODE"),
                        ("bin", v.bin(), "KZ_BIN")]
        fields = record + [(k, val) for k, val, _ in planted] + [(k, int(val))
                                                                 for k, val, _ in numbers]
        fields.append(("duration_ms", self.rng.randint(1, 2000)))
        if self.rng.random() < 0.3:
            fields.append(("app_version", v.version4()))
        parts: list[Part] = ["{"]
        for k, (key, val) in enumerate(fields):
            parts.append(("" if k == 0 else ",") + json.dumps(key) + ":")
            entity = next((e for pk, pv, e in planted if pk == key and pv == val), None)
            number = next((e for pk, pv, e in numbers if pk == key and pv == str(val)), None)
            if number is not None:
                parts.append((str(val), number))
                continue
            if entity is None:
                parts.append(json.dumps(val, ensure_ascii=False))
                continue
            raw = json.dumps(val, ensure_ascii=ensure_ascii)
            parts += ['"', (raw[1:-1], entity), '"']
        parts.append("}")
        f.add(*parts)

    # -- a CRM's text log and its ';' export under a header -------------------------------------

    def crm(self, f: LogFile) -> None:
        v = self.v
        head = f"{self.app_ts()} [crm] "
        kind = self.rng.randint(0, 9)
        if kind == 5:
            f.add(head + "Новый лид: тел.", ("8" + v.mobile_digits(), "PHONE_NUMBER"),
                  ", e-mail: ", (v.email(), "EMAIL_ADDRESS"))
            return
        if kind == 6:
            n = v.mobile_digits()
            f.add(head + "моб: ", (f"{n[:3]} {n[3:6]} {n[6:8]} {n[8:]}", "PHONE_NUMBER"),
                  " (WhatsApp), раб.: ", (v.landline(), "PHONE_NUMBER"),
                  f" доб. {self.rng.randint(100, 999)}")
            return
        if kind == 7:
            first, last = v.name()
            f.add(head + 'Письмо от "', (f"{first} {last[0]}.", "PERSON"), '" <',
                  (v.email(), "EMAIL_ADDRESS"),
                  ">; копия: ", (v.email(), "EMAIL_ADDRESS"), "; ", (v.email(), "EMAIL_ADDRESS"))
            return
        if kind == 8:
            f.add(head + f"Клиент {v.masked_email()} / {v.masked_phone()} / карта "
                  f"{v.masked_card()} — данные скрыты")
            return
        if kind == 9:
            f.add(head + "Реквизиты: ИИК ", (v.kz_iban(grouped=True), "IBAN_CODE"),
                  " в АО «Kaspi Bank», БИК CASPKZKA, БИН ", (v.bin(), "KZ_BIN"))
            return
        if kind == 0:
            n = v.mobile_digits()
            nb = "\u00a0"
            f.add(head + "Клиент перезвонил с номера ",
                  (f"+7{nb}{n[:3]}{nb}{n[3:6]}{nb}{n[6:8]}{nb}{n[8:]}", "PHONE_NUMBER"),
                  f", обращение №{v.digits(7)}")
        elif kind == 1:
            f.add(head + "Өтінім қабылданды: ЖСН ", (v.iin(), "KZ_IIN"), ", байланыс телефоны ",
                  (v.landline(), "PHONE_NUMBER"))
        elif kind == 2 and self.rng.random() < 0.4:
            # A Kazakh export whose header names the number's column only as the client; a
            # column of order numbers of the very same shape stands before it, unlabelled.
            f.add(head + "Тапсырыстар экспорты:")
            f.add("күні;тапсырыс;клиент;сома")
            for _ in range(self.rng.randint(2, 4)):
                f.add(f"2026-03-{self.rng.randint(1, 28):02d};8{v.mobile_digits()};",
                      ("8" + v.mobile_digits(), "PHONE_NUMBER"),
                      f";{self.rng.randint(1000, 90000)}")
        elif kind == 2:
            f.add(head + f"Экспорт выгрузки клиентов ({self.rng.randint(2, 4)} строки):")
            f.add("дата;фио;телефон;иин;email")
            for _ in range(self.rng.randint(2, 4)):
                first, last = v.name()
                f.add(f"2026-03-{self.rng.randint(1, 28):02d};", (f"{last} {first[0]}.", "PERSON"),
                      ";",
                      ("8" + v.mobile_digits(), "PHONE_NUMBER"), ";", (v.iin(), "KZ_IIN"), ";",
                      (v.email(), "EMAIL_ADDRESS"))
        elif kind == 3:
            f.add(head + f"Заказ №{v.digits(11)} оплачен картой {v.masked_card()}, "
                  f"чек {v.bad_kz12()}")
        else:
            f.add(head + "Звонок: ", (v.intl_phone(), "PHONE_NUMBER"), " → оператор ",
                  f"{self.rng.randint(100, 999)}, длительность {self.rng.randint(5, 900)} c")

    def hdfs(self, f: LogFile) -> None:
        v = self.v
        sign = "-" if self.rng.random() < 0.3 else ""
        block = f"blk_{sign}{self.rng.randint(10**17, 9 * 10**18)}"
        mo, d, h, mi, s = self.ts()
        f.add(f"26{mo:02d}{d:02d} {h:02d}{mi:02d}{s:02d} {self.rng.randint(10, 999)} INFO "
              f"dfs.DataNode$DataXceiver: Receiving block {block} src: /",
              (v.ipv4(), "IP_ADDRESS"), f":{self.rng.randint(1024, 65535)} dest: /",
              (v.ipv4(), "IP_ADDRESS"), ":50010")

    # -- an integration service: SOAP with the e-government bus, 1C exchange packets -----------

    def integration(self, f: LogFile) -> None:
        """What a Java integration service logs of its SOAP exchanges with the e-government
        bus (ШЭП: ``SendMessage`` of ``bip.bee.kz/SyncChannel/v10``, the population database
        ГБД ФЛ, the mobile citizens' database, the labour contracts' service) as Apache CXF's
        ``LoggingInInterceptor``/``LoggingOutInterceptor`` write them (a block of headers and
        the payload on one line, or indented when ``prettyLogging`` is on), and of the 1C
        exchange packets it relays (the «Конвертация данных» format: ``<Свойство
        Имя="ИИН"><Значение>``, contact information as escaped XML in a value)."""
        kind = self.rng.randint(0, 8)
        if kind <= 1:
            self._cxf_person(f, outbound=kind == 0)
        elif kind == 2:
            self._shep_phone(f)
        elif kind == 3:
            self._shep_contract(f)
        elif kind == 4:
            self._onec_person(f)
        elif kind == 5:
            self._onec_company(f)
        elif kind == 6:
            self._cxf_pretty(f)
        elif kind == 7:
            self._onec_pretty(f)
        else:
            self._shep_fault(f)

    def _log_head(self, logger: str) -> str:
        thread = f"http-nio-8080-exec-{self.rng.randint(1, 40)}"
        return f"{self.app_ts()} INFO  [{thread}] {logger} - "

    def _shep_ts(self) -> str:
        return self.iso().replace("+05:00", "+06:00")

    def _request_info(self, service: str) -> str:
        v = self.v
        return (f"<requestInfo><messageId>{v.uuid()}</messageId><serviceId>{service}</serviceId>"
                f"<messageDate>{self._shep_ts()}</messageDate><sender><senderId>kaspi_crm"
                f"</senderId><password>{v.hexs(12)}</password></sender></requestInfo>")

    def _cxf(self, f: LogFile, outbound: bool, payload: list[Part], pretty: list[list[Part]]
             | None = None) -> None:
        """One CXF logging block: its header lines, then the payload (one line, or the lines
        of ``pretty``), then the dashes."""
        v = self.v
        direction = "Outbound" if outbound else "Inbound"
        f.add(self._log_head("o.a.c.s.SyncChannelHttpPort.REQ") + f"{direction} Message")
        f.add("---------------------------" + ("" if outbound else "-"))
        f.add(f"ID: {self.rng.randint(1, 99999)}")
        if outbound:
            f.add("Address: https://", (self.pick(_SHEP_HOSTS), "IP_ADDRESS"),
                  "/bip-sync-wss-gost/")
            f.add("Encoding: UTF-8")
            f.add("Http-Method: POST")
            f.add("Content-Type: text/xml")
            f.add('Headers: {Accept=[*/*], SOAPAction=[""]}')
        else:
            f.add("Response-Code: 200")
            f.add("Encoding: UTF-8")
            f.add("Content-Type: text/xml;charset=UTF-8")
            f.add(f"Headers: {{content-type=[text/xml;charset=UTF-8], Date=[Sun, 01 Mar 2026 "
                  f"{self.rng.randint(0, 23):02d}:{self.rng.randint(0, 59):02d}:"
                  f"{self.rng.randint(0, 59):02d} GMT], X-Request-Id=[{v.uuid()}]}}")
        if pretty is None:
            f.add("Payload: ", *payload)
        else:
            f.add("Payload: ")
            f.add_block(pretty)
        f.add("--------------------------------------")

    def _cxf_person(self, f: LogFile, outbound: bool) -> None:
        """A request of a person by IIN to ГБД ФЛ, or its answer."""
        v = self.v
        iin = v.iin()
        envelope = ('<soap:Envelope xmlns:soap="http://schemas.xmlsoap.org/soap/envelope/">'
                    "<soap:Body><ns2:SendMessage xmlns:ns2=\"http://bip.bee.kz/SyncChannel/v10/"
                    'Types"><request>')
        if outbound:
            self._cxf(f, True, [
                envelope + self._request_info("GBDFL_UniversalServiceSync")
                + '<requestData><data xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" '
                'xsi:type="ns3:PersonRequest" xmlns:ns3="http://gbdfl.gov.kz/person"><iin>',
                (iin, "KZ_IIN"), "</iin><consentConfirmed>true</consentConfirmed></data>"
                "</requestData></request></ns2:SendMessage></soap:Body></soap:Envelope>"])
            return
        first, last = v.name()
        year, month, day = "19" + iin[:2] if iin[6] in "34" else "20" + iin[:2], iin[2:4], iin[4:6]
        street = self.pick(_STREETS)
        doc = self.pick(("002", "001"))
        number = v.digits(9) if doc == "002" else "N" + v.digits(8)
        self._cxf(f, False, [
            envelope.replace("<request>", "<response>")
            + f"<responseInfo><messageId>{v.uuid()}</messageId><correlationId>{v.hexs(40)}"
            f"</correlationId><responseDate>{self._shep_ts()}</responseDate><status><code>"
            "SCSS001</code><message>Message has been processed successfully</message></status>"
            f"<sessionId>{{{v.uuid()}}}</sessionId></responseInfo><responseData><data><persons>"
            "<person><iin>", (iin, "KZ_IIN"),
            "</iin><surname>", (last.upper(), "PERSON"), "</surname><name>",
            (first.upper(), "PERSON"), "</name><birthDate>"
            f"{year}-{month}-{day}</birthDate><gender><code>{self.rng.randint(1, 2)}</code>"
            "</gender><regAddress><country><code>398</code><nameRu>КАЗАХСТАН</nameRu></country>"
            f"<region><code>{self.rng.randint(1900000, 1999999)}</code></region><street>",
            (street, "ADDRESS"), f"</street><building>{self.rng.randint(1, 250)}</building><flat>"
            f"{self.rng.randint(1, 300)}</flat><arCode>1{v.digits(15)}</arCode></regAddress>"
            f"<documents><document><type><code>{doc}</code></type><number>{number}</number>"
            f"<beginDate>20{self.rng.randint(10, 25)}-0{self.rng.randint(1, 9)}-1"
            f"{self.rng.randint(0, 9)}</beginDate></document></documents></person></persons>"
            "</data></responseData></response></ns2:SendMessage></soap:Body></soap:Envelope>"])

    def _shep_phone(self, f: LogFile) -> None:
        """The mobile citizens' database's answer, logged on one line after the logger's."""
        v = self.v
        f.add(self._log_head("k.k.i.shep.BmgClient") + "SHEP response: <soap:Envelope xmlns:soap="
              '"http://schemas.xmlsoap.org/soap/envelope/"><soap:Body><ns2:SendMessageResponse '
              'xmlns:ns2="http://bip.bee.kz/SyncChannel/v10/Types"><response><responseData>'
              "<data><iin>", (v.iin(), "KZ_IIN"), "</iin><phoneNumber>",
              ("7" + v.mobile_digits(), "PHONE_NUMBER"), "</phoneNumber><operator>"
              f"{self.pick(('KCELL', 'BEELINE', 'TELE2', 'ALTEL'))}</operator><registrationDate>"
              f"{self._shep_ts()}</registrationDate></data></responseData></response>"
              "</ns2:SendMessageResponse></soap:Body></soap:Envelope>")

    def _shep_contract(self, f: LogFile) -> None:
        """A labour contract sent to the labour contracts' service: the employer's BIN, the
        employee's IIN, a contract number and dates."""
        v = self.v
        f.add(self._log_head("k.k.i.shep.EnbekClient") + "contractRequest: <ns3:contractRequest "
              'xmlns:ns3="http://enbek.kz/contract/ws/schemas"><newContractData><employerData>'
              "<bin>", (v.bin(), "KZ_BIN"), "</bin></employerData><employeeData><iin>",
              (v.iin(), "KZ_IIN"), "</iin></employeeData><contractData><contractNumber>"
              f"{v.digits(6)}/{self.rng.randint(10, 26)}</contractNumber><contractDate>"
              f"2026-0{self.rng.randint(1, 3)}-{self.rng.randint(10, 28)}+06:00</contractDate>"
              f"<position>{v.digits(6)}</position></contractData></newContractData>"
              "</ns3:contractRequest>")

    def _onec_person(self, f: LogFile) -> None:
        """A 1C exchange packet of a person: code, name, IIN, and contact information as 1C
        keeps it (its own XML, escaped in the value, the number whole in ``Представление``
        and in parts after it)."""
        v = self.v
        first, last = v.name()
        n = v.mobile_digits()
        shown = self.pick((f"+7 ({n[:3]}) {n[3:6]}-{n[6:8]}-{n[8:]}", f"8 {n[:3]} {n[3:]}",
                           f"+7{n}"))
        q = "&quot;"
        contact = (f"&lt;КонтактнаяИнформация xmlns={q}http://www.v8.1c.ru/ssl/contactinfo{q} "
                   f"xmlns:xsi={q}http://www.w3.org/2001/XMLSchema-instance{q} Представление={q}")
        parts: list[Part] = [
            self._log_head("k.k.i.onec.Exchange") + "Выгрузка в 1С: <ФайлОбмена ВерсияФормата="
            f'"2.0" ДатаВыгрузки="2026-03-{self.rng.randint(10, 28)}T10:00:00"><Объект Нпп="'
            f'{self.rng.randint(1, 900)}" Тип="СправочникСсылка.ФизическиеЛица"><Ссылка Нпп="1">'
            f'<Свойство Имя="Код" Тип="Строка"><Значение>{v.digits(9)}</Значение></Свойство>'
            '</Ссылка><Свойство Имя="Наименование" Тип="Строка"><Значение>',
            (f"{last} {first}", "PERSON"),
            '</Значение></Свойство><Свойство Имя="ИИН" Тип="Строка"><Значение>',
            (v.iin(), "KZ_IIN"), '</Значение></Свойство><Свойство Имя="КонтактнаяИнформация" '
            'Тип="Строка"><Значение>' + contact, (shown, "PHONE_NUMBER"),
            f"{q}&gt;&lt;Комментарий/&gt;&lt;Состав xsi:type={q}НомерТелефона{q} КодСтраны={q}7"
            f"{q} КодГорода={q}{n[:3]}{q} Номер={q}{n[3:]}{q} Добавочный={q}{q}/&gt;&lt;/"
            "КонтактнаяИнформация&gt;</Значение></Свойство>"]
        if self.rng.random() < 0.5:
            parts += ['<Свойство Имя="АдресЭП" Тип="Строка"><Значение>' + contact,
                      (v.email(), "EMAIL_ADDRESS"), f"{q}&gt;&lt;Состав xsi:type={q}"
                      f"ЭлектроннаяПочта{q}/&gt;&lt;/КонтактнаяИнформация&gt;</Значение>"
                      "</Свойство>"]
        parts.append("</Объект></ФайлОбмена>")
        f.add(*parts)

    def _onec_pretty(self, f: LogFile) -> None:
        """A person of a 1C exchange file as 1C writes it, an element a line, logged whole:
        a phone and an order number of the very same shape, each bare under its property."""
        v = self.v
        first, last = v.name()
        f.add(self._log_head("k.k.i.onec.Exchange") + "Пакет обмена:")
        f.add(f'<Объект Нпп="{self.rng.randint(1, 900)}" Тип="СправочникСсылка.ФизическиеЛица" '
              'ИмяПравила="ФизическиеЛица">')
        props: list[tuple[str, str, Part]] = [
            ("Наименование", "Строка", (f"{last} {first}", "PERSON")),
            ("ИИН", "Строка", (v.iin(), "KZ_IIN")),
            ("ДатаРождения", "Дата", f"19{self.rng.randint(50, 99)}-0{self.rng.randint(1, 9)}-1"
                                     f"{self.rng.randint(0, 9)}T00:00:00"),
            ("Телефон", "Строка", ("8" + v.mobile_digits(), "PHONE_NUMBER")),
            ("НомерЗаказа", "Строка", "8" + v.mobile_digits()),
            ("АдресЭП", "Строка", (v.email(), "EMAIL_ADDRESS")),
        ]
        for name, kind, value in props:
            f.add(f'\t<Свойство Имя="{name}" Тип="{kind}">')
            f.add("\t\t<Значение>", value, "</Значение>")
            f.add("\t</Свойство>")
        f.add("</Объект>")

    def _onec_company(self, f: LogFile) -> None:
        """A 1C exchange packet of a counterparty: its BIN and its bank account (IBAN)."""
        v = self.v
        f.add(self._log_head("k.k.i.onec.Exchange") + "Загрузка из 1С: <Объект Нпп="
              f'"{self.rng.randint(1, 900)}" Тип="СправочникСсылка.Контрагенты"><Свойство Имя='
              '"Наименование" Тип="Строка"><Значение>ТОО &quot;'
              f'{self.pick(("Астана Логистик", "Kazakh Retail", "Шымкент Сауда"))}&quot;'
              '</Значение></Свойство><Свойство Имя="БИН" Тип="Строка"><Значение>',
              (v.bin(), "KZ_BIN"), '</Значение></Свойство><Свойство Имя="ОсновнойБанковскийСчет"'
              ' Тип="СправочникСсылка.БанковскиеСчета"><Свойство Имя="НомерСчета" Тип="Строка">'
              "<Значение>", (v.kz_iban(grouped=False), "IBAN_CODE"), "</Значение></Свойство>"
              '<Свойство Имя="БИК" Тип="Строка"><Значение>CASPKZKA</Значение></Свойство>'
              "</Свойство></Объект>")

    def _cxf_pretty(self, f: LogFile) -> None:
        """A person's answer with ``prettyLogging``: an element a line, indented."""
        v = self.v
        iin, n = v.iin(), v.mobile_digits()
        first, last = v.name()
        block: list[list[Part]] = [
            ['<soap:Envelope xmlns:soap="http://schemas.xmlsoap.org/soap/envelope/">'],
            ["  <soap:Body>"],
            ['    <ns2:SendMessageResponse xmlns:ns2="http://bip.bee.kz/SyncChannel/v10/Types">'],
            ["      <response>"],
            ["        <responseInfo>"],
            [f"          <messageId>{v.uuid()}</messageId>"],
            [f"          <responseDate>{self._shep_ts()}</responseDate>"],
            ["        </responseInfo>"],
            ["        <responseData>"],
            ["          <data>"],
            ["            <iin>", (iin, "KZ_IIN"), "</iin>"],
            ["            <surname>", (last.upper(), "PERSON"), "</surname>"],
            ["            <name>", (first.upper(), "PERSON"), "</name>"],
            ["            <phoneNumber>", ("7" + n, "PHONE_NUMBER"), "</phoneNumber>"],
            [f"            <requestNumber>7{v.mobile_digits()}</requestNumber>"],
            [f"            <arCode>1{v.digits(15)}</arCode>"],
            ["          </data>"],
            ["        </responseData>"],
            ["      </response>"],
            ["    </ns2:SendMessageResponse>"],
            ["  </soap:Body>"],
            ["</soap:Envelope>"],
        ]
        self._cxf(f, False, [], pretty=block)

    def _shep_fault(self, f: LogFile) -> None:
        """A SOAP fault whose text names the person asked for."""
        v = self.v
        f.add(f"{self.app_ts()} ERROR [http-nio-8080-exec-{self.rng.randint(1, 40)}] "
              "k.k.i.shep.GbdflClient - SHEP fault: <soap:Fault><faultcode>soap:Server"
              "</faultcode><faultstring>Person not found by IIN ", (v.iin(), "KZ_IIN"),
              f"</faultstring><detail><code>{self.pick(('ERR010', 'ERR404'))}</code>"
              f"<messageId>{v.uuid()}</messageId></detail></soap:Fault>")


    # -- lines without personal data, in each format's own words ------------------------------

    # -- 1C:Enterprise's technological journal (rphost_NNNN/yyMMddHH.log) ---------------------

    def _tj_number(self, low: int, high: int) -> int:
        """A count of ``low`` to ``high`` digits (memory, bytes, CPU time): no leading zero."""
        n = self.rng.randint(low, high)
        return self.rng.randint(10 ** (n - 1), 10 ** n - 1)

    def _tj(self, event: str, depth: int) -> str:
        """A journal line's start: the event's minutes and seconds (the hour is the file's
        name), its duration, name and depth."""
        _, _, _, mi, s = self.ts()
        return (f"{mi:02d}:{s:02d}.{self.rng.randint(0, 999999):06d}-"
                f"{self.rng.randint(0, 30000)},{event},{depth},")

    def _tj_session(self) -> tuple[Part, ...]:
        """A client session's properties, its user (an employee, by name) among them."""
        first, last = self.v.name()
        user = self.pick((f"{last} {first}", f"{last} {first[0]}.", "Администратор"))
        return (f"process=rphost,p:processName=zup_kz,OSThread={self.rng.randint(1000, 20000)},"
                f"t:clientID={self.rng.randint(1, 900)},t:applicationName=1CV8C,"
                f"t:computerName={self.pick(('BUH-PC', 'KADR-PC', 'WS-'))}"
                f"{self.rng.randint(1, 60):02d},t:connectID={self.rng.randint(100, 9999)},"
                f"SessionID={self.rng.randint(1, 500)},Usr=",
                user if user == "Администратор" else (user, "PERSON"), ",AppID=1CV8C")

    def onec_journal(self, f: LogFile) -> None:
        """Events of 1C's technological journal that hold a personal value: a query's
        parameter (an employee found by IIN, a counterparty by BIN), an exception's
        description over several lines (a phone, an e-mail), a call's context."""
        v = self.v
        session = self._tj_session()
        kind = self.rng.randint(0, 4)
        if kind == 0:
            sql = ("SELECT T1._IDRRef, T1._Description FROM dbo._Reference112 T1 "
                   "WHERE (T1._Fld2451 = P1)")
            if self.rng.random() < 0.5:
                dbpid = self.rng.randint(50, 300)
                f.add(self._tj("DBMSSQL", 4), *session, f",Trans=0,dbpid={dbpid}"
                      f",Sql='{sql}',Prm=\"p_0: '", (v.iin(), "KZ_IIN"), "'\",Rows=1,"
                      "Context='Справочник.ФизическиеЛица.Форма.ФормаЭлемента.Модуль : 42 : "
                      "НайтиПоИИН'")
            else:  # the parameters, one a line, as the journal writes them
                dbpid = self.rng.randint(50, 300)
                f.add(self._tj("DBMSSQL", 4), *session, f",Trans=1,dbpid={dbpid}"
                      f",Sql='{sql}',Prm=\"")
                f.add("p_0: '", (v.iin(), "KZ_IIN"), "'")
                f.add(f"\",Rows=1,RowsAffected=0,MemoryPeak={self._tj_number(9, 12)}")
        elif kind == 1:
            f.add(self._tj("DBMSSQL", 5), *session, f",Trans=0,dbpid={self.rng.randint(50, 300)},"
                  "Sql='SELECT T1._IDRRef FROM dbo._Reference87 T1 WHERE (T1._Fld1890 = P1)',"
                  "Prm=\"p_0: '", (v.bin(), "KZ_BIN"), "'\",Rows=1,Context='Обработка."
                  "ЗагрузкаВыписки.Форма.Форма.Модуль : 215 : НайтиКонтрагентаПоБИН'")
        elif kind == 2:
            first, last = v.name()
            f.add(self._tj("EXCP", 3), *session, ",Exception=DataBaseException,"
                  "Descr='src\\VResourceInfoBaseImpl.cpp(1277):")
            f.add("Ошибка при записи объекта «Физическое лицо»!")
            f.add("Телефон ", (v.kz_phone(), "PHONE_NUMBER"),
                  " уже указан у сотрудника ", (f"{last} {first[0]}.", "PERSON"), "'")
        elif kind == 3:
            f.add(self._tj("EXCP", 2), *session, ",Exception=NetworkException,"
                  "Descr='Не удалось отправить расчётный листок на адрес ",
                  (v.email(), "EMAIL_ADDRESS"), ": 550 5.1.1 Mailbox unavailable'")
        else:
            f.add(self._tj("CALL", 1), *session, f",CallID={self.rng.randint(1, 99999)},"
                  "Context='ОбщийМодуль.ИнтеграцияГБДФЛ.Модуль : 318 : "
                  "Ответ = ЗапроситьСведенияФЛ(\"", (v.iin(), "KZ_IIN"), "\");',"
                  f"Memory={self._tj_number(6, 8)},MemoryPeak={self._tj_number(9, 12)},"
                  f"InBytes={self._tj_number(4, 7)},OutBytes={self._tj_number(4, 8)},"
                  f"CpuTime={self._tj_number(3, 6)}")

    def _onec_journal_quiet(self, f: LogFile) -> None:
        """Events with no personal value but their session's user: calls with their memory
        and byte counts (up to twelve digits), locks, queries of documents by number."""
        v = self.v
        session = self._tj_session()
        kind = self.rng.randint(0, 3)
        if kind == 0:
            f.add(self._tj("CALL", 1), *session, f",CallID={self.rng.randint(1, 99999)},"
                  "Interface=bc15bd01-10bf-413c-a856-ddc907fcd123,IName=IContextMngrServer,"
                  f"MName=callContext,Memory={self._tj_number(6, 8)},"
                  f"MemoryPeak={self._tj_number(9, 12)},InBytes={self._tj_number(4, 7)},"
                  f"OutBytes={self._tj_number(4, 8)},CpuTime={self._tj_number(3, 6)}")
        elif kind == 1:
            f.add(self._tj("TLOCK", 4), *session, ",Regions=InfoRg12345.DIMS,"
                  f"Locks='InfoRg12345.DIMS Exclusive Fld12346={self._tj_number(12, 12)}',"
                  f"WaitConnections=,Context='Документ.НачислениеЗарплаты.МодульОбъекта : "
                  f"{self.rng.randint(10, 900)} : Движения.Записать()'")
        elif kind == 2:
            f.add(self._tj("DBMSSQL", 4), *session, f",Trans=1,dbpid={self.rng.randint(50, 300)},"
                  "Sql='SELECT T1._IDRRef FROM dbo._Document245 T1 WHERE (T1._Number = P1)',"
                  f"Prm=\"p_0: 'ЗУП0-{v.digits(6)}'\",Rows=1")
        else:
            f.add(self._tj("SCALL", 2) + "process=rmngr,OSThread="
                  f"{self.rng.randint(1000, 20000)},ClientID={self.rng.randint(1, 900)},"
                  "Interface=a8fa4fbe-4c2d-4a55-8a4b-9d1e0a4c5b11,IName=IClusterRegistry,"
                  f"MName=getInfoBases,DstClientID={self.rng.randint(1, 900)}")

    def quiet(self, f: LogFile, kind: str) -> None:
        """A line of ``kind``'s log that holds no personal value (most lines of a real log)."""
        v = self.v
        if kind == "java":
            self.java_quiet(f)
        elif kind == "python":
            f.add(f"{self.app_ts()} INFO notify.worker " + self.pick((
                f"health ok version={v.version4()} python=3.11.7",
                f"batch done sent={self.rng.randint(0, 500)} failed={self.rng.randint(0, 9)} "
                f"took={self.rng.randint(5, 9000)}ms",
                f"git fetch https://deploy:{v.hexs(12)}@git.example.kz/notify.git ok",
                f"retry scheduled job_id={v.uuid()} eta={self.iso()}",
            )))
        elif kind in ("sshd", "openvpn", "postfix"):
            f.add(f"{self.syslog_ts()} srv-app-01 " + self.pick((
                f"systemd[1]: Started Session {self.rng.randint(1, 9999)} of user deploy.",
                f"CRON[{self.rng.randint(1000, 99999)}]: (root) CMD (/usr/lib/php/sessionclean)",
                f"kernel: [{self.rng.randint(1, 99999)}.{v.digits(6)}] TCP: request_sock_TCP: "
                "Possible SYN flooding on port 443. Sending cookies.",
                f"postfix/anvil[{self.rng.randint(1000, 9999)}]: statistics: max connection "
                f"rate 1/60s for (smtp:unknown) at {self.syslog_ts()}",
            )))
        elif kind == "logcat":
            mo, d, h, mi, s = self.ts()
            f.add(f"{mo:02d}-{d:02d} {h:02d}:{mi:02d}:{s:02d}.{self.rng.randint(0, 999):03d}  "
                  f"{self.rng.randint(1000, 30000)}  {self.rng.randint(1000, 30000)} " + self.pick((
                      "I Choreographer: Skipped 31 frames!  The application may be doing too "
                      "much work on its main thread.",
                      f"D KaspiApp: build {v.version4()} flavor=prod",
                      "W System  : A resource failed to call close.",
                  )))
        elif kind == "crm":
            f.add(f"{self.app_ts()} [crm] " + self.pick((
                f"Синхронизация завершена: {self.rng.randint(1, 9000)} записей за "
                f"{self.rng.randint(1, 90)} с",
                f"Заказ №{v.digits(9)} переведён в статус «Доставлен»",
                f"Версия модуля интеграции {v.version4()}, сборка {v.version4()}",
                f"Тапсырыс №{v.digits(8)} жабылды, сомасы {self.rng.randint(100, 900000)} ₸",
            )))
        elif kind == "windows":
            mo, d, h, mi, s = self.ts()
            f.add(f"Information\t{d:02d}.{mo:02d}.2026 {h:02d}:{mi:02d}:{s:02d}\t"
                  "Service Control Manager\t7036\tNone\tThe Windows Update service entered "
                  f"the running state. Version {v.version4()}")
        elif kind == "integration":
            v = self.v
            f.add(self._log_head("k.k.i.shep.GbdflClient") + self.pick((
                f"SHEP status SCSS001 messageId={v.uuid()} took={self.rng.randint(20, 4000)}ms",
                "SHEP ack: <ns2:SendMessageResponse xmlns:ns2=\"http://bip.bee.kz/SyncChannel/"
                f"v10/Types\"><response><responseInfo><messageId>{v.uuid()}</messageId><status>"
                "<code>SCSS001</code><message>Message has been processed successfully</message>"
                "</status></responseInfo></response></ns2:SendMessageResponse>",
                f"1C exchange: {self.rng.randint(1, 900)} objects, packet {v.digits(9)}",
            )))
        elif kind == "onec_journal":
            self._onec_journal_quiet(f)
        elif kind == "json_api":
            f.add(json.dumps({"ts": self.iso(), "level": "info", "msg": "request completed",
                              "request_id": v.uuid(), "status": 200,
                              "duration_ms": self.rng.randint(1, 2000),
                              "order_id": int(v.digits(11))}, ensure_ascii=False))
        else:
            getattr(self, kind)(f)

    def java_quiet(self, f: LogFile) -> None:
        thread = f"http-nio-8080-exec-{self.rng.randint(1, 40)}"
        f.add(f"{self.app_ts()} INFO  [{thread}] " + self.pick((
            f"o.s.w.s.DispatcherServlet - Completed 200 OK in {self.rng.randint(1, 900)} ms",
            f"c.z.h.HikariPool - HikariPool-1 - Pool stats (total=20, active="
            f"{self.rng.randint(0, 20)}, idle={self.rng.randint(0, 20)}, waiting=0)",
            f"o.a.k.c.c.i.ConsumerCoordinator - Committed offset {self.v.digits(9)}",
        )))


#: Share of each format's lines that hold no personal value (a real log's proportion).
QUIET = {"java": 0.6, "python": 0.5, "sshd": 0.3, "openvpn": 0.3, "postfix": 0.3,
         "logcat": 0.6, "crm": 0.5, "windows": 0.5, "json_api": 0.4, "integration": 0.4,
         "onec_journal": 0.6}

#: Log files of the corpus and each one's share of the lines.
FORMATS: tuple[tuple[str, str, float], ...] = (
    ("nginx/access.log", "nginx", 0.18),
    ("apache/access_log", "apache", 0.06),
    ("syslog/auth.log", "sshd", 0.08),
    ("syslog/openvpn.log", "openvpn", 0.05),
    ("syslog/mail.log", "postfix", 0.07),
    ("app/payments-java.log", "java", 0.10),
    ("app/notify-python.log", "python", 0.08),
    ("android/logcat.txt", "logcat", 0.06),
    ("windows/events.txt", "windows", 0.05),
    ("api/events.jsonl", "json_api", 0.12),
    ("crm/crm.log", "crm", 0.05),
    ("hadoop/datanode.log", "hdfs", 0.02),
    ("integration/shep.log", "integration", 0.04),
    ("1c/rphost_4321/26030101.log", "onec_journal", 0.04),
)


#: The corpus' files that Windows programs write (``file_bytes``' ``windows``).
WINDOWS_FILES = ("windows/events.txt", "crm/crm.log", "integration/shep.log")
#: Windows' code page for Russian and Kazakh alike: it has no «ә», «ү», «қ»..., which Windows
#: writes as ``?`` (one character for one, so the labels' offsets hold).
CODE_PAGE = "cp1251"


def file_bytes(f: LogFile, encoding: str, rng: random.Random) -> bytes:
    """A corpus file's bytes as its systems write them: ``utf-8``; ``windows``, the files of
    Windows programs (``WINDOWS_FILES``) in Windows-1251; ``mixed``, a fifth of every
    file's lines (drawn with ``rng``) in Windows-1251 and the rest in UTF-8 (a Windows
    program's lines in a UTF-8 service's log)."""
    if encoding == "windows" and f.name in WINDOWS_FILES:
        return f.text.encode(CODE_PAGE, "replace")
    if encoding == "mixed":
        return b"".join((line.encode(CODE_PAGE, "replace") if rng.random() < 0.2
                         else line.encode()) + b"\n" for line in f.lines)
    return f.text.encode()


def corpus(lines: int = 20_000, seed: int = 94) -> list[LogFile]:
    """The log files of one corpus, about ``lines`` lines in all."""
    writer = Writer(seed)
    files = []
    for name, kind, share in FORMATS:
        f = LogFile(name)
        write: Callable[[LogFile], None]
        if kind in ("nginx", "apache"):
            def write(log: LogFile, apache: bool = kind == "apache") -> None:
                writer.access(log, apache)
        else:
            write = getattr(writer, kind)
        target = max(1, int(lines * share))
        quiet = QUIET.get(kind, 0.0)
        while len(f.lines) < target:
            if writer.rng.random() < quiet:
                writer.quiet(f, kind)
            else:
                write(f)
        files.append(f)
    return files


# -- scoring -----------------------------------------------------------------------------------


@dataclass
class Score:
    """Counts per entity and the confusions behind them."""

    tp: Counter = field(default_factory=Counter)
    fp: Counter = field(default_factory=Counter)
    fn: Counter = field(default_factory=Counter)
    false_positives: list[tuple[str, str, str]] = field(default_factory=list)
    false_negatives: list[tuple[str, str, str]] = field(default_factory=list)

    def precision(self, entity: str) -> float:
        found = self.tp[entity] + self.fp[entity]
        return self.tp[entity] / found if found else 1.0

    def recall(self, entity: str) -> float:
        planted = self.tp[entity] + self.fn[entity]
        return self.tp[entity] / planted if planted else 1.0


def evaluate(
    files: list[LogFile], detector,
    read: Callable[[LogFile], Iterable[tuple[int, list]]] | None = None,
) -> Score:
    """Scores ``detector`` (anything with derbes' ``Detector.scan_lines``) on the corpus files.

    Each file goes through ``scan_lines`` whole, as the log reader hands lines over. A finding
    counts when its entity and exact span in the raw line match a planted label; findings of
    entities the corpus does not label are not counted. ``read``: the line indexes and matches
    of a file some other way (its bytes written in an encoding and read back from disk by the
    log reader: ``benchmarks/realistic.py --encoding``).
    """
    score = Score()
    for f in files:
        gold = {(line, s, e, entity) for line, s, e, entity in f.labels}
        got = set()
        lines = f.lines
        if read is None:
            found = ((index, matches) for index, _line, matches
                     in detector.scan_lines(f.text.encode("utf-8")))
        else:
            found = read(f)
        for index, matches in found:
            for entity, s, e, _score in matches:
                if entity in ENTITIES:
                    got.add((index, s, e, entity))
        for item in got & gold:
            score.tp[item[3]] += 1
        for index, s, e, entity in sorted(got - gold):
            score.fp[entity] += 1
            score.false_positives.append((entity, lines[index][s:e], f"{f.name}:{index + 1}"))
        for index, s, e, entity in sorted(gold - got):
            score.fn[entity] += 1
            score.false_negatives.append((entity, lines[index][s:e], f"{f.name}:{index + 1}"))
    return score


def write_log(path: str, size: int, seed: int = 94, chunk_lines: int = 20_000) -> int:
    """Write about ``size`` bytes of dense log to ``path``: corpora of ``chunk_lines`` lines,
    each from the next seed (so values keep changing), their files one after another as a
    log collector would concatenate them. Returns the number of lines written."""
    written = lines = 0
    with open(path, "w", encoding="utf-8") as out:
        k = 0
        while written < size:
            for f in corpus(chunk_lines, seed=seed + k):
                text = f.text
                out.write(text)
                written += len(text.encode("utf-8"))
                lines += len(f.lines)
            k += 1
    return lines
