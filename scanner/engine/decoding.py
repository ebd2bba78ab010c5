"""Text as logs write it, decoded before detection: percent-encoding, JSON escapes, odd spaces.

Logs keep values in the form their transport gave them: ``email=a%40mail.kz`` and
``phone=%2B77011234567`` in an access log's query string, ``8+701+123+45+67`` from a form,
user info in a URL (``https://a%40mail.kz@host``), ``\\u0430`` escapes in JSON written with
``ensure_ascii``, and no-break or thin spaces between the digit groups of a phone number.
Detectors read the decoded text; findings keep the offsets of the raw text (the line as it
is in the file) and mask and hash the decoded value, the value the person gave.

:func:`decode` returns ``None`` for the common line that needs nothing, cheaply; otherwise a
:class:`Decoded` with the text and, for each of its characters, where it starts in the raw
line. Only what cannot change the structure is decoded: a ``\\u`` escape of a quote, a
backslash or a control character stays as written, and so does a ``%`` sequence that is not
valid UTF-8.

Reference: RFC 3986 section 2.1 (percent-encoding), WHATWG URL standard
(application/x-www-form-urlencoded: ``+`` is a space), RFC 8259 section 7 (JSON escapes),
Unicode ``Zs`` (space separators).
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Iterator
from dataclasses import dataclass

#: Whether a line may need decoding. No-break space U+00A0, U+2000-U+200B and U+202F,
#: U+205F, U+2060, U+3000, U+FEFF; hyphens and dashes of digit groups U+2010-U+2013 and the
#: minus U+2212. The em dash of Russian prose is punctuation, left alone.
_NEEDS_DECODING_TEXT = re.compile(
    "%[0-9A-Fa-f]{2}|\\\\u[0-9A-Fa-f]{4}|=[0-9]{1,4}\\+[0-9]{1,4}\\+[0-9]"
    "|[\u00a0\u2000-\u2013\u202f\u205f\u2060\u2212\u3000\ufeff]"
)
PIECES = re.compile(
    r"(?P<pct>(?:%[0-9A-Fa-f]{2})+)"
    r"|(?P<esc>(?:\\u[0-9A-Fa-f]{4})+)"
    # A form value's spaces: "q=8+701+123+45+67", "phone=%2B7+701+..." (not "+05:00").
    r"|(?P<plus>(?:(?<==)|(?<=%2[Bb]))[0-9]{1,4}(?:\+[0-9]{1,4}){2,})"
    "|(?P<space>[\u00a0\u2000-\u200a\u202f\u205f\u3000])"
    "|(?P<dash>[\u2010-\u2013\u2212])"
    "|(?P<zero>[\u200b\u2060\ufeff])"
)


@dataclass(slots=True, init=False)
class Decoded:
    """A line's decoded text, and where its characters start in the raw line."""

    text: str
    #: ``(decoded offset, raw offset)`` where a stretch starts: a character decoded from a
    #: sequence, or a run copied as written (whose characters follow one to one). The last
    #: mark is ``(len(text), len(raw))``.
    marks: tuple[tuple[int, int], ...]

    def __init__(self, text: str, marks: tuple[tuple[int, int], ...]) -> None:
        # Compiled with the module (not the dataclass' __init__, made at import, which frozen
        # set each field through object.__setattr__): nothing changes it once made.
        self.text = text
        self.marks = marks

    def raw_offset(self, offset: int) -> int:
        """Where decoded character ``offset`` (or the end, ``len(text)``) starts in the raw line."""
        return _raw_offset(self.marks, offset)

    def raw_span(self, start: int, end: int) -> tuple[int, int]:
        """The raw line's span of the decoded ``text[start:end]``."""
        marks = self.marks
        return _raw_offset(marks, start), _raw_offset(marks, end)


def _raw_offset(marks: tuple[tuple[int, int], ...], offset: int) -> int:
    """:meth:`Decoded.raw_offset`: from the last mark at or before ``offset`` (``bisect_right``
    of ``(offset, 1 << 62)``; the marks' decoded offsets never decrease). Compiled, a binary
    search over C integers (``decoding.pxd``), where ``bisect`` compares tuples (about 2.5k
    instructions an offset); as Python, ``bisect`` itself."""
    if not _COMPILED:
        decoded, raw = marks[bisect_right(marks, (offset, 1 << 62)) - 1]
        return raw + offset - decoded
    lo = 0
    hi = len(marks)
    while lo < hi:
        mid = (lo + hi) // 2
        key = marks[mid][0]
        if key <= offset:
            lo = mid + 1
        else:
            hi = mid
    decoded, raw = marks[lo - 1]
    return raw + offset - decoded


def may_need_decoding(line: str) -> bool:
    """A cheap test: False means :func:`decode` would return None."""
    return _NEEDS_DECODING_TEXT.search(line) is not None


def decode(line: str, checked: bool = False) -> Decoded | None:
    """The decoded form of ``line``, or None when decoding changes nothing.

    ``checked``: the line is known to hold something :func:`may_need_decoding` looks for (a
    trigger of the line scan found it), so that test is skipped. Skipping it never changes
    the result: every piece that decodes is something it finds.
    """
    if not checked and not may_need_decoding(line):
        return None
    return _decode(line if type(line) is str else str(line))


def _decode(line: str) -> Decoded | None:
    """:func:`decode` past its cheap test."""
    out: list[str] = []
    marks: list[tuple[int, int]] = [(0, 0)]
    pos = 0  # where the run copied as written starts in the raw line
    size = 0  # decoded characters before it
    changed = False
    for kind, start, end in piece_spans(line):
        if kind == "plus" or kind == "space" or kind == "dash":
            # A character for a character (a form value's "+" a space, an odd space or dash
            # the ASCII one): part of the run read one to one, no mark.
            out.append(line[pos:start])
            out.append(_one_for_one(kind, line, start, end))
            changed = True
            size += end - pos
            pos = end
            continue
        if kind == "pct" and end - start == 3:
            # One byte, as most are ("%40", "%2B"), without the list _percent makes.
            code = _byte(line, start + 1)
            if _kept_byte(code):
                continue
            out.append(line[pos:start])
            size += start - pos
            marks.append((size, start))
            out.append(chr(code))
            size += 1
            marks.append((size, end))
            changed = True
            pos = end
            continue
        decoded = _decode_piece(kind, line[start:end])
        if decoded is None:
            continue  # kept as written: part of the copied run
        out.append(line[pos:start])
        size += start - pos
        changed = True
        for text, offset in decoded:
            if text:
                marks.append((size, start + offset))
                out.append(text)
                size += len(text)
        marks.append((size, end))
        pos = end
    if not changed:
        return None
    out.append(line[pos:])
    size += len(line) - pos
    marks.append((size, len(line)))
    return Decoded("".join(out), tuple(marks))


def _one_for_one(kind: str, line: str, start: int, end: int) -> str:
    """The decoded text of a piece read a character for a character: a form value's ``+``
    run, an odd space, an odd dash."""
    if kind == "plus":
        return line[start:end].replace("+", " ")
    return " " if kind == "space" else "-"


def _byte(line: str, at: int) -> int:
    """The byte the two hex digits at ``line[at:at + 2]`` write (``read_pieces`` found them)."""
    return _hex_value(line[at]) << 4 | _hex_value(line[at + 1])


def _kept_byte(code: int) -> bool:
    """Whether one ``%XX`` byte stays as written: no UTF-8 alone (0x80 and up), or a
    character that would change the line's structure (a control character, a quote, a
    backslash)."""
    return code >= 0x80 or code < 0x20 or code == 0x22 or code == 0x5C


def _hex_value(c: str) -> int:
    if c <= "9":
        return ord(c) - 48
    return (ord(c) | 0x20) - 87  # "a"-"f", and "A"-"F" lowered


def pieces(line: str) -> Iterator[re.Match]:
    """The pieces :func:`decode` decodes: ``PIECES.finditer(line)``, tried only where a
    piece can start.

    ``re`` cannot skip ahead to where an alternation of groups may match, and tries it at
    every character (about 0.1 us each: 120 us for an access-log line). Each piece starts at
    a character found fast by ``str.find``: ``%`` (or three after it, a ``+`` run after
    ``%2B``), ``\\``, right after ``=``, or one of the odd spaces and dashes (non-ASCII
    lines only). At each of these in order, from where the last piece ended, ``match``
    gives what ``finditer`` would find there (lookbehinds see the whole line).
    """
    starts: set[int] = set()
    add = starts.add
    find = line.find
    at = find("%")
    while at >= 0:
        add(at)
        if line.startswith(("2B", "2b"), at + 1):
            add(at + 3)  # a "+" run after an encoded plus: "%2B7+701+..."
        at = find("%", at + 1)
    at = find("\\")
    while at >= 0:
        add(at)
        at = find("\\", at + 1)
    at = find("=")
    while at >= 0:
        if "0" <= line[at + 1:at + 2] <= "9":  # a "+" run after "=" starts with a digit
            add(at + 1)
        at = find("=", at + 1)
    if not line.isascii():
        starts.update(m.start() for m in _ODD.finditer(line))
    match = PIECES.match
    pos = 0
    for at in sorted(starts):
        if at < pos:
            continue
        m = match(line, at)
        if m is not None:
            pos = m.end()
            yield m


_ODD = re.compile("[\u00a0\u2000-\u200b\u202f\u205f\u2060\u3000\ufeff\u2010-\u2013\u2212]")


def piece_spans(line: str) -> list[tuple[str, int, int]]:
    """``(kind, start, end)`` of each piece :func:`pieces` finds (``kind``: the group's name).

    Compiled, the line is read once by :func:`read_pieces` in C (about 1 us for an access-log
    line, where ``pieces`` takes 3 us in ``re``); as Python, that reader would be slower than
    ``re``, and ``pieces`` runs.
    """
    if _COMPILED:
        return read_pieces(line)
    return [(m.lastgroup, m.start(), m.end()) for m in pieces(line)]


def read_pieces(line: str) -> list[tuple[str, int, int]]:
    """:func:`pieces` as a reader of the line, character by character: what ``PIECES`` matches
    at each place it can start, from where the last piece ended.

    Each group starts with characters of its own, so the first character says which group
    can match: ``%`` a run of ``%XX``, a backslash a run of ``\\uXXXX``, a digit right after
    ``=`` or ``%2B`` a form value's ``+`` run, an odd space, dash or invisible character
    itself. A ``+`` run is one to four digits, then at least two of ``+`` and one to four
    digits, each taking as many as it can: ``re`` backtracks in vain after that, since fewer
    digits leave a digit where a ``+`` is wanted. Held to ``PIECES.finditer`` by a test.
    """
    out = []
    n = len(line)
    i = 0
    if _IN_PLACE:
        # The characters read in place (PyUnicode_READ of the line's kind and data), where
        # line[i] checks the index and the kind again at every character.
        kind = PyUnicode_KIND(line)  # noqa: F821
        data = PyUnicode_DATA(line)  # noqa: F821
    while i < n:
        c = PyUnicode_READ(kind, data, i) if _IN_PLACE else line[i]  # noqa: F821
        if (c < "0" and c != "%") or ("9" < c < "\u00a0" and c != "\\"):
            i += 1  # most characters start nothing
            continue
        end = i
        group = ""
        if c == "%":
            end = _run_end(line, i, n, "%", 2)
            group = "pct"
        elif c == "\\":
            end = _run_end(line, i, n, "u", 4)
            group = "esc"
        elif "0" <= c <= "9":
            # What stands before it, read in place when compiled: digits are most of a log
            # line's characters that reach here.
            before = (PyUnicode_READ(kind, data, i - 1) if _IN_PLACE  # noqa: F821
                      else line[i - 1]) if i >= 1 else " "
            if before == "=" or ((before == "B" or before == "b") and i >= 3
                                 and line[i - 3] == "%" and line[i - 2] == "2"):
                end = _plus_end(line, i, n)
                group = "plus"
        elif c >= "\u00a0":
            group = _odd_kind(c)
            if group:
                end = i + 1
        if end > i:
            out.append((group, i, end))
            i = end
        else:
            i += 1
    return out


def _run_end(line: str, i: int, n: int, mark: str, width: int) -> int:
    """Where a run of ``%XX`` (``mark`` ``%``, ``width`` 2) or ``\\uXXXX`` (``u``, 4) that
    starts at ``i`` ends; ``i`` when none starts there. ``%`` itself is the run's first
    character; a backslash and ``u`` start an escape."""
    end = i
    while True:
        at = end
        if mark == "u":
            if at >= n or line[at] != "\\" or at + 1 >= n or line[at + 1] != "u":
                return end
            at += 2
        else:
            if at >= n or line[at] != "%":
                return end
            at += 1
        if at + width > n:
            return end
        for k in range(width):
            if not _hex(line[at + k]):
                return end
        end = at + width


def _plus_end(line: str, i: int, n: int) -> int:
    """Where a form value's ``+`` run starting at digit ``i`` ends; ``i`` when none does."""
    j = _digits_end(line, i, n)
    runs = 0
    while j + 1 < n and line[j] == "+" and "0" <= line[j + 1] <= "9":
        j = _digits_end(line, j + 1, n)
        runs += 1
    return j if runs >= 2 else i


def _digits_end(line: str, i: int, n: int) -> int:
    """The end of up to four ASCII digits from ``i``."""
    j = i
    while j < n and j - i < 4 and "0" <= line[j] <= "9":
        j += 1
    return j


def _hex(c: str) -> bool:
    return "0" <= c <= "9" or "A" <= c <= "F" or "a" <= c <= "f"


def _odd_kind(c: str) -> str:
    """The group of an odd character (``space``, ``dash``, ``zero``), or ``""``."""
    if c == "\u00a0" or "\u2000" <= c <= "\u200a" or c == "\u202f" or c == "\u205f" \
            or c == "\u3000":
        return "space"
    if "\u2010" <= c <= "\u2013" or c == "\u2212":
        return "dash"
    if c == "\u200b" or c == "\u2060" or c == "\ufeff":
        return "zero"
    return ""


#: Whether this module runs compiled (Cython): then :func:`piece_spans` reads lines in C.
_COMPILED = not __file__.endswith(".py")
#: The same, as a C flag when compiled (``decoding.pxd``): tested at every character.
_IN_PLACE = _COMPILED


def _decode_piece(kind: str | None, raw: str) -> list[tuple[str, int]] | None:
    """Decoded characters of one raw piece that changes the text's length (``zero``, ``pct``,
    ``esc``; :func:`decode` reads the others itself), each with its offset in the piece;
    None: keep."""
    if kind == "zero":
        return [("", 0)]
    if kind == "pct":
        return _percent(raw)
    if kind == "esc":
        return _escapes(raw)
    return None


def _percent(raw: str) -> list[tuple[str, int]] | None:
    """``%XX`` runs as UTF-8, character by character; None when the bytes are not UTF-8."""
    if len(raw) == 3:
        # One byte, as most are ("%40", "%2B"): an ASCII character, or no UTF-8 at all.
        code = int(raw[1:], 16)
        if _kept_byte(code):
            return None
        return [(chr(code), 0)]
    data = bytes.fromhex(raw.replace("%", ""))
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        return None
    out = []
    offset = 0
    for ch in text:
        code = ord(ch)
        if ch in '"\\' or code < 0x20:
            return None  # would change the line's structure (a quote in a JSON string)
        out.append((ch, offset))
        # Three raw characters ("%XX") a UTF-8 byte of the character.
        offset += 3 if code < 0x80 else 6 if code < 0x800 else 9 if code < 0x10000 else 12
    return out


def _escapes(raw: str) -> list[tuple[str, int]] | None:
    """``\\uXXXX`` runs, surrogate pairs joined; None when one would change the structure."""
    # The run is ``(?:\\u[0-9A-Fa-f]{4})+``: six characters an escape.
    units = [int(raw[i + 2 : i + 6], 16) for i in range(0, len(raw), 6)]
    out = []
    i = 0
    while i < len(units):
        unit = units[i]
        if 0xD800 <= unit < 0xDC00 and i + 1 < len(units) and 0xDC00 <= units[i + 1] < 0xE000:
            ch = chr(0x10000 + ((unit - 0xD800) << 10) + (units[i + 1] - 0xDC00))
            out.append((ch, 6 * i))
            i += 2
            continue
        if 0xD800 <= unit < 0xE000 or unit < 0x20 or chr(unit) in '"\\':
            return None
        out.append((chr(unit), 6 * i))
        i += 1
    return out
