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


def _compress(kind: str, data: bytes) -> bytes:
    import bz2
    import gzip
    import lzma

    import zstandard

    return {"gz": gzip.compress, "bz2": bz2.compress, "xz": lzma.compress,
            "zst": zstandard.ZstdCompressor().compress}[kind](data)


@pytest.mark.parametrize("kind", ["gz", "bz2", "xz", "zst"])
def test_a_compressed_array_in_a_folder_is_read_as_its_records(tmp_path, kind) -> None:
    # `mongoexport --jsonArray | gzip`: as a log, one line of values without names.
    from derbes.scanner.engine import ScanOptions, scan
    from derbes.scanner.sources import open_source

    clients = [{"_id": i, "email": f"client{i}@example.kz", "contact": {"iin": "860904350504"}}
               for i in range(1, 3001)]
    (tmp_path / f"clients.json.{kind}").write_bytes(
        _compress(kind, json.dumps(clients).encode()))
    # JSON lines compressed: no array, a log.
    (tmp_path / f"events.json.{kind}").write_bytes(
        _compress(kind, b'{"email": "ops@example.kz"}\n{"email": "dev@example.kz"}\n'))
    source = open_source(str(tmp_path), sample_rows=500, seed=1)
    formats = {c.name.rsplit("/", 1)[1]: c.meta.get("format") for c in source.containers()}
    assert formats == {f"clients.json.{kind}": "json", f"events.json.{kind}": None}
    result = scan([source], ScanOptions(jobs=1))
    found = {(f.container.rsplit("/", 1)[1], f.field, f.entity): f for f in result.findings}
    email = found[(f"clients.json.{kind}", "email", "EMAIL_ADDRESS")]
    assert email.hits == email.rows_scanned == 500  # sampled from 3,000 records
    assert found[(f"clients.json.{kind}", "contact.iin", "KZ_IIN")].hits == 500
    assert found[(f"events.json.{kind}", "email", "EMAIL_ADDRESS")].hits == 2


def test_a_compressed_array_cut_short_is_an_error_after_its_records(tmp_path) -> None:
    from derbes.scanner.engine import ScanOptions, scan
    from derbes.scanner.sources import open_source

    clients = [{"email": f"client{i}@example.kz"} for i in range(20000)]
    whole = _compress("gz", json.dumps(clients).encode())
    (tmp_path / "clients.json.gz").write_bytes(whole[: len(whole) // 2])
    (tmp_path / "app.log").write_text("login by ops@example.kz\n")
    result = scan([open_source(str(tmp_path), sample_rows=0)], ScanOptions(jobs=1))
    (summary,) = result.sources
    assert summary.status == "partial"
    (error,) = summary.errors
    assert error.startswith(str(tmp_path / "clients.json.gz")) and "cut short" in error, error
    found = {(f.container.rsplit("/", 1)[1], f.field): f.hits for f in result.findings}
    assert found[("clients.json.gz", "email")] > 5000  # the records before the cut
    assert ("app.log", None) in found
