"""Building the analyzer and analysing text never opens a network connection."""

from __future__ import annotations

import socket

import pytest

from derbes.detectors.presidio import build_analyzer


def test_build_and_analyze_offline(monkeypatch: pytest.MonkeyPatch) -> None:
    def refuse(*args, **kwargs):
        raise AssertionError(f"network access attempted: {args[1:]}")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket.socket, "connect_ex", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)
    monkeypatch.setattr(socket, "getaddrinfo", refuse)
    engine = build_analyzer()
    text = "ИИН 871008401427, почта user@mail.kz, тел +7 701 123 45 67, IP 192.0.2.15"
    found = {r.entity_type for r in engine.analyze(text, language="ru")}
    assert found == {"KZ_IIN", "EMAIL_ADDRESS", "PHONE_NUMBER", "IP_ADDRESS"}
