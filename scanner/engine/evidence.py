"""Evidence per field: does a column hold an entity, judged from all its sampled values?

A checksum passes by chance: the Luhn check for one number in 10, the IIN/BIN check digit for
about one in 11 (1/11 + 1/121 with the second pass). One valid value among a thousand look-
alikes proves nothing: a column of EAN barcodes holds Luhn-valid 13-digit numbers, a column of
random 12-digit references holds a few IIN-valid ones. So for the entities that rest on a
checksum, a column is reported only when the share of its *same-shape candidates* that
validate is more than chance can explain:

* ``m``: distinct values of the column with the entity's shape (``CHANCE_RULES``: a 12-digit
  date-shaped number for an IIN, 13-19 digits with a card's first digit for a card...);
* ``k``: distinct values that the recognizer validated;
* the one-sided binomial test: ``P(X >= k)`` for ``X ~ Binomial(m, p0)``, with ``p0`` the
  chance that a random value of that shape validates. The column holds the entity when that
  probability is below :data:`ALPHA` (a scan tests thousands of columns: about one false
  column in 10,000 tests), or when the column's name names the entity and at least half of
  its candidates validate (:data:`NAMED_SHARE`): the name is evidence of its own, the values
  must then agree with it rather than prove it alone. A value with a word of the entity in
  it (``ИИН 870412300123`` in a comment) is evidence of its own too.

Values are counted distinct because repeats are not independent draws (one IIN copied into
every row is one value).

The name of a column is weighed against its values too (:func:`name_verdict`): a column whose
sampled values are all empty is a schema hint (a ``name`` finding, which raises no flag); one
whose values are flags (``0``/``1``),
masked numbers or opaque tokens contradicts its name (``phone_confirmed``, ``pan_masked``,
``card_token``) and is not reported for that entity.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field

from derbes.scanner.engine import shapes
from derbes.scanner.engine.chance import CHANCE_RULES, ChanceRule

__all__ = ["ALPHA", "CHANCE_RULES", "CONTRADICTED", "CONTRADICTION_SHARE", "HINT", "NAMED_SHARE",
           "NAME_ONLY", "SHAPE_CAP", "ChanceRule", "Evidence", "FieldStats", "binomial_sf",
           "is_not_data", "name_verdict", "shape_key", "share_evidence", "value_evidence"]

#: Below this binomial tail probability a share of valid values is not chance.
ALPHA = 1e-4
#: A column named for the entity needs this share of its candidates valid.
NAMED_SHARE = 0.5
#: Share of non-empty values of a "not data" kind (flags, masks, tokens) that contradicts a name.
CONTRADICTION_SHARE = 0.9
#: Distinct shaped values remembered per field and entity.
SHAPE_CAP = 100_000


# A run of nine digits (with separators) or a country code and check digits: values without
# one cannot have any shape above, and most values have neither.
_ANY_SHAPE = re.compile(r"[0-9](?:[ -]?[0-9]){8}|[A-Z]{2}[0-9]{2}")

# Values that are not data of any kind: flags, masks, opaque tokens and hashes.
_FLAG = re.compile(
    r"(?:0|1|-1|t|f|y|n|true|false|yes|no|on|off|да|нет|иә|жоқ|null|none)", re.IGNORECASE)
_MASKED = re.compile(r"[*•#]{2,}|[xX]{4,}|[*•]")
_OPAQUE = re.compile(r"(?=[^@\s]*[0-9])(?=[^@\s]*[A-Za-z])[A-Za-z0-9_\-+/=.:]{16,}")
_FLAG_MAX = 5  # the longest word of _FLAG; IGNORECASE folds one character to one
_OPAQUE_MIN = 16
#: Whether this module runs compiled (Cython).
_COMPILED = not __file__.endswith(".py")


def is_not_data(value: str) -> bool:
    """A flag (``0``, ``true``), a masked value (``4400 43** **** 1234``), an opaque token."""
    v = value.strip()
    size = len(v)
    # A flag has at most 5 characters (none of two or more is digits), a token at least 16:
    # most values need no search.
    return bool((size <= _FLAG_MAX and not (size > 1 and v.isdigit()) and _FLAG.fullmatch(v))
                or _masked(v) or (size >= _OPAQUE_MIN and _opaque(v)))


def _opaque(v: str) -> bool:
    """``_OPAQUE.fullmatch(v)``: 16 characters or more, each an ASCII letter or digit or
    one of ``_-+/=.:``, among them a digit and a letter. Compiled, a loop over the characters
    (the regex reads each three times); as Python, the regex."""
    if not _COMPILED:
        return _OPAQUE.fullmatch(v) is not None
    if len(v) < _OPAQUE_MIN:
        return False
    digit = letter = False
    for c in v:
        if "0" <= c <= "9":
            digit = True
        elif "A" <= c <= "Z" or "a" <= c <= "z":
            letter = True
        elif c not in "_-+/=.:":
            return False
    return digit and letter


def _masked(v: str) -> bool:
    """``_MASKED.search(v)``: a ``*`` or ``•`` anywhere (its last alternative), two of
    ``*•#`` in a row (which without the first two is ``##``), or four ``x`` or ``X``. Found
    by ``str``'s own search, the regex only where an ``x`` could start a run (``re`` tries
    its alternatives at every character: 0.58 us a value of the realistic schema, 0.2 us
    this way)."""
    return ("*" in v or "•" in v or "##" in v
            or (("x" in v or "X" in v) and _MASKED.search(v) is not None))


@dataclass(slots=True)
class FieldStats:
    """What the values of one field looked like, for the evidence of its findings."""

    nonempty: int = 0
    not_data: int = 0
    #: Entity -> hashes of distinct values of its shape.
    shaped: dict[str, set[int]] = field(default_factory=dict)

    def add(self, values: list[str], integer: bool = False) -> None:
        """Count a batch of values of this field (``integer``: a column of whole numbers)."""
        nonempty, not_data = _add(self.shaped, values, integer)
        self.nonempty += nonempty
        self.not_data += not_data

    def merge(self, other: FieldStats) -> None:
        """Fold the stats of another part of the same field into these."""
        self.nonempty += other.nonempty
        self.not_data += other.not_data
        for entity, bucket in other.shaped.items():
            mine = self.shaped.setdefault(entity, set())
            mine.update(list(bucket)[: max(0, SHAPE_CAP - len(mine))])


def _add(shaped: dict[str, set[int]], values: list[str], integer: bool) -> tuple[int, int]:
    """:meth:`FieldStats.add`: the shapes counted into ``shaped``; returns the numbers of
    non-empty values and of not-data values."""
    seen: dict[str, int] = {}  # values repeat: judge each once per batch
    reader = _shape_reader()
    nonempty = not_data = 0
    for value in values:
        if not value or value.isspace():
            continue
        nonempty += 1
        known = seen.get(value)
        if known is None:
            known = seen[value] = int(is_not_data(value))
            if reader is None:
                _shapes_by_regex(shaped, value, integer)
            elif integer and value.isdigit():
                for width, mask in reader.padding(len(value)):
                    _read_shapes(shaped, reader, value.zfill(width) if width else value, mask)
            else:
                _read_shapes(shaped, reader, value, reader.every)
        not_data += known
    return nonempty, not_data


def _read_shapes(shaped: dict[str, set[int]], reader: _ShapeReader, text: str,
                 mask: int) -> None:
    """Count the shaped candidates of ``text`` for the rules of ``mask`` into ``shaped``,
    found by the compiled shape reader, which finds what each rule's ``finditer`` finds, in
    one pass over the text."""
    entities = reader.entities
    for bit, start, end in reader.read(text, mask):
        entity = entities[bit]
        bucket = shaped.get(entity)
        if bucket is None:
            bucket = shaped[entity] = set()
        if len(bucket) < SHAPE_CAP:
            bucket.add(shape_key(text[start:end]))


class _ShapeReader:
    """:func:`~derbes.scanner.engine.shapes.shapes_in` (every rule's shape in one pass over
    a value, compiled) with the masks of the rules' entities."""

    __slots__ = ("_padding", "bits", "entities", "every", "read")

    def __init__(self, read, bits: dict[str, int]) -> None:
        self.read = read
        self.bits = bits
        #: The entity of each bit.
        self.entities = {bit: entity for entity, bit in bits.items()}
        self.every = 0
        for bit in bits.values():
            self.every |= bit
        self._padding: dict[int, tuple[tuple[int, int], ...]] = {}

    def padding(self, size: int) -> tuple[tuple[int, int], ...]:
        """How a whole number of ``size`` digits is read (a column of whole numbers loses
        leading zeros): (0, the mask of the rules that read it as it is), then (width, the
        mask of the rules that read it padded with zeros to that width) for each wider
        rule."""
        padding = self._padding.get(size)
        if padding is None:
            padding = self._padding[size] = self._widths(size)
        return padding

    def _widths(self, size: int) -> tuple[tuple[int, int], ...]:
        every = self.every
        wider: dict[int, int] = {}
        for entity, rule in CHANCE_RULES.items():
            if rule.width and size < rule.width:
                wider[rule.width] = wider.get(rule.width, 0) | self.bits[entity]
                every &= ~self.bits[entity]
        return ((0, every), *sorted(wider.items()))


def _shapes_by_regex(shaped: dict[str, set[int]], value: str, integer: bool) -> None:
    """:func:`_read_shapes` by each rule's regex (the definition), after two filters that
    skip the values where no rule can find its shape."""
    if _ANY_SHAPE.search(value) is None:
        return
    if not (integer and value.isdigit()) and _SHAPES.search(value) is None:
        return  # not padded below, and no rule's shape anywhere: no rule finds one either
    for rule in CHANCE_RULES.values():
        text = value
        if integer and rule.width and value.isdigit() and len(value) < rule.width:
            text = value.zfill(rule.width)
        for m in rule.shape.finditer(text):
            bucket = shaped.setdefault(rule.entity, set())
            if len(bucket) < SHAPE_CAP:
                bucket.add(shape_key(m.group()))


#: Every rule's shape at once: it finds nothing where each rule's shape finds nothing.
_SHAPES = re.compile("|".join(f"(?:{rule.shape.pattern})" for rule in CHANCE_RULES.values()))
#: The shape reader, made on first use (:func:`_shape_reader`).
_READER: list = []


def _shape_reader() -> _ShapeReader | None:
    """The compiled shape reader where :mod:`~derbes.scanner.engine.shapes` runs compiled
    and reads every rule's shape (the 277,239 distinct values of a scan of the realistic
    schema, ``benchmarks/db_schema.py``: 0.074 s, against 0.48 s for the two filters above
    and the rules' regexes); else None: as Python, the regexes are faster."""
    if not _READER:
        reader = None
        if shapes._SCANNER_COMPILED and set(CHANCE_RULES) <= set(shapes.BITS):
            reader = _ShapeReader(shapes.shapes_in,
                                  {entity: shapes.BITS[entity] for entity in CHANCE_RULES})
        _READER.append(reader)
    return _READER[0]


def binomial_sf(k: int, n: int, p: float) -> float:
    """``P(X >= k)`` for ``X ~ Binomial(n, p)``: the chance of ``k`` or more successes."""
    if k <= 0:
        return 1.0
    if k > n:
        return 0.0
    log_p, log_q = math.log(p), math.log1p(-p)
    total = 0.0
    for i in range(k, n + 1):
        term = math.exp(
            math.lgamma(n + 1) - math.lgamma(i + 1) - math.lgamma(n - i + 1)
            + i * log_p + (n - i) * log_q
        )
        total += term
        # Past the mode the terms only shrink: stop when they no longer count.
        if i > n * p and term < total * 1e-12:
            break
    return min(total, 1.0)


@dataclass(frozen=True, slots=True)
class Evidence:
    """The verdict on one (field, entity): candidates, valid ones, the tail probability."""

    candidates: int
    valid: int
    p_value: float
    holds: bool


def value_evidence(
    entity: str, valid: int, stats: FieldStats | None, named: bool, supported: int = 0
) -> Evidence | None:
    """Whether ``valid`` distinct validated values make the field hold ``entity``.

    ``supported``: hits with a word of the entity before them in their own value (``ИИН
    870412300123`` in a comment): the word is evidence that chance does not give.

    ``None`` when the entity rests on no checksum (no chance rule) or the field's values were
    not counted (log lines): the caller's other rules decide.
    """
    if entity not in CHANCE_RULES or stats is None:
        return None
    return share_evidence(entity, valid, len(stats.shaped.get(entity, ())), named, supported)


def share_evidence(
    entity: str, valid: int, shaped: int, named: bool, supported: int = 0
) -> Evidence:
    """The verdict from counts alone: ``valid`` distinct validated values among ``shaped``
    distinct values of the entity's shape (a column's values, a log field's candidates)."""
    rule = CHANCE_RULES[entity]
    candidates = max(shaped, valid)
    p_value = binomial_sf(valid, candidates, rule.chance)
    holds = (supported > 0 or p_value < ALPHA
             or (named and valid >= NAMED_SHARE * candidates))
    return Evidence(candidates, valid, p_value, holds)


def shape_key(value: str) -> int:
    """The key one distinct candidate is counted by: its characters without separators, read
    as a base-36 number (every shape is digits and capitals), the same in every process, so
    that the counts of a file's byte ranges scanned by several workers add up."""
    try:
        return int(value.replace(" ", "").replace("-", ""), 36)
    except ValueError:  # a decoded value with other characters: counted all the same
        return hash(value)


#: What the values say about a name-suggested entity that no value established.
HINT, CONTRADICTED, NAME_ONLY = "hint", "contradicted", "name"


def name_verdict(stats: FieldStats | None) -> str:
    """``hint`` (every sampled value empty), ``contradicted`` (flags, masks, tokens) or
    ``name`` (values the detectors cannot read: dates, addresses, names not in the list).

    ``stats`` is None for a log field, whose values were not counted: ``name``.
    """
    if stats is None:
        return NAME_ONLY
    if stats.nonempty == 0:
        return HINT
    if stats.not_data >= CONTRADICTION_SHARE * stats.nonempty:
        return CONTRADICTED
    return NAME_ONLY
