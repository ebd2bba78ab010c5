"""The derbes recognizer model: patterns, context words and a checksum, without Presidio.

A derbes recognizer is data plus a checksum, as in Presidio's country recognizers:

* ``PATTERNS``: :class:`Pattern` records (name, regex, score) with low base scores.
  Boundaries are written as lookarounds, every quantifier is bounded, so matching stays
  linear in the input.
* ``PREFILTERS``: byte regexes in the syntax Hyperscan, RE2 and ``re`` share (no lookarounds)
  that match *at least* wherever a pattern matches. The compiled fast path
  (``derbes.scanner.engine.fastpath``) runs them over large chunks to find the few lines worth
  running the patterns on; a differential test holds them to that promise.
* ``CONTEXT`` and ``NEGATIVE_CONTEXT``: words in Russian, Kazakh and English. The nearest one
  before a match on the same line, or in the field name (column, JSON key) the caller passes
  as Presidio's ``context``, decides: a positive word raises the score, a negative one
  (``request_id`` before a UUID) does not.
* ``validate_result()``: the checksum. ``True`` makes a match certain, ``False`` kills it.
* What the entity is beyond its patterns: ``COLUMN_NAMES``, the column names and JSON keys
  that name it (``derbes.scanner.names`` reads them); ``NORMALIZE``, its values' normal form
  (what is hashed, so that two spellings of one phone are one value); ``MASK``, the preview a
  report shows. The last two are picked from :mod:`derbes.detectors.values`. So adding an
  entity touches ``detectors/`` only: a recognizer file and a line of the registry.

Presidio's own context enhancer reads NLP tokens, which a blank engine does not have and which
would make the result depend on the NLP model. So context is scored here, and results are
marked as already enhanced. The result is the same whether the recognizer runs inside any
Presidio ``AnalyzerEngine`` or inside derbes' fast path, which calls
:meth:`DerbesRecognizer.find` on candidate lines only.

This module imports nothing of Presidio, whose import costs seconds (it loads spaCy): a scan
with derbes' own recognizers never needs it. :mod:`derbes.detectors.presidio` turns any
recognizer into a real Presidio ``PatternRecognizer`` when a registry is asked for.
"""

from __future__ import annotations

import functools
import os
import re
from collections import namedtuple
from collections.abc import Callable, Iterable, Sequence
from typing import ClassVar, TypeVar

from derbes.detectors import values

# Letters of the Kazakh and Russian alphabets and Latin, for word boundaries of context words.
_WORD_CHARS = "0-9a-zа-яёәғқңөұүһі"
_CAMEL = re.compile(r"(?<=[a-zа-я])(?=[A-ZА-Я])")

Span = tuple[int, int, float]
T = TypeVar("T")


# A namedtuple made by call, not a class with annotations: the same under Cython.
Pattern = namedtuple("Pattern", ("name", "regex", "score"), module=__name__)
Pattern.__doc__ = "One regex of a recognizer, with its base score: Presidio's ``Pattern``, as data."


class DerbesRecognizer:
    """Base class of every derbes recognizer. Subclasses set the class constants."""

    ENTITY: ClassVar[str] = ""
    PATTERNS: ClassVar[Sequence[Pattern]] = ()
    PREFILTERS: ClassVar[Sequence[bytes]] = ()
    #: For each pattern name, the indexes of the PREFILTERS that cover it on their own. With
    #: it, the fast path runs on a line only the patterns whose prefilters matched there.
    PATTERN_PREFILTERS: ClassVar[dict[str, Sequence[int]]] = {}
    #: Indexes of PREFILTERS whose every match ends in at most one match of each pattern they
    #: stand for (distinct matches of a pattern end distinct matches of the prefilter). On a
    #: line where such a prefilter matched once and no other prefilter of a pattern matched,
    #: the pattern matches at most once: the fast path stops at its first match.
    PREFILTER_DISTINCT: ClassVar[frozenset[int]] = frozenset()
    #: Indexes of PREFILTERS written for the bytes of a legacy single-byte encoding (cp1251),
    #: which the others cover in UTF-8: the scan engine reads UTF-8 only (a log file in cp1251
    #: is transcoded, values are encoded), so its fast path leaves them out. In UTF-8 text
    #: they are not needed and match at random (a cp1251 capital's byte is a byte of UTF-8
    #: Cyrillic), each match a line a recognizer reads in vain.
    LEGACY_PREFILTERS: ClassVar[frozenset[int]] = frozenset()
    CONTEXT: ClassVar[Sequence[str]] = ()
    NEGATIVE_CONTEXT: ClassVar[Sequence[str]] = ()
    #: Names of patterns whose matches are dropped unless context supports them.
    CONTEXT_REQUIRED: ClassVar[frozenset[str]] = frozenset()
    #: Whether a negative word nearest to a match drops it even where context is optional
    #: (``version 1.2.3.4`` is no IP address, ``order 4111...`` no card).
    NEGATIVE_CONTEXT_KILLS: ClassVar[bool] = False
    #: Names of patterns that a nearest negative word drops even when the recognizer's other
    #: patterns keep their matches (a bare number in a record after «заказ»).
    NEGATIVE_KILLS_PATTERNS: ClassVar[frozenset[str]] = frozenset()
    #: How many characters before a match, on the same line, are searched for context.
    CONTEXT_WINDOW: ClassVar[int] = 48
    CONTEXT_BOOST: ClassVar[float] = 0.35
    CONTEXT_FLOOR: ClassVar[float] = 0.4
    VALIDATED_SCORE: ClassVar[float] = 1.0
    #: For numbers of a fixed width that may begin with zeros (IIN, BIN): the width, so that
    #: a value read from an integer column, which lost them, is also tried padded back.
    INTEGER_WIDTH: ClassVar[int | None] = None
    FLAGS: ClassVar[int] = 0
    #: What validates a match, in ``en``, ``ru`` and ``kk``, for ``derbes detectors``.
    VALIDATION: ClassVar[dict[str, str]] = {}
    #: Column names and JSON keys that name the entity, as whole tokens of a name cut at
    #: ``_``, ``-``, ``.``, spaces and camelCase, case-folded (``client_iin``, ``телефон``).
    COLUMN_NAMES: ClassVar[tuple[str, ...]] = ()
    #: Names holding such a token that mean something else (``email_verified``); a name
    #: with one of these names no entity.
    NOT_COLUMN_NAMES: ClassVar[tuple[str, ...]] = ()
    #: Keys under which a bare name field (``OWNED_NAMES``: ``name``) names this entity:
    #: ``customer.name`` is a person's, ``item.name`` a product's (``derbes.scanner.names``).
    NAME_OWNERS: ClassVar[frozenset[str]] = frozenset()
    OWNED_NAMES: ClassVar[tuple[str, ...]] = ()
    #: Patterns every match of which holds an anchor (``"@"``) and can start at one place
    #: only before it: pattern name -> (anchor, the function giving that place, see
    #: :func:`anchored_matches`). ``re`` then tries them there, not at every character.
    ANCHORED: ClassVar[dict[str, tuple[str, Callable[[str, int, int], int]]]] = {}
    #: Patterns every match of which starts where a run of some ASCII characters starts (no
    #: such character right before it), a run of a length in a range: pattern name ->
    #: (the characters, shortest, longest; 0: no limit), and optionally a fourth item, the
    #: characters a match's first one is among (a phone's 7 or 8 of a run of any digits). A
    #: lookbehind that excludes all of them before a first character among them says so.
    #: Compiled, ``re`` tries such a pattern only at those places (:func:`run_matches`).
    #: Declared where that was measured faster (``re`` finds a literal first character
    #: faster: ``0x``, ``+``).
    RUNS: ClassVar[dict[str, tuple]] = {}
    #: The normal form of a value (hashed: equal values, equal forms). Every recognizer of
    #: an entity has the same (a test checks).
    NORMALIZE: ClassVar[Callable[[str], str]] = staticmethod(values.stripped)
    #: The masked preview of a value in reports: its kind, nothing personal.
    MASK: ClassVar[Callable[[str], str]] = staticmethod(values.last_two)

    def __init__(self, supported_language: str = "en", name: str | None = None) -> None:
        # The attributes a Presidio recognizer has too, with the same meaning.
        self.name = name or type(self).__name__
        self.supported_language = supported_language
        self.supported_entities = [self.ENTITY]
        self.patterns = [Pattern(p.name, p.regex, p.score) for p in self.PATTERNS]
        self.context = list(self.CONTEXT)
        self._compiled = [
            (p.name, re.compile(first_character_first(p.regex, self.FLAGS), self.FLAGS), p.score)
            for p in self.patterns
        ]
        self._context_rx = _context_regex(self.CONTEXT, self.NEGATIVE_CONTEXT)
        #: RUNS with each set of characters as the bit masks run_matches reads; none as
        #: Python, where run_matches is slower than ``re``.
        self._runs = {name: run_masks(run) for name, run in self.RUNS.items()
                      } if _COMPILED else {}
        # invalidate_result() says nothing unless a subclass overrides it: without one, the
        # call per match is skipped.
        #: Whether context_score is a subclass's own (find() then calls it per candidate).
        self._own_score = type(self).context_score is not DerbesRecognizer.context_score
        self._invalidates = (
            type(self).invalidate_result is not DerbesRecognizer.invalidate_result)
        self._field_verdicts: dict[tuple[str, ...], bool | None] = {}
        self._windows = None if self._context_rx is None else _ContextWindows(
            self._context_rx, [*self.CONTEXT, *self.NEGATIVE_CONTEXT], self.CONTEXT_WINDOW)

    # -- the lean path, shared by Presidio's hooks (detectors/presidio.py) and the fast path ----

    def candidates(
        self,
        text: str,
        patterns: frozenset[str] | None = None,
        once: frozenset[str] = frozenset(),
    ) -> list[tuple[int, int, float, str]]:
        """Pattern matches that survive validation: ``(start, end, base score, pattern name)``.

        ``patterns`` limits the run to those pattern names (the fast path's per-pattern hint);
        the patterns in ``once`` can match at most once in ``text`` (the fast path knows).
        """
        out = []
        for pattern_name, rx, score in self._compiled:
            if patterns is not None and pattern_name not in patterns:
                continue
            # A pattern may match more than it reports: a ``value`` group is the span.
            has_value = "value" in rx.groupindex
            for m in self.matches(pattern_name, rx, text, pattern_name in once):
                start, end = m.span("value") if has_value else m.span()
                if start == end:
                    continue
                value = text[start:end]
                valid = self.validate_result(value)
                if valid is False or (self._invalidates and self.invalidate_result(value)):
                    continue
                out.append((start, end, self.VALIDATED_SCORE if valid else score, pattern_name))
        return out

    def matches(
        self, pattern_name: str, rx: re.Pattern, text: str, once: bool = False
    ) -> Iterable[re.Match]:
        """``rx.finditer(text)`` (one search when ``once``); for a pattern of
        :attr:`ANCHORED`, the same matches found from anchor to anchor
        (:func:`anchored_matches`)."""
        anchored = self.ANCHORED.get(pattern_name)
        # The readers take an exact str (a decoded line comes as a subclass).
        if anchored is not None:
            return anchored_matches(rx, text if type(text) is str else str(text), anchored[0],
                                    anchored[1], once)
        runs = self._runs.get(pattern_name)
        if runs is not None:
            low, high, shortest, longest, first_low, first_high = runs
            return run_matches(rx, text if type(text) is str else str(text), low, high,
                               shortest, longest, once, first_low, first_high)
        return first_match(rx, text) if once else rx.finditer(text)

    def context_score(
        self,
        text: str,
        start: int,
        score: float,
        pattern_name: str,
        field_context: Sequence[str] | None = None,
    ) -> float:
        """The score after context: raised by a supporting word, 0 when context is required."""
        return _after_context(
            self, self.context_verdict(text, start, field_context), score, pattern_name)

    def has_context(
        self, text: str, start: int, field_context: Sequence[str] | None = None
    ) -> bool:
        """Whether the nearest context word before ``start`` (or in the field name) supports us."""
        return self.context_verdict(text, start, field_context) is True

    def context_verdict(
        self, text: str, start: int, field_context: Sequence[str] | None = None
    ) -> bool | None:
        """True (supporting word), False (negative word) or None (no context word at all)."""
        windows = self._windows
        if windows is None:
            return None
        # The window's reader takes an exact str (compiled, its offsets are C integers): a
        # line read decoded comes as a subclass (``DecodedLine``).
        verdict = windows.verdict(text if type(text) is str else str(text), start)
        if verdict is not None or not field_context:
            return verdict
        return self._field_verdict(field_context)

    def _field_verdict(self, field_context: Sequence[str]) -> bool | None:
        """The verdict of the field names a match stands under (a column, a JSON key)."""
        key = tuple(field_context)
        verdict = self._field_verdicts.get(key, _UNSEEN)
        if verdict is _UNSEEN:
            # A column's name is the same for all its values: judge it once.
            fields = [_nearest_verdict(self._context_rx, c) for c in key]
            verdict = True if True in fields else False if False in fields else None
            if len(self._field_verdicts) > 4096:
                self._field_verdicts.clear()
            self._field_verdicts[key] = verdict
        return verdict

    def find(
        self,
        text: str,
        field_context: Sequence[str] | None = None,
        patterns: frozenset[str] | None = None,
        once: frozenset[str] = frozenset(),
    ) -> list[Span]:
        """All matches in ``text`` with their final scores, as Presidio's engine would return.

        ``patterns``: only these patterns can match here (the fast path knows); None: any.
        ``once``: these patterns match at most once here (the fast path knows).
        """
        found = []
        candidates = self.candidates(text, patterns, once)
        if not candidates:
            return found
        if self._own_score:
            for start, end, score, pattern_name in candidates:
                final = self.context_score(text, start, score, pattern_name, field_context)
                if final > 0:
                    found.append((start, end, final))
        else:
            # context_score as the base class has it, without its method calls per candidate:
            # context_verdict's steps, the window's verdict read here.
            windows = self._windows
            line = text if type(text) is str else str(text)
            for start, end, score, pattern_name in candidates:
                verdict = None
                if windows is not None:
                    verdict = windows.verdict(line, start)
                    if verdict is None and field_context:
                        verdict = self._field_verdict(field_context)
                final = _after_context(self, verdict, score, pattern_name)
                if final > 0:
                    found.append((start, end, final))
        if len(found) > 1:
            found = _remove_contained(found)
        return found

    def validate_result(self, pattern_text: str) -> bool | None:
        """The checksum: True makes a match certain, False kills it, None leaves its score."""
        return None

    def invalidate_result(self, pattern_text: str) -> bool | None:
        """Whether a match is no value after all (Presidio's hook); True kills it."""
        return False


def _after_context(
    r: DerbesRecognizer, verdict: bool | None, score: float, pattern_name: str
) -> float:
    """A candidate's score given the context verdict before it
    (:meth:`DerbesRecognizer.context_score`)."""
    if verdict:
        return min(1.0, max(score + r.CONTEXT_BOOST, r.CONTEXT_FLOOR))
    if verdict is False and (
            r.NEGATIVE_CONTEXT_KILLS or pattern_name in r.NEGATIVE_KILLS_PATTERNS):
        return 0.0
    return 0.0 if pattern_name in r.CONTEXT_REQUIRED else score


_UNSEEN = object()
#: Texts whose verdict a recognizer keeps: context windows (each at most CONTEXT_WINDOW
#: characters) as they stand and with digits made one, and pieces of them.
_WINDOWS_KEPT = 8192


def _digits_made_one(words: Sequence[str]) -> bytes:
    """A ``bytes.translate`` table making every ASCII digit that none of ``words`` holds the
    first of them. It changes no context verdict: such a digit stays a digit (a word
    character for the boundaries), and no word holds it, so no word's match begins, ends or
    runs through it, before or after."""
    free = "".join(d for d in "0123456789" if not any(d in w for w in words))
    return bytes.maketrans(free[1:].encode(), free[:1].encode() * len(free[1:]))


def _cuts(words: Sequence[str]) -> str:
    """The ASCII characters that are neither letters nor digits and that no word of ``words``
    holds, as it stands or case-folded ("" if a word is empty).

    No match of a :func:`_context_regex` can span such a character, and it changes nothing
    around it: it folds to itself, it is no word character for the boundary before a word
    (:data:`_WORD_CHARS`), and no camelCase cut (:data:`_CAMEL`) is made beside it. So the
    matches in a text are the matches in its pieces between such characters, each read
    alone, and the last word of a text is the last word of its last piece that holds one.
    """
    folded = [*words, *(w.casefold() for w in words)]
    if not all(folded):
        return ""
    held = set("".join(folded))
    word = re.compile(f"[{_WORD_CHARS}A-ZА-Я]")
    return "".join(c for c in map(chr, range(128))
                   if not c.isalnum() and c.casefold() == c and not word.match(c)
                   and c not in held)


def _with_digits_made_one(text: str, table: bytes) -> str:
    """``text`` through a :func:`_digits_made_one` table. As UTF-8 bytes: ASCII digits are
    single bytes there and no byte of another character is one; ``bytes.translate`` is a
    table lookup a byte, where ``str.translate`` looks each character up in a dict (0.2
    against 1.7 us a window)."""
    return text.encode("utf-8", "surrogatepass").translate(table).decode(
        "utf-8", "surrogatepass")


#: Every :func:`string_memo`'s cache (:func:`clear_memos`).
_MEMO_CACHES: list[dict] = []


#: The folder of the data files bundled with the detectors.
_DATA = os.path.join(os.path.dirname(os.path.abspath(__file__)), "data")


def bundled_text(name: str, encoding: str = "utf-8") -> str:
    """The data file ``data/<name>`` bundled with the detectors, as text, read from the
    package's folder (installed or editable, it lies on disk beside the modules).
    ``importlib.resources`` imports its readers on first use (``zipfile`` among them): 3-4
    ms of the first line that meets a name or an address."""
    with open(os.path.join(_DATA, name), encoding=encoding) as f:
        return f.read()


def string_memo(size: int) -> Callable[[Callable[[str], T]], Callable[[str], T]]:
    """Caches a function of one string with an atomic result (bool, str, None) in a plain
    dict, emptied when it holds ``size`` entries.

    Such a dict holds nothing the garbage collector tracks, so the collector never walks it;
    ``functools.lru_cache`` keeps a linked list node per entry, which every full collection
    walks (tens of thousands of them in a long scan). ``__wrapped__`` is the function itself.
    """

    def wrap(function: Callable[[str], T]) -> Callable[[str], T]:
        cache: dict[str, T] = {}

        @functools.wraps(function)
        def cached(value: str) -> T:
            found = cache.get(value, _UNSEEN)
            if found is _UNSEEN:
                if len(cache) >= size:
                    cache.clear()
                found = cache[value] = function(value)
            return found  # type: ignore[return-value]

        cached.cache = cache  # type: ignore[attr-defined]
        cached.cache_clear = cache.clear  # type: ignore[attr-defined]
        _MEMO_CACHES.append(cache)
        return cached

    return wrap


def clear_memos() -> None:
    """Empty every :func:`string_memo`, so that values are validated again as in a new
    process: a benchmark that scans one file several times in one process otherwise times
    the later scans with every value remembered (the dense corpus, one process, three
    runs: first scan 0.98-0.99 s, a second 0.86-0.88 s, then 0.93-0.97 s with the memos
    emptied before it)."""
    for cache in _MEMO_CACHES:
        cache.clear()


def anchored_matches(
    rx: re.Pattern, text: str, anchor: str, start_of: Callable[[str, int, int], int],
    once: bool = False,
) -> list[re.Match]:
    """``rx.finditer(text)`` (only the first match when ``once``) for a pattern each match of
    which holds ``anchor``, and can start at one place only for the first anchor it holds:
    ``start_of(text, at, pos)`` gives that place for the anchor at ``at`` (not before
    ``pos``, where the last match ended), or -1 where no match can start.

    ``re`` would try such a pattern at every character of a line when it cannot skip ahead to
    its first character (an email's local part, an IPv6 address' first group). Here
    ``str.find`` goes from anchor to anchor and ``rx.match`` tries that one place: it sees the
    text before its start, so lookbehinds read as in ``finditer``, and a match resumes the
    search at its end, as ``finditer`` does. The places grow with the anchors (the anchor is
    none of the characters ``start_of`` walks back over), so the first match found is the
    leftmost.
    """
    out = []
    pos = 0
    find = text.find
    match = rx.match
    while True:
        at = find(anchor, pos)
        if at < 0:
            return out
        start = start_of(text, at, pos)
        m = match(text, start) if start >= 0 else None
        if m is None:
            pos = at + 1
            continue
        out.append(m)
        if once:
            return out
        pos = m.end()


#: The characters of the runs most patterns of RUNS start at.
DIGITS = "0123456789"
#: Not right after a plus sign that starts a token: ``+380501234465`` is a phone number in
#: E.164 form (Ukraine's), whose twelve digits also read as a date-shaped IIN with a valid
#: check digit one time in eleven; ``+4915123456241`` (Germany) passes Luhn as a Visa number
#: one time in ten. A plus after a word character is a space of a form-encoded query
#: (``q=ИИН+880101300123``) and stops nothing. For the patterns of a bare run of digits.
NOT_AFTER_PLUS_SIGN = r"(?<!(?<!\w)\+)"
HEX = "0123456789ABCDEFabcdef"
ALNUM = DIGITS + "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"


def char_masks(chars: str) -> tuple[int, int]:
    """ASCII ``chars`` as two 64-bit masks: bit ``c`` of the first for code ``c`` < 64, bit
    ``c - 64`` of the second for the others."""
    low = high = 0
    for c in chars:
        code = ord(c)
        if code >= 128:
            raise ValueError(f"not ASCII: {c!r}")
        if code < 64:
            low |= 1 << code
        else:
            high |= 1 << (code - 64)
    return low, high


def run_masks(run: tuple) -> tuple[int, int, int, int, int, int]:
    """A :attr:`DerbesRecognizer.RUNS` entry as :func:`run_matches` reads it: the run's
    characters as masks, its lengths, and the masks of the characters a match starts with
    (both 0: any of the run's)."""
    chars, shortest, longest, *first = run
    first_low, first_high = char_masks(first[0]) if first else (0, 0)
    return (*char_masks(chars), shortest, longest, first_low, first_high)


def run_matches(
    rx: re.Pattern, text: str, low: int, high: int, shortest: int, longest: int,
    once: bool = False, first_low: int = 0, first_high: int = 0,
) -> list[re.Match]:
    """``rx.finditer(text)`` (only the first match when ``once``) for a pattern every match
    of which starts where a run of the characters of ``low``/``high`` (:func:`char_masks`)
    starts, a run ``shortest`` to ``longest`` long (0: any length;
    :attr:`DerbesRecognizer.RUNS`), with a first character of ``first_low``/``first_high``
    (both 0: any): ``rx.match`` tried at those places, from where the last match ended.

    ``re`` tries such a pattern at every character it may start with (an IIN at every digit:
    3 us for a JSON API line full of ids, times and amounts); this reads the line once, in C
    when compiled (``base.pxd``), and ``rx.match`` sees the text before its start, so
    lookbehinds read as in ``finditer``; a match resumes the search at its end, as
    ``finditer`` does.
    """
    if _IN_PLACE:
        # The characters read in place (PyUnicode_READ of the string's kind and data), where
        # text[i] checks the index and the kind again at every character.
        kind = PyUnicode_KIND(text)  # noqa: F821
        data = PyUnicode_DATA(text)  # noqa: F821
    out = []
    n = len(text)
    pos = 0
    i = 0
    any_first = first_low == 0 and first_high == 0
    while i < n:
        code = PyUnicode_READ(kind, data, i) if _IN_PLACE else ord(text[i])  # noqa: F821
        if not _in_masks(code, low, high):
            i += 1
            continue
        starts = any_first or _in_masks(code, first_low, first_high)
        j = i + 1
        while j < n:
            code = PyUnicode_READ(kind, data, j) if _IN_PLACE else ord(text[j])  # noqa: F821
            if not _in_masks(code, low, high):
                break
            j += 1
        if starts and i >= pos and shortest <= j - i and (longest == 0 or j - i <= longest):
            m = rx.match(text, i)
            if m is not None:
                out.append(m)
                if once:
                    return out
                pos = m.end()
        i = j
    return out


def _in_masks(code: int, low: int, high: int) -> bool:
    """Whether the character of ``code`` is one of :func:`char_masks`' ``low``/``high``."""
    if code < 64:
        return low >> code & 1 == 1
    return code < 128 and high >> (code - 64) & 1 == 1


#: Whether this module runs compiled (Cython): then :func:`run_matches` reads a line
#: in C; as Python it is slower than ``re``, and ``finditer`` runs instead.
_COMPILED = not __file__.endswith(".py")
#: The same, as a C flag when compiled (``base.pxd``): tested at every character.
_IN_PLACE = _COMPILED


def first_character_first(regex: str, flags: int = 0) -> str:
    """``regex`` with the lookbehinds it starts with moved after its first character, where
    that can be done without changing a match: ``(?<![0-9A-Za-z-])[0-9]{12}`` becomes
    ``[0-9](?<!(?:[0-9A-Za-z-])(?s:.))[0-9]{11}``; any other regex comes back as it is.

    A pattern that starts with a lookbehind is tried by ``re`` at every character of a line
    (the lookbehind, then the first character); one that starts with a character (or a
    class) is tried only where that character stands. Each lookbehind, read one character
    later, spans that character too (``(?s:.)``: any, a newline included). The first token
    must match at least one character: a class, an escaped or plain character, alone or
    with ``{n}``, ``{n,m}`` (n >= 1) or ``+``. Recognizers compile their patterns through
    this; ``PATTERNS`` keep the plain form (Presidio's recognizers use it), and a test holds
    the two to the same matches. A verbose regex (``re.VERBOSE`` in ``flags``), whose spaces
    and comments are no characters, comes back as it is.
    """
    if flags & re.VERBOSE:
        return regex
    behind: list[str] = []
    at = 0
    while regex.startswith(("(?<!", "(?<="), at):
        end = _group_end(regex, at)
        if end < 0:
            return regex
        behind.append(f"{regex[at:at + 4]}(?:{regex[at + 4:end - 1]})(?s:.))")
        at = end
    if not behind:
        return regex
    m = _FIRST_TOKEN.match(regex, at)
    if m is None:
        return regex
    token, low, high, plus = m.group("token", "low", "high", "plus")
    if plus:
        rest = f"{token}*"
    elif low is None:
        rest = ""
    elif high is None:
        rest = f"{token}{{{int(low) - 1}}}"
    elif high == "":
        rest = f"{token}{{{int(low) - 1},}}"
    else:
        rest = f"{token}{{{int(low) - 1},{int(high) - 1}}}"
    return token + "".join(behind) + rest + regex[m.end():]


#: One character: a class without nested brackets, an escaped character, or a plain one;
#: then a quantifier of at least one (or none). Not followed by a quantifier's ``?``/``+``.
_FIRST_TOKEN = re.compile(
    r"(?P<token>\[(?:\\.|[^\]\\\[])+\]|\\[^0-9A-Za-z]|[0-9A-Za-z_:;,@-])"
    r"(?:\{(?P<low>[1-9][0-9]*)(?:,(?P<high>[0-9]*))?\}|(?P<plus>\+))?(?![?+*{])"
)


def _group_end(regex: str, start: int) -> int:
    """Where the group opening at ``start`` ends (after its ``)``), or -1."""
    depth = 0
    i = start
    in_class = False
    while i < len(regex):
        c = regex[i]
        if c == "\\":
            i += 2
            continue
        if in_class:
            in_class = c != "]"
        elif c == "[":
            in_class = True
            if regex.startswith("]", i + 1) or regex.startswith("^]", i + 1):
                i += 1 + (regex[i + 1] == "^")  # a "]" right after "[" is a character
        elif c == "(":
            depth += 1
        elif c == ")":
            depth -= 1
            if depth == 0:
                return i + 1
        i += 1
    return -1


def first_match(rx: re.Pattern, text: str) -> tuple[re.Match, ...]:
    """``rx.finditer(text)`` for a pattern known to match at most once: one search, which
    stops at that match instead of reading the rest of the text."""
    m = rx.search(text)
    return () if m is None else (m,)


def _context_regex(positive: Sequence[str], negative: Sequence[str]) -> re.Pattern | None:
    """The context words as one regex over case-folded text: negative words first, each
    list longest first; the group that matched (``neg``, ``pos``) is the verdict.

    (Written with each word's first character first, so that ``re`` skips to characters
    that begin a word, it ran 17% faster on the dense corpus' windows but took 50 ms, not
    10, to compile for the 16 recognizers: a cost every scan pays at start, for a few
    milliseconds saved on 10 MB.)
    """
    if not positive:
        return None

    def alternation(words: Sequence[str]) -> str:
        unique = sorted({w.casefold() for w in words}, key=lambda w: (-len(w), w))
        return "|".join(re.escape(w) for w in unique)

    groups = [f"(?P<pos>{alternation(positive)})"]
    if negative:
        groups.insert(0, f"(?P<neg>{alternation(negative)})")
    return re.compile(f"(?<![{_WORD_CHARS}])(?:{'|'.join(groups)})")


class _ContextWindows:
    """The context verdicts of one recognizer: :func:`_nearest_verdict` of the text before a
    match, remembered. Compiled, an extension type with C fields and offsets (``base.pxd``)."""

    def __init__(self, rx: re.Pattern, words: Sequence[str], width: int) -> None:
        self.rx = rx
        #: How many characters before a match, on its line, are read (CONTEXT_WINDOW).
        self.width = width
        #: Text -> its verdict, for windows, their pieces, and pieces with digits made one:
        #: one dict serves all three, as each text maps to its own verdict.
        self.verdicts: dict[str, bool | None] = {}
        # Whether every context word holds a letter: then a window without one (ASCII
        # punctuation, digits, spaces) holds no context word, and no regex needs to run.
        self.letters = all(any(c.isalpha() for c in w) for w in words)
        #: ASCII digits that no context word holds, all made the first of them: two windows
        #: that differ in such digits only (times, counters, ids) get the same verdict.
        self.digits = _digits_made_one(words)
        #: The characters a window is cut at (:func:`_cuts`), as bits: 0-63 and 64-127.
        cuts = [ord(c) for c in _cuts(words)]
        self.cuts_low = sum(1 << c for c in cuts if c < 64)
        self.cuts_high = sum(1 << (c - 64) for c in cuts if c >= 64)

    def verdict(self, text: str, start: int) -> bool | None:
        """The verdict of the window before ``start`` in ``text``: at most ``width``
        characters of its line."""
        lo = start - self.width
        if lo < 0:
            lo = 0
        lo = text.rfind("\n", lo, start) + 1 or lo
        window = text[lo:start]
        verdicts = self.verdicts
        # The text before a value repeats with the log line's template ("получателя БИН ",
        # "?phone="): about half the windows of a dense log were seen before.
        verdict = verdicts.get(window, _UNSEEN)
        if verdict is not _UNSEEN:
            return verdict  # type: ignore[return-value]
        if self.letters and _letterless_ascii(window):
            return None  # no letter before the match (not kept: such windows seldom recur)
        verdict = self.pieces_verdict(window)
        self._keep(window, verdict)
        return verdict  # type: ignore[return-value]

    def pieces_verdict(self, text: str) -> bool | None:
        """:func:`_nearest_verdict` of ``text``, from its pieces between the characters of
        :func:`_cuts`, last piece first, each remembered.

        A window not seen before often holds ever-new text (the hex digits of a request id
        before ``","phone":"``) and, after it, a piece seen many times (``phone``) with the
        last word: that piece is found remembered, and the pieces before it are not read."""
        low = self.cuts_low
        high = self.cuts_high
        end = len(text)
        at = end
        while at > 0:
            at -= 1
            c = ord(text[at])
            if c >= 128 or not ((low >> c) & 1 if c < 64 else (high >> (c - 64)) & 1):
                continue
            if at + 1 < end:
                verdict = self._piece_verdict(text[at + 1:end])
                if verdict is not None:
                    return verdict
            end = at
        return self._piece_verdict(text[:end]) if end else None

    def _piece_verdict(self, piece: str) -> bool | None:
        verdicts = self.verdicts
        verdict = verdicts.get(piece, _UNSEEN)
        if verdict is _UNSEEN:
            # Most pieces not seen as they stand were seen with other digits (a time, a
            # process id): judged once in the form with those digits made one.
            general = _with_digits_made_one(piece, self.digits)
            verdict = verdicts.get(general, _UNSEEN)
            if verdict is _UNSEEN:
                verdict = _nearest_verdict(self.rx, general)
                self._keep(general, verdict)
            self._keep(piece, verdict)
        return verdict  # type: ignore[return-value]

    def _keep(self, text: str, verdict: bool | None) -> None:
        # Emptied at the limit whatever the text is: when only some kinds of additions were
        # checked (a window's form with digits made one), a long log of windows that differ
        # in digits only grew the memo without end.
        if len(self.verdicts) >= _WINDOWS_KEPT:
            self.verdicts.clear()
        self.verdicts[text] = verdict


def _letterless_ascii(text: str) -> bool:
    """Whether ``text`` is ASCII without a letter: ``text.isascii() and text.lower() ==
    text.upper()`` in one pass, without the two copies (compiled, over C characters)."""
    for ch in text:
        c = ord(ch)
        if c >= 128 or 97 <= (c | 32) <= 122:  # | 32: A-Z to a-z, nothing else into them
            return False
    return True


def _nearest_verdict(rx: re.Pattern, text: str) -> bool | None:
    """True or False for the last context word in ``text``, None when there is none."""
    if not text:
        return None
    if not text.islower():  # all lower case: no camelCase boundary to cut
        text = _CAMEL.sub("_", text)
    last = None
    for last in rx.finditer(text.casefold()):  # noqa: B007
        pass
    return None if last is None else last.lastgroup == "pos"


def _remove_contained(spans: list[Span]) -> list[Span]:
    """Presidio's ``EntityRecognizer.remove_duplicates`` for one entity, on plain tuples: a
    zero score goes, and so does a span inside (or equal to) a kept one of no lower score;
    the order is Presidio's (score first)."""
    # Mostly a line's spans are apart and of one score (validated values): none is inside
    # another, and the score-first order is the order of their starts. The same span found
    # twice (by two patterns of a recognizer: a phone in JSON, bare) is one of them.
    ordered = sorted(spans)
    score = ordered[0][2]
    if score != 0:
        end = -1
        last = None
        twice = False
        for span in ordered:
            if span == last:
                twice = True
                continue
            if span[0] < end or span[1] <= span[0] or span[2] != score:
                break
            end = span[1]
            last = span
        else:
            if not twice:
                return ordered
            return [span for i, span in enumerate(ordered) if i == 0 or span != ordered[i - 1]]
    kept: list[Span] = []
    active: list[Span] = []
    for span in sorted(set(spans), key=lambda x: (x[0], x[0] - x[1], -x[2])):
        start, end, score = span
        if score == 0:
            continue
        active = [a for a in active if a[1] >= start]  # only these can contain the span
        if not any(a[0] <= start and end <= a[1] and score <= a[2] for a in active):
            kept.append(span)
            active.append(span)
    return sorted(kept, key=lambda x: (-x[2], x[0], x[0] - x[1]))
