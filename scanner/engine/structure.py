"""Field names that a log line inherits from the lines around it.

A value's own line does not always name it:

* pretty-printed JSON spans lines; in ``"phones": [`` the key stands on a line above its
  values, and in ``"contacts": [ {`` ... ``"value": "87011234567"`` the telling key is two
  levels up;
* a CSV or ``;``-separated export written into a log has its header on one line and its
  records below (``date;fio;phone`` then ``2026-03-01;Нурланова А.;87011234567``).

:func:`line_contexts` reads a chunk's lines once and returns, for the lines inside such a
structure, the field names that stand for their values: the keys enclosing a JSON line
(outermost first, with the line's own key last), or, for a delimited record, each field's
span and its header name. Detection then runs on those lines with the names as Presidio's
``context``, as it does for a table column. Lines outside any structure get nothing.

The reading is per chunk: a structure cut by a chunk boundary loses its names past the cut
(the log reader's batches hold thousands of lines, so that is rare).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

#: A line that opens a multi-line JSON value: it ends with ``{`` or ``[`` (or ``"key":``).
_OPENS = re.compile(r'(?:[\[{]|"\s*:)\s*$')
#: A JSON string or one of the structural characters.
_JSON_TOKEN = re.compile(r'"(?:[^"\\]|\\.)*"|[\[\]{}:,]')
#: How many lines one pretty-printed document may span before the reading gives up.
MAX_BLOCK_LINES = 2000

_DELIMITERS = (";", "\t", "|", ",")
#: A header cell: a name, not a value (letters first; no digits-only, no e-mail, no spaces run).
_HEADER_CELL = re.compile(r"[^\W\d][\w .()/#№-]{0,47}", re.UNICODE)


@dataclass(frozen=True, slots=True)
class LineContext:
    """What a line inherits: JSON key path, or the fields of a delimited record."""

    #: Enclosing JSON keys, outermost first (the line's own key last, when it has one).
    keys: tuple[str, ...] = ()
    #: For a delimited record: ``(start, end, header name)`` of each field.
    fields: tuple[tuple[int, int, str], ...] = field(default_factory=tuple)


def line_contexts(lines: list[str], starts: list[int] | None = None) -> dict[int, LineContext]:
    """Context for the lines (by index) inside a pretty-printed JSON block or a CSV record.

    ``starts``: the only lines where a structure may open (found in bytes by
    ``derbes.scanner.engine.pieces``), sorted; None: any line.
    """
    out: dict[int, LineContext] = {}
    candidates = range(len(lines)) if starts is None else starts
    after = 0  # lines before it belong to a structure already read
    for i in candidates:
        if i < after:
            continue
        line = lines[i]
        if ("{" in line or "[" in line) and _OPENS.search(line):
            after = _read_block(lines, i, out)
        elif i + 1 < len(lines):
            after = max(after, _read_records(lines, i, out))
    return out


# -- pretty-printed JSON ----------------------------------------------------------------------


def _read_block(lines: list[str], first: int, out: dict[int, LineContext]) -> int:
    """Walks one document from the line that opens it; returns the index after it."""
    # The stack holds the key of each open object or array (None for an array element).
    stack: list[str | None] = []
    pending: str | None = None  # a key whose value has not started yet
    opened = False
    last = min(len(lines), first + MAX_BLOCK_LINES)
    i = first
    while i < last:
        line = lines[i]
        start = 0
        if i == first:
            # Only the JSON part of the opening line: from its first brace or bracket.
            start = min((p for p in (line.find("{"), line.find("[")) if p >= 0), default=0)
        own: str | None = None
        # A key whose value starts on this line ("phone":\n "8701...") encloses it too.
        enclosing = tuple(k for k in (*stack, pending) if k)
        previous: str | None = None
        for m in _JSON_TOKEN.finditer(line, start):
            tok = m.group()
            if tok in "{[":
                stack.append(pending)
                pending = None
                opened = True
            elif tok in "}]":
                if stack:
                    stack.pop()
                pending = None
            elif tok == ":":
                if previous is not None and previous.startswith('"'):
                    pending = _unquote(previous)
                    if own is None:
                        own = pending
            elif tok == "," or previous == ":":
                pending = None  # the pending key got its value
            previous = tok
        if i > first and (enclosing or own is not None):
            keys = enclosing + ((own,) if own is not None else ())
            out[i] = LineContext(keys=keys)
        if opened and not stack:
            return i + 1
        if i > first and not opened:
            return i  # "key": then no value: not a document
        i += 1
    return i


def _unquote(token: str) -> str:
    return token[1:-1].replace('\\"', '"')


# -- delimited records under a header -----------------------------------------------------------


def _read_records(lines: list[str], first: int, out: dict[int, LineContext]) -> int:
    """If ``lines[first]`` is a header, names the fields of the records below it; returns
    the index after the last record (``first + 1`` when there is none)."""
    header = _header(lines[first])
    if header is None:
        return first + 1
    delimiter, names = header
    j = first + 1
    while j < len(lines):
        spans = _split(lines[j], delimiter)
        if len(spans) != len(names):
            break
        if j not in out:
            out[j] = LineContext(fields=tuple(
                (s, e, name) for (s, e), name in zip(spans, names, strict=True)))
        j += 1
    return j


def _header(line: str) -> tuple[str, list[str]] | None:
    """The delimiter and the column names, if ``line`` is a header of three columns or more."""
    text = line.rstrip("\r")
    if not text or text[0] in "{[" or len(text) > 2000:
        return None
    for delimiter in _DELIMITERS:
        if text.count(delimiter) < 2:
            continue
        names = [text[s:e].strip().strip('"').strip() for s, e in _split(text, delimiter)]
        if all(_HEADER_CELL.fullmatch(name) for name in names):
            return delimiter, names
        return None  # the most frequent-looking delimiter decides; no second guess
    return None


def _split(line: str, delimiter: str) -> list[tuple[int, int]]:
    """Field spans of a delimited line; a field in double quotes may hold the delimiter."""
    spans = []
    start = 0
    quoted = False
    for k, ch in enumerate(line):
        if ch == '"':
            quoted = not quoted
        elif ch == delimiter and not quoted:
            spans.append((start, k))
            start = k + 1
    end = len(line.rstrip("\r"))
    spans.append((start, max(start, end)))
    return spans
