"""The detector the engine calls: derbes' recognizers over batches of lines or values.

Two interchangeable paths give the same entities and spans:

* the reference path, :meth:`Detector.scan_text`, runs every recognizer over one unit of text
  (a log line, a cell) exactly as a Presidio ``AnalyzerEngine`` with the same registry would;
* the fast path (``derbes.scanner.engine.fastpath``) first finds, in one pass over a large chunk,
  the units where some recognizer's prefilter matches, and runs only those recognizers on
  only those units.

Recognizers that are not derbes recognizers (a user's Presidio YAML or NER recognizer) run
through a Presidio ``AnalyzerEngine`` of their own, on every unit; only then is Presidio
imported (seconds: it loads spaCy).
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import Any

from derbes.detectors import DerbesRecognizer, all_recognizers
from derbes.scanner.engine.evidence import CHANCE_RULES
from derbes.scanner.engine.pieces import TRIGGERS, DecodedLine, Piece, special_lines
from derbes.scanner.engine.shapes import line_shapes
from derbes.scanner.engine.structure import StructureState
from derbes.scanner.jsonpaths import field_at
from derbes.scanner.names import entity_for_name

#: One detected span in a unit: (entity, start, end, score).
Match = tuple[str, int, int, float]
#: A candidate of a checksum entity's shape, valid or not, in a line (see ``scan_lines``):
#: (line index, line, entity, start, end, value, field name of its piece or None).
Shape = tuple[int, str, str, int, int, str, "str | None"]


class Detector:
    """Finds personal data in lines and values with a fixed set of recognizers.

    ``fast=False`` runs every recognizer on every unit (the reference path); ``engine`` forces
    the fast path's candidate finder (``hyperscan``, ``re2``, ``re``), for tests and
    benchmarks.
    """

    def __init__(
        self,
        recognizers: Sequence[Any] | None = None,
        *,
        language: str = "en",
        fast: bool = True,
        engine: str | None = None,
    ) -> None:
        recognizers = list(recognizers) if recognizers is not None else all_recognizers(language)
        self.language = language
        self.recognizers = recognizers
        self.derbes = [r for r in recognizers if isinstance(r, DerbesRecognizer)]
        self.others = [r for r in recognizers if not isinstance(r, DerbesRecognizer)]
        self._others_engine: Any = None
        if self.others:
            from presidio_analyzer import AnalyzerEngine, RecognizerRegistry

            from derbes.detectors.presidio import blank_nlp_engine

            self._others_engine = AnalyzerEngine(
                registry=RecognizerRegistry(self.others, supported_languages=[language]),
                nlp_engine=blank_nlp_engine([language]),
                supported_languages=[language],
            )
        self._padded = [
            (r, r.INTEGER_WIDTH) for r in self.derbes if getattr(r, "INTEGER_WIDTH", None)
        ]
        #: Recognizers of values only a key tells apart (a birth date, an address), by entity:
        #: in a column named for their entity, every value is read whole (``read_whole``).
        self._keyed: dict[str, Any] = {}
        for r in self.derbes:
            if getattr(r, "WHOLE_IN_COLUMN", False):
                self._keyed.setdefault(r.ENTITY, r)
        #: A column's name or a cell's -> its keyed recognizer or None (:meth:`_keyed_for`).
        self._keyed_names: dict[str, Any] = {}
        #: Entities whose candidates are counted by shape for evidence per log field.
        self.shaped_entities = frozenset(
            r.ENTITY for r in self.derbes if r.ENTITY in CHANCE_RULES)
        #: Lines (or pieces) on which the shapes of those entities were looked for.
        self.shape_scans = 0
        self._shaped_sets: dict[int, tuple[tuple, frozenset[str]]] = {}
        self._fast = None
        if fast:
            from derbes.scanner.engine.fastpath import compile_scanner

            # The triggers of special lines ride along in the candidate pass over lines.
            self._fast = compile_scanner(self.derbes, engine=engine, line_triggers=TRIGGERS)

    def prepare(self, units: str = "lines") -> None:
        """Compile the fast path's matchers for ``lines`` or ``values`` now, not on first use
        (before forking workers, or before a benchmark's clock starts)."""
        if self._fast is not None:
            self._fast.prepare(units)

    @property
    def entities(self) -> list[str]:
        """Every entity some recognizer can find."""
        return sorted({e for r in self.recognizers for e in r.supported_entities})

    @property
    def engine_name(self) -> str:
        """Which candidate finder the fast path uses (``hyperscan``, ``re``) or ``reference``."""
        return self._fast.engine if self._fast is not None else "reference"

    # -- reference path ---------------------------------------------------------------------

    def scan_text(self, text: str, field_context: Sequence[str] = ()) -> list[Match]:
        """Every match in one unit of text, as Presidio's engine would return it."""
        return self._run(self.derbes, text, field_context)

    def _run(
        self, recognizers: Sequence[DerbesRecognizer], text: str, field_context: Sequence[str]
    ) -> list[Match]:
        out: list[Match] = []
        for r in recognizers:
            entity = r.ENTITY
            out.extend((entity, s, e, score) for s, e, score in r.find(text, field_context))
        if self._others_engine is not None:
            results = self._others_engine.analyze(
                text, self.language, context=list(field_context) or None
            )
            out.extend((x.entity_type, x.start, x.end, x.score) for x in results)
        return _dedupe(out) if len(out) > 1 else out

    @staticmethod
    def _run_candidates(candidates, text: str, field_context: Sequence[str]) -> list[Match]:
        """The fast path's candidates on one unit: each recognizer, only the hinted patterns."""
        out: list[Match] = []
        # One recognizer's spans of its entity need no settling (find() settled them as
        # _dedupe would); only an entity that two recognizers found here does.
        last = seen = None
        shared = False
        for recognizer, patterns, once in candidates:
            if patterns is not None and not patterns:
                continue  # here for its entity's shapes only (fastpath's _checks)
            found = recognizer.find(text, field_context, patterns, once)
            if found:  # most candidates find nothing: no generator made for them
                entity = recognizer.ENTITY
                if last is not None and not shared:
                    if seen is None:
                        seen = {last}
                    shared = entity in seen
                    seen.add(entity)
                last = entity
                out.extend([(entity, s, e, score) for s, e, score in found])
        return _dedupe(out) if shared else out

    # -- batches ----------------------------------------------------------------------------

    def scan_values(
        self, values: Sequence[str], field_context: Sequence[str] = (), *, integer: bool = False
    ) -> Iterator[tuple[int, list[Match]]]:
        """``(index, matches)`` for every value of a column batch that holds something.

        ``integer``: the column stores numbers, which drop leading zeros. An IIN of someone
        born in 2000-2009 (``061211600012``) then reads ``61211600012``: recognizers of
        fixed-width numbers (``INTEGER_WIDTH``) also see such values padded back.
        """
        keyed = None
        if self._keyed and field_context:
            # The whole path: a bare "name" is a person's only under a person's key.
            keyed = self._keyed_for(field_context[-1])
        if (integer and self._padded) or keyed is not None:
            found = dict(self._scan_values(values, field_context))
            if integer:
                for index, matches in self._scan_padded(values, field_context):
                    found[index] = [*found.get(index, ()), *matches]
            if keyed is not None:
                self._add_whole_values(keyed, values, found)
            yield from sorted(found.items())
            return
        yield from self._scan_values(values, field_context)

    @staticmethod
    def _add_whole_values(keyed: Any, values: Sequence[str], found: dict) -> None:
        """Each value of a column named for ``keyed``'s entity, read whole where no other
        recognizer found that entity in it (a name by its words, say)."""
        entity = keyed.ENTITY
        seen: dict[str, tuple | None] = {}  # cells repeat: one verdict each
        for index, value in enumerate(values):
            matches = found.get(index)
            if matches and any(m[0] == entity for m in matches):
                continue
            if value in seen:
                whole = seen[value]
            else:
                whole = seen[value] = keyed.read_whole(value)
            if whole is not None:
                found[index] = [*(matches or ()), (entity, *whole)]

    def _scan_padded(
        self, values: Sequence[str], field_context: Sequence[str]
    ) -> Iterator[tuple[int, list[Match]]]:
        for index, value in enumerate(values):
            if not value.isdigit() or not value.isascii():
                continue
            out: list[Match] = []
            for recognizer, width in self._padded:
                if width - 3 <= len(value) < width:
                    padded = value.zfill(width)
                    out.extend(
                        (recognizer.ENTITY, 0, len(value), score)
                        for s, e, score in recognizer.find(padded, field_context)
                        if s == 0 and e == width
                    )
            if out:
                yield index, out

    def _scan_values(
        self, values: Sequence[str], field_context: Sequence[str]
    ) -> Iterator[tuple[int, list[Match]]]:
        if self._fast is not None and not self.others:
            # Cells repeat (a status, the same IIN in many rows): one verdict per distinct
            # value and candidate set in this batch, whose field context is the same.
            seen: dict[tuple[str, tuple], list[Match]] = {}
            for index, candidates in self._fast.candidate_values(values):
                key = (values[index], candidates)
                found = seen.get(key)
                if found is None:
                    found = seen[key] = self._run_candidates(
                        candidates, values[index], field_context)
                if found:
                    yield index, found
            return
        for index, value in enumerate(values):
            found = self._run(self.derbes, value, field_context)
            if found:
                yield index, found

    def scan_lines(
        self, data: bytes, shapes: list[Shape] | None = None,
        structure: StructureState | None = None,
    ) -> Iterator[tuple[int, str, list[Match]]]:
        """``(line index, line, matches)`` for every line of ``data`` that holds something.

        ``data`` is UTF-8 text of whole lines separated by ``\\n``; undecodable bytes are
        replaced, never dropped. Offsets are in the line as written. A line holding encoded
        text or inside a structure (``derbes.scanner.engine.pieces``) is detected decoded and with
        its field names; it comes as a :class:`~derbes.scanner.engine.pieces.DecodedLine` whose
        values are the decoded ones (:func:`~derbes.scanner.engine.pieces.value_at`).

        ``shapes``: when a list, it also gets every candidate of a checksum entity's shape
        (:data:`Shape`, valid or not) on the lines where that entity's recognizer ran, each
        line's before its matches are yielded: what evidence per log field counts
        (``derbes.scanner.engine.logfields``).

        ``structure``: what the chunks of the file before ``data`` left open, updated to what
        ``data`` leaves open (:func:`~derbes.scanner.engine.pieces.special_lines`).
        """
        marks = triggered = None
        if self._fast is not None and not self.others:
            marks, triggered = self._fast.line_scan(data)
        special = special_lines(data, triggered, structure)
        if not special:
            yield from self._scan_plain_lines(data, shapes, marks=marks)
            return
        pending = sorted(special)
        # One candidate pass over every piece of the chunk's special lines, not one each:
        # a Hyperscan call costs more than a short piece's scan (a cell, a decoded line).
        hints = self._piece_candidates([special[index][1] for index in pending])
        k = 0
        # Special lines are read piece by piece below, not as they stand: skipped here (their
        # shapes come from their pieces). Shapes arrive in line order, each line's before its
        # matches, so that a caller may count them as it goes.
        for index, line, found in self._scan_plain_lines(data, shapes, special, marks):
            while k < len(pending) and pending[k] < index:
                yield from self._scan_special(pending[k], *special[pending[k]], shapes,
                                              hints[k])
                k += 1
            yield index, line, found
        for rest in range(k, len(pending)):
            yield from self._scan_special(pending[rest], *special[pending[rest]], shapes,
                                          hints[rest])

    def _piece_candidates(self, lines: list[list[Piece]]) -> list[list | None]:
        """For each line's pieces, each piece's fast-path candidates (``()``: none), found
        in one pass; None for each line when there is no fast path."""
        if self._fast is None or self.others:
            return [None] * len(lines)
        texts = [piece.text for pieces in lines for piece in pieces]
        found = dict(self._fast.candidate_values(texts))
        out: list[list | None] = []
        at = 0
        for pieces in lines:
            out.append([found.get(i, ()) for i in range(at, at + len(pieces))])
            at += len(pieces)
        return out

    def scan_pieces(
        self, pieces: Sequence[Piece], shapes: list | None = None, index: int = -1,
        line: str = "", names: dict | None = None, hints: Sequence | None = None,
        fields: dict | None = None,
    ) -> tuple[list[Match], dict]:
        """Matches in a line's pieces, at raw offsets, and the decoded value of each span.

        ``shapes``: as for :meth:`scan_lines`, for line ``index`` (``line`` as written).
        ``names``: gets, for each match that is a whole value of its piece (a cell, a JSON
        scalar), the field name the piece inherited (its header column, its key above).
        ``hints``: each piece's fast-path candidates when already found.
        ``fields``: gets, for each match in a field of the piece (``Piece.fields``: a record's
        column, a document's key path), that field's name and where its value starts.
        """
        out: list[Match] = []
        values: dict[tuple[int, int], str] = {}
        if hints is None and self._fast is not None and not self.others:
            hints = self._piece_candidates([list(pieces)])[0]
        for k, piece in enumerate(pieces):
            text = piece.text
            if hints is None:
                found = self._run(self.derbes, text, piece.context)
                entities = self.shaped_entities
            else:
                candidates = hints[k]
                found = (self._run_candidates(candidates, text, piece.context)
                         if candidates else [])
                entities = self._shaped_of(candidates) if candidates else frozenset()
            name = piece.context[-1] if piece.context else None
            spans = piece.fields
            if self._keyed:
                if piece.xml:
                    if spans and piece.decoded is None:
                        found = self._whole_fields(text, piece.offset, spans, found)
                elif name is not None:
                    found = self._whole_cell(text, name, found)
            for entity, start, end, score in found:
                lo, hi = piece.raw_span(start, end)
                out.append((entity, lo, hi, score))
                values[(lo, hi)] = text[start:end]
                if names is not None and name is not None and whole_value(text, start, end):
                    names[(lo, hi)] = name
                if fields is not None and spans:
                    where = field_at(spans, lo, hi)
                    if where is not None:
                        fields[(lo, hi)] = where
            if shapes is not None and entities:
                self.shape_scans += 1
                for entity, start, end in line_shapes(text, entities):
                    lo, hi = piece.raw_span(start, end)
                    shapes.append((index, line, entity, lo, hi, text[start:end],
                                   name if whole_value(text, start, end) else None))
        return out, values

    def _keyed_for(self, name: str) -> Any:
        """The keyed recognizer of the entity a column's or cell's name suggests, or None.
        Each cell of a record (and each batch of a column) names its column: the name rules
        run once per name (about 10 us a name), not once per cell."""
        names = self._keyed_names
        if name in names:
            return names[name]
        if len(names) >= 4096:
            names.clear()
        keyed = names[name] = self._keyed.get(entity_for_name(name))
        return keyed

    def _whole_cell(self, text: str, name: str, found: list[Match]) -> list[Match]:
        """``found`` and, in a cell whose column is named for a keyed entity (a CSV read as
        a log: «Дата рождения»), the cell's value read whole as in a table's column, where
        nothing found that entity in it. Only a plain value: a JSON member's text (quotes,
        braces inside) is its keyed recognizer's own to read."""
        keyed = self._keyed_for(name)
        if keyed is None or any(m[0] == keyed.ENTITY for m in found):
            return found
        lo = len(text) - len(text.lstrip(_CELL_EDGES))
        hi = len(text.rstrip(_CELL_EDGES))
        value = text[lo:hi]
        if hi <= lo or any(c in value for c in '"{}[]') or not whole_value(text, lo, hi):
            return found
        whole = keyed.read_whole(value)
        if whole is None:
            return found
        start, end, score = whole
        return [*found, (keyed.ENTITY, lo + start, lo + end, score)]

    def _whole_fields(self, text: str, offset: int, spans: list, found: list[Match]
                      ) -> list[Match]:
        """``found`` and the values of the piece's fields (``Piece.fields``, raw offsets:
        ``offset`` is the piece's) named for a keyed entity that nothing found in them, read
        whole: an XML property named by an attribute (``<Свойство Имя="ДатаРождения">
        <Значение>1987-10-08T00:00:00</Значение>``) has no key beside its value for the keyed
        recognizers' patterns to read."""
        more: list[Match] = []
        for start, end, path in spans:
            keyed = self._keyed_for(path)
            if keyed is None:
                continue
            lo, hi = start - offset, end - offset
            entity = keyed.ENTITY
            if any(m[0] == entity and m[1] < hi and lo < m[2] for m in found):
                continue
            value = text[lo:hi]
            if any(c in value for c in '"{}[]<>'):
                continue
            whole = keyed.read_whole(value)
            if whole is not None:
                more.append((entity, lo + whole[0], lo + whole[1], whole[2]))
        return [*found, *more] if more else found

    def scan_text_fast(self, text: str, field_context: Sequence[str] = ()) -> list[Match]:
        """:meth:`scan_text` through the fast path's candidates when there is one."""
        if self._fast is None or self.others:
            return self._run(self.derbes, text, field_context)
        for _, candidates in self._fast.candidate_values([text]):
            return self._run_candidates(candidates, text, field_context)
        return []

    def _scan_special(
        self, index: int, line: str, pieces: list[Piece], shapes: list[Shape] | None = None,
        hints: Sequence | None = None,
    ) -> Iterator[tuple[int, str, list[Match]]]:
        names: dict[tuple[int, int], str] = {}
        fields: dict[tuple[int, int], tuple[str, int]] = {}
        found, values = self.scan_pieces(pieces, shapes, index, line, names, hints, fields)
        if found:
            yield index, DecodedLine(line, values, names, fields), found

    def _scan_plain_lines(
        self, data: bytes, shapes: list[Shape] | None = None,
        skip: dict | frozenset = frozenset(), marks: list | None = None,
    ) -> Iterator[tuple[int, str, list[Match]]]:
        """Lines as they stand, but those in ``skip``; ``marks``: the fast path's line scan
        of ``data``, when it ran already."""
        if self._fast is not None and not self.others:
            shaped_sets = self._shaped_sets
            for index, line, candidates in self._fast.candidate_lines(data, marks, skip):
                found = self._run_candidates(candidates, line, ())
                if shapes is not None:
                    # _shaped_of, its lookup written out (a method call a line).
                    entry = shaped_sets.get(id(candidates))
                    entities = (entry[1] if entry is not None and entry[0] is candidates
                                else self._shaped_of(candidates))
                    if entities:
                        self._add_shapes(shapes, index, line, entities)
                if found:
                    yield index, line, found
            return
        for index, raw in enumerate(data.split(b"\n")):
            if index in skip:
                continue
            line = raw.decode("utf-8", "replace")
            found = self._run(self.derbes, line, ())
            if shapes is not None and self.shaped_entities:
                self._add_shapes(shapes, index, line, self.shaped_entities)
            if found:
                yield index, line, found

    def _shaped_of(self, candidates) -> frozenset[str]:
        """The checksum entities among a unit's candidate recognizers (:func:`shaped_of`),
        remembered per candidate set: a few hundred sets recur over millions of lines.

        Keyed by the set's identity (the fast path hands out one tuple per set), not by
        hashing its recognizers and patterns again at every line; each entry holds its tuple,
        so no other object can take that identity while it is kept."""
        entry = self._shaped_sets.get(id(candidates))
        if entry is None or entry[0] is not candidates:
            if len(self._shaped_sets) >= 4096:
                self._shaped_sets.clear()
            entry = self._shaped_sets[id(candidates)] = (
                candidates, shaped_of(candidates, self.shaped_entities))
        return entry[1]

    def _add_shapes(
        self, shapes: list[Shape], index: int, line: str, entities: frozenset[str]
    ) -> None:
        self.shape_scans += 1
        for entity, start, end in line_shapes(line, entities):
            shapes.append((index, line, entity, start, end, line[start:end], None))


def shaped_of(candidates, shaped: frozenset[str]) -> frozenset[str]:
    """The entities of ``shaped`` among the recognizers of ``candidates``."""
    return frozenset(c[0].ENTITY for c in candidates if c[0].ENTITY in shaped)


def whole_value(text: str, start: int, end: int) -> bool:
    """Whether ``text[start:end]`` is a whole value of a structure: a cell between delimiters,
    a JSON scalar (in quotes or bare), not a number inside a phrase (``8704... plain text``)."""
    before = text[:start].rstrip(" ")
    after = text[end:].lstrip(" ")
    return (not before or before[-1] in _OPENERS) and (not after or after[0] in _CLOSERS)


#: What may stand around a cell's value: its delimiters, its quotes, spaces.
_CELL_EDGES = "\"';,|\t\r "
_OPENERS = frozenset("\"'[:,;|\t")
_CLOSERS = frozenset("\"',]};|\t\r")


def _dedupe(matches: list[Match]) -> list[Match]:
    """Presidio's ``remove_duplicates`` across recognizers of one entity: of two spans of the
    same entity, one inside the other (or equal), the one with the lower score goes.

    Two recognizers find a name (``"fio": "..."`` by its key, and by its words); Presidio's
    engine keeps one, and so must the fast path. Only spans that overlap can be inside one
    another, so each run of overlapping spans of an entity is settled on its own: linear in
    the matches of a dense line (thousands of IINs), not quadratic.
    """
    entities = [m[0] for m in matches]
    if len(set(entities)) == len(entities):
        return matches
    keep = [m[3] != 0 for m in matches]
    by_entity: dict[str, list[int]] = {}
    for i, entity in enumerate(entities):
        by_entity.setdefault(entity, []).append(i)
    for indices in by_entity.values():
        if len(indices) == 1:
            continue
        indices.sort(key=lambda i: (matches[i][1], -matches[i][2]))
        run: list[int] = []
        end = -1
        for i in indices:
            if run and matches[i][1] >= end:
                _settle(matches, run, keep)
                run = []
            if not run:
                end = matches[i][2]
            run.append(i)
            end = max(end, matches[i][2])
        _settle(matches, run, keep)
    return [m for m, kept in zip(matches, keep, strict=True) if kept]


def _settle(matches: list[Match], run: list[int], keep: list[bool]) -> None:
    """Within one run of overlapping spans: highest score first, a span inside (or equal to)
    one already kept goes."""
    if len(run) == 1:
        return
    kept: list[Match] = []
    for i in sorted(run, key=lambda i: (-matches[i][3], matches[i][1],
                                        -(matches[i][2] - matches[i][1]))):
        m = matches[i]
        if not keep[i]:
            continue
        if any(k[1] <= m[1] and m[2] <= k[2] for k in kept):
            keep[i] = False
        else:
            kept.append(m)
