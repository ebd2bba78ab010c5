"""The records of a JSON file that is one array (``derbes.scanner.sources.jsonarray``)."""

from __future__ import annotations

import io
import json

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from derbes.scanner.sources import jsonarray
from derbes.scanner.sources.jsonarray import is_json_array, records

SCALARS = st.none() | st.booleans() | st.integers() | st.text() | st.floats(
    allow_nan=False, allow_infinity=False)
VALUES = st.recursive(SCALARS, lambda inner: st.lists(inner, max_size=4) | st.dictionaries(
    st.text(max_size=8), inner, max_size=4), max_leaves=20)


@settings(max_examples=300, deadline=None)
@given(array=st.lists(VALUES, max_size=12), indent=st.sampled_from([None, 0, 2]),
       block=st.integers(1, 64), bom=st.booleans())
def test_every_array_is_read_element_by_element(array, indent, block, bom) -> None:
    # Blocks of a few bytes: elements, numbers, strings and UTF-8 letters cut anywhere.
    text = json.dumps(array, indent=indent, ensure_ascii=False).encode()
    if bom:
        text = b"\xef\xbb\xbf" + text
    jsonarray.BLOCK, saved = block, jsonarray.BLOCK
    try:
        assert list(records(io.BytesIO(text))) == array
    finally:
        jsonarray.BLOCK = saved


@pytest.mark.parametrize(("text", "error"), [
    ("[1, 2", "not closed"),
    ("[1 2]", "after an element"),
    ('{"a": 1}', "not a JSON array"),
    ('[{"a": ]', "Expecting value"),
    ("[1, 2]\n[3, 4]\n", "text after the array"),  # JSON lines of arrays: no one array
])
def test_what_is_no_array_is_an_error(text: str, error: str) -> None:
    with pytest.raises(ValueError, match=error):
        list(records(io.BytesIO(text.encode())))


def test_the_elements_before_a_fault_are_given() -> None:
    got = []
    with pytest.raises(ValueError):
        for element in records(io.BytesIO(b'[{"a": 1}, {"a": 2}, {"a": ]')):
            got.append(element)
    assert got == [{"a": 1}, {"a": 2}]


def test_an_element_longer_than_the_limit_is_an_error() -> None:
    text = b'[{"a": "' + b"x" * (3 << 20) + b'"}]'
    with pytest.raises(ValueError, match="longer than 1 MiB"):
        list(records(io.BytesIO(text), max_record_bytes=1 << 20))


@pytest.mark.parametrize(("head", "array"), [
    (b'[{"iin": "860904350504"}]', True),
    (b'  \n[\n  {\n    "a": 2\n  },', True),
    (b'\xef\xbb\xbf[{"x": 1}]', True),
    (b"[]", True),
    (b'["2026-12-01 10:00:00", "login"]', True),
    (b"[-1, 2]", True),
    # Logs that open with a bracket (Laravel, syslog-like stamps, levels): no array.
    (b"[2026-12-01 10:00:00] production.ERROR: x {\"userId\": 1}", False),
    (b"[12:00:01] user logged in", False),
    (b"[INFO] started", False),
    (b"[] started", False),
    (b"[\n", False),
    (b'{"a": 1}', False),
])
def test_a_json_array_told_from_a_log(head: bytes, array: bool) -> None:
    assert is_json_array(head) is array


def test_an_object_past_the_head_is_taken_for_an_array() -> None:
    head = (b'[{"a": "' + b"x" * jsonarray.SNIFF)[: jsonarray.SNIFF]
    assert is_json_array(head)
    assert not is_json_array(head[:100])  # a short file that ends inside it: no JSON
