"""Timestamps in log lines, for retention: the first one near the start of a line, as ISO 8601.

ISO 8601, nginx/Apache and day.month.year forms are recognised; parses are memoized by the
line's text up to the timestamp's end (lines of one second share it).
"""

from __future__ import annotations

import re

from derbes.scanner.engine.options import MEMO_SIZE

_MONTHS = {m: f"{i:02d}" for i, m in enumerate(
    ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"), 1)}
# ISO 8601 (2026-11-21T10:00:00, 2026-11-21 10:00:00), nginx/Apache [21/Nov/2026:10:00:00,
# and day.month.year 21.11.2026 10:00:00: one search finds the leftmost of them. Fields are
# fixed-width ASCII digits, so they are checked and reordered as strings.
_TS = re.compile(
    r"([0-9]{4})-([0-9]{2})-([0-9]{2})[T ]([0-9]{2}):([0-9]{2}):([0-9]{2})"
    r"|\[([0-9]{2})/([A-Z][a-z]{2})/([0-9]{4}):([0-9]{2}):([0-9]{2}):([0-9]{2})"
    r"|([0-9]{2})\.([0-9]{2})\.([0-9]{4})[ T]([0-9]{2}):([0-9]{2}):([0-9]{2})"
)


#: Where a timestamp can begin: each format starts with a digit or "[".
_TS_START = re.compile(r"[0-9\[]")
#: Parsed timestamps by the text of their line up to the timestamp's end, for timestamps that
#: begin at the line's first digit or "[": the result then depends on that text only (the
#: formats that can begin at one place are all read within it). Lines of one second share it.
_TS_MEMO: dict[str, str | None] = {}
_UNSEEN = object()


def timestamp(line: str) -> str | None:
    """The first timestamp near the start of a log line, as ISO 8601, or None."""
    first = _TS_START.search(line, 0, 200)
    if first is None:
        return None
    at = first.start()
    for width in (19, 21):  # ISO and day.month.year, or nginx with its "["
        found = _TS_MEMO.get(line[: at + width], _UNSEEN)
        if found is not _UNSEEN:
            return found  # type: ignore[return-value]
    m = _TS.search(line, at, 200)
    if m is None:
        return None
    if len(_TS_MEMO) >= MEMO_SIZE:
        _TS_MEMO.clear()
    # The parse depends on the timestamp's text alone: nginx lines of one second share it.
    text = m.group()
    found = _TS_MEMO.get(text, _UNSEEN)
    if found is _UNSEEN:
        found = _TS_MEMO[text] = _parse_timestamp(m)
    if m.start() == at:
        _TS_MEMO[line[: m.end()]] = found
    return found  # type: ignore[return-value]


def _parse_timestamp(m: re.Match) -> str | None:
    g = m.groups()
    if g[0] is not None:
        y, mo, d, h, mi, s = g[0:6]
    elif g[6] is not None:
        mo = _MONTHS.get(g[7])
        if mo is None:
            return None
        d, y, h, mi, s = g[6], g[8], g[9], g[10], g[11]
    else:
        d, mo, y, h, mi, s = g[12:18]
    if not ("01" <= mo <= "12" and "01" <= d <= "31" and h < "24" and mi < "60" and s < "61"
            and y > "1970"):
        return None
    return f"{y}-{mo}-{d}T{h}:{mi}:{s}"


def min_ts(a: str | None, b: str | None) -> str | None:
    return b if a is None else a if b is None else min(a, b)


def max_ts(a: str | None, b: str | None) -> str | None:
    return b if a is None else a if b is None else max(a, b)
