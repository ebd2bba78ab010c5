"""The recognizer base's shortcuts against what they stand for in Presidio."""

from __future__ import annotations

import functools
import string

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from derbes.detectors.ip_address import IpAddressRecognizer


def test_a_window_without_letters_holds_no_context_word():
    r = IpAddressRecognizer()
    line = '1.2.3.4 - - [01/Mar/2026:00:00:15 +0500] "-" "178.89.157.15"'
    assert r.context_verdict(line, line.rindex("178")) is None
    assert r.context_verdict("version 1.2.3.4", 8) is False
    assert r.context_verdict("ip: 1.2.3.4", 4) is True


def test_ip_version_shortcuts_agree_with_their_regexes():
    # The IP recognizer skips its version searches where the character before the number
    # cannot end a label ("[\s:=]+$") or a product name ("[ /]\Z"): the same verdicts.
    import re

    from derbes.detectors import ip_address as ip
    from derbes.detectors.corpora.realistic import corpus

    lines = [line for f in corpus(1500, seed=5) for line in f.lines] + [
        "версия\u00a01.2.3.4", "build of agent\t5.1.0.2", "Version: x\u20031.2.3.4",
        "Kaspi WebView 20.29.49.117", "Chrome/1.2.3.4", "x PaySDK 1.2.3.4",
        "RELEASE notes 1.2.3.4", "Firmware rev: 2.3.4.5", "from host 10.1.2.3",
    ]
    labelled = products = 0
    for line in lines:
        for m in re.finditer(r"(?<![0-9])[0-9]", line):
            start = m.start()
            lo = line.rfind("\n", max(0, start - 64), start) + 1 or max(0, start - 64)
            expected = start > lo and ip._VERSION_LABEL.search(line, lo, start) is not None
            assert ip._labelled_version(line, start) == expected, (line, start)
            lo = max(0, start - 40)
            expected_product = (
                start > lo and ip._PRODUCT_BEFORE.search(line, lo, start) is not None)
            assert ip._product_version(line, start) == expected_product, (line, start)
            labelled += expected
            products += expected_product
    assert labelled and products


@settings(max_examples=400, deadline=None)
@given(st.lists(st.sampled_from([
    "Chrome", "chrome", "WebView", "Kaspi", "PaySDK", "net", ".net", "1c", "x", "_", "é",
    "Android", "٣", "a" * 41, " ", "/", ".", ":", "=", "-", "(", "ё", "HarmonyOS",
]), max_size=8))
def test_ip_product_version_is_its_regex_searched(words):
    # _product_version tries _PRODUCT_BEFORE only where a match can begin; search tries
    # every place of the 40 characters before the number.
    from derbes.detectors import ip_address as ip

    # Twice, and after a character or two in front: the verdicts are remembered by the text
    # before the number, which must hold all that decides them.
    for head in ("", "a", ".", " ", "a.", " .", "._"):
        for tail in (" ", "/", ""):
            line = head + "".join(words) + tail + "1.2.3.4"
            start = len(line) - 7
            lo = max(0, start - 40)
            expected = start > lo and ip._PRODUCT_BEFORE.search(line, lo, start) is not None
            assert ip._product_version(line, start) == expected, line
            assert ip._product_version(line, start) == expected, line


@settings(max_examples=600, deadline=None)
@given(st.lists(st.sampled_from([
    "version", "Version", "VERSION", "версия", "Версии", "нұсқасы", "build", "сборка",
    "release", "релиз", "firmware", "прошивки", "of", "agent", "from", "host", "адрес",
    "BuILD", "ReLeasE", "FIRMWARE", "verSion", "versio", "buil", "firmwar", "relea",
    "модуля", "x1", "_", "é", "a" * 25, "a" * 70, " ", "  ", "\t", "\u00a0", ":", "=",
    "-", "\n", ".", "/",
]), max_size=9))
def test_ip_labelled_version_is_its_regex_searched(words):
    # _labelled_version tries _VERSION_LABEL only where a match can begin; search tries
    # every place of the window before the number.
    from derbes.detectors import ip_address as ip

    for tail in (" ", ":", "", "= "):
        line = "".join(words) + tail + "1.2.3.4"
        start = len(line) - 7
        lo = line.rfind("\n", max(0, start - 64), start) + 1 or max(0, start - 64)
        expected = start > lo and ip._VERSION_LABEL.search(line, lo, start) is not None
        assert ip._labelled_version(line, start) == expected, line


def test_ip_candidates_are_the_patterns_less_versions_and_networks():
    """The IP recognizer's candidates (its dotted-quad scanner when compiled, the checks of
    versions and networks run only where the characters around an address allow them) are
    the base class's pattern matches without versions and networks, on realistic lines."""
    from derbes.detectors import ip_address as ip
    from derbes.detectors.base import DerbesRecognizer
    from derbes.detectors.corpora.realistic import corpus

    r = IpAddressRecognizer()
    lines = [line for f in corpus(1500, seed=11) for line in f.lines] + [
        "версия\u00a01.2.3.4", "build of agent\t5.1.0.2", "Chrome/1.2.3.4", "x=10.0.0.0/8",
        "route 10.0.0.0/8 via 10.0.0.1", "inet 192.168.1.23/24", "a:2001:db8::/32 b",
        "Kaspi WebView 20.29.49.117", "peer=5.6.7.8/ ok", "ip:\t1.2.3.4", "1.2.3.4/16",
    ]
    kept = dropped = 0
    for line in lines:
        plain = [c for c in DerbesRecognizer.candidates(r, line)
                 if not (ip._labelled_version(line, c[0]) or ip._product_version(line, c[0])
                         or ip._network_prefix(line, c[0], c[1]))]
        assert r.candidates(line) == plain, line
        kept += len(plain)
        dropped += len(DerbesRecognizer.candidates(r, line)) - len(plain)
    assert kept > 1000 and dropped > 5


def test_find_scores_as_context_score_does():
    """find() scores context inline for recognizers that keep the base class's
    context_score: the same spans and scores as context_score gives, candidate by candidate,
    with and without field names, on realistic lines."""
    from derbes.detectors import all_recognizers
    from derbes.detectors.base import _remove_contained
    from derbes.detectors.corpora.realistic import corpus

    lines = [line for f in corpus(800, seed=3) for line in f.lines]
    # Negative words right before certain values of every kind (a kill, or nothing to change).
    values = ["+7 701 123 45 67", "8 701 123 45 67", "87011234567", "+44 20 7946 0958",
              "KZ86125KZT5004100100", "3C:5A:B4:1F:22:9E", "354673099793529",
              "4111111111111111", "870412300456", "940840000101", "a.b@mail.kz", "10.1.2.3"]
    for word in ("order ", "заказ: ", "ticket=", "message-id=<", "ts ", "ул. ", "iin "):
        lines += [word + v for v in values]
    scored = 0
    for r in all_recognizers():
        for field_context in ((), ("phone",), ("order_id",), ("email",)):
            for line in lines:
                expected = []
                for start, end, score, name in r.candidates(line):
                    final = r.context_score(line, start, score, name, field_context)
                    if final > 0:
                        expected.append((start, end, final))
                if len(expected) > 1:
                    expected = _remove_contained(expected)
                assert r.find(line, field_context) == expected, (type(r).__name__, line)
                scored += len(expected)
    assert scored > 1000


def _plain_verdict(recognizer, text):
    """The context verdict as first written: one boundary before a group of negative words
    and a group of supporting ones, each longest first, after camelCase is cut."""
    import re

    rx = _plain_regex(tuple(recognizer.CONTEXT), tuple(recognizer.NEGATIVE_CONTEXT))
    folded = re.sub(r"(?<=[a-zа-я])(?=[A-ZА-Я])", "_", text).casefold()
    last = None
    for last in rx.finditer(folded):  # noqa: B007
        pass
    return None if last is None else last.lastgroup == "pos"


@functools.cache
def _plain_regex(positive, negative):
    import re

    from derbes.detectors.base import _WORD_CHARS

    def alternation(words):
        unique = sorted({w.casefold() for w in words}, key=lambda w: (-len(w), w))
        return "|".join(re.escape(w) for w in unique)

    groups = [f"(?P<pos>{alternation(positive)})"]
    if negative:
        groups.insert(0, f"(?P<neg>{alternation(negative)})")
    return re.compile(f"(?<![{_WORD_CHARS}])(?:{'|'.join(groups)})")


def _overlapping():
    """A recognizer whose supporting and negative words begin alike (none of derbes' own do
    today): which of two words matching at one place wins is then the order's to decide."""
    from derbes.detectors.base import DerbesRecognizer

    class Overlapping(DerbesRecognizer):
        ENTITY = "TEST"
        CONTEXT = ("card", "ip", "номер", "id")
        NEGATIVE_CONTEXT = ("card_id", "ip", "номер заказа", "i")

    return Overlapping()


def _recognizers():
    from derbes.detectors import all_recognizers

    return [*all_recognizers(), _overlapping()]


def _context_words():
    words = set()
    for r in _recognizers():
        words.update(r.CONTEXT)
        words.update(r.NEGATIVE_CONTEXT)
    return sorted(words)


@settings(max_examples=500, deadline=None)
@given(st.lists(st.one_of(
    st.sampled_from(_context_words()),
    st.sampled_from(_context_words()).map(str.upper),
    st.sampled_from(_context_words()).map(str.title),
    st.sampled_from([" ", "_", "x", "1", ":", "=", "é", "Ё", "-", ".", "aB", "ІІН", "\t"]),
), max_size=7).map("".join))
def test_context_verdict_is_the_plain_regex(text):
    from derbes.detectors.base import _nearest_verdict

    for r in _recognizers():
        if r._context_rx is not None:
            assert _nearest_verdict(r._context_rx, text) == _plain_verdict(r, text), (r.name, text)


def test_context_verdict_is_the_plain_regex_on_realistic_windows():
    from derbes.detectors import all_recognizers
    from derbes.detectors.base import _nearest_verdict
    from derbes.detectors.corpora.realistic import corpus

    lines = [line for f in corpus(600, seed=8) for line in f.lines]
    verdicts = set()
    for r in all_recognizers():
        if r._context_rx is None:
            continue
        for line in lines:
            for end in range(0, len(line), 7):
                window = line[max(0, end - r.CONTEXT_WINDOW):end]
                got = _nearest_verdict(r._context_rx, window)
                assert got == _plain_verdict(r, window), (r.name, window)
                verdicts.add(got)
    assert verdicts == {None, True, False}


def test_first_character_first_moves_lookbehinds_after_the_first_token():
    import re

    from derbes.detectors.base import first_character_first as first

    assert first(r"(?<![0-9A-Za-z-])[0-9]{12}(?![0-9])") == (
        r"[0-9](?<!(?:[0-9A-Za-z-])(?s:.))[0-9]{11}(?![0-9])")
    assert first(r"(?<!a)(?<=b|c)x+y") == r"x(?<!(?:a)(?s:.))(?<=(?:b|c)(?s:.))x*y"
    assert first(r"(?<![\]a])[0-9]{2,5}") == r"[0-9](?<!(?:[\]a])(?s:.))[0-9]{1,4}"
    # Left alone: a token that may match nothing, a lookahead first, no lookbehind first.
    for regex in (r"(?<!a)b?c", r"(?<!a)[0-9]*", r"(?<!a)(?!KZ)[A-Z]{2}", r"[78](?<!x)",
                  r"(?<!a)(?:b|c)", r"(?<!a)[0-9]{2}?", r"(?<!a) x"):
        assert first(regex) == regex
    # In a verbose regex spaces and comments are no characters: left alone too.
    verbose = r"(?<![a-z])  [0-9]{2}  # two digits"
    assert first(verbose, re.VERBOSE) == verbose


def _all_patterns():
    from derbes.detectors import all_recognizers

    return sorted({(type(r).__name__, p.name, p.regex, r.FLAGS)
                   for r in all_recognizers() for p in r.PATTERNS})


def test_first_character_first_applies_to_most_patterns():
    from derbes.detectors.base import first_character_first as first

    moved = [name for _, name, regex, _ in _all_patterns() if first(regex) != regex]
    assert len(moved) >= 15, moved


@settings(max_examples=1500, deadline=None)
@given(st.lists(st.sampled_from([
    "0", "1", "2", "4", "7", "8", "9", "12", "870412", "300", "4111", "a", "A", "f", "Z", "KZ",
    "x", "0x", "-", " ", ".", ":", "_", ",", "*", "\n", "é", "Ж", "Айгерим", "ұ", "@", "+",
    "(", "/", '"', "8704123", "00000000", "3C5A", "DE89", ";", "\t", "\\",
]), max_size=16).map("".join))
def test_first_character_first_matches_as_the_plain_pattern(text):
    import re

    from derbes.detectors.base import first_character_first as first

    for recognizer, name, regex, flags in _all_patterns():
        ours = [m.span() for m in re.finditer(first(regex, flags), text, flags)]
        assert ours == [m.span() for m in re.finditer(regex, text, flags)], (recognizer, name)


def test_first_character_first_matches_as_the_plain_pattern_on_realistic_lines():
    import re

    from derbes.detectors.base import first_character_first as first
    from derbes.detectors.corpora.realistic import corpus

    text = "\n".join(line for f in corpus(1500, seed=21) for line in f.lines)
    found = 0
    for recognizer, name, regex, flags in _all_patterns():
        ours = [m.span() for m in re.finditer(first(regex, flags), text, flags)]
        assert ours == [m.span() for m in re.finditer(regex, text, flags)], (recognizer, name)
        found += len(ours)
    assert found > 1000


@settings(max_examples=500, deadline=None)
@given(st.lists(st.one_of(
    st.sampled_from(_context_words()),
    st.sampled_from(["0", "1", "5", "7", "9", "2026-03-01", "12:30:45", "md", "md7", "v1",
                     "ИИН", "٣", "\ud800", " ", "_", ":", "=", "x", "-", "[", "é", "md5 "]),
), max_size=8).map("".join))
@example("hash md5 ")
def test_windows_with_other_digits_get_the_same_verdict(text):
    from derbes.detectors.base import _nearest_verdict, _with_digits_made_one

    for r in _recognizers():
        if r._context_rx is not None:
            general = _with_digits_made_one(text, r._windows.digits)
            assert _nearest_verdict(r._context_rx, general) == (
                _nearest_verdict(r._context_rx, text)), (r.name, text)
            assert r.context_verdict(text, len(text)) == _plain_verdict(
                r, text[max(0, len(text) - r.CONTEXT_WINDOW):]), (r.name, text)


def test_digits_made_one_spare_the_digits_of_words():
    from derbes.detectors.base import _digits_made_one, _with_digits_made_one

    table = _digits_made_one(["md5", "ip"])
    assert _with_digits_made_one("md5 2026-03-01 v7", table) == "md5 0000-00-00 v0"
    # Other characters, and a lone surrogate (a database's text may hold one), as they were.
    assert _with_digits_made_one("ИИН ٣ \ud800 7", table) == "ИИН ٣ \ud800 0"
    assert _with_digits_made_one("a1 b2", _digits_made_one(["a0", "b"])) == "a1 b1"


def test_window_verdicts_stay_bounded_when_windows_differ_in_digits_only():
    # A long log repeats a template with new digits on every line: each window is new as it
    # stands, its digits-made-one form seen long ago. The memo must still be emptied at its
    # limit, whichever of the two forms is new (it grew without end when only the second was).
    from derbes.detectors.base import _WINDOWS_KEPT

    r = IpAddressRecognizer()
    for i in range(3 * _WINDOWS_KEPT):
        window = f"pid {i} session {i * 7} client ip "
        assert r.context_verdict(window, len(window)) is True
        assert len(r._windows.verdicts) <= _WINDOWS_KEPT


def _punctuated():
    """A recognizer whose words hold characters that cut the windows of derbes' own ones
    (quotes, a comma, an equals sign, braces, a bar): for it they must not cut."""
    from derbes.detectors.base import DerbesRecognizer

    class Punctuated(DerbesRecognizer):
        ENTITY = "TEST"
        CONTEXT = ('"phone"', "a,b", "x=y", "{ip}", "tel", "straße")
        NEGATIVE_CONTEXT = ("order|id", "no;", "ID", "[x]")

    return Punctuated()


#: Recognizers that live through many examples, so that their memos hold earlier windows
#: and pieces, as in a scan.
_LIVING = []


def _living():
    if not _LIVING:
        _LIVING.extend(r for r in (*_recognizers(), _punctuated()) if r._context_rx is not None)
    return _LIVING


def _window_before(recognizer, text, start):
    """The text a verdict at ``start`` reads, cut as plainly as can be."""
    window = text[max(0, start - recognizer.CONTEXT_WINDOW):start]
    return window.split("\n")[-1]


_PIECES = st.lists(st.one_of(
    st.sampled_from([*_context_words(), '"phone"', "a,b", "x=y", "{ip}", "order|id", "no;"]),
    st.sampled_from(_context_words()).map(str.upper),
    st.sampled_from(_context_words()).map(str.title),
    st.sampled_from(sorted(set(string.punctuation + " \t\n"))),
    st.sampled_from([
        # camelCase, at and across cuts
        "aB", "xY", "requestId", "clientIp", "userPhone", "жИ", "ёЖ", "Ё", "é",
        # digits and ever-new hex (a request id's tail)
        "0", "7", "2026-03-01", "12:30:45", "a9a25c5e-d5e5", "3f2a9c", "DE89", "0x1F",
        # characters whose case folding is longer or not themselves
        "ß", "ẞ", "İ", "ﬁ", "ŉ", "Σ", "ς", "ᲀ", "ІІН", "\ud800",
    ]),
), max_size=12).map("".join)


@settings(max_examples=1500, deadline=None)
@given(_PIECES)
@example('a9a25c5e-d5e5-4598-b80f-3d8ca1f0656d","phone":"')
@example('order_id":7,"phone')
@example('номер заказа, тел')
@example('ip: 1, version')
def test_pieces_verdict_is_the_plain_regex(text):
    # A window cut at the characters no context word holds, judged piece by piece from its
    # end, gets the verdict of the whole window: with an empty memo, with the memo of
    # earlier examples, and through context_verdict (window memo, digits made one, pieces).
    from derbes.detectors.base import _ContextWindows

    for r in _living():
        expected = _plain_verdict(r, text)
        fresh = _ContextWindows(r._context_rx, [*r.CONTEXT, *r.NEGATIVE_CONTEXT], 48)
        assert fresh.pieces_verdict(text) == expected, (r.name, text)
        assert r._windows.pieces_verdict(text) == expected, (r.name, text)
        assert r.context_verdict(text, len(text)) == _plain_verdict(
            r, _window_before(r, text, len(text))), (r.name, text)


def test_cuts_are_no_character_of_a_word():
    from derbes.detectors.base import _cuts

    cuts = set(_cuts(["номер заказа", "e-mail", "tel.", "ip:", "x=y", "card_id", "STRAẞE"]))
    assert set('"{}[],;|') <= cuts
    assert not cuts & set(" -.:=_") and all(c.isascii() and not c.isalnum() for c in cuts)
    for r in _living():
        bits = r._windows.cuts_low | r._windows.cuts_high << 64
        cuts = [c for c in map(chr, range(128)) if bits >> ord(c) & 1]
        if r.ENTITY != "TEST":
            assert set('"{}[],;|') <= set(cuts), r.name
        assert not any(c in w.casefold() for w in (*r.CONTEXT, *r.NEGATIVE_CONTEXT)
                       for c in cuts), r.name
    assert _cuts(["ip", ""]) == ""  # an empty word matches anywhere: nothing cuts it


def _realistic_lines():
    from pathlib import Path

    from derbes.detectors.corpora import logs
    from derbes.detectors.corpora.realistic import corpus

    public = sorted(Path(__file__).parent.parent.joinpath("data", "public_logs").glob("*.log"))
    lines = [line for f in public for line in f.read_text(encoding="utf-8").splitlines()]
    lines += [line for f in corpus(600, seed=13) for line in f.lines]
    lines += logs.lines(1500, seed=13)
    return lines


def test_context_verdict_is_the_plain_regex_on_realistic_lines():
    # Every recognizer, every few characters of public logs and generated ones (JSON lines
    # with request ids, nginx, application lines): the memoized verdict, pieces and all, is
    # the plain regex's on the window. Lines are read as the scan reads them: one after the
    # other, each recognizer keeping its memo.
    from derbes.detectors import all_recognizers

    lines = _realistic_lines()
    text = "\n".join(lines)
    verdicts = {None: 0, True: 0, False: 0}
    for r in [*all_recognizers(), _punctuated()]:
        if r._context_rx is None:
            continue
        for start in range(0, len(text), 5):
            got = r.context_verdict(text, start)
            assert got == _plain_verdict(r, _window_before(r, text, start)), (
                r.name, _window_before(r, text, start))
            verdicts[got] += 1
    assert min(verdicts.values()) > 1000, verdicts


def test_window_verdicts_stay_bounded_when_pieces_are_new():
    # Windows of ever-new pieces and no context word: each adds itself, its form with digits
    # made one, and every piece; the memo is still emptied at its limit.
    import random

    from derbes.detectors.base import _WINDOWS_KEPT

    r = IpAddressRecognizer()
    rng = random.Random(5)
    for _ in range(3 * _WINDOWS_KEPT):
        window = ",".join(f"q{rng.getrandbits(20):x}" for _ in range(4)) + ","
        assert r.context_verdict(window, len(window)) is None
        assert len(r._windows.verdicts) <= _WINDOWS_KEPT


@settings(max_examples=1000, deadline=None)
@given(st.text(st.one_of(
    st.characters(max_codepoint=127), st.sampled_from("@[`{ZAza\x7f\x80éЖß\ud800")),
    max_size=20))
@example("ip")
@example("@[`{")
def test_letterless_ascii_is_ascii_with_lower_equal_to_upper(text):
    from derbes.detectors.base import _letterless_ascii

    assert _letterless_ascii(text) == (text.isascii() and text.lower() == text.upper())


def test_context_verdict_of_a_line_read_decoded_is_its_texts():
    # A line read decoded comes as a str subclass; the compiled window reader takes a str.
    from derbes.scanner.engine.pieces import DecodedLine

    r = IpAddressRecognizer()
    for text in ("client ip 10.1.2.3", "version 1.2.3.4", "x\nip: 1.2.3.4", "1.2.3.4"):
        start = text.rindex(" ") + 1 if " " in text else 0
        line = DecodedLine(text, {})
        assert r.context_verdict(line, start) == IpAddressRecognizer().context_verdict(
            text, start)


_SPANS = st.lists(
    st.tuples(st.integers(0, 40), st.integers(0, 12),
              st.sampled_from([0.0, 0.3, 0.4, 0.75, 1.0])).map(
        lambda t: (t[0], t[0] + t[1], t[2])),
    min_size=1, max_size=8)


@settings(max_examples=3000, deadline=None)
@given(_SPANS)
@example([(0, 5, 1.0), (5, 9, 1.0), (9, 9, 1.0)])  # empty span where another ends
@example([(3, 8, 1.0), (0, 4, 1.0)])  # apart only when read in order of starts
@example([(0, 4, 0.4), (6, 9, 1.0)])  # apart, two scores: score first
@example([(6, 9, 1.0), (0, 5, 1.0), (0, 5, 1.0)])  # one span found twice, another apart
@example([(0, 5, 1.0), (0, 5, 1.0), (0, 5, 1.0), (5, 5, 1.0)])  # thrice, and an empty one
def test_remove_contained_is_presidios_remove_duplicates(spans):
    """_remove_contained (spans apart and of one score taken at once) keeps what Presidio's
    EntityRecognizer.remove_duplicates keeps, in its order, on spans of one entity."""
    from presidio_analyzer import EntityRecognizer, RecognizerResult

    from derbes.detectors.base import _remove_contained

    presidio = EntityRecognizer.remove_duplicates(
        [RecognizerResult("X", s, e, score) for s, e, score in spans])
    assert _remove_contained(spans) == [(r.start, r.end, r.score) for r in presidio]


def _run_patterns():
    """Every pattern a recognizer declares in RUNS, compiled as it runs, with the masks of
    its characters and its run lengths."""
    from derbes.detectors import all_recognizers
    from derbes.detectors.base import run_masks

    out = []
    for recognizer in all_recognizers():
        for name, rx, _ in recognizer._compiled:
            if name in recognizer.RUNS:
                out.append((recognizer, name, rx, *run_masks(recognizer.RUNS[name])))
    return out


def test_runs_are_declared_for_the_patterns_that_start_a_run():
    from derbes.detectors import base

    declared = {(type(r).__name__, name) for r, name, *_ in _run_patterns()}
    # Compiled, each recognizer reads its runs; as Python, none does (finditer runs).
    assert all(set(r._runs) == (set(r.RUNS) if base._COMPILED else set())
               for r, *_ in _run_patterns())
    assert declared == {
        ("KzIinRecognizer", "iin"), ("KzBinRecognizer", "bin"),
        ("CreditCardRecognizer", "contiguous"), ("ImeiRecognizer", "bare"),
        ("PhoneRecognizer", "bare"), ("PhoneRecognizer", "json"),
        ("PhoneRecognizer", "trunk"), ("PhoneRecognizer", "local"),
        ("MacAddressRecognizer", "separated"), ("MacAddressRecognizer", "separated64"),
        ("MacAddressRecognizer", "cisco"),
        ("MacAddressRecognizer", "bare"),
        ("DeviceIdRecognizer", "uuid"), ("DeviceIdRecognizer", "android_id"),
        ("DeviceIdRecognizer", "meid"), ("IbanRecognizer", "other"),
        ("CreditCardRecognizer", "grouped"),
    }


def test_char_masks_hold_their_characters_only():
    from derbes.detectors.base import _in_masks, char_masks

    low, high = char_masks("09:-AFaf.x")
    assert [c for c in map(chr, range(300)) if _in_masks(ord(c), low, high)] == sorted("09:-AFaf.x")
    with pytest.raises(ValueError):
        char_masks("0٣")


# Runs of digits and of hex digits of every length around the declared ones, the shapes of the
# values, and what may stand around them: letters, the separators the lookarounds name, other
# scripts' digits.
_RUN_TEXT = st.lists(st.one_of(
    st.integers(1, 21).map(lambda n: "".join("4111111111111111111110"[k % 22] for k in range(n))),
    st.integers(1, 17).map(lambda n: "".join("3c5AB4f1229e0d7C8b9"[k % 19] for k in range(n))),
    st.sampled_from(["870412300456", "4000056655665556", "354673099793529", "9", "07",
                     "87011234567", "7011234567", "89161234567", "77011234567", '"phone":"',
                     '": ', "3c:5a:b4:28:fa:e5", "3C-5A-B4-28-FA-E5", "3c5a.b428.fae5",
                     "0x3C5AB41F229E", "55c04afa-d250-4e24-bc96-21d18f6feaa0", "fe80::",
                     "9774d56d682e549c", "A0000012345678", "4111 1111 1111 1111",
                     "4111-1111-1111-1111", "3714 496353 98431", "35 467309 979352 9",
                     "354673-09-979352-9", "8 701 123 45 67", "8 (7172) 55-12-34",
                     "87011234567", "DE89370400440532013000", "GB82 WEST 1234 5698 7654 32",
                     "KZ86125KZT5004100100", "(701) 123-45-67", "701 123 45 67", "(7172)",
                     "(", ")", "8(701)1234567", "7011234567"]),
    st.sampled_from(["-", " ", ".", ",", "*", "_", "+", "a", "Z", "KZ12 ", "x", "\n", "٣",
                     "３", "é", "Ж", "\U0001f600", '"', ":", "=", "/", "-5", ".5", ",5", "::",
                     ":a"]),
), max_size=14).map("".join)


@given(_RUN_TEXT)
@settings(max_examples=500, deadline=None)
@example("870412300456 4000056655665556-354673099793529")
@example("x870412300456,4000056655665556*354673099793529.5")
@example('{"phone":"77011234567","msisdn": 87011234567,"tel":+77011234567} 7011234567 89161234567')
@example("mac=3c:5a:b4:28:fa:e5-3c:5a:b4:28:fa:e5 0x3C5AB41F229E 3c5a.b428.fae5 3c5ab41f229e")
@example("card 4111 1111 1111 1111, 3714 496353 98431; imei 35 467309 979352 9 354673-09-979352-9")
@example("tel 8 701 123 45 67, 8 (7172) 55-12-34; iban DE89370400440532013000 GB82 WEST 1234 5698")
@example("(701) 123-45-67 701 123 45 67 ((7172) 55-12-34 x(701)1234567 7(01 (7172)55 12 34")
@example("7011234567(701) 123-45-67")
@example("8(7172)55-12-34 88 701 123 45 67 8-701-123-45-67 8 7011 234567 1-8 701 123 45 67")
@example("uzcard 8600 1234 5678 9012, humo 9860 1234 5678 9012 345; 8600123456789012 2026")
def test_run_matches_are_finditers(text):
    """What the pattern finds tried at the starts of its runs is what ``finditer`` finds, and
    with ``once`` what ``search`` finds: the declarations of RUNS hold. Called whatever the
    build (as Python the recognizers run finditer)."""
    from derbes.detectors.base import run_matches

    for recognizer, name, rx, low, high, shortest, longest, f_low, f_high in _run_patterns():
        spans = [m.span() for m in run_matches(rx, text, low, high, shortest, longest, False,
                                               f_low, f_high)]
        assert spans == [m.span() for m in rx.finditer(text)], (recognizer, name, text)
        first = rx.search(text)
        assert [m.span() for m in run_matches(rx, text, low, high, shortest, longest, True,
                                              f_low, f_high)] \
            == ([first.span()] if first else []), (recognizer, name, text)
        assert [m.span() for m in recognizer.matches(name, rx, text)] == spans
        assert [m.span() for m in recognizer.matches(name, rx, text, True)] == (
            [first.span()] if first else [])


def test_run_matches_are_finditers_on_realistic_lines():
    from derbes.detectors.base import run_matches
    from derbes.detectors.corpora.realistic import corpus

    text = "\n".join(line for f in corpus(3000, seed=22) for line in f.lines)
    found = 0
    for recognizer, name, rx, low, high, shortest, longest, f_low, f_high in _run_patterns():
        spans = [m.span() for m in run_matches(rx, text, low, high, shortest, longest, False,
                                               f_low, f_high)]
        assert spans == [m.span() for m in rx.finditer(text)], (recognizer, name)
        found += len(spans)
    assert found > 1000


def test_run_matches_resume_where_the_last_match_ended():
    # A match may run past its own run into the next (not so for the declared patterns, but
    # run_matches does not count on it): the next run tried is one after that match, as
    # finditer resumes there.
    import re

    from derbes.detectors.base import DIGITS, char_masks, run_matches

    rx = re.compile(r"(?<![0-9])[0-9]+ [0-9]+")
    text = "12 34 56 78"
    spans = [m.span() for m in run_matches(rx, text, *char_masks(DIGITS), 1, 0)]
    assert spans == [m.span() for m in rx.finditer(text)] == [(0, 5), (6, 11)]


def test_clear_memos_empties_every_string_memo():
    """A memo answers from its cache until clear_memos(); then the function runs again, for
    the memos of the detectors' own modules too (a benchmark run that starts with it
    validates as a new process would)."""
    from derbes.detectors.base import clear_memos, string_memo
    from derbes.detectors.phone import phone_is_valid

    calls = []

    @string_memo(8)
    def length(value: str) -> int:
        calls.append(value)
        return len(value)

    assert length("abc") == 3 and length("abc") == 3
    assert calls == ["abc"]
    phone_is_valid("+7 701 123 45 67")
    assert phone_is_valid.cache
    clear_memos()
    assert not phone_is_valid.cache
    assert length("abc") == 3
    assert calls == ["abc", "abc"]


_ANCHORED_TEXT = st.lists(st.one_of(
    st.sampled_from(["a", "user.name", "x_y+z", "%", "-", ".", "@", "mail.kz", "почта", "ə",
                     "ü", "\u04ff", "\u0500", "\U0001f600", "É", " ", ",", "<", ">", "\n", "1",
                     ":", "::", "fe80", "2001:db8", "::1", "a" * 63, "b" * 65, "[", "]",
                     "\u00a0", '"', "'", "/"]),
    st.integers(1, 70).map(lambda n: "k" * n),
), max_size=12).map("".join)


@settings(max_examples=1500, deadline=None)
@given(_ANCHORED_TEXT)
@example("a" * 64 + "@mail.kz " + "b" * 65 + "@mail.kz")
@example("почта.иван@mail.kz, ivan@почта.kz")
@example("\U0001f600x@mail.kz fe80::1 2001:db8::1")
def test_anchored_matches_are_finditers(text):
    """A pattern of ANCHORED (tried only where its anchor's start_of says it can start: an
    email's local part read back from its '@', compiled in C) finds what ``finditer``
    finds, and with ``once`` what ``search`` finds; for a decoded line (a str subclass) too."""
    from derbes.detectors import all_recognizers
    from derbes.scanner.engine.pieces import DecodedLine

    seen = 0
    for recognizer in all_recognizers():
        for name, rx, _ in recognizer._compiled:
            if name not in recognizer.ANCHORED:
                continue
            seen += 1
            expected = [m.span() for m in rx.finditer(text)]
            for line in (text, DecodedLine(text, {})):
                assert [m.span() for m in recognizer.matches(name, rx, line)] == expected, (
                    name, text)
                first = rx.search(text)
                assert [m.span() for m in recognizer.matches(name, rx, line, True)] == (
                    [first.span()] if first else []), (name, text)
    assert seen == 2  # the email's and the IPv6 address'
