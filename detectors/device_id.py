"""Device identifiers of mobile apps: advertising ids, vendor ids, Android ids, MEIDs.

* IDFA (Apple's advertising identifier), IDFV (identifier for vendor) and GAID (Google's
  advertising id) are UUIDs, RFC 4122 text form ``8-4-4-4-12`` hex digits.
* ``Settings.Secure.ANDROID_ID`` is 16 hex digits (64 bits).
* An MEID (CDMA handsets) is 14 hex digits.

These shapes are shared with request ids, trace and span ids and hashes, so a match counts
only when the nearest context word before it, or the field name, names a device
(``idfa``, ``advertising_id``, ``deviceId``, «идентификатор устройства»); a nearer
``request_id`` or ``trace_id`` wins over a device word further back. The zeroed id that
iOS and Android report when ad tracking is limited identifies nobody and is rejected.

Reference: RFC 4122; Apple ``ASIdentifierManager.advertisingIdentifier`` and
``UIDevice.identifierForVendor``; Android ``AdvertisingIdClient`` and
``Settings.Secure.ANDROID_ID``; 3GPP2 S.R0048 (MEID).
"""

from __future__ import annotations

from typing import ClassVar

from derbes.detectors import values
from derbes.detectors.base import HEX, DerbesRecognizer, Pattern

_X = "[0-9A-Fa-f]"
_L = r"(?<![0-9A-Za-z-])"
_R = r"(?![0-9A-Za-z]|-[0-9A-Za-z])"


class DeviceIdRecognizer(DerbesRecognizer):
    """Advertising/vendor UUIDs, Android ids and MEIDs next to a device context word."""

    ENTITY = "DEVICE_ID"
    COLUMN_NAMES = (
        "device_id", "idfa", "gaid", "idfv", "android_id", "advertising_id", "ad_id",
        "идентификатор_устройства", "құрылғы_идентификаторы",
    )
    NORMALIZE = staticmethod(values.compact_lower)
    PATTERNS = (
        Pattern(
            "uuid",
            rf"{_L}{_X}{{8}}-{_X}{{4}}-{_X}{{4}}-{_X}{{4}}-{_X}{{12}}{_R}",
            0.1,
        ),
        Pattern("android_id", rf"{_L}{_X}{{16}}{_R}", 0.05),
        Pattern("meid", rf"{_L}{_X}{{14}}{_R}", 0.05),
    )
    # Each starts after none of the characters it is made of (its lookbehind).
    RUNS: ClassVar[dict[str, tuple[str, int, int]]] = {
        "uuid": (HEX + "-", 36, 0), "android_id": (HEX, 16, 16), "meid": (HEX, 14, 14)}
    PREFILTERS = (
        rb"[0-9A-Fa-f]{8}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{12}",
        # The pattern ends before a "-" that ends the line, too ("...:0780823427162000-").
        rb"(?:^|[^0-9A-Za-z-])(?:[0-9A-Fa-f]{16}|[0-9A-Fa-f]{14})"
        rb"(?:[^0-9A-Za-z-]|-(?:[^0-9A-Za-z]|$)|$)",
    )
    PATTERN_PREFILTERS: ClassVar[dict[str, tuple[int, ...]]] = {
        "uuid": (0,), "android_id": (1,), "meid": (1,),
    }
    CONTEXT_REQUIRED = frozenset({"uuid", "android_id", "meid"})
    CONTEXT = (
        "idfa", "idfv", "gaid", "aaid", "adid", "ad_id", "ad-id", "advertising", "advertiser",
        "identifier_for_vendor", "identifierforvendor", "vendor_id", "android_id", "androidid",
        "ssaid", "device_id", "device-id", "deviceid", "device id", "device", "meid",
        "идентификатор устройства", "id устройства", "ид устройства", "рекламный идентификатор",
        "құрылғы идентификаторы", "құрылғының id", "құрылғы id", "жарнамалық идентификатор",
        "install_id", "installation_id",
    )
    NEGATIVE_CONTEXT = (
        "request_id", "request-id", "requestid", "request id", "x-request-id", "req_id",
        "trace", "span", "session", "sess_id", "sid", "correlation", "order", "transaction",
        "txn", "tx_id", "event_id", "message_id", "msg_id", "job_id", "task_id", "user_id",
        "userid", "account_id", "payment_id", "invoice", "заказ", "тапсырыс", "запрос",
        "сессия", "сессии", "транзакц", "sha", "md5", "hash", "хеш", "commit", "etag",
        "checksum", "token", "nonce", "idempotency", "card", "карт", "pan", "imei", "imsi",
    )
    VALIDATION: ClassVar[dict[str, str]] = {
        "en": "UUID (IDFA/IDFV/GAID), 16-hex Android id or 14-hex MEID, counted only when the "
              "nearest context word names a device; zeroed ids are rejected.",
        "ru": "UUID (IDFA/IDFV/GAID), 16-значный hex Android ID или 14-значный MEID — только "
              "если ближайшее слово-контекст указывает на устройство; нулевые id отбрасываются.",
        "kk": "UUID (IDFA/IDFV/GAID), 16 hex Android ID немесе 14 hex MEID — тек ең жақын "
              "контекст сөзі құрылғыны атаса; нөлдік id алынып тасталады.",
    }

    def validate_result(self, pattern_text: str) -> bool | None:
        """Whether the shape can be a device id; context then decides whether it is one."""
        return device_id_shape_ok(pattern_text)


def device_id_shape_ok(value: str) -> bool:
    """Zeroed and one-digit ids are placeholders; an Android id (64 random bits) has a hex
    letter, so a 16-digit decimal (a card) is not one; an MEID's region code is A0-FF."""
    digits = values.hex_digits(value)
    if not digits or digits.count(digits[0]) == len(digits):  # none, or all one digit
        return False
    if len(value) == 16:
        return not digits.isdigit()
    if len(value) == 14:
        return digits[0] in "abcdef"
    return True
