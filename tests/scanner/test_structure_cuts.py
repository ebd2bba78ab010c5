"""A structure cut by a batch or a byte range is read as in one piece: the names a line
inherits (``derbes.scanner.engine.structure``) do not depend on where a file is cut."""

from __future__ import annotations

import dataclasses
import itertools
from pathlib import Path

import pytest

from derbes.scanner.engine import ScanOptions, parallel, scan
from derbes.scanner.engine.container import ContainerScanner
from derbes.scanner.engine.detect import Detector
from derbes.scanner.engine.structure import MAX_BLOCK_LINES
from derbes.scanner.sources.logs import LogSource

KEY = b"structure-cuts-test-key-0123456789"

# Phones written bare in JSON strings and in records: found by the key above them, or by their
# column, and not found (the order number of a phone's shape) where the name says otherwise.
PRETTY = [
    "2026-03-01 12:00:01,120 DEBUG [exec-3] k.k.c.CrmClient - Response body: {",
    '  "client": {',
    '    "phones": [',
    '      "87011234567",',
    '      "87021234567"',
    "    ],",
    '    "contacts": [',
    "      {",
    '        "type": "mobile",',
    '        "value": "87051234567"',
    "      }",
    "    ],",
    '    "phone":',
    '      "87071234567",',
    '    "order": {',
    '      "id": "87081234567"',
    "    }",
    "  }",
    "}",
]
CSV = [
    "2026-03-01 12:00:03 [crm] Экспорт клиентов:",
    "дата;фио;телефон;иин",
    "2026-03-01;Нурланова А.;87011234567;880714300129",
    '2026-03-02;"Ахметов, Н.";87272505050;',
    "2026-03-03;Серикова Б.;87272505051;",
    "2026-03-04 12:00:04 [crm] Тапсырыстар экспорты:",
    "күні;тапсырыс;клиент;сома",
    "2026-03-05;87015551234;87019876543;12000",
    "2026-03-06;87015554321;87016543210;9000",
]
# Empty lines: one ends records (no record is empty), one inside a document does not end it;
# and a record-like line longer than the small batches below, after the empty line.
GAPS = [
    *CSV[:3],
    "",
    "2026-03-02;" + "Ахметов Нурлан Серикович, Алматы, ул. Абая 150, кв. 12 " * 20
    + ";87272505050;",
    *PRETTY[:3],
    "",
    *PRETTY[3:],
]
# A 1C exchange file's object pretty-printed, an element a line, as 1C writes it: each value
# named by its property (<Свойство Имя="...">, the lines above), a birth date found by its
# name alone (read whole); and a SOAP answer logged with prettyLogging.
XML = [
    '<?xml version="1.0" encoding="UTF-8"?>',
    '<ФайлОбмена ВерсияФормата="2.0" ДатаВыгрузки="2026-03-01T12:00:00">',
    '\t<Объект Нпп="1" Тип="СправочникСсылка.ФизическиеЛица">',
    '\t\t<Свойство Имя="ИИН" Тип="Строка">',
    "\t\t\t<Значение>871008401427</Значение>",
    "\t\t</Свойство>",
    '\t\t<Свойство Имя="ДатаРождения" Тип="Дата">',
    "\t\t\t<Значение>1987-10-08T00:00:00</Значение>",
    "\t\t</Свойство>",
    '\t\t<Свойство Имя="АдресЭП" Тип="Строка">',
    "\t\t\t<Значение>a.nurlanova@mail.kz</Значение>",
    "\t\t</Свойство>",
    '\t\t<Свойство Имя="Телефон" Тип="Строка">',
    "\t\t\t<Значение>87012345679</Значение>",
    "\t\t</Свойство>",
    '\t\t<Свойство Имя="НомерЗаказа" Тип="Строка">',
    "\t\t\t<Значение>87012345680</Значение>",
    "\t\t</Свойство>",
    "\t</Объект>",
    "</ФайлОбмена>",
    "2026-03-01 12:00:05,001 INFO [exec-4] o.a.c.s.SyncChannelHttpPort.REQ - Inbound Message",
    "Payload: ",
    '<soap:Envelope xmlns:soap="http://schemas.xmlsoap.org/soap/envelope/">',
    "  <soap:Body>",
    '    <ns2:SendMessageResponse xmlns:ns2="http://bip.bee.kz/SyncChannel/v10/Types">',
    "      <data>",
    "        <iin>871008401427</iin>",
    "        <birthDate>1987-10-08</birthDate>",
    "      </data>",
    "    </ns2:SendMessageResponse>",
    "  </soap:Body>",
    "</soap:Envelope>",
]
PLAIN = [
    "2026-03-01 12:00:00,001 INFO [main] k.k.Application - Started in 4.2 s",
    "2026-03-01 12:00:00,002 INFO [main] k.k.Application - pid 4242, port 8080",
]


@pytest.fixture(scope="module")
def detector() -> Detector:
    return Detector()


def _write(path: Path, lines: list[str]) -> Path:
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def _options(**more) -> ScanOptions:
    return ScanOptions(jobs=1, hash_key=KEY, hits=True, show_values=True, **more)


def _result(result) -> tuple:
    """What a scan found: every hit with its line, field and value, and every finding."""
    assert [s.status for s in result.sources] == ["ok"]
    hits = sorted((h.row, h.entity, h.start, h.end, h.field, h.value) for h in result.hits)
    findings = sorted((dataclasses.replace(f, scan_id="") for f in result.findings), key=repr)
    return hits, findings, tuple(c.rows_scanned for c in result.containers)


def _line_starts(path: Path) -> list[int]:
    raw = path.read_bytes()
    return [0, *(k + 1 for k, byte in enumerate(raw[:-1]) if byte == 10)]


def _by_batches(path: Path, detector: Detector, batch_bytes: int) -> tuple:
    # A batch ends after the last newline within ``batch_bytes``: a batch of this size ends
    # right before the line that starts at ``batch_bytes`` (and the next ones cut further on).
    source = LogSource(str(path), batch_bytes=batch_bytes, max_line_bytes=16 << 10)
    return _result(scan([source], _options(), detector=detector))


class _Ranges(LogSource):
    """A log whose file is cut into the byte ranges given, each its own unit."""

    def __init__(self, spec: str, cuts: list[int], **options) -> None:
        super().__init__(spec, **options)
        self.cuts = cuts

    def split(self, container, parts, min_part_bytes=1 << 20):
        size = int(container.meta["size"])
        bounds = [0, *self.cuts, size]
        return [(a, b) for a, b in itertools.pairwise(bounds) if b > a]


class _Here:
    """An executor that runs every unit in this process, one after the other, as a worker
    process or a Dask worker runs it (``parallel.run_task``)."""

    name = "here"

    def parallelism(self) -> int:
        return 2

    def run(self, sources, units, detector, options, key, progress=None, stop=None):
        for unit in sorted(units, key=lambda u: -u.task.size):  # biggest first, as they run
            source = sources[unit.source]
            scanner = ContainerScanner(source, detector, options, key)
            yield unit, parallel.run_task(scanner, source, unit.task, stop)


@pytest.fixture
def exact_ranges(monkeypatch) -> None:
    """Ranges as a source's ``split`` gives them: none too small, none grouped."""
    monkeypatch.setattr(parallel, "MIN_RANGE_BYTES", 1)
    monkeypatch.setattr(parallel, "GUIDED", 1 << 30)


def _by_ranges(path: Path, detector: Detector, cuts: list[int]) -> tuple:
    source = _Ranges(str(path), cuts, max_line_bytes=16 << 10)
    return _result(scan([source], _options(), detector=detector, executor=_Here()))


def _cut_lines(lines: list[str]) -> list[int]:
    return list(range(1, len(lines)))


STRUCTURES = {"json": PRETTY, "csv": CSV, "gaps": GAPS, "xml": XML}


@pytest.mark.parametrize("kind", list(STRUCTURES))
def test_a_batch_boundary_at_any_line_finds_what_one_batch_finds(tmp_path, detector, kind):
    lines = PLAIN + STRUCTURES[kind] + PLAIN
    path = _write(tmp_path / "app.log", lines)
    whole = _by_batches(path, detector, 1 << 20)
    assert whole[0]  # the names count: some values are found by them alone
    starts = _line_starts(path)
    differ = [k for k in _cut_lines(lines) if _by_batches(path, detector, starts[k]) != whole]
    assert differ == []


@pytest.mark.parametrize("kind", list(STRUCTURES))
def test_a_range_boundary_at_any_line_finds_what_one_process_finds(tmp_path, detector, kind,
                                                                    exact_ranges):
    lines = PLAIN + STRUCTURES[kind] + PLAIN
    path = _write(tmp_path / "app.log", lines)
    whole = _by_batches(path, detector, 1 << 20)
    starts = _line_starts(path)
    differ = []
    for k in _cut_lines(lines):
        # Cut at the line's start, and inside the line before it (the range then starts
        # at the next line start): both give the range the same first line.
        for cut in (starts[k], starts[k] - 3):
            if _by_ranges(path, detector, [cut]) != whole:
                differ.append(cut)
    # Every line a range of its own, too.
    if _by_ranges(path, detector, starts[1:]) != whole:
        differ.append("every line")
    assert differ == []


def test_an_xml_documents_values_are_named_from_the_lines_above(tmp_path, detector):
    path = _write(tmp_path / "app.log", PLAIN + XML + PLAIN)
    hits, _, _ = _by_batches(path, detector, 1 << 20)
    assert sorted((field, entity, value) for _, entity, _, _, field, value in hits) == sorted([
        ("Объект.ДатаРождения", "DATE_OF_BIRTH", "1987-10-08T00:00:00"),
        ("Объект.ИИН", "KZ_IIN", "871008401427"),
        ("Объект.АдресЭП", "EMAIL_ADDRESS", "a.nurlanova@mail.kz"),
        # A bare number: a phone under its property's name, none under an order's.
        ("Объект.Телефон", "PHONE_NUMBER", "87012345679"),
        ("data.birthDate", "DATE_OF_BIRTH", "1987-10-08"),
        ("data.iin", "KZ_IIN", "871008401427"),
    ])


def test_the_bare_values_need_their_names(tmp_path, detector):
    # What the tests above compare: without its names (the document or records read from
    # their middle), a line gives other findings.
    for kind, lines, where in (("json", PRETTY, 3), ("csv", CSV, 3), ("csv", CSV, 7),
                               ("xml", XML, 9)):
        whole = _by_batches(_write(tmp_path / f"{kind}.log", lines), detector, 1 << 20)
        alone = _by_batches(_write(tmp_path / f"{kind}-cut.log", lines[where:]), detector,
                            1 << 20)
        after = {(h[0] - where, *h[1:]) for h in whole[0] if h[0] > where}
        assert set(alone[0]) != after, (kind, where)


def _long_document(count: int) -> list[str]:
    """A document whose array runs past :data:`MAX_BLOCK_LINES`."""
    return [
        "2026-03-01 12:00:05,000 DEBUG [exec-1] k.k.c.CrmClient - Response body: {",
        '  "phones": [',
        *(f'    "8701{k:07d}",' for k in range(count)),
        '    "87010000000"',
        "  ]",
        "}",
    ]


def test_a_document_longer_than_the_limit_is_cut_off_where_it_is_read_whole(
        tmp_path, detector, exact_ranges):
    lines = PLAIN + _long_document(MAX_BLOCK_LINES + 40) + PLAIN
    path = _write(tmp_path / "long.log", lines)
    whole = _by_batches(path, detector, 1 << 20)
    opening = len(PLAIN)
    rows = {h[0] for h in whole[0] if h[1] == "PHONE_NUMBER"}
    # Its elements are found by their key up to the limit, and not after it.
    assert rows == set(range(opening + 3, opening + MAX_BLOCK_LINES + 1))
    starts = _line_starts(path)
    around = [2, opening + 1, opening + 2, opening + 900, opening + MAX_BLOCK_LINES - 2,
              opening + MAX_BLOCK_LINES - 1, opening + MAX_BLOCK_LINES,
              opening + MAX_BLOCK_LINES + 1, opening + MAX_BLOCK_LINES + 30]
    differ = [("batch", k) for k in around if _by_batches(path, detector, starts[k]) != whole]
    differ += [("range", k) for k in around if _by_ranges(path, detector, [starts[k]]) != whole]
    differ += [("ranges", k) for k in around[1:]
               if _by_ranges(path, detector, [starts[k - 1], starts[k]]) != whole]
    assert differ == []


def test_an_xml_element_names_values_within_what_a_range_reads_before_it(
        tmp_path, detector, exact_ranges):
    from derbes.scanner.xmlpaths import REACH

    # A 1C file of one object a line under its root: the root names the objects' values
    # (Выгрузка.Объект.ИИН) within REACH lines of its opening, and not after, where a range
    # of the file starting there could not know it.
    iins = ("871008401427", "760212350620", "800416300257")
    count = REACH + 40
    lines = ['<?xml version="1.0" encoding="UTF-8"?>', '<Выгрузка Версия="1">',
             *(f'\t<Объект Нпп="{k}" ИИН="{iins[k % 3]}"/>' for k in range(count)),
             "</Выгрузка>"]
    path = _write(tmp_path / "exchange.xml", lines)
    whole = _by_batches(path, detector, 1 << 20)
    fields = {h[0]: h[4] for h in whole[0] if h[1] == "KZ_IIN"}
    assert len(fields) == count
    # Rows count from 1: the root opens on row 2, the objects follow it.
    named = {r for r, f in fields.items() if f == "Выгрузка.Объект.ИИН"}
    assert named == set(range(3, REACH + 2))
    assert set(fields) - named == set(range(REACH + 2, count + 3))
    starts = _line_starts(path)
    around = [3, 900, REACH - 1, REACH, REACH + 1, REACH + 2, REACH + 30]
    differ = [("batch", k) for k in around if _by_batches(path, detector, starts[k]) != whole]
    differ += [("range", k) for k in around if _by_ranges(path, detector, [starts[k]]) != whole]
    assert differ == []


def test_a_document_of_long_lines_is_cut_off_by_its_characters(tmp_path, detector,
                                                                exact_ranges):
    from derbes.scanner.engine.structure import MAX_BLOCK_CHARS

    # Lines of 4 KiB: the document reaches MAX_BLOCK_CHARS long before MAX_BLOCK_LINES.
    pad = "x" * 4000
    per_line = len(f'    "87010000000", "{pad}",') + 1
    count = MAX_BLOCK_CHARS // per_line + 20
    body = [f'    "8701{k:07d}", "{pad}",' for k in range(count)]
    lines = [*PLAIN, PRETTY[0], '  "phones": [', *body, '    "87010000000"', "  ]", "}"]
    path = _write(tmp_path / "wide.log", lines)
    whole = _by_batches(path, detector, 1 << 20)
    rows = sorted(h[0] for h in whole[0] if h[1] == "PHONE_NUMBER")
    assert rows and rows[-1] < len(PLAIN) + count  # cut off before its end
    last = rows[-1]  # the last line the document's key names (a 1-based row)
    starts = _line_starts(path)
    around = [len(PLAIN) + 3, last - 1, last, last + 1, last + 2]
    differ = [("batch", k) for k in around if _by_batches(path, detector, starts[k]) != whole]
    differ += [("range", k) for k in around if _by_ranges(path, detector, [starts[k]]) != whole]
    assert differ == []


def test_a_structures_values_are_found_in_its_fields(tmp_path, detector):
    # A document's values in their key paths (as the document on one line would give them),
    # a record's in its column; each hit's offsets count from its field's value, as a JSON
    # line's do. The cuts below hold these to every batch and byte range.
    path = _write(tmp_path / "fields.log", PLAIN + PRETTY + CSV)
    hits, findings, _ = _result(scan([LogSource(str(path))], _options(), detector=detector))
    fields = {(row, field, value, start, end) for row, _, start, end, field, value in hits}
    first = len(PLAIN) + 1  # the 1-based row of the document's opening line
    assert {(first + 3, "client.phones[]", "87011234567", 0, 11),
            (first + 9, "client.contacts[].value", "87051234567", 0, 11),
            (first + 13, "client.phone", "87071234567", 0, 11),
            (first + 22, "фио", "Ахметов", 0, 7),  # inside the cell's quotes
            (first + 22, "телефон", "87272505050", 0, 11)} <= fields
    assert {f.field for f in findings} == {
        "client.phones[]", "client.contacts[].value", "client.phone", "фио", "телефон",
        "клиент"}


def test_worker_processes_find_what_one_process_finds(tmp_path, detector, monkeypatch):
    # Many documents and exports, cut into ranges of 1 KiB or more where they fall, as --jobs
    # cuts a large file: a range starting inside a document or under a header knows its names.
    lines = []
    for k in range(120):
        lines += PLAIN + (PRETTY, CSV, XML)[k % 3]
    path = _write(tmp_path / "many.log", lines)
    monkeypatch.setattr(parallel, "MIN_RANGE_BYTES", 1 << 10)
    monkeypatch.setattr(parallel, "GUIDED", 8)  # smaller ranges
    source = LogSource(str(path))
    tasks = parallel.plan_tasks(source, list(source.containers()), 2)
    raw = path.read_bytes()
    opened = PRETTY[0].encode()
    documents = [(k, raw.index(b"\n}\n", k)) for k in range(len(raw))
                 if raw.startswith(opened, k)]
    xml = [(k, raw.index(b"</\xd0\xa4", k)) for k in range(len(raw))  # </ФайлОбмена>
           if raw.startswith(XML[1].encode(), k)]
    inside = [t for t in tasks if any(a < t.start < b for a, b in documents)]
    inside_xml = [t for t in tasks if any(a < t.start < b for a, b in xml)]
    # Some start inside a JSON document, some inside an XML one.
    assert len(tasks) > 20 and len(inside) > 3 and len(inside_xml) > 3
    options = _options()
    one = _result(scan([LogSource(str(path))], options, detector=detector))
    many = _result(scan([LogSource(str(path))], dataclasses.replace(options, jobs=2),
                        detector=detector))
    assert many == one
