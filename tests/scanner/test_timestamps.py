"""Log-line timestamps (scanner/engine/timestamps.py): the formats, the year of a yearless
stamp, impossible dates, and the two fast paths held to the pattern.

Vectors come from each format's definition or from real logs, with the source named:
RFC 3164 (BSD syslog) §4.1.2 and its examples in §5.4; Apache httpd's log documentation
(Common Log Format, error log in 2.2 and 2.4); Go's ``log`` package documentation
(``LstdFlags``); the C standard's ``asctime`` example; Loghub samples in
tests/data/public_logs, with the fields Loghub's parser settings give them (HDFS ``<Date>
<Time> <Pid> <Level> <Component>: <Content>``, Proxifier ``[<Time>] <Program> - <Content>``);
Android's liblog (logprint.c writes logcat's stamp as ``%m-%d %H:%M:%S`` and ``.%03ld``
milliseconds); POSIX ``strptime`` for a two-digit year, as Python's own ``_strptime``
implements it.
"""

from __future__ import annotations

import datetime as dt
import os
import random
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from derbes.scanner.engine import timestamps as ts
from derbes.scanner.engine.timestamps import by_regex, timestamp, year_cut

PUBLIC_LOGS = Path(__file__).parent.parent / "data" / "public_logs"
#: A reference of 2 March 2026 (a file last written then): stamps up to 3 March are of 2026.
CUT = year_cut("2026-03-02T00:00:00+00:00")


def _all_paths(line: str, cut: str) -> set[str | None]:
    """What every path gives: the one this process runs, the memoized search (the path of
    Python), the scanner (the compiled path) and the plain search (the definition)."""
    memo = ts._by_memo(line)
    if memo is not None and memo[0] == "-":
        memo = ts._in_year(memo, cut)
    return {timestamp(line, cut), memo, ts._by_scanner(line, cut), by_regex(line, cut)}


@pytest.mark.parametrize(("line", "expected"), [
    # RFC 3164 §5.4, the examples (the "<PRI>" before the stamp is part of the packet).
    ("<34>Oct 11 22:14:15 mymachine su: 'su root' failed for lonvick on /dev/pts/8",
     "2025-10-11T22:14:15"),
    ("<13>Feb  5 17:32:18 10.0.0.99 Use the BFG!", "2026-02-05T17:32:18"),
    # §5.4 example 3: "CST 1987" is message text after the stamp, not its year.
    ("<165>Aug 24 05:34:00 CST 1987 mymachine myproc[10]: %% It's time to make the do-nuts.",
     "2025-08-24T05:34:00"),
    # RFC 3164 §4.1.2: a day below 10 is a space and the digit ("Aug  7").
    ("Aug  7 01:02:03 host app: x", "2025-08-07T01:02:03"),
    # Loghub, as written by real syslog daemons (linux.log, mac.log, openssh.log).
    ("Jun 14 15:16:01 combo sshd(pam_unix)[19939]: authentication failure;", "2025-06-14T15:16:01"),
    ("Jul  1 09:00:55 calvisitor-10-105-160-95 kernel[0]: IOThunderboltSwitch<0>(0x0)",
     "2025-07-01T09:00:55"),
    ("Dec 10 06:55:46 LabSZ sshd[24200]: Invalid user webmaster from 173.234.31.186",
     "2025-12-10T06:55:46"),
    # Loghub thunderbird.log: a one-digit day after a single space, some way into the line.
    ("- 1131566461 2005.11.09 dn228 Nov 9 12:01:01 dn228/dn228 crond(pam_unix)[2915]:",
     "2025-11-09T12:01:01"),
    # Apache httpd docs, Common Log Format (what nginx's "combined" writes too).
    ('127.0.0.1 - frank [10/Oct/2000:13:55:36 -0700] "GET /apache_pb.gif HTTP/1.0" 200 2326',
     "2000-10-10T13:55:36"),
    ('2001:db8::1 - - [10/Oct/2000:13:55:36 -0700] "GET / HTTP/1.0" 200 2326',
     "2000-10-10T13:55:36"),
    # Apache httpd 2.2 and 2.4 docs, error log (asctime, 2.4 with microseconds).
    ("[Wed Oct 11 14:32:52 2000] [error] [client 127.0.0.1] client denied by server "
     "configuration: /export/home/live/ap/htdocs/test", "2000-10-11T14:32:52"),
    ("[Fri Sep 09 10:42:29.902022 2011] [core:error] [pid 35708:tid 4328636416] [client "
     "72.15.99.187] File does not exist: /usr/local/apache2/htdocs/favicon.ico",
     "2011-09-09T10:42:29"),
    # Loghub apache.log: the year comes from the stamp, not from the reference.
    ("[Sun Dec 04 04:47:44 2005] [notice] workerEnv.init() ok", "2005-12-04T04:47:44"),
    # C standard, asctime: "Sun Sep 16 01:03:52 1973" (a day below 10 is space-padded).
    ("Sun Sep 16 01:03:52 1973", "1973-09-16T01:03:52"),
    ("Sun Sep  2 01:03:52 1973", "1973-09-02T01:03:52"),
    # Go's log package, LstdFlags: "2009/01/23 01:23:23 message" (nginx's error.log too).
    ("2009/01/23 01:23:23 message", "2009-01-23T01:23:23"),
    # Separators must agree: year, month and day with one of "-" or "/".
    ("2009/01-23 01:23:23 mixed", None),
    ("2009-01/23 01:23:23 mixed", None),
    # Loghub hdfs.log: yyMMdd HHmmss at the start of the line, 9 November 2008.
    ("081109 203615 148 INFO dfs.DataNode$PacketResponder: PacketResponder 1 for block "
     "blk_38865049064139660 terminating", "2008-11-09T20:36:15"),
    # Loghub healthapp.log: yyyyMMdd-HH:mm:ss:SSS.
    ("20171223-22:15:29:606|Step_LSC|30002312|onStandStepChanged 3579", "2017-12-23T22:15:29"),
    ("20171223-22:15:29:633|Step_StandReportReceiver|30002312|onReceive action: "
     "android.intent.action.SCREEN_ON", "2017-12-23T22:15:29"),
    # Loghub android.log: logcat's threadtime, month first, no year (17 March is more than a
    # day after the reference, so of the year before).
    ("03-17 16:13:38.859  2227  2227 D TextView: visible is system.time.showampm",
     "2025-03-17T16:13:38"),
    # logcat -v time, as lnav's Android format gives its sample.
    ("10-13 15:39:27.517 I/GoogleURLConnFactory( 2118): Using platform "
     "SSLCertificateSocketFactory", "2025-10-13T15:39:27"),
    ("03-01 03:08:32.811  1702  2395 D WindowManager: within the day", "2026-03-01T03:08:32"),
    # Loghub proxifier.log: [MM.dd HH:mm:ss] (a 30th month cannot be), no year.
    ("[10.30 16:49:06] chrome.exe - proxy.cse.cuhk.edu.hk:5070 open through proxy "
     "proxy.cse.cuhk.edu.hk:5070 HTTPS", "2025-10-30T16:49:06"),
    ("[03.01 03:08:32] chrome.exe - within the day", "2026-03-01T03:08:32"),
])
def test_formats(line, expected):
    assert _all_paths(line, CUT) == {expected}


@pytest.mark.parametrize(("line", "expected"), [
    # Impossible dates are no timestamps, in every format (and the search ends there).
    ("Feb 30 10:00:00 host x", None),
    ("Apr 31 10:00:00 host x", None),
    ("Mar 32 10:00:00 host x", None),
    ("Mar 00 10:00:00 host x", None),
    ("2026-02-30 10:00:00 x", None),
    ("2026-04-31T10:00:00 x", None),
    ("2026/06/31 10:00:00 x", None),
    ("30.02.2026 10:00:00 x", None),
    ("[31/Apr/2026:10:00:00 +0000]", None),
    ("Wed Feb 30 10:00:00 2026", None),
    ("2025-02-29 10:00:00 common year", None),
    ("2024-02-29 10:00:00 leap year", "2024-02-29T10:00:00"),
    ("2000-02-29 10:00:00 leap (divisible by 400)", "2000-02-29T10:00:00"),
    ("2100-02-29 10:00:00 common (divisible by 100)", None),
    ("Mar  1 24:00:00 hour 24", None),
    ("Mar  1 23:60:00 minute 60", None),
    ("Dec 31 23:59:60 a leap second", "2025-12-31T23:59:60"),
    ("Mar  1 23:59:61 second 61", None),
    # Only the twelve English abbreviations, capitalized as RFC 3164 writes them.
    ("Foo  1 03:08:32 host x", None),
    ("Sept  1 03:08:32 host x", None),
    ("mar  1 03:08:32 host x", None),
    ("MAR  1 03:08:32 host x", None),
    ("Mär  1 03:08:32 host x", None),
    ("Mar   1 03:08:32 three spaces", None),
    ("Mar  1 3:08:32 one-digit hour", None),
    # Digits only, in every field of every format.
    ("Mar  1 03:0x:32 host x", None),
    ("Mar  1 03:0/:32 host x", None),
    ("Mar 1x 03:08:32 host x", None),
    ("2026-03-01 03:08:3x x", None),
    ("2026-0x-01 03:08:32 x", None),
    ("01.03.2026 0x:08:32 x", None),
    ("[01/Mar/2026:03:08:x2 +0000]", None),
    ("Sun Mar 01 03:08:32 2x26 then the month's stamp", "2026-03-01T03:08:32"),
    ("Mon Mar  1 03:08:32 no year after the weekday: the month's stamp", "2026-03-01T03:08:32"),
    ("Sat Mar 01 03:08:32 +0500 2026 a zone before the year: the month's stamp",
     "2026-03-01T03:08:32"),
    # HDFS: every field checked, the two-digit year too.
    ("081131 203615 148 INFO 31 November", None),
    ("081309 203615 148 INFO month 13", None),
    ("081100 203615 148 INFO day 0", None),
    ("090229 203615 148 INFO 29 February 2009", None),
    ("080229 203615 148 INFO 29 February 2008", "2008-02-29T20:36:15"),
    ("000229 000000 1 INFO 2000 is a leap year", "2000-02-29T00:00:00"),
    ("081109 243615 148 INFO hour 24", None),
    ("081109 206015 148 INFO minute 60", None),
    ("081109 203661 148 INFO second 61", None),
    ("081109 2036x5 148 INFO", None),
    # HealthApp.
    ("20171232-22:15:29:606|day 32", None),
    ("20170229-22:15:29:606|29 February of a common year", None),
    ("20160229-22:15:29:606|29 February of a leap year", "2016-02-29T22:15:29"),
    ("20171223-24:15:29:606|hour 24", None),
    ("19701223-22:15:29:606|1970", None),
    ("20171223-22:15:29|no milliseconds", None),
    ("20171223-22:15:29:60|two digits of them", None),
    ("20171223 22:15:29:606|a space", None),
    # logcat.
    ("13-17 16:13:38.811  1702  2395 D month 13", None),
    ("02-30 16:13:38.811  1702  2395 D 30 February", None),
    ("04-31 16:13:38.811  1702  2395 D 31 April", None),
    ("03-17 24:13:38.811  1702  2395 D hour 24", None),
    ("03-17 16:13:38  1702  2395 D no milliseconds", None),
    ("03-17 16:13:38,811  1702  2395 D a comma", None),
    ("03/17 16:13:38.811  1702  2395 D a slash", None),
    # Proxifier.
    ("[13.30 16:49:06] month 13", None),
    ("[30.10 16:49:06] the day first", None),
    ("[10.32 16:49:06] day 32", None),
    ("[10.30 16:60:06] minute 60", None),
    ("[10.30 16:49:06 no bracket after", None),
    ("[10/30 16:49:06] a slash", None),
])
def test_impossible_times_and_names(line, expected):
    assert _all_paths(line, CUT) == {expected}


@pytest.mark.parametrize(("line", "expected"), [
    # Two six-digit numbers anywhere but at the very start are no stamp (ids, phone numbers).
    (" 081109 203615 148 INFO a space before", None),
    ("x 081109 203615 148 INFO", None),
    ("order 240315 120000 paid", None),
    ("tel 870112 345678 ", None),
    ('{"a": "081109 203615 148"}', None),
    # ...and hide no later stamp.
    ("ids 081109 203615 at 2026-03-01 03:08:32", "2026-03-01T03:08:32"),
    # At the start: six digits, a space, six digits and a space.
    ("081109 203615", None),
    ("081109 2036151 INFO seven digits", None),
    ("0811090 203615 INFO seven digits", None),
    ("081109 203615\tINFO a tab", None),
    ("081109  203615 INFO two spaces", None),
    ("081109 203615 ", "2008-11-09T20:36:15"),
])
def test_an_hdfs_stamp_only_at_the_start_of_a_line(line, expected):
    assert _all_paths(line, CUT) == {expected}


def test_a_two_digit_year_is_read_as_posix_strptime_reads_it():
    """69-99 are 1969-1999, 00-68 are 2000-2068; a year before 1971 is no timestamp."""
    for yy in range(100):
        year = dt.datetime.strptime(f"{yy:02d}", "%y").year
        expected = f"{year}-01-01T00:00:00" if year > 1970 else None
        assert _all_paths(f"{yy:02d}0101 000000 1 INFO x", CUT) == {expected}, yy


_YEARLESS = [
    # The year of the reference, when the stamp is not more than a day after it.
    ("2026-03-02T00:00:00+00:00", "Mar  1 03:08:32", "2026-03-01T03:08:32"),
    ("2026-03-02T00:00:00+00:00", "Mar  2 23:59:59", "2026-03-02T23:59:59"),
    # More than a day after it: the year before (a file rotated last March, read today).
    ("2026-03-02T00:00:00+00:00", "Mar  3 00:00:01", "2025-03-03T00:00:01"),
    ("2026-03-02T00:00:00+00:00", "Dec 31 23:59:59", "2025-12-31T23:59:59"),
    # New Year: a file written from December into January, last on 2 January.
    ("2027-01-02T10:00:00+00:00", "Dec 31 23:59:59", "2026-12-31T23:59:59"),
    ("2027-01-02T10:00:00+00:00", "Jan  1 00:00:01", "2027-01-01T00:00:01"),
    # Last written at 22:00 UTC on 31 December, when it was already 1 January in Almaty
    # (UTC+5): the stamp in local time is a few hours past the mtime, within the day.
    ("2026-12-31T22:00:00+00:00", "Jan  1 03:00:00", "2027-01-01T03:00:00"),
    ("2026-12-31T22:00:00+00:00", "Dec 31 21:59:00", "2026-12-31T21:59:00"),
    # A reference in another zone is taken in UTC.
    ("2027-01-01T02:00:00+05:00", "Dec 31 23:00:00", "2026-12-31T23:00:00"),
    # 29 February exists only in a leap year.
    ("2028-03-01T00:00:00+00:00", "Feb 29 12:00:00", "2028-02-29T12:00:00"),
    ("2027-03-01T00:00:00+00:00", "Feb 29 12:00:00", None),
]
_MONTH_NUMBERS = {name: f"{number:02d}" for number, name in enumerate(
    ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"), 1)}


@pytest.mark.parametrize(("mtime", "stamp", "expected"), _YEARLESS)
def test_the_year_of_a_bsd_syslog_stamp(mtime, stamp, expected):
    assert _all_paths(stamp + " host app: x", year_cut(mtime)) == {expected}


@pytest.mark.parametrize(("mtime", "stamp", "expected"), _YEARLESS)
@pytest.mark.parametrize("form", ["{m}-{d} {t}.811  1702  2395 D app: x",
                                  "[{m}.{d} {t}] app.exe - x"], ids=["logcat", "Proxifier"])
def test_logcat_and_proxifier_stamps_take_their_year_as_bsd_syslog_stamps_do(
        form, mtime, stamp, expected):
    name, day, time = stamp.split()
    line = form.format(m=_MONTH_NUMBERS[name], d=f"{int(day):02d}", t=time)
    assert _all_paths(line, year_cut(mtime)) == {expected}


def test_year_cut_is_a_day_after_the_reference_in_utc_or_after_now():
    assert year_cut("2026-12-31T22:00:00+00:00") == "2027-01-01T22:00:00"
    assert year_cut("2027-01-01T02:00:00+05:00") == "2027-01-01T21:00:00"
    assert year_cut("2026-03-02T00:00:00") == "2026-03-03T00:00:00"  # naive: as UTC
    import datetime as dt

    tomorrow = (dt.datetime.now(dt.UTC) + dt.timedelta(days=1)).strftime("%Y-%m-%d")
    for reference in (None, "", "not a time"):
        assert year_cut(reference)[:10] == tomorrow
    # Without a cut, the yearless stamp is read against now.
    assert timestamp("Jan  1 00:00:00 x") in {f"{y}-01-01T00:00:00"
                                              for y in range(int(tomorrow[:4]) - 1,
                                                             int(tomorrow[:4]) + 1)}


def test_the_leftmost_timestamp_is_the_lines_own():
    # A later stamp is data: the first one found decides, even when it is no real date.
    assert _all_paths("Mar  1 03:08:32 host app: born 1990-01-02 00:00:00", CUT) == {
        "2026-03-01T03:08:32"}
    assert _all_paths("[01/Foo/2026:00:00:00 +0000] 2026-01-01 00:00:00", CUT) == {None}
    assert _all_paths("x" * 186 + "Mar  1 03:08:32", CUT) == {None}  # ends past 200
    assert _all_paths("x" * 185 + "Mar  1 03:08:32", CUT) == {"2026-03-01T03:08:32"}
    assert _all_paths("x" * 183 + "03-01 03:08:32.811", CUT) == {None}
    assert _all_paths("x" * 182 + "03-01 03:08:32.811", CUT) == {"2026-03-01T03:08:32"}
    assert _all_paths("x" * 180 + "20260301-03:08:32:606", CUT) == {None}
    assert _all_paths("x" * 179 + "20260301-03:08:32:606", CUT) == {"2026-03-01T03:08:32"}
    assert _all_paths("[03.01 03:08:32] then 2026-01-01 00:00:00", CUT) == {
        "2026-03-01T03:08:32"}
    # After a false start ("Done" is no "Dec"), the search as Python skips ahead to a little
    # before the first hour and minute ("03:08:", or the access log's "26:03:"): stamps with
    # theirs furthest in are found all the same.
    for stamp in ("2026-03-01T03:08:32", "01.03.2026 03:08:32", "Sun Mar  1 03:08:32 2026",
                  "[01/Mar/2026:03:08:32 +0000]"):
        assert _all_paths(f"Done: {stamp} GET /", CUT) == {"2026-03-01T03:08:32"}, stamp


_PARTS = st.sampled_from([
    "2024-03-19 16:00:01", "2024/03/19 16:00:01", "2024-03-19T16:00:01", "2024-02-30 16:00:01",
    "[19/Mar/2024:16:00:01", "[19/Foo/2024:16:00:01", "19.03.2024 16:00:01",
    "Mar 19 16:00:01", "Mar  9 16:00:01", "Mar 9 16:00:01", "Feb 29 16:00:01", "Foo 19 16:00:01",
    "Tue Mar 19 16:00:01 2024", "Tue Mar 19 16:00:01.123456 2024", "Tue Mar  9 16:00:01",
    ".1234567890 2024", " 2024", "2024-13-19 16:00:01", '{"ts":"', "1.2.3.4", "fe80::1",
    " - - ", ",123 INFO ", "[", "2", "-", "/", ".", ":", " ", "x", "M", "Ma", "Mar", "Tue",
    "0", "9", "T", "16:00:01", "16:0x:01", "16:00:1", "1:00:01", "Jan", "Dec 31 23:59:59",
    # HDFS (a stamp only where a line begins with it), HealthApp, logcat, Proxifier.
    "240319 160001 ", "240230 160001 ", "240319 246001 ", "240319 160001", "240319", "160001",
    "20240319-16:00:01:606", "20240230-16:00:01:606", "20240319-16:00:01", ":606",
    "03-19 16:00:01.811", "02-29 16:00:01.811", "13-19 16:00:01.811", "03-19 16:00:01", ".811",
    "[03.19 16:00:01]", "[19.03 16:00:01]", "[03.19 16:00:01", "]", "\t",
])


@settings(max_examples=1500, deadline=None)
@given(st.lists(st.lists(_PARTS, max_size=8).map("".join), min_size=1, max_size=8),
       st.sampled_from(["2026-03-02T00:00:00", "2024-03-01T00:00:00", "2027-01-01T12:00:00"]))
def test_the_fast_paths_give_what_the_pattern_gives(lines, cut):
    for line in lines + lines:  # the second time, from the memos where they apply
        assert _all_paths(line, cut) == {by_regex(line, cut)}, line
        if not ts._SCANNER_COMPILED:  # the scanner as Python: its span is the match's too
            m = ts._TS.search(line, 0, 200)
            assert ts._span(line) == (-1 if m is None else m.start() << 8 | m.end()), line


def test_the_fast_paths_on_real_and_generated_logs():
    """Every line of the Loghub samples, and a realistic corpus with each line shifted and
    cut at random places (seeded), through every path."""
    from derbes.detectors.corpora.realistic import corpus

    lines = []
    for path in sorted(PUBLIC_LOGS.glob("*.log")):
        lines += path.read_text(encoding="utf-8", errors="replace").splitlines()
    for log in corpus(lines=3000):
        lines += log.lines
    rng = random.Random(94)
    for line in lines[:]:
        cut = rng.randrange(len(line) + 1)
        lines.append(line[cut:])
        lines.append(rng.choice(" x[2M") * rng.randrange(0, 12) + line[:cut])
    found = 0
    for line in lines:
        expected = by_regex(line, CUT)
        assert _all_paths(line, CUT) == {expected}, line
        found += expected is not None
    assert found > len(lines) // 2  # most lines of real logs carry one


@pytest.mark.parametrize("form", [
    "{b} {d:>2} {t} mx1 postfix/smtp[11]: to=<{to}>, status=sent",
    "{m}-{d} {t}.811  1702  2395 I MailSync: sent to={to}",
    "[{m}.{d} {t}] thunderbird.exe - smtp.example.kz:465 open, mail to {to}",
], ids=["BSD syslog", "logcat", "Proxifier"])
def test_a_yearless_files_oldest_time_takes_its_year_from_the_files_mtime(tmp_path, form):
    """End to end: a log written from December into January, its mtime on 2 January 2027."""
    from derbes.detectors.email import EmailRecognizer
    from derbes.scanner.engine import ScanOptions, scan
    from derbes.scanner.engine.detect import Detector
    from derbes.scanner.sources.logs.source import LogSource

    log = tmp_path / "mail.log"
    log.write_text("".join(
        form.format(b=name, m=_MONTH_NUMBERS[name], d=day, t=time, to=to) + "\n"
        for name, day, time, to in [("Dec", "30", "23:10:00", "aigerim@example.kz"),
                                    ("Dec", "31", "23:59:59", "serik@example.kz"),
                                    ("Jan", "01", "00:00:05", "dana@example.kz"),
                                    ("Jan", "02", "09:00:00", "arman@example.kz")]))
    if form.startswith("{b}"):
        # RFC 3164 pads a day below 10 with a space: "Jan  1".
        log.write_text(log.read_text().replace("Jan 01", "Jan  1").replace("Jan 02", "Jan  2"))
    mtime = 1798884000  # 2027-01-02T10:00:00Z
    os.utime(log, (mtime, mtime))
    result = scan([LogSource(str(log))], ScanOptions(),
                  detector=Detector([EmailRecognizer()]))
    (container,) = result.containers
    assert (container.oldest_timestamp, container.newest_timestamp) == (
        "2026-12-30T23:10:00", "2027-01-02T09:00:00")
    (finding,) = result.findings
    assert finding.oldest_seen == "2026-12-30T23:10:00"


def test_an_hdfs_logs_times_are_its_own_not_its_mtime(tmp_path):
    """End to end on Loghub's hdfs.log, its mtime of today: its lines with an address run
    from 20:40:05 to 23:33:56 on 9 November 2008 (a time is read where there is a hit)."""
    from derbes.detectors.ip_address import IpAddressRecognizer
    from derbes.scanner.engine import ScanOptions, scan
    from derbes.scanner.engine.detect import Detector
    from derbes.scanner.sources.logs.source import LogSource

    log = tmp_path / "hdfs.log"
    log.write_bytes((PUBLIC_LOGS / "hdfs.log").read_bytes())
    result = scan([LogSource(str(log))], ScanOptions(),
                  detector=Detector([IpAddressRecognizer()]))
    (container,) = result.containers
    assert (container.oldest_timestamp, container.newest_timestamp) == (
        "2008-11-09T20:40:05", "2008-11-09T23:33:56")
    assert {f.entity for f in result.findings} == {"IP_ADDRESS"}
    assert {f.oldest_seen for f in result.findings} == {"2008-11-09T20:40:05"}


@settings(max_examples=400, deadline=None)
@given(st.integers(-50, 12_000), st.integers(-5, 120), st.integers(-5, 120),
       st.integers(-5, 120), st.integers(-5, 120), st.integers(-5, 120))
def test_iso_is_the_fields_zero_padded_as_the_format_string_has_them(
        year, month, day, hour, minute, second):
    """The stamp's string: compiled, written digit by digit; as Python, the f-string. Both
    are held to ``format`` here, including fields wider than their digits."""
    want = f"{year:04d}-{month:02d}-{day:02d}T{hour:02d}:{minute:02d}:{second:02d}"
    assert ts.iso(year, month, day, hour, minute, second) == want


# -- 1C:Enterprise's technological journal ----------------------------------------------------


@pytest.mark.parametrize(("name", "hour"), [
    ("/var/log/1c/rphost_4321/26120714.log", "2026-12-07T14"),
    ("logs.zip!/rmngr_77/24022923.log", "2024-02-29T23"),  # a leap day, in an archive
    ("26010100.log", "2026-01-01T00"),
    ("rphost_1/23022910.log", None),  # 29 February of a common year
    ("rphost_1/26120724.log", None),  # no 24th hour
    ("rphost_1/2612071.log", None),
    ("rphost_1/126120714.log", None),
    ("rphost_1/26120714.log.gz", None),
    ("app-26120714.log", None),
])
def test_a_technological_journals_hour_is_its_files_name(name: str, hour: str | None) -> None:
    from derbes.scanner.engine.timestamps import journal_hour

    assert journal_hour(name) == hour


def test_a_technological_journals_line_is_read_in_its_files_hour() -> None:
    from derbes.scanner.engine.timestamps import journal_stamp

    hour = "2026-12-07T14"
    assert journal_stamp("05:12.481004-0,CONN,2,process=rphost", hour) == "2026-12-07T14:05:12"
    assert journal_stamp("59:59.000001-15003,DBMSSQL,4,Sql='SELECT 1'", hour) == (
        "2026-12-07T14:59:59")
    # 1C:Enterprise 8.2 wrote four digits of the fraction.
    assert journal_stamp("00:07.1234-1,EXCP,1,Descr='x'", hour) == "2026-12-07T14:00:07"
    for line in ("60:12.481004-0,CONN,2", "05:61.481004-0,CONN,2", "05:12-0,CONN,2",
                 "  05:12.481004-0,CONN", "'Ошибка при записи: 05:12.481004-0,CONN",
                 "05:12.481004,CONN,2"):
        assert journal_stamp(line, hour) is None, line


def test_a_technological_journals_lines_have_their_stamps(tmp_path) -> None:
    # The container's oldest and newest stamps (retention): the lines' minutes and seconds in
    # the hour of the file's name, not the file's modification time.
    from derbes.scanner.engine import ScanOptions, scan
    from derbes.scanner.sources.logs import LogSource

    folder = tmp_path / "rphost_4321"
    folder.mkdir()
    (folder / "26120714.log").write_text(
        "05:12.481004-0,CONN,2,process=rphost,t:computerName=BUH-PC07,"
        "Usr=Ахметов Серик Болатович,AppID=1CV8C\n"
        "47:03.002001-15003,EXCP,4,process=rphost,Usr=Жумабаева Айгерим Ержановна,"
        "Descr='Ошибка при записи: телефон +7 701 234 56 78 уже указан'\n",
        encoding="utf-8-sig",  # as the platform writes it
    )
    result = scan([LogSource(str(tmp_path))], ScanOptions(hash_key=b"k" * 16))
    (container,) = result.containers
    assert (container.oldest_timestamp, container.newest_timestamp) == (
        "2026-12-07T14:05:12", "2026-12-07T14:47:03")
    persons = [f for f in result.findings if f.entity == "PERSON"]
    assert [(f.field, f.oldest_seen) for f in persons] == [("Usr", "2026-12-07T14:05:12")]
