"""Distinct-value counts: exact up to the cap, a Theta sketch past it, the same whatever the split.

The digests are made here with the engine's own keyed digest of made-up values; what is
checked is counting, not detection.
"""

from __future__ import annotations

import itertools
import os
import pickle
import random

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from derbes.scanner.engine import distinct
from derbes.scanner.engine.container import _Agg
from derbes.scanner.engine.distinct import DistinctSketch
from derbes.scanner.engine.options import DISTINCT_CAP
from derbes.scanner.redact import distinct_key

KEY = b"test-distinct-key-0123456789abcd"


def _digests(n: int, start: int = 0) -> list[bytes]:
    return [distinct_key(KEY, "EMAIL_ADDRESS", f"user{i}@mail.kz") for i in range(start, n)]


def _agg(digests: list[bytes]) -> _Agg:
    agg = _Agg()
    for row, digest in enumerate(digests, 1):
        agg.add(row, 0.9, digest)
    return agg


@pytest.fixture(scope="module")
def many() -> list[bytes]:
    """More distinct values than the cap: 150,000 (plus repeats, which change nothing)."""
    return _digests(150_000)


def test_exact_below_the_cap_whole_or_in_parts():
    values = _digests(5_000)
    whole = _agg(values + values[:100])
    assert whole.distinct_count() == 5_000 and whole.sketch is None
    parts = [_agg(values[:3_000]), _agg(values[2_000:])]  # overlapping parts
    parts[0].merge(parts[1], 5)
    assert parts[0].distinct_count() == 5_000 and parts[0].sketch is None


def test_parts_below_the_cap_whose_union_passes_it_become_a_sketch(many):
    # Each part holds 90% of the cap; together they hold 150%.
    cap = DISTINCT_CAP
    first, second = _agg(many[: cap * 9 // 10]), _agg(many[cap * 6 // 10: cap * 15 // 10])
    assert first.sketch is None and second.sketch is None
    first.merge(second, 5)
    assert first.sketch is not None
    assert first.distinct_count() == _agg(many[: cap * 15 // 10]).distinct_count()


def test_the_cap_is_where_the_sketch_stops_being_exact():
    # Below k entries a Theta sketch is exact as well: the cap trades nothing for memory there.
    from derbes.scanner.engine.distinct import LG_K

    assert DISTINCT_CAP == 1 << LG_K
    assert DistinctSketch(_digests(DISTINCT_CAP)).estimate() == DISTINCT_CAP


def test_past_the_cap_the_count_does_not_depend_on_the_split(many):
    whole = _agg(many).distinct_count()
    shuffled = many[:]
    random.Random(5).shuffle(shuffled)
    for cuts in ((10, 149_990), (50_000, 100_000), (120_000, 140_000)):
        parts = [_agg(shuffled[:cuts[0]]), _agg(shuffled[cuts[0]:cuts[1]]),
                 _agg(shuffled[cuts[1]:])]
        for other in parts[1:]:
            parts[0].merge(other, 5)
        assert parts[0].distinct_count() == whole, cuts


def test_past_the_cap_the_estimate_is_within_the_documented_error(many):
    agg = _agg(many)
    assert agg.sketch is not None and agg.distinct == {}
    count = agg.distinct_count()
    # RSE 1/sqrt(16384) = 0.78%; 3 standard deviations is 2.3%.
    assert abs(count - 150_000) / 150_000 < 0.023, count
    low, high = agg.sketch.bounds(2)
    assert low <= 150_000 <= high
    assert high - low < 0.04 * 150_000


def test_never_reported_at_or_below_the_cap():
    # Just past the cap the estimate may fall below it; the count is known to be above.
    agg = _agg(_digests(DISTINCT_CAP + 1))
    assert agg.sketch is not None
    assert agg.distinct_count() >= DISTINCT_CAP + 1


def test_sketch_survives_pickling_as_workers_send_it(many):
    agg = _agg(many)
    again = pickle.loads(pickle.dumps(agg))
    assert again.distinct_count() == agg.distinct_count()
    sketch = DistinctSketch(many[:1000])
    copy = pickle.loads(pickle.dumps(sketch))
    copy.merge(DistinctSketch(many[500:1500]))
    assert copy.estimate() == 1500  # exact while below the sketch's k (16,384)


# -- packed sets: how a part of a file travels and waits to be merged --------------------------


def _packed(digests: list[bytes]) -> _Agg:
    agg = _agg(digests)
    agg.pack()
    return agg


@pytest.mark.parametrize("union_size", [DISTINCT_CAP - 1, DISTINCT_CAP, DISTINCT_CAP + 1])
def test_packed_parts_merge_exactly_at_the_cap(many, union_size):
    # Two overlapping parts whose union is just under, at, and just past the cap: the same
    # count, and the same switch to a sketch, as one aggregate that saw every value.
    values = many[:union_size]
    whole = _agg(values)
    first, second = _packed(values[: union_size * 2 // 3]), _packed(values[union_size // 3:])
    first.merge(second, 5)
    assert first.distinct_count() == whole.distinct_count()
    assert (first.sketch is None) == (whole.sketch is None) == (union_size <= DISTINCT_CAP)


def test_a_part_of_repeats_at_the_cap_keeps_the_count_exact(many):
    # The union has exactly DISTINCT_CAP values; the second part adds nothing new.
    first, second = _packed(many[:DISTINCT_CAP]), _packed(many[:10])
    first.merge(second, 5)
    assert first.sketch is None and first.distinct_count() == DISTINCT_CAP


def test_a_packed_set_takes_16_bytes_a_value(many):
    agg = _agg(many[:10_000])
    held = agg.distinct_bytes()
    agg.pack()
    assert agg.distinct_bytes() == 16 * 10_000 and agg.distinct_count() == 10_000
    assert held > 4 * agg.distinct_bytes()  # the dict a scan fills: 80-110 bytes a value
    # Counting more hits after a merge (a log field settled at the end) sees the packed ones.
    assert not agg.add(1, 0.9, many[0]) and agg.distinct_count() == 10_000
    agg.add(2, 0.9, many[10_000])
    assert agg.distinct_count() == 10_001


@given(
    size=st.sampled_from([50, DISTINCT_CAP - 3, DISTINCT_CAP, DISTINCT_CAP + 2, 30_000]),
    cuts=st.lists(st.integers(0, 30_000), min_size=1, max_size=4),
    overlap=st.integers(0, 2_000),
    packed=st.lists(st.booleans(), min_size=5, max_size=5),
)
@settings(max_examples=25, deadline=None)
def test_merging_parts_in_file_order_counts_as_one_process(many, size, cuts, overlap, packed):
    values = many[:size]
    whole = _agg(values)
    bounds = [0, *sorted(min(c, size) for c in cuts), size]
    # Each part also repeats a few values of the part before it.
    parts = [_agg(values[max(0, a - overlap):b]) for a, b in itertools.pairwise(bounds)]
    for part, pack in zip(parts, packed, strict=False):
        if pack:
            part.pack()
    merged = parts[0]
    for part in parts[1:]:
        merged.merge(part, 5)
    assert merged.distinct_count() == whole.distinct_count()
    assert (merged.sketch is None) == (whole.sketch is None)


# Digests from a few bytes, so that two of them often share a long prefix and differ at any
# position, or are one digest: the byte-by-byte merge compares every position.
_digest = st.binary(min_size=16, max_size=16).map(lambda b: bytes(x % 3 for x in b[:15]) + b[15:])


@given(a=st.lists(_digest, max_size=40), b=st.lists(_digest, max_size=40))
@settings(max_examples=300, deadline=None)
def test_the_union_of_packed_sets_is_the_set_union(a, b):
    packed_a, packed_b = distinct.pack(a), distinct.pack(b)
    expected = distinct.pack(set(a) | set(b))  # the definition: sorted, each once
    assert distinct.union(packed_a, packed_b) == expected
    # The merge of the two runs that union() uses compiled, called whatever the build.
    if a and b:
        assert distinct._merged(packed_a, packed_b) == expected


@given(digests=st.lists(st.one_of(_digest, st.binary(min_size=16, max_size=16)), max_size=300),
       repeats=st.integers(0, 3), form=st.sampled_from(["list", "dict", "set", "iterator"]))
@settings(max_examples=300, deadline=None)
def test_a_packed_set_is_its_digests_sorted_each_once(digests, repeats, form):
    """pack() by its definition, whatever holds the digests; compiled, the digests are sorted
    as C integers (``_sorted_once``), which is also called here whatever the build."""
    given_ = digests + digests[: len(digests) * repeats // 3]
    random.Random(len(given_)).shuffle(given_)
    expected = b"".join(sorted(set(given_)))
    held = {"list": given_, "dict": dict.fromkeys(given_), "set": set(given_),
            "iterator": iter(given_)}[form]
    assert distinct.pack(held) == expected
    assert distinct._sorted_once(given_) == expected


def test_the_union_refuses_what_is_not_whole_digests():
    # Compiled, the merge reads both runs through C pointers, a digest at a time: a run
    # cut short would be read past its end.
    whole = distinct.pack([os.urandom(16) for _ in range(4)])
    for a, b in ((whole[:-1], whole), (whole, whole + b"x"), (b"abc", whole)):
        with pytest.raises(ValueError):
            distinct._merged(a, b)


def test_digests_of_other_lengths_are_packed_as_objects():
    odd = [b"abd", b"abc", b"abc", b"x" * 17, b"a" * 16]
    assert distinct._sorted_once(odd) is None
    assert distinct._sorted_once([bytearray(16)]) is None
    assert distinct.pack(odd) == b"".join(sorted(set(odd)))


def test_digests_that_share_their_first_bytes_are_packed_in_order():
    # Not keyed hashes: thousands in one bucket of the first bits, sorted byte by byte.
    rng = random.Random(7)
    shared = [bytes(rng.randrange(3) for _ in range(15)) + bytes([rng.randrange(256)])
              for _ in range(3000)]
    assert distinct.pack(shared) == b"".join(sorted(set(shared)))
    assert distinct._sorted_once(shared) == b"".join(sorted(set(shared)))


def test_many_keyed_digests_are_packed_in_order(many):
    # Every byte of the digests differs among so many: every pass of the sort runs.
    packed = distinct.pack(dict.fromkeys(many))
    assert packed == b"".join(sorted(set(many)))
    assert distinct.packed_len(packed) == len(set(many))


def test_a_packed_set_is_sketched_as_its_digests_one_by_one(many):
    # Past the sketch's k, so that the sketch's own choice of what to keep is compared too.
    packed = distinct.pack(many[:40_000])
    one_by_one = DistinctSketch(many[:40_000])
    at_once = DistinctSketch()
    at_once.add_packed(packed)
    assert at_once.compact().serialize() == one_by_one.compact().serialize()
    assert distinct._packed_items(packed[:48]) == tuple(
        int.from_bytes(d[:8], "little", signed=True) for d in distinct.unpack(packed[:48]))


def test_datasketches_is_imported_only_for_a_sketch(tmp_path):
    """DataSketches imports numpy (tens of milliseconds): a scan whose counts stay exact
    never loads it; the first sketch does."""
    import subprocess
    import sys

    log = tmp_path / "a.log"
    log.write_text("client 10.1.2.3 user a@mail.kz\n", encoding="utf-8")
    code = (
        "import sys\n"
        "from derbes.scanner.engine import ScanOptions, scan\n"
        "from derbes.scanner.sources.logs import LogSource\n"
        f"result = scan([LogSource({str(log)!r})], ScanOptions())\n"
        "assert result.findings\n"
        "print('datasketches' in sys.modules)\n"
        "from derbes.scanner.engine.distinct import DistinctSketch\n"
        "DistinctSketch([b'0' * 16]).estimate()\n"
        "print('datasketches' in sys.modules)\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True).stdout.split()
    assert out == ["False", "True"]


@pytest.mark.skipif(not os.path.isdir("/proc/self/task"), reason="threads counted in /proc")
def test_numpy_loads_for_a_sketch_without_blas_threads():
    """The first sketch loads numpy for DataSketches alone: its OpenBLAS starts no threads of
    its own (they spin on the free cores as they start), and the environment is left as the
    user had it."""
    import subprocess
    import sys

    code = (
        "import os\n"
        "from derbes.detectors.lazy import BLAS_THREADS_ENV\n"
        "from derbes.scanner.engine.distinct import DistinctSketch\n"
        "before = len(os.listdir('/proc/self/task'))\n"
        "DistinctSketch([b'0' * 16]).estimate()\n"
        "print(len(os.listdir('/proc/self/task')) - before, os.environ.get(BLAS_THREADS_ENV))\n"
    )
    env = {k: v for k, v in os.environ.items() if k != "OPENBLAS_NUM_THREADS"}
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True, env=env).stdout.split()
    assert out == ["0", "None"]
    # A user's own setting is theirs: kept, and not replaced.
    env["OPENBLAS_NUM_THREADS"] = "2"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True, env=env).stdout.split()
    assert out[1] == "2"


@settings(max_examples=2000, deadline=None)
@given(st.binary(min_size=16, max_size=16))
def test_sketch_item_is_the_digests_first_eight_bytes_signed(digest):
    """Compiled, a digest's sketch item is read in C: the same signed little-endian integer as
    ``int.from_bytes``, sign bit and all (the sketch of a file scanned in ranges merges items
    made in several processes)."""
    expected = int.from_bytes(digest[:8], "little", signed=True)
    assert distinct._item(digest) == expected
    for edge in (b"\xff" * 16, b"\x00" * 16, b"\xff" * 7 + b"\x7f" + b"\x00" * 8,
                 b"\x00" * 7 + b"\x80" + b"\xff" * 8):
        assert distinct._item(edge) == int.from_bytes(edge[:8], "little", signed=True)
