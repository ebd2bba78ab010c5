"""What a report may say about a value: a masked preview and a keyed hash, never the value.

IINs are 12 digits and phone numbers fewer: a plain hash of one could be reversed by hashing
every possible number. The hash is an HMAC with a key from the configuration or the
environment (``DERBES_HASH_KEY``), or a random key per scan, so reports cannot be reversed.
"""

from __future__ import annotations

import hashlib
import hmac
import os
import secrets

HASH_KEY_ENV = "DERBES_HASH_KEY"

_DIGIT_ENTITIES = frozenset({"KZ_IIN", "KZ_BIN", "PHONE_NUMBER", "IMEI", "CREDIT_CARD"})
_TWELVE_DIGITS = frozenset({"KZ_IIN", "KZ_BIN"})


def hash_key_from_env() -> bytes | None:
    """The configured hash key, if the environment sets one."""
    value = os.environ.get(HASH_KEY_ENV)
    return value.encode() if value else None


def new_hash_key() -> bytes:
    """A random key for one scan: hashes then compare only within that scan."""
    return secrets.token_bytes(32)


def normalize(entity: str, value: str) -> str:
    """The form of a value that is hashed, so that ``+7 701 123-45-67`` equals ``87011234567``."""
    if entity in _DIGIT_ENTITIES:
        digits = value if value.isdigit() else "".join(c for c in value if c.isdigit())
        if entity == "PHONE_NUMBER" and len(digits) == 11 and digits[0] == "8":
            digits = "7" + digits[1:]
        elif entity in _TWELVE_DIGITS:
            digits = digits.zfill(12)  # an IIN read from an integer column lost its zeros
        return digits
    if entity in ("EMAIL_ADDRESS", "MAC_ADDRESS", "DEVICE_ID", "IP_ADDRESS", "IBAN_CODE"):
        return "".join(value.split()).lower().replace("-", ":" if entity == "MAC_ADDRESS" else "-")
    return value.strip()


def value_hash(key: bytes, entity: str, value: str) -> str:
    """HMAC-SHA256 of the normalized value, hex, 32 characters."""
    # hmac.digest: the one-shot C path, the same HMAC as hmac.new(...).hexdigest().
    return hmac.digest(key, normalize(entity, value).encode(), hashlib.sha256).hex()[:32]


def distinct_key(key: bytes, entity: str, value: str) -> bytes:
    """What tells values apart in memory while a scan counts distinct values: a keyed
    BLAKE2b of the normalized value, 16 bytes (less than half the cost of the HMAC). Never
    written anywhere; equal values get equal keys, in every worker of the scan."""
    return hashlib.blake2b(
        normalize(entity, value).encode(), key=_blake2b_key(key), digest_size=16
    ).digest()


def _blake2b_key(key: bytes) -> bytes:
    # BLAKE2b takes keys of up to 64 bytes; a longer configured key is hashed down first.
    return key if len(key) <= 64 else hashlib.sha256(key).digest()


def mask(entity: str, value: str) -> str:
    """A preview that shows the shape of a value but not the value: ``8710******27``."""
    if entity in _TWELVE_DIGITS and value.isdigit() and len(value) < 12:
        value = value.zfill(12)
    if entity == "EMAIL_ADDRESS" and "@" in value:
        local, _, domain = value.rpartition("@")
        return f"{local[:1]}***@{domain}"
    if entity == "PERSON":
        # Initials only: a name's letters are the name.
        return " ".join(w[:1] + "***" for w in value.split())
    if entity in ("DATE_OF_BIRTH", "ADDRESS"):
        # The decade or the town's first letters; day, month, street and number stay hidden.
        keep = 3 if entity == "DATE_OF_BIRTH" else 4
        return value[:keep] + "*" * max(len(value) - keep, 3)
    if entity == "IP_ADDRESS":
        if ":" in value:
            head = value.split(":")
            return ":".join([*head[:2], "*", "*"])
        parts = value.split(".")
        return ".".join([*parts[:2], "*", "*"]) if len(parts) == 4 else _middle(value)
    return _middle(value)


def _middle(value: str) -> str:
    n = len(value)
    if n <= 4:
        return "*" * n
    keep_head = 4 if n >= 10 else 1
    keep_tail = 2 if n >= 8 else 1
    out = []
    for i, c in enumerate(value):
        hidden = keep_head <= i < n - keep_tail
        out.append("*" if hidden and c.isalnum() else c)
    return "".join(out)
