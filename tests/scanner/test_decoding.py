"""Encoded text in logs: decoded before detection, offsets of the raw line, decoded values."""

from __future__ import annotations

from itertools import pairwise

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from derbes.scanner.engine import ScanOptions, scan
from derbes.scanner.engine.decoding import decode
from derbes.scanner.engine.detect import Detector
from derbes.scanner.engine.pieces import value_at
from derbes.scanner.redact import mask, value_hash
from derbes.scanner.sources.base import Column, Container, ContainerDone, LineBatch, Source

NBSP, THIN, NB_HYPHEN = "\u00a0", "\u2009", "\u2011"


@pytest.mark.parametrize(
    ("raw", "decoded"),
    [
        ("email=a%40mail.kz", "email=a@mail.kz"),
        ("phone=%2B77011234567", "phone=+77011234567"),
        ("q=8+701+123+45+67", "q=8 701 123 45 67"),
        ("8%20701%20123%2045%2067", "8 701 123 45 67"),
        ("fio=%D0%90%D0%B9%D0%B3%D0%B5%D1%80%D0%B8%D0%BC", "fio=Айгерим"),
        ('{"e":"\\u0438\\u0432\\u0430\\u043d@mail.kz"}', '{"e":"иван@mail.kz"}'),
        ("x\\ud83d\\ude00y", "x😀y"),  # a surrogate pair is one character
        (f"+7{NBSP}701{THIN}123{NB_HYPHEN}45-67", "+7 701 123-45-67"),
        ("phone=%2B7+701+123+45+67", "phone=+7 701 123 45 67"),
    ],
)
def test_decoded_text(raw: str, decoded: str) -> None:
    result = decode(raw)
    assert result is not None and result.text == decoded
    assert result.raw_span(0, len(result.text)) == (0, len(raw))


@pytest.mark.parametrize(
    "raw",
    [
        "plain line, nothing encoded",
        "100% done",
        "%ZZ %D0 alone",  # not hex, not UTF-8
        '{"q":"\\u0022"}',  # an escaped quote stays: it would break the JSON string
        "a\\u0000b",  # a control character stays escaped
        "Клиент — ok",  # the em dash of prose is punctuation
        "2026-03-01T10:00:00.123+05:00 GMT+5 1+1=2",  # '+' is a space in form values only
    ],
)
def test_left_as_written(raw: str) -> None:
    assert decode(raw) is None


@settings(max_examples=500, deadline=None)
@given(st.lists(st.sampled_from(["a", "%40", "%ZZ", "%D0", "%D0%B8", "\\u0430", "\\u0022", "=8+7+1",
                                 "\u00a0", "\u2011", "\u200b", "+", "7", "@", "%",
                                 "%E2%82%B8", "%F0%9F%98%80", "%2B7+1+2"]), max_size=12))
def test_every_decoded_character_maps_back_to_what_it_was_written_as(pieces) -> None:
    raw = "".join(pieces)
    result = decode(raw)
    if result is None:
        return
    assert result.raw_offset(len(result.text)) == len(raw)
    for i, ch in enumerate(result.text):
        lo, hi = result.raw_span(i, i + 1)
        assert lo < hi
        written = raw[lo:hi]
        alone = decode(written)
        # A '+' stays, or is a form value's space ("=8+7+1").
        expected = {written if alone is None else alone.text} | ({" "} if written == "+" else set())
        assert ch in expected, (raw, i, ch, written)


def _decoded_by_definition(raw: str) -> str | None:
    """The decoded text as the standards define each piece (RFC 3986 percent-encoding read
    as UTF-8, WHATWG's form ``+``, RFC 8259's ``\\u`` escapes with surrogate pairs, odd
    spaces and dashes made ASCII), a piece left as written when its decoding would not be
    text or would change the line's structure: the reference the compiled reader is held to."""
    from derbes.scanner.engine.decoding import PIECES

    out, pos, changed = [], 0, False
    for m in PIECES.finditer(raw):
        kind, piece = m.lastgroup, m.group()
        if kind == "plus":
            text = piece.replace("+", " ")
        elif kind in ("space", "dash", "zero"):
            text = {"space": " ", "dash": "-", "zero": ""}[kind]
        elif kind == "pct":
            try:
                text = bytes.fromhex(piece.replace("%", "")).decode("utf-8")
            except UnicodeDecodeError:
                continue
        else:
            try:
                text = piece.encode("ascii").decode("unicode_escape").encode(
                    "utf-16", "surrogatepass").decode("utf-16")
            except UnicodeDecodeError:
                continue  # a lone surrogate
        if kind in ("pct", "esc") and any(ch in '"\\' or ord(ch) < 0x20 for ch in text):
            continue
        out += [raw[pos:m.start()], text]
        pos, changed = m.end(), True
    return "".join([*out, raw[pos:]]) if changed else None


@settings(max_examples=3000, deadline=None)
@given(st.lists(st.sampled_from(["a", "%40", "%2B", "%2b7", "%D0%B8", "%d0%B8", "%FF", "%E2%82%B8",
                                 "%F0%9F%98%80", "%1F", "%22", "%5c", "%7F", "\\u0430",
                                 "\\ud83d\\ude00", "\\ud83d", "\\u0022", "\\", "=", "=8",
                                 "+", "7", "12", "\u00a0", "\u2011", "\u200b", "\u2212",
                                 "\u3000", "%", "B", "Ж"]), max_size=16).map("".join))
@example("phone=%2B7+701+913+78+83&lang=ru")
@example("u=arman_akhmetov%2Bnews%40outlook.com&sig=d62b")
def test_the_decoded_text_is_what_each_piece_decodes_to_by_definition(raw) -> None:
    result = decode(raw)
    assert (None if result is None else result.text) == _decoded_by_definition(raw)
    if result is not None:  # and every character maps to a piece of the raw line, in order
        spans = [result.raw_span(i, i + 1) for i in range(len(result.text))]
        assert all(lo < hi for lo, hi in spans)
        assert all(a[1] <= b[0] for a, b in pairwise(spans))


@settings(max_examples=1500, deadline=None)
@given(st.lists(st.sampled_from(["a", "%40", "%2B", "%2b7", "%D0%B8", "\\u0430", "\\", "=", "=8",
                                 "+", "7", "12", "\u00a0", "\u2011", "\u200b", "\u2212", "%",
                                 "%2", "B", "u0430", "Ж"]), max_size=16).map("".join))
@example("phone=%2b7+701+123+45&q=0+12+3+4")
@example("x=%2B0+1+2 y=09+8+7")
def test_decoding_reads_only_where_a_piece_can_start(raw) -> None:
    # The pieces are looked for only at the characters a piece can start at: they must be
    # those the expression finds trying every character.
    from derbes.scanner.engine.decoding import PIECES, pieces

    assert [(m.lastgroup, m.span()) for m in pieces(raw)] == [
        (m.lastgroup, m.span()) for m in PIECES.finditer(raw)]


@settings(max_examples=3000, deadline=None)
@given(st.lists(st.sampled_from(["a", "%40", "%2B", "%2b7", "%D0%B8", "%d0%b8", "%4", "%G0",
                                 "\\u0430", "\\u04D8", "\\u043", "\\", "\\\\u0430", "u", "=", "=8",
                                 "=12345",
                                 "+", "+1234", "+12345", "7", "12", "\u00a0", "\u2000", "\u200a",
                                 "\u200b", "\u2010", "\u2013", "\u2014", "\u2060", "\u202f",
                                 "\u205f", "\u3000", "\ufeff", "\u2212", "%", "%2", "B", "b",
                                 "u0430", "Ж", "\u00a1"]), max_size=20).map("".join))
@example("phone=%2b7+701+123+45&q=0+12+3+4")
@example("x=%2B0+1+2 y=09+8+7=12345+6+7 =1+23456+7+8")
@example("%2B%37+1+2 %2b7+1 \\u0430\\u04\\u00e9")
def test_the_piece_reader_finds_what_the_expression_finds(raw) -> None:
    # read_pieces is what decode() reads compiled; both builds run it here.
    from derbes.scanner.engine.decoding import PIECES, piece_spans, read_pieces

    expected = [(m.lastgroup, *m.span()) for m in PIECES.finditer(raw)]
    assert read_pieces(raw) == expected
    assert piece_spans(raw) == expected


@settings(max_examples=1500, deadline=None)
@given(st.lists(st.sampled_from(["a", "%40", "%2B", "%2b7", "%D0%B8", "%FF", "\\u0430", "\\",
                                 "=", "=8", "+", "7", "12", "\u00a0", "\u2011", "\u200b",
                                 "\u2212", "\u2014", "%", "B", "Ж", "\\u0022"]),
                max_size=16).map("".join))
def test_decoding_a_line_known_to_need_it_skips_only_the_test(raw) -> None:
    """A line the line scan's triggers found is decoded without the cheap test first: the
    same result, because every piece that decodes is something the test looks for."""
    assert decode(raw, checked=True) == decode(raw)


@settings(max_examples=1500, deadline=None)
@given(st.lists(st.sampled_from(["a", "%40", "%2B", "%2b7", "%D0%B8", "%G0", "\\u0430",
                                 "\\u04", "\\", "=", "=8", "+", "7", "12", "\u00a0", "\u2000",
                                 "\u200b", "\u2010", "\u2013", "\u2014", "\u2060", "\u202f",
                                 "\u205f", "\u3000", "\ufeff", "\u2212", "\u2061", "\u00a1",
                                 "Ж", "<x>", "\ufffd"]), max_size=16).map("".join))
def test_a_line_without_an_encoded_trigger_needs_no_decoding(raw) -> None:
    """The line scan's triggers of encoded text find a line exactly when the cheap test
    does: a line of XML they did not find is not decoded at all (``pieces_of(clean=...)``)."""
    from derbes.scanner.engine.decoding import may_need_decoding
    from derbes.scanner.engine.pieces import trigger_lines

    assert bool(trigger_lines(raw.encode("utf-8"))[0]) == may_need_decoding(raw)


def test_offsets_map_each_decoded_character_to_its_raw_start() -> None:
    raw = "e=a%40b.kz&p=%2B7"
    result = decode(raw)
    assert result is not None
    at = result.text.index("@")
    assert result.raw_span(at, at + 1) == (raw.index("%40"), raw.index("%40") + 3)
    s = result.text.index("a@b.kz")
    assert raw[slice(*result.raw_span(s, s + 6))] == "a%40b.kz"


LINES = [
    "GET /api/otp?phone=%2B77011234567&email=aigerim.n%40mail.kz HTTP/1.1",
    '{"email":"\\u0438\\u0432\\u0430\\u043d@mail.kz"}',
    f"Клиент перезвонил с номера +7{NBSP}701{NBSP}123{NBSP}45{NBSP}67",
    "GET /otp?q=8+701+123+45+67 HTTP/1.1",
    "CONNECT https://aigul%40mail.kz@sso.example.kz/ 200",  # URL user info
]
EXPECTED = [
    (0, "PHONE_NUMBER", "%2B77011234567", "+77011234567"),
    (0, "EMAIL_ADDRESS", "aigerim.n%40mail.kz", "aigerim.n@mail.kz"),
    (1, "EMAIL_ADDRESS", "\\u0438\\u0432\\u0430\\u043d@mail.kz", "иван@mail.kz"),
    (2, "PHONE_NUMBER", f"+7{NBSP}701{NBSP}123{NBSP}45{NBSP}67", "+7 701 123 45 67"),
    (3, "PHONE_NUMBER", "8+701+123+45+67", "8 701 123 45 67"),
    (4, "EMAIL_ADDRESS", "aigul%40mail.kz", "aigul@mail.kz"),
]


@pytest.mark.parametrize("fast", [True, False])
def test_detector_reports_raw_offsets_and_decoded_values(fast: bool) -> None:
    data = "\n".join(LINES).encode()
    got = sorted(
        (index, entity, line[s:e], value_at(line, s, e))
        for index, line, matches in Detector(fast=fast).scan_lines(data)
        for entity, s, e, _ in matches
    )
    assert got == sorted(EXPECTED)


class _LogFile(Source):
    name, kind = "logs", "logs"

    def containers(self):
        yield Container("app.log", "file", (Column("line", "TEXT"),))

    def read(self, container):
        yield LineBatch(first_line=1, data="\n".join(LINES).encode() + b"\n")
        yield ContainerDone(rows_scanned=len(LINES))

    def close(self):
        pass


def test_findings_mask_and_hash_the_decoded_value() -> None:
    key = b"k" * 32
    result = scan([_LogFile()], ScanOptions(hits=True, hash_key=key))
    hits = sorted((h.row, h.entity, h.start, h.end, h.masked, h.value_hash) for h in result.hits)
    expected = sorted(
        (index + 1, entity, LINES[index].index(raw), LINES[index].index(raw) + len(raw),
         mask(entity, value), value_hash(key, entity, value))
        for index, entity, raw, value in EXPECTED
        # A JSON field's offsets count from its value: checked on the plain lines only.
        if not LINES[index].startswith("{")
    )
    assert [h for h in hits if not LINES[h[0] - 1].startswith("{")] == expected
    # The same person's value hashes alike, however it was encoded.
    email = next(h for h in result.hits if h.entity == "EMAIL_ADDRESS" and h.row == 2)
    assert email.value_hash == value_hash(key, "EMAIL_ADDRESS", "иван@mail.kz")


@pytest.mark.parametrize("case", ["upper", "lower"])
def test_one_percent_encoded_byte_decodes_as_utf_8_says(case: str) -> None:
    # Every byte alone: a character of ASCII (but a quote, a backslash or a control character,
    # which would change the line's structure), or no UTF-8 at all.
    from derbes.scanner.engine.decoding import _percent

    for byte in range(256):
        raw = f"%{byte:02X}" if case == "upper" else f"%{byte:02x}"
        try:
            ch = bytes([byte]).decode("utf-8")
        except UnicodeDecodeError:
            expected = None
        else:
            expected = None if ch in '"\\' or byte < 0x20 else [(ch, 0)]
        assert _percent(raw) == expected, raw
        # A run of them reads as its bytes together do.
        assert _percent(raw + "%41") == (None if expected is None else [*expected, ("A", 3)])


@settings(max_examples=300, deadline=None)
@given(st.lists(st.tuples(st.integers(0, 6), st.integers(0, 9)), min_size=1, max_size=12),
       st.integers(0, 60))
def test_a_decoded_offset_maps_back_from_the_last_mark_at_or_before_it(steps, offset) -> None:
    """The raw offset of a decoded one: from the last mark whose decoded offset is at or
    before it, as ``bisect_right`` of ``(offset, huge)`` finds it; marks with equal decoded
    offsets (a character decoded to nothing) take the last."""
    from bisect import bisect_right

    from derbes.scanner.engine.decoding import Decoded, _raw_offset

    marks = [(0, 0)]
    for grow, skip in steps:  # decoded offsets never decrease; raw ones grow at least as much
        marks.append((marks[-1][0] + grow, marks[-1][1] + grow + skip))
    marks = tuple(marks)
    decoded, raw = marks[bisect_right(marks, (offset, 1 << 62)) - 1]
    assert _raw_offset(marks, offset) == raw + offset - decoded
    text = "x" * marks[-1][0]
    at = min(offset, len(text))
    assert Decoded(text, marks).raw_span(0, at) == (_raw_offset(marks, 0),
                                                    _raw_offset(marks, at))
