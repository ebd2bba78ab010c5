"""JSON values by key path: ``payload.contact.email``, ``items[].phone``.

Two views of the same thing. :func:`flatten` walks a parsed document (a JSON/JSONB column).
:func:`value_spans` maps the string and number tokens of a raw JSON line to their key paths
without building the document, so that log lines are scanned as raw text and parsed only
where a hit needs a field name.
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Iterator
from typing import Any

#: Deeper structures are not walked further; their remaining text is reported under the
#: deepest path reached, so nothing is lost and recursion stays bounded.
MAX_DEPTH = 64


def flatten(doc: Any, prefix: str = "", depth: int = 0) -> Iterator[tuple[str, str]]:
    """``(key path, text)`` for every scalar in ``doc``; list items add ``[]`` to the path."""
    if isinstance(doc, dict):
        if depth >= MAX_DEPTH:
            yield prefix, str(doc)
            return
        for key, value in doc.items():
            yield from flatten(value, f"{prefix}.{key}" if prefix else str(key), depth + 1)
    elif isinstance(doc, list):
        if depth >= MAX_DEPTH:
            yield prefix, str(doc)
            return
        for value in doc:
            yield from flatten(value, f"{prefix}[]", depth + 1)
    elif doc is None or isinstance(doc, bool):
        return
    else:
        yield prefix, str(doc)


def value_spans(
    line: str, stop: int | None = None, start: int = 0
) -> list[tuple[int, int, str]]:
    """``(start, end, key path)`` of each scalar token in a raw JSON line, in line order.

    ``stop``: only tokens that begin before this offset are wanted (the last hit's start):
    reading ends there. ``start``: where the object begins (after a log line's words:
    ``payload={...}``); the text before it is not read.

    Offsets are those of the token's content in ``line`` (inside the quotes for strings).
    A line that is not a JSON object, or is malformed, yields the spans read before the fault.
    Like :func:`flatten`, paths stop growing at ``MAX_DEPTH`` levels; each path is built from
    its parent's, so the cost is linear in the line however deep its nesting.
    """
    # The reader takes an exact str (compiled, its characters are read as C integers): a
    # line read decoded comes as a subclass (``DecodedLine``).
    return _value_spans(line if type(line) is str else str(line), stop, start)


def _value_spans(line: str, stop: int | None, start: int) -> list[tuple[int, int, str]]:
    spans: list[tuple[int, int, str]] = []
    n = len(line)
    _read(line, start, n if stop is None else min(n, stop + 1), JsonReading(), spans)
    return spans


class JsonReading:
    """Where a reading of JSON stands after some text: the open containers and their paths,
    and the key whose value comes next. A document written over many lines (pretty-printed)
    is read line by line with one reading (:func:`document_spans`), so that each line's
    values get the key paths they have in the whole document."""

    __slots__ = ("dropped", "expecting_key", "key", "kinds", "paths")

    def __init__(self) -> None:
        self.paths: list[str] = []  # rendered path of each enclosing level with a component
        self.dropped = 0  # enclosing levels past MAX_DEPTH, not in ``paths``
        self.kinds: list[str] = []  # "{" or "[" per open container
        self.expecting_key = False
        self.key: str | None = None

    def _fields(self) -> tuple:
        return (self.paths, self.dropped, self.kinds, self.expecting_key, self.key)

    def __eq__(self, other: object) -> bool:
        # Two readings stand at the same place (a chunk's state read again from the lines
        # before it, ``pieces.structure_before``, must equal the one the whole file left).
        if not isinstance(other, JsonReading):
            return NotImplemented
        return self._fields() == other._fields()

    __hash__ = None  # type: ignore[assignment]  # it changes as it reads

    def __repr__(self) -> str:
        return f"JsonReading(kinds={self.kinds!r}, paths={self.paths!r}, key={self.key!r})"

    def is_open(self) -> bool:
        """Whether a container is open: the document goes on after the text read."""
        return bool(self.kinds)


def document_spans(line: str, reading: JsonReading, start: int = 0) -> list[tuple[int, int, str]]:
    """:func:`value_spans` of one line of a document written over many lines, read from
    ``start`` and going on from ``reading`` (which it updates): a value's path is the one it
    has in the whole document (``client.phones[]`` for an element of an array opened on a
    line above)."""
    spans: list[tuple[int, int, str]] = []
    plain = line if type(line) is str else str(line)
    _read(plain, start, len(plain), reading, spans)
    return spans


def _read(line: str, i: int, limit: int, reading: JsonReading, spans: list) -> None:
    """Reads ``line[i:limit]`` on from ``reading``, adding each scalar token's span and path
    to ``spans``; ``reading`` is left where the text ends."""
    paths = reading.paths
    kinds = reading.kinds
    dropped = reading.dropped
    expecting_key = reading.expecting_key
    key = reading.key
    n = len(line)
    while i < limit:
        c = line[i]
        if c in " \t\r\n,:":
            if c == "," and kinds and kinds[-1] == "{":
                expecting_key = True
            i += 1
            continue
        if c in "{[":
            if kinds:
                if len(paths) < MAX_DEPTH:
                    paths.append(_join(paths[-1] if paths else "", _component(kinds[-1], key)))
                else:
                    dropped += 1
            kinds.append(c)
            expecting_key = c == "{"
            key = None
            i += 1
            continue
        if c in "}]":
            if kinds:
                kinds.pop()
            if len(paths) + dropped > max(len(kinds) - 1, 0):
                if dropped:
                    dropped -= 1
                else:
                    paths.pop()
            key = None
            expecting_key = False
            i += 1
            continue
        if c == '"':
            j = _string_end(line, i + 1)
            if expecting_key:
                key = _unescape(line[i + 1 : j])
                expecting_key = False
            else:
                spans.append((i + 1, j, _path(paths, dropped, kinds, key)))
            i = j + 1
            continue
        j = i
        while j < n and line[j] not in " \t\r\n,:]}":
            j += 1
        if j == i:
            i += 1
            continue
        token = line[i:j]
        if token not in ("true", "false", "null"):
            spans.append((i, j, _path(paths, dropped, kinds, key)))
        i = j
    reading.dropped = dropped
    reading.expecting_key = expecting_key
    reading.key = key


def field_at(spans: list[tuple[int, int, str]], start: int, end: int) -> tuple[str, int] | None:
    """The key path of the token containing ``[start, end)`` and the token's start offset.

    ``spans`` are in line order and do not overlap (as :func:`value_spans` returns them), so
    the token is found by bisection: a line with many hits stays linear.
    """
    # bisect_right(spans, start, key=_span_start) written out (field_at_by_bisect): compiled,
    # a loop of C integers instead of a call of the key at every step.
    lo, hi = 0, len(spans)
    while lo < hi:
        mid = (lo + hi) // 2
        if start < spans[mid][0]:
            hi = mid
        else:
            lo = mid + 1
    at = lo - 1
    if at >= 0:
        s, e, path = spans[at]
        if s <= start and end <= e:
            return path, s
    return None


def field_at_by_bisect(
    spans: list[tuple[int, int, str]], start: int, end: int
) -> tuple[str, int] | None:
    """:func:`field_at` by the library's bisection (the definition)."""
    at = bisect_right(spans, start, key=_span_start) - 1
    if at >= 0:
        s, e, path = spans[at]
        if s <= start and end <= e:
            return path, s
    return None


def _span_start(span: tuple[int, int, str]) -> int:
    return span[0]


def _component(kind: str, key: str | None) -> str:
    return "[]" if kind == "[" else (key or "")


def _join(parent: str, part: str) -> str:
    if part == "[]":
        return parent + "[]"
    if part:
        return f"{parent}.{part}" if parent else part
    return parent


def _path(paths: list[str], dropped: int, kinds: list[str], key: str | None) -> str:
    parent = paths[-1] if paths else ""
    if not kinds or dropped or len(paths) >= MAX_DEPTH:
        return parent
    return _join(parent, _component(kinds[-1], key))


def _string_end(line: str, i: int) -> int:
    """The index of the quote that closes the string whose content starts at ``i``."""
    while True:
        # line.find itself, not a bound method kept aside: compiled, Cython calls
        # PyUnicode_Find for it, with no method object made a string (about 300 instructions).
        j = line.find('"', i)
        if j < 0:
            return len(line)
        k = j - 1
        while line[k] == "\\":  # stops at the opening quote at the latest
            k -= 1
        if (j - 1 - k) % 2 == 0:  # an even run of backslashes: the quote is not escaped
            return j
        i = j + 1


def _unescape(raw: str) -> str:
    if "\\" not in raw:
        return raw
    import json

    try:
        return json.loads(f'"{raw}"')
    except ValueError:
        return raw
