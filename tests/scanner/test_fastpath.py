"""The candidate scanner: line and value coordinates, floods, gates, fallbacks."""

from __future__ import annotations

import re

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from derbes.detectors import DerbesRecognizer, Pattern
from derbes.detectors.device_id import DeviceIdRecognizer
from derbes.detectors.kz_bin import KzBinRecognizer
from derbes.detectors.kz_iin import KzIinRecognizer
from derbes.scanner.engine import fastpath, marks
from derbes.scanner.engine.detect import Detector

ENGINES = [e for e, m in (("hyperscan", fastpath.hyperscan), ("re2", fastpath.re2)) if m] + ["re"]
# A valid IIN from the independent vectors (see tests/scanner/test_engine.py).
IIN = "871008401427"
UUID = "46271d27-d582-4559-a859-778a6db61079"


class AtRecognizer(DerbesRecognizer):
    """A toy recognizer: ``@`` followed by letters; prefilter ``@``."""

    ENTITY = "AT"
    PATTERNS = (Pattern("at", r"@[a-z]{1,10}", 0.5),)
    PREFILTERS = (rb"@",)


class NoPrefilterRecognizer(DerbesRecognizer):
    """A toy recognizer without prefilters: every unit is its candidate."""

    ENTITY = "HASH_TAG"
    PATTERNS = (Pattern("tag", r"#[a-z]{1,10}", 0.5),)


class BackrefRecognizer(DerbesRecognizer):
    """A prefilter Hyperscan cannot compile (a back-reference): it falls back to ``re``."""

    ENTITY = "DOUBLE"
    PATTERNS = (Pattern("double", r"([a-z])\1{3}", 0.5),)
    PREFILTERS = (rb"([a-z])\1{3}",)


def _names(candidates) -> list[str]:
    return sorted(type(c.recognizer).__name__ for c in candidates)


def _lines(scanner, data: bytes) -> list[tuple[int, str, list[str]]]:
    return [(i, line, _names(rs)) for i, line, rs in scanner.candidate_lines(data)]


@pytest.mark.parametrize("engine", ENGINES)
def test_lines_are_numbered_as_split_numbers_them(engine):
    scanner = fastpath.compile_scanner([KzIinRecognizer(), AtRecognizer()], engine=engine)
    data = f"{IIN}\n\nnothing\nx @ y {IIN}\n@\n\n{IIN}".encode()
    assert _lines(scanner, data) == [
        (0, IIN, ["KzIinRecognizer"]),
        (3, f"x @ y {IIN}", ["AtRecognizer", "KzIinRecognizer"]),
        (4, "@", ["AtRecognizer"]),
        (6, IIN, ["KzIinRecognizer"]),
    ]
    # A trailing newline makes an empty last line, as split does.
    assert _lines(scanner, b"@\n")[-1][0] == 0
    assert _lines(scanner, b"") == []
    assert _lines(scanner, b"\n\n\n@") == [(3, "@", ["AtRecognizer"])]


@pytest.mark.parametrize("engine", ENGINES)
@pytest.mark.parametrize("always", [False, True])
def test_skipped_lines_are_left_out_and_the_rest_kept(engine, always):
    # The lines a caller reads otherwise (decoded, in pieces) are not given; the others come
    # as without skip, with the same indexes, also when every line is a candidate.
    recognizers = [KzIinRecognizer(), AtRecognizer()]
    if always:
        recognizers.append(NoPrefilterRecognizer())
    scanner = fastpath.compile_scanner(recognizers, engine=engine)
    data = f"{IIN}\n\nnothing\nx @ y {IIN}\n@\n\n{IIN}".encode()
    whole = list(scanner.candidate_lines(data))
    for skip in ({3}, {0, 6}, {1, 2, 5}, set(range(7))):
        kept = list(scanner.candidate_lines(data, None, skip))
        assert [(i, line, _names(rs)) for i, line, rs in kept] == [
            (i, line, _names(rs)) for i, line, rs in whole if i not in skip]
    assert list(scanner.candidate_lines(data, None, dict.fromkeys([3]))) == [
        c for c in whole if c[0] != 3]


def _line_by_split(data: bytes, start: int, at: int) -> tuple[int, int, int]:
    """The line holding byte ``at`` (its newline included), by ``split``: the lines from the
    one starting at ``start`` to it, where it starts, where it ends."""
    lo = 0
    first = None
    for index, line in enumerate(data.split(b"\n")):
        if lo == start:
            first = index
        if at <= lo + len(line):
            return index - first, lo, lo + len(line)
        lo += len(line) + 1
    raise AssertionError("at past the data")


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from([b"\n", b"a", b"\xd0", b"\n\n", b"abc"]), min_size=1,
                max_size=30).map(b"".join))
def test_the_line_holding_a_byte_is_the_one_split_makes(data):
    # Every line start and every byte from there: the C loop (compiled) and bytes' methods.
    size = len(data)
    starts = [0] + [k + 1 for k in range(size) if data[k] == 10 and k + 1 < size]
    for start in starts:
        for at in range(start, size):
            expected = _line_by_split(data, start, at)
            assert marks._read_line(data, start, at, size) == expected, (start, at)
            assert marks._find_line(data, start, at, size) == expected, (start, at)


@pytest.mark.parametrize("engine", ENGINES)
@settings(max_examples=100, deadline=None)
@given(st.lists(st.sampled_from(["", "@", "x", "x@y", "@@", "\r"]), max_size=12))
def test_each_line_is_marked_where_split_puts_it(engine, lines):
    scanner = fastpath.compile_scanner([AtRecognizer()], engine=engine)
    data = "\n".join(lines).encode()
    expected = [(i, line, ["AtRecognizer"]) for i, line in enumerate(data.decode().split("\n"))
                if "@" in line]
    assert _lines(scanner, data) == expected


def test_match_handler_refuses_a_context_that_is_no_sink():
    # Compiled, a None context would otherwise reach the sink's C fields (another object is
    # refused by the argument's type, compiled; as Python, it has no _match).
    with pytest.raises(TypeError):
        marks._on_match(0, 0, 1, 0, None)
    with pytest.raises((TypeError, AttributeError)):
        marks._on_match(0, 0, 1, 0, 5)


@pytest.mark.parametrize("engine", ENGINES)
def test_a_match_ending_in_the_newline_belongs_to_the_line_it_ends(engine):
    # The IIN prefilter's right boundary matches the newline itself.
    scanner = fastpath.compile_scanner([KzIinRecognizer()], engine=engine)
    data = f"a {IIN}\nb\nc {IIN}\r\nd".encode()
    assert [i for i, _, _ in scanner.candidate_lines(data)] == [0, 2]


@pytest.mark.parametrize("engine", ENGINES)
def test_undecodable_bytes_are_replaced_not_dropped(engine):
    scanner = fastpath.compile_scanner([AtRecognizer()], engine=engine)
    assert _lines(scanner, b"ok\n\xff@\xd0\nok") == [(1, "\ufffd@\ufffd", ["AtRecognizer"])]


@pytest.mark.parametrize("engine", ENGINES)
def test_values_map_to_their_index_even_with_newlines_inside(engine):
    scanner = fastpath.compile_scanner([KzIinRecognizer(), AtRecognizer()], engine=engine)
    values = ["", "x", f"a\nb\n{IIN}", "\n", "@", "\n\n", f"{IIN}\n", "ИИН: ", "z@"]
    got = [(i, _names(rs)) for i, rs in scanner.candidate_values(values)]
    assert got == [
        (2, ["KzIinRecognizer"]),
        (4, ["AtRecognizer"]),
        (6, ["KzIinRecognizer"]),
        (8, ["AtRecognizer"]),
    ]
    assert list(scanner.candidate_values([])) == []


@pytest.mark.parametrize("engine", ENGINES)
def test_recognizer_without_prefilters_sees_every_unit(engine):
    scanner = fastpath.compile_scanner([AtRecognizer(), NoPrefilterRecognizer()], engine=engine)
    got = _lines(scanner, b"a\n@b\n#c")
    assert got == [
        (0, "a", ["NoPrefilterRecognizer"]),
        (1, "@b", ["AtRecognizer", "NoPrefilterRecognizer"]),
        (2, "#c", ["NoPrefilterRecognizer"]),
    ]
    values = [(i, _names(rs)) for i, rs in scanner.candidate_values(["a", "@"])]
    assert values == [
        (0, ["NoPrefilterRecognizer"]),
        (1, ["AtRecognizer", "NoPrefilterRecognizer"]),
    ]


def test_flooded_line_keeps_all_its_recognizers_and_the_lines_after_it():
    scanner = fastpath.compile_scanner([AtRecognizer(), KzIinRecognizer()], engine="hyperscan")
    flood = "@" * (fastpath.FLOOD * 50) + f" {IIN}"
    data = f"{IIN}\n{flood}\n@\nnone\n{'@' * 1000}\n{IIN}".encode()
    assert [(i, names) for i, _, names in _lines(scanner, data)] == [
        (0, ["KzIinRecognizer"]),
        (1, ["AtRecognizer", "KzIinRecognizer"]),
        (2, ["AtRecognizer"]),
        (4, ["AtRecognizer"]),
        (5, ["KzIinRecognizer"]),
    ]
    values = ["@" * 1000 + IIN, "x", "@" * 500, IIN]
    got = [(i, _names(rs)) for i, rs in scanner.candidate_values(values)]
    # The first value: "@" then digits glued to it; the IIN prefilter wants a boundary ("@"
    # is one), so both recognizers are listed.
    assert got == [
        (0, ["AtRecognizer", "KzIinRecognizer"]),
        (2, ["AtRecognizer"]),
        (3, ["KzIinRecognizer"]),
    ]


@pytest.mark.skipif(fastpath.hyperscan is None, reason="needs hyperscan")
class _CountingDatabase:
    """A Hyperscan database that counts the bytes its scans are given."""

    def __init__(self, db) -> None:
        self.db = db
        self.scanned = self.scans = 0

    def scan(self, data, **options):
        self.scanned += len(data)
        self.scans += 1
        return self.db.scan(data, **options)


def _counting_scanner(monkeypatch, window: int):
    """A scanner for "@" and the IIN whose line scans count the bytes Hyperscan reads, with
    ``window`` bytes scanned at first after a flood."""
    monkeypatch.setattr(fastpath, "FLOOD_WINDOW", window)
    scanner = fastpath.compile_scanner([AtRecognizer(), KzIinRecognizer()], engine="hyperscan")
    scanner.line_scan(b"x")  # this thread's scratch, made from the real database
    hs = scanner._line_matchers().hs
    counting = _CountingDatabase(hs._db)
    monkeypatch.setattr(hs, "_db", counting)
    return scanner, counting


@pytest.mark.skipif(fastpath.hyperscan is None, reason="needs Hyperscan")
@settings(max_examples=100, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(st.sampled_from(["@" * (fastpath.FLOOD + 1), "@ " * 40, "x", "", IIN,
                                 f"@{IIN}", "y" * 300]), min_size=1, max_size=30),
       st.sampled_from([1, 16, 100, 4096]))
def test_lines_after_a_flood_are_marked_as_each_alone(monkeypatch, lines, window):
    # After a flood the chunk is scanned in windows of whole lines: each line keeps the
    # prefilters it matches alone (the plain definition; in the chunk, an IIN before a
    # newline also matches it as its boundary: "again" bits may differ).
    scanner, _ = _counting_scanner(monkeypatch, window)
    data = "\n".join(lines).encode()
    keep = scanner._keep
    alone = []
    lo = 0
    for index, line in enumerate(data.split(b"\n")):
        alone += [(index, lo, lo + len(line), mask & keep)
                  for _, _, _, mask in scanner.line_scan(line)[0]]
        lo += len(line) + 1
    assert [(i, lo, hi, mask & keep) for i, lo, hi, mask in scanner.line_scan(data)[0]] == alone


@pytest.mark.skipif(fastpath.hyperscan is None, reason="needs Hyperscan")
def test_flooded_lines_cost_a_window_each_not_the_rest_of_the_chunk(monkeypatch):
    # Hyperscan reads all it is given before it reports: a scan restarted after each flood
    # on all the rest of the chunk would read it again and again (quadratic).
    # After a flood, a long stretch without one lets the window grow; the floods after it
    # each cost a window as small as at first again.
    scanner, counting = _counting_scanner(monkeypatch, 64)
    flood = "@" * (fastpath.FLOOD + 1)
    lines = [flood] + ["x"] * 20000 + [flood, "x", IIN, "y" * 100] * 200
    data = "\n".join(lines).encode()
    marks = scanner.line_scan(data)[0]
    assert len(marks) == 401
    floods = 201
    assert counting.scanned <= 3 * len(data) + floods * (2 * 64 + 100)
    # ... in windows that grow: a few scans a flood, not one every 64 bytes.
    assert counting.scans <= 3 * floods + 20


@pytest.mark.skipif(fastpath.hyperscan is None, reason="needs Hyperscan")
@settings(max_examples=50, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(st.sampled_from(["@" * (fastpath.FLOOD + 1), "x", "", IIN, f"a\n{IIN}",
                                 "@\n@"]), min_size=1, max_size=30),
       st.sampled_from([1, 16, 4096]))
def test_values_after_a_flood_are_marked_as_each_alone(monkeypatch, values, window):
    # Windows of values end where a value does, not at a newline inside one.
    scanner, _ = _counting_scanner(monkeypatch, window)

    def names(candidates):
        return [(type(c.recognizer).__name__, c.patterns) for c in candidates]

    alone = [(i, names(cs)) for i, value in enumerate(values)
             for _, cs in scanner.candidate_values([value])]
    assert [(i, names(cs)) for i, cs in scanner.candidate_values(values)] == alone


def test_prefilter_hyperscan_rejects_falls_back_to_re_for_that_recognizer():
    detector = Detector([BackrefRecognizer(), KzIinRecognizer()])
    assert detector.engine_name == "hyperscan+re"
    data = f"aaaa {IIN}\nabab\nxbbbb".encode()
    got = [(i, [m[0] for m in ms]) for i, _, ms in detector.scan_lines(data)]
    assert got == [(0, ["DOUBLE", "KZ_IIN"]), (2, ["DOUBLE"])]


def test_unknown_engine_is_refused():
    with pytest.raises(ValueError):
        fastpath.compile_scanner([AtRecognizer()], engine="pcre")


# -- context gates ---------------------------------------------------------------------------


def test_gate_only_for_recognizers_with_patterns_that_need_context():
    from derbes.detectors.mac_address import MacAddressRecognizer

    assert fastpath.context_gate(KzIinRecognizer()) is None
    assert fastpath.context_gate(AtRecognizer()) is None
    assert fastpath.context_gate(DeviceIdRecognizer())
    assert fastpath.context_gate(MacAddressRecognizer())  # its bare 12-hex pattern


def test_gate_drops_only_the_context_only_patterns():
    """A bare 12-hex number (an order number) is a MAC only with context; a separated MAC
    needs none: on a line without a MAC word, only the bare pattern is gated away."""
    from derbes.detectors.mac_address import MacAddressRecognizer

    scanner = fastpath.compile_scanner([MacAddressRecognizer()])
    bare = b"order_id=230124457186 ok"
    separated = b"router 3C:5A:B4:1F:22:9E up"
    worded = b"mac=3c5ab41f229e"
    assert list(scanner.candidate_lines(bare)) == []
    ((_, _, (candidate,)),) = scanner.candidate_lines(separated)
    # Six octets and eight (an EUI-64) share their prefilter.
    assert candidate.patterns == frozenset({"separated", "separated64"})
    ((_, _, (candidate,)),) = scanner.candidate_lines(worded)
    assert candidate.patterns == frozenset({"bare"})


@pytest.mark.parametrize(
    "text",
    [
        "deviceId",
        "DEVICE_ID",
        "device_id",
        "DeviceID",
        "ИДЕНТИФИКАТОР УСТРОЙСТВА",
        "Идентификатор Устройства",
        "ИДЕНТИФИКАТОР УСТРОЙСТᲀА",
        "ҚҰРЫЛҒЫ ID",
        "IDFA",
        "Ad-Id",
    ],
)
def test_gate_matches_every_spelling_that_folds_into_a_context_word(text):
    gate = re.compile(fastpath.context_gate(DeviceIdRecognizer()))
    recognizer = DeviceIdRecognizer()
    folded_hit = recognizer._context_rx.search(text.casefold()) or recognizer._context_rx.search(
        re.sub(r"(?<=[a-zа-я])(?=[A-ZА-Я])", "_", text).casefold()
    )
    assert folded_hit and folded_hit.lastgroup == "pos"  # the recognizer sees context here
    assert gate.search(text.encode()), text


@pytest.mark.parametrize("engine", ENGINES)
def test_gate_drops_lines_without_context_and_keeps_those_with_it(engine):
    scanner = fastpath.compile_scanner([DeviceIdRecognizer(), KzIinRecognizer()], engine=engine)
    lines = [
        f"request_id={UUID}",  # no device word: dropped
        f"deviceId={UUID}",
        f"ИДЕНТИФИКАТОР УСТРОЙСТВА {UUID}",
        f"STRAẞE {UUID}",  # folds to several letters: never gated
        f"{UUID} {IIN}",
        f"ADVERTISING {UUID}",
    ]
    got = _lines(scanner, "\n".join(lines).encode())
    assert [(i, names) for i, _, names in got] == [
        (1, ["DeviceIdRecognizer"]),
        (2, ["DeviceIdRecognizer"]),
        (3, ["DeviceIdRecognizer"]),
        (4, ["KzIinRecognizer"]),
        (5, ["DeviceIdRecognizer"]),
    ]
    # Values are never gated: the column name can be the context.
    values = [(i, _names(rs)) for i, rs in scanner.candidate_values([UUID])]
    assert values == [(0, ["DeviceIdRecognizer"])]
    detector = Detector([DeviceIdRecognizer()])
    assert list(detector.scan_values([UUID], ("advertising_id",)))
    assert not list(detector.scan_lines(f"request_id={UUID}".encode()))


@pytest.mark.parametrize("engine", ENGINES)
def test_gated_prefilter_needs_its_word_before_the_match_on_the_same_line(engine):
    """With Hyperscan the gate is part of the prefilter (word, anything, id). The word may
    end on the very byte the id's own boundary would need: a Cyrillic letter."""
    android = "9774d56d682e549c"
    scanner = fastpath.compile_scanner([DeviceIdRecognizer()], engine=engine)
    detector = Detector([DeviceIdRecognizer()])
    lines = [
        f"ид устройства{android}",  # glued to a Cyrillic word
        f"{android} device",  # the word after the id supports nothing
        f"device\n{android}",  # nor a word on the line before
        f"deviceId: x, {android}",
    ]
    for line in lines:
        listed = bool(list(scanner.candidate_lines(line.encode())))
        found = bool(list(Detector._run(detector, detector.derbes, line, ())))
        assert listed or not found, line
    got = [i for i, _, _ in _lines(scanner, "\n".join(lines).encode())]
    # The fallbacks gate on a word anywhere on the line; Hyperscan only on one before.
    assert got == ([0, 4] if engine == "hyperscan" else [0, 1, 4])


@pytest.mark.skipif(fastpath.hyperscan is None, reason="gates ride in Hyperscan's prefilters")
def test_gated_prefilter_keeps_its_boundary_after_the_word():
    """After its word, a gated prefilter still needs its own boundary before the number, or
    the word's last byte right before it: the local phone pattern does not run on a number
    inside a longer one, and does on one glued to a Cyrillic word."""
    from derbes.detectors.phone import PhoneRecognizer

    phone = PhoneRecognizer()
    scanner = fastpath.compile_scanner([phone], engine="hyperscan")
    detector = Detector([phone])

    def local_runs(line: str) -> bool:
        return any(c.patterns is None or "local" in c.patterns
                   for _, _, candidates in scanner.candidate_lines(line.encode())
                   for c in candidates)

    def local_finds(line: str) -> bool:
        return any(s for s in phone.find(line, (), frozenset({"local"})))

    inside = '{"msisdn":"77056741454","n":1}'  # the local core 7056741454 inside 11 digits
    assert not local_runs(inside) and not local_finds(inside)
    for line in ("тел7011234567", "тел: 701 123 45 67", "msisdn=(701) 123-45-67",
                 "моб.номер «701 123 45 67»"):
        assert local_finds(line), line
        assert local_runs(line), line
    # The word on the line before supports nothing: no newline inside the gated prefilter.
    assert not _lines(scanner, "тел:\n7011234567".encode())
    assert list(detector.scan_lines("тел7011234567".encode()))


@pytest.mark.parametrize("engine", ENGINES)
def test_line_with_a_multi_letter_fold_is_scanned_ungated(engine):
    """``ẞ`` folds into ``ss``, so no byte gate can tell what it spells: such a line keeps
    its gated prefilters, wherever the character is; lines around it stay gated."""
    scanner = fastpath.compile_scanner([DeviceIdRecognizer(), KzIinRecognizer()], engine=engine)
    data = f"request {UUID}\n{UUID} STRAẞE\nx 😀 {UUID} {IIN}\nrequest {UUID}".encode()
    assert [(i, names) for i, _, names in _lines(scanner, data)] == [
        (1, ["DeviceIdRecognizer"]),
        (2, ["DeviceIdRecognizer", "KzIinRecognizer"]),
    ]


def test_prepare_compiles_what_it_is_asked_for():
    scanner = fastpath.compile_scanner([DeviceIdRecognizer()], engine="re")
    scanner.prepare("values")
    assert scanner._for_values is not None and scanner._for_lines is None
    scanner.prepare("lines")
    assert scanner._for_lines is not None
    with pytest.raises(ValueError):
        scanner.prepare("rows")


def test_shaped_entities_remembered_per_candidate_set_are_those_of_the_set():
    """The detector's memo of checksum entities per candidate set gives, for every set of
    candidates met on realistic lines (many sets, each met many times), what the plain
    definition gives for that set."""
    from derbes.detectors.corpora import logs as gen_logs
    from derbes.scanner.engine.detect import shaped_of

    detector = Detector()
    data = "\n".join(gen_logs.lines(3000, seed=5)).encode()
    sets = [candidates for _, _, candidates in detector._fast.candidate_lines(data)]
    assert len({shaped_of(c, detector.shaped_entities) for c in sets}) > 2
    for candidates in sets + sets[::-1]:
        assert detector._shaped_of(candidates) == shaped_of(candidates,
                                                            detector.shaped_entities)


# -- twins: the IIN's and the BIN's prefilters scanned as one expression -----------------------

_TWIN_PIECES = ["880714300123", "870412300123", "880745012345", "990450012341", "990460012341",
                "1234567890123", "123456789012", "8807143001", "\n", "\r\n", " ", "-", "x", ":",
                "Ж", "=", "0", "7"]


def _twin_marks(texts: list[str], monkeypatch, twins: bool):
    """Line and value marks of every text, with the twins scanned as one or apart (the plain
    definition: each prefilter its own expression)."""
    if not twins:
        monkeypatch.setattr(fastpath, "_TWIN", (b"-", b"-", b""))
    scanner = fastpath.compile_scanner([KzIinRecognizer(), KzBinRecognizer(), AtRecognizer()],
                                       engine="hyperscan")
    assert (scanner._line_matchers().hs._twin >= 0) == twins
    lines = [scanner.line_scan(text.encode()) for text in texts]
    values = [[(i, [(type(c.recognizer).__name__, c.patterns, c.once) for c in cs])
               for i, cs in scanner.candidate_values(text.split("\n"))] for text in texts]
    return lines, values


@pytest.mark.skipif(fastpath.hyperscan is None, reason="needs Hyperscan")
@settings(max_examples=300, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(st.lists(st.sampled_from(_TWIN_PIECES), max_size=12).map("".join),
                min_size=1, max_size=4))
def test_twins_scanned_as_one_mark_what_each_marks_apart(monkeypatch, texts):
    # Every end offset keeps its prefilter: twelve digits at a line's end ($) or before a
    # boundary byte, IIN-shaped (day 0-3) and BIN-shaped (kind 4-6), once and again, floods.
    texts = [*texts, "880714300123 990450012341 " * 40, "990450012341\n880714300123"]
    with monkeypatch.context() as m:
        apart = _twin_marks(texts, m, twins=False)
    assert _twin_marks(texts, monkeypatch, twins=True) == apart


@pytest.mark.skipif(fastpath.hyperscan is None, reason="needs Hyperscan")
def test_twins_scanned_as_one_mark_realistic_lines_as_apart(monkeypatch):
    from derbes.detectors.corpora import logs as gen_logs
    from derbes.detectors.corpora import realistic

    lines = gen_logs.lines(3000, seed=5)
    lines += [line for f in realistic.corpus(1500, seed=5) for line in f.lines]
    texts = ["\n".join(lines[k:k + 500]) for k in range(0, len(lines), 500)]
    with monkeypatch.context() as m:
        apart = _twin_marks(texts, m, twins=False)
    together = _twin_marks(texts, monkeypatch, twins=True)
    assert sum(len(marks) for marks, _ in together[0]) > 300
    assert together == apart


# -- the IIN's and the BIN's twelve digits checked as Hyperscan reports them ------------------

# Independent vectors: the IIN above, BINs of the state register (tests/detectors/test_kz_bin.py);
# each with its check digit changed, which no recognizer reports.
BIN = "940140000385"
_CHECKED_PIECES = [IIN, IIN[:-1] + "8", BIN, BIN[:-1] + "0", "250140021383", "250140021384",
                   "240609326891", " ", "\n", "=", "-", "x", "ИИН ", "order ", "+", "0", "7",
                   '"iin":"', '"']


def _checked_scanner(engine: str):
    return fastpath.compile_scanner([KzIinRecognizer(), KzBinRecognizer(), AtRecognizer()],
                                    engine=engine)


@pytest.mark.skipif(fastpath.hyperscan is None, reason="needs Hyperscan")
def test_iin_and_bin_run_only_where_some_match_passes_their_check():
    """A line whose IIN-shaped numbers all fail the IIN's check gets the recognizer with no
    pattern to run (its entity's shapes are still counted); one valid number anywhere on the
    line, before or after invalid ones, runs it whole. The same for the BIN."""
    scanner = _checked_scanner("hyperscan")

    def candidates(text: str) -> list:
        return [[(type(c.recognizer).__name__, c.patterns) for c in cs]
                for _, _, cs in scanner.candidate_lines(text.encode())]

    bad_iin, bad_bin = IIN[:-1] + "8", BIN[:-1] + "0"
    assert candidates(f"order {bad_iin} ok") == [[("KzIinRecognizer", frozenset())]]
    assert candidates(f"bin {bad_bin}") == [[("KzBinRecognizer", frozenset())]]
    for text in (f"{bad_iin} {IIN}", f"{IIN} {bad_iin}", f"x {IIN}", IIN):
        assert candidates(text) == [[("KzIinRecognizer", None)]], text
    assert candidates(f"{bad_bin} {BIN} {bad_iin}") == [
        [("KzIinRecognizer", frozenset()), ("KzBinRecognizer", None)]]
    # Lines apart: each judged by its own numbers.
    assert candidates(f"{bad_iin}\n{IIN}\n{bad_iin} @a") == [
        [("KzIinRecognizer", frozenset())], [("KzIinRecognizer", None)],
        [("KzIinRecognizer", frozenset()), ("AtRecognizer", None)]]
    # A flooded line is read whole by every recognizer whose prefilter matches it: its
    # matches after the flood were never checked (here the valid IIN at its end).
    for flood in ("@" * (fastpath.FLOOD * 3) + f" {bad_iin}",
                  f"{bad_iin} " + "@" * (fastpath.FLOOD * 3) + f" {IIN}"):
        assert candidates(flood) == [[("KzIinRecognizer", None), ("AtRecognizer", None)]]
    # Column values are not checked (their field name may hold the context).
    assert [[(type(c.recognizer).__name__, c.patterns) for c in cs]
            for _, cs in scanner.candidate_values([bad_iin])] == [
        [("KzIinRecognizer", None)]]


@pytest.mark.skipif(fastpath.hyperscan is None, reason="needs Hyperscan")
def test_checks_apply_to_the_derbes_classes_only():
    """A subclass may read twelve digits otherwise: its prefilter's matches are not checked."""

    class AnyTwelve(KzIinRecognizer):
        def validate_result(self, pattern_text: str) -> bool | None:
            return None

    scanner = fastpath.compile_scanner([AnyTwelve()], engine="hyperscan")
    ((_, _, (candidate,)),) = scanner.candidate_lines(f"order {IIN[:-1]}8".encode())
    assert candidate.patterns is None


@pytest.mark.skipif(fastpath.hyperscan is None, reason="needs Hyperscan")
@settings(max_examples=300, deadline=None)
@given(st.lists(st.lists(st.sampled_from(_CHECKED_PIECES), max_size=10).map("".join),
                min_size=1, max_size=6).map("\n".join))
def test_checked_lines_find_and_shape_what_unchecked_ones_do(text):
    """Checked (Hyperscan) or not (``re``), the lines give the same matches and the same
    shapes of the checksum entities, valid or not (what evidence per log field counts)."""
    data = text.encode()
    out = []
    for engine in ("hyperscan", "re"):
        detector = Detector([KzIinRecognizer(), KzBinRecognizer(), AtRecognizer()],
                            engine=engine)
        shapes: list = []
        found = list(detector.scan_lines(data, shapes))
        out.append((found, shapes))
    assert out[0] == out[1]
