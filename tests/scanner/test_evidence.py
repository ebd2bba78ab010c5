"""Evidence per column: the binomial test against the chance rate, and names against values."""

from __future__ import annotations

import math

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from derbes.scanner.engine.evidence import (
    ALPHA,
    CHANCE_RULES,
    CONTRADICTED,
    HINT,
    NAME_ONLY,
    FieldStats,
    binomial_sf,
    is_not_data,
    name_verdict,
    shape_key,
    value_evidence,
)
from derbes.scanner.names import entity_for_name


@pytest.mark.parametrize(("k", "n", "p", "expected"), [
    # Worked by hand from the binomial formula.
    (3, 3, 0.1, 0.001),
    (1, 1, 0.1, 0.1),
    (2, 10, 0.1, 1 - 0.9**10 - 10 * 0.1 * 0.9**9),
    (0, 10, 0.1, 1.0),
    (11, 10, 0.1, 0.0),
    (1, 97, 1 / 97, 1 - (96 / 97) ** 97),
])
def test_binomial_tail(k: int, n: int, p: float, expected: float) -> None:
    assert math.isclose(binomial_sf(k, n, p), expected, rel_tol=1e-9, abs_tol=1e-15)


def _stats(values: list[str], integer: bool = False) -> FieldStats:
    stats = FieldStats()
    stats.add(values, integer)
    return stats


# One value of each rule's shape, values that pass the cheap first filter (nine digits, a
# country code) but have no shape, and numbers that an integer column pads to an IIN's width.
SHAPE_VALUES = [
    "4400 4300 0000 0001", "870412300123", "ИИН 870412300123", "070340012345",
    "35-209900-176148-1", "KZ86 125K ZT50 0410 0100", "+7 701 000 1234", "order 100000000001",
    "GB12", "123456789", "61211600012", "8704123001", "870412300123x", "AB12 CD",
]


def _shaped_by_definition(values: list[str], integer: bool) -> dict[str, set[int]]:
    """Every rule's ``finditer`` on every non-empty value, a whole number padded to the
    rule's width."""
    expected: dict[str, set[int]] = {}
    for value in values:
        if not value or value.isspace():
            continue
        for rule in CHANCE_RULES.values():
            text = value
            if integer and rule.width and value.isdigit() and len(value) < rule.width:
                text = value.zfill(rule.width)
            for m in rule.shape.finditer(text):
                expected.setdefault(rule.entity, set()).add(shape_key(m.group()))
    return expected


@pytest.mark.parametrize("integer", [False, True])
def test_shaped_values_as_each_rule_finds_them(integer: bool) -> None:
    # The count of shaped values skips the rules on values where none can find its shape:
    # it must find what every rule run on every value finds.
    expected = _shaped_by_definition(SHAPE_VALUES, integer)
    assert set(expected) == set(CHANCE_RULES)
    assert _stats(SHAPE_VALUES, integer).shaped == expected


def test_chance_share_is_not_evidence() -> None:
    # 100 distinct 13-digit numbers, 10 Luhn-valid: what chance gives an EAN column.
    stats = _stats([f"4870000000{i:03d}" for i in range(100)])
    assert len(stats.shaped["CREDIT_CARD"]) == 100
    ev = value_evidence("CREDIT_CARD", 10, stats, named=False)
    assert ev is not None and not ev.holds and ev.p_value > ALPHA
    # The same column named for cards, still one in ten: the values disagree with the name.
    assert not value_evidence("CREDIT_CARD", 10, stats, named=True).holds


def test_a_column_of_valid_values_holds() -> None:
    stats = _stats([f"4400430000000{i:03d}" for i in range(20)])
    assert value_evidence("CREDIT_CARD", 20, stats, named=False).holds


def test_few_values_need_a_name_or_a_word() -> None:
    stats = _stats(["870412300123", "760212350620"])
    assert not value_evidence("KZ_IIN", 2, stats, named=False).holds
    assert value_evidence("KZ_IIN", 2, stats, named=True).holds
    assert value_evidence("KZ_IIN", 1, stats, named=False, supported=1).holds


def test_integer_column_candidates_are_padded() -> None:
    # 115123456 reads 000115123456 once padded: date-shaped, century digit 1.
    assert len(_stats(["115123456"], integer=True).shaped.get("KZ_IIN", ())) == 1
    assert "KZ_IIN" not in _stats(["115123456"]).shaped


def test_entities_without_a_checksum_are_left_to_the_other_rules() -> None:
    assert value_evidence("EMAIL_ADDRESS", 3, _stats(["a@b.kz"]), named=False) is None
    assert value_evidence("KZ_IIN", 3, None, named=False) is None


@pytest.mark.parametrize(("value", "expected"), [
    ("0", True), ("1", True), ("true", True), ("да", True),
    ("440043******1234", True), ("4400 43** **** 1234", True),
    ("tok_9f86d081884c7d659a2feaa0c55ad015", True),
    ("+7 701 123 45 67", False), ("Айгерим Нурланова", False), ("1987-04-12", False),
    ("aigerim.n@mail.kz", False),
])
def test_not_data(value: str, expected: bool) -> None:
    assert is_not_data(value) is expected


def test_name_verdicts() -> None:
    assert name_verdict(None) == NAME_ONLY  # a log field: values not counted
    assert name_verdict(FieldStats()) == HINT
    assert name_verdict(_stats(["0", "1", "1", "0"])) == CONTRADICTED
    assert name_verdict(_stats(["1987-04-12", "0"])) == NAME_ONLY


@pytest.mark.parametrize(("name", "entity"), [
    ("payload.customer.name", "PERSON"),
    ("order.recipient.name", "PERSON"),
    ("item.name", None),
    ("name", None),
    ("card_holder", "PERSON"),
    ("card_number", "CREDIT_CARD"),
])
def test_person_keys(name: str, entity: str | None) -> None:
    assert entity_for_name(name) == entity


# The shapes as first written, lookbehind first: the specification of CHANCE_RULES' shapes,
# which put their first character first so that ``re`` searches for it.
_PLAIN_SHAPES = {
    "CREDIT_CARD": r"(?<![0-9A-Za-z])[2-689](?:[ -]?[0-9]){12,18}(?![0-9A-Za-z])",
    "KZ_IIN": (r"(?<![0-9A-Za-z-])[0-9]{2}(?:0[1-9]|1[0-2])(?:0[1-9]|[12][0-9]|3[01])[1-6]"
               r"[0-9]{5}(?![0-9A-Za-z])"),
    "KZ_BIN": r"(?<![0-9A-Za-z-])[0-9]{2}(?:0[1-9]|1[0-2])[4-6][0-3][0-9]{6}(?![0-9A-Za-z])",
    "IMEI": r"(?<![0-9A-Za-z])[0-9]{2}(?:[ -]?[0-9]){13}(?![0-9])",
    "IBAN_CODE": (r"(?<![0-9A-Za-z])[A-Z]{2}[0-9]{2}(?: ?[0-9A-Z]){11,30}"
                  r"(?![0-9A-Za-z])"),
}


@settings(max_examples=3000, deadline=None)
@given(
    st.lists(
        st.sampled_from(["8", "7", "0", "1", "2", "4", "5", "9", "12", "870412", "300155",
                         "651215450123", "040340001234", "870412300155", "4400430012345678",
                         "35-209900-176148-1", "KZ", "KZ86", "125KZT5004100100", " ", "-",
                         "a", "Z", "_", "/", ".", "\n", "қ"]),
        max_size=12,
    ).map("".join)
)
@example("-040340001234 a-870412300155")
def test_shapes_written_first_character_first_find_the_plain_shapes(text):
    import re

    from derbes.scanner.engine.evidence import CHANCE_RULES

    assert set(CHANCE_RULES) == set(_PLAIN_SHAPES)
    for entity, plain in _PLAIN_SHAPES.items():
        assert [m.span() for m in CHANCE_RULES[entity].shape.finditer(text)] == [
            m.span() for m in re.finditer(plain, text)], entity


# -- the count of a column's values, held to the definitions it reads faster ---------------

#: Pieces of values: shapes of every rule, separators, the characters of flags, masks and
#: tokens, whitespace, non-ASCII letters and digits.
_PIECES = ["8", "7", "0", "1", "2", "4", "5", "9", "12", "870412", "300155", "651215450123",
           "040340001234", "870412300155", "4400430012345678", "35-209900-176148-1", "KZ",
           "KZ86", "125KZT5004100100", "AB12", " ", "-", "a", "Z", "x", "X", "xxxx", "*", "•",
           "#", "##", "@", "_", "/", "=", ".", ":", "+", "\n", "\t", "\u00a0", "қ", "да",
           "TRUE", "None", "ı", "ſ", "٣", "tok_9f86d081884c7d65"]
_VALUES = st.lists(st.sampled_from(_PIECES), max_size=10).map("".join)


def _not_data_by_definition(value: str) -> bool:
    from derbes.scanner.engine.evidence import _FLAG, _MASKED, _OPAQUE

    v = value.strip()
    return bool((len(v) <= 5 and _FLAG.fullmatch(v)) or _MASKED.search(v)
                or (len(v) >= 16 and _OPAQUE.fullmatch(v)))


@settings(max_examples=3000, deadline=None)
@given(_VALUES)
@example("a##b")
@example("4400 xXxX 1234")
@example("xxx")
@example("12")
@example("tok_9f86d081884c7d65")
@example("tok_9f86d081884c7d65 ")
@example("tok_9f86d081884c7d65@")
@example("tok_abcdefghijklmnop")
@example("ſ")
def test_not_data_as_its_regexes_say(value: str) -> None:
    # is_not_data skips the searches that cannot match (and reads tokens by a loop when
    # compiled): it must say what the three regexes say.
    from derbes.scanner.engine.evidence import _OPAQUE, _opaque

    assert is_not_data(value) is _not_data_by_definition(value)
    assert _opaque(value) is (_OPAQUE.fullmatch(value) is not None)


@settings(max_examples=2000, deadline=None)
@given(st.lists(_VALUES, max_size=6), st.booleans())
@example(["115123456", "870412300155", "0870412300155", "٣٣", ""], True)
def test_shaped_values_as_the_rules_find_them(values: list[str], integer: bool) -> None:
    # Compiled, the shapes of every rule are read in one pass (shapes.shapes_in); as Python,
    # by two filters and the rules' regexes: both must count what each rule finds.
    stats = _stats(values, integer)
    assert stats.shaped == _shaped_by_definition(values, integer)
    assert stats.nonempty == sum(1 for v in values if v and not v.isspace())
    assert stats.not_data == sum(is_not_data(v) for v in values if v and not v.isspace())


def test_shapes_counted_in_batches_add_up() -> None:
    # A column read in several batches: its counts are those of one batch of all its values.
    values = [f"87041230{i:04d}" for i in range(0, 300, 7)] + ["1", "0", "4400 43** **** 1234"]
    one = _stats(values * 2, integer=False)
    parts = FieldStats()
    for k in range(0, len(values) * 2, 5):
        parts.add((values * 2)[k:k + 5])
    assert (parts.nonempty, parts.not_data, parts.shaped) == (
        one.nonempty, one.not_data, one.shaped)
