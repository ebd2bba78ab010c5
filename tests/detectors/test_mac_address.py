"""MAC_ADDRESS: the three written forms, bare hex with context, zero/broadcast rejected."""

from __future__ import annotations

import pytest
from recognizer_cases import assert_finds

from derbes.detectors.mac_address import MacAddressRecognizer, mac_is_valid

# Forms per IEEE Std 802-2014 section 8.1; the examples are those of the issue.
VECTORS = [
    ("3C:5A:B4:1F:22:9E", True),
    ("3c-5a-b4-1f-22-9e", True),
    ("3c5a.b41f.229e", True),
    ("00:00:00:00:00:00", False),
    ("FF:FF:FF:FF:FF:FF", False),
    ("ffff.ffff.ffff", False),
    # EUI-64, as PostgreSQL's documentation (8.9.5, macaddr8) writes its examples.
    ("08:00:2b:01:02:03:04:05", True),
    ("08-00-2b-01-02-03-04-05", True),
    ("00:00:00:00:00:00:00:00", False),
    ("3c:5a:b4:1f:22:9e:01", False),  # seven octets: neither
]


@pytest.mark.parametrize(("value", "is_valid"), VECTORS)
def test_vectors(value: str, is_valid: bool) -> None:
    assert mac_is_valid(value) is is_valid


CASES = [
    ("MAC-адрес устройства: 3C:5A:B4:1F:22:9E", ["3C:5A:B4:1F:22:9E"]),
    ("wifi bssid=3c-5a-b4-1f-22-9e rssi=-71", ["3c-5a-b4-1f-22-9e"]),
    ("Cisco: 3c5a.b41f.229e Gi0/1", ["3c5a.b41f.229e"]),
    ("MAC-мекенжайы 3c5ab41f229e", ["3c5ab41f229e"]),
    # hard negatives
    ("broadcast ff:ff:ff:ff:ff:ff null 00-00-00-00-00-00", []),
    ("2026-11-21 09:47:28 span=3c5ab41f229e", []),  # 12 hex without a mac word
    ("mac 3C:5A:B4:1F:22:9E ref=271242085250", ["3C:5A:B4:1F:22:9E"]),
    ("ipv6 fe80:0:0:0:3c5a:b4ff:fe1f:229e", []),
    # Eight octets: an EUI-64 (PostgreSQL's macaddr8, a Zigbee radio), a device's too.
    ("3c:5a:b4:1f:22:9e:01:02", ["3c:5a:b4:1f:22:9e:01:02"]),
    ("macaddr8 08-00-2b-01-02-03-04-05 row 3", ["08-00-2b-01-02-03-04-05"]),
    ("mixed 08:00-2b:01:02:03:04:05 nine 08:00:2b:01:02:03:04:05:06", []),
    # Not the first six groups of an IPv6 address (issue #12).
    ("route 01:02:03:04:05:06::ab via eth0", []),
    ("neighbor fe80::01:02:03:04:05:06 lladdr 3c:5a:b4:1f:22:9e",  ["3c:5a:b4:1f:22:9e"]),
    # Windows DHCP client events write the card's address as a hex number.
    ("on the Network Card with network address 0x3C5AB41F229E.", ["3C5AB41F229E"]),
    ("Logon ID: 0x3C5AB41F229E", []),  # no network word: a number
]


@pytest.mark.parametrize(("text", "expected"), CASES)
def test_spans(text: str, expected: list[str]) -> None:
    assert_finds(MacAddressRecognizer, text, expected)
