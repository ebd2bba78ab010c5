"""Evidence per log field: a field's share of valid same-shape candidates decides, not one value.

A JSON key, a ``key=value`` key, a header's column or the key above a pretty-printed value
names a field of a log. Random 12-digit numbers pass the IIN check about one time in eleven;
a field of them is no IIN field (issue #12). Texts in Russian, Kazakh and English.
"""

from __future__ import annotations

import random
from pathlib import Path

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from derbes.scanner.engine import parallel
from derbes.scanner.engine.detect import whole_value
from derbes.scanner.engine.logfields import LogField, key_before
from derbes.scanner.engine.options import ScanOptions
from derbes.scanner.engine.scan import scan
from derbes.scanner.sources.logs import LogSource

# Valid IINs from tests/detectors/test_vectors.py (sources named there).
IINS = ("871008401427", "760212350620", "800416300257", "680503450037", "061211600012",
        "811201401188", "791028302728")


def _kz_check(first11: str) -> int | None:
    """The published IIN check digit (two weight sets), written here for the look-alikes."""
    digits = [int(c) for c in first11]
    check = sum(w * d for w, d in zip(range(1, 12), digits, strict=True)) % 11
    if check == 10:
        weights = (3, 4, 5, 6, 7, 8, 9, 10, 11, 1, 2)
        check = sum(w * d for w, d in zip(weights, digits, strict=True)) % 11
    return None if check == 10 else check


def _references(n: int, seed: int) -> list[str]:
    """``n`` distinct random numbers of an IIN's shape (date, century digit): about one in
    eleven passes the check by chance."""
    rng = random.Random(seed)
    out: set[str] = set()
    while len(out) < n:
        out.add(f"{rng.randint(0, 99):02d}{rng.randint(1, 12):02d}{rng.randint(1, 28):02d}"
                f"{rng.randint(1, 6)}{rng.randint(0, 99999):05d}")
    return sorted(out)


def _valid_share(values: list[str]) -> int:
    return sum(_kz_check(v[:11]) == int(v[11]) for v in values)


def _iin_fields(tmp_path: Path, lines: list[str], **options) -> dict:
    path = tmp_path / "app.log"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    result = scan([LogSource(str(path))], ScanOptions(**options))
    return {f.field: f for f in result.findings if f.entity == "KZ_IIN"}


REFERENCES = _references(400, 12)


def test_the_references_pass_the_check_by_chance_only() -> None:
    # The premise of the tests below: some pass (so the old rule reported them), few do.
    assert 20 <= _valid_share(REFERENCES) <= 60


@pytest.mark.parametrize("template", [
    '{{"ts": "2026-03-01T10:00:00Z", "event": "payment", "doc": "{}"}}',
    "2026-03-01 10:00:00 INFO Платёж принят, документ={} сумма=5000",
    "2026-03-01 10:00:00 INFO Төлем қабылданды құжат={} сома=5000",
    "2026-03-01 10:00:00 INFO payment accepted doc_number={} amount=5000",
])
def test_a_field_of_random_references_is_no_iin_field(tmp_path: Path, template: str) -> None:
    lines = [template.format(v) for v in REFERENCES]
    assert _iin_fields(tmp_path, lines) == {}


@pytest.mark.parametrize("template", [
    '{{"ts": "2026-03-01T10:00:00Z", "event": "payment", "doc": "{}"}}',
    "2026-03-01 10:00:00 INFO Платёж принят, документ={} сумма=5000",
    "2026-03-01 10:00:00 INFO Төлем қабылданды құжат={} сома=5000",
    "2026-03-01 10:00:00 INFO payment accepted doc_number={} amount=5000",
])
def test_a_field_whose_candidates_all_pass_is_found(tmp_path: Path, template: str) -> None:
    lines = [template.format(v) for v in IINS * 3]
    found = _iin_fields(tmp_path, lines, hits=True)
    assert len(found) == 1
    (finding,) = found.values()
    assert finding.hits == len(lines) and finding.distinct_values == len(IINS)


def test_valid_values_among_references_are_found_when_they_outnumber_chance(
    tmp_path: Path,
) -> None:
    # Seven of ten candidates valid: far more than one in eleven (chance: 1e-5).
    lines = [f'{{"event": "check", "doc": "{v}"}}' for v in [*IINS, *REFERENCES[:3]]]
    assert set(_iin_fields(tmp_path, lines)) == {"doc"}


def test_a_header_column_in_a_log_is_a_field(tmp_path: Path) -> None:
    # A ';'-separated export under its header inside a log (Kazakh column names).
    header = "күні;құжат;сома"
    random_rows = [f"2026-03-01;{v};5000" for v in REFERENCES]
    assert _iin_fields(tmp_path, [header, *random_rows]) == {}
    valid_rows = [f"2026-03-01;{v};5000" for v in IINS * 2]
    found = _iin_fields(tmp_path, [header, *valid_rows])
    assert [f.hits for f in found.values()] == [len(valid_rows)]


def test_a_word_of_the_entity_still_decides_a_single_value(tmp_path: Path) -> None:
    # One IIN with its word, in a key and in free text: the word is evidence chance does
    # not give (Russian, Kazakh, English).
    lines = [
        '{"client": {"iin": "871008401427"}}',
        "Клиент ИИН 760212350620 обратился в отделение",
        "Клиенттің ЖСН 800416300257 тексерілді",
    ]
    found = _iin_fields(tmp_path, lines)
    assert sum(f.hits for f in found.values()) == 3


def test_free_text_keeps_the_file_rules(tmp_path: Path) -> None:
    # Not in any named field: one valid value in a file is reported, as before.
    assert _iin_fields(tmp_path, ["Checked 871008401427 at the branch", "nothing here"])


def test_byte_ranges_add_up(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # Two workers each see four and three of seven distinct valid values, which alone is not
    # enough (four of four passes by chance once in 10,000); merged, the field holds.
    monkeypatch.setattr(parallel, "MIN_RANGE_BYTES", 16 << 10)
    lines = [f"event=check doc={v}" for v in IINS[:4] * 400 + IINS[4:] * 400]
    path = tmp_path / "big.log"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    one_range = _iin_fields(tmp_path, lines[:1600])
    assert one_range == {}
    result = scan([LogSource(str(path))], ScanOptions(jobs=2, hits=True))
    found = [f for f in result.findings if f.entity == "KZ_IIN"]
    assert [f.hits for f in found] == [len(lines)]
    assert len({h.row for h in result.hits if h.entity == "KZ_IIN"}) == len(lines)


@pytest.mark.parametrize(("line", "start", "key"), [
    ("a=1 doc=870412300123", 8, "doc"),
    ('{"doc": "870412300123"}', 9, "doc"),
    ("{'документ': '870412300123'}", 14, "документ"),
    ("GET /p?iin=870412300123&x=1", 11, "iin"),
    ("Клиент 870412300123", 7, None),
    ("x == 870412300123", 5, None),
])
def test_key_before(line: str, start: int, key: str | None) -> None:
    assert key_before(line, start) == key


def test_log_field_merge_keeps_a_verdict_and_the_waiting_hits() -> None:
    a, b = LogField(), LogField()
    a.state = "holds"
    b.wait("hit")
    a.merge(b)
    assert a.state == "holds" and a.buffer == ["hit"]


def test_a_packed_log_field_merges_and_decides_as_its_sets() -> None:
    """A scanned part of a file waits with its keys packed (24 bytes a key): merged into
    another, or judged, it counts as the sets it was packed from, in the same order."""
    from derbes.scanner.engine.evidence import shape_key

    rng = random.Random(3)
    # IINs, and long keys: a KZ IBAN read in base 36, and a negative hash().
    keys = [shape_key(f"{rng.randrange(10**11, 10**12)}") for _ in range(3000)]
    keys += [shape_key("KZ86125KZT5004100100"), -(2**63), 2**175]

    def field(valid_every: int) -> LogField:
        out = LogField()
        for i, key in enumerate(keys):
            out.add_valid(key) if i % valid_every == 0 else out.add_shape(key)
        return out

    plain, packed = field(3), field(3)
    packed.pack()
    assert packed.packed is not None and not packed.shaped
    assert len(packed.packed[0]) == 24 * len(plain.shaped)
    into_plain, into_packed = field(5), field(5)
    into_packed.pack()
    into_plain.merge(plain)
    into_packed.merge(packed)
    assert (into_packed.shaped, into_packed.valid) == (into_plain.shaped, into_plain.valid)
    again = field(3)
    again.pack()
    assert again.verdict("doc", "KZ_IIN") == field(3).verdict("doc", "KZ_IIN")


def test_a_full_shape_set_takes_no_more_valid_values(monkeypatch: pytest.MonkeyPatch) -> None:
    """Past the cap on distinct candidates a field's share stays that of the candidates it
    counted: a long log of references, one in eleven valid, never drifts into an IIN field
    because only its valid values kept being counted."""
    from derbes.scanner.engine import logfields

    monkeypatch.setattr(logfields, "SHAPE_CAP", 110)
    refs = LogField()
    for key in range(110):  # the cap fills with references, ten of them valid
        refs.add_valid(key) if key % 11 == 0 else refs.add_shape(key)
    assert not refs.verdict("ref", "KZ_IIN")
    for key in range(1000, 1500):  # a long tail: 500 more valid values, no room left
        refs.add_valid(key)
    assert (len(refs.valid), len(refs.shaped)) == (10, 110)
    assert not refs.verdict("ref", "KZ_IIN")


def test_realistic_logs_keep_every_checksum_value(tmp_path: Path) -> None:
    # The realistic corpus (derbes.detectors.corpora.realistic) puts IINs, BINs, cards, IMEIs
    # and IBANs in JSON keys, key=value pairs and header columns: every one of them still
    # reaches the findings through the whole engine, field evidence and all.
    from derbes.detectors.corpora.realistic import corpus

    checksum = ("KZ_IIN", "KZ_BIN", "CREDIT_CARD", "IMEI", "IBAN_CODE")
    for f in corpus(1500, 20261202):
        path = tmp_path / f.name.replace("/", "_")
        path.write_text(f.text, encoding="utf-8")
        result = scan([LogSource(str(path))], ScanOptions())
        for entity in checksum:
            labels = sum(1 for *_, e in f.labels if e == entity)
            hits = sum(x.hits for x in result.findings if x.entity == entity)
            assert hits == labels, (f.name, entity, labels, hits)


def test_a_large_field_keeps_every_hit(tmp_path: Path) -> None:
    # More hits than a field keeps while undecided, in one batch: the verdict comes as the
    # batch goes, so none is lost (English, no word of the entity before the values).
    lines = [f'{{"event": "check", "doc": "{v}"}}' for v in IINS * 2000]
    found = _iin_fields(tmp_path, lines)
    assert [f.hits for f in found.values()] == [len(lines)]


def test_a_number_inside_a_phrase_takes_no_name_from_above(tmp_path: Path) -> None:
    # A line after '"note":' is read as that key's value; a number inside a phrase there is
    # free text, not the field's value (Russian).
    lines = ['{"event": "x", "note":', f"{IINS[0]} клиент обратился повторно", "}"]
    assert sum(f.hits for f in _iin_fields(tmp_path, lines).values()) == 1


@pytest.mark.parametrize(("text", "start", "end", "whole"), [
    ('"870412300123",', 1, 13, True),
    ("  870412300123", 2, 14, True),
    (";870412300123;", 1, 13, True),
    ("870412300123 клиент", 0, 12, False),
    ("тел 870412300123", 4, 16, False),
])
def test_whole_value(text: str, start: int, end: int, whole: bool) -> None:
    assert whole_value(text, start, end) is whole


@settings(max_examples=3000, deadline=None)
@given(
    st.lists(st.sampled_from(["iin", "doc_no", "x.y", "-", "=", ":", " ", "\t", '"', "'", "\\",
                              "&", "?", "{", ",", "8704", "a", "ИИН", "1"]), max_size=14)
    .map("".join),
    st.integers(min_value=0, max_value=60),
)
@example('{"iin": "8704', 9)
@example("{'doc':\t'8704", 9)
@example('a iin="8704', 7)
def test_key_before_is_the_search_of_its_pattern(line, start):
    """The shortcut before the search (no "=" or ":" right before the value) changes no
    answer: key_before is the pattern's search ending at the value, on any text."""
    from derbes.scanner.engine.logfields import _KEY_BEFORE, KEY_WINDOW

    start = min(start, len(line))
    m = _KEY_BEFORE.search(line, max(0, start - KEY_WINDOW), start) if start else None
    assert key_before(line, start) == (None if m is None else m.group("k") or m.group("q"))


@settings(max_examples=3000, deadline=None)
@given(
    st.lists(st.sampled_from(["k" * 20, "_" * 9, "x", "é", "Ж", "²", "٣", "7", ".", "-", "=",
                              '"', "'", ":", " ", "\t", "\\", "&"]), max_size=16)
    .map("".join),
    st.integers(min_value=0, max_value=400),
    st.sampled_from([64, 30, 6]),
)
@example("k" * 48 + "=8704", 49, 64)
@example("k" * 49 + "=8704", 50, 64)
@example(" " + "k" * 48 + "=8704", 50, 64)
@example(" " + "k" * 40 + "=8704", 42, 30)
@example("²k=8704", 3, 64)
@example("7k=8704", 3, 64)
@example("a=" * 40 + "b=8704", 82, 64)
@example("=8704", 1, 64)
@example('k="8704', 3, 64)
@example("k'=8704", 3, 64)
def test_key_before_reads_keys_as_the_search_does(line, start, window):
    """key_before reads a ``key=`` key backwards from the "="; on long runs of key
    characters (past the longest key, past the window, also a window shorter than a key),
    Unicode letters and digits, and quotes, it answers as the search of its pattern does."""
    from derbes.scanner.engine import logfields

    start = min(start, len(line))
    kept = logfields.KEY_WINDOW
    logfields.KEY_WINDOW = window
    try:
        assert key_before(line, start) == logfields.key_before_by_search(line, start)
    finally:
        logfields.KEY_WINDOW = kept


def test_a_holding_field_keeps_no_counts() -> None:
    """Once a field holds its entity its counts are never read again: they go, and no more
    are kept, also when a holding part of a file is merged into an undecided one."""
    held = LogField()
    for key in range(50):
        held.add_valid(key)
    held.hold()
    held.add_valid(99)
    held.add_shape(100)
    assert (held.shaped, held.valid, held.packed) == (set(), set(), None)
    assert held.verdict("doc", "KZ_IIN")
    undecided = LogField()
    for key in range(1000):
        undecided.add_shape(key)
    undecided.pack()
    undecided.wait("hit")
    undecided.merge(held)
    assert undecided.state == "holds" and undecided.buffer == ["hit"]
    assert (undecided.shaped, undecided.valid, undecided.packed) == (set(), set(), None)


def test_the_json_tokens_read_with_the_hits_name_the_shapes_as_the_whole_line(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The engine reads a JSON line's tokens once, for its hits and for its shapes (which come
    # before it), as far as the last of either; each shape must take the field it takes in
    # the tokens of the whole line. Shapes after the line's last hit, in other keys, nested,
    # in a phrase, on lines read decoded (escapes) and on lines of no hit.
    from derbes.detectors.corpora.realistic import corpus
    from derbes.scanner import jsonpaths
    from derbes.scanner.engine.container import ContainerScanner
    from derbes.scanner.engine.detect import Detector

    rng = random.Random(13)
    lines = []
    for k in range(600):
        valid, ref = IINS[k % len(IINS)], REFERENCES[k % len(REFERENCES)]
        other = REFERENCES[-1 - k % len(REFERENCES)]
        lines += [
            f'{{"doc": "{valid}", "ref": "{ref}", "n": {k}}}',
            f'{{"a": {{"doc": "{valid}"}}, "b": [{ref}, "x {other} y"]}}',
            f'{{"msg": "\\u0418\\u0418\\u041d {valid}", "ref": "{ref}", "card": '
            f'"4400 4300 {rng.randint(0, 9999):04d} {rng.randint(0, 9999):04d}"}}',
            f'{{"ref": "{ref}", "iban": '
            f'"KZ{rng.randint(10, 99)}125KZT{rng.randint(0, 10**10):010d}"}}',
        ]
    for log in corpus(3000, 13):
        lines += [line for line in log.lines if line.lstrip().startswith("{")]
    path = tmp_path / "api.log"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")

    used = last = 0
    count_shapes = ContainerScanner._count_shapes

    def held_to_the_whole_line(self, out, shapes, touched, json_spans=None):
        nonlocal used, last
        for index, line, _, start, end, _, name in shapes:
            if name is None and index in (json_spans or {}):
                used += 1
                whole = jsonpaths.value_spans(line)
                assert (jsonpaths.field_at(json_spans[index], start, end)
                        == jsonpaths.field_at(whole, start, end)), (line, start)
                last += start >= json_spans[index][-1][0]
        count_shapes(self, out, shapes, touched, json_spans)

    monkeypatch.setattr(ContainerScanner, "_count_shapes", held_to_the_whole_line)
    source = LogSource(str(path))
    container = next(source.containers())
    detector = Detector()
    ContainerScanner(source, detector, ScanOptions(), b"k" * 32).run(
        container, source.read(container))
    # Tokens read with the hits served most shapes, many of them in the last token read.
    assert used > 2000 and last > 1000, (used, last)
