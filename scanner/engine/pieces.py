"""The lines of a log chunk that are not read as they stand: decoded, or named from around.

Most log lines are detected as they are. Three kinds are not:

* lines holding encoded text (``%40``, ``\\u0430``, no-break spaces:
  ``derbes.scanner.engine.decoding``) are detected in their decoded form, and each finding
  is mapped back to the raw offsets;
* lines inside a structure that names their values from elsewhere (pretty-printed JSON, a
  delimited record under a header: ``derbes.scanner.engine.structure``) are detected with those
  names as Presidio's ``context``; a record is detected field by field, each with its column;
  what is found there is found in its field (a document's key path, a record's column);
* lines holding XML (a SOAP message, an element of an exchange file) are detected as they
  stand, and what is found there is found in its element's path (``derbes.scanner.xmlpaths``;
  a pretty-printed document's lines each in the elements the lines above left open).

:func:`special_lines` finds these kinds in a chunk and cuts each such line into
:class:`Piece` s. The detector runs its recognizers on each piece's text and maps what they
find back with :meth:`Piece.raw_span`; :class:`DecodedLine` carries the decoded values, which
are what reports mask and hash.
"""

from __future__ import annotations

import functools
import re
import threading
from dataclasses import dataclass
from typing import Any

from derbes.scanner.engine.decoding import Decoded, decode
from derbes.scanner.engine.fastpath import hyperscan
from derbes.scanner.engine.structure import (
    MAX_BLOCK_LINES,
    LineContext,
    StructureState,
    line_contexts,
)
from derbes.scanner.xmlpaths import REACH, XmlStack
from derbes.scanner.xmlpaths import value_spans as xml_spans

# A byte range reads MAX_BLOCK_LINES lines before it (structure_before): an XML element may
# name a line's values from as far back as a range reads, no farther.
if REACH > MAX_BLOCK_LINES:
    raise ImportError("xmlpaths.REACH must not exceed structure.MAX_BLOCK_LINES")

_ENCODED, _OPENS, _XML = 0, 1, 2
#: What makes a line special, as byte patterns Hyperscan and ``re`` read alike: encoded text
#: (``derbes.scanner.engine.decoding``), a line that may open a structure: one ending in ``{``,
#: ``[`` or ``"key":``, or a header (no digit, two delimiters; ``derbes.scanner.engine.structure``),
#: and XML, whose values' fields are their element paths.
TRIGGERS: tuple[tuple[int, bytes], ...] = (
    (_ENCODED, rb"%[0-9A-Fa-f]{2}"),
    (_ENCODED, rb"\\u[0-9A-Fa-f]{4}"),
    (_ENCODED, rb"=[0-9]{1,4}\+[0-9]{1,4}\+[0-9]"),
    (_ENCODED, rb"\xc2\xa0|\xe2\x80[\x80-\x93\xaf]|\xe2\x81[\x9f\xa0]|\xe2\x88\x92|\xe3\x80\x80"
               rb"|\xef\xbb\xbf"),
    (_OPENS, rb'(?:[{\[]|":)[ \t]*\r?$'),
    (_OPENS, rb"^[^0-9 \t\[{<(+*#/\\\n-][^0-9\n]*[;\t|,][^0-9\n]*[;\t|,][^0-9\n]*$"),
    # XML: an element with text before an end tag, an attribute's value in a tag
    # (``derbes.scanner.xmlpaths``). Each starts with "<": few places to try in a line.
    (_XML, rb"<[^\s<>/!?][^<>\n]*>[^<>\n]*</"),
    (_XML, rb"<[^\s<>/!?][^<>\n]*=[ \t]*[\"'][^\"'<>\n]"),
    # A line of tags alone (``<Объект>``, ``</Свойство>``): no value, but a pretty-printed
    # document's lines are read in turn, each in the elements the lines before left open.
    (_XML, rb"^[ \t]*<[^<>\n]+>(?:[ \t]*<[^<>\n]+>)*[ \t]*\r?$"),
)


class _Triggers:
    """Finds the lines of a chunk that hold a trigger: one Hyperscan pass when it is there,
    else one ``re`` pass per trigger."""

    def __init__(self, kinds: tuple[int, ...] = (_ENCODED, _OPENS, _XML)) -> None:
        triggers = [(kind, p) for kind, p in TRIGGERS if kind in kinds]
        self._local = threading.local()
        self._db: Any = None
        if hyperscan is not None:
            self._db = hyperscan.Database(mode=hyperscan.HS_MODE_BLOCK)
            self._db.compile(
                expressions=[p for _, p in triggers],
                ids=[kind for kind, _ in triggers],
                elements=len(triggers),
                flags=[hyperscan.HS_FLAG_MULTILINE] * len(triggers),
            )
        else:
            self._res = [(kind, re.compile(p, re.MULTILINE)) for kind, p in triggers]

    def ends(self, data: bytes) -> tuple[list[int], list[int], list[int]]:
        """End offsets of encoded text, of lines that may open a structure, and of XML."""
        found: tuple[list[int], list[int], list[int]] = ([], [], [])
        if self._db is None:
            for kind, rx in self._res:
                found[kind].extend(m.end() for m in rx.finditer(data))
            return found
        scratch = getattr(self._local, "scratch", None)
        if scratch is None:
            scratch = self._local.scratch = hyperscan.Scratch(self._db)

        def on_match(kind: int, _start: int, end: int, _flags: int, _ctx: object) -> None:
            found[kind].append(end)

        self._db.scan(data, match_event_handler=on_match, scratch=scratch)
        return found


@functools.cache
def _triggers(kinds: tuple[int, ...] = (_ENCODED, _OPENS, _XML)) -> _Triggers:
    """The database of these kinds of trigger, compiled on first use. The openings and XML
    alone serve the lines before a byte range (:func:`structure_before`): encoded text there
    is of no use, and its matches (every ``%XX`` of a URL) each cost a callback."""
    return _Triggers(kinds)


def _lines_at(data: bytes, ends: list[int]) -> list[tuple[int, int, int]]:
    """``(index, start, end)`` of each distinct line holding the byte just before an end."""
    out: list[tuple[int, int, int]] = []
    line = 0
    pos = 0
    for end in sorted(ends):
        at = max(end - 1, 0)
        line += data.count(b"\n", pos, at)
        pos = at
        if not out or out[-1][0] != line:
            lo = data.rfind(b"\n", 0, at) + 1
            hi = data.find(b"\n", at)
            out.append((line, lo, len(data) if hi < 0 else hi))
    return out


@dataclass(slots=True, init=False)
class Piece:
    """A piece of a line to detect in: its text (decoded), field names, the way back."""

    text: str
    context: tuple[str, ...]
    #: Where the piece starts in the raw line.
    offset: int = 0
    decoded: Decoded | None = None
    #: The fields the piece's values stand in, in raw offsets of the line: ``(start, end,
    #: name)`` of a record's cell under its header's column, or of each value of a document's
    #: line under its key path; in line order (``jsonpaths.field_at``). Empty: no field.
    fields: list[tuple[int, int, str]]
    #: A line of XML: its fields are its elements' paths, each value read whole under a
    #: name that says what it holds; its context, the path of its one field if it has one.
    xml: bool

    def __init__(
        self, text: str, context: tuple[str, ...], offset: int = 0,
        decoded: Decoded | None = None, fields: list[tuple[int, int, str]] | None = None,
        xml: bool = False,
    ) -> None:
        # The dataclass' own __init__ is Python made at import (exec), and frozen it sets
        # each field through object.__setattr__: 1.2 us a piece. Written here, compiled with
        # the module, 0.2 us: not frozen, as nothing changes a piece once made.
        self.text = text
        self.context = context
        self.offset = offset
        self.decoded = decoded
        self.fields = fields if fields is not None else []
        self.xml = xml

    def raw_span(self, start: int, end: int) -> tuple[int, int]:
        """The raw line's span of ``text[start:end]``."""
        if self.decoded is not None:
            start, end = self.decoded.raw_span(start, end)
        return start + self.offset, end + self.offset


class DecodedLine(str):
    """A raw line (the ``str``) whose findings' values differ from its text: decoded ones,
    the names that stand for a whole value (a header's column, a JSON key above: the
    evidence of a checksum entity's field), and the field each finding stands in with the
    start of its value there (a record's column, a document's key path: the finding's field,
    as a JSON line's key path is)."""

    __slots__ = ("fields", "names", "values")

    def __new__(
        cls, raw: str, values: dict[tuple[int, int], str],
        names: dict[tuple[int, int], str] | None = None,
        fields: dict[tuple[int, int], tuple[str, int]] | None = None,
    ) -> DecodedLine:
        line = super().__new__(cls, raw)
        line.values = values
        line.names = names or {}
        line.fields = fields or {}
        return line


def value_at(line: str, start: int, end: int) -> str:
    """The value found at ``line[start:end]``: decoded when the line was read decoded."""
    if isinstance(line, DecodedLine):
        found = line.values.get((start, end))
        if found is not None:
            return found
    return line[start:end]


def name_at(line: str, start: int, end: int) -> str | None:
    """The field name a structure gave the value at ``line[start:end]``, if any."""
    if isinstance(line, DecodedLine):
        return line.names.get((start, end))
    return None


def field_of(line: str, start: int, end: int) -> tuple[str, int] | None:
    """The field the finding at ``line[start:end]`` stands in and where that field's value
    starts in the line (a record's cell, a document's value), if a structure gave one."""
    if isinstance(line, DecodedLine) and line.fields:
        return line.fields.get((start, end))
    return None


def trigger_lines(data: bytes) -> tuple[list[tuple[int, int, int]], ...]:
    """For each kind of :data:`TRIGGERS` (encoded text, a structure's opening, XML), the lines of
    ``data`` holding one: ``(index, start, end)``, in order, each once."""
    return tuple(_lines_at(data, ends) for ends in _triggers().ends(data))


def special_lines(
    data: bytes, triggered: tuple[list[tuple[int, int, int]], ...] | None = None,
    structure: StructureState | None = None,
) -> dict[int, tuple[str, list[Piece]]]:
    """``{line index: (raw line, pieces)}`` for the lines of ``data`` not read as they stand.

    ``triggered``: :func:`trigger_lines` of ``data`` when a scan found them already (the
    detector's candidate pass carries the triggers: one pass over a chunk, not two).
    ``structure``: what the chunks before this one left open, updated to what this one leaves
    open (``derbes.scanner.engine.structure``); None: nothing, and nothing kept.
    """
    encoded, opens, xml = trigger_lines(data) if triggered is None else triggered
    carried = structure is not None and structure.kind is not None
    if not encoded and not opens and not xml and not carried:
        if structure is not None:
            structure.xml = None
        return {}
    out: dict[int, tuple[str, list[Piece]]] = {}
    if opens or carried:
        lines = ChunkLines(data, opens)
        starts = [index for index, _, _ in opens]
        contexts = line_contexts(lines, starts, structure)
        for index in sorted(contexts):
            pieces = pieces_of(lines[index], contexts[index])
            if pieces:
                out[index] = (lines[index], pieces)
    coded = {index for index, _, _ in encoded} if xml else ()
    # An XML document's lines, one after the other, are read in turn: each goes on in the
    # elements the one before left open (``xmlpaths.XmlStack``); any other line ends it.
    stack = structure.xml if structure is not None else None
    last = -1  # the line the stack was left by
    for index, lo, hi in xml:
        # An XML message or element on the line: its values' fields are their element
        # paths (a line already read in a structure keeps that structure's).
        if index in out:
            stack = None
            continue
        line = data[lo:hi].decode("utf-8", "replace")
        if line.lstrip().startswith("{"):
            stack = None
            continue  # a JSON line: its fields are its key paths (XML in a string too)
        if stack is None or index != last + 1:
            stack = XmlStack()
        last = index
        spans = xml_spans(line, stack)
        # A line of one field (an element a line) is read in its name's context, as a value
        # under a JSON key is: <Значение>87011234567</Значение> under Объект.Телефон.
        keys = (spans[0][2],) if spans and all(p == spans[0][2] for _, _, p in spans) else ()
        pieces = pieces_of(line, LineContext(keys=keys, spans=spans) if spans else None,
                           encoded=index in coded, xml=True, clean=index not in coded)
        if pieces:
            out[index] = (line, pieces)
    if structure is not None:
        # Open after this chunk only if its last line is the document's.
        structure.xml = stack if stack is not None and last >= 0 and last == (
            data.count(b"\n") - (1 if data.endswith(b"\n") else 0)) else None
    for index, lo, hi in encoded:
        if index not in out:
            line = data[lo:hi].decode("utf-8", "replace")
            pieces = pieces_of(line, None, encoded=True)
            if pieces:
                out[index] = (line, pieces)
    return out


def structure_before(data: bytes) -> StructureState:
    """What is open after ``data``, the lines before a byte range of a file (UTF-8, each
    ending with a newline, as ``RangeReadable.lines_before`` gives them): what the range's
    first lines go on with.

    Read from the last :data:`MAX_BLOCK_LINES` of them, as if nothing were open before them:
    a structure still open after them opened among them (``structure.LOOKBACK_BYTES``). The
    reading is the one of the whole file when their first line is outside any structure, or
    inside one that closes within its limits: a document's inner lines read as openings close
    with it, records read under one of them as a header end with it. Only a structure cut off
    by its limits, or a record that reads as a header of another shape, can leave a
    different structure open by the range's start.
    """
    state = StructureState()
    if not data:
        return state
    if data.endswith(b"\n"):
        data = data[:-1]
    # The last MAX_BLOCK_LINES lines: after the newline that many from the end, if there is
    # one (one rsplit, not a method call a line: 2,000 of them took 4 M instructions).
    head = data.rsplit(b"\n", MAX_BLOCK_LINES)
    if len(head) > MAX_BLOCK_LINES:
        data = data[len(head[0]) + 1:]
    # One pass for both kinds read here: the openings and XML (encoded text is of no use).
    ends = _triggers((_OPENS, _XML)).ends(data)
    opens = _lines_at(data, ends[_OPENS])
    if opens:  # else nothing opens in them, and nothing opened before them is still open
        line_contexts(ChunkLines(data, opens), [index for index, _, _ in opens], state)
    state.xml = xml_before(data, _lines_at(data, ends[_XML]))
    return state


def xml_before(data: bytes, xml: list[tuple[int, int, int]]) -> XmlStack | None:
    """The elements an XML document left open after ``data`` (lines before a byte range,
    no newline at the end; ``xml``: its lines holding XML, as :func:`trigger_lines` gives
    them) when its last line is one of the document's, read from the first of its lines
    there, as :func:`special_lines` reads them; else None."""
    end = data.count(b"\n")
    if not xml or xml[-1][0] != end:
        return None
    first = len(xml) - 1  # the first line of the run of XML lines that ends the data
    while first > 0 and xml[first - 1][0] == xml[first][0] - 1:
        first -= 1
    stack: XmlStack | None = None
    for _, lo, hi in xml[first:]:
        line = data[lo:hi].decode("utf-8", "replace")
        if line.lstrip().startswith("{"):
            stack = None  # a JSON line ends the document (as special_lines reads it)
            continue
        if stack is None:
            stack = XmlStack()
        xml_spans(line, stack)
    return stack


class ChunkLines:
    """The lines of a chunk (``data.decode("utf-8", "replace").split("\\n")``), each decoded
    when it is first read.

    Structures are read from the few lines where one may open (``starts``: ``(index, start,
    end)`` of each, as :func:`trigger_lines` gives them) and the lines right after them;
    decoding and splitting a whole chunk of thousands of lines for them cost more than the
    rest of the reading (7 ms a 4 MiB chunk of the dense benchmark corpus). A line is read
    from the nearest line before it whose start is known. UTF-8 read line by line is read
    as in one piece: a newline is never part of a character, valid or not.
    """

    def __init__(self, data: bytes, starts: list[tuple[int, int, int]]) -> None:
        self.data = data
        self.count = data.count(b"\n") + 1
        self.lines: dict[int, str] = {}
        #: Line index -> where the line starts in ``data``, for the lines known so far.
        self.known: dict[int, int] = {0: 0}
        for index, start, _ in starts:
            self.known[index] = start

    def __len__(self) -> int:
        return self.count

    def __getitem__(self, index: int) -> str:
        line = self.lines.get(index)
        if line is not None:
            return line
        if not 0 <= index < self.count:
            raise IndexError(index)
        data = self.data
        start = self.known.get(index)
        if start is None:
            at = max(k for k in self.known if k < index)
            start = self.known[at]
            while at < index:
                start = data.index(b"\n", start) + 1
                at += 1
        end = data.find(b"\n", start)
        if end < 0:
            end = len(data)
        else:
            self.known[index + 1] = end + 1
        line = self.lines[index] = data[start:end].decode("utf-8", "replace")
        return line


def pieces_of(
    line: str, context: LineContext | None, encoded: bool = False, xml: bool = False,
    clean: bool = False,
) -> list[Piece]:
    """The pieces of one line; an empty list when the line is read as it stands.
    ``encoded``: the line holds encoded text (a trigger found it); ``clean``: it holds none
    (the encoded text's triggers, which are what ``decoding.may_need_decoding`` looks for,
    found none in it); ``xml``: a line of XML."""
    if context is not None and context.fields:
        pieces = []
        for start, end, name in context.fields:
            # A cell keeps the delimiters around it: a bare number in it reads as a field of a
            # record (the phone recognizer's ``field`` pattern), as on a line without header.
            lo = start - 1 if start > 0 else start
            hi = end + 1 if end < len(line) else end
            cell = line[lo:hi]
            decoded = decode(cell)
            text = decoded.text if decoded is not None else cell
            # The field's value: the cell, inside its quotes if it is quoted.
            inside = start + 1 if end - start >= 2 and line[start] == '"' else start
            pieces.append(Piece(text, (name,), lo, decoded, [(inside, end, name)]))
        return pieces
    keys = context.keys if context is not None else ()
    decoded = None if clean else decode(line, encoded)
    if decoded is None and not keys and (context is None or not context.spans):
        return []
    return [Piece(decoded.text if decoded is not None else line, keys, 0, decoded,
                  context.spans if context is not None else None, xml)]


