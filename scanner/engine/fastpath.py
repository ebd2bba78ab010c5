"""The compiled fast path: one pass over a chunk finds the units worth scanning.

Every derbes recognizer declares ``PREFILTERS``: byte regexes without lookarounds that match
wherever its patterns could. They are compiled together into one Hyperscan database and run
over a whole chunk of lines (or a column batch joined by ``\\n``) in one call. Each match
reports its end offset; the byte before it lies in the unit (line or value) the match belongs
to, so the unit and the recognizer are recorded. Only those units are decoded, and only those
recognizers' Python patterns run on them (:class:`derbes.scanner.engine.detect.Detector`).

Why the end offset is enough: Hyperscan reports *every* end offset at which a pattern matches,
and ``^``/``$`` are multi-line, so a prefilter that matches a line on its own matches at the
same place inside the chunk. A match may also straddle a newline (``[^0-9]`` matches ``\\n``);
that only adds a candidate, never loses one.

Linear time on hostile input: a line where prefilters match at every byte (a megabyte of
digits or ``@``) would cost one Python callback per byte. After :data:`FLOOD` matches on one
line the scan stops, that line alone is rescanned with a database that reports each prefilter
at most once, and the chunk scan resumes at the next line, in windows of a few lines at first
(Hyperscan reads all it is given before it reports: see ``_HyperscanMatcher._marks``).

Context gates: on a log line there is no field name to give context, so a pattern that needs
context reports nothing on a line without one of its recognizer's positive context words
before the match. A generated expression per recognizer (:func:`context_gate`) matches such
words; for the prefilters that stand only for such patterns (``PATTERN_PREFILTERS``; without
it, only when every pattern needs context), Hyperscan scans lines with "gate, anything but a
newline, prefilter" in place of the prefilter, so a request id without a device word costs no
callback. Values are never gated (the column name can be the context): they have a database
of their own, compiled on first use like the one for lines.

Matched once: Hyperscan also marks an id that matches a second time on a unit. Where a
prefilter a recognizer declares distinct (``PREFILTER_DISTINCT``: two matches of the pattern
end two matches of the prefilter) matched only once, the patterns it alone stands for match
at most once there, and run one search that stops at that match instead of reading the rest
of the line. The fallbacks, flooded lines and column values do not count: never "once".

Line triggers: expressions that mark lines of another kind (``derbes.scanner.engine.pieces``:
encoded text, the opening of a structure) can ride along in the same database for lines
(``line_triggers``). Their matches set no bit; each reports the line it ends in, by kind, so
that the chunk is not scanned a second time for them. They count toward a flood like any match
(a line of ``%41%41...`` would otherwise cost a callback every three bytes), and a flooded line
is rescanned with them too.

Twins: the IIN's and the BIN's prefilters differ only in the middle of their twelve digits,
and Hyperscan scans for the two as one expression (:data:`_TWIN`) in a fifth less time
than for both side by side; each match of it is told back to its own prefilter by its
fifth digit, so the marks are the same.

Without Hyperscan (or for a prefilter it cannot compile), each prefilter runs with ``re2`` if
installed, else Python's ``re``, searching from line to line; gates are expressions of their
own there, which keep a gated prefilter on a line with its word anywhere: a few more
candidates, the same findings, slower.
"""

from __future__ import annotations

import operator
import re
import threading
from bisect import bisect_right
from collections.abc import Iterator, Sequence
from itertools import accumulate
from typing import Any, NamedTuple

from derbes.detectors import DerbesRecognizer
from derbes.detectors.kz_bin import KzBinRecognizer
from derbes.detectors.kz_iin import KzIinRecognizer
from derbes.scanner.engine.marks import TRIGGER_ID, Mark, _MarkSink, _on_match

try:  # Hyperscan ships for x86-64 Linux only; elsewhere the fallback takes over.
    import hyperscan
except ImportError:  # pragma: no cover - depends on the platform
    hyperscan = None

try:  # RE2 is optional: linear-time like Hyperscan, faster than ``re`` on long alternations.
    import re2
except ImportError:
    re2 = None

#: Matches on one line after which its remaining matches are counted once per prefilter.
FLOOD = 64
#: Bytes scanned at first after a flood, up to the end of a unit (see ``_marks``).
FLOOD_WINDOW = 4096

#: Two prefilters Hyperscan scans for as one expression, and that expression: the IIN's and
#: the BIN's, ``L X A T`` and ``L X B T``, as ``L X (?:A|B) T``, which matches at exactly the
#: end offsets where either does (1,011 -> 803 M instructions for the Hyperscan pass over the
#: sparse corpus, callgrind). ``marks._first_twin`` tells a match back to its own prefilter.
_TWIN = (
    KzIinRecognizer.PREFILTERS[0],
    KzBinRecognizer.PREFILTERS[0],
    rb"(?:^|[^0-9A-Za-z-])[0-9]{2}[01][0-9](?:[0-3][0-9][1-6][0-9]{5}|[4-6][0-3][0-9]{6})"
    rb"(?:[^0-9A-Za-z]|$)",
)


class Candidate(NamedTuple):
    """A recognizer to run on a unit, which of its patterns (None: all of them), and which of
    those can match at most once there (``PREFILTER_DISTINCT``)."""

    recognizer: DerbesRecognizer
    patterns: frozenset[str] | None
    once: frozenset[str] = frozenset()


Candidates = tuple[Candidate, ...]


def bit(n: int) -> int:
    """``1 << n`` as a Python integer, for the masks here, which grow past 64 bits.

    Compiled by Cython, ``1 << n`` with ``n`` a C integer (a loop index, a ``len()``) is a C
    shift of a C ``int``: it wraps at 32 bits, and with 38 prefilters the masks came out
    wrong (the fast path lost hits the reference path found). ``operator.lshift`` on Python
    objects stays exact, compiled or not.
    """
    return operator.lshift(1, n)


class CandidateScanner:
    """Finds, for each unit of a batch, the recognizers whose prefilter matches it.

    ``engine`` names the matcher: ``hyperscan``, ``re2`` or ``re``; ``hyperscan+re2`` or
    ``hyperscan+re`` when some prefilters had to fall back.
    """

    def __init__(
        self, recognizers: Sequence[DerbesRecognizer], *, engine: str | None = None,
        line_triggers: Sequence[tuple[int, bytes]] = (),
    ) -> None:
        if engine not in (None, "hyperscan", "re2", "re"):
            raise ValueError(f"unknown candidate engine {engine!r}")
        self.recognizers = list(recognizers)
        # Every prefilter has its own expression id (a bit of the masks), so that a line
        # runs only the patterns whose prefilters matched it (PATTERN_PREFILTERS).
        # Recognizers without prefilters get a bit too, set on every unit (``_always``).
        self._always = 0
        self._owner: list[tuple[int, str | None]] = []  # id -> (recognizer index, pattern)
        # Recognizer index -> pattern -> the ids of its prefilters, for the patterns whose
        # prefilters are all declared distinct (PREFILTER_DISTINCT; see _once()).
        self._distinct: dict[int, dict[str, tuple[int, ...]]] = {}
        prefilters: list[tuple[int, bytes]] = []
        for rid, recognizer in enumerate(self.recognizers):
            covers = _covers(recognizer)
            first = len(self._owner)
            legacy = recognizer.LEGACY_PREFILTERS
            for k, p in enumerate(recognizer.PREFILTERS or (None,)):
                pid = len(self._owner)
                self._owner.append((rid, covers[k] if covers else None))
                if p is None:
                    self._always |= bit(pid)
                elif k not in legacy:  # the text read here is UTF-8: a legacy one never fires
                    prefilters.append((pid, _as_bytes(p)))
            distinct = getattr(recognizer, "PREFILTER_DISTINCT", None)
            if distinct and recognizer.PREFILTERS:
                for pattern in recognizer.patterns:
                    ks = [k for k in range(len(recognizer.PREFILTERS))
                          if covers is None or pattern.name in covers[k]]
                    if ks and all(k in distinct for k in ks):
                        self._distinct.setdefault(rid, {})[pattern.name] = tuple(
                            first + k for k in ks)
        self._keep = bit(len(self._owner)) - 1
        self._prefilters = prefilters
        # Lines carry no field context, so a recognizer that only reports matches a context
        # word supports needs such a word before the match on its line (see context_gate()).
        # With Hyperscan, each such prefilter becomes "gate, then anything, then the
        # prefilter" for lines, so that an id without its word costs no callback at all. The
        # fallback engines run gates as expressions of their own, with their own ids, and
        # drop the gated bits from lines where the gate did not match (_apply_gates).
        self._line_gates: dict[int, bytes] = {}  # gated prefilter id -> its gate
        self._gates: list[tuple[int, int]] = []  # (gated prefilter bits, gate bit)
        self._gate_exprs: list[tuple[int, bytes]] = []
        next_id = len(self._owner)
        for rid, recognizer in enumerate(self.recognizers):
            gate = context_gate(recognizer) if recognizer.PREFILTERS else None
            gated = self._context_only_bits(rid, recognizer) if gate is not None else 0
            if not gated:
                continue
            for pid in range(len(self._owner)):
                if gated >> pid & 1:
                    self._line_gates[pid] = gate
            if gate:
                self._gate_exprs.append((next_id, gate))
            self._gates.append((gated, bit(next_id)))
            next_id += 1
        self._bypass = 0
        if self._gates:
            self._gate_exprs.append((next_id, _fold_bypass()))
            self._bypass = bit(next_id)
        # Hyperscan also sets, for an id that matches a second time on a unit, the bit
        # ``shift`` places higher ("again"). An id without it matched once; with a distinct
        # prefilter (PREFILTER_DISTINCT) its patterns then match at most once, and the
        # recognizer stops at the first match instead of reading the rest of the line.
        # Marks of the fallbacks, floods and values get every again bit: counts unknown.
        self._shift = next_id + 1
        if engine is None:
            engine = "hyperscan" if hyperscan is not None else "re2" if re2 is not None else "re"
        if engine == "hyperscan" and hyperscan is None:
            raise ValueError("hyperscan is not installed")
        if engine == "re2" and re2 is None:
            raise ValueError("re2 is not installed")
        self._engine = engine
        # One set of matchers for lines (gated), one for column values (never gated: the
        # column name can be the context); each is compiled on first use.
        self._compile_lock = threading.Lock()
        self._for_lines: _Matchers | None = None
        self._for_values: _Matchers | None = None
        self._sets: dict[int, Candidates] = {}
        #: The prefilters whose matches the line scan checks (:meth:`_checks`).
        self._shape_pids: list[int] = []
        #: (kind, byte pattern) of each line trigger; see :meth:`line_scan`.
        self._line_triggers = tuple(line_triggers)

    @property
    def engine(self) -> str:
        """``hyperscan``, ``re2`` or ``re``; ``hyperscan+re`` when some prefilters fell back."""
        matchers = self._for_lines or self._for_values or self._line_matchers()
        names = []
        if matchers.hs is not None:
            names.append("hyperscan")
        if matchers.fallback is not None:
            names.append(matchers.fallback.engine)
        return "+".join(names) or self._engine

    def prepare(self, units: str) -> None:
        """Compile the matchers for ``lines`` or ``values`` now."""
        if units not in ("lines", "values"):
            raise ValueError(f"units must be 'lines' or 'values', not {units!r}")
        self._line_matchers() if units == "lines" else self._value_matchers()

    def _line_matchers(self) -> _Matchers:
        if self._for_lines is None:
            with self._compile_lock:
                if self._for_lines is None:
                    self._for_lines = self._compile(lines=True)
        return self._for_lines

    def _value_matchers(self) -> _Matchers:
        if self._for_values is None:
            with self._compile_lock:
                if self._for_values is None:
                    self._for_values = self._compile(lines=False)
        return self._for_values

    def _compile(self, *, lines: bool) -> _Matchers:
        prefilters = self._prefilters
        gates = self._line_gates if lines else {}
        hs = None
        fallback = prefilters
        if self._engine == "hyperscan" and prefilters:
            expressions = []
            for pid, p in prefilters:
                gate = gates.get(pid)
                if gate is None:
                    expressions.append((pid, p))
                elif gate:  # b"": no positive word, no line can qualify
                    expressions.append((pid, _after_gate(gate, p)))
            if gates:
                # A line with a character that folds into several (``ß``) is rescanned
                # without gates (_unbypass): rare, and an alternation of them all after
                # every gate would slow the whole scan down.
                expressions.append(self._gate_exprs[-1])
            triggers = self._line_triggers if lines else ()
            hs, rejected = _compile_hyperscan(expressions, self._shift, triggers)
            if lines and hs is not None:
                self._checks(hs, expressions)
            rejected_ids = {pid for pid, _ in rejected}
            fallback = [(pid, p) for pid, p in prefilters if pid in rejected_ids]
        gated = lines and any(pid in gates for pid, _ in fallback)
        if gated:
            fallback = fallback + self._gate_exprs
        matcher = (
            _RegexMatcher(fallback, use_re2=self._engine != "re") if fallback else None
        )
        return _Matchers(hs, matcher, gated)

    def _checks(self, hs: _HyperscanMatcher, expressions: list[tuple[int, bytes]]) -> None:
        """Have ``hs`` check, as each match of the IIN's or the BIN's prefilter is reported,
        the twelve digits it holds as the recognizer's ``validate_result`` would
        (``kz_iin.twelve_digits_pass``, in C when compiled). A line where none passes gets,
        in place of the prefilter's bit, a shape bit of its own (``_MarkSink._settled``),
        for which the recognizer runs no pattern there (:meth:`_recognizers_for`) while its
        entity's shapes are still counted. Most IIN-shaped numbers of a log are no IIN
        (order numbers, references: one in eleven has a right check digit), and each cost
        the recognizer a pattern run to reject.

        Only for those two prefilters as they stand (not gated: the twelve digits end where
        the match does, or one byte before) and the recognizers of exactly those classes,
        whose pattern is the twelve digits and whose check decides alone."""
        shape_bits: list = [0] * len(hs._bits)
        for pid, p in expressions:
            if pid >= len(self._owner) or pid >= len(hs._bits) or not hs._bits[pid]:
                continue  # a gate's expression, or one Hyperscan refused
            recognizer = self.recognizers[self._owner[pid][0]]
            kind = type(recognizer)
            if kind not in (KzIinRecognizer, KzBinRecognizer) or p != kind.PREFILTERS[0]:
                continue
            if kind is KzIinRecognizer:
                hs.check_iin = pid
            else:
                hs.check_bin = pid
            shape_bits[pid] = bit(2 * self._shift + pid)
            self._shape_pids.append(pid)
        if self._shape_pids:
            hs.shape_bits = shape_bits

    def _context_only_bits(self, rid: int, recognizer: DerbesRecognizer) -> int:
        """The bits of the prefilters that stand only for patterns needing context."""
        required = set(recognizer.CONTEXT_REQUIRED)
        every = {p.name for p in recognizer.patterns} <= required
        bits = 0
        for pid, (owner, covered) in enumerate(self._owner):
            if owner == rid and (every if covered is None else covered <= required):
                bits |= bit(pid)
        return bits

    # -- public -----------------------------------------------------------------------------

    def candidate_lines(
        self, data: bytes, marks: list[Mark] | None = None,
        skip: dict | frozenset = frozenset(),
    ) -> Iterator[tuple[int, str, Candidates]]:
        """``(line index, decoded line, candidates to run)`` for candidate lines.

        ``data`` is whole lines separated by ``\\n``; line indexes count as
        ``data.split(b"\\n")`` does, and lines decode as UTF-8 with replacement.
        ``marks``: what :meth:`line_scan` found in ``data``, when it ran already.
        ``skip``: indexes of lines the caller reads otherwise (neither decoded nor given).
        """
        if marks is None:
            marks = self.line_scan(data)[0]
        recognizers_for = self._recognizers_for
        if self._always:
            # Every line is a candidate for some recognizer: walk them all.
            always = self._always
            by_index = {index: mask for index, _, _, mask in marks}
            for index, raw in enumerate(data.split(b"\n")):
                if index in skip:
                    continue
                mask = by_index.get(index, 0) | always
                yield index, raw.decode("utf-8", "replace"), recognizers_for(mask)
            return
        sets = self._sets  # _recognizers_for's memo, read here (a method call a line)
        for index, lo, hi, mask in marks:
            if index in skip:
                continue
            found = sets.get(mask)
            yield index, data[lo:hi].decode("utf-8", "replace"), (
                found if found is not None else recognizers_for(mask))

    def candidate_values(self, values: Sequence[str]) -> Iterator[tuple[int, Candidates]]:
        """``(value index, candidates to run)`` for candidate values of a column batch."""
        if not values:
            return
        encoded = [v.encode("utf-8", "surrogatepass") for v in values]
        data = b"\n".join(encoded)
        # starts[i] is where value i begins; its separator belongs to it.
        starts = [0, *accumulate(len(e) + 1 for e in encoded)]
        starts.pop()
        marks = self._unit_marks(data, starts)
        recognizers_for = self._recognizers_for
        # Matches in values are not counted: every prefilter counts as repeated.
        repeated = (bit(self._shift) - 1) << self._shift
        if self._always:
            always = self._always | repeated
            by_index = dict(marks)
            for index in range(len(values)):
                yield index, recognizers_for(by_index.get(index, 0) | always)
            return
        for index, mask in marks:
            yield index, recognizers_for(mask | repeated)

    # -- internals --------------------------------------------------------------------------

    def _recognizers_for(self, mask: int) -> Candidates:
        found = self._sets.get(mask)
        if found is None:
            patterns: dict[int, set[str] | None] = {}
            for pid, (rid, covered) in enumerate(self._owner):
                if not mask >> pid & 1:
                    continue
                if covered is None:
                    patterns[rid] = None
                elif rid not in patterns:
                    patterns[rid] = set(covered)
                elif patterns[rid] is not None:
                    patterns[rid] |= covered
            # A checked prefilter none of whose matches passed (_checks): its recognizer
            # with no pattern to run, for its entity's shapes.
            for pid in self._shape_pids:
                if mask >> (2 * self._shift + pid) & 1:
                    patterns.setdefault(self._owner[pid][0], set())
            found = tuple(
                Candidate(
                    self.recognizers[rid],
                    None if names is None else frozenset(names),
                    self._once(rid, mask),
                )
                for rid, names in sorted(patterns.items())
            )
            self._sets[mask] = found
        return found

    def _once(self, rid: int, mask: int) -> frozenset[str]:
        """The patterns of recognizer ``rid`` that match at most once on a unit with ``mask``:
        those whose prefilters are all distinct and of which exactly one matched, once."""
        once = []
        shift = self._shift
        for name, pids in self._distinct.get(rid, {}).items():
            matched = [pid for pid in pids if mask >> pid & 1]
            if len(matched) == 1 and not mask >> (matched[0] + shift) & 1:
                once.append(name)
        return frozenset(once)

    def line_scan(self, data: bytes) -> tuple[list[Mark], tuple[list, ...] | None]:
        """The marks of ``data``'s candidate lines in order, each once, with the union of
        its recognizers (for :meth:`candidate_lines`); and for each kind of line trigger,
        the lines holding one, ``(index, start, end)`` in order, each once: None in place
        of those when the triggers were not part of the scan (none given, no Hyperscan, or
        Hyperscan refused one)."""
        matchers = self._line_matchers()
        triggered = None
        if matchers.hs is not None and matchers.hs.trigger_kinds:
            triggered = tuple([] for _ in range(max(matchers.hs.trigger_kinds) + 1))
        if not data:
            return [], triggered
        marks: list[Mark] = []
        if matchers.hs is not None:
            marks, union = matchers.hs.line_marks(data, triggered)
            if union & self._bypass:
                marks = self._unbypass(data, marks)
        if matchers.fallback is not None:
            extra = matchers.fallback.line_marks(data)
            if matchers.gated:
                extra = self._apply_gates(extra)
            shift = self._shift
            extra = [(i, lo, hi, m | m << shift) for i, lo, hi, m in extra]
            marks = _merge_marks(marks, extra) if marks else extra
        return marks, triggered

    def _unbypass(self, data: bytes, marks: list[Mark]) -> list[Mark]:
        """Hyperscan's line marks without the bypass bit; a line that had it gets every
        prefilter that matches it ungated."""
        bypass = self._bypass
        keep = self._keep
        out = []
        for index, lo, hi, mask in marks:
            if mask & bypass:
                mask = (mask | self._ungated_mask(data[lo:hi])) & keep
                if not mask:
                    continue
                mask |= mask << self._shift
            out.append((index, lo, hi, mask))
        return out

    def _ungated_mask(self, unit: bytes) -> int:
        matchers = self._value_matchers()
        mask = matchers.hs.single_mask(memoryview(unit)) if matchers.hs is not None else 0
        if matchers.fallback is not None:
            for _, _, _, bits in matchers.fallback.line_marks(unit):
                mask |= bits
        return mask

    def _apply_gates(self, marks: list[Mark]) -> list[Mark]:
        """Drop context-gated recognizers from lines without their context words."""
        gates = self._gates
        bypass = self._bypass
        keep = self._keep
        out = []
        for index, lo, hi, mask in marks:
            if not mask & bypass:
                for bits, gate in gates:
                    if mask & bits and not mask & gate:
                        mask &= ~bits
            mask &= keep
            if mask:
                out.append((index, lo, hi, mask))
        return out

    def _unit_marks(self, data: bytes, starts: list[int]) -> list[tuple[int, int]]:
        """``(value index, mask)`` in order for candidate values.

        Values are not gated by context: the field name can supply it.
        """
        matchers = self._value_matchers()
        marks = matchers.hs.unit_marks(data, starts) if matchers.hs is not None else []
        if matchers.fallback is not None:
            extra = matchers.fallback.unit_marks(data, starts)
            if marks:
                merged: dict[int, int] = dict(marks)
                for index, mask in extra:
                    merged[index] = merged.get(index, 0) | mask
                marks = sorted(merged.items())
            else:
                marks = extra
        return marks


class _Matchers(NamedTuple):
    """The compiled matchers for one kind of unit (lines or values)."""

    hs: _HyperscanMatcher | None
    fallback: _RegexMatcher | None
    #: The fallback runs gate expressions whose bits must be applied (_apply_gates).
    gated: bool


#: A prefilter's leading boundary, ``(?:^|[^...])``: an embedded ``^`` Hyperscan refuses.
_LEADING_BOUNDARY = re.compile(rb"\A\(\?:\^\|\[\^(?:\\.|[^\]\\])*\]\)")


def _after_gate(gate: bytes, prefilter: bytes) -> bytes:
    """A prefilter that matches only after its gate on its line.

    A context word lies before the match it supports (the recognizer looks back from the
    match), so the prefilter is looked for after ``gate [^\\n]*``. Its leading boundary
    (``(?:^|[^0-9A-Za-z+])``: no letter or digit before the number) stays, but may also be
    the word's own last byte: the number may be glued to the word (``тел7011234567``, whose
    ``л`` ends in a byte outside ``[0-9A-Za-z]``), so it is optional right after the word.
    Without the boundary, a gated pattern ran on every line holding its core inside a longer
    number (``"msisdn":"77056741454"`` for the local phone pattern: 3,555 lines of the dense
    corpus, none a match). Where the match is not glued to the word, the byte before it is
    the boundary: an ASCII character the pattern's lookbehind allows, or the last byte of a
    non-ASCII one (0x80-0xBF, in every such negated class), never a newline.
    """
    m = _LEADING_BOUNDARY.match(prefilter)
    if m is None:
        return b"(?:" + gate + b")[^\\n]*(?:" + prefilter + b")"
    # b"(?:^|[^...])" -> b"[^\\n...]": no line start after the word, no newline before it.
    boundary = b"[^\\n" + m.group()[len(b"(?:^|[^"):-1]
    core = prefilter[m.end():]
    return b"(?:" + gate + b")(?:[^\\n]*" + boundary + b")?(?:" + core + b")"


def compile_scanner(
    recognizers: Sequence[DerbesRecognizer], *, engine: str | None = None,
    line_triggers: Sequence[tuple[int, bytes]] = (),
) -> CandidateScanner:
    """The best candidate scanner this machine has for ``recognizers``.

    ``engine`` forces one (``hyperscan``, ``re2``, ``re``), for tests and benchmarks.
    ``line_triggers``: ``(kind, byte pattern)`` s whose lines a line scan also reports
    (:meth:`CandidateScanner.line_scan`).
    """
    return CandidateScanner(recognizers, engine=engine, line_triggers=line_triggers)


def _covers(recognizer: DerbesRecognizer) -> list[frozenset[str]] | None:
    """For each prefilter, the patterns it stands for, from ``PATTERN_PREFILTERS``.

    None when the recognizer does not say: every prefilter then stands for every pattern.
    """
    mapping = getattr(recognizer, "PATTERN_PREFILTERS", None)
    if not mapping:
        return None
    covers: list[set[str]] = [set() for _ in recognizer.PREFILTERS]
    for name, indexes in mapping.items():
        for k in indexes:
            covers[k].add(name)
    names = {p.name for p in recognizer.patterns}
    if set(mapping) != names:
        raise ValueError(
            f"{type(recognizer).__name__}.PATTERN_PREFILTERS must name every pattern: "
            f"{sorted(names)}"
        )
    return [frozenset(c) for c in covers]


# -- context gates ----------------------------------------------------------------------------


def context_gate(recognizer: DerbesRecognizer) -> bytes | None:
    """A byte regex a line must match for the context-only patterns of ``recognizer`` to
    report anything on it, or None.

    Only for recognizers with patterns that need context (``CONTEXT_REQUIRED``) and which
    score context the standard way (:meth:`DerbesRecognizer.context_score`): then a match
    counts only after a positive context word on its line, found in the line after
    ``_CAMEL.sub("_", ...)`` and ``casefold()``. The gate matches every spelling of every
    positive word that could fold into it: each letter in all its cases (``В``, ``в`` and
    ``ᲀ`` fold to ``в``), and ``_`` also where a camelCase boundary would insert it. Letters
    that fold into several letters (``ß``) are handled by :func:`_fold_bypass`. Returns
    ``b""`` when no line can qualify (no positive words).
    """
    cls = type(recognizer)
    for name in ("find", "context_score", "context_verdict", "has_context"):
        if getattr(cls, name, None) is not getattr(DerbesRecognizer, name, None):
            return None  # scores context its own way: no gate
    names = {p.name for p in recognizer.patterns}
    if not names & set(recognizer.CONTEXT_REQUIRED):
        return None
    words = sorted({w.casefold() for w in recognizer.CONTEXT})
    if not words:
        return b""
    if any(ord(c) > 0xFFFF for w in words for c in w):
        return None
    sources = _fold_sources()
    alternatives = []
    for word in words:
        parts = []
        for c in word:
            if c == "_":
                parts.append(b"_?")
                continue
            spellings = sorted({c, *sources.get(c, ())})
            encoded = [_hex_bytes(x.encode("utf-8")) for x in spellings]
            parts.append(encoded[0] if len(encoded) == 1 else b"(?:" + b"|".join(encoded) + b")")
        alternatives.append(b"".join(parts))
    return b"|".join(alternatives)


_FOLDS: dict[str, tuple[str, ...]] | None = None


def _fold_sources() -> dict[str, tuple[str, ...]]:
    """For each character, the other BMP characters whose ``casefold()`` is exactly it."""
    global _FOLDS
    if _FOLDS is None:
        found: dict[str, list[str]] = {}
        for x in range(0x10000):
            if 0xD800 <= x < 0xE000:
                continue
            ch = chr(x)
            folded = ch.casefold()
            if len(folded) == 1 and folded != ch:
                found.setdefault(folded, []).append(ch)
        _FOLDS = {k: tuple(v) for k, v in found.items()}
    return _FOLDS


def _fold_bypass() -> bytes:
    """Characters that fold into more than one character, and any beyond the BMP.

    On a line holding one, gates are not applied: the line stays a candidate.
    """
    multi = [chr(x) for x in range(0x80, 0x10000)
             if not 0xD800 <= x < 0xE000 and len(chr(x).casefold()) > 1]
    return b"|".join([_hex_bytes(c.encode("utf-8")) for c in multi] + [rb"[\xf0-\xf4]"])


def _hex_bytes(raw: bytes) -> bytes:
    return b"".join(b"\\x%02x" % b for b in raw)


# -- Hyperscan --------------------------------------------------------------------------------


class _HyperscanMatcher:
    """All prefilters in one block-mode database; expression ids are prefilter ids. Line
    triggers (``(kind, pattern)``), if any, follow with ids from :data:`TRIGGER_ID` on."""

    def __init__(
        self, prefilters: list[tuple[int, bytes]], shift: int,
        triggers: Sequence[tuple[int, bytes]] = (),
    ) -> None:
        self._prefilters = prefilters
        self._expressions = prefilters + [
            (TRIGGER_ID + k, p) for k, (_, p) in enumerate(triggers)]
        #: The kind of each trigger, by its id less TRIGGER_ID.
        self.trigger_kinds = [kind for kind, _ in triggers]
        # The twins (_TWIN), when both are here as they stand (not gated), are one expression
        # with the first's id; a match of it is the second's unless marks._first_twin() says so
        # (_MarkSink). The once-per-prefilter database (single_mask) keeps them apart: it
        # must report both.
        by_expression = {p: pid for pid, p in prefilters}
        first, second = by_expression.get(_TWIN[0]), by_expression.get(_TWIN[1])
        expressions = self._expressions
        #: The first twin's id and the second's, or -1 when they are not scanned as one.
        self._twin = self._twin_other = -1
        if first is not None and second is not None:
            self._twin, self._twin_other = first, second
            expressions = [(pid, _TWIN[2] if pid == first else p)
                           for pid, p in expressions if pid != second]
        #: The database in the system Hyperscan called from C (``hsnative``), where that is
        #: built and this module runs compiled; else None, and the package's scans.
        self.native = _native_database(expressions, hyperscan.HS_FLAG_MULTILINE)
        self._db = (_hs_database(expressions, hyperscan.HS_FLAG_MULTILINE)
                    if self.native is None else None)
        self._single: Any = None  # the once-per-prefilter database, built on first flood
        # A Hyperscan scratch serves one scan at a time: the engine scans the tables of a
        # database in several threads, so each thread has its own (ScratchInUseError).
        self._local = threading.local()
        self._bits = [0] * (max(pid for pid, _ in prefilters) + 1)
        for pid, _ in prefilters:
            self._bits[pid] = bit(pid)
        self._shift = shift
        self._again = [bit << shift for bit in self._bits]  # "matched a second time"
        # The IIN's and the BIN's prefilters when their matches are checked (set by
        # CandidateScanner._checks for lines; see _MarkSink), else -1; each id's shape bit.
        self.check_iin = self.check_bin = -1
        self.shape_bits: list | None = None

    def single_mask(self, view: memoryview, kinds: set[int] | None = None) -> int:
        """The recognizers whose prefilters match ``view``, with one callback per prefilter;
        ``kinds`` gets the kind of each trigger that matches it."""
        if self._single is None:
            self._single = _hs_database(
                self._expressions, hyperscan.HS_FLAG_MULTILINE | hyperscan.HS_FLAG_SINGLEMATCH
            )
        found = [0]
        bits = self._bits
        trigger_kinds = self.trigger_kinds

        def on_match(pid: int, _start: int, _end: int, _flags: int, _ctx: object) -> None:
            if pid >= TRIGGER_ID:
                if kinds is not None:
                    kinds.add(trigger_kinds[pid - TRIGGER_ID])
                return
            found[0] |= bits[pid]

        self._single.scan(view, match_event_handler=on_match, scratch=self._scratch("single"))
        return found[0]

    def _scratch(self, which: str) -> Any:
        """This thread's scratch space for the database ``which`` ("db", "single" or
        "native")."""
        scratch = getattr(self._local, which, None)
        if scratch is None:
            if which == "native":
                scratch = self.native.scratch()
            else:
                scratch = hyperscan.Scratch(self._db if which == "db" else self._single)
            setattr(self._local, which, scratch)
        return scratch

    def line_marks(
        self, data: bytes, triggered: tuple[list, ...] | None = None
    ) -> tuple[list[Mark], int]:
        """Candidate lines: ``(index, lo, hi, mask)`` with ``[lo, hi)`` the line's bytes, and
        the union of their masks. ``triggered`` gets, for each kind of trigger, the lines
        holding one: ``(index, lo, hi)``, in order, each once."""
        return self._marks(data, _MarkSink(self, data, None, triggered, FLOOD))

    def unit_marks(self, data: bytes, starts: list[int]) -> list[tuple[int, int]]:
        """Candidate units of a column batch (``starts``: where each begins): (index, mask)."""
        sink = _MarkSink(self, data, starts, None, FLOOD)
        return [(index, mask) for index, _, _, mask in self._marks(data, sink)[0]]

    def _marks(self, data: bytes, sink: _MarkSink) -> tuple[list[Mark], int]:
        """One scan of ``data`` into ``sink``; a unit flooded with matches is finished once
        per prefilter. Returns the marks and the union of their masks.

        Hyperscan reads all it is given before its first report: a scan stopped at its first
        match costs as much as one to the end. So after a flood the rest is scanned in
        windows of whole units, :data:`FLOOD_WINDOW` bytes at first, twice as many after
        each window without a flood: a chunk of flooded lines costs each flood a window, not
        the rest of the chunk (quadratic). A window ends after a unit's separator, as the
        scan restarted after a flood always did."""
        view = memoryview(data)
        native = self.native
        scratch = self._scratch("db" if native is None else "native")
        size = len(data)
        stop = size  # the scan reads [sink.base, stop)
        window = FLOOD_WINDOW
        while True:
            if native is not None:
                flooded = native.scan(data, sink.base, stop, sink, scratch)
            else:
                try:
                    self._db.scan(view[sink.base:stop] if sink.base or stop < size else data,
                                  match_event_handler=_on_match, context=sink,
                                  scratch=scratch)
                    flooded = False
                except hyperscan.ScanTerminated:
                    flooded = True
            if not flooded:
                if stop >= size:
                    break
                sink.base = stop
                window *= 2
            else:
                kinds: set[int] = set()
                mask = sink.mask | self.single_mask(view[sink.lo:sink.end], kinds)
                if sink.triggered is not None:
                    for kind in sorted(kinds):
                        lines = sink.triggered[kind]
                        if not lines or lines[-1][0] != sink.index:
                            lines.append((sink.index, sink.lo, sink.hi))
                sink.mask = mask | mask << self._shift  # a flood: every prefilter repeated
                # and every check passed: its recognizers read it whole
                sink.passed_iin = sink.passed_bin = True
                sink.hits = 0
                sink.base = sink.end
                if sink.base >= size:
                    break
                window = FLOOD_WINDOW
            stop = _unit_end(data, sink.starts, min(sink.base + window, size) - 1, size)
        return sink.finish()


def _unit_end(data: bytes, starts: list[int] | None, at: int, size: int) -> int:
    """Where the unit holding byte ``at`` of ``data`` ends, its separator included: the next
    unit's start (``starts``: where each unit of a column batch begins; None: lines), or
    ``size``."""
    if starts is None:
        return data.find(b"\n", at) + 1 or size
    index = bisect_right(starts, at)
    return starts[index] if index < len(starts) else size


#: Whether this module runs compiled (Cython): only then can the system Hyperscan hand its
#: matches to the sink in C (``hsnative``).
_SCANNER_COMPILED = not __file__.endswith(".py")


def _native_database(expressions: list[tuple[int, bytes]], flags: int) -> Any:
    """The expressions compiled by the system Hyperscan (``hsnative``), or None: where that
    module is not built, where this one runs as Python (the native scan hands matches to the
    compiled sink), or where the system library refuses an expression (the package then
    compiles them all, and finds which it refuses)."""
    native = _hsnative() if _SCANNER_COMPILED else None
    if native is None:
        return None
    from derbes.scanner.engine.hscache import native_database

    try:
        return native_database([p for _, p in expressions], [pid for pid, _ in expressions],
                               flags)
    except native.NativeError:
        return None


def _hsnative() -> Any:
    """The module that calls the system Hyperscan, or None where it is not built (or where
    ``marks`` runs as Python: its sink is then no extension type, which the import checks)."""
    try:
        from derbes.scanner.engine import hsnative
    except (ImportError, ValueError, TypeError):
        return None
    return hsnative


def _hs_database(prefilters: list[tuple[int, bytes]], flags: int) -> Any:
    # Compiling costs about a second; a database compiled before loads from the user's cache.
    from derbes.scanner.engine.hscache import block_database

    return block_database([p for _, p in prefilters], [pid for pid, _ in prefilters], flags)


def _compile_hyperscan(
    prefilters: list[tuple[int, bytes]], shift: int,
    triggers: Sequence[tuple[int, bytes]] = (),
) -> tuple[_HyperscanMatcher | None, list[tuple[int, bytes]]]:
    """A Hyperscan matcher for the prefilters it accepts, and the ones it rejects.

    ``shift``: how far above an id's bit its "matched again" bit lies. ``triggers``: line
    triggers to scan for in the same pass, left out if anything is refused."""
    if triggers:
        try:
            return _HyperscanMatcher(prefilters, shift, triggers), []
        except hyperscan.error:
            pass
    try:
        return _HyperscanMatcher(prefilters, shift), []
    except hyperscan.error:
        pass
    # Find the culprits one by one; each falls back on its own, with its own id.
    rejected = set()
    for pid, p in prefilters:
        try:
            _hs_database([(pid, p)], hyperscan.HS_FLAG_MULTILINE)
        except hyperscan.error:
            rejected.add(pid)
    accepted = [(pid, p) for pid, p in prefilters if pid not in rejected]
    fallback = [(pid, p) for pid, p in prefilters if pid in rejected]
    try:
        matcher = _HyperscanMatcher(accepted, shift) if accepted else None
    except hyperscan.error:
        return None, prefilters
    return matcher, fallback


# -- re2 / re fallback ------------------------------------------------------------------------


class _RegexMatcher:
    """Each prefilter (and gate) searched from line to line, with its own id's bit."""

    def __init__(self, prefilters: list[tuple[int, bytes]], *, use_re2: bool = True) -> None:
        self._use_re2 = use_re2 and re2 is not None
        self.engine = "re"
        self._searchers: list[tuple[int, Any]] = [
            (bit(pid), self._compile(p)) for pid, p in prefilters
        ]

    def _compile(self, alternation: bytes) -> Any:
        if self._use_re2:
            options = re2.Options()
            # Bytes, not UTF-8: \xd0 is the byte 0xd0, as in Hyperscan and ``re``.
            options.encoding = re2.Options.Encoding.LATIN1
            try:
                rx = re2.compile(b"(?m)" + alternation, options)
            except re2.error:
                pass  # a construct RE2 lacks: this recognizer uses ``re``
            else:
                self.engine = "re2"
                return rx.search
        return re.compile(alternation, re.MULTILINE).search

    def line_marks(self, data: bytes) -> list[Mark]:
        found: dict[int, list[int]] = {}
        size = len(data)
        for bit, search in self._searchers:
            pos = 0
            index = 0  # line index of position ``counted``
            counted = 0
            while pos <= size:
                m = search(data, pos)
                if m is None:
                    break
                start, stop = m.span()
                last = max(start, stop - 1)
                if start < last and data[start] == 10:
                    start += 1  # a match that begins with a newline belongs to what follows
                first_lo = data.rfind(b"\n", 0, start) + 1
                index += data.count(b"\n", counted, first_lo)
                counted = first_lo
                lo = first_lo
                # Mark every line the match touches: usually one.
                while True:
                    hi = data.find(b"\n", lo)
                    if hi < 0:
                        hi = size
                    entry = found.get(index)
                    if entry is None:
                        found[index] = [lo, hi, bit]
                    else:
                        entry[2] |= bit
                    if hi >= last or hi >= size:
                        break
                    lo = hi + 1
                    index += 1
                counted = lo
                pos = hi + 1
        return [(i, e[0], e[1], e[2]) for i, e in sorted(found.items())]

    def unit_marks(self, data: bytes, starts: list[int]) -> list[tuple[int, int]]:
        found: dict[int, int] = {}
        size = len(data)
        last_unit = len(starts) - 1
        for bit, search in self._searchers:
            pos = 0
            while pos <= size:
                m = search(data, pos)
                if m is None:
                    break
                start, stop = m.span()
                if start < stop - 1 and data[start] == 10:
                    start += 1  # a match that begins with a separator belongs to what follows
                first = bisect_right(starts, start) - 1
                last = bisect_right(starts, max(start, stop - 1)) - 1
                for index in range(first, last + 1):
                    found[index] = found.get(index, 0) | bit
                if last >= last_unit:
                    break
                pos = starts[last + 1]
        return sorted(found.items())


def _merge_marks(a: list[Mark], b: list[Mark]) -> list[Mark]:
    merged: dict[int, list[int]] = {i: [lo, hi, mask] for i, lo, hi, mask in a}
    for i, lo, hi, mask in b:
        entry = merged.get(i)
        if entry is None:
            merged[i] = [lo, hi, mask]
        else:
            entry[2] |= mask
    return [(i, e[0], e[1], e[2]) for i, e in sorted(merged.items())]


def _as_bytes(pattern: bytes | str) -> bytes:
    return pattern if isinstance(pattern, bytes) else pattern.encode("utf-8")
