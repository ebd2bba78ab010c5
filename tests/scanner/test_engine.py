"""The scan engine over in-memory sources: aggregation, coordinates, failures, evidence rules."""

from __future__ import annotations

import contextlib
import threading

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from derbes.detectors import DerbesRecognizer, Pattern
from derbes.detectors.kz_iin import KzIinRecognizer
from derbes.scanner.engine import ScanOptions, scan
from derbes.scanner.engine import timestamps as timestamps_module
from derbes.scanner.engine.detect import Detector
from derbes.scanner.errors import SourceError
from derbes.scanner.sources.base import (
    Column,
    Container,
    ContainerDone,
    LineBatch,
    Source,
    ValueBatch,
)

# Valid IINs from the independent vectors; 123456789123 fails the checksum.
IIN_A, IIN_B, IIN_C = "871008401427", "760212350620", "800416300257"


class FakeSource(Source):
    """A source whose containers and batches are given up front; a container may fail."""

    def __init__(self, name, kind, tables, fail=(), fail_listing=False):
        self.name, self.kind = name, kind
        self.tables = tables
        self.fail = set(fail)
        self.fail_listing = fail_listing
        self.closed = False

    def containers(self):
        if self.fail_listing:
            raise SourceError(self.name, "connection refused")
        for name, (columns, _) in self.tables.items():
            yield Container(name, "table" if self.kind == "database" else "file",
                            tuple(Column(c, "TEXT") for c in columns))

    def read(self, container):
        _, batches = self.tables[container.name]
        yield from batches
        if container.name in self.fail:
            raise SourceError(self.name, "permission denied", container.name)
        if not any(isinstance(b, ContainerDone) for b in batches):
            yield ContainerDone(rows_scanned=10)

    def close(self):
        self.closed = True


def _detector():
    return Detector([KzIinRecognizer()])


def _table_source(**kw):
    return FakeSource("db", "database", {
        "public.clients": (["iin", "order_no", "note"], [
            ValueBatch("iin", [1, 2, 3], [IIN_A, IIN_B, IIN_C]),
            ValueBatch("order_no", [1, 2, 3], ["123456789123", "868795643215", "821214240092"]),
            ValueBatch("note", [1, 2, 3], ["", "позвонить", "ok"]),
        ]),
        "public.audit": (["payload.user.iin"], [
            ValueBatch("payload.user.iin", [4], [f"iin={IIN_A}"]),
        ]),
    }, **kw)


def test_table_findings_are_exact():
    result = scan([_table_source()], ScanOptions(), detector=_detector())
    got = {(f.container, f.field, f.entity, f.match_type, f.hits, f.distinct_values)
           for f in result.findings}
    assert got == {
        ("public.clients", "iin", "KZ_IIN", "value+name", 3, 3),
        ("public.audit", "payload.user.iin", "KZ_IIN", "value+name", 1, 1),
    }
    clients = next(f for f in result.findings if f.container == "public.clients")
    assert clients.rows_scanned == 10 and clients.rows_with_hits == 3
    assert clients.category == "iin"
    assert set(clients.examples) == {"**********27", "**********20", "**********57"}
    assert result.sources[0].status == "ok"


def test_name_evidence_without_values():
    source = FakeSource("db", "database", {
        "public.people": (["full_name", "birth_date", "status"], [
            ValueBatch("full_name", [1], ["Айгерим Нурланова"]),
        ]),
    })
    result = scan([source], ScanOptions(), detector=_detector())
    got = {(f.field, f.entity, f.match_type, f.hits) for f in result.findings}
    # full_name has a value no detector here reads, birth_date none at all: the names stand.
    assert got == {("full_name", "PERSON", "name", 0), ("birth_date", "DATE_OF_BIRTH", "name", 0)}


def test_birth_dates_and_addresses_in_columns_named_for_them_are_read_whole():
    """No recognizer finds a birth date or an address by its value: in a column named for
    one, each value is read whole and validated as a JSON member's value would be (a real
    date after 1900; an address with letters and more than one word or a number). A kind
    of address, a flag or a junk date is no hit (flags contradict the column's name: no
    finding at all); a name column's words are person_name's."""
    from derbes.detectors.address_by_key import AddressByKeyRecognizer
    from derbes.detectors.birth_date_by_key import BirthDateByKeyRecognizer
    from derbes.detectors.person_by_key import PersonByKeyRecognizer

    rows = [1, 2, 3, 4, 5]
    source = FakeSource("db", "database", {
        "public.people": (["birth_date", "Дата рождения", "is_birthday_sent", "address",
                           "address_type", "fio"], [
            ValueBatch("birth_date", rows, ["1987-10-08", " 1976-02-12 ", "1850-01-01",
                                            "2099-01-01", "не указана"]),
            ValueBatch("Дата рождения", rows, ["08.10.1987", "12.02.1976", "08.10.1987",
                                               "31.02.1990", ""]),
            ValueBatch("is_birthday_sent", rows, ["true", "false", "1", "0", "true"]),
            ValueBatch("address", rows, ["ул. Абая 10, кв. 5", "Алматы, пр. Достык",
                                         "10.0.0.1:5432", "db.internal.kz", "home"]),
            ValueBatch("address_type", rows, ["billing", "shipping", "BILLING", "home",
                                              "billing"]),
            ValueBatch("fio", rows, ["admin", "Active", "root", "test", "n/a"]),
        ]),
    })
    detector = Detector([KzIinRecognizer(), BirthDateByKeyRecognizer(),
                         AddressByKeyRecognizer(), PersonByKeyRecognizer()])
    result = scan([source], ScanOptions(), detector=detector)
    got = {(f.field, f.entity, f.match_type, f.hits, f.rows_with_hits) for f in result.findings}
    assert got == {
        ("birth_date", "DATE_OF_BIRTH", "value+name", 2, 2),
        ("Дата рождения", "DATE_OF_BIRTH", "value+name", 3, 3),
        ("address", "ADDRESS", "value+name", 2, 2),
        ("address_type", "ADDRESS", "name", 0, 0),
        ("fio", "PERSON", "name", 0, 0),
    }
    dates = next(f for f in result.findings if f.field == "birth_date")
    assert dates.examples == ("****-**-**",) and dates.distinct_values == 2


def test_xml_elements_and_attributes_are_read_by_their_names(tmp_path):
    """A 1C exchange file (attributes) and SOAP messages logged by an integration with an
    e-government service (elements, namespace prefixes), both written by ElementTree: the
    names, birth dates and addresses only their tags tell are found, as under JSON keys."""
    import xml.etree.ElementTree as ET

    from derbes.scanner.sources.logs import LogSource

    root = ET.Element("ФайлОбмена", ВерсияФормата="2.0")
    staff = ET.SubElement(root, "Сотрудники")
    for code, (name, born, iin) in enumerate([("Серикова Айгуль Маратовна", "1987-10-08", IIN_A),
                                              ("Иванов Иван Иванович", "1976-02-12", IIN_B)]):
        person = ET.SubElement(staff, "Сотрудник", Код=f"{code:04d}", ФИО=name,
                               ДатаРождения=born)
        ET.SubElement(person, "ИИН").text = iin
        ET.SubElement(person, "Адрес").text = "г. Алматы, ул. Абая, 150"
    ET.indent(root)
    (tmp_path / "staff.xml").write_bytes(ET.tostring(root, encoding="utf-8",
                                                     xml_declaration=True))
    ET.register_namespace("soapenv", "http://schemas.xmlsoap.org/soap/envelope/")
    ET.register_namespace("types", "http://bip.bee.kz/SyncChannel/v10/Types")
    lines = []
    for k, (last, born) in enumerate([("Нурланова", "1980-04-16"), ("Ахметов", "1968-05-03")]):
        envelope = ET.Element("{http://schemas.xmlsoap.org/soap/envelope/}Envelope")
        body = ET.SubElement(envelope, "{http://schemas.xmlsoap.org/soap/envelope/}Body")
        data = ET.SubElement(body, "{http://bip.bee.kz/SyncChannel/v10/Types}data")
        ET.SubElement(data, "lastName").text = last
        ET.SubElement(data, "birthDate").text = born
        ET.SubElement(data, "comment").text = "Иванов 1999-01-01"  # no key of a name or date
        lines.append(f"2026-11-20 10:15:0{k},114 INFO [shep] response: "
                     + ET.tostring(envelope, encoding="unicode"))
    # A JSON line whose string holds XML: its field is its key path, as any JSON line's.
    lines.append('{"ts": "2026-11-20T10:15:09Z", "body": "<data><lastName>Ахметова</lastName>'
                 '</data>"}')
    (tmp_path / "shep.log").write_text("\n".join(lines) + "\n", encoding="utf-8")
    result = scan([LogSource(str(tmp_path / "staff.xml")), LogSource(str(tmp_path / "shep.log"))],
                  ScanOptions(hits=True, show_values=True, hash_key=b"k" * 32))
    # Each in its element's path on the line (a SOAP envelope's two left out).
    got = sorted((h.container.rsplit("/", 1)[-1], h.field, h.entity, h.value)
                 for h in result.hits)
    assert got == sorted([
        # An element a line: each read in the element open on the line above.
        ("staff.xml", "Сотрудники.Сотрудник.ФИО", "PERSON", "Серикова Айгуль Маратовна"),
        ("staff.xml", "Сотрудники.Сотрудник.ФИО", "PERSON", "Иванов Иван Иванович"),
        ("staff.xml", "Сотрудники.Сотрудник.ДатаРождения", "DATE_OF_BIRTH", "1987-10-08"),
        ("staff.xml", "Сотрудники.Сотрудник.ДатаРождения", "DATE_OF_BIRTH", "1976-02-12"),
        ("staff.xml", "Сотрудник.ИИН", "KZ_IIN", IIN_A),
        ("staff.xml", "Сотрудник.ИИН", "KZ_IIN", IIN_B),
        ("staff.xml", "Сотрудник.Адрес", "ADDRESS", "г. Алматы, ул. Абая, 150"),
        ("staff.xml", "Сотрудник.Адрес", "ADDRESS", "г. Алматы, ул. Абая, 150"),
        ("shep.log", "data.lastName", "PERSON", "Нурланова"),
        ("shep.log", "data.lastName", "PERSON", "Ахметов"),
        ("shep.log", "data.birthDate", "DATE_OF_BIRTH", "1980-04-16"),
        ("shep.log", "data.birthDate", "DATE_OF_BIRTH", "1968-05-03"),
        ("shep.log", "body", "PERSON", "Ахметова")])
    # Offsets in the field's value.
    assert {h.start for h in result.hits if h.field != "body"} == {0}


def test_properties_named_by_an_attribute_are_found_by_their_names(tmp_path):
    """Formats whose fields are generic elements named by an attribute: a 1C exchange packet
    (``<Свойство Имя="ИИН"><Значение>``, its contact information escaped XML in a value) logged
    by an integration, and ``mysqldump --xml`` (``<field name="email">``, a field a line).
    Each value is found under its property's name (with the name's evidence), not under
    ``Свойство.Значение``, a birth date too (read whole, as in a column of its name); the
    naming attribute ``Имя`` ("name") is no person's name."""
    import xml.etree.ElementTree as ET

    from derbes.scanner.sources.logs import LogSource

    packet = ET.Element("ФайлОбмена", ВерсияФормата="2.0")
    item = ET.SubElement(packet, "Объект", Нпп="1", Тип="СправочникСсылка.ФизическиеЛица")
    contact = ('<КонтактнаяИнформация xmlns="http://www.v8.1c.ru/ssl/contactinfo" '
               'Представление="+7 (701) 123-45-67"><Состав КодГорода="701" Номер="1234567"/>'
               "</КонтактнаяИнформация>")
    for name, value in (("Наименование", "Серикова Айгуль"), ("ИИН", IIN_A),
                        ("ДатаРождения", "1987-10-08T00:00:00"), ("КонтактнаяИнформация", contact)):
        prop = ET.SubElement(item, "Свойство", Имя=name, Тип="Строка")
        ET.SubElement(prop, "Значение").text = value
    line = "2026-11-20 10:15:02,114 INFO [1c] Выгрузка: " + ET.tostring(packet, "unicode")
    (tmp_path / "exchange.log").write_text(line + "\n", encoding="utf-8")
    (tmp_path / "dump.xml").write_text(
        '<?xml version="1.0"?>\n<mysqldump>\n<database name="shop">\n'
        '\t<table_data name="clients">\n\t<row>\n\t\t<field name="id">1</field>\n'
        f'\t\t<field name="iin">{IIN_B}</field>\n\t\t<field name="email">a.nur@mail.kz</field>\n'
        "\t</row>\n\t</table_data>\n</database>\n</mysqldump>\n", encoding="utf-8")
    sources = [LogSource(str(tmp_path / name)) for name in ("exchange.log", "dump.xml")]
    result = scan(sources, ScanOptions(hits=True, show_values=True, hash_key=b"k" * 32))
    got = sorted((h.container.rsplit("/", 1)[-1], h.field or "", h.entity, h.value)
                 for h in result.hits)
    assert got == sorted([
        ("exchange.log", "ФайлОбмена.Объект.ИИН", "KZ_IIN", IIN_A),
        # An individual's Наименование is their name: found by value, as a name reads.
        ("exchange.log", "ФайлОбмена.Объект.Наименование", "PERSON", "Серикова Айгуль"),
        # No key beside it: read whole as its property's name says (a table's column's way).
        ("exchange.log", "ФайлОбмена.Объект.ДатаРождения", "DATE_OF_BIRTH",
         "1987-10-08T00:00:00"),
        ("exchange.log", "ФайлОбмена.Объект.КонтактнаяИнформация", "PHONE_NUMBER",
         "+7 (701) 123-45-67"),
        ("dump.xml", "row.iin", "KZ_IIN", IIN_B),
        ("dump.xml", "row.email", "EMAIL_ADDRESS", "a.nur@mail.kz")])
    findings = {(f.field, f.entity, f.match_type) for f in result.findings}
    assert ("ФайлОбмена.Объект.ИИН", "KZ_IIN", "value+name") in findings
    assert ("row.email", "EMAIL_ADDRESS", "value+name") in findings
    assert not [f for f in result.findings if f.field and f.field.endswith(".Имя")]


def test_birth_dates_in_a_csv_read_as_a_log_are_read_whole(tmp_path):
    """The same in a delimited file with a header (an Excel export in cp1251 with «Дата
    рождения»): as a table (``.csv``), and read as a log, where the header names the cells:
    each value is found in its column either way."""
    from derbes.detectors.address_by_key import AddressByKeyRecognizer
    from derbes.detectors.birth_date_by_key import BirthDateByKeyRecognizer
    from derbes.scanner.sources import open_source
    from derbes.scanner.sources.logs import LogSource

    header = "ИИН;Дата рождения;Адрес;Тип адреса"
    rows = [f"{iin};{d:02d}.0{d % 9 + 1}.19{60 + d};\"ул. Абая {d}, кв. 5\";billing"
            for d, iin in enumerate([IIN_A, IIN_B, IIN_C] * 4, 1)]
    text = "\r\n".join([header, *rows]).encode("cp1251")
    (tmp_path / "clients.csv").write_bytes(text)
    (tmp_path / "export.log").write_bytes(text)
    detector = Detector([KzIinRecognizer(), BirthDateByKeyRecognizer(),
                         AddressByKeyRecognizer()])
    result = scan([open_source(str(tmp_path / "clients.csv")),
                   LogSource(str(tmp_path / "export.log"))], ScanOptions(), detector=detector)
    got = {(f.container.rsplit("/", 1)[-1], f.field, f.entity, f.hits)
           for f in result.findings if f.hits}
    assert got == {
        ("clients.csv", "ИИН", "KZ_IIN", 12), ("clients.csv", "Дата рождения", "DATE_OF_BIRTH", 12),
        ("clients.csv", "Адрес", "ADDRESS", 12),
        ("export.log", "ИИН", "KZ_IIN", 12), ("export.log", "Дата рождения", "DATE_OF_BIRTH", 12),
        ("export.log", "Адрес", "ADDRESS", 12)}


def test_log_lines_coordinates_and_json_paths():
    lines = [
        "2026-01-02 10:00:00 INFO login ok",
        f"2026-01-02 10:00:01 INFO ИИН {IIN_A} вошёл",
        '{"ts":"2021-05-01T00:00:00","user":{"iin":"' + IIN_B + '"}}',
    ]
    source = FakeSource("logs", "log", {
        "app.log": ([], [LineBatch("\n".join(lines).encode(), first_line=7)]),
    })
    result = scan([source], ScanOptions(hits=True), detector=_detector())
    hits = sorted((h.row, h.field, h.start, h.end, h.masked) for h in result.hits)
    assert hits == [
        (8, None, lines[1].index(IIN_A), lines[1].index(IIN_A) + 12, "**********27"),
        (9, "user.iin", 0, 12, "**********20"),
    ]
    assert all(h.value is None for h in result.hits)
    by_field = {f.field: f for f in result.findings}
    assert by_field["user.iin"].oldest_seen == "2021-05-01T00:00:00"
    assert by_field[None].rows_scanned == 10  # from ContainerDone


def test_pieces_of_a_long_line_keep_line_and_offset():
    source = FakeSource("logs", "log", {
        "big.log": ([], [
            LineBatch(b"x" * 10, first_line=1),
            LineBatch(f"yy {IIN_A}".encode(), first_line=1, continued=True, offset=1000),
            LineBatch(f"next {IIN_C}".encode(), first_line=2),
        ]),
    })
    result = scan([source], ScanOptions(hits=True), detector=_detector())
    assert sorted((h.row, h.start, h.end) for h in result.hits) == [(1, 1003, 1015), (2, 5, 17)]


def test_show_values_carries_raw_values_only_when_asked():
    source = _table_source()
    result = scan([source], ScanOptions(hits=True, show_values=True), detector=_detector())
    assert {h.value for h in result.hits} >= {IIN_A, IIN_B, IIN_C}
    assert IIN_A in next(f for f in result.findings if f.field == "iin").examples


def test_hash_is_keyed():
    a = scan([_table_source()], ScanOptions(hits=True, hash_key=b"k1"), detector=_detector())
    b = scan([_table_source()], ScanOptions(hits=True, hash_key=b"k2"), detector=_detector())
    ha = {h.value_hash for h in a.hits}
    hb = {h.value_hash for h in b.hits}
    assert ha and hb and not ha & hb
    import hashlib

    assert hashlib.sha256(IIN_A.encode()).hexdigest()[:32] not in ha


def test_failing_container_keeps_the_rest_and_what_was_read():
    source = _table_source(fail={"public.clients"})
    result = scan([source], ScanOptions(), detector=_detector())
    summary = result.sources[0]
    assert summary.status == "partial"
    assert summary.errors == ("public.clients: permission denied",)
    # What was read before the failure is kept; the other table is fully reported.
    assert {f.container for f in result.findings if f.match_type != "name"} == {
        "public.clients", "public.audit"}
    assert result.incomplete


def test_failing_source_never_hides_the_others():
    bad = _table_source(fail_listing=True)
    unopened = SourceError("postgresql://u:***@h/db", "could not connect: timeout")
    good = _table_source()
    result = scan([bad, unopened, good], ScanOptions(), detector=_detector())
    assert [s.status for s in result.sources] == ["failed", "failed", "ok"]
    assert result.sources[0].errors == ("connection refused",)
    assert len([f for f in result.findings if f.source == "db"]) == 2 + 0
    assert bad.closed and good.closed


class _WeakRecognizer(DerbesRecognizer):
    """A made-up weak detector: 'ZZ' + 6 digits, score 0.6, no validation."""

    ENTITY = "TEST_WEAK"
    PATTERNS = (Pattern("zz", r"ZZ[0-9]{6}", 0.6),)
    PREFILTERS = (rb"ZZ[0-9]{6}",)


@pytest.mark.parametrize(
    ("values", "reported"),
    [
        (["ZZ123456"] + ["x"] * 99, False),  # one stray weak hit in 100 rows
        (["ZZ123456", "ZZ654321"] + ["x"] * 98, True),  # two rows
        (["ZZ123456"] + ["x"] * 9, True),  # 10% of rows
    ],
)
def test_weak_evidence_needs_rows(values, reported):
    rows = list(range(1, len(values) + 1))
    source = FakeSource("db", "database", {"t.free": (["comment"], [
        ValueBatch("comment", rows, values), ContainerDone(rows_scanned=len(values))])})
    result = scan([source], ScanOptions(), detector=Detector([_WeakRecognizer()]))
    assert any(f.entity == "TEST_WEAK" for f in result.findings) is reported


def test_stop_event_marks_interrupted():
    stop = threading.Event()
    stop.set()
    result = scan([_table_source()], ScanOptions(), detector=_detector(), stop=stop)
    assert result.interrupted and result.incomplete


def test_integer_columns_get_their_leading_zeros_back():
    """061211600012 (an IIN, second pass) and 070941024691 (a BIN) from the issue's vectors,
    stored in integer columns, read back without their leading zero; in a text column the
    same 11 digits are just 11 digits. (The columns are named for their entity: one value
    alone is no evidence without a name, see test_evidence.py.)"""
    from derbes.detectors.kz_bin import KzBinRecognizer

    def source(kind):
        container = Container("public.people", "table", (
            Column("person_iin", kind), Column("company_bin", kind)))

        class One(FakeSource):
            def containers(self):
                yield container

        return One("db", "database", {"public.people": (["person_iin", "company_bin"], [
            ValueBatch("person_iin", [1, 2], ["61211600012", "61211600012"]),
            ValueBatch("company_bin", [1, 2], ["70941024691", "70941024691"]),
        ])})

    detector = Detector([KzIinRecognizer(), KzBinRecognizer()])
    result = scan([source("BIGINT")], ScanOptions(hits=True, hash_key=b"k"), detector=detector)
    got = {(f.field, f.entity, f.examples) for f in result.findings}
    assert got == {("person_iin", "KZ_IIN", ("**********12",)),
                   ("company_bin", "KZ_BIN", ("**********91",))}
    # The same IIN written in full hashes the same: distinct values compare across columns.
    from derbes.scanner.redact import value_hash

    assert {h.value_hash for h in result.hits if h.entity == "KZ_IIN"} == {
        value_hash(b"k", "KZ_IIN", "061211600012")}
    text = scan([source("TEXT")], ScanOptions(), detector=detector)
    # Only the names stand (the values, 11 digits, are no IIN or BIN).
    assert {(f.field, f.match_type) for f in text.findings} == {
        ("person_iin", "name"), ("company_bin", "name")}


def test_a_struct_named_for_an_entity_is_no_name_finding_beside_its_fields(tmp_path):
    # A Parquet struct (or a JSON record's object) "address" whose street holds addresses:
    # the value finding of address.street stands for it, without "address" as a schema
    # hint of 0 hits beside it. A struct whose fields hold nothing of it keeps its hint.
    import pyarrow as pa
    import pyarrow.parquet as pq

    from derbes.scanner.sources.tabular import TabularSource

    rows = [{"street": f"ул. Абая {i}, кв. 5", "city": "Алматы"} for i in range(1, 41)]
    pq.write_table(pa.table({"address": rows, "home_address": [{"floor": 2}] * 40}),
                   tmp_path / "t.parquet")
    result = scan([TabularSource(str(tmp_path / "t.parquet"))])
    got = {(f.field, f.entity, f.match_type) for f in result.findings}
    assert ("address.street", "ADDRESS", "value+name") in got, got
    assert not [g for g in got if g[0] == "address"], got
    assert ("home_address", "ADDRESS", "name") in got, got


@pytest.mark.parametrize(("line", "expected"), [
    ("2026-11-21T10:05:09.123Z INFO login", "2026-11-21T10:05:09"),
    ("2026-11-21 10:05:09,123 ERROR", "2026-11-21T10:05:09"),
    ('10.1.2.3 - - [21/Nov/2026:10:05:09 +0600] "GET / HTTP/1.1" 200', "2026-11-21T10:05:09"),
    ("21.11.2026 10:05:09 Пользователь вошёл", "2026-11-21T10:05:09"),
    # The leftmost timestamp is the line's own; a later one is data.
    ("[21/Nov/2026:10:05:09 +0600] born 1990-01-02 00:00:00", "2026-11-21T10:05:09"),
    ("2026-13-01T00:00:00 month 13", None),
    ("[21/Foo/2026:10:05:09 +0600] no such month", None),
    ("31.12.1969 23:59:59 before the epoch", None),
    ("order 20261121100509 no separators", None),
    ("x" * 200 + " 2026-11-21T10:05:09 too far from the start", None),
])
def test_log_line_timestamps(line, expected):
    assert timestamps_module.timestamp(line) == expected
    assert timestamps_module.timestamp(line) == expected  # the second time from the memo


def test_timestamps_need_ascii_digits():
    assert timestamps_module.timestamp("٢٠٢٦-١١-٢١T10:05:09 Arabic-Indic digits") is None


def test_distinct_values_are_counted_on_normalized_values_with_any_key_length():
    from derbes.detectors.phone import PhoneRecognizer
    from derbes.scanner.redact import distinct_key

    source = FakeSource("logs", "log", {
        "app.log": ([], [LineBatch(
            "тел +7 701 123-45-67\nтел 87011234567\nтел +7 (701) 123 45 67\nтел +7 702 000 11 22"
            .encode(), first_line=1)]),
    })
    for key in (b"k", b"x" * 200):
        result = scan([source], ScanOptions(hash_key=key), detector=Detector([PhoneRecognizer()]))
        (finding,) = result.findings
        assert (finding.hits, finding.distinct_values) == (4, 2)
    assert distinct_key(b"x" * 65, "KZ_IIN", "61211600012") == distinct_key(
        b"x" * 65, "KZ_IIN", "061211600012")
    assert distinct_key(b"a", "KZ_IIN", "061211600012") != distinct_key(
        b"b", "KZ_IIN", "061211600012")


_TS_PARTS = st.sampled_from([
    "2024-03-19 16:00:01", "2024-03-19T16:00:01", "2024-03-19 16:00:02", "[19/Mar/2024:16:00:01",
    "[19/Foo/2024:16:00:01", "19.03.2024 16:00:01", "2024-13-19 16:00:01", '{"ts":"', "1.2.3.4",
    " - - ", ",123 INFO ", "[", "2", "-", ".", ":", " ", "x",
])


@settings(max_examples=500, deadline=None)
@given(st.lists(st.lists(_TS_PARTS, max_size=6).map("".join), min_size=1, max_size=8))
def test_timestamp_memo_gives_what_a_fresh_search_gives(lines):
    cut = timestamps_module.year_cut("2026-03-02T00:00:00")
    for line in lines + lines:  # the second time, from the memo where it applies
        assert timestamps_module.timestamp(line, cut) == timestamps_module.by_regex(line, cut), line


def test_a_long_scan_gives_the_garbage_collector_nothing_more_to_walk(tmp_path):
    """Memos and distinct-value sets grow to tens of thousands of entries in a long scan;
    held as strings and bytes, they are nothing a full collection walks. Measured as the
    number of references the collector would follow (gc.get_referents of every tracked
    object) after the first file and after the last, in the middle of one scan."""
    import gc

    from derbes.detectors.corpora.common import kz_check
    from derbes.detectors.ip_address import IpAddressRecognizer
    from derbes.detectors.phone import PhoneRecognizer
    from derbes.scanner.sources.logs import LogSource

    files, lines = 4, 1500
    n = 0
    for f in range(files):
        out = []
        for i in range(lines):
            n += 1
            while kz_check(head := f"8{n % 10}0{(n // 10) % 9 + 1}0{(n // 90) % 9 + 1}3"
                                  f"{n % 10000:04d}") is None:
                n += 1
            out.append(f"2026-11-{f + 1:02d} 10:{i // 60 % 60:02d}:{i % 60:02d}.{i:06d} "
                       f"ИИН {head}{kz_check(head)} tel +7 701 {n % 1000:03d} {n % 97:02d} "
                       f"{n % 89:02d} ip 5.{f}.{i // 250}.{i % 250 + 1}")
        (tmp_path / f"{f}.log").write_text("\n".join(out) + "\n", encoding="utf-8")
    walked = []

    def measure(source, container, done, total, read=0):
        gc.collect()
        if done in (1, total):
            walked.append(sum(len(gc.get_referents(o)) for o in gc.get_objects()))

    detector = Detector([KzIinRecognizer(), PhoneRecognizer(), IpAddressRecognizer()])
    result = scan([LogSource(str(tmp_path))], ScanOptions(jobs=1), detector=detector,
                  progress=measure)
    distinct = sum(f.distinct_values or 0 for f in result.findings)
    assert distinct > 3 * (files - 1) * lines  # the caches did grow by that many values
    first, last = walked
    # A tracked cache would add at least one reference per value: thousands.
    assert last - first < (files - 1) * lines // 10, (first, last)


def test_objects_older_than_the_scan_are_frozen_while_it_runs():
    """The collector's full collections skip what was alive before the scan (frozen while
    sources are read), everything is given back afterwards, and objects a caller froze
    itself stay frozen."""
    import gc

    seen = []

    class Watching(FakeSource):
        def read(self, container):
            seen.append(gc.get_freeze_count())
            yield from super().read(container)

    def source():
        return Watching("db", "database", {
            "t": (["iin"], [ValueBatch("iin", [1], [IIN_A])]),
        })

    assert gc.get_freeze_count() == 0
    result = scan([source()], ScanOptions(), detector=_detector())
    assert [f.hits for f in result.findings] == [1]
    assert seen[0] > 0 and gc.get_freeze_count() == 0
    # A caller's own freeze: the scan neither adds to it nor takes it back. (Frozen objects
    # that die leave the count, so it may only fall; a scan freezing again would add the
    # objects made after the caller's freeze, these among them.)
    gc.freeze()
    try:
        frozen = gc.get_freeze_count()
        made_after = [{"n": k} for k in range(1000)]
        seen.clear()
        scan([source()], ScanOptions(), detector=_detector())
        assert len(seen) == 1 and 0 < seen[0] <= frozen
        assert 0 < gc.get_freeze_count() <= frozen
        assert len(made_after) == 1000
    finally:
        gc.unfreeze()


# Every kind of white space str.lstrip() strips (ASCII, the separators \x1c-\x1f, Unicode
# spaces), a brace, and characters of each width a str stores.
@settings(max_examples=2000, deadline=None)
@given(st.text(alphabet=list(" \t\n\r\x0b\x0c\x1c\x1f\x85\xa0\u2003\u3000{}a[\"Ж\U0001f600"),
               max_size=10))
def test_where_a_line_holds_an_object_as_lstrip_and_a_search_read_it(line):
    """Where the engine reads a line's JSON object from (compiled: characters read in C):
    where ``line.lstrip()`` starts, when it starts with ``{``; else the first ``{`` that a
    ``"`` follows, spaces between (``\\s``, what ``str.isspace`` holds)."""
    import re

    from derbes.scanner.engine.container import _object_start

    stripped = line.lstrip()
    if stripped.startswith("{"):
        expected = len(line) - len(stripped)
    else:
        m = re.search(r'\{\s*"', line)
        expected = -1 if m is None else m.start()
    assert _object_start(line) == expected


def test_an_object_after_a_log_lines_words_gives_its_key_paths(tmp_path) -> None:
    # A service logs a request's body after its own words: each value in its key path, as on
    # a JSON line (before, such values had no field: the file alone).
    from derbes.scanner.sources.logs import LogSource

    path = tmp_path / "app.log"
    path.write_text(
        '2026-12-01 10:00:05 INFO [http-nio-8080-exec-3] {traceId=ab12} Request body: '
        '{"client": {"phone": "87011234572", "email": "a.serik@mail.kz"}}\n'
        f'2026-12-01 10:00:06 INFO payload={{"iin":"{IIN_A}","contacts":[{{"value":'
        '"+77011234573"}]}\n'
        "2026-12-01 10:00:07 INFO {\"client\":{\"phone\":\"87011234574\"}}\n"
        "2026-12-01 10:00:08 INFO call from 87011234575 {ctx=a}\n",
        encoding="utf-8",
    )
    result = scan([LogSource(str(path))], ScanOptions(hash_key=b"k" * 16))
    fields = {(f.field, f.entity, f.hits) for f in result.findings}
    assert fields == {
        ("client.phone", "PHONE_NUMBER", 2), ("client.email", "EMAIL_ADDRESS", 1),
        ("iin", "KZ_IIN", 1), ("contacts[].value", "PHONE_NUMBER", 1),
        (None, "PHONE_NUMBER", 1),
    }, fields


def test_shaped_entities_are_remembered_by_the_candidate_set_itself():
    """_shaped_of keys its memo by the candidate set's identity and keeps the set, so an
    equal set made anew, or a different one, gets its own entities, never another's."""
    from derbes.scanner.engine.detect import shaped_of

    detector = Detector()
    detector.prepare("lines")
    fast = detector._fast
    sets = {candidates for _, _, candidates in fast.candidate_lines(
        b"iin 900101300456\nphone +7 701 123 45 67\nbin 140851909304 mail a@b.kz\n")}
    assert len(sets) == 3
    for candidates in sets:
        expected = shaped_of(candidates, detector.shaped_entities)
        assert detector._shaped_of(candidates) == expected
        assert detector._shaped_of(tuple(candidates)) == expected  # the same set, or a copy
        copy = tuple(list(candidates))
        assert copy is not candidates
        assert detector._shaped_of(copy) == expected
        assert detector._shaped_of(candidates[1:]) == shaped_of(
            candidates[1:], detector.shaped_entities)


@pytest.mark.parametrize("nth", [1, 7, 40])
def test_an_interrupt_never_counts_a_hit_it_does_not_keep(tmp_path, monkeypatch, nth):
    # Ctrl-C raises KeyboardInterrupt where Python code runs: in hmac.digest (the keyed hash
    # of a hit row), in a Hit's __init__. There, before the hit is counted: an interrupted
    # scan's hits.parquet holds every hit its findings count, no more and no fewer.
    from derbes.scanner.engine import container as container_module
    from derbes.scanner.engine.container import ContainerScanner
    from derbes.scanner.sources.logs import LogSource

    path = tmp_path / "a.log"
    path.write_text("".join(f"user {i} mail user{i}@mail.kz iin 870412300123 ok\n"
                            for i in range(200)), encoding="utf-8")
    calls = [0]
    real = container_module.value_hash

    def interrupted_hash(key, entity, value):
        calls[0] += 1
        if calls[0] == nth:
            raise KeyboardInterrupt
        return real(key, entity, value)

    monkeypatch.setattr(container_module, "value_hash", interrupted_hash)
    source = LogSource(str(path))
    options = ScanOptions(hash_key=b"k" * 32, hits=True)
    scanner = ContainerScanner(source, Detector(), options, b"k" * 32)
    container = next(source.containers())
    out = scanner.run(container, source.read(container), threading.Event())
    assert out.error == "interrupted"
    counted = sum(agg.hits for agg in out.aggs.values())
    assert counted == len(out.hits) == nth - 1


def _many_containers(kind, count, values):
    if kind == "log":
        return {f"app-{k}.log": ([], [LineBatch("".join(
            f"login ok user{k}x{i}@mail.kz {IIN_A}\n" for i in range(values)).encode(),
            first_line=1)]) for k in range(count)}
    return {f"public.t{k}": (["email"], [ValueBatch(
        "email", list(range(values)), [f"user{k}x{i}@mail.kz" for i in range(values)])])
        for k in range(count)}


@pytest.mark.parametrize(("kind", "jobs"), [("log", 1), ("log", 2), ("database", 1)])
def test_a_source_s_containers_are_settled_as_each_finishes(kind, jobs):
    """A container's outcome is settled (its findings made, its distinct values let go) as
    soon as it finishes, in turn, on the connections' threads or from --jobs' workers: a
    scan of many files holds their findings, not their distinct values, until the end."""
    import importlib

    engine_scan = importlib.import_module("derbes.scanner.engine.scan")
    tables = _many_containers(kind, 4, 300)
    source = FakeSource("many", kind, tables)
    if jobs > 1:  # FakeSource's containers are not byte ranges: whole files, in workers
        source.kind = "log"
    options = ScanOptions(hash_key=b"k" * 32, jobs=jobs)
    read = source.read
    events = []

    def reading(container):
        events.append(("read", container.name))
        return read(container)

    def settle(outcome):
        events.append(("settled", outcome.container.name))
        return outcome.container.name, sum(a.distinct_count() for a in outcome.aggs.values())

    source.read = reading
    got = engine_scan._scan_source(source, list(source.containers()), Detector(), options,
                                   b"k" * 32, None, threading.Event(), settle)
    assert [name for name, _ in got] == list(tables)  # in the containers' order
    assert all(count >= 300 for _, count in got)
    if jobs == 1 and kind == "log":
        # In turn: each file is settled before the next one is read.
        assert events == [(e, name) for name in tables for e in ("read", "settled")]
    else:  # threads, or workers (whose reads are not seen here): each settled once
        assert sorted(n for e, n in events if e == "settled") == sorted(tables)


@pytest.mark.parametrize("kind", ["log", "database"])
def test_a_scan_of_many_containers_does_not_hold_their_distinct_values(kind):
    """What a scan holds while it goes, measured (tracemalloc): 12 containers of 3,000
    distinct values each peak 70-110 KB above 3 such containers (their findings); held
    until the end, 9 more containers' digests took 390-410 KB packed (16 bytes a value),
    about 3 MB as dicts."""
    import tracemalloc

    def peak(count):
        tables = _many_containers(kind, count, 3000)
        source = FakeSource("many", kind, tables)
        detector = Detector()
        scan([FakeSource("warm", kind, _many_containers(kind, 1, 10))],
             ScanOptions(hash_key=b"k" * 32), detector=detector)
        tracemalloc.start()
        try:
            result = scan([source], ScanOptions(hash_key=b"k" * 32), detector=detector)
            top = tracemalloc.get_traced_memory()[1]
        finally:
            tracemalloc.stop()
        emails = [f for f in result.findings if f.entity == "EMAIL_ADDRESS"]
        assert sorted(f.distinct_values for f in emails) == [3000] * count
        return top

    small, large = peak(3), peak(12)
    assert large - small < 250_000, (small, large)


def test_ctrl_c_while_tables_are_read_keeps_the_tables_read(monkeypatch):
    """Ctrl-C lands in the thread that waits for the tables' threads: the tables read by then
    keep their findings, the one being read keeps what it gave so far (marked interrupted),
    and the scan says it was interrupted; none of it is thrown away."""
    import importlib

    engine_scan = importlib.import_module("derbes.scanner.engine.scan")
    stop = threading.Event()
    slow_started = threading.Event()

    class Tables(FakeSource):
        def read(self, container):
            if container.name != "public.slow":
                yield from super().read(container)
                return
            yield ValueBatch("iin", [1, 2], [IIN_A, IIN_B])
            slow_started.set()
            stop.wait(10)  # what Ctrl-C sets: the scan ends this table at its next batch
            yield ValueBatch("iin", [3], [IIN_C])
            yield ContainerDone(rows_scanned=3)

    tables = {name: (["iin"], [ValueBatch("iin", [1, 2, 3], [IIN_A, IIN_B, IIN_C])])
              for name in ("public.a", "public.b")}
    tables["public.slow"] = (["iin"], [])
    source = Tables("db", "database", tables)
    real_wait = engine_scan.wait
    pressed = []

    def wait(pending, timeout=None, return_when=None):
        done, rest = real_wait(pending, timeout=timeout, return_when=return_when)
        if not pressed and len(rest) == 1 and slow_started.is_set():
            pressed.append(True)
            raise KeyboardInterrupt  # as SIGINT raises it in the main thread
        return done, rest

    monkeypatch.setattr(engine_scan, "wait", wait)
    result = scan([source], ScanOptions(hash_key=b"k" * 32), detector=_detector(), stop=stop)
    assert pressed == [True]
    assert result.interrupted
    (summary,) = result.sources
    assert summary.status == "interrupted"
    found = {f.container: f for f in result.findings if f.entity == "KZ_IIN"}
    assert sorted(found) == ["public.a", "public.b", "public.slow"]
    assert found["public.a"].hits == found["public.b"].hits == 3
    assert found["public.slow"].hits == 2  # what it gave before Ctrl-C
    slow = next(c for c in result.containers if c.container == "public.slow")
    assert any("interrupted" in note for note in slow.notes)


def test_a_second_ctrl_c_gives_the_source_up(monkeypatch):
    """The first Ctrl-C waits for the tables being read to end at their next batch and keeps
    them; a second one gives the source up without them, as a user pressing it twice means
    (a query may hang): the scan ends once the pool's threads do."""
    import importlib

    engine_scan = importlib.import_module("derbes.scanner.engine.scan")
    stop, release = threading.Event(), threading.Event()

    class Hanging(FakeSource):
        def read(self, container):
            yield ValueBatch("iin", [1], [IIN_A])
            release.wait(10)  # a query that does not come back while the user waits
            yield ContainerDone(rows_scanned=1)

    real_wait = engine_scan.wait
    presses = []

    def wait(pending, timeout=None, return_when=None):
        if len(presses) < 2:
            presses.append(True)
            raise KeyboardInterrupt
        return real_wait(pending, timeout=timeout, return_when=return_when)

    monkeypatch.setattr(engine_scan, "wait", wait)
    source = Hanging("db", "database", {n: (["iin"], []) for n in ("public.a", "public.b")})
    threading.Timer(1.0, release.set).start()  # the pool's threads end after the test
    result = scan([source], ScanOptions(hash_key=b"k" * 32), detector=_detector(), stop=stop)
    assert presses == [True, True]
    assert result.interrupted and result.sources[0].status == "interrupted"
    assert result.findings == ()


def test_ctrl_c_while_a_container_is_recorded_keeps_it_whole(monkeypatch):
    """SIGINT raised while a container's outcome is settled into findings (the main thread,
    between containers) sets stop instead of cutting the record: the containers recorded,
    this one included, keep their findings and the scan ends marked interrupted."""
    import importlib
    import os
    import signal

    engine_scan = importlib.import_module("derbes.scanner.engine.scan")
    real = engine_scan.findings_of
    calls = []

    def findings_of(*args):
        calls.append(args[2].container.name)
        if len(calls) == 2:
            os.kill(os.getpid(), signal.SIGINT)  # lands at the next bytecode, right here
        return real(*args)

    monkeypatch.setattr(engine_scan, "findings_of", findings_of)
    tables = {f"app-{k}.log": ([], [LineBatch(f"login {IIN_A} ok\n".encode(), first_line=1)])
              for k in range(4)}
    # Python's own Ctrl-C handler (a shell's background job inherits SIGINT ignored).
    with _sigint(signal.default_int_handler):
        result = scan([FakeSource("logs", "log", tables)], ScanOptions(hash_key=b"k" * 32),
                      detector=_detector())
        assert signal.getsignal(signal.SIGINT) is signal.default_int_handler
    assert calls == ["app-0.log", "app-1.log"]
    assert result.interrupted and result.sources[0].status == "interrupted"
    assert sorted(f.container for f in result.findings) == ["app-0.log", "app-1.log"]


@contextlib.contextmanager
def _sigint(handler):
    import signal

    previous = signal.signal(signal.SIGINT, handler)
    try:
        yield
    finally:
        signal.signal(signal.SIGINT, previous)


def test_held_signals_set_stop_and_come_back():
    import os
    import signal

    from derbes.scanner.engine.interrupts import held

    stop = threading.Event()
    term = signal.getsignal(signal.SIGTERM)
    with _sigint(signal.default_int_handler):
        with held(stop):
            os.kill(os.getpid(), signal.SIGINT)
            for _ in range(1000):  # bytecodes for the handler to run at
                pass
            assert stop.is_set()
            assert signal.getsignal(signal.SIGTERM) is term  # no Python handler: as it is
        assert signal.getsignal(signal.SIGINT) is signal.default_int_handler
        # Outside the main thread nothing is changed (no Python handler runs there).
        seen = []

        def elsewhere():
            with held(threading.Event()):
                seen.append(signal.getsignal(signal.SIGINT))

        worker = threading.Thread(target=elsewhere)
        worker.start()
        worker.join()
        assert seen == [signal.default_int_handler]
    # An ignored SIGINT (a background job's) stays ignored.
    with _sigint(signal.SIG_IGN), held(threading.Event()):
        assert signal.getsignal(signal.SIGINT) is signal.SIG_IGN


def test_many_hits_of_a_finished_container_are_written_not_held(tmp_path):
    """With --hits, a container's hits below the spill wait for the source's last container:
    from RETURN_HITS on they are written as a part as it finishes, as a --jobs worker's are;
    fewer stay in memory (no part for a handful). Every hit reaches the store, in order."""
    import importlib

    from derbes.scanner.engine.parallel import RETURN_HITS

    engine_scan = importlib.import_module("derbes.scanner.engine.scan")
    sizes = {"big-0.log": RETURN_HITS + 5, "small.log": 7, "big-1.log": RETURN_HITS}
    tables = {name: ([], [LineBatch("".join(f"login {IIN_A} ok\n" for _ in range(n)).encode(),
                                    first_line=1)]) for name, n in sizes.items()}
    options = ScanOptions(hash_key=b"k" * 32, hits=True, hits_dir=str(tmp_path))
    source = FakeSource("logs", "log", tables)
    held_back = engine_scan._scan_source(
        source, list(source.containers()), _detector(), options, b"k" * 32, None,
        threading.Event(), lambda o: (o.container.name, len(o.hits), len(o.spilled)))
    assert held_back == [("big-0.log", 0, 1), ("small.log", 7, 0), ("big-1.log", 0, 1)]
    result = scan([FakeSource("logs", "log", tables)], ScanOptions(hash_key=b"k" * 32,
                  hits=True), detector=_detector())
    rows = [(h.container, h.row) for h in result.hits]
    assert rows == [(name, row) for name, n in sizes.items() for row in range(1, n + 1)]


def test_an_aggregates_score_adds_up_alike_in_any_grouping() -> None:
    # The parts of a file (--jobs, a cluster) merge in any grouping: their scores add up to
    # what one process counts (a sum of floats differed in its last digit, and the mean
    # score of a finding scanned on a Dask cluster in its fourth decimal).
    from derbes.scanner.engine.container import _Agg

    scores = [0.1, 0.2, 0.3, 0.85, 0.6, 0.7, 0.999999, 0.4, 0.05, 0.95] * 40

    def agg_of(part: list[float], first: int) -> _Agg:
        agg = _Agg()
        for i, score in enumerate(part, first):
            agg.add(i, score, i.to_bytes(16, "big"))
        return agg

    whole = agg_of(scores, 0)
    assert sum(scores[:7]) + sum(scores[7:]) != sum(scores)  # floats would not add up
    for cut in (1, 7, 100, 333, 399):
        merged = agg_of(scores[:cut], 0)
        merged.merge(agg_of(scores[cut:], cut), 5)
        assert merged.score_units == whole.score_units
        assert merged.hits == whole.hits == len(scores)


def test_a_pairs_key_is_its_values_field(tmp_path) -> None:
    # logfmt, 1C's technological journal (`Usr=` is the session's user: an employee's name),
    # a query string, a Python dict: the key names the value's field; its offsets stay the
    # line's. A value in free text has no field.
    from derbes.scanner.sources.logs import LogSource

    lines = [
        "time=2026-12-01T10:00:00Z level=info msg=login user_phone=+77012345678 "
        "email=a.serik@mail.kz",
        "05:12.481004-0,CONN,2,process=rphost,t:computerName=BUH-PC07,SessionID=12,"
        "Usr=Ахметов Серик Болатович,AppID=1CV8C",
        '95.59.1.2 - - [01/Dec/2026:10:00:00 +0500] "GET /search?q=%2B77012345679&lang=ru '
        'HTTP/1.1" 200 512',
        "2026-12-01 10:00:03 INFO sent {'phone': '+77012345680', 'ok': True}",
        "2026-12-01 10:00:04 INFO call from +77012345681 ended",
    ]
    path = tmp_path / "app.log"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    result = scan([LogSource(str(path))],
                  ScanOptions(hash_key=b"k" * 16, hits=True, hits_dir=str(tmp_path / "parts")))
    assert {(f.field, f.entity) for f in result.findings} >= {
        ("user_phone", "PHONE_NUMBER"), ("email", "EMAIL_ADDRESS"), ("Usr", "PERSON"),
        ("q", "PHONE_NUMBER"), ("phone", "PHONE_NUMBER"), (None, "PHONE_NUMBER")}
    starts = {(hit.row, hit.start) for hit in result.hits}  # the hits, read back
    for row, value in [(1, "+77012345678"), (2, "Ахметов Серик Болатович"),
                       (4, "+77012345680"), (5, "+77012345681")]:
        assert (row, lines[row - 1].index(value)) in starts, (row, value)


@settings(max_examples=3000, deadline=None)
@given(st.text(alphabet=list("ab_.=:\"' \t-1Ж"), max_size=12), st.integers(0, 12))
@example('x key=', 6)
@example('x key="', 7)
@example('"key":', 6)
@example('"key": ', 7)
@example('"key":\t', 7)
@example('"key":"', 7)
@example('{"key": "', 9)
@example("{'key': '", 9)
@example('"key" : ', 8)
@example("телефон: +7", 9)
def test_key_before_finds_the_pairs_its_search_finds(line: str, start: int) -> None:
    """key_before (compiled: characters read in C, the ``"key":`` pattern searched only after
    a quote before the colon) is the search of its pattern, the definition, on ``key=`` and
    ``"key":`` pairs and on prose's colons."""
    from derbes.scanner.engine.logfields import key_before, key_before_by_search

    start = min(start, len(line))
    assert key_before(line, start) == key_before_by_search(line, start)
