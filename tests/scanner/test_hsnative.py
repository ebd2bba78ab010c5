"""The system Hyperscan called from C (``hsnative``): the same marks as the package's scan,
errors raised, databases cached per library and processor."""

from __future__ import annotations

import os
import types
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

hyperscan = pytest.importorskip("hyperscan")

from derbes.detectors import all_recognizers  # noqa: E402
from derbes.scanner.compiled import NATIVE, header_installed  # noqa: E402
from derbes.scanner.engine import fastpath, hscache, marks  # noqa: E402
from derbes.scanner.engine.pieces import TRIGGERS  # noqa: E402

DATA = Path(__file__).resolve().parent.parent / "data" / "public_logs"
HEADER = NATIVE["derbes.scanner.engine.hsnative"][1]


hsnative = fastpath._hsnative() if fastpath._SCANNER_COMPILED else None
if hsnative is None:
    if (os.environ.get("DERBES_REQUIRE_COMPILED") == "1" and header_installed(HEADER)
            and not os.environ.get("DERBES_PURE_PYTHON")):
        raise AssertionError(f"{HEADER} is installed but derbes.scanner.engine.hsnative is "
                             "not built (make compiled)")
    pytest.skip("the system Hyperscan module is not built, or the fast path runs as Python",
                allow_module_level=True)


@pytest.fixture(scope="module")
def scanners():
    """The same recognizers and line triggers, scanned natively and by the package."""
    recognizers = all_recognizers("en")
    native = fastpath.compile_scanner(recognizers, engine="hyperscan", line_triggers=TRIGGERS)
    native.prepare("lines")
    native.prepare("values")
    assert native._for_lines.hs.native is not None
    real = fastpath._hsnative
    fastpath._hsnative = lambda: None
    try:
        package = fastpath.compile_scanner(recognizers, engine="hyperscan",
                                           line_triggers=TRIGGERS)
        package.prepare("lines")
        package.prepare("values")
    finally:
        fastpath._hsnative = real
    assert package._for_lines.hs.native is None
    return native, package


def _same_lines(scanners, data: bytes) -> None:
    native, package = scanners
    assert native.line_scan(data) == package.line_scan(data)


def test_public_logs_are_marked_alike(scanners):
    for path in sorted(DATA.glob("*.log")):
        _same_lines(scanners, path.read_bytes())


def test_floods_and_lines_after_them_are_marked_alike(scanners, monkeypatch):
    flood = b" ".join(b"10.0.%d.%d" % (i // 200, i % 200 + 1) for i in range(300))
    data = b"\n".join([b"ok 870412300415", flood, b"user a@b.kz", flood + b" %41%42",
                       b"{\"phone\": \"+77011234567\"}", b""])
    _same_lines(scanners, data)
    monkeypatch.setattr(fastpath, "FLOOD_WINDOW", 16)  # windows end inside the next lines
    _same_lines(scanners, data * 3)


TOKENS = st.sampled_from([
    "870412300415", "10.1.2.3", "a@b.kz", "+7 701 123 45 67", "%40", "\\u0430", "{", "[",
    "\":", "ИИН", "device", "00:1a:2b:3c:4d:5e", "KZ86125KZT5004100100", " ", "\n", ",",
    "4111 1111 1111 1111", "Иван", "=12+34+5", "\t", "passport N1234567",
])


@given(st.lists(TOKENS, max_size=60))
@settings(max_examples=300, deadline=None)
def test_any_lines_are_marked_alike(scanners, tokens):
    _same_lines(scanners, "".join(tokens).encode())


@given(st.lists(st.lists(TOKENS, max_size=8).map("".join), max_size=20))
@settings(max_examples=200, deadline=None)
def test_values_are_marked_alike(scanners, values):
    native, package = scanners
    assert list(native.candidate_values(values)) == list(package.candidate_values(values))


def test_an_error_in_the_sink_is_raised_not_swallowed():
    db = hsnative.NativeDatabase.compile([rb"[0-9]{3}"], [0], hyperscan.HS_FLAG_MULTILINE)
    broken = types.SimpleNamespace(_bits=[], _again=[], trigger_kinds=[], _twin=-1,
                                   _twin_other=-1, check_iin=-1, check_bin=-1,
                                   shape_bits=None)  # no bit for id 0: the sink raises
    sink = marks._MarkSink(broken, b"abc 123\n", None, None, fastpath.FLOOD)
    with pytest.raises(IndexError):
        db.scan(b"abc 123\n", 0, 8, sink, db.scratch())


def test_scan_bounds_are_checked():
    db = hsnative.NativeDatabase.compile([rb"x"], [0], hyperscan.HS_FLAG_MULTILINE)
    sink = marks._MarkSink(types.SimpleNamespace(
        _bits=[1], _again=[2], trigger_kinds=[], _twin=-1, _twin_other=-1, check_iin=-1,
        check_bin=-1, shape_bits=None), b"xx", None, None,
        fastpath.FLOOD)
    for lo, hi in ((1, 0), (-1, 1), (0, 3)):
        with pytest.raises(ValueError):
            db.scan(b"xx", lo, hi, sink, db.scratch())


def test_a_refused_expression_is_a_native_error():
    with pytest.raises(hsnative.NativeError, match="expression 1"):
        hsnative.NativeDatabase.compile([rb"x", rb"(?<=a+)b"], [0, 1],
                                        hyperscan.HS_FLAG_MULTILINE)


@pytest.fixture
def cache(tmp_path, monkeypatch) -> Path:
    monkeypatch.setenv(hscache.CACHE_ENV, str(tmp_path / "cache"))
    return tmp_path / "cache" / "hyperscan"


def test_a_native_database_is_cached_and_loaded(cache, monkeypatch):
    expressions, ids = [rb"[0-9]{12}", rb"[a-z]+@[a-z]+\.kz"], [3, 7]
    first = hscache.native_database(expressions, ids, hyperscan.HS_FLAG_MULTILINE)
    (path,) = cache.glob("*.hsndb")

    def refuse(*args):
        raise AssertionError("compiled again")

    loads_only = types.SimpleNamespace(deserialize=hsnative.NativeDatabase.deserialize,
                                       compile=refuse)
    real = hsnative.NativeDatabase
    monkeypatch.setattr(hsnative, "NativeDatabase", loads_only)
    again = hscache.native_database(expressions, ids, hyperscan.HS_FLAG_MULTILINE)
    assert again.serialize() == first.serialize()
    # A damaged file is compiled again and replaced, not loaded.
    monkeypatch.setattr(hsnative, "NativeDatabase", real)
    whole = path.read_bytes()
    path.write_bytes(whole[:50])
    hscache.native_database(expressions, ids, hyperscan.HS_FLAG_MULTILINE)
    assert path.read_bytes() == whole


def test_the_native_key_names_the_library_and_the_processor():
    args = ([rb"x"], [0], hyperscan.HS_FLAG_MULTILINE, hyperscan.HS_MODE_BLOCK)
    package = hscache.database_key(*args)
    native = hscache.database_key(*args, f"system {hsnative.version()} for {hsnative.platform()}")
    elsewhere = hscache.database_key(*args, f"system {hsnative.version()} for tune 0 features 0x0")
    assert len({package, native, elsewhere}) == 3
