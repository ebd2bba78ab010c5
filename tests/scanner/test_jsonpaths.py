"""JSON key paths over raw lines agree with the parsed document."""

from __future__ import annotations

import json

from hypothesis import given, settings
from hypothesis import strategies as st

from derbes.scanner.jsonpaths import (
    JsonReading,
    document_spans,
    field_at,
    field_at_by_bisect,
    flatten,
    value_spans,
)

_TEXT = st.text(alphabet=st.sampled_from('ab"\\/ ИИН\n\t{}[]:,'), max_size=12)
_DOC = st.recursive(
    _TEXT | st.integers(-10**12, 10**12),
    lambda inner: st.lists(inner, max_size=4)
    | st.dictionaries(st.text(alphabet="abк_.", min_size=1, max_size=5), inner, max_size=4),
    max_leaves=20,
)


@settings(max_examples=300, deadline=None)
@given(doc=st.dictionaries(st.text(alphabet="abc", min_size=1, max_size=3), _DOC, max_size=5),
       ascii_only=st.booleans())
def test_spans_give_the_documents_values_and_paths(doc, ascii_only):
    line = json.dumps(doc, ensure_ascii=ascii_only)
    from_raw = []
    for start, end, path in value_spans(line):
        raw = line[start:end]
        quoted = line[start - 1] == '"'
        from_raw.append((path, json.loads(f'"{raw}"') if quoted else raw))
    assert from_raw == list(flatten(doc))


@settings(max_examples=300, deadline=None)
@given(doc=st.dictionaries(st.text(alphabet="abc", min_size=1, max_size=3), _DOC, max_size=5),
       indent=st.sampled_from([0, 1, 2, 4, "\t"]), ascii_only=st.booleans())
def test_a_document_read_line_by_line_gives_its_values_and_paths(doc, indent, ascii_only):
    # Pretty-printed by json.dumps, read a line at a time with one reading: each value with
    # the path it has in the parsed document (flatten), and the reading closed at the end.
    text = json.dumps(doc, indent=indent, ensure_ascii=ascii_only)
    reading = JsonReading()
    from_raw = []
    for line in text.split("\n"):
        for start, end, path in document_spans(line, reading):
            raw = line[start:end]
            quoted = line[start - 1] == '"'
            from_raw.append((path, json.loads(f'"{raw}"') if quoted else raw))
    assert from_raw == list(flatten(doc))
    assert not reading.is_open()
    assert reading == JsonReading()


def test_a_reading_goes_on_from_where_it_stands():
    reading = JsonReading()
    assert document_spans('log: {"a": [', reading, 5) == []
    assert reading.is_open() and reading != JsonReading()
    line = '  "x@y.kz", {"b":'
    assert [(line[s:e], p) for s, e, p in document_spans(line, reading)] == [("x@y.kz", "a[]")]
    line = '  870101300123}]}'
    assert [(line[s:e], p) for s, e, p in document_spans(line, reading)] == [
        ("870101300123", "a[].b")]
    assert not reading.is_open()


def test_escaped_quotes_and_backslash_runs():
    line = r'{"a":"x\"y","b":"c\\","d":{"e":"\\\"f"},"g":12}'
    got = [(p, line[s:e]) for s, e, p in value_spans(line)]
    assert got == [("a", r"x\"y"), ("b", "c\\\\"), ("d.e", r"\\\"f"), ("g", "12")]
    s = line.index("12")
    assert field_at(value_spans(line), s, s + 2) == ("g", s)


def test_unterminated_string_ends_the_line():
    assert value_spans('{"a":"abc') == [(6, 9, "a")]


def test_cut_line_ending_in_an_escaped_quote_keeps_it():
    line = '{"a":"x\\"'
    assert value_spans(line) == [(6, len(line), "a")]


@settings(max_examples=300, deadline=None)
@given(doc=st.dictionaries(st.text(alphabet="abc", min_size=1, max_size=3), _DOC, max_size=5),
       cut=st.floats(0, 1))
def test_stop_keeps_every_token_that_begins_before_it_whole(doc, cut):
    line = json.dumps(doc, ensure_ascii=False)
    stop = int(len(line) * cut)
    full = value_spans(line)
    got = value_spans(line, stop)
    assert got == full[: len(got)]  # the same spans, whole, in order
    assert [s for s in full if s[0] <= stop] == [s for s in got if s[0] <= stop]


def test_a_line_read_decoded_gives_the_spans_of_its_text():
    """A ``DecodedLine`` (a str subclass) reads as the str it is, compiled or not."""
    from derbes.scanner.engine.pieces import DecodedLine

    line = '{"client": {"iin": "871008401427", "n": 5}, "x": [1, "a\\"b"]}'
    decoded = DecodedLine(line, {(20, 32): "871008401427"}, {})
    assert value_spans(decoded) == value_spans(line) != []
    assert value_spans(decoded, 21) == value_spans(line, 21)


@settings(max_examples=300, deadline=None)
@given(doc=st.dictionaries(st.text(alphabet="abc", min_size=1, max_size=3), _DOC, max_size=5),
       cut=st.floats(0, 1), width=st.integers(0, 14))
def test_field_at_is_the_bisection_of_the_spans(doc, cut, width):
    # Every start in the line and past it, of every token, between tokens and inside them;
    # over all the spans and over those read up to a stop.
    line = json.dumps(doc, ensure_ascii=False)
    for spans in (value_spans(line), value_spans(line, int(len(line) * cut))):
        found = 0
        for start in range(-1, len(line) + 2):
            at = field_at(spans, start, start + width)
            assert at == field_at_by_bisect(spans, start, start + width), (line, start)
            found += at is not None
        assert found or width > 0 or not spans


@settings(max_examples=1000, deadline=None)
@given(st.lists(_TEXT, max_size=6))
def test_any_lines_read_as_a_document_without_an_error(lines):
    # A "document" of any lines (a cut one, a log's text after a brace): the reading never
    # fails and its spans lie in their lines (20,000 examples ran clean when it was written).
    reading = JsonReading()
    for line in lines:
        assert all(0 <= s <= e <= len(line) for s, e, _ in document_spans(line, reading))
