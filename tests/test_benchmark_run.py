"""The benchmark's own helpers (``benchmarks/run.py``): what its figures are computed over."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from benchmarks.run import line_batches


@given(st.lists(st.binary(max_size=40).map(lambda b: b.replace(b"\n", b"")), max_size=30),
       st.booleans(), st.integers(min_value=1, max_value=64))
def test_line_batches_are_the_data_in_whole_lines_within_the_limit(lines, last, limit):
    data = b"\n".join(lines) + (b"\n" if last and lines else b"")
    batches = line_batches(data, limit)
    assert b"".join(batches) == data
    for batch in batches:
        assert 0 < len(batch) <= limit
    for batch in batches[:-1]:
        # Each ends a line, unless one line alone is longer than a batch (cut at the limit).
        assert batch.endswith(b"\n") or b"\n" not in batch


def test_line_batches_cut_at_the_last_newline_within_the_limit():
    assert line_batches(b"ab\ncd\nef\n", 7) == [b"ab\ncd\n", b"ef\n"]
    assert line_batches(b"abcdefgh\nij", 4) == [b"abcd", b"efgh", b"\nij"]
    assert line_batches(b"", 4) == []
