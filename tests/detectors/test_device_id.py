"""DEVICE_ID: UUIDs and hex ids count only when the nearest context word names a device."""

from __future__ import annotations

import pytest
from recognizer_cases import assert_finds, found_alone

from derbes.detectors.device_id import DeviceIdRecognizer, device_id_shape_ok

# Device ids carry no check digit; these are shape examples. Sources: an IDFA-style sample
# UUID common in mobile-attribution documentation; Google's sample advertising id used in
# its ad SDK documentation; 9774d56d682e549c, the ANDROID_ID that many Android 2.2 devices
# shared (the known platform bug); an MEID with region code A0 (3GPP2 S.R0048 layout).
IDFA = "6D92078A-8246-4BA4-AE5B-76104861E7DC"
GAID = "38400000-8cf0-11bd-b23e-10b96e40000d"
ANDROID_ID = "9774d56d682e549c"

VECTORS = [
    (IDFA, True),
    (GAID, True),
    (ANDROID_ID, True),
    ("A0000000002329", True),  # MEID: region code A0-FF
    ("00000000-0000-0000-0000-000000000000", False),  # zeroed when ad tracking is limited
    ("4111111111111111", False),  # 16 decimal digits: a card, not a 64-bit hex id
    ("12345678901234", False),  # 14 digits without an MEID region code
]


@pytest.mark.parametrize(("value", "is_valid"), VECTORS)
def test_vectors(value: str, is_valid: bool) -> None:
    assert device_id_shape_ok(value) is is_valid


CASES = [
    (f'{{"idfa": "{IDFA}", "event": "install"}}', [IDFA]),
    (f"gaid={GAID}", [GAID]),
    (f"advertisingId: {GAID}", [GAID]),
    (f"deviceId={ANDROID_ID}", [ANDROID_ID]),
    (f"android_id: {ANDROID_ID}", [ANDROID_ID]),
    (f"Идентификатор устройства {IDFA}", [IDFA]),
    (f"Құрылғы идентификаторы: {GAID}", [GAID]),
    ("meid A0000000002329", ["A0000000002329"]),
    # hard negatives: the same shapes as request/trace/span/session ids
    (f"request_id={GAID}", []),
    (f"X-Request-Id: {IDFA}", []),
    (f"device_id=abc request_id={GAID}", []),  # the nearest word wins
    (f"trace_id={ANDROID_ID} span_id=9774d56d682e549d", []),
    (f"session_id: {IDFA} order_id: {GAID}", []),
    (f"{GAID} {ANDROID_ID}", []),  # no context at all
    ("idfa=00000000-0000-0000-0000-000000000000", []),
    ("device card=4111111111111111", []),
]


@pytest.mark.parametrize(("text", "expected"), CASES)
def test_spans(text: str, expected: list[str]) -> None:
    assert_finds(DeviceIdRecognizer, text, expected)


def test_column_name_decides() -> None:
    assert found_alone(DeviceIdRecognizer, GAID, ["advertising_id"]) == [GAID]
    assert found_alone(DeviceIdRecognizer, GAID, ["correlation_id"]) == []
    assert found_alone(DeviceIdRecognizer, GAID, ["deviceId"]) == [GAID]
