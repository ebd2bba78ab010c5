"""The per-container loop: one container's batches in, aggregates per (field, entity) out.

For each source the engine lists containers, reads each as batches, runs the detector,
and aggregates hits per (container, field, entity) into :class:`~derbes.scanner.model.Finding`
rows. A container that fails is recorded with its reason and the scan goes on; a source that
fails never hides the results of the others. Tables of one database run concurrently over
its connection pool; log files can run in worker processes (``jobs``).
"""

from __future__ import annotations

import re
import sys
import threading
from collections.abc import Iterable
from dataclasses import dataclass, field, replace

from derbes.scanner import hitparts, jsonpaths
from derbes.scanner.engine import distinct as distinct_sets
from derbes.scanner.engine.detect import Detector
from derbes.scanner.engine.distinct import DistinctSketch
from derbes.scanner.engine.evidence import CHANCE_RULES, FieldStats, shape_key
from derbes.scanner.engine.logfields import DECIDE_EVERY, HOLDS, LogField, key_before
from derbes.scanner.engine.options import DISTINCT_CAP, MEMO_SIZE, ScanOptions
from derbes.scanner.engine.pieces import field_of, name_at, value_at
from derbes.scanner.engine.structure import StructureState
from derbes.scanner.engine.timestamps import (
    journal_hour,
    journal_stamp,
    max_ts,
    min_ts,
    timestamp,
    year_cut,
)
from derbes.scanner.errors import SourceError, after_lines_reason
from derbes.scanner.hitparts import ROW, HitPart, HitRow, Segment, remove_parts, write_part
from derbes.scanner.model import printable
from derbes.scanner.redact import distinct_and_rank, example_rank, mask, value_hash
from derbes.scanner.sources.base import (
    Container,
    ContainerDone,
    LineBatch,
    Source,
    ValueBatch,
    invalid_utf8_note,
)

#: A score's unit in :attr:`_Agg.score_units`: a millionth.
SCORE_UNITS = 1_000_000


class _Agg:
    """Running aggregate of one (field, entity) in one container: counted at every hit, so
    compiled it is an extension type with C fields (``container.pxd``)."""

    def __init__(self) -> None:
        self.hits = 0
        self.rows_with_hits = 0
        self.last_row = -1
        self.score_max = 0.0
        #: The hits' scores added up in millionths (:data:`SCORE_UNITS`): integers, so that
        #: the parts of a file merged in any grouping (``--jobs``, a cluster) add up to what
        #: one process counts; a sum of floats differed in its last digit, and a finding's
        #: mean score in its fourth decimal.
        self.score_units = 0
        # A dict, not a set: a dict of bytes is not tracked by the garbage collector, which
        # would otherwise walk up to DISTINCT_CAP entries per aggregate at every full
        # collection.
        self.distinct: dict[bytes, None] = {}
        #: The same set once packed (:meth:`pack`: sorted digests end to end, 16 bytes a
        #: value), as a finished part of a file travels and waits to be merged. One of the
        #: two is empty.
        self.packed = b""
        #: Masked example -> the smallest rank of the values that mask into it
        #: (:func:`~derbes.scanner.redact.example_rank`); at most ``max_examples`` of them,
        #: those of the smallest ranks (see :meth:`offer`).
        self.examples: dict[str, int] = {}
        #: The largest rank among ``examples`` once it is full: a value above it is no
        #: example.
        self.bound: int | None = None
        self.oldest: str | None = None
        #: Hits whose value is allowlisted, and the reason of the first.
        self.allowed = 0
        self.allowed_reason: str | None = None
        #: Past DISTINCT_CAP values the digests go here instead of ``distinct``.
        self.sketch: DistinctSketch | None = None
        #: Hits with a supporting context word before them in their own value ("ИИН
        #: 8704...").
        self.supported = 0

    def add(self, row: int, score: float, digest: bytes) -> bool:
        """Count one hit; True when its value is new (or, past DISTINCT_CAP, may be), so
        that it may become an example (:meth:`wants`)."""
        self.hits += 1
        if row != self.last_row:
            self.rows_with_hits += 1
            self.last_row = row
        if score > self.score_max:
            self.score_max = score
        # Compiled, a C cast (``units`` is a C integer: container.pxd); 1e6 is SCORE_UNITS.
        units = int(score * 1e6 + 0.5)
        self.score_units += units
        if self.packed:
            self._unpack()  # a merged part counting more hits (settle_log_fields)
        distinct = self.distinct
        if digest in distinct:
            return False
        if self.sketch is None:
            if len(distinct) < DISTINCT_CAP:
                distinct[digest] = None
                return True
            self._overflow()
        self.sketch.add(digest)  # type: ignore[union-attr]
        return True  # past DISTINCT_CAP, new or not is unknown

    def wants(self, rank: int, max_examples: int) -> bool:
        """Whether a value of this rank would be kept as an example (not one already kept)."""
        if self.bound is None:
            return len(self.examples) < max_examples
        return rank < self.bound and rank not in self.examples.values()

    def offer(self, rank: int, example: str, max_examples: int) -> None:
        """Keep ``example`` (a value's mask) if its rank is among the smallest.

        The examples are the ``max_examples`` masks of smallest rank (of two values with one
        mask, the smaller rank counts), not the first ones seen: a choice that does not
        depend on the order of the hits, so that a file scanned in byte ranges, on a cluster
        or in one piece shows the same examples, and a range's examples merge into the
        file's (:meth:`merge`) without knowing what came before. The rank is not keyed: two
        scans of the same data show the same examples, each with its own random hash key.
        """
        examples = self.examples
        held = examples.get(example)
        if held is not None:
            if rank < held:
                examples[example] = rank
                if self.bound is not None:
                    self.bound = max(examples.values())
            return
        if len(examples) >= max_examples:
            if self.bound is None or rank >= self.bound:
                return
            del examples[max(examples, key=examples.__getitem__)]
        examples[example] = rank
        if len(examples) >= max_examples:
            self.bound = max(examples.values())

    def example_list(self) -> list[str]:
        """The examples in a fixed order: by rank."""
        return sorted(self.examples, key=self.examples.__getitem__)

    def _overflow(self) -> None:
        """Move the exact set into a sketch: from here on the count is an estimate."""
        self.sketch = DistinctSketch(self.distinct)
        self.sketch.add_packed(self.packed)
        self.distinct = {}
        self.packed = b""

    def pack(self) -> None:
        """Hold the exact set packed: what a part of a file keeps once it is scanned."""
        if self.distinct:
            self.packed = distinct_sets.pack(self.distinct)
            self.distinct = {}

    def _unpack(self) -> None:
        self.distinct = dict.fromkeys(distinct_sets.unpack(self.packed))
        self.packed = b""

    def distinct_bytes(self) -> int:
        """Bytes the exact set's digests take as held now: 16 a value packed, 80 or more
        in the dict that takes them as a scan goes (what ``sys.getsizeof`` sees, without the
        allocator's rounding); the sketch past the cap is not counted."""
        if self.distinct:
            return sys.getsizeof(self.distinct) + sum(map(sys.getsizeof, self.distinct))
        return len(self.packed)

    def distinct_count(self) -> int:
        """Distinct values: exact up to DISTINCT_CAP, then the sketch's estimate (which is
        never reported below DISTINCT_CAP + 1, a count known to be passed)."""
        if self.sketch is None:
            return len(self.distinct) or distinct_sets.packed_len(self.packed)
        return max(self.sketch.estimate(), DISTINCT_CAP + 1)

    def merge(self, other: _Agg, max_examples: int) -> None:
        """Fold another part of the same container (a byte range) into this one."""
        self.hits += other.hits
        # No line is in two parts (a byte range reads the lines that start in it): rows add up.
        self.rows_with_hits += other.rows_with_hits
        if other.last_row >= 0:  # parts merge in file order: the other's rows come after
            self.last_row = other.last_row
        self.score_max = max(self.score_max, other.score_max)
        self.score_units += other.score_units
        # Exact while the union of the parts holds at most DISTINCT_CAP values, as one
        # process would count them; else one sketch of all of them.
        if self.sketch is None and other.sketch is None:
            self.pack()
            united = distinct_sets.union(
                self.packed, other.packed or distinct_sets.pack(other.distinct))
            self.packed = united
            if distinct_sets.packed_len(united) > DISTINCT_CAP:
                self._overflow()
        else:
            if self.sketch is None:
                self._overflow()
            sketch: DistinctSketch = self.sketch  # type: ignore[assignment]
            for digest in other.distinct:
                sketch.add(digest)
            sketch.add_packed(other.packed)
            if other.sketch is not None:
                sketch.merge(other.sketch)
        for example, rank in other.examples.items():
            self.offer(rank, example, max_examples)
        self.oldest = min_ts(self.oldest, other.oldest)
        self.allowed += other.allowed
        self.allowed_reason = self.allowed_reason or other.allowed_reason
        self.supported += other.supported


@dataclass(slots=True)
class ContainerOutcome:
    """What scanning one container (or one byte range of it) produced."""

    container: Container
    aggs: dict[tuple[str | None, str], _Agg] = field(default_factory=dict)
    #: Hits not yet written, as rows (``hitparts.HitRow``); they come after those of
    #: ``spilled``.
    hits: list[HitRow] = field(default_factory=list)
    #: Hits already written as parts (or kept from an earlier byte range), in file order.
    spilled: list[Segment] = field(default_factory=list)
    fields: set[str] = field(default_factory=set)
    #: What the values of each column looked like (value batches only), for the evidence.
    stats: dict[str, FieldStats] = field(default_factory=dict)
    #: Candidates, valid values and waiting hits of checksum entities per (log field, entity)
    #: (``derbes.scanner.engine.logfields``); settled by :func:`settle_log_fields`.
    log_fields: dict[tuple[str, str], LogField] = field(default_factory=dict)
    rows: int = 0
    bytes: int = 0
    done: ContainerDone | None = None
    error: str | None = None
    #: ``(fault, lines)`` when ``error`` names the lines read before it
    #: (:func:`~derbes.scanner.errors.after_lines_reason`), so that :meth:`shift_rows` can
    #: renumber it.
    error_after: tuple[str, int] | None = None
    oldest_ts: str | None = None
    newest_ts: str | None = None
    #: What merging the parts of a file noted (hits left out, :meth:`drop_rows`).
    notes: list[str] = field(default_factory=list)

    def pack(self) -> None:
        """Hold the distinct values of every aggregate and the keys of every log field
        packed (:meth:`_Agg.pack`, :meth:`LogField.pack`): done to the outcome of a part of
        a file as it leaves its worker, and while it waits to be merged."""
        for agg in self.aggs.values():
            agg.pack()
        for log_field in self.log_fields.values():
            log_field.pack()

    def distinct_bytes(self) -> int:
        """Bytes the exact distinct sets take (:meth:`_Agg.distinct_bytes`)."""
        return sum(agg.distinct_bytes() for agg in self.aggs.values())

    def shift_rows(self, lines: int) -> None:
        """Number this part of a file (a byte range, read counting its own first line as 1)
        after the ``lines`` lines of the parts before it: every row that its hits (in memory,
        in parts, waiting in log fields), its aggregates, its notes and its error name."""
        if not lines:
            return
        for agg in self.aggs.values():
            if agg.last_row >= 0:
                agg.last_row += lines
        self.hits = _shifted_hits(self.hits, lines)
        self.spilled = [
            replace(s, row_offset=s.row_offset + lines) if isinstance(s, HitPart)
            else _shifted_hits(s, lines)
            for s in self.spilled
        ]
        for log_field in self.log_fields.values():
            log_field.buffer = [_shifted_prepared(p, lines) for p in log_field.buffer]
        done = self.done
        if done is not None and done.invalid_utf8_line is not None:
            old, new = invalid_utf8_note(done.invalid_utf8_line), done.invalid_utf8_line + lines
            self.done = replace(
                done, invalid_utf8_line=new,
                notes=tuple(invalid_utf8_note(new) if n == old else n for n in done.notes))
        if self.error_after is not None:
            fault, after = self.error_after
            self.error_after = (fault, after + lines)
            self.error = after_lines_reason(fault, after + lines)

    def drop_rows(self, start: int) -> None:
        """Leave out what names a line of this part of a file, which starts at byte ``start``,
        when the lines before it are not known (a range before it failed or never ran): its
        hits (a wrong line number is worse than none), the line of its invalid UTF-8 and of
        its error. Its counts stay."""
        dropped = len(self.hits)
        for segment in self.spilled:
            if isinstance(segment, HitPart):
                dropped += segment.count
                remove_parts(segment.url)
            else:
                dropped += len(segment)
        self.hits, self.spilled = [], []
        for agg in self.aggs.values():
            agg.last_row = -1
        for log_field in self.log_fields.values():
            dropped += sum(p[9] is not None for p in log_field.buffer)
            log_field.buffer = [(*p[:9], None) for p in log_field.buffer]
        if self.done is not None and self.done.invalid_utf8_line is not None:
            note = invalid_utf8_note(self.done.invalid_utf8_line)
            self.done = replace(self.done, invalid_utf8_line=None,
                                notes=tuple(n for n in self.done.notes if n != note))
        if self.error_after is not None:
            self.error, self.error_after = self.error_after[0], None
        if dropped:
            self.notes.append(f"hits from byte {start} on left out: a part of the file before "
                              "them was not read whole, so their line numbers are unknown")

    def merge(self, other: ContainerOutcome, max_examples: int) -> None:
        """Fold the outcome of the next byte range of the same file into this one (its rows
        numbered after this one's: :meth:`shift_rows`)."""
        for key, agg in other.aggs.items():
            if key in self.aggs:
                self.aggs[key].merge(agg, max_examples)
            else:
                self.aggs[key] = agg
        if other.spilled:
            if self.hits:
                self.spilled.append(self.hits)
            self.spilled.extend(other.spilled)
            self.hits = other.hits
        else:
            self.hits.extend(other.hits)
        self.fields |= other.fields
        for name, stats in other.stats.items():
            if name in self.stats:
                self.stats[name].merge(stats)
            else:
                self.stats[name] = stats
        for key, log_field in other.log_fields.items():
            if key in self.log_fields:
                self.log_fields[key].merge(log_field)
            else:
                self.log_fields[key] = log_field
        self.rows += other.rows
        self.bytes += other.bytes
        if self.error is None:
            self.error, self.error_after = other.error, other.error_after
        self.notes.extend(n for n in other.notes if n not in self.notes)
        self.oldest_ts = min_ts(self.oldest_ts, other.oldest_ts)
        self.newest_ts = max_ts(self.newest_ts, other.newest_ts)


class ContainerScanner:
    """Scans the batches of one container: detection, JSON fields, timestamps, aggregation."""

    def __init__(self, source: Source, detector: Detector, options: ScanOptions, key: bytes):
        self.source = source
        self.detector = detector
        self.options = options
        self.key = key
        self._cpu = threading.Lock()
        # What counting a hit reads, in C fields when compiled (_count_hit).
        self._counting = _Counting(key, options)
        # The recognizer of each checksum entity, to ask whether a word in a value supports it.
        self._checksum = {}
        for r in detector.derbes:
            if r.ENTITY in CHANCE_RULES:
                self._checksum.setdefault(r.ENTITY, r)
        # Hits are written as parts once this many wait in memory (never without a folder).
        spill = options.hits_spill or hitparts.SPILL_HITS
        self._spill_at = max(1, spill) if options.hits and options.hits_dir else float("inf")

    def spill(self, out: ContainerOutcome) -> None:
        """Write the hits ``out`` holds in memory as a part of the scan's parts folder."""
        if out.hits and self.options.hits_dir:
            out.spilled.append(write_part(out.hits, self.options.hits_dir))
            out.hits = []

    def run(
        self, container: Container, batches: Iterable, stop: threading.Event | None = None,
        structure: StructureState | None = None,
    ) -> ContainerOutcome:
        """Consume ``batches``; a ``SourceError`` midway keeps what was read before it.

        ``structure``: what is open before the first line (when a byte range of a file starts
        inside a pretty-printed document: ``pieces.structure_before``); None: nothing. Each
        batch of lines goes on with what the one before it left open.
        """
        out = ContainerOutcome(container)
        if structure is None:
            structure = StructureState()
        try:
            for batch in batches:
                if stop is not None and stop.is_set():
                    out.error = "interrupted"
                    break
                if isinstance(batch, LineBatch):
                    self._lines(out, batch, structure)
                elif isinstance(batch, ValueBatch):
                    # Tables are read in several threads so that their queries overlap;
                    # detection is CPU-bound, and threads taking turns under the GIL run it
                    # slower than one at a time, so it runs one batch at a time.
                    with self._cpu:
                        self._values(out, batch)
                elif isinstance(batch, ContainerDone):
                    out.done = batch
        except SourceError as e:
            out.error = e.reason
            if e.after_lines is not None:
                out.error_after = (e.fault, e.after_lines)
        except KeyboardInterrupt:
            # Ctrl-C or SIGTERM midway: keep what this container gave so far.
            if stop is not None:
                stop.set()
            out.error = "interrupted"
        return out

    # -- values of a table column -----------------------------------------------------------

    def _values(self, out: ContainerOutcome, batch: ValueBatch) -> None:
        out.fields.add(batch.field)
        context = field_context(batch.field)
        values = batch.values
        integer = is_integer_type(out.container, batch.field)
        stats = out.stats.get(batch.field)
        if stats is None:
            stats = out.stats[batch.field] = FieldStats()
        stats.add(values, integer)
        row = 0
        try:
            for index, matches in self.detector.scan_values(values, context, integer=integer):
                value = values[index]
                row = batch.rows[index]
                for entity, start, end, score in matches:
                    _count_hit(self, out, batch.field, row, start, end, entity, score,
                               value[start:end], None)
                    recognizer = self._checksum.get(entity)
                    if recognizer is not None and recognizer.context_verdict(value, start):
                        out.aggs[(batch.field, entity)].supported += 1
        except KeyboardInterrupt:
            # Interrupted midway through the batch: only the rows detection reached count
            # as scanned (a lower bound), so hits never outnumber the rows they came from.
            out.rows = max(out.rows, row)
            raise
        if batch.rows:
            # Counted here too, so rows read before a failure midway are not lost.
            out.rows = max(out.rows, batch.rows[-1])

    # -- lines of a log ---------------------------------------------------------------------

    def _lines(
        self, out: ContainerOutcome, batch: LineBatch, structure: StructureState | None
    ) -> None:
        data = batch.data
        if batch.continued and structure is not None:
            # A piece of a line too long to come whole (its first piece came as a line): read
            # on its own, and nothing is open after it, as the lines before a range are read
            # from after such a line (``RangeReadable.lines_before``).
            structure.clear()
            structure.xml = None
            structure = None
        done = -1  # the last line of this batch whose hits are all recorded
        checksum = self._checksum
        # Candidates of the checksum entities' shapes, valid or not, for evidence per field.
        shapes: list | None = [] if checksum else None
        touched: set[tuple[str, str]] = set()
        counted = 0  # shapes already counted into their fields
        # The key paths of JSON lines whose shapes wait to be counted, by line: read once for
        # a line's hits and its shapes (_count_shapes) alike.
        json_spans: dict[int, list] = {}
        waiting = 0  # hits kept since the last verdicts
        # A yearless (BSD syslog) stamp is read in the year before the file's mtime.
        cut = year_cut(out.container.meta.get("mtime"))
        # A file of 1C's technological journal: its lines' stamps are minutes and seconds
        # in the hour its name gives.
        hour = journal_hour(out.container.name)
        try:
            for index, line, matches in self.detector.scan_lines(data, shapes, structure):
                row = batch.first_line + index
                # A piece of a long line: offsets count from the start of the whole line.
                shift = batch.offset if index == 0 else 0
                ts = timestamp(line, cut)
                if ts is None and hour is not None:
                    ts = journal_stamp(line, hour)
                if ts is not None:
                    # min_ts and max_ts, written out: two calls and two attribute writes a
                    # line cost more than the comparisons (a log's stamps seldom move back).
                    oldest = out.oldest_ts
                    if oldest is None or ts < oldest:
                        out.oldest_ts = ts
                    newest = out.newest_ts
                    if newest is None or ts > newest:
                        out.newest_ts = ts
                spans = None
                plain = type(line) is str
                # (The reader takes an exact str: a decoded line comes as a subclass.) A line
                # of a document or a record has its fields from its structure (field_of).
                at = _object_start(line if plain else str(line)) if (
                    plain or not line.fields) else -1
                if at >= 0:
                    stop = max(m[1] for m in matches)
                    # The line's shapes came right before it: read its tokens as far as the
                    # last one that a shape without a field name stands in, too.
                    last = -1
                    k = len(shapes) - 1 if shapes else -1
                    while k >= counted and shapes[k][0] == index:
                        if shapes[k][6] is None and shapes[k][3] > last:
                            last = shapes[k][3]
                        k -= 1
                    spans = jsonpaths.value_spans(line, max(stop, last), at)
                    if last >= 0:
                        json_spans[index] = spans
                for entity, start, end, score in matches:
                    field_name = None
                    lo, hi = start + shift, end + shift
                    # The field: a JSON line's key path, or what the line's structure gives
                    # (a record's column, a document's key path), offsets in its value; else
                    # the key of a pair, offsets in the line.
                    where = None if plain else field_of(line, start, end)
                    # A structure's field is the finding's; its evidence keeps the name that
                    # stands for the whole value (name_at), as the shapes are counted.
                    evidence = where is None
                    if evidence and spans:
                        where = jsonpaths.field_at(spans, start, end)
                    if where is not None:
                        field_name, token_start = where
                        lo, hi = start - token_start, end - token_start
                        out.fields.add(field_name)
                    else:
                        # A value a key names: ``key=value``, ``&key=`` in a query,
                        # ``'key': 'value'`` (logfmt, 1C's technological journal, a Python
                        # dict), or a decoded structure's name for it. Its offsets stay the
                        # line's: in its value they would say nothing (it starts the value).
                        field_name = (None if plain else name_at(line, start, end)) or (
                            key_before(line, start))
                        if field_name is not None:
                            out.fields.add(field_name)
                    # Decoded when the line was read decoded (``%40``, ``\u0430``): a
                    # DecodedLine; a line read as it stands is a str, sliced here (a call
                    # to value_at and name_at cost more than their work).
                    value = line[start:end] if plain else value_at(line, start, end)
                    name = None
                    if entity in checksum:
                        # The field's name (a key path, a pair's key: read above), or what
                        # names the whole value within a record's or a document's field.
                        name = field_name if evidence else (
                            (None if plain else name_at(line, start, end))
                            or key_before(line, start))
                    if name is None:
                        _count_hit(self, out, field_name, row, lo, hi, entity, score, value,
                                   ts)
                    else:
                        # In a named field: the field's share of valid candidates decides.
                        touched.add((name, entity))
                        waiting += self._field_hit(
                            out, name, field_name, row, lo, hi, entity, score, value, ts,
                            checksum[entity].context_verdict(line, start))
                        if waiting >= DECIDE_EVERY:
                            # Verdicts as the batch goes, on the shapes of the lines read so
                            # far (each line's shapes come before its matches).
                            self._count_shapes(out, shapes[counted:], touched, json_spans)
                            counted = len(shapes)
                            json_spans.clear()
                            self._decide(out, touched)
                            touched.clear()
                            waiting = 0
                    # Set right after each hit, so that an interrupt between two statements
                    # never counts a line whose hit is missing, nor misses one it counted.
                    done = index
        except KeyboardInterrupt:
            # Interrupted midway through the batch: only the lines up to the last one seen
            # count as scanned (a lower bound), so hits never outnumber the rows they are in.
            if not batch.continued:
                out.rows += done + 1
            raise
        if shapes:
            self._count_shapes(out, shapes[counted:], touched, json_spans)
        self._decide(out, touched)
        if not batch.continued:
            newlines = batch.newlines if batch.newlines is not None else data.count(b"\n")
            out.rows += newlines + (0 if data.endswith(b"\n") else 1)
        out.bytes += len(data)

    # -- evidence per log field -------------------------------------------------------------

    def _field_hit(
        self, out: ContainerOutcome, name: str, field_name: str | None, row: int, start: int,
        end: int, entity: str, score: float, value: str, ts: str | None,
        supported: bool | None,
    ) -> int:
        """A hit in a named log field: recorded once the field holds the entity, kept until
        then (returns 1 when kept). A word of the entity before it decides at once."""
        log_field = out.log_fields.get((name, entity))
        if log_field is None:
            log_field = out.log_fields[(name, entity)] = LogField()
        if log_field.state != HOLDS:
            log_field.add_valid(shape_key(value))
        if supported:
            log_field.supported += 1
            if log_field.state != HOLDS:
                self._holds(out, log_field)
        if log_field.state == HOLDS:
            _count_hit(self, out, field_name, row, start, end, entity, score, value, ts)
            return 0
        log_field.wait(self._prepare(out, field_name, row, start, end, entity, score,
                                     value, ts))
        return 1

    def _count_shapes(
        self, out: ContainerOutcome, shapes: list, touched: set[tuple[str, str]],
        json_spans: dict[int, list] | None = None,
    ) -> None:
        """Counts each shaped candidate in the field it stands in (none: free text).

        ``json_spans``: the tokens of JSON lines already read (``jsonpaths.value_spans``), by
        line index, each as far as the last of the line's shapes at least: a bisection finds
        the same token in them as in all of the line's.
        """
        spans: list | None = None
        spans_of = -1
        for index, line, entity, start, end, value, name in shapes:
            # (_object_start takes an exact str: a line read decoded is a subclass.)
            if name is None and (at := _object_start(
                    line if type(line) is str else str(line))) >= 0:
                if spans_of != index:
                    spans = json_spans.get(index) if json_spans else None
                    if spans is None:
                        spans = jsonpaths.value_spans(line, None, at)
                    spans_of = index
                where = jsonpaths.field_at(spans, start, end) if spans else None
                name = where[0] if where is not None else None
            if name is None:
                name = key_before(line, start)
                if name is None:
                    continue
            log_field = out.log_fields.get((name, entity))
            if log_field is None:
                log_field = out.log_fields[(name, entity)] = LogField()
            elif log_field.state == HOLDS:
                continue  # decided: nothing left to count
            log_field.add_shape(shape_key(value))
            touched.add((name, entity))

    def _decide(self, out: ContainerOutcome, touched: set[tuple[str, str]]) -> None:
        """Fields whose counts now hold their entity: their waiting hits are recorded."""
        for name, entity in touched:
            log_field = out.log_fields[(name, entity)]
            if log_field.state != HOLDS and log_field.verdict(name, entity):
                self._holds(out, log_field)

    def _holds(self, out: ContainerOutcome, log_field: LogField) -> None:
        """The field holds its entity: its kept hits are recorded, the next ones at once."""
        log_field.hold()
        for prepared in log_field.buffer:
            record(out, prepared, self.options.max_examples)
        log_field.buffer.clear()

    # -- one hit ----------------------------------------------------------------------------

    def _prepare(
        self, out: ContainerOutcome, field_name: str | None, row: int, start: int, end: int,
        entity: str, score: float, value: str, ts: str | None,
    ) -> tuple:
        """What :func:`_count_hit` would record, computed now, for :func:`record` later."""
        distinct, rank = distinct_and_rank(self.key, entity, value)
        example = value if self.options.show_values else mask(entity, value)
        reason = hit = None
        if self._counting.hashing:
            reason, hit = _reason_and_hit(self, out, field_name, row, start, end, entity, score,
                                          value)
        return (field_name, entity, row, score, distinct, rank, example, ts, reason, hit)

    def _make_hit(
        self, out: ContainerOutcome, field_name: str | None, row: int, start: int, end: int,
        entity: str, score: float, value: str, hashed: str, masked: str,
    ) -> HitRow:
        """One row of hits.parquet: the value's mask and keyed hash (the value itself only
        when the user asked for values). A tuple in the order of ``hitparts.FIELDS``, not a
        ``Hit``: a frozen dataclass's ``__init__`` took 21,000 of the 77,000 instructions a
        hit cost with ``--hits`` on the dense benchmark corpus (callgrind); the reader of the
        hits makes Hits of the rows it is asked for."""
        rounded = _ROUNDED.get(score)
        if rounded is None:  # a few scores recur: round() formats its float each call
            if len(_ROUNDED) >= 4096:  # a recognizer of continuous scores (a user's)
                _ROUNDED.clear()
            rounded = _ROUNDED[score] = round(score, 4)
        return (printable(self.source.name), printable(out.container.name), field_name, row,
                start, end, entity,
                rounded, masked, hashed,
                value if self.options.show_values else None)


#: ``round(score, 4)`` of each score met: scores are a recognizer's base score, raised or
#: not by context, a few dozen values in all.
_ROUNDED: dict[float, float] = {}


def _object_start(line: str) -> int:
    """Where the JSON object a line holds begins, or -1: at its first character but spaces
    when that is ``{`` (a JSON line); else at the first ``{`` that a ``"`` follows, spaces
    between (an object after a log line's words: ``payload={"iin": ...}``, ``Response body:
    {"client": ...}``; not ``{traceId=...}``, a log4j context). Compiled, each brace is
    found by ``str.find`` and the characters after it read in C: most lines hold none, and
    reading every character of one as C integers took 7.6% of a scan of the dense corpus."""
    if not _COMPILED:
        stripped = line.lstrip()
        if stripped.startswith("{"):
            return len(line) - len(stripped)
        m = _EMBEDDED_OBJECT.search(line)
        return -1 if m is None else m.start()
    i = line.find("{")
    if i < 0:
        return -1
    k = 0
    while k < i and line[k].isspace():
        k += 1
    if k == i:
        return i  # a JSON line: nothing but spaces before its brace
    n = len(line)
    while i >= 0:
        k = i + 1
        while k < n and line[k].isspace():
            k += 1
        if k < n and line[k] == '"':
            return i
        i = line.find("{", i + 1)
    return -1


#: A JSON object after a log line's words: a brace, then a key's quote.
_EMBEDDED_OBJECT = re.compile(r'\{\s*"')


#: Whether this module runs compiled (Cython): then :func:`_object_start` reads characters.
_COMPILED = not __file__.endswith(".py")


class _Counting:
    """What :func:`_count_hit` reads of its scanner at every hit: compiled, an extension type
    with C fields (``container.pxd``), not five attribute lookups a hit."""

    def __init__(self, key: bytes, options: ScanOptions) -> None:
        self.key = key
        # Values repeat (the same client IP on every line): hash each once. By entity, then
        # value: dicts of strings and bytes, which the collector does not walk. The digest is
        # the very object the aggregates' distinct sets keep (no copy).
        self.memo: dict[str, dict[str, bytes]] = {}
        #: By entity, then value: its HMAC and its mask (None unless hits are kept).
        self.shown: dict[str, dict[str, tuple]] = {}
        self.max_examples = options.max_examples
        self.show_values = bool(options.show_values)
        #: Each hit's HMAC is needed: for the allowlist, or for hit rows.
        self.hashing = bool(options.allowed_values or options.hits)


def _count_hit(
    scanner: ContainerScanner,
    out: ContainerOutcome,
    field_name: str | None,
    row: int,
    start: int,
    end: int,
    entity: str,
    score: float,
    value: str,
    ts: str | None,
) -> None:
    """Count one hit into its aggregate (a function, not a method: compiled, it is called
    in C with C arguments, and reads the aggregate's C fields, ``container.pxd``)."""
    # Distinct values are counted by a cheap keyed digest; the HMAC that reports show
    # is computed only for hit rows.
    counting = scanner._counting
    memos = counting.memo
    memo = memos.get(entity)
    if memo is None:
        memo = memos[entity] = {}
    distinct = memo.get(value)
    rank = -1
    if distinct is None:
        if len(memo) >= MEMO_SIZE:
            memo.clear()
        # A value not met lately: its digest and example rank from one normal form.
        distinct, rank = distinct_and_rank(counting.key, entity, value)
        memo[value] = distinct
    hit = reason = None
    if counting.hashing:
        reason, hit = _reason_and_hit(scanner, out, field_name, row, start, end, entity, score,
                                      value)
    aggs = out.aggs
    key = (field_name, entity)
    agg = aggs.get(key)
    if agg is None:
        agg = aggs[key] = _Agg()
    # Counted and kept with nothing between them that runs Python code, where a signal's
    # KeyboardInterrupt may land (compiled; the value's HMAC and its mask are Python calls,
    # and come before): an interrupted scan's hits.parquet holds every hit its findings count.
    new = agg.add(row, score, distinct)
    if hit is not None:
        out.hits.append(hit)
    if new:
        if rank < 0:
            # Met before, new to this aggregate (another field), or past DISTINCT_CAP.
            # Not kept beside the digest: a second dict per entity costs a megabyte.
            rank = example_rank(entity, value)
        if agg.wants(rank, counting.max_examples):
            # Masked only when it may be shown: most values never become an example.
            agg.offer(rank, value if counting.show_values else mask(entity, value),
                      counting.max_examples)
    if ts is not None and (agg.oldest is None or ts < agg.oldest):
        agg.oldest = ts
    if reason is not None:
        agg.allowed += 1
        agg.allowed_reason = agg.allowed_reason or reason
    if hit is not None and len(out.hits) >= scanner._spill_at:
        scanner.spill(out)  # Python too: last, when the hit is counted whole


def _reason_and_hit(
    scanner: ContainerScanner, out: ContainerOutcome, field_name: str | None, row: int,
    start: int, end: int, entity: str, score: float, value: str,
) -> tuple:
    """The allowlist's reason for a value and its row of hits.parquet, each None when the
    scan does not ask for it: what counting a hit runs of Python code (the value's HMAC, its
    mask), done before the hit is counted (:func:`_count_hit`)."""
    options = scanner.options
    # A value met lately (the same client address line after line) is not hashed and
    # masked again: by entity, then value, what the HMAC and the mask gave.
    shown = scanner._counting.shown
    memo = shown.get(entity)
    if memo is None:
        memo = shown[entity] = {}
    known = memo.get(value)
    if known is None:
        if len(memo) >= SHOWN_MEMO_SIZE:
            memo.clear()
        known = memo[value] = (value_hash(scanner.key, entity, value),
                               mask(entity, value) if options.hits else None)
    hashed = known[0]
    reason = options.allowed_values.get(hashed) if options.allowed_values else None
    hit = None
    if options.hits:
        hit = scanner._make_hit(out, field_name, row, start, end, entity, score, value, hashed,
                                known[1])
    return reason, hit


#: Values a scanner keeps the HMAC and the mask of, per entity (:func:`_reason_and_hit`):
#: fewer than the distinct digests (``MEMO_SIZE``), as each takes two strings more.
SHOWN_MEMO_SIZE = 4096


def record(out: ContainerOutcome, prepared: tuple, max_examples: int) -> None:
    """Records a hit prepared by ``ContainerScanner._prepare``, as :func:`_count_hit` would
    have."""
    field_name, entity, row, score, distinct, rank, example, ts, reason, hit = prepared
    key = (field_name, entity)
    agg = out.aggs.get(key)
    if agg is None:
        agg = out.aggs[key] = _Agg()
    new = agg.add(row, score, distinct)
    if hit is not None:  # kept as it is counted (see _count_hit)
        out.hits.append(hit)
    if new and agg.wants(rank, max_examples):
        agg.offer(rank, example, max_examples)
    if ts is not None and (agg.oldest is None or ts < agg.oldest):
        agg.oldest = ts
    if reason is not None:
        agg.allowed += 1
        agg.allowed_reason = agg.allowed_reason or reason


def _shifted_hits(hits: Iterable[HitRow], lines: int) -> list[HitRow]:
    return [_shifted_row(h, lines) for h in hits]


def _shifted_row(hit: HitRow, lines: int) -> HitRow:
    return (*hit[:ROW], hit[ROW] + lines, *hit[ROW + 1:])


def _shifted_prepared(prepared: tuple, lines: int) -> tuple:
    """A hit prepared by ``ContainerScanner._prepare``, ``lines`` lines further down."""
    field_name, entity, row, score, distinct, rank, example, ts, reason, hit = prepared
    if hit is not None:
        hit = _shifted_row(hit, lines)
    return (field_name, entity, row + lines, score, distinct, rank, example, ts, reason, hit)


def settle_log_fields(out: ContainerOutcome, max_examples: int) -> None:
    """At the end of a container (its byte ranges merged): the hits still waiting in log
    fields whose evidence now holds are recorded; the others are dropped."""
    for (name, entity), log_field in out.log_fields.items():
        if log_field.buffer and log_field.verdict(name, entity):
            log_field.hold()
            for prepared in log_field.buffer:
                record(out, prepared, max_examples)
        log_field.buffer.clear()


_INTEGER_TYPE = re.compile(
    r"(?:tiny|small|medium|big)?int(?:eger)?\b.*|u?int\d+|(?:numeric|decimal|number)"
    r"\(\s*\d+\s*(?:,\s*0\s*)?\)",
    re.IGNORECASE,
)


def is_integer_type(container: Container, field_name: str) -> bool:
    """Whether ``field_name`` is a column of ``container`` that stores whole numbers."""
    for column in container.columns:
        if column.name == field_name:
            return _INTEGER_TYPE.fullmatch(column.type.strip()) is not None
    return False


def field_context(field_name: str) -> tuple[str, ...]:
    """A column or key path as context words: its last component, and the whole path."""
    last = field_name.rsplit(".", 1)[-1].replace("[]", "")
    return (last,) if last == field_name else (last, field_name)
