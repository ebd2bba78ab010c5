"""Hostile input is scanned in time linear in its size.

Each case is timed against a normal log of the same size in the same test, so the bound is a
ratio (generous: 10x), never an absolute time. Sizes are a few MB for test speed; the
properties hold for the 50 MB line of the issue because every stage is linear (Hyperscan,
at most ``FLOOD`` callbacks per line before the once-per-prefilter rescan, bounded patterns).
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

import pytest
from timing import growth

from derbes.detectors.corpora import logs as gen_logs
from derbes.scanner.engine import ScanOptions, scan
from derbes.scanner.engine.detect import Detector
from derbes.scanner.sources.logs import LogSource

SIZE = 3_000_000
RATIO = 10


@cache
def _detector() -> Detector:
    return Detector()


@cache
def _normal() -> bytes:
    data = "\n".join(gen_logs.lines(SIZE // 180, seed=5)).encode()[:SIZE]
    return data[: data.rfind(b"\n")]


def _detect(data: bytes) -> None:
    """A full detection pass over ``data``."""
    for _ in _detector().scan_lines(data):
        pass


def _nested_json(size: int) -> bytes:
    depth = size // 6  # five bytes to open a level, one to close it
    return b'{"a":' * depth + b'"871008401427"' + b"}" * depth


CASES = {
    "one line of digits": lambda n: b"1" * n,
    "one line of @": lambda n: b"@" * n,
    "deeply nested JSON": _nested_json,
    "digits and spaces": lambda n: b"7 " * (n // 2),
    "dotted quads without end": lambda n: b"1.1.1.1." * (n // 8),
    "hex and dashes": lambda n: b"ab-" * (n // 3),
    "request ids glued together": lambda n: b"46271d27-d582-4559-a859-778a6db61079-" * (n // 37),
    "at and dots": lambda n: b"a@a." * (n // 4),
    "empty lines": lambda n: b"\n" * n,
}


@pytest.mark.slow
@pytest.mark.parametrize("name", list(CASES))
def test_pathological_line_costs_at_most_a_normal_log(name):
    hostile = CASES[name](SIZE)
    assert len(hostile) >= SIZE * 0.95
    took = growth(_detect, _normal(), hostile, bound=RATIO, rounds=2)
    assert took <= RATIO, f"{name}: {took:.1f}x the time of a normal log of the same size"


@pytest.mark.slow
def test_dense_personal_data_scales_linearly():
    # Not hostile, just dense: every token a valid IIN. Four times the input, about four
    # times the time (sixteen if quadratic); CPU time measured in turns (tests/timing.py).
    line = b"871008401427 " * (SIZE // 13 // 40)
    took = growth(_detect, line, line * 4, bound=8)
    assert took <= 8, f"{took:.1f}x the time for 4x the input"


@pytest.mark.slow
def test_huge_line_through_the_log_source_and_engine(tmp_path):
    # The real path: the source cuts the line into pieces, the engine aggregates.
    normal_file = tmp_path / "normal.log"
    normal_file.write_bytes(_normal())
    digits_file = tmp_path / "digits.log"
    digits_file.write_bytes(b"1" * SIZE + b"\n")

    def scan_file(path: Path) -> None:
        result = scan([LogSource(str(path))], ScanOptions(), detector=_detector())
        assert result.sources[0].status == "ok"

    took = growth(scan_file, normal_file, digits_file, bound=RATIO, rounds=2)
    assert took <= RATIO, f"{took:.1f}x the time of a normal log of the same size"
