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

A file is read as one stream of lines, whatever the chunks it comes in: a structure still
open at the end of a chunk is kept in a :class:`StructureState` (the keys of a document's
open objects and arrays, or the header of records) and goes on into the next chunk, so the
reader's batches change no names. A structure spans at most :data:`MAX_BLOCK_LINES` lines
and :data:`MAX_BLOCK_CHARS` characters, its opening line included (the lines past that are
read as they stand), so that one still open where a byte range of the file starts (``--jobs``,
a Dask unit) opened within the :data:`LOOKBACK_BYTES` before it: reading those lines again
tells the range what is open at its start
(:func:`derbes.scanner.engine.pieces.structure_before`, which says when that reading can
differ from the whole file's).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from derbes.scanner.jsonpaths import JsonReading, document_spans
from derbes.scanner.xmlpaths import XmlStack

#: A line that opens a multi-line JSON value: it ends with ``{`` or ``[`` (or ``"key":``).
_OPENS = re.compile(r'(?:[\[{]|"\s*:)\s*$')
#: A JSON string or one of the structural characters.
_JSON_TOKEN = re.compile(r'"(?:[^"\\]|\\.)*"|[\[\]{}:,]')
#: A line of a pretty-printed JSON document but its first: a key or a string (``"``), a brace
#: or a bracket, or a bare scalar alone (``42,`` ``true`` ``null``), after its indentation.
#: Any other line (a log line's stamp, a stack frame) ends the document: one never closed (a
#: message cut at its logger's length limit, a ``{`` that ends a line of prose) would else
#: name the fields of every line after it, up to MAX_BLOCK_LINES of them.
_JSON_LINE = re.compile(
    r'[ \t]*(?:["{}\[\]]|(?:-?[0-9][0-9.eE+-]*|true|false|null)[ \t]*,?[ \t]*\r?$|\r?$)')
#: How many lines one structure (a pretty-printed document, a header and its records) may span
#: before the reading gives up, its opening line included...
MAX_BLOCK_LINES = 2000
#: ...and how many characters (a newline counts as one).
MAX_BLOCK_CHARS = 512 << 10
#: Bytes before a line that hold the opening of any structure still open there: a structure
#: still open spans fewer than MAX_BLOCK_CHARS characters, a character at most 4 bytes of UTF-8
#: (or of any other encoding a log is read in).
LOOKBACK_BYTES = 4 * MAX_BLOCK_CHARS

_DELIMITERS = (";", "\t", "|", ",")
#: A header cell: a name, not a value (letters first; no digits-only, no e-mail, no spaces run).
#: ``?`` (and U+FFFD) inside it: a letter its writer's code page lacks, as Windows writes the
#: Kazakh letter of «күні» in Windows-1251 («к?ні»).
_HEADER_CELL = re.compile(r"[^\W\d][\w .()/#№?\ufffd-]{0,47}", re.UNICODE)

_JSON, _RECORDS = "json", "records"


@dataclass(frozen=True, slots=True)
class LineContext:
    """What a line inherits: JSON key path, or the fields of a delimited record."""

    #: Enclosing JSON keys, outermost first (the line's own key last, when it has one).
    keys: tuple[str, ...] = ()
    #: For a delimited record: ``(start, end, header name)`` of each field.
    fields: tuple[tuple[int, int, str], ...] = field(default_factory=tuple)
    #: For a line of a document: ``(start, end, key path)`` of each value on it, the path it
    #: has in the whole document (``client.phones[]``), as a JSON line's values have theirs
    #: (``derbes.scanner.jsonpaths``); a list, in line order, for ``jsonpaths.field_at``.
    spans: list[tuple[int, int, str]] = field(default_factory=list)


@dataclass(slots=True)
class StructureState:
    """The structure left open by the lines read so far, which the next lines go on with."""

    #: ``"json"``, ``"records"``, or None when nothing is open.
    kind: str | None = None
    #: Lines and characters the structure spans so far, its opening line included.
    lines: int = 0
    chars: int = 0
    #: A document: the key of each open object or array (None for an array element), the key
    #: whose value has not started yet, and whether a brace or bracket opened.
    stack: list[str | None] = field(default_factory=list)
    pending: str | None = None
    opened: bool = False
    #: A document: where the reading of its values' key paths stands (``jsonpaths``).
    reading: JsonReading | None = None
    #: Records: the header's delimiter and column names.
    delimiter: str = ""
    names: list[str] = field(default_factory=list)
    #: The elements an XML document read a line at a time left open, when the last line
    #: read was one of its lines (``derbes.scanner.xmlpaths``); apart from the rest: read by
    #: ``pieces.special_lines``, not cleared with them.
    xml: XmlStack | None = None

    def clear(self) -> None:
        """Nothing open: the next line is read afresh."""
        self.kind = None
        self.lines = self.chars = 0
        self.stack = []
        self.pending = None
        self.opened = False
        self.reading = None
        self.delimiter = ""
        self.names = []


def line_contexts(
    lines: list[str], starts: list[int] | None = None, state: StructureState | None = None
) -> dict[int, LineContext]:
    """Context for the lines (by index) inside a pretty-printed JSON block or a CSV record.

    ``starts``: the only lines where a structure may open (found in bytes by
    ``derbes.scanner.engine.pieces``), sorted; None: any line. ``state``: what the lines
    before these left open (None: nothing), updated to what these leave open, for the next.
    """
    out: dict[int, LineContext] = {}
    if state is None:
        state = StructureState()
    after = 0  # lines before it belong to a structure already read
    if state.kind == _JSON:
        after = _read_block(lines, 0, out, state)
    elif state.kind == _RECORDS:
        after = _read_records(lines, 0, out, state)
    candidates = range(len(lines)) if starts is None else starts
    for i in candidates:
        if i < after:
            continue
        line = lines[i]
        if ("{" in line or "[" in line) and _OPENS.search(line):
            after = _read_block(lines, i, out, state)
        else:
            after = max(after, _read_records(lines, i, out, state))
    return out


def _spent(state: StructureState) -> bool:
    """Whether the structure has spanned all the lines or characters it may: it ends there,
    and no state is kept open that the next line could not go on with."""
    return state.lines >= MAX_BLOCK_LINES or state.chars >= MAX_BLOCK_CHARS


# -- pretty-printed JSON ----------------------------------------------------------------------


def _read_block(lines: list[str], first: int, out: dict[int, LineContext],
                state: StructureState) -> int:
    """Walks one document from ``lines[first]``: the line that opens it, or the next line of
    the one open in ``state``. Returns the index after it; ``len(lines)`` with ``state``
    holding the document when it is still open there."""
    # The stack holds the key of each open object or array (None for an array element).
    stack = state.stack
    pending = state.pending  # a key whose value has not started yet
    opened = state.opened
    reading = state.reading
    if reading is None:
        reading = JsonReading()
    i = first
    while i < len(lines):
        line = lines[i]
        start = 0
        opening = state.lines == 0
        if not opening and _JSON_LINE.match(line) is None:
            state.clear()
            return i  # no line of a document: it ended before it, unclosed
        if opening:
            # Only the JSON part of the opening line: from its first brace or bracket.
            start = min((p for p in (line.find("{"), line.find("[")) if p >= 0), default=0)
        # The values' key paths, read on from the line before (the opening line's own are not
        # named: it is not read as a line of the document).
        spans = document_spans(line, reading, start)
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
        state.lines += 1
        state.chars += len(line) + 1
        if not opening and (enclosing or own is not None):
            keys = enclosing + ((own,) if own is not None else ())
            out[i] = LineContext(keys=keys, spans=spans)
        if opened and not stack:
            state.clear()
            return i + 1
        if not opening and not opened:
            state.clear()
            return i  # "key": then no value: not a document
        i += 1
        if _spent(state):
            state.clear()
            return i
    state.kind = _JSON
    state.stack, state.pending, state.opened = stack, pending, opened
    state.reading = reading
    return i


def _unquote(token: str) -> str:
    return token[1:-1].replace('\\"', '"')


# -- delimited records under a header -----------------------------------------------------------


def _read_records(lines: list[str], first: int, out: dict[int, LineContext],
                  state: StructureState) -> int:
    """If ``lines[first]`` is a header (or the next line of the records open in ``state``),
    names the fields of the records below it; returns the index after the last record
    (``first + 1`` when there is none), ``len(lines)`` with ``state`` holding the header
    when the records may go on past them."""
    if state.kind is None:
        header = _header(lines[first])
        if header is None:
            return first + 1
        state.delimiter, state.names = header
        state.lines, state.chars = 1, len(lines[first]) + 1
        j = first + 1
    else:
        j = first
    delimiter, names = state.delimiter, state.names
    while j < len(lines):
        line = lines[j]
        spans = _split(line, delimiter)
        if len(spans) != len(names):
            state.clear()
            return j
        if j not in out:
            out[j] = LineContext(fields=tuple(
                (s, e, name) for (s, e), name in zip(spans, names, strict=True)))
        state.lines += 1
        state.chars += len(line) + 1
        j += 1
        if _spent(state):
            state.clear()
            return j
    state.kind = _RECORDS
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
