"""IP_ADDRESS: IPv4/IPv6 via ipaddress, version strings and non-host addresses rejected."""

from __future__ import annotations

import re

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st
from recognizer_cases import assert_finds
from timing import growth

from derbes.detectors.ip_address import IpAddressRecognizer, ip_is_host_address

# Validity per Python's ipaddress module and the special-purpose registries (RFC 6890);
# 2001:db8::/32 is the documentation prefix (RFC 3849), 192.0.2.0/24 TEST-NET-1 (RFC 5737).
VECTORS = [
    ("192.0.2.15", True),
    ("10.4.25.1", True),  # private addresses still single out a device
    ("2001:db8::1", True),
    ("2001:0db8:0000:0000:0000:ff00:0042:8329", True),
    ("::ffff:192.0.2.128", True),
    ("10.4.256.1", False),  # octet above 255
    ("01.2.3.4", False),  # leading zero
    ("0.0.0.0", False),
    ("127.0.0.1", False),
    ("255.255.255.255", False),
    ("224.0.0.1", False),
    ("::1", False),
    ("::", False),
    ("2001:db8::1::2", False),
]


@pytest.mark.parametrize(("value", "is_valid"), VECTORS)
def test_vectors(value: str, is_valid: bool) -> None:
    assert ip_is_host_address(value) is is_valid


CASES = [
    ("Клиент IP 192.0.2.15 вошёл", ["192.0.2.15"]),
    ('192.0.2.15 - - [21/Nov/2026:09:47:28 +0500] "GET / HTTP/1.1" 200', ["192.0.2.15"]),
    ("IP-мекенжайы: 10.4.25.1, шлюз 10.4.0.1", ["10.4.25.1", "10.4.0.1"]),
    ("X-Forwarded-For: 2001:db8::1, [2001:db8:85a3::8a2e:370:7334]:443",
     ["2001:db8::1", "2001:db8:85a3::8a2e:370:7334"]),
    ("range 10.0.0.1-10.0.0.254", ["10.0.0.1", "10.0.0.254"]),
    ("http://192.0.2.44/login", ["192.0.2.44"]),
    # hard negatives: invalid octets, user agents, longer dotted numbers, versions
    ("bad 10.4.256.1", []),
    ("Mozilla/5.0 Chrome/120.0.6099.109 Safari/537.36 Chrome/120.0.0.0", []),
    ("oid 1.2.3.4.5 and 1.3.6.1.4.1", []),
    ("app v1.2.3.4 / version 4.2.1.0 / версия 2.1.0.15 / нұсқа 3.2.1.1", []),
    ("upstream 127.0.0.1:8080 listen 0.0.0.0:80", []),
    ("2026-11-21 09:47:28 std::vector<int> a::b", []),
    ("mac 3C:5A:B4:1F:22:9E", []),
    # The MAC-shaped head of an IPv6 address is the address (issue #12).
    ("route 01:02:03:04:05:06::ab via eth0", ["01:02:03:04:05:06::ab"]),
    # Eight groups of two digits each: a device's EUI-64 (MAC_ADDRESS), not an address.
    ("zigbee ieee 00:12:4b:00:1c:dd:12:34 joined", []),
    ("v6 2a03:2880:f12f:83:face:b00c:0:25de eui 08:00:2b:01:02:03:04:05",
     ["2a03:2880:f12f:83:face:b00c:0:25de"]),
    # Versions as real systems print them are not addresses.
    ("Mozilla/5.0 (Windows; U; Windows NT 5.1; en-US; rv:1.8.1.4) Gecko/20070515", []),
    ("Microsoft Windows [Version 10.0.1.3803]", []),
    ("System.Runtime, Version=4.0.0.0, Culture=neutral", []),
    ("Версия приложения: 2.14.3.1, устройство SM-A536B", []),
    ("Қосымша нұсқасы 3.2.1.0 орнатылды", []),
    ("обновлено до версии 4.1.0.2", []),
    ('{"appVersion":"5.12.0.1","ip":"95.56.12.34"}', ["95.56.12.34"]),
    ("fw: 1.0.2.15 rev. 2.3.0.1", []),
    # OpenVPN names a client "common_name/IP:port": an address, not a product version.
    ("aigul.n/95.56.12.34:51234 MULTI: Learn: 10.8.0.6 -> aigul.n/95.56.12.34:51234",
     ["95.56.12.34", "10.8.0.6", "95.56.12.34"]),
    # A version label a few words back, a version glued by "_", a cache-busting "?v=".
    ("Версия модуля интеграции 19.26.6.104, сборка 17.28.58.30", []),
    ("IV_GUI_VER=OpenVPN_GUI_11.46.0.0", []),
    ("GET /static/app.js?v=5.12.0.1 HTTP/1.1", []),
    ("build agent connected from 10.0.0.5", ["10.0.0.5"]),  # "from" speaks of a network
    ("Chrome/120.0.0.0 Safari/537.36", []),
    # A product's name right before the number: logcat and build properties (issue #12).
    ('I chromium: [INFO:CONSOLE(1)] "Kaspi WebView 20.29.49.117", source: app.js', []),
    ("Устройство: Android 13.0.0.1, браузер YaBrowser 23.11.1.2", []),
    ("Құрылғы: HarmonyOS 4.0.0.1, OpenSSL 3.0.2.1", []),
    ("Server 10.0.0.5 is up; сервер 10.0.0.6 жауап бермейді", ["10.0.0.5", "10.0.0.6"]),
    ("Android client connected from 95.56.12.34", ["95.56.12.34"]),
    # A network in CIDR form names no host; a host written with its prefix is one
    # (presidio's test_ip_recognizer CIDR vectors; `ip addr` output).
    ("Subnet: 192.168.1.0/24, route 10.0.0.0/8, prefix 2001:db8::/32", []),
    ("inet 192.168.1.23/24 scope global eth0; подсеть 10.20.0.0/16", ["192.168.1.23"]),
    ("желі 172.16.5.9/32 және 192.168.1.0/123", ["172.16.5.9", "192.168.1.0"]),
]


@pytest.mark.parametrize(("text", "expected"), CASES)
def test_spans(text: str, expected: list[str]) -> None:
    assert_finds(IpAddressRecognizer, text, expected)


def test_ipv6_pattern_is_linear() -> None:
    """A long run of hex groups and colons must not make the pattern backtrack badly."""
    rx = re.compile(IpAddressRecognizer.PATTERNS[1].regex)

    def find_all(text: str) -> None:
        list(rx.finditer(text))

    took = growth(find_all, "ab:" * 5000 + "!", "ab:" * 20000 + "!", bound=8)
    assert took <= 8, f"{took:.1f}x the time for 4x the input"


def test_fast_ipv4_check_agrees_with_ipaddress() -> None:
    """The dotted-quad shortcut gives ``ipaddress``'s verdict (the reference) on every input."""
    import ipaddress
    import random

    from derbes.detectors.ip_address import _ipv4_is_host

    def reference(value: str) -> bool:
        try:
            a = ipaddress.ip_address(value)
        except ValueError:
            return False
        return not (a.is_unspecified or a.is_loopback or a.is_multicast or a.is_reserved
                    or a.packed[0] == 0)

    rng = random.Random(7)
    values = [
        ".".join(rng.choice([str(rng.randint(0, 300)), f"0{rng.randint(0, 99)}",
                             str(rng.randint(0, 255))]) for _ in range(4))
        for _ in range(20_000)
    ]
    values += ["0.0.0.0", "127.0.0.1", "224.0.0.1", "239.255.255.255", "240.0.0.1",
               "255.255.255.255", "223.255.255.255", "1.2.3.4", "10.4.256.1", "01.2.3.4"]
    assert [v for v in values if _ipv4_is_host(v) != reference(v)] == []


def _ipv6_reference(value: str) -> bool:
    """``ip_is_host_address``'s verdict on a value with a colon, as ``ipaddress`` gives it."""
    import ipaddress

    try:
        a = ipaddress.ip_address(value)
    except ValueError:
        return False
    if isinstance(a, ipaddress.IPv6Address) and a.ipv4_mapped is not None:
        a = a.ipv4_mapped
    return not (a.is_unspecified or a.is_loopback or a.is_multicast
                or (a.version == 4 and (a.is_reserved or a.packed[0] == 0)))


def _ipv6_forms(rng) -> list[str]:
    """Addresses in every written form, valid or nearly: full, compressed anywhere, mapped,
    with dotted tails, too many or too few groups, long groups, stray colons and dots."""
    out = []
    for _ in range(20_000):
        groups = [rng.choice(["0", "1", "ff", "ffff", "FFFF", "db8", "2001", "ff02", "00000",
                              "abcd", "0000", "7f00", "5c2e", "g1", ""])
                  if rng.random() < 0.3 else format(rng.getrandbits(16), "x")
                  for _ in range(rng.randint(1, 9))]
        if rng.random() < 0.4:
            groups[-1] = ".".join(rng.choice(["0", "1", "92", "127", "224", "240", "255",
                                              "256", "01", str(rng.randint(0, 255))])
                                  for _ in range(rng.choice([4, 4, 4, 3, 5])))
        value = ":".join(groups)
        if rng.random() < 0.6:
            cut = rng.randint(0, len(groups))
            value = ":".join(groups[:cut]) + "::" + ":".join(groups[cut + 1:])
        if rng.random() < 0.05:
            value = value.replace(":", ":::", 1)
        out.append(value)
    out += ["::", "::1", "::0.0.0.0", "::ffff:0.0.0.0", "::ffff:127.0.0.1",
            "::ffff:92.46.50.29", "::ffff:5c2e:321d", "::ffff:7f00:1", "::ffff:e000:1",
            "::ffff:f000:1", "::ffff:dfff:1", "0:0:0:0:0:ffff:1.2.3.4", "::1.2.3.4",
            "ff02::1", "fe80::1", "2001:db8::1", "1:2:3:4:5:6:7::", "::2:3:4:5:6:7:8",
            "1:2:3:4:5:6:7:8", "1:2:3:4:5:6:7:8:9", "1::2::3", ":1:2:3:4:5:6:7",
            "1:2:3:4:5:6:7:", "1:2:3:4:5:6:1.2.3.4", "1:2:3:4:5:1.2.3.4", "1.2:3::4",
            "12345::1", "::ffff:1.2.3", ":::", "1:::2", "::ffff:01.2.3.4"]
    return out


def test_fast_ipv6_check_agrees_with_ipaddress() -> None:
    """The IPv6 reader gives ``ipaddress``'s verdict (the reference) on every written form."""
    import random

    check = ip_is_host_address.__wrapped__  # not the memo: every value is judged here
    # Without a digit a value is no host by our own rule ("dead::beef" in code), not ipaddress'.
    values = [v for v in _ipv6_forms(random.Random(11))
              if ":" in v and any(c.isdigit() for c in v)]
    assert sum(map(_ipv6_reference, values)) > 5_000  # plenty of hosts among them
    assert [v for v in values if check(v) != _ipv6_reference(v)] == []


@settings(max_examples=3000, deadline=None)
@given(st.text(alphabet="0123456789abcdefABCDEF:.", min_size=2, max_size=45))
def test_fast_ipv6_check_agrees_with_ipaddress_on_any_text(value):
    from derbes.detectors.ip_address import _ipv6_is_host

    if ":" in value:
        assert _ipv6_is_host(value) == _ipv6_reference(value)


def _parses(value: str) -> bool:
    """Whether ``ipaddress.ip_address`` reads ``value`` (the reference of the syntax check)."""
    import ipaddress

    try:
        ipaddress.ip_address(value)
    except ValueError:
        return False
    return True


def test_address_syntax_agrees_with_ipaddress() -> None:
    """``ip_address_syntax`` reads as an address what ``ipaddress`` reads, host or not:
    every written IPv6 form of the host check's test, and dotted quads of every kind."""
    import random

    from derbes.detectors.ip_address import ip_address_syntax

    rng = random.Random(12)
    values = _ipv6_forms(rng) + [
        ".".join(rng.choice(["0", "00", "01", "9", "10", "127", "255", "256", "999", ""])
                 for _ in range(rng.choice([3, 4, 4, 4, 5]))) for _ in range(3_000)]
    assert 2_000 < sum(map(_parses, values)) < len(values) - 2_000  # both kinds, plenty
    assert [v for v in values if ip_address_syntax(v) != _parses(v)] == []
    # Not hosts, yet addresses: the syntax alone decides.
    assert all(ip_address_syntax(v) for v in ("::", "::1", "ff02::1", "127.0.0.1", "0.0.0.0"))


@settings(max_examples=3000, deadline=None)
@given(st.text(alphabet="0123456789abcdefABCDEF:.[]% ", min_size=0, max_size=45))
@example("::ffff:01.2.3.4")
@example("1:2:3:4:5:6:7:8")
def test_address_syntax_agrees_with_ipaddress_on_any_text(value):
    from derbes.detectors.ip_address import ip_address_syntax

    if "%" not in value:  # a zone is split off before (is_network_address)
        assert ip_address_syntax(value) == _parses(value)


@settings(max_examples=2000, deadline=None)
@given(
    st.lists(
        st.sampled_from(["1", "25", "300", "0", ".", "/", "a/", "Z", " ", "-", "v", "1.2.3.4",
                         "10.0.0.255", "Chrome/", "..", "4.5", "_", ":8", "a/1.2.3.4:5"]),
        max_size=12,
    ).map("".join)
)
def test_ipv4_pattern_written_digit_first_matches_the_plain_one(text):
    """The ipv4 pattern puts its lookbehinds after the first digit (faster in ``re``): it
    finds what the plainly written pattern finds."""
    from derbes.detectors.ip_address import _V4

    plain = re.compile(
        rf"(?<![0-9A-Za-z._])(?:(?<![A-Za-z_]/)|(?={_V4}:[0-9])){_V4}(?![0-9A-Za-z]|\.[0-9])"
    )
    (ours,) = [p.regex for p in IpAddressRecognizer.PATTERNS if p.name == "ipv4"]
    assert [m.span() for m in re.finditer(ours, text)] == [
        m.span() for m in plain.finditer(text)
    ]


@settings(max_examples=4000, deadline=None)
@given(
    st.lists(
        st.sampled_from(["1", "25", "300", "0", "01", "127", "224", "255", "256", ".", "/", "a/",
                         "Z", " ", "-", "v", "1.2.3.4", "10.0.0.255", "Chrome/", "..", "4.5",
                         "_", ":", ":8", "a/1.2.3.4:5", "9", "é", "\n", "1.1.1.1"]),
        max_size=14,
    ).map("".join),
    st.booleans(),
)
@example("1.2.3.4 5.6.7.8,9.9.9.9/1.1.1.1", False)
@example("1234.5.6.7.8 a1.2.3.4 _1.2.3.4 01.2.3.4 Chrome/1.2.3.4 x/1.2.3.4:80", False)
def test_ipv4_scanner_finds_what_the_pattern_and_validation_find(text, once):
    """The scanner behind the ipv4 pattern finds exactly the pattern's matches that validate."""
    from derbes.detectors.ip_address import ip_is_host_address, ipv4_hosts

    (ours,) = [p.regex for p in IpAddressRecognizer.PATTERNS if p.name == "ipv4"]
    matches = list(re.finditer(ours, text))[:1] if once else re.finditer(ours, text)
    expected = [m.span() for m in matches if ip_is_host_address(m.group())]
    assert ipv4_hosts(text, once) == expected


@settings(max_examples=3000, deadline=None)
@given(
    st.lists(
        st.sampled_from(["1", "25", "300", "0", ".", "/", "a/", " ", "=", ":", "-", "\n",
                         "1.2.3.4", "10.0.0.255", "8.8.8.8", "Chrome/", "Chrome 120.0.0.1",
                         "version ", "Версия модуля ", "build of agent ", "from ", "ip: ",
                         "client_ip=", "rv:", "ver.", "10.0.0.0/8", "/24", "é", "x/1.2.3.4:5",
                         "127.0.0.1", "message-id"]),
        max_size=12,
    ).map("".join),
    st.sampled_from([(), ("client_ip",), ("app_version",), ("host", "addr")]),
    st.booleans(),
)
@example("Версия модуля интеграции 19.26.6.104 от 8.8.8.8", (), False)
@example("src=1.2.3.4 dst=5.6.7.8 rv:1.2.3.4", ("app_version",), False)
@example("from 1.2.3.4 to 8.8.8.8", (), True)  # once: the first address only
def test_ip_find_in_one_pass_is_the_base_classs(text, field_context, once):
    """Where only the dotted-quad pattern can match, find() reads the line in one pass
    (compiled): it returns what the base class's find returns through candidates(), context
    and field names included."""
    from derbes.detectors.base import DerbesRecognizer

    recognizer = IpAddressRecognizer()
    patterns = frozenset({"ipv4"})
    onces = patterns if once else frozenset()
    assert recognizer.find(text, field_context, patterns, onces) == DerbesRecognizer.find(
        recognizer, text, field_context, patterns, onces)


def test_ip_find_in_one_pass_only_where_it_may():
    """The one pass is not taken by a subclass with candidates or a context score of its
    own (their find is the base class's, which calls them); a Presidio twin, whose
    __init__ is the base class's, takes it."""
    from derbes.detectors import ip_address
    from derbes.detectors.presidio import presidio_class

    class OwnScore(IpAddressRecognizer):
        def context_score(self, text, start, score, pattern_name, field_context=None):
            return 0.5

    class OwnCandidates(IpAddressRecognizer):
        def candidates(self, text, patterns=None, once=frozenset()):
            return [(0, 1, 1.0, "ipv4")]

    assert ip_address.one_pass(IpAddressRecognizer())
    assert not ip_address.one_pass(OwnScore()) and not ip_address.one_pass(OwnCandidates())
    patterns = frozenset({"ipv4"})
    assert OwnScore().find("1.2.3.4", (), patterns) == [(0, 7, 0.5)]
    assert OwnCandidates().find("1.2.3.4", (), patterns) == [(0, 1, 1.0)]
    twin = presidio_class(IpAddressRecognizer)()
    assert ip_address.one_pass(twin)
    assert twin.find("from 1.2.3.4", (), patterns) == [(5, 12, 1.0)]


@settings(max_examples=4000, deadline=None)
@given(
    st.lists(
        st.sampled_from(["1", "ab", "fe80", "ffff", "12345", "0", ":", "::", ":::", ".", "g",
                         "Z", " ", "-", "/", "[", "]", "%eth0", "1.2.3.4", "2001:db8::1",
                         "::ffff:10.0.0.1", "a:b:c:d:e:f:1:2", "a:b:c:d:e:f", "00:00:04",
                         "\n", "é", "x:", "1:2:3:4:5:", "06:42:43.640", "f:"]),
        max_size=14,
    ).map("".join),
    st.booleans(),
)
def test_ipv6_matches_are_finditer(text, once):
    """The ipv6 pattern tried only before colons finds what ``finditer`` finds (or, with
    ``once``, the first of it)."""
    (ours,) = [p.regex for p in IpAddressRecognizer.PATTERNS if p.name == "ipv6"]
    rx = re.compile(ours)
    expected = [m.span() for m in rx.finditer(text)]
    assert [m.span() for m in IpAddressRecognizer().matches("ipv6", rx, text, once)] == (
        expected[:1] if once else expected)


def test_ipv6_matches_is_linear() -> None:
    rx = re.compile(IpAddressRecognizer.PATTERNS[1].regex)
    took = growth(lambda text: IpAddressRecognizer().matches("ipv6", rx, text), "ab:" * 5000 + "!",
                  "ab:" * 20000 + "!", bound=8)
    assert took <= 8, f"{took:.1f}x the time for 4x the input"
