"""MAC addresses (EUI-48, and EUI-64) of network interfaces: a device identifier under Law
94-V.

Written forms: six colon- or hyphen-separated octets (``3C:5A:B4:1F:22:9E``,
``3c-5a-b4-1f-22-9e``, IEEE 802 canonical form), eight such octets for an EUI-64
(``08:00:2b:01:02:03:04:05``, PostgreSQL's ``macaddr8``, IEEE 802.15.4 devices), Cisco's
three dotted groups (``3c5a.b41f.229e``) and, next to a context word such as ``mac``, twelve
bare hex digits, or Windows' hex number (``network address 0x3C5AB41F229E``).
The all-zero and broadcast addresses name no device and are rejected, as are strings of
one repeated digit.

Reference: IEEE Std 802-2014 section 8.1 (EUI-48 and its hexadecimal representation);
PostgreSQL documentation, section 8.9.5 (``macaddr8``, EUI-64).
"""

from __future__ import annotations

from typing import ClassVar

from derbes.detectors import values
from derbes.detectors.base import HEX, DerbesRecognizer, Pattern

_X = "[0-9A-Fa-f]"


class MacAddressRecognizer(DerbesRecognizer):
    """MAC addresses in colon, hyphen, Cisco dotted or (with context) bare form."""

    ENTITY = "MAC_ADDRESS"
    COLUMN_NAMES = ("mac", "mac_address", "mac_addr")
    NOT_COLUMN_NAMES = ("mac_os",)
    NORMALIZE = staticmethod(values.mac_form)
    MASK = staticmethod(values.maker_mask)
    PATTERNS = (
        Pattern(
            "separated",
            rf"(?<![0-9A-Za-z:.-]){_X}{{2}}([:-]){_X}{{2}}(?:\1{_X}{{2}}){{4}}"
            # Not the first six groups of an IPv6 address (01:02:03:04:05:06::ab).
            rf"(?![0-9A-Za-z]|[:.-][0-9A-Za-z]|::)",
            0.4,
        ),
        Pattern(
            "separated64",
            rf"(?<![0-9A-Za-z:.-]){_X}{{2}}([:-]){_X}{{2}}(?:\1{_X}{{2}}){{6}}"
            rf"(?![0-9A-Za-z]|[:.-][0-9A-Za-z]|::)",
            0.4,
        ),
        Pattern(
            "cisco",
            rf"(?<![0-9A-Za-z:.-]){_X}{{4}}\.{_X}{{4}}\.{_X}{{4}}(?![0-9A-Za-z]|[:.-][0-9A-Za-z])",
            0.3,
        ),
        Pattern("bare", rf"(?<![0-9A-Za-z:.-]){_X}{{12}}(?![0-9A-Za-z])", 0.05),
        # Windows writes a network card's address as a hex number: "network address
        # 0x3C5AB41F229E" (DHCP client events); the twelve digits are the value.
        Pattern("hex", rf"(?<![0-9A-Za-z])0x(?P<value>{_X}{{12}})(?![0-9A-Za-z])", 0.05),
    )
    # Each starts after none of the characters it is made of (its lookbehind).
    RUNS: ClassVar[dict[str, tuple[str, int, int]]] = {
        "separated": (HEX + ":-", 17, 0), "separated64": (HEX + ":-", 23, 0),
        "cisco": (HEX + ".", 14, 0), "bare": (HEX, 12, 12)}
    PREFILTERS = (
        rb"[0-9A-Fa-f]{2}[:-](?:[0-9A-Fa-f]{2}[:-]){4}[0-9A-Fa-f]{2}",
        rb"[0-9A-Fa-f]{4}\.[0-9A-Fa-f]{4}\.[0-9A-Fa-f]{4}",
        rb"(?:^|[^0-9A-Za-z:.-])[0-9A-Fa-f]{12}(?:[^0-9A-Za-z]|$)",
        rb"(?:^|[^0-9A-Za-z])0x[0-9A-Fa-f]{12}(?:[^0-9A-Za-z]|$)",
    )
    PATTERN_PREFILTERS: ClassVar[dict[str, tuple[int, ...]]] = {
        # Six octets end inside eight: the first prefilter stands for both.
        "separated": (0,), "separated64": (0,), "cisco": (1,), "bare": (2,), "hex": (3,),
    }
    CONTEXT_REQUIRED = frozenset({"bare", "hex"})
    CONTEXT = (
        "mac", "мак-адрес", "mac-адрес", "mac-мекенжай", "bssid", "hwaddr", "hw_addr",
        "hardware address", "ether", "lladdr", "wifi_mac", "wlan", "физический адрес",
        "физический", "физикалық", "network address", "сетевой адрес", "желілік мекенжай",
        "physical address",
    )
    # Only the bare form needs context, and its word sits right before it ("mac: ...");
    # a "bssid" further back belongs to an earlier value on the line.
    CONTEXT_WINDOW = 24
    NEGATIVE_CONTEXT = (
        "ref", "rrn", "order", "заказ", "тапсырыс", "txn", "transaction", "invoice", "iin",
        "иин", "жсн", "bin", "бин", "бсн", "phone", "тел", "imei", "serial", "hash", "sha",
        "md5", "commit", "trace", "span", "request", "session",
    )
    VALIDATION: ClassVar[dict[str, str]] = {
        "en": "Six hex octets (colon, hyphen or Cisco dotted form; bare only with context), "
              "or eight (EUI-64, colon or hyphen); all-zero and broadcast addresses are "
              "rejected.",
        "ru": "Шесть шестнадцатеричных октетов (через двоеточие, дефис или точки Cisco; "
              "слитно — только с контекстом) или восемь (EUI-64, через двоеточие или дефис); "
              "нулевой и широковещательный адреса отбрасываются.",
        "kk": "Алты он алтылық октет (қос нүкте, дефис немесе Cisco нүктелері арқылы; "
              "бөлгішсіз — тек контекстпен) немесе сегіз (EUI-64, қос нүкте немесе дефис "
              "арқылы); нөлдік және кең таратылымды мекенжайлар алынып тасталады.",
    }

    def validate_result(self, pattern_text: str) -> bool | None:
        """Valid unless all-zero, broadcast or a single repeated digit."""
        return mac_is_valid(pattern_text)


def mac_is_valid(value: str) -> bool:
    """Whether a MAC address (EUI-48 or EUI-64) can name an interface (not zero, broadcast
    or one digit)."""
    digits = values.hex_digits(value)
    # Twelve or sixteen hex digits, not all one (str.count in C where a set is an object a
    # value).
    n = len(digits)
    return (n == 12 or n == 16) and digits.count(digits[0]) < n
