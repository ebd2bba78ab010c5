"""Demo data: a SQLite database and a folder of logs of a made-up Kazakh online shop.

Personal data sits where it would in real systems (a CRM table, order comments, device
tables, JSON event payloads, application, nginx and JSON logs, a legacy cp1251 log) next to
look-alikes that are not personal data (order numbers, request UUIDs, version strings).
"""

from __future__ import annotations

import datetime as dt
import gzip
import json
import random
import sqlite3
import uuid
from dataclasses import dataclass
from pathlib import Path

from faker import Faker

from derbes.detectors.faker_kz import KazakhProvider

DEMO_POLICY = """\
# Demo policy of «Demo Shop» LLP: what it says it collects, and where.
operator:
  name: ТОО «Demo Shop»
  bin: "210140019844"
categories:
  - category: ФИО
    purposes: [исполнение договора]
    retention: P5Y
  - category: ИИН
    purposes: [исполнение договора]
    retention: P5Y
  - category: абонентский номер
    purposes: [связь с клиентом]
    retention: P3Y
  - category: электрондық пошта
    purposes: [рассылка]
    retention: until_consent_withdrawn
  - category: ip_address
    purposes: [безопасность]
    retention: P1Y
  - category: device_id
    purposes: [аналитика]
    retention: P1Y
not_collected:
  - payment_card
storage:
  countries: [KZ]
logs:
  retention: P3Y
"""


@dataclass(frozen=True)
class DemoData:
    """Where the demo put its files."""

    database: Path
    logs_dir: Path
    logs: tuple[Path, ...]
    policy: Path


def make_demo(folder: Path, clients: int = 2000, seed: int = 7) -> DemoData:
    """Write the demo database, logs and policy into ``folder``; return their paths."""
    folder.mkdir(parents=True, exist_ok=True)
    rng = random.Random(seed)
    fake = Faker("ru_RU")
    fake.seed_instance(seed)
    fake.add_provider(KazakhProvider)
    people = [_person(fake, rng) for _ in range(clients)]
    database = folder / "demo.db"
    if database.exists():
        database.unlink()
    _database(database, people, fake, rng)
    logs_dir = folder / "logs"
    logs_dir.mkdir(exist_ok=True)
    logs = (
        _app_log(logs_dir / "app.log", people, rng),
        _nginx_log(logs_dir / "access.log.gz", people, rng),
        _json_log(logs_dir / "events.jsonl", people, rng),
        _legacy_log(logs_dir / "legacy-1c.log", people, rng),
    )
    policy = folder / "policy.yaml"
    policy.write_text(DEMO_POLICY, encoding="utf-8")
    return DemoData(database, logs_dir, logs, policy)


def _person(fake: Faker, rng: random.Random) -> dict:
    name = fake.kazakh_name() if rng.random() < 0.6 else fake.russian_name()
    login = fake.user_name()
    domain = rng.choice(["mail.kz", "gmail.com", "mail.ru", "yandex.kz", "inbox.kz"])
    return {
        "name": name,
        "iin": fake.iin(),
        "phone": fake.kz_phone(),
        "email": f"{login}{rng.randint(1, 99)}@{domain}",
        "birth": fake.date_of_birth(minimum_age=18, maximum_age=80).isoformat(),
        "address": f"г. {rng.choice(['Алматы', 'Астана', 'Шымкент', 'Караганда'])}, "
                   f"ул. {fake.street_name()}, д. {rng.randint(1, 200)}",
        "ip": fake.ipv4_public(),
        "idfa": fake.idfa(),
        "imei": fake.imei(),
        "mac": fake.mac(),
        "android_id": fake.android_id(),
        "card": fake.card_number(),
        "iban": fake.kz_iban(),
    }


def _database(path: Path, people: list[dict], fake: Faker, rng: random.Random) -> None:
    con = sqlite3.connect(path)
    con.executescript(
        """
        CREATE TABLE clients (id INTEGER PRIMARY KEY, full_name TEXT, iin TEXT, phone TEXT,
            email TEXT, birth_date TEXT, address TEXT, created_at TEXT);
        CREATE TABLE orders (id INTEGER PRIMARY KEY, order_number TEXT, client_id INTEGER,
            amount NUMERIC, status TEXT, comment TEXT, request_id TEXT);
        CREATE TABLE devices (id INTEGER PRIMARY KEY, client_id INTEGER, advertising_id TEXT,
            imei TEXT, mac TEXT, android_id TEXT, app_version TEXT);
        CREATE TABLE payments (id INTEGER PRIMARY KEY, client_id INTEGER, card_number TEXT,
            iban TEXT, amount NUMERIC, paid_at TEXT);
        CREATE TABLE events (id INTEGER PRIMARY KEY, kind TEXT, payload TEXT);
        CREATE TABLE legal_entities (id INTEGER PRIMARY KEY, company TEXT, bin INTEGER);
        """
    )
    for i, p in enumerate(people, 1):
        con.execute(
            "INSERT INTO clients VALUES (?,?,?,?,?,?,?,?)",
            (i, p["name"], p["iin"], p["phone"], p["email"], p["birth"], p["address"],
             fake.date_time_this_decade().isoformat()),
        )
        for _ in range(rng.randint(0, 3)):
            comment = rng.choice([
                "Доставка до двери", "Оставить у консьержа", "Позвонить заранее",
                f"Перезвонить по номеру {p['phone']}", "Қоңырау шалмаңыз",
                f"Call back on {p['phone']} after 18:00", "",
            ])
            con.execute(
                "INSERT INTO orders (order_number, client_id, amount, status, comment, request_id)"
                " VALUES (?,?,?,?,?,?)",
                (f"{rng.randint(10**11, 10**12 - 1)}", i, round(rng.uniform(1000, 90000), 2),
                 rng.choice(["new", "paid", "shipped"]), comment,
                 str(uuid.UUID(int=rng.getrandbits(128)))),
            )
        if rng.random() < 0.7:
            con.execute(
                "INSERT INTO devices (client_id, advertising_id, imei, mac, android_id, "
                "app_version) VALUES (?,?,?,?,?,?)",
                (i, p["idfa"], p["imei"], p["mac"], p["android_id"],
                 f"{rng.randint(1, 9)}.{rng.randint(0, 30)}.{rng.randint(0, 200)}"),
            )
        if rng.random() < 0.5:
            con.execute(
                "INSERT INTO payments (client_id, card_number, iban, amount, paid_at) "
                "VALUES (?,?,?,?,?)",
                (i, p["card"], p["iban"], round(rng.uniform(1000, 90000), 2),
                 fake.date_time_this_year().isoformat()),
            )
        payload = {
            "contact": {"email": p["email"], "phone": p["phone"]},
            "device": {"android_id": p["android_id"], "os": "Android 14"},
            "ip": p["ip"],
            "cart": [{"sku": f"SKU-{rng.randint(1000, 9999)}", "qty": rng.randint(1, 3)}],
        }
        con.execute("INSERT INTO events (kind, payload) VALUES (?, ?)",
                    ("checkout", json.dumps(payload, ensure_ascii=False)))
    for _ in range(50):
        con.execute("INSERT INTO legal_entities (company, bin) VALUES (?, ?)",
                    (f"ТОО «{fake.company()}»", int(fake.bin())))
    con.commit()
    con.close()


def _stamp(rng: random.Random, start: dt.datetime, days: int) -> dt.datetime:
    return start + dt.timedelta(seconds=rng.randint(0, days * 86400))


def _app_log(path: Path, people: list[dict], rng: random.Random) -> Path:
    start = dt.datetime(2021, 3, 1)
    templates = [
        "INFO  [auth] Пользователь {iin} вошёл в систему, тел. {phone}",
        "INFO  [auth] Клиент {name} (ИИН {iin}) подтвердил email {email}",
        "WARN  [sms] Не удалось отправить SMS на номер {phone}: timeout",
        "INFO  [crm] Клиент жаңартылды: ЖСН {iin}, ұялы телефон {phone}",
        "INFO  [http] GET /api/v2/orders/{order} 200 12ms request_id={uuid}",
        "DEBUG [cache] hit key=order:{order} ttl=3600 build=1.24.{build}",
        "INFO  [pay] payment ok order={order} amount={amount} KZT ts={epoch}",
        "ERROR [mail] bounce from {email}: mailbox full",
    ]
    lines = []
    for _ in range(6000):
        p = rng.choice(people)
        ts = _stamp(rng, start, 5 * 365)
        template = rng.choice(templates)
        lines.append(f"{ts:%Y-%m-%d %H:%M:%S} " + template.format(
            iin=p["iin"], phone=p["phone"], name=p["name"], email=p["email"],
            order=rng.randint(10**11, 10**12 - 1), uuid=uuid.UUID(int=rng.getrandbits(128)),
            build=rng.randint(100, 999), amount=rng.randint(500, 90000),
            epoch=int(ts.timestamp() * 1000),
        ))
    lines.sort()
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def _nginx_log(path: Path, people: list[dict], rng: random.Random) -> Path:
    start = dt.datetime(2025, 1, 1)
    lines = []
    for _ in range(8000):
        p = rng.choice(people)
        ts = _stamp(rng, start, 600)
        lines.append(
            f'{p["ip"]} - - [{ts:%d/%b/%Y:%H:%M:%S} +0500] "GET /catalog?page={rng.randint(1, 40)}'
            f' HTTP/1.1" 200 {rng.randint(200, 90000)} "-" "Mozilla/5.0 (Linux; Android 14) '
            f'Chrome/120.0.6099.{rng.randint(10, 200)} Mobile"'
        )
    lines.sort(key=lambda s: s.split("[", 1)[1])
    with gzip.open(path, "wt", encoding="utf-8") as fh:
        fh.write("\n".join(lines) + "\n")
    return path


def _json_log(path: Path, people: list[dict], rng: random.Random) -> Path:
    start = dt.datetime(2025, 6, 1)
    with path.open("w", encoding="utf-8") as fh:
        for _ in range(5000):
            p = rng.choice(people)
            ts = _stamp(rng, start, 300)
            event = {
                "ts": ts.isoformat(),
                "level": "info",
                "event": rng.choice(["app_open", "login", "purchase"]),
                "trace_id": str(uuid.UUID(int=rng.getrandbits(128))),
                "user": {"fio": p["name"], "phone": p["phone"], "email": p["email"]},
                "device": {"idfa": p["idfa"], "imei": p["imei"]},
                "app_version": f"4.{rng.randint(0, 20)}.{rng.randint(0, 99)}",
            }
            fh.write(json.dumps(event, ensure_ascii=rng.random() < 0.3) + "\n")
    return path


def _legacy_log(path: Path, people: list[dict], rng: random.Random) -> Path:
    start = dt.datetime(2019, 1, 10)
    lines = []
    for _ in range(1500):
        p = rng.choice(people)
        ts = _stamp(rng, start, 700)
        lines.append(f"{ts:%d.%m.%Y %H:%M:%S} Выгрузка 1С: контрагент {p['name']}, ИИН {p['iin']}, "
                     f"счёт {p['iban']}")
    path.write_bytes(("\r\n".join(lines) + "\r\n").encode("cp1251", "replace"))
    return path
