"""The one-pass reader of the checksum entities' shapes, held to each shape's ``finditer``."""

from __future__ import annotations

import itertools
from pathlib import Path

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from derbes.detectors.corpora import labelled, logs, realistic
from derbes.scanner.engine import shapes
from derbes.scanner.engine.evidence import CHANCE_RULES, ChanceRule

PUBLIC_LOGS = Path(__file__).resolve().parents[1] / "data" / "public_logs"
ENTITIES = tuple(CHANCE_RULES)


def _plain(text: str, entities) -> list[tuple[str, int, int]]:
    """The definition, written out here: each entity's shape, searched over the whole text."""
    return [(entity, m.start(), m.end()) for entity in entities
            for m in CHANCE_RULES[entity].shape.finditer(text)]


def _realistic_lines() -> list[str]:
    lines = []
    for path in sorted(PUBLIC_LOGS.glob("*.log")):
        lines += path.read_text(encoding="utf-8", errors="replace").splitlines()
    lines += logs.lines(3000, seed=13)
    for log in realistic.corpus(6000, seed=13):
        lines += log.lines
    lines += [text for text, _ in labelled.labelled_lines(3000, seed=13, pii_share=0.5)]
    return lines


@pytest.fixture(scope="module")
def realistic_lines() -> list[str]:
    return _realistic_lines()


def test_every_shape_has_a_reader() -> None:
    # A rule added to CHANCE_RULES is searched by re until it gets a reader (see the
    # fallback test below), but the hot path then loses what this module is for.
    assert set(CHANCE_RULES) == set(shapes.BITS)


def test_each_shape_alone_on_realistic_lines(realistic_lines: list[str]) -> None:
    found = dict.fromkeys(ENTITIES, 0)
    for line in realistic_lines:
        for entity in ENTITIES:
            expected = _plain(line, (entity,))
            assert shapes.scan(line, (entity,)) == expected, (entity, line)
            found[entity] += len(expected)
    # The lines hold shapes of every entity, or the comparison proves little.
    assert min(found.values()) >= 20, found


def test_sets_of_shapes_in_their_order_on_realistic_lines(realistic_lines: list[str]) -> None:
    orders = [p for r in (2, 3, 5) for p in itertools.permutations(ENTITIES, r)][::7]
    for k, line in enumerate(realistic_lines):
        entities = orders[k % len(orders)]
        assert shapes.scan(line, entities) == _plain(line, entities), (entities, line)
        # A frozenset, as the detector passes it: its own order.
        as_set = frozenset(entities)
        assert shapes.line_shapes(line, as_set) == _plain(line, as_set)


# Pieces of lines around the shapes' edges: numbers of each shape and one digit short or over,
# separators, letters and digits before and after, a hyphen (which an IIN may not follow), a
# capital run, a non-ASCII letter and digit.
_PIECES = [
    "0", "1", "2", "7", "8", "9", "00", "12", "13", "31", "32", "4", "45", "870412", "300155",
    "870412300155", "040340001234", "651215450123", "991399", "4400430012345678",
    "4400 4300 1234 5678", "440043001234567890123", "35-209900-176148-1", "352099001761481",
    "KZ86125KZT5004100100", "KZ86 125K ZT50 0410 0100", "GB82WEST12345698765432", "KZ", "KZ86",
    "AB", "ZZ99", " ", "  ", "-", "--", "a", "x", "Z", "_", "/", ".", ":", "=", '"', "\t", "қ",
    "٣", "é",
]


# Twelve digits at the edges of an IIN's and a BIN's fields: months 00-13 and 19-20, days
# 00-32 and 39-40, every century (IIN) and type digit (BIN).
_MONTHS = ["00", "01", "09", "10", "12", "13", "19", "20"]
_NEAR_IIN = st.tuples(st.sampled_from(["87", "00"]), st.sampled_from(_MONTHS),
                      st.sampled_from(["00", "01", "09", "10", "19", "20", "29", "30", "31", "32",
                                       "39", "40"]),
                      st.sampled_from("0123456789"), st.just("00155")).map("".join)
_NEAR_BIN = st.tuples(st.sampled_from(["04", "99"]), st.sampled_from(_MONTHS),
                      st.sampled_from("0123456789"), st.sampled_from("0123456789"),
                      st.just("001234")).map("".join)


@settings(max_examples=2500, deadline=None)
@given(st.lists(st.one_of(st.sampled_from(_PIECES), _NEAR_IIN, _NEAR_BIN),
                max_size=14).map("".join),
       st.permutations(ENTITIES), st.integers(1, len(ENTITIES)))
@example("-040340001234 a-870412300155", list(ENTITIES), len(ENTITIES))
@example("4400 4300 1234 5678 9", ["CREDIT_CARD", "IMEI"], 2)
@example("KZ86 125K ZT50 0410 0100 x", ["IBAN_CODE"], 1)
# A second shape would start inside the first: finditer's matches do not overlap.
@example("4444 4444 4444 4444 444 x", ["CREDIT_CARD"], 1)
@example("12 3456789012345 67", ["IMEI"], 1)
def test_shapes_of_generated_text(text: str, order: list[str], size: int) -> None:
    entities = tuple(order[:size])
    assert shapes.scan(text, entities) == _plain(text, entities)
    assert shapes.by_regex(text, entities) == _plain(text, entities)


@settings(max_examples=1500, deadline=None)
@given(st.text(alphabet="0123456789 -AKZbx.қ", max_size=60), st.permutations(ENTITIES))
def test_shapes_of_any_text_of_their_characters(text: str, entities: list[str]) -> None:
    assert shapes.scan(text, entities) == _plain(text, entities)


def test_an_entity_without_a_reader_is_searched_by_its_rule(monkeypatch) -> None:
    import re

    monkeypatch.setitem(CHANCE_RULES, "TEST_SHAPE", ChanceRule("TEST_SHAPE", re.compile("ab"), 0.5))
    text = "ab 870412300155 ab"
    entities = ("KZ_IIN", "TEST_SHAPE")
    assert shapes.scan(text, entities) == _plain(text, entities) == [
        ("KZ_IIN", 3, 15), ("TEST_SHAPE", 0, 2), ("TEST_SHAPE", 16, 18)]
    assert shapes.scan("nothing", ("TEST_SHAPE",)) == []
    # Found by its rule where the shapes read here find nothing.
    assert shapes.scan("ab 12", entities) == [("TEST_SHAPE", 0, 2)]
