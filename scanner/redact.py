"""What a report may say about a value: a masked preview and a keyed hash, never the value.

What an entity's mask and normal form are is the entity's own (``MASK`` and ``NORMALIZE``
next to its recognizer, from ``derbes.detectors.values``); here they are applied, and keyed.

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
import zlib
from collections.abc import Callable

from derbes.detectors.registry import entity_classes
from derbes.detectors.values import last_two

HASH_KEY_ENV = "DERBES_HASH_KEY"

def _by_entity(what: str) -> dict[str, Callable[[str], str]]:
    # Each entity's function, from its recognizer (detectors/values.py holds the functions).
    return {entity: getattr(classes[0], what) for entity, classes in entity_classes().items()}


_NORMALIZE = _by_entity("NORMALIZE")
_MASK = _by_entity("MASK")


def hash_key_from_env() -> bytes | None:
    """The configured hash key, if the environment sets one."""
    value = os.environ.get(HASH_KEY_ENV)
    return value.encode() if value else None


def new_hash_key() -> bytes:
    """A random key for one scan: hashes then compare only within that scan."""
    return secrets.token_bytes(32)


def normalize(entity: str, value: str) -> str:
    """The form of a value that is hashed, so that ``+7 701 123-45-67`` equals ``87011234567``:
    the entity's ``NORMALIZE`` (its recognizer says), else the value stripped."""
    function = _NORMALIZE.get(entity)
    return value.strip() if function is None else function(value)


def value_hash(key: bytes, entity: str, value: str) -> str:
    """HMAC-SHA256 of the normalized value, hex, 32 characters."""
    # hmac.digest: the one-shot C path, the same HMAC as hmac.new(...).hexdigest().
    return hmac.digest(key, normalize(entity, value).encode(), hashlib.sha256).hex()[:32]


def distinct_key(key: bytes, entity: str, value: str) -> bytes:
    """What tells values apart in memory while a scan counts distinct values: a keyed
    BLAKE2b of the normalized value, 16 bytes (less than half the cost of the HMAC). Never
    written anywhere; equal values get equal keys, in every worker of the scan."""
    return _digest(key, normalize(entity, value).encode())


def distinct_and_rank(key: bytes, entity: str, value: str) -> tuple[bytes, int]:
    """:func:`distinct_key` and :func:`example_rank` of one value, normalized once: what the
    engine keeps per distinct value it meets."""
    normal = normalize(entity, value).encode()
    return _digest(key, normal), _crc32(normal)


def example_rank(entity: str, value: str) -> int:
    """Where a value stands among the candidates for a finding's examples: the CRC-32 of its
    normal form. The examples are the values of smallest rank, whatever the order the hits
    came in. Not keyed, so that two scans of the same data show the same examples (each scan
    has its own random key unless one is configured); the rank is never written anywhere."""
    return zlib.crc32(normalize(entity, value).encode())


#: The keyed BLAKE2b of each hash key, before any data: a copy of it hashes a value without
#: hashing the key's block again (a third less work than a new keyed object).
_KEYED: dict[bytes, hashlib.blake2b] = {}
_crc32 = zlib.crc32


def _digest(key: bytes, normal: bytes) -> bytes:
    keyed = _KEYED.get(key)
    if keyed is None:
        if len(_KEYED) >= 64:  # scans of other keys in one process (tests, a server)
            _KEYED.clear()
        keyed = _KEYED[key] = hashlib.blake2b(key=_blake2b_key(key), digest_size=16)
    h = keyed.copy()
    h.update(normal)
    return h.digest()


def _blake2b_key(key: bytes) -> bytes:
    # BLAKE2b takes keys of up to 64 bytes; a longer configured key is hashed down first.
    return key if len(key) <= 64 else hashlib.sha256(key).digest()


_JSON_ESCAPE = re.compile(r"\\u([0-9a-fA-F]{4})")


def mask(entity: str, value: str) -> str:
    """A preview that shows the kind of a value but nothing personal: ``**********25``.

    The entity's ``MASK`` (its recognizer says: an IIN keeps none of its date or sex digits,
    an email one letter and its domain, a phone its last two digits, a card or account its
    last four, names, birth dates and addresses no more than one letter), else all but the
    last two letters and digits hidden. Text written as JSON ``\\u`` escapes is masked decoded.
    """
    if "\\u" in value:
        value = _unescape(value)
    return _MASK.get(entity, last_two)(value)


def _unescape(value: str) -> str:
    """``\\u041d\\u0443`` as ``Ну`` (surrogate pairs joined); other text unchanged."""
    text = _JSON_ESCAPE.sub(lambda m: chr(int(m.group(1), 16)), value)
    return text.encode("utf-16", "surrogatepass").decode("utf-16", "replace")
