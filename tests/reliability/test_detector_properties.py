"""Property-based robustness of the detectors, the JSON key paths and the log reader.

Random and adversarial input never raises, results stay inside the input, the log reader
loses and duplicates nothing, and time grows linearly with the input: measured as a ratio,
``time(4n) / time(n) <= 8`` (4 when linear; CPU time, see ``tests/timing.py``), never as an
absolute time.
"""

from __future__ import annotations

import bz2
import gzip
import json
from collections.abc import Callable
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from timing import growth

from derbes.detectors import DerbesRecognizer
from derbes.detectors.presidio import presidio_recognizers
from derbes.scanner.errors import SourceError
from derbes.scanner.jsonpaths import field_at, flatten, value_spans
from derbes.scanner.sources.base import ContainerDone, LineBatch
from derbes.scanner.sources.logs import LogSource

# Presidio twins: both the lean path (find) and Presidio's (analyze) are exercised.
RECOGNIZERS = {type(r).__name__: r for r in presidio_recognizers("en")}
SETTINGS = settings(max_examples=60, deadline=None,
                    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])

# Pieces the patterns are made of: digits, separators, prefixes, context words, hex, and
# characters that change length when case-folded or are not in the BMP.
PIECES = [
    "0", "7", "8", "1", "9", " ", "-", "+7", "8 (7", ")", ".", ":", "@", "_", "/", "\n", "\t",
    "KZ", "kz", "iin", "ИИН", "ЖСН", "тел", "phone", "email", "mac", "imei", "ip", "card",
    "a1", "ff", "FF:", "::", "1.2.", "255.", "@mail.kz", "ß", "ﬁ", "İ", "𝟘", "٣", "\u200b",
    "\ufffd", "\x00", "\\", '"', "{", "}", "[", "]", ",",
]
adversarial = st.lists(st.sampled_from(PIECES), max_size=400).map("".join)
any_text = st.one_of(st.text(max_size=300), adversarial)


def spans_ok(text: str, spans: list[tuple[int, int, float]]) -> None:
    for start, end, score in spans:
        assert 0 <= start < end <= len(text)
        assert 0 < score <= 1


@pytest.mark.parametrize("name", sorted(RECOGNIZERS))
@SETTINGS
@given(text=any_text, context=st.lists(st.sampled_from(["iin", "phone", "", "x.y"]), max_size=2))
def test_recognizer_never_raises(name: str, text: str, context: list[str]) -> None:
    recognizer = RECOGNIZERS[name]
    spans_ok(text, recognizer.find(text, context))
    results = recognizer.analyze(text, recognizer.supported_entities)
    for r in results:
        assert 0 <= r.start < r.end <= len(text)


@SETTINGS
@given(values=st.lists(any_text, max_size=20), lines=any_text)
def test_detector_batches_never_raise(shared_detector, values: list[str], lines: str) -> None:
    for index, matches in shared_detector.scan_values(values, ("note",)):
        for _entity, start, end, _score in matches:
            assert 0 <= start < end <= len(values[index])
    data = lines.encode("utf-8", "surrogatepass")
    count = data.count(b"\n") + 1
    for index, line, matches in shared_detector.scan_lines(data):
        assert 0 <= index < count
        for _entity, start, end, _score in matches:
            assert 0 <= start < end <= len(line)


# -- linear time -----------------------------------------------------------------------------

#: Units repeated to make long hostile inputs: runs of what each pattern consumes.
FLOODS = {
    "digits": "1", "digit-dash": "12-", "digit-space": "1 ", "plus7": "+7 ", "at": "a@",
    "dots": "a.", "hex-colon": "a1:", "iban": "KZ12 ", "dotted-digits": "1.", "hex": "f",
    "iin-context": "ИИН 8710084014", "email-ish": "a.b@c.", "ipv6-ish": "1::",
}


def ratio(fn: Callable[[str], object], make: Callable[[int], str], n: int) -> float:
    """CPU time for an input of size 4n over the same for size n (``timing.growth``)."""
    return growth(fn, make(n), make(4 * n), bound=8)


@pytest.mark.parametrize("name", sorted(RECOGNIZERS))
def test_recognizer_time_is_linear(name: str) -> None:
    recognizer: DerbesRecognizer = RECOGNIZERS[name]
    worst = {}
    for flood, unit in FLOODS.items():
        worst[flood] = ratio(lambda t: recognizer.find(t, ()),
                             lambda n, u=unit: u * (n // len(u)), 8000)
    assert max(worst.values()) <= 8, worst


@pytest.mark.parametrize(
    "make",
    [
        lambda n: "[" * n + "1," * n,  # deep and wide: was quadratic
        lambda n: '{"a":' * n + '"871008401427"' + "}" * n,
        lambda n: '{"k": [' + '"871008401427",' * n + "1]}",
        lambda n: '"\\' * n,
        lambda n: "{" + '"a":1,' * n,
    ],
    ids=["deep-wide", "deep-keys", "many-values", "escapes", "unclosed"],
)
def test_value_spans_time_is_linear(make: Callable[[int], str]) -> None:
    assert ratio(value_spans, make, 5000) <= 8


def test_field_at_many_hits_is_linear() -> None:
    def all_hits(line: str) -> None:
        spans = value_spans(line)
        for start, end, _ in spans:
            assert field_at(spans, start, end) is not None

    assert ratio(all_hits, lambda n: '{"k": [' + '"871008401427",' * n + "1]}", 3000) <= 8


def test_log_reader_time_is_linear(tmp_path: Path) -> None:
    def read(path: Path) -> None:
        src = LogSource(str(path), max_line_bytes=8192, batch_bytes=16384)
        for container in src.containers():
            for _ in src.read(container):
                pass

    n = 200_000
    for i, unit in enumerate(("x" * 100 + "\n", "\n", "a" * 9000 + "\n", "é" * 5000 + "\n")):
        small, large = tmp_path / f"{i}-small.log", tmp_path / f"{i}-large.log"
        # Written before timing: only reading is measured.
        small.write_text(unit * (n // len(unit) + 1), encoding="utf-8")
        large.write_text(unit * (4 * n // len(unit) + 1), encoding="utf-8")
        assert growth(read, small, large, bound=8) <= 8, unit[:10]


# -- JSON key paths --------------------------------------------------------------------------

json_scalars = st.one_of(
    st.none(), st.booleans(), st.integers(), st.floats(allow_nan=False, allow_infinity=False),
    st.text(max_size=20),
)
json_docs = st.recursive(
    json_scalars,
    lambda children: st.one_of(
        st.lists(children, max_size=4),
        # Non-empty keys: flatten() writes "a." for {"a": {"": 1}}, value_spans() "a".
        st.dictionaries(st.text(min_size=1, max_size=8), children, max_size=4),
    ),
    max_leaves=30,
)


@SETTINGS
@given(doc=json_docs, ascii_only=st.booleans())
def test_value_spans_agree_with_flatten(doc, ascii_only: bool) -> None:
    line = json.dumps(doc, ensure_ascii=ascii_only)
    spans = value_spans(line)
    if not isinstance(doc, (dict, list)):
        return
    assert [path for _, _, path in spans] == [path for path, _ in flatten(doc)]
    for (start, end, _), (_, text) in zip(spans, flatten(doc), strict=True):
        token = line[start:end]
        decoded = json.loads(f'"{token}"') if line[start - 1] == '"' else token
        assert decoded == text or float(decoded) == float(text)


@SETTINGS
@given(line=st.one_of(st.text(max_size=300), adversarial))
def test_value_spans_never_raises(line: str) -> None:
    spans = value_spans(line)
    previous_end = 0
    for start, end, _path in spans:
        assert previous_end <= start <= end <= len(line)
        previous_end = end
        assert field_at(spans, start, end) is not None


# -- the log reader --------------------------------------------------------------------------

lines_strategy = st.lists(
    st.tuples(
        st.text(alphabet=st.characters(blacklist_categories=("Cs",),
                                       blacklist_characters="\n\r\x00\ufeff"), max_size=30),
        st.integers(min_value=1, max_value=700),  # repeats: some lines pass 8 KiB
    ),
    max_size=12,
).map(lambda parts: [text * (count if text else 1) for text, count in parts])


def read_back(path: Path) -> tuple[list[str], int, list]:
    """The lines of ``path`` as the reader delivers them, pieces of long lines joined (a line
    delivered twice would show up twice in its text)."""
    src = LogSource(str(path), max_line_bytes=8192, batch_bytes=10_000)
    (container,) = src.containers()
    lines: dict[int, bytes] = {}
    batches = list(src.read(container))
    assert isinstance(batches[-1], ContainerDone)
    for batch in batches[:-1]:
        assert isinstance(batch, LineBatch)
        if batch.continued:
            lines[batch.first_line] = lines.get(batch.first_line, b"") + batch.data
            continue
        for i, part in enumerate(batch.data.split(b"\n")):
            lines[batch.first_line + i] = lines.get(batch.first_line + i, b"") + part
    # An empty line may not be sent at all (it holds nothing to scan); any other is.
    last = max(lines, default=0)
    return ([lines.get(k, b"").decode("utf-8") for k in range(1, last + 1)],
            batches[-1].rows_scanned, batches)


@pytest.mark.parametrize("compress", [None, gzip.compress, bz2.compress],
                         ids=["plain", "gzip", "bz2"])
@settings(max_examples=30, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow,
                                 HealthCheck.data_too_large])
@given(lines=lines_strategy, final_newline=st.booleans())
def test_log_reader_loses_and_duplicates_nothing(
    tmp_path: Path, compress, lines: list[str], final_newline: bool
) -> None:
    text = "\n".join(lines) + ("\n" if final_newline and lines else "")
    data = text.encode("utf-8")
    path = tmp_path / "prop.log"
    path.write_bytes(compress(data) if compress else data)
    got, rows, _ = read_back(path)
    expected = text.split("\n")
    if text.endswith("\n") or not text:
        expected.pop()  # no line after the last newline
    assert rows == len(expected)
    # Every line in order; empty lines at the very end hold nothing to send.
    assert got == expected[: len(got)]
    assert not any(expected[len(got) :])


@settings(max_examples=60, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.binary(max_size=3000), magic=st.sampled_from(
    [b"", b"\x1f\x8b", b"BZh", b"\xfd7zXZ\x00", b"\x28\xb5\x2f\xfd", b"\xef\xbb\xbf",
     b"\xff\xfe", b"\xfe\xff", b"\xff\xfe\x00\x00"]))
def test_log_reader_random_bytes(tmp_path: Path, data: bytes, magic: bytes) -> None:
    """Any bytes, headed by any magic number or BOM: batches then ContainerDone, or a
    SourceError naming the file; nothing else."""
    path = tmp_path / "random.bin"
    path.write_bytes(magic + data)
    src = LogSource(str(path), max_line_bytes=8192, batch_bytes=1024)
    (container,) = src.containers()
    batches = []
    try:
        for batch in src.read(container):
            batches.append(batch)
    except SourceError as e:
        assert e.container == str(path) and e.reason
        assert not any(isinstance(b, ContainerDone) for b in batches)
        return
    assert isinstance(batches[-1], ContainerDone)
    assert all(isinstance(b, LineBatch) for b in batches[:-1])
