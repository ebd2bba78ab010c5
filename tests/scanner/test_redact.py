"""Masks reveal nothing personal: what each entity may keep, and JSON escapes decoded first."""

from __future__ import annotations

import json
import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from derbes.scanner.redact import mask

# Values of the shape of the law's examples (IIN: YYMMDD, then the century/sex digit).
CASES = [
    ("KZ_IIN", "870412350125", "**********25"),
    ("KZ_IIN", "70412350125", "**********25"),  # read from an integer column: zero lost
    ("PHONE_NUMBER", "+7 701 555-12-34", "+* *** ***-**-34"),
    ("PHONE_NUMBER", "87015551234", "*********34"),
    ("CREDIT_CARD", "4400 4301 8030 0003", "**** **** **** 0003"),
    ("IBAN_CODE", "KZ86125KZT5004100100", "****************0100"),
    ("EMAIL_ADDRESS", "aigerim.nurlanova@mail.kz", "a***@mail.kz"),
    ("PERSON", "Нурланова Айгерим Сериковна", "Н*** *** ***"),
    ("DATE_OF_BIRTH", "12.04.1987", "**.**.****"),
    ("ADDRESS", "г. Алматы, ул. Абая, 10", "***. ***, ***. ***, ***"),
    ("IP_ADDRESS", "95.56.14.201", "95.56.*.*"),
    ("MAC_ADDRESS", "00:1a:2b:3c:4d:5e", "00:1a:2b:**:**:**"),
    ("IMEI", "490154203237518", "*************18"),
]


@pytest.mark.parametrize(("entity", "value", "expected"), CASES)
def test_mask(entity: str, value: str, expected: str) -> None:
    assert mask(entity, value) == expected


def test_no_digit_of_an_iin_date_or_sex_survives() -> None:
    # Every IIN of one birth day: the mask must not tell any of them from another day's.
    for serial in range(0, 10_000, 97):
        iin = f"870412{serial % 10}{serial:04d}"[:11] + "5"
        shown = mask("KZ_IIN", iin)
        assert shown[:7] == "*******", shown


def test_phone_and_card_keep_at_most_four_digits() -> None:
    for entity, value in [("PHONE_NUMBER", "+7 (701) 555 12 34"),
                          ("CREDIT_CARD", "4400430180300003"),
                          ("IBAN_CODE", "KZ86125KZT5004100100")]:
        assert len(re.findall(r"\d", mask(entity, value))) <= 4


def test_json_escaped_name_is_masked_decoded() -> None:
    raw = json.dumps("Нурланова Айгерим")[1:-1]  # \u041d\u0443...
    assert "\\u" in raw
    assert mask("PERSON", raw) == "Н*** ***"
    # An escaped email keeps its domain readable, not its escapes.
    assert mask("EMAIL_ADDRESS", json.dumps("айгерим@mail.kz")[1:-1]) == "а***@mail.kz"


def test_short_values_show_nothing() -> None:
    assert mask("PHONE_NUMBER", "1234") == "****"


def test_distinct_and_rank_is_both_functions_of_one_normal_form():
    from derbes.scanner.redact import distinct_and_rank, distinct_key, example_rank

    key = b"k" * 32
    for entity, value in [("PHONE_NUMBER", "+7 701 123-45-67"), ("PHONE_NUMBER", "87011234567"),
                          ("EMAIL_ADDRESS", "Arman@Mail.KZ"), ("KZ_IIN", "870412300155"),
                          ("UNKNOWN_ENTITY", "  x  "), ("PERSON", "Әлия Жақсыбекова"),
                          ("EMAIL_ADDRESS", "иван@почта.рф"), ("UNKNOWN_ENTITY", "\U0001f600")]:
        assert distinct_and_rank(key, entity, value) == (
            distinct_key(key, entity, value), example_rank(entity, value))
    # One phone number written two ways is one value, with one rank.
    assert distinct_and_rank(key, "PHONE_NUMBER", "+7 701 123-45-67") == distinct_and_rank(
        key, "PHONE_NUMBER", "87011234567")


def test_distinct_key_is_the_keyed_blake2b_of_the_normal_form():
    """The copies of a keyed hash the engine makes give what a new keyed hash gives, for
    every key length (a key past 64 bytes is hashed down first), one value after another."""
    import hashlib

    from derbes.scanner.redact import distinct_and_rank, distinct_key, normalize

    for key in (b"a", b"k" * 32, b"k" * 64, b"x" * 65, b"y" * 200):
        short = key if len(key) <= 64 else hashlib.sha256(key).digest()
        for value in ("+7 701 123-45-67", "Arman@Mail.KZ", "10.0.0.1", "10.0.0.2"):
            expected = hashlib.blake2b(normalize("PHONE_NUMBER", value).encode(), key=short,
                                       digest_size=16).digest()
            assert distinct_key(key, "PHONE_NUMBER", value) == expected
            assert distinct_and_rank(key, "PHONE_NUMBER", value)[0] == expected


#: The official BLAKE2b keyed known-answer tests (the BLAKE2 reference's blake2b-kat.txt:
#: key 00 01 .. 3f, input 00 01 .. of each length, 64-byte digests), as other projects' suites
#: carry them: lengths 1, 2 and 255 (a full block and a partial one after the key's).
BLAKE2B_KAT = [
    (1, "961f6dd1e4dd30f63901690c512e78e4b45e4742ed197c3c5e45c549fd25f2e4"
        "187b0bc9fe30492b16b0d0bc4ef9b0f34c7003fac09a5ef1532e69430234cebd"),
    (2, "da2cfbe2d8409a0f38026113884f84b50156371ae304c4430173d08a99d9fb1b"
        "983164a3770706d537f49e0c916d9f32b95cc37a95b99d857436f0232c88a965"),
    (255, "142709d62e28fcccd0af97fad0f8465b971e82201dc51070faa0372aa43e9248"
          "4be1c1e73ba10906d5d1853db6a4106e0a7bf9800d373d6dee2d46d62ef2a461"),
]


@pytest.mark.parametrize(("length", "expected"), BLAKE2B_KAT)
def test_blake2b_after_key_gives_the_known_answers(length: int, expected: str) -> None:
    from derbes.scanner.redact import blake2b_after_key, blake2b_key_state

    state = blake2b_key_state(bytes(range(64)), 64)
    assert blake2b_after_key(state, bytes(range(length)), 64).hex() == expected


@given(key=st.binary(min_size=1, max_size=64), data=st.binary(min_size=1, max_size=400),
       size=st.sampled_from([1, 16, 32, 64]))
@settings(max_examples=300, deadline=None)
def test_blake2b_after_key_is_hashlibs_keyed_blake2b(key: bytes, data: bytes, size: int):
    """Every length around the block edges (127-129, 255-257 bytes) and every key length:
    the digest the compiled engine counts by is hashlib's, byte for byte, so that workers of
    one scan built with and without a compiler (a Dask cluster) count the same values."""
    import hashlib

    from derbes.scanner.redact import blake2b_after_key, blake2b_key_state

    state = blake2b_key_state(key, size)
    expected = hashlib.blake2b(data, key=key, digest_size=size).digest()
    assert blake2b_after_key(state, data, size) == expected
    assert type(blake2b_after_key(state, data, size)) is bytes


@pytest.mark.parametrize("length", [127, 128, 129, 255, 256, 257])
def test_blake2b_after_key_at_block_edges(length: int) -> None:
    import hashlib

    from derbes.scanner.redact import blake2b_after_key, blake2b_key_state

    key = b"derbes" * 5
    data = bytes((7 * i + 3) % 256 for i in range(length))
    assert blake2b_after_key(blake2b_key_state(key, 16), data, 16) == hashlib.blake2b(
        data, key=key, digest_size=16).digest()


def test_blake2b_refuses_what_it_does_not_hash() -> None:
    from derbes.scanner.redact import blake2b_after_key, blake2b_key_state

    with pytest.raises(ValueError):
        blake2b_key_state(b"", 16)
    with pytest.raises(ValueError):
        blake2b_key_state(b"k" * 65, 16)
    state = blake2b_key_state(b"k", 16)
    with pytest.raises(ValueError):
        blake2b_after_key(state, b"", 16)  # the key's block is then the last: not this path
    with pytest.raises(ValueError):
        blake2b_after_key(state[:63], b"x", 16)


def test_an_empty_normal_form_has_hashlibs_digest_too() -> None:
    import hashlib

    from derbes.scanner.redact import distinct_key

    key = b"k" * 32
    assert distinct_key(key, "UNKNOWN_ENTITY", "   ") == hashlib.blake2b(
        b"", key=key, digest_size=16).digest()


#: HMAC-SHA-256 test cases of RFC 4231 (section 4): 1, 2, 3, and 6 and 7 (keys longer than
#: a block, hashed first).
RFC_4231 = [
    (b"\x0b" * 20, b"Hi There",
     "b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7"),
    (b"Jefe", b"what do ya want for nothing?",
     "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843"),
    (b"\xaa" * 20, b"\xdd" * 50,
     "773ea91e36800e46854db8ebd09181a72959098b3ef8c122d9635514ced565fe"),
    (b"\xaa" * 131, b"Test Using Larger Than Block-Size Key - Hash Key First",
     "60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54"),
    (b"\xaa" * 131, b"This is a test using a larger than block-size key and a larger than "
     b"block-size data. The key needs to be hashed before being used by the HMAC algorithm.",
     "9b09ffa71b942fcb27635fbcd5b0e944bfdc63644f0713938a7f51535c3a35e2"),
]


@pytest.mark.parametrize(("key", "data", "expected"), RFC_4231)
def test_hmac_sha256_gives_rfc_4231s_answers(key: bytes, data: bytes, expected: str) -> None:
    from derbes.scanner.redact import hmac_sha256

    assert hmac_sha256(key, data).hex() == expected
    assert hmac_sha256(key, data).hex() == expected  # again, from the states kept for the key


@given(key=st.binary(max_size=200), data=st.binary(max_size=300))
@settings(max_examples=300, deadline=None)
def test_hmac_sha256_is_hmac_digest(key: bytes, data: bytes) -> None:
    """Keys of every length (none, under a block, a block, longer: hashed first) and data
    across the block edges: the hash reports and allowlists carry is hmac.digest's."""
    import hmac

    from derbes.scanner.redact import hmac_sha256

    assert hmac_sha256(key, data) == hmac.digest(key, data, "sha256")


def test_value_hash_is_the_hmac_of_the_normal_form() -> None:
    import hmac

    from derbes.scanner.redact import normalize, value_hash

    key = b"k" * 32
    for entity, value in [("PHONE_NUMBER", "+7 701 555-12-34"), ("KZ_IIN", "870412350125"),
                          ("EMAIL_ADDRESS", "Aigerim@Mail.kz"), ("PERSON", "Нурланова")]:
        expected = hmac.new(key, normalize(entity, value).encode(), "sha256").hexdigest()[:32]
        assert value_hash(key, entity, value) == expected
    # Two keys in one process (a server, tests): each value hashed with its own key.
    assert value_hash(b"a" * 32, "KZ_IIN", "870412350125") != value_hash(
        b"b" * 32, "KZ_IIN", "870412350125")
