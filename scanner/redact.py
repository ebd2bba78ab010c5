"""What a report may say about a value: a masked preview and a keyed hash, never the value.

What an entity's mask and normal form are is the entity's own (``MASK`` and ``NORMALIZE``
next to its recognizer, from ``derbes.detectors.values``); here they are applied, and keyed.

IINs are 12 digits and phone numbers fewer: a plain hash of one could be reversed by hashing
every possible number. The hash is an HMAC with a key from the configuration or the
environment (``DERBES_HASH_KEY``), or a random key per scan, so reports cannot be reversed.
"""

from __future__ import annotations

import hashlib
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
    return hmac_sha256(key, normalize(entity, value).encode())[:16].hex()


def hmac_sha256(key: bytes, data: bytes) -> bytes:
    """``hmac.digest(key, data, "sha256")``, from SHA-256 states kept per key.

    HMAC is ``H(K ^ opad || H(K ^ ipad || data))`` (RFC 2104): the states after the two key
    blocks are the same for every value, so each is hashed once and copied. hmac.digest
    prepares both blocks again for every value (1.7 us a value against 0.7-0.8, timeit): on
    the dense benchmark corpus with ``--hits``, about 24,000 of the 77,000 instructions a hit
    cost there (callgrind)."""
    pads = _HMAC_PADS.get(key)
    if pads is None:
        if len(_HMAC_PADS) >= 64:  # scans of other keys in one process (tests, a server)
            _HMAC_PADS.clear()
        block = key if len(key) <= 64 else hashlib.sha256(key).digest()
        block += bytes(64 - len(block))
        pads = _HMAC_PADS[key] = (hashlib.sha256(bytes(b ^ 0x36 for b in block)),
                                  hashlib.sha256(bytes(b ^ 0x5C for b in block)))
    inner = pads[0].copy()
    inner.update(data)
    outer = pads[1].copy()
    outer.update(inner.digest())
    return outer.digest()


#: Per hash key, the SHA-256 objects that have hashed HMAC's inner and outer key blocks.
_HMAC_PADS: dict[bytes, tuple] = {}


def distinct_key(key: bytes, entity: str, value: str) -> bytes:
    """What tells values apart in memory while a scan counts distinct values: a keyed
    BLAKE2b of the normalized value, 16 bytes (less than half the cost of the HMAC). Never
    written anywhere; equal values get equal keys, in every worker of the scan."""
    return _digest(key, normalize(entity, value).encode())


def distinct_and_rank(key: bytes, entity: str, value: str) -> tuple[bytes, int]:
    """:func:`distinct_key` and :func:`example_rank` of one value, normalized once: what the
    engine keeps per distinct value it meets."""
    text = normalize(entity, value)
    # Compiled, a str's encode("utf-8") is PyUnicode_AsUTF8String in C (redact.pxd), not a
    # method looked up and called.
    plain = text if type(text) is str else str(text)
    normal = plain.encode("utf-8")
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
    if _COMPILED and normal:
        # Compiled, the same digest in C (:func:`blake2b_after_key`), from the state the
        # key's block leaves: a third of hashlib's work (one compression a short value, not
        # two; no hash object made, copied and freed).
        state = _AFTER_KEY.get(key)
        if state is None:
            if len(_AFTER_KEY) >= 64:
                _AFTER_KEY.clear()
            state = _AFTER_KEY[key] = blake2b_key_state(_blake2b_key(key), 16)
        return blake2b_after_key(state, normal, 16)
    keyed = _KEYED.get(key)
    if keyed is None:
        if len(_KEYED) >= 64:  # scans of other keys in one process (tests, a server)
            _KEYED.clear()
        keyed = _KEYED[key] = hashlib.blake2b(key=_blake2b_key(key), digest_size=16)
    h = keyed.copy()
    h.update(normal)
    return h.digest()


# -- keyed BLAKE2b (RFC 7693), for the compiled module ---------------------------------------

#: The state after each hash key's block (:func:`blake2b_key_state`), for the compiled digest.
_AFTER_KEY: dict[bytes, bytes] = {}
#: Whether this module runs compiled (Cython, ``redact.pxd``): then :func:`_digest` hashes in
#: C; as Python, hashlib's C BLAKE2b is faster than the same arithmetic on Python integers.
_COMPILED = not __file__.endswith(".py")

#: BLAKE2b's initialization vector (RFC 7693, 2.6), eight 64-bit words little-endian: compiled,
#: read through a C pointer like :data:`_SIGMA`.
_IV = b"".join(w.to_bytes(8, "little") for w in (
    0x6A09E667F3BCC908, 0xBB67AE8584CAA73B, 0x3C6EF372FE94F82B, 0xA54FF53A5F1D36F1,
    0x510E527FADE682D1, 0x9B05688C2B3E6C1F, 0x1F83D9ABFB41BD6B, 0x5BE0CD19137E2179,
))
#: The message schedule SIGMA (RFC 7693, 2.7), twelve rounds of sixteen word indexes (rounds
#: 10 and 11 repeat 0 and 1), as bytes: compiled, read through a C pointer.
_SIGMA = bytes((
    0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15,
    14, 10, 4, 8, 9, 15, 13, 6, 1, 12, 0, 2, 11, 7, 5, 3,
    11, 8, 12, 0, 5, 2, 15, 13, 10, 14, 3, 6, 7, 1, 9, 4,
    7, 9, 3, 1, 13, 12, 11, 14, 2, 6, 5, 10, 4, 0, 15, 8,
    9, 0, 5, 7, 2, 4, 10, 15, 14, 1, 11, 12, 6, 8, 3, 13,
    2, 12, 6, 10, 0, 11, 8, 3, 4, 13, 7, 5, 15, 14, 1, 9,
    12, 5, 1, 15, 14, 13, 4, 10, 0, 7, 6, 3, 9, 2, 8, 11,
    13, 11, 7, 14, 12, 1, 3, 9, 5, 0, 15, 4, 8, 6, 2, 10,
    6, 15, 14, 9, 11, 3, 0, 8, 12, 2, 13, 7, 1, 4, 10, 5,
    10, 2, 8, 4, 7, 6, 1, 5, 15, 11, 9, 14, 3, 12, 13, 0,
    0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15,
    14, 10, 4, 8, 9, 15, 13, 6, 1, 12, 0, 2, 11, 7, 5, 3,
))


def blake2b_key_state(key: bytes, digest_size: int) -> bytes:
    """BLAKE2b's chained state (8 words, 64 bytes little-endian) once the block of ``key``
    (1 to 64 bytes) is compressed: what :func:`blake2b_after_key` starts from."""
    if not 1 <= len(key) <= 64 or not 1 <= digest_size <= 64:
        raise ValueError("BLAKE2b takes a key of 1-64 bytes and a digest of 1-64 bytes")
    if not _COMPILED:  # compiled, these are C arrays (redact.pxd)
        h = [0] * 8
        m = [0] * 16
    for i in range(8):
        h[i] = _word(_IV, 8 * i)
    h[0] ^= 0x01010000 ^ (len(key) << 8) ^ digest_size
    _load(m, key, 0, len(key))
    _compress(h, m, 128, False)
    return _bytes_of(h, 64)


def blake2b_after_key(state: bytes, data: bytes, digest_size: int) -> bytes:
    """``hashlib.blake2b(data, key=key, digest_size=digest_size).digest()`` for a non-empty
    ``data``, from ``state = blake2b_key_state(key, digest_size)``."""
    n = len(data)
    if n == 0 or len(state) != 64 or not 1 <= digest_size <= 64:
        raise ValueError("BLAKE2b after a key takes data, a 64-byte state and a digest size")
    if not _COMPILED:  # compiled, these are C arrays (redact.pxd)
        h = [0] * 8
        m = [0] * 16
    for i in range(8):
        h[i] = _word(state, 8 * i)
    done = 0
    # Every block but the last is full and not final; the last is padded with zeros.
    while n - done > 128:
        _load(m, data, done, done + 128)
        _compress(h, m, 128 + done + 128, False)
        done += 128
    _load(m, data, done, n)
    _compress(h, m, 128 + n, True)
    return _bytes_of(h, digest_size)


def _bytes_of(h: list, size: int) -> bytes:
    """The first ``size`` bytes (at most 64) of the state ``h``, little-endian: a digest, or
    the state itself."""
    if not _COMPILED:  # compiled, a C array (redact.pxd)
        out = bytearray(64)
    for i in range(size):
        out[i] = h[i >> 3] >> ((i & 7) << 3) & 255
    if _COMPILED:
        return out[:size]  # compiled, a C array's bytes: made once
    return bytes(out[:size])


def _word(data: bytes, at: int) -> int:
    """The little-endian 64-bit word of ``data`` at ``at`` (compiled, one load: the bytes are
    64-bit integers there, ``redact.pxd``, in the form C compilers merge)."""
    b0 = data[at]
    b1 = data[at + 1]
    b2 = data[at + 2]
    b3 = data[at + 3]
    b4 = data[at + 4]
    b5 = data[at + 5]
    b6 = data[at + 6]
    b7 = data[at + 7]
    return (b0 | b1 << 8 | b2 << 16 | b3 << 24 | b4 << 32 | b5 << 40 | b6 << 48
            | b7 << 56)


def _load(m: list, data: bytes, at: int, stop: int) -> None:
    """The 16 little-endian words of a block into ``m``: ``data[at:stop]`` (at most 128
    bytes), zeros after it."""
    i = 0
    while i < 16 and at + 8 <= stop:
        m[i] = _word(data, at)
        i += 1
        at += 8
    if i < 16:
        w = 0
        k = stop - 1
        while k >= at:  # the bytes of a last, partial word
            w = w << 8 | data[k]
            k -= 1
        m[i] = w
        i += 1
        while i < 16:
            m[i] = 0
            i += 1


def _compress(h: list, m: list, counted: int, last: bool) -> None:
    """BLAKE2b's compression F (RFC 7693, 3.2) of the block of words ``m`` into ``h``,
    ``counted`` bytes hashed with it (key block included), ``last`` the final block's flag."""
    # 64 ones: an AND with it is what keeps a Python integer to 64 bits, and a C compiler sees
    # the constant (built from a 32-bit literal, unlike the literal itself) and drops it.
    mask = 0xFFFFFFFF
    mask = mask << 32 | mask
    v0, v1, v2, v3, v4, v5, v6, v7 = h[0], h[1], h[2], h[3], h[4], h[5], h[6], h[7]
    iv = _IV
    v8 = _word(iv, 0)
    v9 = _word(iv, 8)
    v10 = _word(iv, 16)
    v11 = _word(iv, 24)
    v12 = _word(iv, 32) ^ counted  # the counter's high word stays 0: under 2**64 bytes
    v13 = _word(iv, 40)
    v14 = _word(iv, 48)
    if last:
        v14 ^= mask
    v15 = _word(iv, 56)
    sigma = _SIGMA
    for r in range(0, 192, 16):
        # G on the columns, then on the diagonals; rotations right by 32, 24, 16 and 63.
        v0 = (v0 + v4 + m[sigma[r]]) & mask
        v12 = _rotr(v12 ^ v0, 32)
        v8 = (v8 + v12) & mask
        v4 = _rotr(v4 ^ v8, 24)
        v0 = (v0 + v4 + m[sigma[r + 1]]) & mask
        v12 = _rotr(v12 ^ v0, 16)
        v8 = (v8 + v12) & mask
        v4 = _rotr(v4 ^ v8, 63)
        v1 = (v1 + v5 + m[sigma[r + 2]]) & mask
        v13 = _rotr(v13 ^ v1, 32)
        v9 = (v9 + v13) & mask
        v5 = _rotr(v5 ^ v9, 24)
        v1 = (v1 + v5 + m[sigma[r + 3]]) & mask
        v13 = _rotr(v13 ^ v1, 16)
        v9 = (v9 + v13) & mask
        v5 = _rotr(v5 ^ v9, 63)
        v2 = (v2 + v6 + m[sigma[r + 4]]) & mask
        v14 = _rotr(v14 ^ v2, 32)
        v10 = (v10 + v14) & mask
        v6 = _rotr(v6 ^ v10, 24)
        v2 = (v2 + v6 + m[sigma[r + 5]]) & mask
        v14 = _rotr(v14 ^ v2, 16)
        v10 = (v10 + v14) & mask
        v6 = _rotr(v6 ^ v10, 63)
        v3 = (v3 + v7 + m[sigma[r + 6]]) & mask
        v15 = _rotr(v15 ^ v3, 32)
        v11 = (v11 + v15) & mask
        v7 = _rotr(v7 ^ v11, 24)
        v3 = (v3 + v7 + m[sigma[r + 7]]) & mask
        v15 = _rotr(v15 ^ v3, 16)
        v11 = (v11 + v15) & mask
        v7 = _rotr(v7 ^ v11, 63)
        v0 = (v0 + v5 + m[sigma[r + 8]]) & mask
        v15 = _rotr(v15 ^ v0, 32)
        v10 = (v10 + v15) & mask
        v5 = _rotr(v5 ^ v10, 24)
        v0 = (v0 + v5 + m[sigma[r + 9]]) & mask
        v15 = _rotr(v15 ^ v0, 16)
        v10 = (v10 + v15) & mask
        v5 = _rotr(v5 ^ v10, 63)
        v1 = (v1 + v6 + m[sigma[r + 10]]) & mask
        v12 = _rotr(v12 ^ v1, 32)
        v11 = (v11 + v12) & mask
        v6 = _rotr(v6 ^ v11, 24)
        v1 = (v1 + v6 + m[sigma[r + 11]]) & mask
        v12 = _rotr(v12 ^ v1, 16)
        v11 = (v11 + v12) & mask
        v6 = _rotr(v6 ^ v11, 63)
        v2 = (v2 + v7 + m[sigma[r + 12]]) & mask
        v13 = _rotr(v13 ^ v2, 32)
        v8 = (v8 + v13) & mask
        v7 = _rotr(v7 ^ v8, 24)
        v2 = (v2 + v7 + m[sigma[r + 13]]) & mask
        v13 = _rotr(v13 ^ v2, 16)
        v8 = (v8 + v13) & mask
        v7 = _rotr(v7 ^ v8, 63)
        v3 = (v3 + v4 + m[sigma[r + 14]]) & mask
        v14 = _rotr(v14 ^ v3, 32)
        v9 = (v9 + v14) & mask
        v4 = _rotr(v4 ^ v9, 24)
        v3 = (v3 + v4 + m[sigma[r + 15]]) & mask
        v14 = _rotr(v14 ^ v3, 16)
        v9 = (v9 + v14) & mask
        v4 = _rotr(v4 ^ v9, 63)
    h[0] ^= v0 ^ v8
    h[1] ^= v1 ^ v9
    h[2] ^= v2 ^ v10
    h[3] ^= v3 ^ v11
    h[4] ^= v4 ^ v12
    h[5] ^= v5 ^ v13
    h[6] ^= v6 ^ v14
    h[7] ^= v7 ^ v15


def _rotr(x: int, n: int) -> int:
    """``x`` (64 bits) rotated right by ``n`` (1-63)."""
    mask = 0xFFFFFFFF  # 64 ones, as in _compress
    mask = mask << 32 | mask
    return (x >> n | x << (64 - n)) & mask


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
