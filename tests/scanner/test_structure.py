"""Field names a log line inherits: pretty-printed JSON keys above it, a CSV header."""

from __future__ import annotations

import itertools

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from derbes.scanner.engine.detect import Detector
from derbes.scanner.engine.pieces import special_lines, structure_before
from derbes.scanner.engine.structure import (
    MAX_BLOCK_CHARS,
    MAX_BLOCK_LINES,
    LineContext,
    StructureState,
    line_contexts,
)
from derbes.scanner.jsonpaths import value_spans

PRETTY = """2026-03-01 12:00:01,120 DEBUG [exec-3] k.k.c.CrmClient - Response body: {
  "client": {
    "phones": [
      "87011234567",
      "87021234567"
    ],
    "contacts": [
      {
        "type": "mobile",
        "value": "87051234567"
      }
    ],
    "phone":
      "87071234567",
    "order": {
      "id": "87081234567"
    }
  }
}
2026-03-01 12:00:02,001 INFO [exec-3] done 87011234567"""

CSV = """2026-03-01 12:00:03 [crm] Экспорт клиентов:
дата;фио;телефон;иин
2026-03-01;Нурланова А.;87011234567;880714300129
2026-03-02;"Ахметов, Н.";87272505050;
the end;87272505050"""


def test_json_lines_get_their_enclosing_keys() -> None:
    lines = PRETTY.split("\n")
    contexts = line_contexts(lines)
    assert 0 not in contexts  # the opening line speaks for itself
    assert contexts[3].keys == ("client", "phones")
    assert contexts[9].keys == ("client", "contacts", "value")
    assert contexts[13].keys == ("client", "phone")
    assert contexts[15].keys == ("client", "order", "id")
    assert len(lines) - 1 not in contexts  # after the document
    assert all(isinstance(c, LineContext) and not c.fields for c in contexts.values())


def test_document_lines_get_their_values_key_paths() -> None:
    """Each value of a document's line has the key path it has in the whole document, as
    the same document written on one line gives it (``jsonpaths.value_spans``)."""
    lines = PRETTY.split("\n")
    contexts = line_contexts(lines)
    named = {i: [(lines[i][s:e], path) for s, e, path in c.spans] for i, c in contexts.items()}
    assert named[3] == [("87011234567", "client.phones[]")]
    assert named[4] == [("87021234567", "client.phones[]")]
    assert named[8] == [("mobile", "client.contacts[].type")]
    assert named[9] == [("87051234567", "client.contacts[].value")]
    assert named[13] == [("87071234567", "client.phone")]  # its key on the line above
    assert named[15] == [("87081234567", "client.order.id")]
    document = PRETTY[PRETTY.index("{"):PRETTY.rindex("}") + 1]
    one_line = " ".join(line.strip() for line in document.split("\n"))
    assert sorted(p for spans in named.values() for p in spans) == sorted(
        (one_line[s:e], path) for s, e, path in value_spans(one_line))


def test_document_paths_go_on_across_chunks() -> None:
    """A document cut between two chunks: the second chunk's values keep their paths."""
    lines = PRETTY.split("\n")
    state = StructureState()
    first = line_contexts(lines[:6], state=state)
    rest = line_contexts(lines[6:], state=state)
    assert first[3].spans[0][2] == "client.phones[]"
    assert [path for _, _, path in rest[9 - 6].spans] == ["client.contacts[].value"]
    assert [path for _, _, path in rest[15 - 6].spans] == ["client.order.id"]


def test_csv_records_get_their_header_names() -> None:
    lines = CSV.split("\n")
    contexts = line_contexts(lines)
    assert set(contexts) == {2, 3}  # not the header, not a line of another shape
    names = [name for _, _, name in contexts[3].fields]
    assert names == ["дата", "фио", "телефон", "иин"]
    s, e, _ = contexts[3].fields[1]
    assert lines[3][s:e] == '"Ахметов, Н."'  # a quoted field keeps its delimiter


@pytest.mark.parametrize("fast", [True, False])
def test_bare_numbers_found_by_the_key_above_them(fast: bool) -> None:
    found = sorted(
        (index, line[s:e])
        for index, line, matches in Detector(fast=fast).scan_lines(PRETTY.encode())
        for entity, s, e, _ in matches
        if entity == "PHONE_NUMBER"
    )
    # Not under "order"/"id", and not on the plain line after the document (no context).
    assert found == [(3, "87011234567"), (4, "87021234567"), (9, "87051234567"),
                     (13, "87071234567")]


@pytest.mark.parametrize("fast", [True, False])
def test_records_under_a_header_found_by_their_column(fast: bool) -> None:
    found = sorted(
        (index, entity, line[s:e])
        for index, line, matches in Detector(fast=fast).scan_lines(CSV.encode())
        for entity, s, e, _ in matches
    )
    assert ("PHONE_NUMBER", "87011234567") in {(e, v) for i, e, v in found if i == 2}
    # A bare landline counts only by its column's name: not on a line of another shape.
    assert (3, "PHONE_NUMBER", "87272505050") in found
    assert not [f for f in found if f[0] == 4]


@pytest.mark.parametrize("fast", [True, False])
def test_a_header_whose_letters_its_code_page_lacks_names_its_columns(fast: bool) -> None:
    # «күні;тапсырыс;клиент;сома» as a Windows program writes it in Windows-1251, which has no
    # «ү» (it has «і»): «к?ні». The order number (11 digits, like a phone's) stays an order
    # number; the client's phone is found by its column (the realistic corpus' CRM export,
    # written as Windows writes it: 48 false phone numbers before).
    text = "күні;тапсырыс;клиент;сома\n2026-03-18;87019875667;87475653598;57805"
    data = text.encode("cp1251", "replace")
    assert data.startswith("к?ні;".encode("cp1251"))
    lines = data.decode("cp1251").split("\n")
    assert [name for _, _, name in line_contexts(lines)[1].fields] == [
        "к?ні", "тапсырыс", "клиент", "сома"]
    found = [(entity, line[s:e]) for _, line, matches
             in Detector(fast=fast).scan_lines("\n".join(lines).encode())
             for entity, s, e, _ in matches]
    assert found == [("PHONE_NUMBER", "87475653598")]


def test_prose_with_commas_is_no_header() -> None:
    lines = ["2026-03-01 INFO started, pid 42, port 8080", "a;b", "x, y, z"]
    assert line_contexts(lines) == {}


@settings(max_examples=400, deadline=None)
@given(st.lists(st.sampled_from(["a", "\n", "{", "[", '"k":', ";", "Ж", "\xd0", "\xff", "é", " "]),
                max_size=40).map("".join).map(lambda t: t.encode("utf-8", "surrogatepass")),
       st.data())
def test_chunk_lines_read_as_the_chunk_split_reads(data: bytes, draw) -> None:
    # Lines decoded one by one, from any known starts, in any order of reading, are the
    # lines of the whole chunk decoded and split.
    from derbes.scanner.engine.pieces import ChunkLines

    data = data.replace("\xd0".encode(), b"\xd0").replace("\xff".encode(), b"\xff")
    expected = data.decode("utf-8", "replace").split("\n")
    starts = [0] + [k + 1 for k, byte in enumerate(data) if byte == 10]
    known = sorted(draw.draw(st.sets(st.integers(0, len(expected) - 1))))
    lines = ChunkLines(data, [(i, starts[i], -1) for i in known])
    assert len(lines) == len(expected)
    order = draw.draw(st.permutations(range(len(expected))))
    assert [lines[i] for i in order] == [expected[i] for i in order]
    with pytest.raises(IndexError):
        lines[len(expected)]


# -- a file read in chunks, and from the middle ------------------------------------------------


def _long_document(count: int) -> list[str]:
    return ["body: {", '  "phones": [', *(f'    "8701{k:07d}",' for k in range(count)),
            '    "87010000000"', "  ]", "}"]


def _in_chunks(lines: list[str], cuts: list[int], starts: list[int] | None = None) -> dict:
    """:func:`line_contexts` of ``lines`` read in chunks cut before the lines ``cuts``."""
    state = StructureState()
    out = {}
    bounds = [0, *cuts, len(lines)]
    for a, b in itertools.pairwise(bounds):
        chunk_starts = None if starts is None else [i - a for i in starts if a <= i < b]
        got = line_contexts(lines[a:b], chunk_starts, state)
        out.update({a + i: context for i, context in got.items()})
    return out


@pytest.mark.parametrize("lines", [
    [*PRETTY.split("\n"), *CSV.split("\n"), *PRETTY.split("\n")],
    [*CSV.split("\n")[1:3], '  "phone":', "{", '"a": [', "1", "]", "}", *CSV.split("\n")],
    _long_document(MAX_BLOCK_LINES + 5),
    ["дата;фио;телефон", *(f"2026-03-01;А{k};8701{k:07d}" for k in range(MAX_BLOCK_LINES + 5))],
], ids=["documents-and-records", "back-to-back", "long-document", "long-records"])
def test_lines_read_in_chunks_get_the_names_they_get_in_one(lines: list[str]) -> None:
    whole = line_contexts(lines)
    assert whole
    step = 1 if len(lines) < 100 else 89
    for cut in range(1, len(lines), step):
        assert _in_chunks(lines, [cut]) == whole, cut
    assert _in_chunks(lines, list(range(1, len(lines)))) == whole


def test_a_structure_ends_after_its_lines_or_its_characters() -> None:
    lines = _long_document(MAX_BLOCK_LINES + 5)
    assert max(line_contexts(lines)) == MAX_BLOCK_LINES - 1  # the opening line is the first
    wide = ["body: {", '  "phones": [', *(f'    "8701{k:07d}", "{"x" * 999}",'
                                          for k in range(MAX_BLOCK_CHARS // 1000 + 5))]
    named = max(line_contexts(wide))
    assert sum(len(line) + 1 for line in wide[:named]) < MAX_BLOCK_CHARS
    assert sum(len(line) + 1 for line in wide[:named + 1]) >= MAX_BLOCK_CHARS


JAVA_LINES = [
    "2026-03-01 12:00:02,001 INFO  [exec-3] k.k.c.CrmClient - done 87011234567",
    "\tat org.hibernate.engine.jdbc.spi.SqlExceptionHelper.convert(SqlExceptionHelper.java:68)",
    '192.168.3.10 - - [01/Mar/2026:12:00:03 +0500] "GET /api?phone=87011234567 HTTP/1.1" 200 5',
    "Клиент: Ахметов Н., тел. 87011234567",
]


@pytest.mark.parametrize("cut", range(2, 18))
def test_a_document_cut_off_ends_at_the_first_line_that_is_none_of_its(cut: int) -> None:
    """A document never closed (its message cut at the logger's length limit) names no field
    of the log lines after it: they are read as they stand, not under its keys."""
    lines = [*PRETTY.split("\n")[:cut], *JAVA_LINES]
    contexts = line_contexts(lines)
    assert not any(i >= cut for i in contexts), contexts
    whole = line_contexts(PRETTY.split("\n"))
    assert {i: c for i, c in contexts.items()} == {i: c for i, c in whole.items() if i < cut}


@pytest.mark.parametrize("value", ["42,", "-1.5e3", "true,", "null", "  ", '"87011234567"'])
def test_a_bare_value_or_an_empty_line_goes_on_with_the_document(value: str) -> None:
    lines = ['Response body: {"phones": [', f"  {value}", '  "87021234567"', "]}",
             JAVA_LINES[0]]
    contexts = line_contexts(lines)
    assert contexts[2].keys == ("phones",) and 4 not in contexts


def test_a_header_on_the_last_line_of_a_chunk_names_the_records_of_the_next() -> None:
    csv = CSV.split("\n")
    state = StructureState()
    assert line_contexts(csv[:2], None, state) == {}
    fields = line_contexts(csv[2:4], None, state)[0].fields
    assert [name for _, _, name in fields] == ["дата", "фио", "телефон", "иин"]


def test_what_is_open_before_a_line_is_read_from_the_lines_before_it() -> None:
    # From the lines before a byte range alone, what a reading of the file up to them leaves
    # open: a document's keys and how far it has gone, a header of records.
    lines = ["2026-03-01 INFO started", *PRETTY.split("\n"), *CSV.split("\n"),
             *_long_document(MAX_BLOCK_LINES + 5), "2026-03-01 INFO done"]
    data = "\n".join(lines).encode()
    opened = 0
    for r in [*range(1, 60), *range(len(lines) - 40, len(lines) + 1)]:
        before = "\n".join(lines[:r]).encode()
        state = StructureState()
        special_lines(before, None, state)
        assert structure_before(before + b"\n") == state, r
        opened += state.kind is not None
    assert opened > 30
    # Inside the long document: the lines before are more than the lookback reads again.
    r = MAX_BLOCK_LINES // 2 + len(lines) - MAX_BLOCK_LINES - 10
    state = StructureState()
    special_lines(b"\n".join(data.split(b"\n")[:r]), None, state)
    assert state.kind == "json" and state.stack == [None, "phones"]
    assert structure_before(b"\n".join(data.split(b"\n")[:r]) + b"\n") == state
