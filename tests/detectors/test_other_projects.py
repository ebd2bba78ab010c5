"""Test vectors written by another detector project for its own suite: Presidio's.

Source: microsoft/presidio, ``presidio-analyzer/tests/`` (MIT licence, Copyright (c)
Microsoft Corporation): ``test_iban_recognizer.py`` (commit 009d534...; the vectors are in
``data/other_projects/presidio_iban.txt``), ``test_ip_recognizer.py`` (commit 00acdb4...),
``test_credit_card_recognizer.py`` and ``test_email_recognizer.py`` (commit 0f1a17d...).
Each vector is Presidio's text with Presidio's expected spans. Where derbes' definition of an
entity differs from Presidio's on purpose, the vector is listed in ``DIFFERENT`` with the
reason, and derbes' own expectation is tested instead.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from derbes.scanner.engine.detect import Detector

DATA = Path(__file__).parent / "data" / "other_projects"


def _iban_vectors() -> list[tuple[str, bool]]:
    out = []
    for line in (DATA / "presidio_iban.txt").read_text(encoding="utf-8").splitlines():
        if line and not line.startswith("#"):
            text, expected = line.rsplit("|", 1)
            out.append((text, expected == "1"))
    return out


# (text, the values Presidio expects, in order)
IP = [
    ("microsoft.com 192.168.0.1", ["192.168.0.1"]),
    ("my ip: 192.168.0", []),
    ("microsoft.com 684D:1111:222:3333:4444:5555:6:77", ["684D:1111:222:3333:4444:5555:6:77"]),
    ("684D:1111:222:3333:4444:5555:77", []),
    ("2345:0425:2CA1:0000:0000:0567:5673:23b5", ["2345:0425:2CA1:0000:0000:0567:5673:23b5"]),
    ("2345:0425:2CA1::0567:5673:23b5", ["2345:0425:2CA1::0567:5673:23b5"]),
    ("2400:c401::5054:ff:fe1b:b031", ["2400:c401::5054:ff:fe1b:b031"]),
    ("fe80::1", ["fe80::1"]),
    ("2001:db8::8a2e:370:7334", ["2001:db8::8a2e:370:7334"]),
    ("2001:db8:85a3::8a2e:370", ["2001:db8:85a3::8a2e:370"]),
    ("2001:db8::1", ["2001:db8::1"]),
    ("Server IP: 2001:db8::1", ["2001:db8::1"]),
    ("Connect to [2001:db8::1]:8080", ["2001:db8::1"]),
    ("Gateway: fe80::1 on interface", ["fe80::1"]),
    ("Visit http://[2001:db8::1]/path", ["2001:db8::1"]),
    ("SSH to user@2001:db8::1", ["2001:db8::1"]),
    ("::ffff:192.0.2.1", ["::ffff:192.0.2.1"]),
    ("::ffff:10.0.0.1", ["::ffff:10.0.0.1"]),
    ("::ffff:172.16.0.1", ["::ffff:172.16.0.1"]),
    ("::ffff:0:192.168.1.1", ["::ffff:0:192.168.1.1"]),
    ("Mapped: ::ffff:192.168.1.1", ["::ffff:192.168.1.1"]),
    ("Connect to ::ffff:10.0.0.1 now", ["::ffff:10.0.0.1"]),
    ("[::ffff:192.168.1.1]:80", ["::ffff:192.168.1.1"]),
    ("::192.168.1.1", ["::192.168.1.1"]),
    ("::ffff:256.0.0.1", []),
    ("::ffff:192.168.1", []),
    ("2001:db8::192.168.1.1", ["2001:db8::192.168.1.1"]),
    ("2001:db8:1::192.0.2.1", ["2001:db8:1::192.0.2.1"]),
    ("64:ff9b::192.0.2.1", ["64:ff9b::192.0.2.1"]),
    ("2001:db8:85a3::8a2e:192.168.0.1", ["2001:db8:85a3::8a2e:192.168.0.1"]),
    ("0:0:0:0:0:FFFF:129.144.52.38", ["0:0:0:0:0:FFFF:129.144.52.38"]),
    ("2001:db8:0:0:0:0:192.168.1.1", ["2001:db8:0:0:0:0:192.168.1.1"]),
    ("NAT64: 64:ff9b::198.51.100.1", ["64:ff9b::198.51.100.1"]),
    ("Tunnel to 2001:db8::10.0.0.1", ["2001:db8::10.0.0.1"]),
    ("2001:db8::256.1.1.1", []),
    ("IPv4: 192.168.1.1, IPv6: 2001:db8::1", ["192.168.1.1", "2001:db8::1"]),
    ("Primary: 10.0.0.1, Secondary: 172.16.0.1", ["10.0.0.1", "172.16.0.1"]),
    ("IPs: 192.168.1.1, 10.0.0.1, 2001:db8::1", ["192.168.1.1", "10.0.0.1", "2001:db8::1"]),
    ("Time 12:34:56", []),
    ("Ratio 1:2:3:4", []),
    ("CSS color #ff00aa", []),
    ("Version 1.2.3", []),
    ("Port 80:443", []),
    ("abc:def:ghi", []),
    ("123:abc", []),
    ("file:///path/to/file", []),
    ("std::cout", []),
    ("MyClass::toString", []),
    (":::", []),
    ("IP192.168.1.1text", []),
    ("text192.168.1.1", []),
    ("(192.168.1.1)", ["192.168.1.1"]),
    ("'2001:db8::1'", ["2001:db8::1"]),
    ("IP: 192.168.1.1.", ["192.168.1.1"]),
    ("192.168.1.1,", ["192.168.1.1"]),
    ("[2001:db8::1]", ["2001:db8::1"]),
    ("Server IP: 2400:c401::5054:ff:fe1b:b031.", ["2400:c401::5054:ff:fe1b:b031"]),
    ("2001:db8::1.", ["2001:db8::1"]),
    ("fe80::1text", []),
    ("text2001:db8::1", []),
    ("256.256.256.256", []),
    ("192.168.1.256", []),
    ("gggg:hhhh::1234", []),
    ("192.168.1", []),
    ("300.168.1.1", []),
    ("12345:db8::1", []),
    ("2001::db8::1", []),
    ("192.168.2.1@eth0", ["192.168.2.1"]),
    ("text::ffff:192.0.2.1", ["192.0.2.1"]),
    ("foo2001:db8::10.0.0.1", ["10.0.0.1"]),
    ("Private 10.0.0.0", ["10.0.0.0"]),
    ("Link-local 169.254.1.1", ["169.254.1.1"]),
    ("Subnet 172.16.0.0", ["172.16.0.0"]),
    ("192.168.1.1/32", ["192.168.1.1/32"]),
    ("10.0.0.0/123", ["10.0.0.0"]),
]

CARDS = [
    ("4012888888881881 4012-8888-8888-1881 4012 8888 8888 1881",
     ["4012888888881881", "4012-8888-8888-1881", "4012 8888 8888 1881"]),
    ("371449635398431", ["371449635398431"]),
    ("5555555555554444", ["5555555555554444"]),
    ("5019717010103742", ["5019717010103742"]),
    ("30569309025904", ["30569309025904"]),
    ("6011000400000000", ["6011000400000000"]),
    ("3528000700000000", ["3528000700000000"]),
    ("6759649826438453", ["6759649826438453"]),
    ("4111111111111111", ["4111111111111111"]),
    ("4917300800000000", ["4917300800000000"]),
    ("4484070000000000", ["4484070000000000"]),
    ("4012-8888-8888-1882", []),
    ("my credit card number is 4012-8888-8888-1882", []),
    ("36168002586008", []),
    ("my credit card number is 36168002586008", []),
]

EMAILS = [
    ("info@presidio.site", ["info@presidio.site"]),
    ("my email is info@presidio.site", ["info@presidio.site"]),
    ("try one of this emails: info@presidio.site or anotherinfo@presidio.site",
     ["info@presidio.site", "anotherinfo@presidio.site"]),
    ("the email is my email is info@presidio.", []),
]

# Presidio's expectation, derbes' expectation, and why they differ (derbes' definitions).
DIFFERENT = [
    # An address that names no host is no personal data (detectors/ip_address.py).
    ("my ip: ::1", ["::1"], [], "IP", "loopback names no host"),
    ("connecting from ::1", ["::1"], [], "IP", "loopback"),
    ("localhost 127.0.0.1", ["127.0.0.1"], [], "IP", "loopback"),
    ("Use local ipv6 ::", ["::"], [], "IP", "unspecified"),
    ("Broadcast 255.255.255.255", ["255.255.255.255"], [], "IP", "broadcast"),
    ("Default 0.0.0.0", ["0.0.0.0"], [], "IP", "unspecified"),
    ("Multicast ff02::1", ["ff02::1"], [], "IP", "multicast"),
    ("::ffff:127.0.0.1", ["::ffff:127.0.0.1"], [], "IP", "loopback, mapped"),
    ("::ffff:0.0.0.0", ["::ffff:0.0.0.0"], [], "IP", "unspecified, mapped"),
    ("::ffff:255.255.255.255", ["::ffff:255.255.255.255"], [], "IP", "broadcast, mapped"),
    # Presidio reports a network with its prefix; derbes reports hosts, not networks.
    ("192.168.1.0/24", ["192.168.1.0/24"], [], "IP", "a network names no host"),
    ("Subnet: 192.168.1.0/24", ["192.168.1.0/24"], [], "IP", "network"),
    ("2001:db8::/32", ["2001:db8::/32"], [], "IP", "network"),
    ("fe80::/10", ["fe80::/10"], [], "IP", "network"),
    # A zone index is not part of the address.
    ("fe80::1%eth0", ["fe80::1%eth0"], ["fe80::1"], "IP", "the address without its zone"),
    # A MAC address is its own entity in derbes (MAC_ADDRESS), not an IP.
    ("MAC address aa:bb:cc:dd:ee:ff", [], ["aa:bb:cc:dd:ee:ff"], "MAC", "a MAC address"),
    # UATP (AirPlus) cards start with 1: derbes' schemes are those issued or accepted in
    # Kazakhstan (detectors/credit_card.py), and a 15-digit number starting with 1 that
    # passes Luhn by chance is common in logs.
    ("122000000000003", ["122000000000003"], [], "CARD", "UATP is no scheme derbes knows"),
    ("my credit card: 122000000000003", ["122000000000003"], [], "CARD", "UATP"),
]

_ENTITY = {"IP": "IP_ADDRESS", "CARD": "CREDIT_CARD", "EMAIL": "EMAIL_ADDRESS",
           "MAC": "MAC_ADDRESS"}


@pytest.fixture(scope="module")
def detector() -> Detector:
    return Detector()


def _found(detector: Detector, text: str, entity: str) -> list[str]:
    return [text[s:e] for ent, s, e, _ in sorted(detector.scan_text(text), key=lambda m: m[1])
            if ent == entity]


@pytest.mark.parametrize(("text", "valid"), _iban_vectors())
def test_presidio_iban_vectors(detector: Detector, text: str, valid: bool) -> None:
    assert _found(detector, text, "IBAN_CODE") == ([text] if valid else [])


@pytest.mark.parametrize(("text", "expected"), IP)
def test_presidio_ip_vectors(detector: Detector, text: str, expected: list[str]) -> None:
    # A host with its /32 is that host: Presidio's span holds the prefix, derbes' does not.
    expected = [v.removesuffix("/32") for v in expected]
    assert _found(detector, text, "IP_ADDRESS") == expected


@pytest.mark.parametrize(("text", "expected"), CARDS)
def test_presidio_card_vectors(detector: Detector, text: str, expected: list[str]) -> None:
    assert _found(detector, text, "CREDIT_CARD") == expected


@pytest.mark.parametrize(("text", "expected"), EMAILS)
def test_presidio_email_vectors(detector: Detector, text: str, expected: list[str]) -> None:
    assert _found(detector, text, "EMAIL_ADDRESS") == expected


@pytest.mark.parametrize(("text", "presidio", "derbes", "kind", "why"), DIFFERENT)
def test_differences_by_definition(
    detector: Detector, text: str, presidio: list[str], derbes: list[str], kind: str, why: str
) -> None:
    assert presidio != derbes, why
    assert _found(detector, text, _ENTITY[kind]) == derbes, why
