"""IP addresses: IPv4 in dotted-quad form and IPv6 in its full and compressed forms.

Candidates are checked by Python's ``ipaddress`` (no octet above 255, no leading zeros,
at most one ``::``). Addresses that never name a host are dropped: unspecified
(``0.0.0.0``, ``::``), loopback, multicast and the reserved/broadcast block 240.0.0.0/4.
An IPv6 candidate without a single decimal digit (``a::b``) is C++/Rust scope syntax.
Private addresses are kept: inside a network they still single out a device.

Version strings are not addresses. A dotted quad glued to letters or to a product token
(``v1.2.3.4``, ``Chrome/120.0.0.0``), one part of a longer dotted number (``1.2.3.4.5``),
or following a word like ``version``, ``build``, ``версия``, ``нұсқа``, or a software
product's name (``Kaspi WebView 20.29.49.117``, ``Android 13.0.0.1``) is rejected, and so is
a network in CIDR form (``10.0.0.0/8``: host bits zero under a shorter prefix).

Reference: RFC 791 and RFC 4291 section 2.2 (text representation), RFC 5952; Python
``ipaddress``.
"""

from __future__ import annotations

import ipaddress
import re
from typing import ClassVar

from derbes.detectors import values
from derbes.detectors.base import (
    DerbesRecognizer,
    Pattern,
    _after_context,
    string_memo,
)

_O = r"[0-9]{1,3}"
_H = r"[0-9A-Fa-f]{1,4}"
_V4 = rf"{_O}\.{_O}\.{_O}\.{_O}"
_V6 = (
    rf"(?:(?:{_H}:){{6}}{_V4}"
    rf"|(?:{_H}(?::{_H}){{0,5}})?::(?:{_H}:){{0,4}}{_V4}"
    rf"|(?:{_H}:){{7}}{_H}"
    rf"|(?:{_H}(?::{_H}){{0,6}})?::(?:{_H}(?::{_H}){{0,6}})?)"
)
_PH = rb"[0-9A-Fa-f]{1,4}"
_Q4 = rb"[0-9]{1,3}\.[0-9]{1,3}\.[0-9]{1,3}\.[0-9]{1,3}"


def _ipv6_start(text: str, colon: int, pos: int) -> int:
    """Where an IPv6 address whose first colon is at ``colon`` can start, or -1 (the ``ipv6``
    pattern's place for :attr:`IpAddressRecognizer.ANCHORED`).

    Every form of the pattern holds a ``:`` among its first five characters (at most four hex
    digits, then ``:``), and starts after no ASCII letter or digit (its lookbehind). So it
    starts where the run of ASCII letters and digits that ends at the colon begins, if that
    run is at most four hex digits long, or, with no run, at the colon if another follows
    (``::``). ``re`` would try all the alternatives at every character of the line (about
    10 µs on an access log line).
    """
    start = colon
    while start > pos and colon - start < 5 and _word(text[start - 1]):
        start -= 1
    if start == colon:
        if not text.startswith(":", colon + 1):
            return -1
    elif colon - start > 4:
        return -1
    else:
        for k in range(start, colon):
            if not _hex(text[k]):
                return -1
    # Every form is hex digits, ':' and '.' only, and holds a "::" or at least six colons
    # (``(H:){6}`` and an IPv4 tail, or eight groups): a run from ``start`` with neither holds
    # no match (the times of a log line, "06:42:43.640", cost a failed match each).
    # Read up to the sixth colon or a "::" only: linear in the line, however long the run.
    n = len(text)
    end = colon
    colons = 0
    while end < n:
        c = text[end]
        if c == ":":
            colons += 1
            if colons == 6 or (end > start and text[end - 1] == ":"):
                return start
        elif not (_hex(c) or c == "."):
            return -1
        end += 1
    return -1


def _hex(c: str) -> bool:
    return "0" <= c <= "9" or "a" <= c <= "f" or "A" <= c <= "F"


class IpAddressRecognizer(DerbesRecognizer):
    """IPv4 and IPv6 addresses that can name a host."""

    ENTITY = "IP_ADDRESS"
    COLUMN_NAMES = (
        "ip", "ip_address", "ip_addr", "client_ip", "remote_addr", "remote_ip", "x_forwarded_for",
        "ip_адрес",
    )
    NOT_COLUMN_NAMES = ("ip_version", "zip")
    NORMALIZE = staticmethod(values.compact_lower)
    MASK = staticmethod(values.network_half_mask)
    PATTERNS = (
        # Not preceded by a letter, digit or dot, nor by "Chrome/": written digit first,
        # with the lookbehinds after it, Python's ``re`` only tries the pattern at digits.
        # A product token's slash (``Chrome/120.0.0.0``) is a version unless a port follows:
        # OpenVPN writes its clients as ``common_name/IP:port``.
        Pattern(
            "ipv4",
            rf"[0-9](?<![0-9A-Za-z._][0-9])"
            rf"(?:(?<![A-Za-z_]/[0-9])|(?=[0-9]{{0,2}}\.{_O}\.{_O}\.{_O}:[0-9]))"
            rf"[0-9]{{0,2}}\.{_O}\.{_O}\.{_O}"
            r"(?![0-9A-Za-z]|\.[0-9])",
            0.4,
        ),
        Pattern("ipv6", rf"(?<![0-9A-Za-z:.]){_V6}(?![0-9A-Za-z:]|\.[0-9A-Za-z])", 0.3),
    )
    PREFILTERS = (
        # A dotted quad after a product token's slash (``Firefox/2.0.0.4``) is a version
        # unless a port follows: such quads are no candidates (most access-log lines hold
        # one), and the line's address is then the prefilter's only match (a single search).
        rb"(?:(?:^|[^0-9A-Za-z._/])|(?:^|[^A-Za-z_])/)" + _Q4 + rb"(?:[^0-9A-Za-z]|$)"
        rb"|/" + _Q4 + rb":",
        # IPv6: six groups and an IPv4 tail, eight groups, or a "::".
        rb"(?:" + _PH + rb":){6}[0-9A-Fa-f]",
        rb"(?:^|[^0-9A-Za-z:.])(?:" + _PH + rb"(?::" + _PH + rb"){0,6})?::",
    )
    PATTERN_PREFILTERS: ClassVar[dict[str, tuple[int, ...]]] = {"ipv4": (0,), "ipv6": (1, 2)}
    ANCHORED: ClassVar[dict] = {"ipv6": (":", _ipv6_start)}
    # Two addresses on a line end two matches of the dotted-quad prefilter.
    PREFILTER_DISTINCT = frozenset({0})
    CONTEXT = (
        "ip", "ip-адрес", "ip адрес", "ip-мекенжай", "client_ip", "remote_addr", "remote_ip",
        "x-forwarded-for", "x-real-ip", "src", "dst", "source", "адрес", "мекенжай", "host",
        "addr", "peer",
    )
    # Versions as real systems label them: Gecko's ``rv:1.8.1.4``, ``ver.``, ``fw``,
    # Windows' ``[Version 10.0.19045.3803]``, .NET's ``Version=4.0.0.0``, Russian and
    # Kazakh labels in their inflected forms (a stem matches them all).
    NEGATIVE_CONTEXT = (
        "version", "build", "release", "firmware", "версия", "верси", "сборка", "сборк",
        "релиз", "нұсқа", "құрастыру", "app_version", "os_version", "sdk", "rv:", "ver.",
        "ver:", "ver=", "ver ", "v.", "fw:", "fw=", "fw ", "fw_", "revision", "rev.", "rev:",
        "rev=", "rev ", "v=", "жинақ", "прошивк", "update to", "upgrade to", "assemblyversion",
        "fileversion", "productversion",
    )
    NEGATIVE_CONTEXT_KILLS = True
    # A version word must sit right before the number to kill it, not anywhere on the line
    # (a validated address needs no supporting word, so the window only serves the negative);
    # Russian labels are long ("версия приложения 2.3.4.5").
    CONTEXT_WINDOW = 22
    VALIDATION: ClassVar[dict[str, str]] = {
        "en": "Parsed by Python's ipaddress (octets 0-255, valid IPv6 groups); unspecified, "
              "loopback, multicast and reserved addresses and version strings are dropped.",
        "ru": "Разбирается модулем ipaddress (октеты 0-255, корректные группы IPv6); "
              "нулевые, loopback, multicast, зарезервированные адреса и версии отбрасываются.",
        "kk": "Python ipaddress модулімен талданады (октеттер 0-255, дұрыс IPv6 топтары); "
              "нөлдік, loopback, multicast, резервтелген мекенжайлар мен нұсқа жолдары "
              "алынып тасталады.",
    }

    def validate_result(self, pattern_text: str) -> bool | None:
        """Valid when ``ipaddress`` parses it and the address can name a host."""
        return ip_is_host_address(pattern_text)

    def find(self, text, field_context=None, patterns=None, once=frozenset()):
        """As the base class. Compiled, where the fast path says only the dotted-quad pattern
        can match (most lines of an access log), in one pass: each address the scanner finds,
        kept (:func:`_kept`) and scored by its context as the base class scores it, without
        the list of candidates and its tuples between."""
        if not (_SCANNER_COMPILED and patterns is not None and len(patterns) == 1
                and "ipv4" in patterns and one_pass(self)):
            return super().find(text, field_context, patterns, once)
        plain = text if type(text) is str else str(text)  # a decoded line: the str it is
        found = []
        windows = self._windows
        score = self.VALIDATED_SCORE
        for start, end in _scan_ipv4(plain, "ipv4" in once):
            if not _kept(plain, start, end):
                continue
            verdict = None
            if windows is not None:
                verdict = windows.verdict(plain, start)
                if verdict is None and field_context:
                    verdict = self._field_verdict(field_context)
            final = _after_context(self, verdict, score, "ipv4")
            if final > 0:
                found.append((start, end, final))
        # The scanner's spans lie apart and in text order: _remove_contained would return
        # them as they are.
        return found

    def candidates(
        self,
        text: str,
        patterns: frozenset[str] | None = None,
        once: frozenset[str] = frozenset(),
    ) -> list[tuple[int, int, float, str]]:
        """As the base class, but a dotted quad labelled as a version a few words back
        («Версия модуля интеграции 19.26.6.104», "build of agent 5.1.0.2") is dropped."""
        plain = text if type(text) is str else str(text)  # a decoded line: the str it is
        if _SCANNER_COMPILED and (patterns is None or "ipv4" in patterns):
            # The dotted-quad pattern, validated, read by a scanner of its own (ipv4_hosts'
            # _scan_ipv4, called in C) instead of ``re``: most lines of an access log hold one,
            # and ``re`` tries the pattern at every digit of the line. As Python, the scanner
            # is slower than ``re``: the pattern runs then.
            score = self.VALIDATED_SCORE
            found = [(start, end, score, "ipv4")
                     for start, end in _scan_ipv4(plain, "ipv4" in once)]
            if patterns is None or "ipv6" in patterns:
                found += super().candidates(plain, _IPV6, once)
        else:
            found = super().candidates(text, patterns, once)
        if not found:
            return found
        return [c for c in found if _kept(plain, c[0], c[1])]


    def matches(self, pattern_name, rx, text, once=False):
        """As the base class; compiled, the IPv6 pattern's places are read by
        :func:`_ipv6_matches`."""
        if pattern_name == "ipv6" and _SCANNER_COMPILED:
            return _ipv6_matches(rx, text if type(text) is str else str(text), once)
        return super().matches(pattern_name, rx, text, once)


def _ipv6_matches(rx: re.Pattern, text: str, once: bool) -> list[re.Match]:
    """:func:`~derbes.detectors.base.anchored_matches` of the ``ipv6`` pattern (anchor
    ``:``, places :func:`_ipv6_start`), with ``_ipv6_start`` called in C where the base
    function calls it as a Python object, at every colon of a line (a log line's time holds
    two, a JSON line's keys one each)."""
    out = []
    pos = 0
    match = rx.match
    while True:
        at = text.find(":", pos)
        if at < 0:
            return out
        start = _ipv6_start(text, at, pos)
        m = match(text, start) if start >= 0 else None
        if m is None:
            pos = at + 1
            continue
        out.append(m)
        if once:
            return out
        pos = m.end()


def one_pass(recognizer: IpAddressRecognizer) -> bool:
    """Whether ``find`` may read a line in one pass: neither ``candidates`` nor
    ``context_score`` is a subclass's own (a recognizer's __init__ is the base class's: a
    Presidio twin calls that one, so this is read from the class, not kept at __init__)."""
    return not recognizer._own_score and type(recognizer).candidates is _CANDIDATES


_IPV6 = frozenset({"ipv6"})
_CANDIDATES = IpAddressRecognizer.candidates
#: Whether this module runs compiled (Cython), and with it the scanner of ipv4_hosts.
_SCANNER_COMPILED = not __file__.endswith(".py")
#: The same, as a C flag when compiled (``ip_address.pxd``): tested at every character.
_IN_PLACE = _SCANNER_COMPILED


def ipv4_hosts(text: str, once: bool = False) -> list[tuple[int, int]]:
    """The spans of ``text`` the ``ipv4`` pattern matches (as ``finditer``), that are host
    addresses (as :func:`ip_is_host_address`); ``once``: read only the first match (as
    :func:`~derbes.detectors.base.first_match`).

    The pattern, read as a scanner: a dotted quad of runs of one to three ASCII digits, not
    after a letter, digit, ``.`` or ``_``; not after a product token's slash (``Chrome/``)
    unless a port follows (``:`` and a digit); not followed by a letter or digit, nor by ``.``
    and a digit. A run of four digits ends no octet (``re`` backtracks in vain), so each match
    is decided at its first digit, and a failed one resumes at the next character, as
    ``finditer`` does. Compiled with the types of ``ip_address.pxd``: C integers and
    characters, no object per character. A test holds it to the pattern.
    """
    # A str subclass (a decoded line) is read as the str it is.
    return _scan_ipv4(text if type(text) is str else str(text), once)


def _scan_ipv4(text: str, once: bool) -> list[tuple[int, int]]:
    # A match's first octet is one to three digits right before its first dot: the places
    # worth trying are found from the dots (str.find), not by reading every character.
    # A digit before those three (four or more), a letter, a dot or "_": no match there. A
    # match ends before a character that is no digit, so no run crosses a match's end.
    out = []
    n = len(text)
    dot = text.find(".")
    while dot >= 0:
        start = dot
        while start > 0 and dot - start < 3 and "0" <= text[start - 1] <= "9":
            start -= 1
        if start == dot or (start > 0 and _word_or_dot(text[start - 1])):
            dot = text.find(".", dot + 1)
            continue
        slash = start > 1 and text[start - 1] == "/" and _letter_or_underscore(text[start - 2])
        end = _quad_end(text, start, n)
        if end < 0:
            dot = text.find(".", dot + 1)
            continue
        if end < n:
            c = text[end]
            if _word(c) or (c == "." and end + 1 < n and "0" <= text[end + 1] <= "9"):
                dot = text.find(".", dot + 1)
                continue
        if slash and not (end + 1 < n and text[end] == ":" and "0" <= text[end + 1] <= "9"):
            dot = text.find(".", dot + 1)
            continue
        if _host_quad(text, start, end):
            out.append((start, end))
        if once:
            break
        dot = text.find(".", end)  # finditer resumes at the match's end
    return out


def _quad_end(text: str, i: int, n: int) -> int:
    """Where four dot-separated runs of one to three digits from ``i`` end; -1 if not.
    Compiled, the characters are read in place."""
    if _IN_PLACE:
        kind = PyUnicode_KIND(text)  # noqa: F821
        data = PyUnicode_DATA(text)  # noqa: F821
    for octet in range(4):
        digits = 0
        while i < n and digits < 3:
            c = PyUnicode_READ(kind, data, i) if _IN_PLACE else text[i]  # noqa: F821
            if not "0" <= c <= "9":
                break
            i += 1
            digits += 1
        if digits == 0:
            return -1
        if i < n:
            c = PyUnicode_READ(kind, data, i) if _IN_PLACE else text[i]  # noqa: F821
        if octet < 3:
            if i < n and c == ".":
                i += 1
                continue
            return -1  # no dot after the run
        if i < n and "0" <= c <= "9":
            return -1  # a fourth digit after the last octet's three
    return i


def _host_quad(text: str, i: int, end: int) -> bool:
    """:func:`_ipv4_is_host` on ``text[i:end]``, a dotted quad of digit runs. Compiled, the
    characters are read in place."""
    if _IN_PLACE:
        kind = PyUnicode_KIND(text)  # noqa: F821
        data = PyUnicode_DATA(text)  # noqa: F821
    octet = 0
    value = 0
    first = i
    lead = 0  # the first digit of the octet
    while i <= end:
        c = (ord(PyUnicode_READ(kind, data, i) if _IN_PLACE else text[i])  # noqa: F821
             if i < end else 46)  # "."
        if c == 46:
            if i - first > 1 and lead == 48:
                return False  # a leading zero: ipaddress refuses it
            if value > 255:
                return False
            if octet == 0 and (value == 0 or value == 127 or value >= 224):
                return False
            octet += 1
            value = 0
            first = i + 1
        else:
            if i == first:
                lead = c
            value = value * 10 + (c - 48)
        i += 1
    return True


def _word(c: str) -> bool:
    return "0" <= c <= "9" or "A" <= c <= "Z" or "a" <= c <= "z"


def _word_or_dot(c: str) -> bool:
    return _word(c) or c == "." or c == "_"


def _letter_or_underscore(c: str) -> bool:
    return "A" <= c <= "Z" or "a" <= c <= "z" or c == "_"


# A version word, then at most three words that do not speak of a network, then the number.
_VERSION_LABEL = re.compile(
    r"(?<![\w])(?:version|версия|версии|версию|верси[яи]|нұсқа\w*|build|сборк[аи]|release"
    r"|релиз|firmware|прошивк[аи])"
    r"(?:[\s:=]+(?!(?:from|to|via|on|at|ip|host|addr\w*|peer|client|server|с|со|на|от|из"
    r"|к|адрес\w*|мекенжай\w*|сервер\w*|клиент\w*)\b)[^\W\d]{1,24}){1,3}[\s:=]+$",
    re.IGNORECASE,
)


def _has_latin_label(lowered: str) -> bool:
    """Whether lower-case text holds one of the Latin words of _VERSION_LABEL (keep them
    together; test_ip_labelled_version_is_its_regex_searched holds them to it). Spelled out:
    any() over a tuple of them made a generator a call, which cost more than the searches."""
    return ("version" in lowered or "build" in lowered or "release" in lowered
            or "firmware" in lowered)


def _may_hold_label(text: str, lo: int, end: int) -> bool:
    """Whether ``text[lo:end]`` may hold a version label: it is not ASCII (a Russian or
    Kazakh label), or it holds one of the Latin words of :func:`_has_latin_label` in any
    case. Compiled, for a line of Latin-1 characters (one byte each in memory), a C loop
    over those bytes (no slice and lower-case copy of the window); else, and as Python,
    those copies."""
    if not _SCANNER_COMPILED or PyUnicode_KIND(text) != PyUnicode_1BYTE_KIND:  # noqa: F821
        window = text[lo:end]
        return not window.isascii() or _has_latin_label(window.lower())
    data = PyUnicode_1BYTE_DATA(text)  # noqa: F821
    for i in range(lo, end):
        c = data[i]
        if c >= 0x80:
            return True
        # An ASCII letter in lower case: "V" and "v" alike (no other byte becomes one).
        c |= 0x20
        if c == 0x76 and _ascii_word_at(data, i, end, b"version", 7):  # v
            return True
        if c == 0x62 and _ascii_word_at(data, i, end, b"build", 5):  # b
            return True
        if c == 0x72 and _ascii_word_at(data, i, end, b"release", 7):  # r
            return True
        if c == 0x66 and _ascii_word_at(data, i, end, b"firmware", 8):  # f
            return True
    return False


def _ascii_word_at(data: bytes, i: int, end: int, word: bytes, n: int) -> bool:
    """Whether the ``n`` lower-case letters of ``word`` stand at ``i`` in ``data`` (ASCII
    bytes), in any case, before ``end``."""
    if i + n > end:
        return False
    # A loop, not all() over a generator: compiled, a generator is an object a call.
    for k in range(n):  # noqa: SIM110
        if (data[i + k] | 0x20) != word[k]:
            return False
    return True


# The name of a piece of software right before a dotted quad makes it that software's version:
# Android logcat's «Kaspi WebView 20.29.49.117», «Chrome 120.0.0.0», «Android 13.0.0.1»,
# build properties' «OpenSSL 3.0.2.1». A product name is a known one, or a CamelCase word with
# a product ending (WebView, YaBrowser, AppleWebKit, HarmonyOS, PaySDK). Words of a network
# («Server 10.0.0.5», «host», «client») are no product names.
_PRODUCT_BEFORE = re.compile(
    r"(?<![\w.])(?:(?i:webview|chrome|chromium|firefox|safari|opera|yabrowser|edge|msie"
    r"|trident|gecko|webkit|blink|android|ios|ipados|macos|darwin|windows|linux|ubuntu"
    r"|debian|centos|kernel|java|jdk|jre|jvm|openjdk|dalvik|kotlin|node|nodejs|python|php"
    r"|ruby|perl|dotnet|\.net|electron|flutter|unity|nginx|apache|httpd|tomcat|jetty"
    r"|openssl|openssh|libssl|postgresql|postgres|mysql|mariadb|redis|kafka|zookeeper"
    r"|elasticsearch|docker|kubernetes|gradle|maven|npm|okhttp|retrofit|miui|oneui|emui"
    r"|coloros|chromeos|wordpress|bitrix|1c)"
    r"|[A-Z][a-z]+(?:[A-Z]\w*?)?(?:View|Browser|Kit|OS|SDK|App|Engine|Player))"
    r"[ /]\Z",
)


_PREFIX = re.compile(r"/([0-9]{1,3})(?![0-9])")


def _kept(text: str, start: int, end: int) -> bool:
    """Neither a version (:func:`_labelled_version`, :func:`_product_version`) nor a network
    (:func:`_network_prefix`). Each check can hold only with certain characters around the
    address: a space, ``/``, ``:`` or ``=`` right before it, a ``/`` right after it. Most
    addresses have none of them (the start of an access-log line, a quote, a bracket), and
    are kept without running the checks."""
    if start > 0:
        before = text[start - 1]
        if ((before == " " or before == "/" or before == ":" or before == "="
                or before.isspace())
                and (_labelled_version(text, start) or _product_version(text, start))):
            return False
    if end < len(text) and text[end] == "/":
        return not _network_prefix(text, start, end)
    return True


def _network_prefix(text: str, start: int, end: int) -> bool:
    """Whether the address is a network in CIDR form (``10.0.0.0/8``, ``2001:db8::/32``): its
    host bits are all zero under a prefix shorter than the address. A network names no host;
    a host written with its prefix (``inet 192.168.1.23/24``) keeps its host bits and stays."""
    m = _PREFIX.match(text, end)
    if m is None:
        return False
    try:
        address = ipaddress.ip_address(text[start:end])
        network = ipaddress.ip_network(f"{address}/{m.group(1)}", strict=True)
    except ValueError:
        return False  # host bits set, or no valid prefix: an address
    return network.prefixlen < network.max_prefixlen


def _product_version(text: str, start: int) -> bool:
    """Whether a software product's name stands right before ``start``: ``_PRODUCT_BEFORE``
    searched in the 40 characters before it, tried only where a match can begin.

    A match is a run of word characters (``\\w``: what ``str.isalnum`` or ``_`` is; ``.net``
    also takes its dot) not after a word character or a dot, then the space or ``/`` right
    before ``start``. So it can begin only where the run of word characters that ends at that
    space begins, or at a dot right before it; ``search`` would try every one of the 40
    places, each through the whole alternation (about 3 us a line).
    """
    lo = max(0, start - 40)
    # The name ends in a space or '/' right before the number (the regex's "[ /]\Z").
    if start <= lo or text[start - 1] not in " /":
        return False
    begin = start - 1
    while begin > lo and _word_char(text[begin - 1]):
        begin -= 1
    if begin <= lo or begin < 2:
        return _product_at(text, begin, start, begin > lo)
    # The verdict reads no further back than the character before the dot's try: the text
    # from two characters before the word decides it (and says where the word begins, as no
    # word character stands right before it). A log's templates repeat it ("from ", "rv:").
    key = text[begin - 2:start]
    found = _PRODUCTS_SEEN.get(key)
    if found is None:
        if len(_PRODUCTS_SEEN) >= 4096:
            _PRODUCTS_SEEN.clear()
        found = _PRODUCTS_SEEN[key] = _product_at(text, begin, start, True)
    return found


#: :func:`_product_version`'s verdicts by the text that decides them.
_PRODUCTS_SEEN: dict[str, bool] = {}


def _product_at(text: str, begin: int, start: int, dotted: bool) -> bool:
    """``_PRODUCT_BEFORE`` matched from ``begin`` to ``start``, or (``dotted``: there is room)
    from a dot right before ``begin``."""
    match = _PRODUCT_BEFORE.match
    if match(text, begin, start) is not None:
        return True
    return dotted and text[begin - 1] == "." and match(text, begin - 1, start) is not None


def _word_char(c: str) -> bool:
    """What ``\\w`` matches in a str pattern: a letter, digit or numeric character, or ``_``."""
    return c.isalnum() or c == "_"


def _labelled_version(text: str, start: int) -> bool:
    """Whether a version label with up to three words after it ends right at ``start``."""
    lo = max(0, start - 64)
    lo = text.rfind("\n", lo, start) + 1 or lo
    if start <= lo:
        return False
    # The label's words end in spaces, ':' or '=' right before the number: without one
    # there, the search cannot match (an address in quotes, after a '/' or a '[').
    before = text[start - 1]
    if before not in ":=" and not before.isspace():
        return False
    # ASCII text can hold only the label's Latin words, and holds one case-insensitively
    # exactly when its lower case does: "from", "client" and the like need no search.
    if not _may_hold_label(text, lo, start):
        return False
    # A match is whole runs of word characters joined by spaces, ':' and '=' only: the label
    # (after no word character), then one to three words, then the separators before the
    # number. So it begins where one of the last four such runs begins: ``match`` there,
    # instead of ``search`` trying every character of the window (about 6 us a line).
    match = _VERSION_LABEL.match
    pos = start
    for _ in range(4):
        while pos > lo and (text[pos - 1] in ":=" or text[pos - 1].isspace()):
            pos -= 1
        run_end = pos
        while pos > lo and _word_char(text[pos - 1]):
            pos -= 1
        if pos == run_end:
            return False  # no word here: no run further back joins the number
        if match(text, pos, start) is not None:
            return True
    return False


@string_memo(1 << 16)  # the same client addresses fill a log
def ip_is_host_address(value: str) -> bool:
    """Whether ``value`` is an IPv4/IPv6 address that can belong to a host."""
    if ":" not in value:
        return _ipv4_is_host(value)
    if is_eui64(value):
        return False  # a device's EUI-64 (MAC_ADDRESS), though IPv6 syntax reads it too
    if not any(c.isdigit() for c in value):
        return False  # "a::b", "dead::beef": scope operators in code, not hosts
    if _IPV6_CHARS.issuperset(value):
        # What the patterns find (and most cells): read here, without ipaddress' objects
        # (about 90,000 instructions an address).
        return _ipv6_is_host(value)
    try:
        address = ipaddress.ip_address(value)
    except ValueError:
        return False
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
        address = address.ipv4_mapped
    return not (
        address.is_unspecified
        or address.is_loopback
        or address.is_multicast
        or (address.version == 4 and address.is_reserved)
        or (address.version == 4 and address.packed[0] == 0)
    )


def is_eui64(value: str) -> bool:
    """Whether ``value`` is eight bytes of two hex digits each between colons
    (``08:00:2b:01:02:03:04:05``): an EUI-64, as PostgreSQL's ``macaddr8`` and IEEE 802.15.4
    (Zigbee) devices write it. IPv6 syntax reads it too, but an address written so (every
    group two digits, each below 0x100, none shortened) is all but unheard of: its groups
    are up to four digits, leading zeros dropped."""
    if len(value) != 23:
        return False
    for k in range(23):
        c = value[k]
        if k % 3 == 2:
            if c != ":":
                return False
        elif not ("0" <= c <= "9" or "a" <= c <= "f" or "A" <= c <= "F"):
            return False
    return True


#: The characters of an IPv6 address as the patterns find it: hex digits, ``:`` and ``.``.
_IPV6_CHARS = frozenset("0123456789abcdefABCDEF:.")


def ip_address_syntax(value: str) -> bool:
    """Whether ``ipaddress.ip_address(value)`` reads ``value`` as an address, host or not: a
    dotted quad (decimal octets 0-255 without leading zeros) or an IPv6 address (a zone,
    ``%eth0``, is not read here). Without ``ipaddress``' objects and the exception of a value
    that is none (``ipaddress``: 1.9-4.6 us a value, this compiled 0.3-0.4 us, timeit); a
    test holds it to ``ipaddress`` on random strings of these characters."""
    if ":" not in value:
        parts = value.split(".")
        return len(parts) == 4 and all(part in _OCTETS for part in parts)
    if not _IPV6_CHARS.issuperset(value):
        return False
    if _SCANNER_COMPILED:
        return _ipv6_read(value, False)
    return _ipv6_by_parts(value, False)


def _ipv6_is_host(value: str) -> bool:
    """``ip_is_host_address`` for a value of hex digits, ``:`` and ``.`` holding a ``:``:
    compiled, :func:`_ipv6_read` (no list, strings or integers made); as Python,
    :func:`_ipv6_by_parts`."""
    if _SCANNER_COMPILED:
        return _ipv6_read(value, True)
    return _ipv6_by_parts(value, True)


def _ipv6_by_parts(value: str, judge: bool = True) -> bool:
    """:func:`_ipv6_is_host` by the parts between colons, as lists and integers.

    The address is read as ``ipaddress.IPv6Address`` reads it (eight groups of at most four
    hex digits, at most one ``::`` standing for at least one group, a dotted IPv4 tail in
    place of the last two), then judged as there: not unspecified (``::``), loopback
    (``::1``) or multicast (``ff00::/8``); an IPv4-mapped address (``::ffff:a.b.c.d``) by its
    IPv4 address (:func:`_ipv4_is_host`'s first octets). ``judge`` False: whether it reads
    as an address at all, host or not. A test holds it to ``ipaddress``.
    """
    parts = value.split(":")
    if len(parts) < 3:
        return False
    if "." in parts[-1]:
        octets = parts.pop().split(".")
        if len(octets) != 4 or not all(o in _OCTETS for o in octets):
            return False
        parts.append(format(int(octets[0]) << 8 | int(octets[1]), "x"))
        parts.append(format(int(octets[2]) << 8 | int(octets[3]), "x"))
    if "" in parts[1:-1]:
        # "::": the first empty part between two others. An empty first or last part
        # belongs to it only right beside it ("::1", "1::"); any other empty part (a second
        # "::", a lone leading or trailing colon) is refused below with the other groups.
        skip = parts.index("", 1)
        head, tail = parts[:skip], parts[skip + 1:]
        if head == [""]:
            head = []
        if tail == [""]:
            tail = []
        skipped = 8 - len(head) - len(tail)
        if skipped < 1:
            return False
    elif len(parts) == 8:
        head, tail, skipped = parts, [], 0
    else:
        return False
    address = 0
    for group in head:
        if not 0 < len(group) <= 4 or "." in group:
            return False
        address = address << 16 | int(group, 16)
    address <<= 16 * skipped
    for group in tail:
        if not 0 < len(group) <= 4 or "." in group:
            return False
        address = address << 16 | int(group, 16)
    if not judge:
        return True
    if address >> 32 == 0xFFFF:  # IPv4-mapped: judged as that IPv4 address
        first = address >> 24 & 0xFF
        return 0 < first < 224 and first != 127
    return not (address == 0 or address == 1 or address >> 120 == 0xFF)


def _ipv6_read(value: str, judge: bool) -> bool:
    """:func:`_ipv6_by_parts` read character by character into eight 16-bit groups, with the
    C integers and arrays of ``ip_address.pxd`` (compiled only): the parts' bounds, an IPv4
    tail's octets, the "::" and the groups, each as :func:`_ipv6_by_parts` reads them. A
    value with another character, or more parts than an address has, goes there. ``judge``
    False: whether it reads as an address at all, as there."""
    n = len(value)
    count = 0  # parts between colons: [starts[k], ends[k])
    lo = 0
    for i in range(n + 1):
        if i == n or value[i] == ":":
            if count == 11:
                return False  # an address has at most ten parts (1:2:3:4:5:6:7:: has nine)
            starts[count] = lo  # noqa: F821 - C arrays (ip_address.pxd), compiled only
            ends[count] = i  # noqa: F821
            count += 1
            lo = i + 1
        elif not (_hex(value[i]) or value[i] == "."):
            return _ipv6_by_parts(value, judge)
    if count < 3:
        return False
    last = count - 1
    dotted = False
    for i in range(starts[last], ends[last]):  # noqa: F821
        if value[i] == ".":
            dotted = True
            break
    tail_high = tail_low = 0  # an IPv4 tail as the two groups it stands for
    if dotted:
        octets = 0
        octet = 0
        digits = 0
        lead = False
        for i in range(starts[last], ends[last] + 1):  # noqa: F821
            if i == ends[last] or value[i] == ".":  # noqa: F821
                # "0" to "255" without leading zeros, four of them.
                if digits == 0 or digits > 3 or (digits > 1 and lead) or octet > 255:
                    return False
                if octets == 4:
                    return False
                if octets == 0:
                    tail_high = octet << 8
                elif octets == 1:
                    tail_high |= octet
                elif octets == 2:
                    tail_low = octet << 8
                else:
                    tail_low |= octet
                octets += 1
                octet = 0
                digits = 0
            else:
                c = value[i]
                if not "0" <= c <= "9":
                    return False
                if digits == 0:
                    lead = c == "0"
                octet = octet * 10 + ord(c) - 48
                digits += 1
        if octets != 4:
            return False
    groups_of_parts = last if dotted else count  # parts read as groups (the tail: two)
    # "::": the first empty part between the first and the last.
    skip = -1
    for k in range(1, last):
        if starts[k] == ends[k]:  # noqa: F821
            skip = k
            break
    if skip >= 0:
        head = skip  # parts 0 .. skip-1
        if skip == 1 and starts[0] == ends[0]:  # noqa: F821 - "::" at the start
            head = 0
        tail = last - skip  # parts skip+1 .. last
        if dotted:
            tail += 1  # the tail's two groups in place of its part
        elif tail == 1 and starts[last] == ends[last]:  # noqa: F821 - "::" at the end
            tail = 0
        zeros = 8 - head - tail
        if zeros < 1:
            return False
        tail_from = skip + 1
    elif count + (1 if dotted else 0) == 8:
        head = groups_of_parts
        zeros = 0
        tail_from = groups_of_parts  # nothing after the head but an IPv4 tail
    else:
        return False
    at = 0  # the next group
    for k in range(head):
        group = _group(value, starts[k], ends[k])  # noqa: F821
        if group < 0:
            return False
        groups[at] = group  # noqa: F821
        at += 1
    for _ in range(zeros):
        groups[at] = 0  # noqa: F821
        at += 1
    if skip >= 0 and tail != 0:
        for k in range(tail_from, groups_of_parts):
            group = _group(value, starts[k], ends[k])  # noqa: F821
            if group < 0:
                return False
            groups[at] = group  # noqa: F821
            at += 1
    if dotted:
        groups[at] = tail_high  # noqa: F821
        groups[at + 1] = tail_low  # noqa: F821
        at += 2
    if at != 8:
        return False
    if not judge:
        return True
    if (groups[0] == 0 and groups[1] == 0 and groups[2] == 0 and groups[3] == 0  # noqa: F821
            and groups[4] == 0 and groups[5] == 0xFFFF):  # noqa: F821
        first = groups[6] >> 8  # noqa: F821 - IPv4-mapped: judged as that IPv4 address
        return 0 < first < 224 and first != 127
    zero_before_last = (groups[0] == 0 and groups[1] == 0 and groups[2] == 0  # noqa: F821
                        and groups[3] == 0 and groups[4] == 0 and groups[5] == 0  # noqa: F821
                        and groups[6] == 0)  # noqa: F821
    if zero_before_last and (groups[7] == 0 or groups[7] == 1):  # noqa: F821
        return False  # unspecified, loopback
    return groups[0] >> 8 != 0xFF  # noqa: F821 - multicast


def _group(value: str, lo: int, hi: int) -> int:
    """The 16-bit group written in ``value[lo:hi]`` (one to four hex digits), or -1."""
    if hi - lo < 1 or hi - lo > 4:
        return -1
    group = 0
    for i in range(lo, hi):
        c = value[i]
        if "0" <= c <= "9":
            group = group << 4 | (ord(c) - 48)
        elif "a" <= c <= "f":
            group = group << 4 | (ord(c) - 87)
        elif "A" <= c <= "F":
            group = group << 4 | (ord(c) - 55)
        else:
            return -1  # a "." in a group that is not the tail
    return group


def _ipv4_is_host(value: str) -> bool:
    """``ip_is_host_address`` for dotted quads without building ``ipaddress`` objects.

    Octets are decimal 0-255 without leading zeros (as ``ipaddress`` requires); 0/8
    (unspecified and "this network"), 127/8 (loopback), 224/4 (multicast) and 240/4
    (reserved, with the broadcast address) cannot name a host.
    """
    parts = value.split(".")
    return (
        len(parts) == 4
        and parts[0] in _HOST_FIRST_OCTETS
        and parts[1] in _OCTETS
        and parts[2] in _OCTETS
        and parts[3] in _OCTETS
    )


#: Every octet as ``ipaddress`` accepts it: "0" to "255", no leading zeros, ASCII digits.
_OCTETS = frozenset(str(i) for i in range(256))
_HOST_FIRST_OCTETS = frozenset(str(i) for i in range(1, 224) if i != 127)
