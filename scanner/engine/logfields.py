"""Evidence per log field: does a field of a log hold an entity, from all its candidates?

A log line may name its values: a JSON key (``{"doc": "870412300123"}``), a ``key=value``
pair, a column of a delimited record under its header, the key above a value in
pretty-printed JSON. Such a field is weighed as a table column is
(``derbes.scanner.engine.evidence``): for an entity that rests on a checksum, the share of the
field's *same-shape candidates* that validate, against the chance rate. A field of random
12-digit references, one in eleven of which passes the IIN check, is not an IIN field; a field
whose candidates all pass is.

The engine counts, per (field, entity), the distinct candidates of the entity's shape (valid
or not: :func:`~derbes.scanner.engine.shapes.line_shapes` on the lines where the entity's
recognizer was a candidate) and the distinct valid ones (its hits). A field's hits wait in a
bounded buffer until the counts decide (:meth:`LogField.verdict`, judged every
:data:`DECIDE_EVERY` kept hits and at the end of each batch and of the file); once the field
holds, its hits count as they come. A word of the entity before a value (``"iin": ...``,
``iin=``) makes its field hold at once. A structure's name (a header's column, a key above)
counts only for a whole value (a cell, a JSON scalar), not for a number inside a phrase.
Values outside any named field (free text) keep the per-file rules.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from derbes.scanner.engine.evidence import SHAPE_CAP, share_evidence
from derbes.scanner.names import entity_for_name

#: Hits of one field kept while its evidence is undecided; past it, hits are counted but not
#: kept (the field's finding then shows fewer hits than were seen before it held).
BUFFER_CAP = 10_000
#: Kept hits after which the fields are judged again, within a batch of lines.
DECIDE_EVERY = 256
#: How far before a value its ``key=`` or ``"key":`` is looked for.
KEY_WINDOW = 64
#: Bytes of one key in a packed set (:meth:`LogField.pack`): a key read from 34 base-36
#: characters (the longest IBAN) takes 176 bits.
KEY_BYTES = 24

# ``key=value``, ``key="value"``, ``&key=`` in a query, ``"key": "value"`` and Python's
# ``'key': 'value'`` when the line is no JSON document of its own; the key ends right before
# the value (an opening quote allowed).
_KEY_BEFORE = re.compile(
    r"""(?:(?<![\w.\-])(?P<k>[^\W\d][\w.\-]{0,47})=["']?"""
    r"""|["'](?P<q>[^"'\\\s][^"'\\]{0,47})["']\s?:\s?["']?)\Z""",
)


# The characters of a key before "=", and the first one (not a digit).
_KEY_CHARS = re.compile(r"[\w.\-]*")
_KEY_FIRST = re.compile(r"[^\W\d]")
#: The longest key of ``key=`` (_KEY_BEFORE's first branch).
_KEY_MAX = 48


def key_before(line: str, start: int) -> str | None:
    """The key of the ``key=value`` or ``"key": value`` pair whose value starts at ``start``:
    what ``_KEY_BEFORE`` finds ending there (:func:`key_before_by_search`). Compiled, the
    characters read in C (``logfields.pxd``): the engine asks it for every hit of a line."""
    if start <= 0:
        return None
    # Compiled, an exact str is read as C characters: a line read decoded (a subclass) is
    # copied (few are).
    text = line if type(line) is str else str(line)
    # The pair ends in "=" with at most a quote after it, or in ":" with at most a space and
    # a quote after it: without one of those right before the value, no search can match.
    c = text[start - 1]
    if c == "=":
        eq = start - 1
    elif start > 1 and text[start - 2] == "=" and (c == '"' or c == "'"):
        eq = start - 2
    elif quote_before_colon(text, start):
        # ``"key": value``: a quote ends the key before the colon (one space between at
        # most); prose's ``телефон: +7...`` has none, and is not searched.
        return key_before_by_search(text, start)
    else:
        return None
    # ``key=``: only the first branch can end here (the second ends in ":", a space or a
    # quote after ":"), and its key can only be the whole run of key characters before the
    # "=" (the lookbehind), read here backwards: no search from every place in the window.
    window = max(0, start - KEY_WINDOW)
    first = max(0, eq - _KEY_MAX - 1, window - 1)
    key_start = _key_start(text, eq, first)
    if key_start == first and first > 0:
        return None  # the run goes on before it: longer than a key, or out of the window
    if key_start == eq or key_start < window or eq - key_start > _KEY_MAX:
        return None
    if not _key_first(text, key_start):
        return None
    return text[key_start:eq]


def _key_start(line: str, eq: int, first: int) -> int:
    """Where the run of key characters (``_KEY_CHARS``: ``\\w``, ``.``, ``-``) that ends
    before ``eq`` starts, not before ``first``. Compiled, a C loop (``\\w`` is what
    ``str.isalnum()`` holds, and ``_``); as Python, the expression on the reversed text."""
    if not _COMPILED:
        return eq - _KEY_CHARS.match(line[first:eq][::-1]).end()
    k = eq
    while k > first:
        c = line[k - 1]
        if not (c.isalnum() or c == "_" or c == "." or c == "-"):
            break
        k -= 1
    return k


def _key_first(line: str, at: int) -> bool:
    """Whether a key may start with ``line[at]`` (``_KEY_FIRST``: ``\\w`` but not ``\\d``,
    what ``str.isdecimal()`` holds)."""
    if not _COMPILED:
        return _KEY_FIRST.match(line, at) is not None
    c = line[at]
    return (c.isalnum() or c == "_") and not c.isdecimal()


#: Whether Cython compiled this module (``logfields.pxd``): then keys are read in C loops.
_COMPILED = not __file__.endswith(".py")


def quote_before_colon(line: str, start: int) -> bool:
    """Whether one of the three characters before ``start`` is a colon that a quote comes
    right before, or a quote and one space: where ``_KEY_BEFORE``'s ``"key":`` branch may
    end (its search from every place of a 64-character window costs about 8,000
    instructions; most colons before a value are prose's, ``телефон: +7...``)."""
    for k in range(max(1, start - 3), start):
        if line[k] == ":":
            b = line[k - 1]
            if b == '"' or b == "'":
                return True
            if k > 1 and b.isspace() and line[k - 2] in "\"'":
                return True
    return False


def key_before_by_search(line: str, start: int) -> str | None:
    """:func:`key_before` by the search of its pattern ending at ``start`` (the definition)."""
    m = _KEY_BEFORE.search(line, max(0, start - KEY_WINDOW), start) if start else None
    if m is None:
        return None
    return m.group("k") or m.group("q")


HOLDS, PENDING = "holds", "pending"


@dataclass(slots=True)
class LogField:
    """The candidates and valid values seen in one (log field, entity), and its waiting hits."""

    #: Keys (:func:`~derbes.scanner.engine.evidence.shape_key`) of distinct shaped candidates.
    shaped: set[int] = field(default_factory=set)
    #: Keys of the distinct valid values (the recognizer's hits).
    valid: set[int] = field(default_factory=set)
    #: Hits with a word of the entity before them on their own line (``"iin": ...``).
    supported: int = 0
    state: str = PENDING
    #: Hits waiting for the verdict, as the engine prepared them.
    buffer: list[Any] = field(default_factory=list)
    #: ``shaped`` and ``valid`` packed (:meth:`pack`) while a scanned part of a file waits
    #: to be merged; the sets are empty then.
    packed: tuple[bytes, bytes] | None = None

    def add_shape(self, key: int) -> None:
        if self.state == HOLDS:
            return  # decided: the counts are never read again
        if self.packed is not None:
            self._unpack()
        if len(self.shaped) < SHAPE_CAP:
            self.shaped.add(key)

    def add_valid(self, key: int) -> None:
        # Valid values are counted among the shaped ones only: once the shaped set is full,
        # a valid key it could not take would raise the share above what the field holds.
        self.add_shape(key)
        if key in self.shaped:
            self.valid.add(key)

    def hold(self) -> None:
        """The field holds its entity, for good: its counts go (on a dense log a holding
        field would otherwise keep up to SHAPE_CAP keys twice, megabytes, for nothing)."""
        self.state = HOLDS
        self.shaped, self.valid, self.packed = set(), set(), None

    def pack(self) -> None:
        """Hold the two sets as bytes, 24 a key instead of about 65 in a set of ints: what
        a scanned part of a file keeps while it travels and waits. Kept in the sets' order,
        so that a merge takes the keys in the order it took them from the sets."""
        if self.packed is not None or not self.shaped:
            return
        try:
            self.packed = (_pack(self.shaped), _pack(self.valid))
        except OverflowError:  # a key of more than 191 bits: no shape is that long
            return
        self.shaped, self.valid = set(), set()

    def _unpack(self) -> None:
        shaped, valid = self.packed  # type: ignore[misc]
        self.shaped, self.valid = set(_unpack(shaped)), set(_unpack(valid))
        self.packed = None

    def wait(self, hit: Any) -> None:
        """Keep a hit until the verdict (up to :data:`BUFFER_CAP`)."""
        if len(self.buffer) < BUFFER_CAP:
            self.buffer.append(hit)

    def verdict(self, name: str, entity: str) -> bool:
        """Whether the field holds ``entity``: its share of valid candidates is more than
        chance, or a word supports it, or its name names the entity and the values agree."""
        if self.state == HOLDS:
            return True
        if self.packed is not None:
            self._unpack()
        named = entity_for_name(name) == entity
        return share_evidence(entity, len(self.valid), len(self.shaped), named,
                              self.supported).holds

    def merge(self, other: LogField) -> None:
        """Fold the counts of another byte range of the same file into these."""
        self.supported += other.supported
        if other.state == HOLDS:
            self.hold()
        if self.state != HOLDS:
            if self.packed is not None:
                self._unpack()
            shaped, valid = (other.shaped, other.valid) if other.packed is None else (
                _unpack(other.packed[0]), _unpack(other.packed[1]))
            for key in shaped:
                self.add_shape(key)
            for key in valid:
                self.add_valid(key)
        room = BUFFER_CAP - len(self.buffer)
        self.buffer.extend(other.buffer[: max(0, room)])


def _pack(keys: set[int]) -> bytes:
    return b"".join([k.to_bytes(KEY_BYTES, "little", signed=True) for k in keys])


def _unpack(packed: bytes) -> list[int]:
    return [int.from_bytes(packed[i:i + KEY_BYTES], "little", signed=True)
            for i in range(0, len(packed), KEY_BYTES)]
