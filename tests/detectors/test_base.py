"""The recognizer base's shortcuts against what they stand for in Presidio."""

from __future__ import annotations

from derbes.detectors.ip_address import IpAddressRecognizer


def test_a_window_without_letters_holds_no_context_word():
    r = IpAddressRecognizer()
    line = '1.2.3.4 - - [01/Mar/2026:00:00:15 +0500] "-" "178.89.157.15"'
    assert r.context_verdict(line, line.rindex("178")) is None
    assert r.context_verdict("version 1.2.3.4", 8) is False
    assert r.context_verdict("ip: 1.2.3.4", 4) is True
