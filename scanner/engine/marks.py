"""The sink of a Hyperscan scan of the fast path: each match located in its unit (a line, a
column value), marked with the prefilters that matched there.

``derbes.scanner.engine.fastpath`` scans a batch in one call and hands every match to a
:class:`_MarkSink`: through :func:`_on_match` where the ``hyperscan`` package scans, straight
from C where the system Hyperscan does (``hsnative``, which needs the sink compiled: an
extension type, ``marks.pxd``). Its own module so that both reach it and neither the other.
"""

from __future__ import annotations

from bisect import bisect_right
from typing import Any

from derbes.detectors.kz_iin import twelve_digits_pass

#: A candidate unit found by a scan: (unit index, start byte, end byte, prefilter bit mask).
Mark = tuple[int, int, int, int]
#: The Hyperscan id of the first line trigger (``line_triggers``), above every prefilter's.
TRIGGER_ID = 1 << 20


def _first_twin(data: bytes, end: int) -> bool:
    """Whether the match of ``fastpath._TWIN``'s expression that ends at ``end`` in ``data`` is the
    first prefilter's (the IIN's), not the second's (the BIN's).

    The fifth of its twelve digits (:func:`_digits_end`) is an IIN's day, 0-3, where a BIN's
    is its kind of entity, 4-6: no end offset is both prefilters'.
    """
    return data[_digits_end(data, end) - 8] <= 51  # b"3"


def _digits_end(data: bytes, end: int) -> int:
    """Where the twelve digits of a match of the IIN's or the BIN's prefilter (or of their
    twin) that ends at ``end`` end: there when the line ends there (the last byte is a
    digit: ``$`` matched), else one byte before (the boundary byte the match took)."""
    last = data[end - 1]
    return end if 48 <= last <= 57 else end - 1


def _on_match(pid: int, _start: int, to: int, _flags: int, sink: _MarkSink) -> bool | None:
    """The match handler of a scan into ``sink`` (its context): a function, which the
    binding calls with its arguments as they are (vectorcall), where a callable object's
    ``__call__`` first gets them packed into a tuple (about 300 instructions a match less,
    callgrind)."""
    if sink is None:  # compiled, the typed argument lets None through, and None has no fields
        raise TypeError("the context of a scan must be its _MarkSink")
    return sink._match(pid, to + sink.base)


class _MarkSink:
    """The match handler of one scan (:meth:`_HyperscanMatcher._marks`): the unit each match
    ends in, with the mask of the prefilters that matched there. Matches arrive in end-offset
    order, so each unit is located once. A class, not a closure, so that compiled its state
    is C integers (``marks.pxd``); Hyperscan calls :func:`_on_match` once a match, with
    the sink as its context."""

    def __init__(
        self, matcher: Any, data: bytes, starts: list[int] | None,
        triggered: tuple[list, ...] | None, flood: int,
    ) -> None:
        self.marks: list[Mark] = []
        self.bits = matcher._bits
        self.again = matcher._again
        self.trigger_kinds = matcher.trigger_kinds
        self.twin = matcher._twin
        self.twin_other = matcher._twin_other
        # The ids of the IIN's and the BIN's prefilters when the twelve digits of each match
        # are checked as it is reported (lines only: ``CandidateScanner._checks``), else -1;
        # the bit each id gives a unit where none of its matches passes (``_settled``).
        self.check_iin = matcher.check_iin if starts is None else -1
        self.check_bin = matcher.check_bin if starts is None else -1
        self.shapes = matcher.shape_bits
        #: Whether a match of either prefilter was checked in the current unit, and whether
        #: one of each passed.
        self.unit_checked = self.passed_iin = self.passed_bin = False
        # Constants, held here to be C integers when compiled (marks.pxd): the first trigger's
        # id, and the matches on one unit after which the scan stops (fastpath's FLOOD).
        self.first_trigger = TRIGGER_ID
        self.flood = flood
        #: Lines holding each kind of trigger (``line_marks``), or None.
        self.triggered = triggered
        self.data = data
        self.size = len(data)
        #: Where each unit of a column batch begins; None: the units are lines.
        self.starts = starts
        # The current unit: index, [lo, hi), end (where the next unit begins), its mask and
        # its matches so far; ``base``: where the scan (re)started in ``data``.
        self.index = self.lo = self.hi = self.hits = self.base = 0
        self.end = -1
        self.mask = self.union = 0
        # The index of the line after the last one located, and where it starts: lines are
        # counted on from there.
        self.counted_index = self.counted_start = 0

    def _match(self, pid: int, to: int) -> bool | None:
        if pid == self.twin and not _first_twin(self.data, to):
            pid = self.twin_other
        if pid >= self.first_trigger:  # a line trigger: its line, by kind; no bit
            if to > self.end:
                self._enter(to)
                self.mask = 0
                self.hits = 0
                self.unit_checked = self.passed_iin = self.passed_bin = False
            if self.triggered is not None:
                lines = self.triggered[self.trigger_kinds[pid - self.first_trigger]]
                if not lines or lines[-1][0] != self.index:
                    lines.append((self.index, self.lo, self.hi))
            self.hits += 1
            return True if self.hits > self.flood else None
        if to > self.end:
            # The match ends in a later unit (for lines: at or past its newline).
            self._enter(to)
            self.mask = self.bits[pid]
            self.hits = 1
            self.unit_checked = self.passed_iin = self.passed_bin = False
            if pid == self.check_iin or pid == self.check_bin:
                self._check(pid, to)
            return None
        bit = self.bits[pid]
        self.mask |= self.again[pid] if self.mask & bit else bit
        self.hits += 1
        if ((pid == self.check_iin and not self.passed_iin)
                or (pid == self.check_bin and not self.passed_bin)):
            self._check(pid, to)
        if self.hits > self.flood:
            return True  # stop: this unit is rescanned once per prefilter (``_marks``)
        return None

    def _check(self, pid: int, to: int) -> None:
        """Whether the match of the IIN's or the BIN's prefilter ending at ``to`` passes its
        recognizer's check (its twelve digits: :func:`_digits_end`). One that passes keeps the
        prefilter's bit for its unit (:meth:`_settled`)."""
        self.unit_checked = True
        iin = pid == self.check_iin
        if twelve_digits_pass(self.data, _digits_end(self.data, to) - 12, iin):
            if iin:
                self.passed_iin = True
            else:
                self.passed_bin = True

    def _settled(self, mask: int) -> int:
        """The current unit's ``mask``, with the IIN's or the BIN's prefilter none of whose
        matches there passed its check (none of which its recognizer can report) in place
        of its bits by its shape bit: the recognizer runs no pattern there, and the unit
        still counts the shapes of its entity (``Detector.scan_lines``), valid or not."""
        if not self.unit_checked:
            return mask
        if self.check_iin >= 0 and not self.passed_iin:
            mask = self._shape_only(mask, self.check_iin)
        if self.check_bin >= 0 and not self.passed_bin:
            mask = self._shape_only(mask, self.check_bin)
        return mask

    def _shape_only(self, mask: int, pid: int) -> int:
        bit = self.bits[pid]
        if not mask & bit:
            return mask
        return (mask & ~(bit | self.again[pid])) | self.shapes[pid]

    def _enter(self, to: int) -> None:
        """Keep the current unit's mark, and move to the unit the match ending at ``to``
        ends in."""
        if self.mask:
            mask = self._settled(self.mask)
            self.marks.append((self.index, self.lo, self.hi, mask))
            self.union |= mask
        last = to - 1
        if self.starts is None:
            # Lines with no match between the last one located and this one are counted.
            newlines, lo, hi = _read_line(self.data, self.counted_start, last, self.size)
            self.index = self.counted_index + newlines
            self.lo = lo
            self.hi = hi
            self.end = hi + 1
            # The next unit starts past this line: its lines are counted from the next one.
            self.counted_index = self.index + 1
            self.counted_start = hi + 1
        else:
            starts = self.starts
            self.index = bisect_right(starts, last) - 1
            self.lo = starts[self.index]
            self.hi = self.end = (
                starts[self.index + 1] if self.index < len(starts) - 1 else self.size)

    def finish(self) -> tuple[list[Mark], int]:
        """The marks, the last unit's included, and the union of their masks."""
        if self.mask:
            mask = self._settled(self.mask)
            self.marks.append((self.index, self.lo, self.hi, mask))
            self.union |= mask
            self.mask = 0
        return self.marks, self.union


#: Whether this module runs compiled (Cython), and with it :func:`_read_line`; as Python,
#: bytes' own methods (:func:`_find_line`) are the faster.
_SCANNER_COMPILED = not __file__.endswith(".py")


def _find_line(data: bytes, start: int, at: int, size: int) -> tuple[int, int, int]:
    """The line of ``data`` (``size`` bytes) that holds byte ``at``, ``start`` <= ``at``
    being the start of a line: the newlines in ``[start, lo)``, its first byte ``lo``, and
    its end ``hi`` (its newline, or ``size``). By bytes' methods (the definition)."""
    lo = data.rfind(b"\n", 0, at) + 1
    newlines = data.count(b"\n", start, lo) if lo > start else 0
    hi = data.find(b"\n", at)
    return newlines, lo, hi if hi >= 0 else size


def _read_line(data: bytes, start: int, at: int, size: int) -> tuple[int, int, int]:
    """:func:`_find_line`, compiled, in C: the newlines found by ``memchr`` (glibc reads 16
    or 32 bytes at a step), where each of bytes' methods is a Python call (about 4.7k
    instructions a line located) and a loop over the bytes costs several instructions a
    byte (6% of a scan of the public Loghub lines, whose matches lie hundreds of bytes
    apart). As Python, bytes' methods are the faster: :func:`_find_line` itself."""
    if not _SCANNER_COMPILED:
        return _find_line(data, start, at, size)
    # _next_newline: the line reader's (lines.pxd, cimported by marks.pxd), in C, so
    # compiled only (the branch above as Python).
    newlines = 0
    lo = start
    i = _next_newline(data, start, at)  # noqa: F821
    while i < at:
        newlines += 1
        lo = i + 1
        i = _next_newline(data, lo, at)  # noqa: F821
    return newlines, lo, _next_newline(data, at, size)  # noqa: F821
