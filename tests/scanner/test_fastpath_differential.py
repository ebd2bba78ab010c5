"""The fast path against Presidio's own engine: the same findings, line by line, value by value.

The reference is a Presidio ``AnalyzerEngine`` built by ``derbes.detectors.build_analyzer()``
and called once per line (``engine.analyze(line, language="en")``), or once per value with the
column as Presidio's ``context``. The fast path scans whole chunks with the compiled
prefilters and runs recognizers on candidate units only. Both must return exactly the same
``(unit, entity, start, end, score)``. The recognizers are whatever ``all_recognizers()``
returns now, so a recognizer added later is held to the same promise.

A second set of tests checks each recognizer's ``PREFILTERS`` promise directly on
hypothesis-generated lines: a pattern match without a prefilter match on the same line is a
bug in the recognizer.
"""

from __future__ import annotations

import re
from functools import cache

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from derbes.detectors import all_recognizers, build_analyzer
from derbes.detectors.corpora import labelled, realistic
from derbes.detectors.corpora import logs as gen_logs
from derbes.scanner.engine import fastpath
from derbes.scanner.engine.detect import Detector
from derbes.scanner.engine.pieces import special_lines, trigger_lines
from derbes.scanner.names import entity_for_name

ENGINES = [e for e, m in (("hyperscan", fastpath.hyperscan), ("re2", fastpath.re2)) if m] + ["re"]

# Lines written to break things: boundaries, floods, encodings, look-alikes glued together.
ADVERSARIAL = [
    "",
    " ",
    "880714300123",
    "880714300123\t",
    "ИИН880714300123",
    "iin:880714300123x",
    "-880714300123",
    "a" * 300 + " 880714300123",
    "1" * 5000,
    "1 " * 2000,
    "@" * 3000,
    "a@b" * 500,
    ".@." * 500,
    "user@mail.kz" * 50,
    "пользователь@почта.рф, e-mail: ivan.petrov+tag@mail.kz.",
    "logo@2x.png icon@3x.jpg user@localhost",
    "+7 701 123 45 67+7 701 123 45 67",
    "тел.87011234567;87011234567,87011234567",
    "(701) 123-45-67 (7172) 55-12-34",
    "4400 4301 2345 6789 4400430123456789 4400-4301-2345-6789",
    "KZ86125KZT5004100100 KZ86 125K ZT50 0410 0100",
    "192.168.0.1 10.0.0.256 1.2.3.4.5 version 1.2.3.4 ::1 fe80::1%eth0",
    "00:1A:2B:3C:4D:5E 001A.2B3C.4D5E 001a2b3c4d5e",
    "IMEI 35-209900-176148-1 352099001761481",
    "deviceId=46271d27-d582-4559-a859-778a6db61079 request_id=46271d27-d582-4559-a859-778a6db6",
    "ADVERTISING_ID 46271D27-D582-4559-A859-778A6DB61079",
    "STRAẞE idfa 46271d27-d582-4559-a859-778a6db61079",
    "идентификатор устройства: 46271d27d5824559",
    '{"a":' * 200 + '"880714300123"' + "}" * 200,
    '{"client":{"iin":"880714300123","phone":"+77011234567","email":"a@b.kz"}}',
    "\x00\x01\x02 880714300123 \x7f",
    "١٢٣٤٥٦٧٨٩٠١٢ ０１２３４５６７８９０１",
    "\r880714300123\r",
    "a\u2028b 880714300123",
    # Encoded forms: decoded before detection, offsets kept in the raw line.
    "GET /otp?phone=%2B77011234567&email=a%40mail.kz&q=8+701+123+45+67 HTTP/1.1",
    "%2B7%20%28701%29%20123-45-67 %ZZ %D0 %E2%82 \\u041",
    '{"email":"\\u0438\\u0432\\u0430\\u043d@mail.kz","q":"\\u0022x\\ud83d"}',
    "тел 8\u00a0701\u00a0123\u00a045\u00a067 и +7\u2009701\u2009123\u201145\u201167",
    # Structure: a key on the line above, a header naming columns.
    '{',
    '  "phones": [',
    '    "87011234567",',
    '    "87011234567"',
    '  ],',
    '  "phone":',
    '    "87011234567"',
    '}',
    "дата;телефон;иин",
    "2026-03-01;87011234567;880714300123",
    '2026-03-02;"8 701 123 45 67";"x;y"',
]

FIELDS = [
    "client_iin",
    "iin",
    "phone",
    "email",
    "notes",
    "order_id",
    "device_id",
    "card",
    "ip",
    "comment",
    "ИИН клиента",
    "payload.client.idfa",
]


def _corpus_lines() -> list[str]:
    lines = gen_logs.lines(1200, seed=7)
    lines += [text for text, _ in labelled.labelled_lines(1200, seed=7)]
    # Real log formats with encoded values, pretty-printed JSON and delimited records.
    lines += [line for f in realistic.corpus(1500, seed=7) for line in f.lines]
    return lines + ADVERSARIAL


@cache
def _analyzer():
    return build_analyzer()


def _presidio(text: str, context: list[str] | None = None) -> list[tuple]:
    results = _analyzer().analyze(text, language="en", context=context)
    return sorted((r.entity_type, r.start, r.end, round(r.score, 6)) for r in results)


@cache
def _whole_readers() -> dict[str, object]:
    """The recognizers that read a value whole in a field named for their entity."""
    return {r.ENTITY: r for r in all_recognizers() if getattr(r, "WHOLE_IN_COLUMN", False)}


def _whole_xml_fields(piece, found: list[tuple]) -> list[tuple]:
    """What the engine adds on a line of XML (``Detector._whole_fields``), beside what its
    recognizers find: each element's value under a name that names a keyed entity (``<Свойство
    Имя="ДатаРождения">``, the lines above), read whole by that entity's recognizer, where
    nothing found that entity; markup, quotes and brackets are no such value."""
    if not piece.xml or piece.decoded is not None:
        return []
    more = []
    for start, end, path in piece.fields:
        reader = _whole_readers().get(entity_for_name(path))
        if reader is None or any(f[0] == reader.ENTITY and f[1] < end and start < f[2]
                                 for f in found):
            continue
        value = piece.text[start - piece.offset:end - piece.offset]
        whole = None if set(value) & set('"{}[]<>') else reader.read_whole(value)
        if whole is not None:
            more.append((reader.ENTITY, start + whole[0], start + whole[1], round(whole[2], 6)))
    return more


def _presidio_lines(data: bytes) -> dict[int, list[tuple]]:
    """Presidio on every line; a line the detector reads decoded or with inherited field
    names (``derbes.scanner.engine.pieces``) is given to Presidio the same way, piece by piece, with
    the field names as Presidio's ``context``, and its results mapped back to the raw line;
    on a line of XML, with the values the engine reads whole by their fields' names."""
    special = special_lines(data)
    expected = {}
    for index, raw in enumerate(data.split(b"\n")):
        if index in special:
            found = []
            for piece in special[index][1]:
                here = [(entity, *piece.raw_span(start, end), score) for entity, start, end, score
                        in _presidio(piece.text, list(piece.context) or None)]
                found += here + _whole_xml_fields(piece, here)
            found.sort()
        else:
            found = _presidio(raw.decode("utf-8", "replace"))
        if found:
            expected[index] = found
    return expected


def _line_findings(detector: Detector, data: bytes) -> dict[int, list[tuple]]:
    out = {}
    for index, _line, matches in detector.scan_lines(data):
        out[index] = sorted((e, s, t, round(score, 6)) for e, s, t, score in matches)
    return out


@pytest.mark.parametrize("engine", ENGINES)
def test_lines_match_presidio(engine):
    lines = _corpus_lines()
    # Raw bytes too: invalid UTF-8 and CRLF line ends, as logs have them.
    data = "\n".join(lines).encode("utf-8") + b"\nbad \xff\xfe 880714300123 \xd0\nend\r\n"
    detector = Detector(engine=engine)
    got = _line_findings(detector, data)
    expected = _presidio_lines(data)
    assert len(expected) > 300, "the corpus should hold plenty of personal data"
    assert got == expected


@pytest.mark.parametrize("engine", ENGINES)
def test_values_match_presidio_with_field_context(engine):
    lines = _corpus_lines()
    # Values as a table would hold them: tokens of the corpus, and multi-line notes.
    values = []
    for line in lines[:1500]:
        values.extend(t for t in re.split(r"[ =,;\"]+", line) if t)
    values += ["\n".join(lines[i : i + 3]) for i in range(0, 300, 3)]
    values += ["", "\n", "880714300123\n", "\n880714300123", "a\n\n880714300123\n\nb"]
    detector = Detector(engine=engine)
    checked = 0
    for k, field in enumerate(FIELDS):
        batch = values[k :: len(FIELDS)][:600]
        got = {
            i: sorted((e, s, t, round(score, 6)) for e, s, t, score in matches)
            for i, matches in detector.scan_values(batch, (field,))
        }
        expected = {}
        for i, value in enumerate(batch):
            found = _presidio(value, [field])
            if found:
                expected[i] = found
        assert got == expected, field
        checked += len(expected)
    assert checked > 100


def test_fast_and_reference_detector_agree_on_generated_corpus():
    # A larger run without Presidio in the loop: fast path vs the detector's reference path.
    data = "\n".join(gen_logs.lines(6000, seed=11)).encode()
    fast = _line_findings(Detector(), data)
    slow = _line_findings(Detector(fast=False), data)
    assert fast == slow
    assert len(fast) > 500


@pytest.mark.skipif(fastpath.hyperscan is None, reason="the triggers ride along in Hyperscan")
def test_triggers_found_in_the_candidate_pass_are_those_of_their_own_scan():
    """The lines of each kind of trigger reported by the detector's candidate pass are those
    the triggers' own scan finds (``trigger_lines``), and so are the special lines read from
    them: on the corpora, the adversarial lines, and lines flooded with candidates that hold
    triggers before and after the point where the candidate scan stops."""
    flood = "@" * (fastpath.FLOOD * 3)
    lines = [
        *_corpus_lines(),
        f"{flood} a%40b.kz {flood}",
        f"{'880714300123 ' * 100}phone=%2B77011234567",
        f"x%41 {'1 ' * 2000}",
        f"{'a@b ' * 200}{{",
        f'"phone": {"880714300123 " * 100}',
        "",
        f"{flood} a\u0430 ",
        f"q={'%41' * fastpath.FLOOD * 3}&u=a%40b.kz {IIN_LIKE}",
        f"{'%41' * fastpath.FLOOD}{chr(92)}u0041 {flood} x%41",
        '2026-11-20 INFO response: <ns2:data><iin>880714300123</iin></ns2:data>',
        '<Сотрудник Код="0001" ФИО="Иванов Иван"/> %41',
        f"{'<a>' * 300} x {'</a>' * 300}",
    ]
    detector = Detector()
    checked = 0
    for start in range(0, len(lines), 700):
        data = "\n".join(lines[start:start + 700]).encode()
        _, triggered = detector._fast.line_scan(data)
        assert triggered == trigger_lines(data)
        assert special_lines(data, triggered) == special_lines(data)
        checked += sum(len(found) for found in triggered)
    assert checked > 100


IIN_LIKE = "880714300123"


class _CountingDatabase:
    """A Hyperscan database whose scans count the match handler's calls."""

    def __init__(self, db) -> None:
        self.db = db
        self.calls = 0

    def scan(self, data, match_event_handler, **options):
        def counted(*args):
            self.calls += 1
            return match_event_handler(*args)

        return self.db.scan(data, match_event_handler=counted, **options)


@pytest.mark.skipif(fastpath.hyperscan is None, reason="the triggers ride along in Hyperscan")
def test_a_line_flooded_with_triggers_costs_at_most_a_flood_of_callbacks(monkeypatch):
    """Triggers count toward a flood: a long line of encoded bytes costs at most ``FLOOD`` + 1
    callbacks, not one every three bytes, and its lines are still those of the triggers'
    own scan."""
    detector = Detector()
    detector._fast.line_scan(b"x")  # this thread's scratch, made from the real database
    hs = detector._fast._line_matchers().hs
    counting = _CountingDatabase(hs._db)
    monkeypatch.setattr(hs, "_db", counting)
    for hostile in (b"%41" * 3000, b"\\u0041" * 2000, b"\xc2\xa0" * 3000, b"<a>x</a>" * 2000,
                    b'<a b="1" c="2"/>' * 2000):
        data = b"a=%41\n" + hostile + f" {IIN_LIKE} a@b.kz\nok %41 {IIN_LIKE}".encode()
        counting.calls = 0
        marks, triggered = detector._fast.line_scan(data)
        assert triggered == trigger_lines(data)
        assert [index for index, *_ in marks] == [1, 2]
        assert counting.calls <= fastpath.FLOOD + 1 + 4, hostile[:6]


# -- the PREFILTERS promise, recognizer by recognizer ------------------------------------------


def _real_values() -> list[str]:
    gen = gen_logs.LogGenerator(seed=3)
    values = [gen.pii()[1] for _ in range(300)]
    values += [gen.noise().partition("=")[2] for _ in range(100)]
    values += [gen.uuid() for _ in range(20)] + [gen.ip() for _ in range(20)]
    values += [
        "00:1a:2b:3c:4d:5e",
        "001A.2B3C.4D5E",
        "352099001761481",
        "35-209900-176148-1",
        "fe80::1",
        "2001:db8::8a2e:370:7334",
        "::ffff:192.0.2.1",
        "46271d27d5824559",
        "+44 20 7946 0958",
        "+4930901820",
        "(7172) 55-12-34",
        "8 (701) 123-45-67",
        "пользователь@почта.рф",
        "KZ86 125K ZT50 0410 0100",
        "DE89370400440532013000",
    ]
    return values


_FILLER = st.text(
    alphabet=st.sampled_from(
        list("0123456789abcdefxyzABCDEFKZ @.:-+_()/=,;\"'\t#%") + list("иинтелІіҚқ٣０ß")
    ),
    max_size=12,
)
_LINE = st.builds(
    lambda a, v, b, w, c: a + v + b + w + c,
    _FILLER,
    st.sampled_from(_real_values()),
    _FILLER,
    st.sampled_from(_real_values()),
    _FILLER,
)


@cache
def _prefilter_res():
    return {
        type(r).__name__: [re.compile(p, re.MULTILINE) for p in r.PREFILTERS]
        for r in all_recognizers()
        if r.PREFILTERS
    }


@cache
def _scanner():
    return fastpath.compile_scanner(all_recognizers())


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(line=_LINE)
@example(line="asel.k69@gmail.com:0780823427162000-")  # an Android id before a final "-"
def test_every_pattern_match_has_a_prefilter_match(line):
    raw = line.encode("utf-8")
    for recognizer in all_recognizers():
        prefilters = _prefilter_res().get(type(recognizer).__name__)
        if prefilters is None:
            continue
        for name, rx in _patterns(recognizer):
            if any(m.end() > m.start() for m in rx.finditer(line)):
                assert any(p.search(raw) for p in prefilters), (
                    f"{type(recognizer).__name__} pattern {name!r} matches {line!r} "
                    "but none of its PREFILTERS do"
                )


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(line=_LINE)
def test_scanner_lists_every_recognizer_that_finds_something(line):
    scanner = _scanner()
    listed = {
        type(c.recognizer).__name__
        for _, _, candidates in scanner.candidate_lines(line.encode("utf-8"))
        for c in candidates
    }
    for recognizer in scanner.recognizers:
        if recognizer.find(line):
            assert type(recognizer).__name__ in listed, (type(recognizer).__name__, line)


def _patterns(recognizer) -> list[tuple[str, re.Pattern]]:
    """Each pattern of ``recognizer`` compiled as it compiles them (its ``FLAGS``)."""
    return [(p.name, re.compile(p.regex, recognizer.FLAGS)) for p in recognizer.patterns]


def _covers(recognizer) -> list[set[str]] | None:
    """For each prefilter, the pattern names it stands for (``PATTERN_PREFILTERS``); None
    when the recognizer does not say (every prefilter stands for every pattern)."""
    mapping = recognizer.PATTERN_PREFILTERS
    if not mapping:
        return None
    return [{n for n, ks in mapping.items() if k in ks} for k in range(len(recognizer.PREFILTERS))]


@cache
def _distinct_prefilters():
    """(recognizer, pattern name, Hyperscan database of the one prefilter) for every pattern
    whose only prefilter is declared distinct."""
    import hyperscan

    out = []
    for recognizer in all_recognizers():
        covers = _covers(recognizer)
        for k in recognizer.PREFILTER_DISTINCT:
            names = covers[k] if covers else {p.name for p in recognizer.patterns}
            only = [n for n in names if not covers or sum(n in c for c in covers) == 1]
            db = hyperscan.Database()
            db.compile(expressions=[recognizer.PREFILTERS[k]], ids=[0], elements=1,
                       flags=hyperscan.HS_FLAG_MULTILINE)
            out.extend((recognizer, name, db) for name in only)
    return out


@pytest.mark.skipif(fastpath.hyperscan is None, reason="counts prefilter ends with Hyperscan")
@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(line=_LINE, repeat=st.integers(1, 3))
def test_distinct_prefilters_end_a_match_per_pattern_match(line, repeat):
    """PREFILTER_DISTINCT: a pattern never matches more often on a line than its distinct
    prefilter has match ends there, so one end means at most one match."""
    import hyperscan

    line = " ".join([line] * repeat)
    assert _distinct_prefilters(), "no recognizer declares PREFILTER_DISTINCT"
    for recognizer, name, db in _distinct_prefilters():
        ends: set[int] = set()

        def count(_id, _start, end, _flags, _ctx, ends=ends):
            ends.add(end)

        db.scan(line.encode("utf-8"), match_event_handler=count, scratch=hyperscan.Scratch(db))
        (rx,) = [rx for n, rx in _patterns(recognizer) if n == name]
        matches = [m for m in rx.finditer(line) if m.end() > m.start()]
        assert len(matches) <= len(ends), (type(recognizer).__name__, name, line)


@pytest.mark.parametrize("engine", ["hyperscan", "re"])
def test_once_only_where_a_distinct_prefilter_matched_once(engine):
    if engine == "hyperscan" and fastpath.hyperscan is None:
        pytest.skip("needs hyperscan")
    scanner = fastpath.compile_scanner(all_recognizers(), engine=engine)
    one = "client 10.0.0.1 ok"
    two = "client 10.0.0.1 via 10.0.0.2"
    got = {}
    for text in (one, two):
        ((_, _, candidates),) = scanner.candidate_lines(text.encode())
        (ip,) = [c for c in candidates if type(c.recognizer).__name__ == "IpAddressRecognizer"]
        got[text] = ip.once
    # The fallbacks do not count matches: never "once" there.
    assert got == {one: frozenset({"ipv4"}) if engine == "hyperscan" else frozenset(),
                   two: frozenset()}
    detector = Detector()
    assert [m[1:3] for _, _, ms in detector.scan_lines(two.encode()) for m in ms] == [
        (7, 15), (20, 28)]
    # Values are not counted: never "once".
    ((_, candidates),) = scanner.candidate_values(["10.0.0.1"])
    assert [c.once for c in candidates] == [frozenset()]
