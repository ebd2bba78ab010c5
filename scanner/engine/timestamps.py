"""Timestamps in log lines, for retention: the first one near the start of a line, as ISO 8601.

The leftmost of these within a line's first 200 characters is the line's timestamp:

- ISO 8601 / RFC 3339 ``2026-03-01T03:08:32`` or ``2026-03-01 03:08:32``, and the same
  with slashes, ``2026/03/01 03:08:32`` (Go's ``log`` package, nginx's error.log);
- nginx/Apache access logs (common log format) ``[01/Mar/2026:03:08:32 +0500]``;
- day.month.year ``01.03.2026 03:08:32``;
- C's ``asctime`` (Apache's error.log) ``Sun Mar 01 03:08:32 2026``, ``Sun Mar  1
  03:08:32.123456 2026``;
- BSD syslog (RFC 3164, rsyslog's and syslog-ng's traditional format) ``Mar  1 03:08:32``,
  ``Mar 12 03:08:32`` (also ``Mar 1`` and ``Mar 01``, as some writers have it);
- HDFS's log4j stamp ``yyMMdd HHmmss`` ``260301 030832`` and a space, only at the very start
  of a line (two six-digit numbers anywhere else are phone numbers, ids, counts);
- HealthApp's ``yyyyMMdd-HH:mm:ss:SSS`` ``20260301-03:08:32:606``;
- Android logcat (``threadtime`` and ``time``, liblog's ``%m-%d %H:%M:%S`` and milliseconds)
  ``03-01 03:08:32.811``;
- Proxifier ``[03.01 03:08:32]`` (month, then day);
- 1C:Enterprise's technological journal: a line starts with the minutes and seconds of its
  event, ``05:12.481004-0,CONN,...``, in a file named for the hour, ``26120714.log``
  (``yyMMddHH``): read with the hour its file's name gives (:func:`journal_hour`,
  :func:`journal_stamp`), only in such a file.

Fractions of a second and zones are dropped: the time as written (the policy check takes it
as UTC). A date that does not exist (30 February, 31 April, 29 February of a common year),
a month name other than the twelve, an hour past 23, a minute past 59 or a second past 60
is no timestamp; nor is a year before 1971.

A two-digit year (HDFS) is read as POSIX ``strptime`` reads ``%y``: 69-99 are 1969-1999,
00-68 are 2000-2068; so 69 and 70 give no timestamp (before 1971).

BSD syslog, logcat and Proxifier stamps have no year. Such a stamp is read in the latest year
that puts it no more than a day after a reference time, the log file's modification time
(:func:`year_cut`): a file is written up to its mtime, so ``Dec 31`` in a file last written
on 2 January is from the year before, and ``Mar  1`` in a file written on 1 March of a year
is of that year. The day's slack covers the stamp's zone (local time, the mtime is UTC) and
clocks apart.

:data:`_TS` is the definition and :func:`by_regex` the plain search. :func:`timestamp` gives
the same with less work (it runs for every line with personal data): compiled, a scanner of
its own reads the line's characters as C values (:func:`_span`, typed by ``timestamps.pxd``);
as Python, where that scanner would be slower than ``re``, the search is memoized
(:func:`_by_memo`). tests/scanner/test_timestamps.py holds both to the search.
"""

from __future__ import annotations

import datetime as dt
import re

from derbes.scanner.engine.options import MEMO_SIZE

_MONTH_NAMES = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov",
                "Dec")
_MONTHS = {m: f"{i:02d}" for i, m in enumerate(_MONTH_NAMES, 1)}
#: The last day of each month, as two digits (29 February: only in a leap year).
_LAST_DAY = dict(zip(_MONTHS.values(), ("31", "29", "31", "30", "31", "30", "31", "31", "30",
                                        "31", "30", "31"), strict=True))
_MONTH = "(" + "|".join(_MONTH_NAMES) + ")"
_HMS = r"([0-9]{2}):([0-9]{2}):([0-9]{2})"
# One search finds the leftmost of the formats. Fields are fixed-width ASCII digits, so they
# are checked and reordered as strings. Which format matched is ``lastindex``: each
# alternative's last group always takes part. No lookaround: a match depends on its own text
# only, which the memos rely on (and HDFS's "^" on the line's start, which their keys hold).
_TS = re.compile(
    # 1-7: ISO 8601 (or slashes), year first
    r"([0-9]{4})([-/])([0-9]{2})\2([0-9]{2})[T ]" + _HMS
    # 8-13: nginx/Apache access log
    + r"|\[([0-9]{2})/([A-Z][a-z]{2})/([0-9]{4}):" + _HMS
    # 14-19: day.month.year
    + r"|([0-9]{2})\.([0-9]{2})\.([0-9]{4})[ T]" + _HMS
    # 20-25: asctime, with the weekday and the year
    + r"|(?:Mon|Tue|Wed|Thu|Fri|Sat|Sun) " + _MONTH + r" ( [1-9]|[0-9]{2}) " + _HMS
    + r"(?:\.[0-9]{1,9})? ([0-9]{4})"
    # 26-30: BSD syslog, no year
    + r"|" + _MONTH + r" ( ?[1-9]|[0-9]{2}) " + _HMS
    # 31-36: HDFS, a two-digit year, at the line's start only and with the space after it
    + r"|^([0-9]{2})([0-9]{2})([0-9]{2}) ([0-9]{2})([0-9]{2})([0-9]{2}) "
    # 37-42: HealthApp, with the milliseconds
    + r"|([0-9]{4})([0-9]{2})([0-9]{2})-" + _HMS + r":[0-9]{3}"
    # 43-47: Android logcat, with the milliseconds; no year
    + r"|([0-9]{2})-([0-9]{2}) " + _HMS + r"\.[0-9]{3}"
    # 48-52: Proxifier, in its brackets; no year
    + r"|\[([0-9]{2})\.([0-9]{2}) " + _HMS + r"\]"
)
_ISO, _CLF, _DMY, _ASCTIME, _BSD = 7, 13, 19, 25, 30
_HDFS, _HEALTHAPP, _LOGCAT, _PROXIFIER = 36, 42, 47, 52

#: Where a timestamp can begin: a digit, "[", or a month's or weekday's initial.
_TS_START = re.compile(r"[0-9\[ADFJMNOSTW]")
#: An hour and minute, ``03:08:``: every format but HDFS's has its own at most 13 characters
#: after its start (``[01/Mar/2026:03:08:32``), so no stamp begins more than 13 characters
#: before the first of these in a line.
_HOUR_MINUTE = re.compile(r"[0-9][0-9]:[0-9][0-9]:")
#: Parsed timestamps by text that decides them: the text of a line up to the end of a
#: timestamp that begins at the line's first possible start (the formats that can begin
#: there are all decided within it), or an access log's bracketed stamp by itself. Yearless
#: stamps are held as ``--MM-DDTHH:MM:SS`` and given their year at each call. Lines of one
#: second share an entry, and every access log line of one second the bracketed one.
_TS_MEMO: dict[str, str | None] = {}
_UNSEEN = object()
_WEEKDAYS = dict.fromkeys(("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"))
#: Whether this module runs compiled (Cython), and with it the scanner of :func:`_span`.
_SCANNER_COMPILED = not __file__.endswith(".py")
#: The same, as a C flag when compiled (``timestamps.pxd``): tested at every character.
_IN_PLACE = _SCANNER_COMPILED


def timestamp(line: str, cut: str | None = None) -> str | None:
    """The first timestamp near the start of a log line, as ISO 8601, or None.

    ``cut`` (from :func:`year_cut`) gives a yearless stamp (BSD syslog, logcat, Proxifier)
    its year; without it, a day after now.
    """
    if _SCANNER_COMPILED:
        return _by_scanner(line if type(line) is str else str(line), cut)
    found = _by_memo(line)
    if found is not None and found[0] == "-":
        return _in_year(found, cut if cut is not None else year_cut(None))
    return found


#: A file of 1C:Enterprise's technological journal: ``yyMMddHH.log`` (its hour), in a folder
#: of the process that writes it (``rphost_1234``, ``rmngr_...``, ``1cv8c_...``).
_JOURNAL_FILE = re.compile(r"(?:^|[/\\!])([0-9]{2})([0-9]{2})([0-9]{2})([0-9]{2})\.log\Z")
#: A technological journal's line: minutes, seconds and their fraction, then the event's
#: duration after ``-`` and the event's name after a comma.
_JOURNAL_LINE = re.compile(r"([0-5][0-9]):([0-5][0-9])\.[0-9]{4,6}-[0-9]+,[A-Za-z]")


def journal_hour(name: str) -> str | None:
    """``YYYY-MM-DDTHH`` of a technological journal's file ``.../yyMMddHH.log`` (a file of a
    folder, an archive's member), or None: a name of another kind, or a date that does not
    exist. The year is 20yy: the journal began in 2002 (1C:Enterprise 8)."""
    m = _JOURNAL_FILE.search(name)
    if m is None:
        return None
    yy, month, day, hour = m.groups()
    found = f"20{yy}-{month}-{day}T{hour}"
    return found if _valid("20" + yy, month, day, hour, "00", "00") else None


def journal_stamp(line: str, hour: str) -> str | None:
    """A technological journal line's time in the hour of its file (``journal_hour``), as
    ISO 8601, or None when the line does not start as the journal's lines do (a line an
    event's text goes on in)."""
    m = _JOURNAL_LINE.match(line)
    if m is None:
        return None
    return f"{hour}:{m.group(1)}:{m.group(2)}"


def by_regex(line: str, cut: str | None = None) -> str | None:
    """:func:`timestamp` by the plain search, without memos (the definition)."""
    m = _TS.search(line, 0, 200)
    found = None if m is None else _parse(m)
    if found is not None and found[0] == "-":
        return _in_year(found, cut if cut is not None else year_cut(None))
    return found


def year_cut(reference: str | None) -> str:
    """A day after ``reference`` (ISO 8601, the file's mtime; None: now), as
    ``YYYY-MM-DDTHH:MM:SS`` in UTC: the latest a yearless stamp can be."""
    moment = None
    if reference:
        try:
            moment = dt.datetime.fromisoformat(reference)
        except (TypeError, ValueError):
            moment = None  # an object store's own notation: the scan's time will do
    if moment is None:
        moment = dt.datetime.now(dt.UTC)
    elif moment.tzinfo is not None:
        moment = moment.astimezone(dt.UTC)
    if moment.year < 9999:  # a file touched to the end of time keeps its own day
        moment += dt.timedelta(days=1)
    return moment.strftime("%Y-%m-%dT%H:%M:%S")


def _by_scanner(line: str, cut: str | None) -> str | None:
    """:func:`timestamp` by :func:`_span` and :func:`_from_span` (compiled).

    A parse is a function of the stamp's text and the year cut alone (its fields lie inside
    the span), and making its string costs more than finding the span (3.5k instructions,
    callgrind). A log's lines of one second follow each other (half the stamps of the public
    Loghub samples are their line's predecessor's), so the last parse is kept with the text
    and cut it was made from: a stamp like the last one is not parsed again."""
    global _LAST_SPAN
    span = _span(line)
    if span < 0:
        return None
    start = span >> 8
    end = span & 255
    if cut is None:  # a day after now, which moves: not kept
        return _from_span(line, start, end, cut)
    key = line[start:end]
    last = _LAST_SPAN  # one tuple: read whole, as another thread may replace it
    if last[0] == key and last[1] == cut:
        return last[2]
    found = _from_span(line, start, end, cut)
    _LAST_SPAN = (key, cut, found)
    return found


#: :func:`_by_scanner`'s last parse: the stamp's text, the year cut and what they gave.
_LAST_SPAN: tuple[str, str | None, str | None] = ("", None, None)


def _by_memo(line: str) -> str | None:
    """The parse of ``_TS.search(line, 0, 200)``, yearless as it is, with less searching."""
    # An access log line: the client's address, then the stamp at the first "[". With no ":"
    # before it, no timestamp begins earlier: each format holds a ":" but HDFS's, which needs
    # a space at 6 and 14 characters before the "[" (an IPv4 address has no space at 6), and
    # only the access log's and Proxifier's hold a "[", as their first character.
    at = line.find("[", 0, 180)
    if at > 0 and line.find(":", 0, at) < 0 and (at < 14 or line[6] != " "):
        found = _TS_MEMO.get(line[at:at + 21], _UNSEEN)
        if found is not _UNSEEN:
            return found  # type: ignore[return-value]
        m = _TS.match(line, at, 200)
        if m is not None:
            return _remember(line[at:m.end()], m)
    first = _TS_START.search(line, 0, 200)
    if first is None:
        return None
    at = first.start()
    c = line[at]
    if c <= "9":
        found = _TS_MEMO.get(line[:at + 19], _UNSEEN)
    elif c == "[":
        found = _TS_MEMO.get(line[:at + 21], _UNSEEN)
    else:
        found = _TS_MEMO.get(line[:at + 15], _UNSEEN)
        if found is _UNSEEN:
            found = _TS_MEMO.get(line[:at + 14], _UNSEEN)
    if found is not _UNSEEN:
        return found  # type: ignore[return-value]
    m = _TS.match(line, at, 200)
    if m is not None:
        return _remember(line[:m.end()], m)
    # Further on (where HDFS's stamp, the one without an hour and minute, cannot be): the
    # search costs per character tried, and the hint skips those no stamp can begin at.
    hint = _HOUR_MINUTE.search(line, at + 1, 200)
    if hint is None:
        return None
    m = _TS.search(line, max(at + 1, hint.start() - 13), 200)
    return None if m is None else _parse(m)


def _span(line: str) -> int:
    """Where ``_TS.search(line, 0, 200)`` matches, as ``start << 8 | end``; -1 if nowhere.

    The pattern read as a scanner, character by character: compiled with the C types of
    ``timestamps.pxd`` it costs a fraction of ``re``'s search (as Python, many times more:
    the memoized search runs then). At each start the formats that can begin there are
    tried, each decided by its own fixed characters, as ``re`` decides it; no two match at
    one start, so the order of trying is free (cheapest first) and HDFS's ``^`` is ``i == 0``.
    """
    n = len(line)
    if n > 200:
        n = 200
    if _IN_PLACE:
        # The characters read in place (PyUnicode_READ of the line's kind and data), where
        # line[i] checks the index and the kind again at every character.
        kind = PyUnicode_KIND(line)  # noqa: F821
        data = PyUnicode_DATA(line)  # noqa: F821
    i = 0
    while i + 14 <= n:  # the shortest stamps, "Mar 1 03:08:32" and HDFS's, have 14
        c = PyUnicode_READ(kind, data, i) if _IN_PLACE else line[i]  # noqa: F821
        if "0" <= c <= "9":
            # A year's third digit, a day's dot or a month's dash: the test that fails first;
            # then ISO 8601's separator or a fifth digit (HealthApp, HDFS).
            c = PyUnicode_READ(kind, data, i + 2) if _IN_PLACE else line[i + 2]  # noqa: F821
            if "0" <= c <= "9":
                c = PyUnicode_READ(kind, data, i + 4) if _IN_PLACE else line[i + 4]  # noqa: F821
                if c == "-" or c == "/":
                    if i + 19 <= n and _iso_at(line, i, c):
                        return i << 8 | (i + 19)
                elif i + 21 <= n and _healthapp_at(line, i):
                    return i << 8 | (i + 21)
                elif i == 0 and _hdfs_at(line):  # at the start of the line only
                    return 14
            elif c == ".":
                if i + 19 <= n and _dmy_at(line, i):
                    return i << 8 | (i + 19)
            elif c == "-" and i + 18 <= n and _logcat_at(line, i):
                return i << 8 | (i + 18)
        elif c == "[":
            if i + 21 <= n and _clf_at(line, i):
                return i << 8 | (i + 21)
            if i + 16 <= n and _proxifier_at(line, i):
                return i << 8 | (i + 16)
        elif "A" <= c <= "W":
            # A month's name or a weekday's: never both.
            end = _bsd_end(line, i, n) if _month(line, i) else _asctime_end(line, i, n)
            if end > 0:
                return i << 8 | end
        i += 1
    return -1


def _digit(c: str) -> bool:
    return "0" <= c <= "9"


def _hms_at(line: str, i: int) -> bool:
    """``HH:MM:SS`` (digits) at ``i``; the caller knows the 8 characters are there."""
    return (_digit(line[i]) and _digit(line[i + 1]) and line[i + 2] == ":"
            and _digit(line[i + 3]) and _digit(line[i + 4]) and line[i + 5] == ":"
            and _digit(line[i + 6]) and _digit(line[i + 7]))


def _iso_at(line: str, i: int, sep: str) -> bool:
    """``YYYY-MM-DD HH:MM:SS`` at ``i``; the caller has read ``sep``, the fifth character."""
    c = line[i + 10]
    return (_digit(line[i]) and _digit(line[i + 1]) and _digit(line[i + 2])
            and _digit(line[i + 3]) and (sep == "-" or sep == "/") and _digit(line[i + 5])
            and _digit(line[i + 6]) and line[i + 7] == sep and _digit(line[i + 8])
            and _digit(line[i + 9]) and (c == "T" or c == " ") and _hms_at(line, i + 11))


def _dmy_at(line: str, i: int) -> bool:
    c = line[i + 10]
    return (_digit(line[i]) and _digit(line[i + 1]) and line[i + 2] == "."
            and _digit(line[i + 3]) and _digit(line[i + 4]) and line[i + 5] == "."
            and _digit(line[i + 6]) and _digit(line[i + 7]) and _digit(line[i + 8])
            and _digit(line[i + 9]) and (c == " " or c == "T") and _hms_at(line, i + 11))


def _clf_at(line: str, i: int) -> bool:
    return (_digit(line[i + 1]) and _digit(line[i + 2]) and line[i + 3] == "/"
            and "A" <= line[i + 4] <= "Z" and "a" <= line[i + 5] <= "z"
            and "a" <= line[i + 6] <= "z" and line[i + 7] == "/" and _digit(line[i + 8])
            and _digit(line[i + 9]) and _digit(line[i + 10]) and _digit(line[i + 11])
            and line[i + 12] == ":" and _hms_at(line, i + 13))


def _hdfs_at(line: str) -> bool:
    """``yyMMdd HHmmss `` at the start; the caller knows the 14 characters are there."""
    return (line[6] == " " and line[13] == " " and _digit(line[0]) and _digit(line[1])
            and _digit(line[2]) and _digit(line[3]) and _digit(line[4]) and _digit(line[5])
            and _digit(line[7]) and _digit(line[8]) and _digit(line[9]) and _digit(line[10])
            and _digit(line[11]) and _digit(line[12]))


def _healthapp_at(line: str, i: int) -> bool:
    return (line[i + 8] == "-" and _digit(line[i]) and _digit(line[i + 1])
            and _digit(line[i + 2]) and _digit(line[i + 3]) and _digit(line[i + 4])
            and _digit(line[i + 5]) and _digit(line[i + 6]) and _digit(line[i + 7])
            and _hms_at(line, i + 9) and line[i + 17] == ":" and _digit(line[i + 18])
            and _digit(line[i + 19]) and _digit(line[i + 20]))


def _logcat_at(line: str, i: int) -> bool:
    return (line[i + 5] == " " and _digit(line[i]) and _digit(line[i + 1])
            and line[i + 2] == "-" and _digit(line[i + 3]) and _digit(line[i + 4])
            and _hms_at(line, i + 6) and line[i + 14] == "." and _digit(line[i + 15])
            and _digit(line[i + 16]) and _digit(line[i + 17]))


def _proxifier_at(line: str, i: int) -> bool:
    return (line[i + 3] == "." and line[i] == "[" and _digit(line[i + 1])
            and _digit(line[i + 2]) and _digit(line[i + 4]) and _digit(line[i + 5])
            and line[i + 6] == " " and _hms_at(line, i + 7) and line[i + 15] == "]")


def _asctime_end(line: str, i: int, n: int) -> int:
    """Where an asctime stamp from ``i`` ends, or -1."""
    if i + 24 > n or not (line[i + 3] == " " and line[i:i + 3] in _WEEKDAYS
                          and _month(line, i + 4) and line[i + 7] == " "):
        return -1
    c = line[i + 8]
    if not ((c == " " and "1" <= line[i + 9] <= "9")
            or (_digit(c) and _digit(line[i + 9]))):
        return -1
    if not (line[i + 10] == " " and _hms_at(line, i + 11)):
        return -1
    at = i + 19
    if line[at] == ".":  # a fraction of one to nine digits, all of the run's
        digits = 0
        at += 1
        while at < n and _digit(line[at]):
            at += 1
            digits += 1
        if not 1 <= digits <= 9:
            return -1
    if not (at + 5 <= n and line[at] == " " and _digit(line[at + 1])
            and _digit(line[at + 2]) and _digit(line[at + 3]) and _digit(line[at + 4])):
        return -1
    return at + 5


def _bsd_end(line: str, i: int, n: int) -> int:
    """Where a BSD syslog stamp from ``i`` ends, or -1. The day is tried as the pattern
    tries it: space and digit, one digit, two digits."""
    if line[i + 3] != " ":  # the caller has read the month's name
        return -1
    at = i + 4
    c = line[at]
    if c == " ":
        if i + 15 <= n and "1" <= line[at + 1] <= "9" and line[at + 2] == " " \
                and _hms_at(line, at + 3):
            return i + 15
        return -1
    if "1" <= c <= "9" and line[at + 1] == " " and _hms_at(line, at + 2):
        return i + 14
    if i + 15 <= n and _digit(c) and _digit(line[at + 1]) and line[at + 2] == " " \
            and _hms_at(line, at + 3):
        return i + 15
    return -1


def _from_span(line: str, start: int, end: int, cut: str | None) -> str | None:
    """What :func:`_parse` makes of the match from ``start`` to ``end`` (as :func:`_span`
    finds it), read from its characters; a yearless stamp in its year by ``cut``."""
    c = line[start]
    year = -1
    step = 3  # from the hour to the minute and the second: "HH:MM:SS"
    length = end - start  # tells the formats of one first character apart
    if c == "[":
        if length == 21:  # access log
            month = _month(line, start + 4)
            if month == 0:
                return None
            day = _number(line, start + 1, 2)
            year = _number(line, start + 8, 4)
            at = start + 13
        else:  # Proxifier
            month = _number(line, start + 1, 2)
            day = _number(line, start + 4, 2)
            at = start + 7
    elif c <= "9":
        if length == 19:
            c = line[start + 4]
            if c == "-" or c == "/":  # ISO 8601
                year = _number(line, start, 4)
                month = _number(line, start + 5, 2)
                day = _number(line, start + 8, 2)
            else:  # day.month.year
                day = _number(line, start, 2)
                month = _number(line, start + 3, 2)
                year = _number(line, start + 6, 4)
            at = start + 11
        elif length == 18:  # logcat
            month = _number(line, start, 2)
            day = _number(line, start + 3, 2)
            at = start + 6
        elif length == 21:  # HealthApp
            year = _number(line, start, 4)
            month = _number(line, start + 4, 2)
            day = _number(line, start + 6, 2)
            at = start + 9
        else:  # HDFS
            year = _number(line, start, 2)
            year += 1900 if year >= 69 else 2000  # POSIX strptime's %y
            month = _number(line, start + 2, 2)
            day = _number(line, start + 4, 2)
            at = start + 7
            step = 2
    elif length >= 24:  # asctime
        month = _month(line, start + 4)
        day = _day(line, start + 8)
        year = _number(line, end - 4, 4)
        at = start + 11
    else:  # BSD syslog
        month = _month(line, start)
        day = _number(line, start + 4, 1) if length == 14 else _day(line, start + 4)
        at = end - 8
    hour = _number(line, at, 2)
    minute = _number(line, at + step, 2)
    second = _number(line, at + 2 * step, 2)
    if not (1 <= month <= 12 and 1 <= day <= _last_day(month) and hour < 24 and minute < 60
            and second < 61):
        return None
    if year < 0:
        if cut is None:
            cut = year_cut(None)
        year = _number(cut, 0, 4)
        if (((month * 100 + day) * 100 + hour) * 100 + minute) * 100 + second > (((
                _number(cut, 5, 2) * 100 + _number(cut, 8, 2)) * 100 + _number(cut, 11, 2))
                * 100 + _number(cut, 14, 2)) * 100 + _number(cut, 17, 2):
            year -= 1
    elif year <= 1970:
        return None
    if month == 2 and day == 29 and not _leap(year):
        return None
    return iso(year, month, day, hour, minute, second)


def iso(year: int, month: int, day: int, hour: int, minute: int, second: int) -> str:
    """``YYYY-MM-DDTHH:MM:SS``, each field zero-padded (a year of four digits, the others of
    two). Compiled, written digit by digit into 19 bytes decoded once: the f-string's six
    conversions and its join took 2k instructions a stamp (callgrind of the Loghub lines),
    more than reading the stamp did. A field out of those widths takes the f-string."""
    if (_SCANNER_COMPILED and 0 <= year <= 9999 and 0 <= month <= 99 and 0 <= day <= 99
            and 0 <= hour <= 99 and 0 <= minute <= 99 and 0 <= second <= 99):
        # buf: 19 C chars (timestamps.pxd), compiled only (the branch above).
        _two_digits(buf, 0, year // 100)  # noqa: F821
        _two_digits(buf, 2, year % 100)  # noqa: F821
        _two_digits(buf, 5, month)  # noqa: F821
        _two_digits(buf, 8, day)  # noqa: F821
        _two_digits(buf, 11, hour)  # noqa: F821
        _two_digits(buf, 14, minute)  # noqa: F821
        _two_digits(buf, 17, second)  # noqa: F821
        # The separators: "-" (45), "T" (84), ":" (58).
        buf[4] = buf[7] = 45  # noqa: F821
        buf[10] = 84  # noqa: F821
        buf[13] = buf[16] = 58  # noqa: F821
        return buf[:19].decode("ascii")  # noqa: F821
    return f"{year:04d}-{month:02d}-{day:02d}T{hour:02d}:{minute:02d}:{second:02d}"


def _two_digits(buf, at: int, value: int) -> None:
    """``value`` (0 to 99) as two ASCII digits at ``buf[at]`` (C chars: :func:`iso`,
    compiled only)."""
    buf[at] = 48 + value // 10
    buf[at + 1] = 48 + value % 10


def _number(text: str, i: int, digits: int) -> int:
    """The number the ``digits`` ASCII digits of ``text`` at ``i`` write."""
    value = 0
    if _IN_PLACE:
        kind = PyUnicode_KIND(text)  # noqa: F821
        data = PyUnicode_DATA(text)  # noqa: F821
        for k in range(i, i + digits):
            value = value * 10 + (ord(PyUnicode_READ(kind, data, k)) - 48)  # noqa: F821
        return value
    for k in range(i, i + digits):
        value = value * 10 + (ord(text[k]) - 48)
    return value


def _day(line: str, i: int) -> int:
    """A day of two characters, the first a space or a digit."""
    c = line[i]
    return (0 if c == " " else ord(c) - 48) * 10 + ord(line[i + 1]) - 48


def _month(line: str, i: int) -> int:
    """The month whose name is at ``i`` (1-12), or 0; read by characters (no slice, no
    dict), since the scanner asks at every capital letter before a stamp."""
    a = line[i]
    b = line[i + 1]
    c = line[i + 2]
    if a == "J":
        if b == "a":
            return 1 if c == "n" else 0
        if b == "u":
            return 6 if c == "n" else 7 if c == "l" else 0
        return 0
    if a == "F":
        return 2 if b == "e" and c == "b" else 0
    if a == "M":
        return 0 if b != "a" else 3 if c == "r" else 5 if c == "y" else 0
    if a == "A":
        return 4 if b == "p" and c == "r" else 8 if b == "u" and c == "g" else 0
    if a == "S":
        return 9 if b == "e" and c == "p" else 0
    if a == "O":
        return 10 if b == "c" and c == "t" else 0
    if a == "N":
        return 11 if b == "o" and c == "v" else 0
    if a == "D":
        return 12 if b == "e" and c == "c" else 0
    return 0


def _last_day(month: int) -> int:
    if month == 2:
        return 29
    if month == 4 or month == 6 or month == 9 or month == 11:
        return 30
    return 31


def _remember(key: str, m: re.Match) -> str | None:
    if len(_TS_MEMO) >= MEMO_SIZE:
        _TS_MEMO.clear()
    found = _TS_MEMO[key] = _parse(m)
    return found


def _parse(m: re.Match) -> str | None:
    """The match as ``YYYY-MM-DDTHH:MM:SS``, or ``--MM-DDTHH:MM:SS`` without a year; None
    when it is no real time."""
    which = m.lastindex
    if which == _ISO:
        y, _, mo, d, h, mi, s = m.group(1, 2, 3, 4, 5, 6, 7)
    elif which == _CLF:
        d, name, y, h, mi, s = m.group(8, 9, 10, 11, 12, 13)
        mo = _MONTHS.get(name)
        if mo is None:
            return None
    elif which == _DMY:
        d, mo, y, h, mi, s = m.group(14, 15, 16, 17, 18, 19)
    elif which == _ASCTIME:
        name, d, h, mi, s, y = m.group(20, 21, 22, 23, 24, 25)
        mo = _MONTHS[name]
        d = d.replace(" ", "0")
    elif which == _HDFS:
        y, mo, d, h, mi, s = m.group(31, 32, 33, 34, 35, 36)
        y = ("19" if y >= "69" else "20") + y  # POSIX strptime's %y
    elif which == _HEALTHAPP:
        y, mo, d, h, mi, s = m.group(37, 38, 39, 40, 41, 42)
    else:
        if which == _BSD:
            name, d, h, mi, s = m.group(26, 27, 28, 29, 30)
            mo = _MONTHS[name]
            d = d.strip().rjust(2, "0")
        elif which == _LOGCAT:
            mo, d, h, mi, s = m.group(43, 44, 45, 46, 47)
        else:
            mo, d, h, mi, s = m.group(48, 49, 50, 51, 52)
        if not _valid(None, mo, d, h, mi, s):
            return None
        return f"--{mo}-{d}T{h}:{mi}:{s}"
    if not (y > "1970" and _valid(y, mo, d, h, mi, s)):
        return None
    return f"{y}-{mo}-{d}T{h}:{mi}:{s}"


def _valid(y: str | None, mo: str, d: str, h: str, mi: str, s: str) -> bool:
    last = _LAST_DAY.get(mo)
    if last is None or not ("01" <= d <= last and h < "24" and mi < "60" and s < "61"):
        return False
    return y is None or d != "29" or mo != "02" or _leap(int(y))


def _leap(year: int) -> bool:
    """Gregorian."""
    return year % 4 == 0 and (year % 100 != 0 or year % 400 == 0)


def _in_year(yearless: str, cut: str) -> str | None:
    """``--MM-DDTHH:MM:SS`` in the latest year that puts it no later than ``cut``."""
    year = cut[:4]
    if yearless[2:] > cut[5:]:
        year = str(int(year) - 1)
    if yearless.startswith("--02-29") and not _leap(int(year)):
        return None
    return year + yearless[1:]


def min_ts(a: str | None, b: str | None) -> str | None:
    return b if a is None else a if b is None else min(a, b)


def max_ts(a: str | None, b: str | None) -> str | None:
    return b if a is None else a if b is None else max(a, b)
