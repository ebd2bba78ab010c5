"""What a report may say about a value: a masked preview and a keyed hash, never the value.

IINs are 12 digits and phone numbers fewer: a plain hash of one could be reversed by hashing
every possible number. The hash is an HMAC with a key from the configuration or the
environment (``DERBES_HASH_KEY``), or a random key per scan, so reports cannot be reversed.
"""

from __future__ import annotations

import hashlib
import hmac
import os
import re
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


#: Digits a mask keeps at the end of a number: none of an IIN's date or sex digit, at most
#: the last few of a phone, card or account (the part printed on receipts).
_KEEP_LAST = {"KZ_IIN": 2, "KZ_BIN": 2, "PHONE_NUMBER": 2, "CREDIT_CARD": 4, "IBAN_CODE": 4}
_JSON_ESCAPE = re.compile(r"\\u([0-9a-fA-F]{4})")


def mask(entity: str, value: str) -> str:
    """A preview that shows the kind of a value but nothing personal: ``**********25``.

    An IIN keeps none of its date or sex digits, an email one letter and its domain, a phone
    its last two digits, a card or account its last four; names, birth dates and addresses
    keep no more than one letter. Text written as JSON ``\\u`` escapes is masked decoded.
    """
    if "\\u" in value:
        value = _unescape(value)
    if entity in _TWELVE_DIGITS and value.isdigit() and len(value) < 12:
        value = value.zfill(12)
    if entity in _KEEP_LAST:
        return _last_digits(value, _KEEP_LAST[entity])
    if entity == "EMAIL_ADDRESS" and "@" in value:
        local, _, domain = value.rpartition("@")
        return f"{local[:1]}***@{domain}"
    if entity == "PERSON":
        # One initial: a name's letters are the name.
        words = value.split()
        return " ".join([words[0][:1] + "***", *("***" for _ in words[1:])]) if words else "***"
    if entity in ("DATE_OF_BIRTH", "ADDRESS"):
        # The shape (separators) only: a decade is an age, a town's letters a place.
        return _ALNUM_RUN.sub("***", value) if entity == "ADDRESS" else "".join(
            "*" if c.isalnum() else c for c in value)
    if entity == "IP_ADDRESS":
        # The network's first half names a provider, not a person.
        if ":" in value:
            head = value.split(":")
            return ":".join([*head[:2], "*", "*"])
        parts = value.split(".")
        return ".".join([*parts[:2], "*", "*"]) if len(parts) == 4 else _last_digits(value, 2)
    if entity == "MAC_ADDRESS" and len(value) >= 8:
        # The first three bytes name the maker (OUI), not the device.
        return value[:8] + "".join("*" if c.isalnum() else c for c in value[8:])
    return _last_digits(value, 2)


_ALNUM_RUN = re.compile(r"\w+")


def _last_digits(value: str, keep: int) -> str:
    """Every letter and digit hidden but the last ``keep``; separators stay for the shape."""
    positions = [i for i, c in enumerate(value) if c.isalnum()]
    if len(positions) <= keep * 2:
        keep = 0  # too short to show anything of it
    shown = set(positions[len(positions) - keep:]) if keep else set()
    return "".join(c if i in shown or not c.isalnum() else "*" for i, c in enumerate(value))


def _unescape(value: str) -> str:
    """``\\u041d\\u0443`` as ``Ну`` (surrogate pairs joined); other text unchanged."""
    text = _JSON_ESCAPE.sub(lambda m: chr(int(m.group(1), 16)), value)
    return text.encode("utf-16", "surrogatepass").decode("utf-16", "replace")
