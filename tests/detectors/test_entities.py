"""What defines an entity lives with its recognizer, and every place that uses it agrees.

Column names, JSON keys, the normal form and the mask are class constants of the recognizers
(``COLUMN_NAMES``, ``NORMALIZE``, ``MASK``); ``derbes.scanner.names`` and
``derbes.scanner.redact`` read them from the registry.
"""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from derbes.detectors import values
from derbes.detectors.address_by_key import AddressByKeyRecognizer
from derbes.detectors.keyed import KeyedValueRecognizer, json_keys
from derbes.detectors.person_by_key import PersonByKeyRecognizer
from derbes.detectors.registry import COLUMN_NAME_ORDER, RECOGNIZER_CLASSES, entity_classes
from derbes.scanner.names import entity_for_name
from derbes.scanner.redact import mask, normalize

ENTITIES = entity_classes()


@pytest.mark.parametrize("entity", sorted(ENTITIES))
def test_recognizers_of_one_entity_agree(entity):
    classes = ENTITIES[entity]
    assert len({cls.NORMALIZE for cls in classes}) == 1, classes
    assert len({cls.MASK for cls in classes}) == 1, classes
    assert any(cls.COLUMN_NAMES for cls in classes), f"{entity}: no column names"


def test_every_entity_has_a_place_in_the_column_name_order():
    assert set(COLUMN_NAME_ORDER) == {cls.ENTITY for cls in RECOGNIZER_CLASSES}
    assert list(ENTITIES) == list(COLUMN_NAME_ORDER)


@pytest.mark.parametrize("cls", [c for c in RECOGNIZER_CLASSES if c.COLUMN_NAMES],
                         ids=lambda c: c.__name__)
def test_every_column_name_names_its_entity(cls):
    """A spelling another entity's spelling or exclusion would shadow is a mistake."""
    for spelling in cls.COLUMN_NAMES:
        assert entity_for_name(spelling) == cls.ENTITY, spelling


@pytest.mark.parametrize("cls", [c for c in RECOGNIZER_CLASSES
                                 if issubclass(c, KeyedValueRecognizer)],
                         ids=lambda c: c.__name__)
def test_json_keys_are_the_column_names_spelt_as_json(cls):
    assert set(cls.KEYS) == set(json_keys(cls.COLUMN_NAMES))
    assert set(cls.COLUMN_NAMES) <= set(cls.KEYS)


def test_json_keys_spellings():
    assert json_keys(("fio", "full_name")) == (
        "FIO", "Fio", "FullName", "fio", "fullName", "full_name")
    assert {"fio", "FIO", "Fio", "fullName", "FullName", "фио", "ФИО"} <= set(
        PersonByKeyRecognizer.KEYS)
    assert {"shippingAddress", "deliveryAddress", "адрес"} <= set(AddressByKeyRecognizer.KEYS)


@pytest.mark.parametrize(("name", "entity"), [
    ("client_iin", "KZ_IIN"),
    ("card_holder", "PERSON"),  # a card holder's name is a name
    ("id_card", "IDENTITY_DOCUMENT"),  # an identity card is no payment card
    ("card_number", "CREDIT_CARD"),
    ("passport_fio", "PERSON"),  # a person's spelling comes before a document's
    ("payload.customer.name", "PERSON"),  # a bare name under a person's key
    ("item.name", None),
    ("email_verified", None),  # a token, but a flag
    ("phone_iin", "KZ_IIN"),
    # 1C's names of an email address: an address, but an email's first.
    ("ФайлОбмена.Объект.АдресЭП", "EMAIL_ADDRESS"), ("АдресЭлектроннойПочты", "EMAIL_ADDRESS"),
])
def test_column_name_precedence(name, entity):
    assert entity_for_name(name) == entity


@pytest.mark.parametrize(("entity", "value", "normal", "masked"), [
    ("KZ_IIN", "61211600012", "061211600012", "**********12"),
    ("PHONE_NUMBER", "8 (701) 123-45-67", "77011234567", "* (***) ***-**-67"),
    ("EMAIL_ADDRESS", " Aigerim@Mail.KZ ", "aigerim@mail.kz", " ***@Mail.KZ "),
    ("MAC_ADDRESS", "3C-5A-B4-1F-22-9E", "3c:5a:b4:1f:22:9e", "3C-5A-B4-**-**-**"),
    ("CREDIT_CARD", "4111 1111 1111 1111", "4111111111111111", "**** **** **** 1111"),
    ("PERSON", "Нурланова Айгерим", "Нурланова Айгерим", "Н*** ***"),
    ("LOYALTY_CARD", " X-123456 ", "X-123456", " *-****56 "),  # a user's entity: defaults
])
def test_normal_forms_and_masks_come_from_the_entity(entity, value, normal, masked):
    assert normalize(entity, value) == normal
    assert mask(entity, value) == masked
    if entity in ENTITIES:
        assert ENTITIES[entity][0].NORMALIZE(value) == normal


def test_defaults_are_the_plain_ones():
    assert PersonByKeyRecognizer.NORMALIZE is values.stripped
    assert KeyedValueRecognizer.MASK is values.last_two


@settings(max_examples=3000, deadline=None)
@given(st.text(alphabet=st.sampled_from(
    ["a", "B", "1", ".", "@", ":", "É", "İ", "ẞ", "Ж", "\U0001f600", " ", "\t", "\n", "\u00a0",
     "\u2003", "\u3000", "\x1c", "\x85", "\u200b"]), max_size=12))
def test_compact_lower_is_split_joined_and_lowered(value):
    """Compiled, compact_lower only lowers a value with no white space, found in C: the same
    as joining its split and lowering it, white space of every kind str.split knows (and the
    zero-width space, which it does not) included; a str subclass too."""
    expected = "".join(value.split()).lower()
    assert values.compact_lower(value) == expected

    class Line(str):
        pass

    assert values.compact_lower(Line(value)) == expected


@settings(max_examples=3000, deadline=None)
@given(st.text(alphabet=st.sampled_from(
    ["a", "f", "g", "A", "F", "G", "0", "9", ":", "-", ".", " ", "Ａ", "٣", "Ж", "\U0001f600"]),
    max_size=70))
def test_hex_digits_are_the_regex_substitution_lowered(value):
    """Compiled, hex_digits copies a value of up to 64 characters into C chars (longer ones,
    and str subclasses, by the regex): the same as the substitution it stands for, lowered;
    full-width letters and other scripts' digits are no hex digits."""
    import re

    expected = re.sub("[^0-9A-Fa-f]", "", value).lower()
    assert values.hex_digits(value) == expected

    class Line(str):
        pass

    assert values.hex_digits(Line(value)) == expected


@settings(max_examples=3000, deadline=None)
@given(st.text(alphabet=st.sampled_from(
    ["0", "7", "a", "Z", "_", " ", "+", "-", "(", ".", "@", "*", "Ж", "٣", "Ａ", "\t"]),
    max_size=70), st.sampled_from([0, 1, 2, 4, 6]))
def test_last_digits_is_its_definition(value, keep):
    """Compiled, last_digits masks an ASCII value of up to 64 characters into C chars (others
    by the definition): the same mask, every letter and digit hidden but the last ``keep``,
    none shown of a value of ``2 * keep`` or fewer; ``_`` and ``*`` are no letters."""
    assert values.last_digits(value, keep) == values.last_digits_by_positions(value, keep)


@pytest.mark.parametrize(("value", "keep", "expected"), [
    ("+7 701 555-12-34", 2, "+* *** ***-**-34"),
    ("4400430180300003", 4, "************0003"),
    ("a1_b2", 1, "**_*2"),  # "_" is no letter: it stays
    ("a_1", 1, "*_*"),  # two letters and digits: too few to show one of them
    ("", 2, ""),
])
def test_last_digits_masks(value, keep, expected):
    assert values.last_digits(value, keep) == expected == values.last_digits_by_positions(
        value, keep)


@settings(max_examples=3000, deadline=None)
@given(st.text(alphabet=st.sampled_from(["0", "1", "a", "A", "f", "F", "g", ":", "-", "."]),
               max_size=20))
def test_mac_and_device_id_checks_are_their_set_definitions(value):
    """The hex-digit checks read without a set: twelve or sixteen digits not all one (a MAC,
    EUI-48 or EUI-64), none or
    all one digit refused, a 16-character id with a hex letter, a 14-character id starting
    with a hex letter (device ids)."""
    import re

    from derbes.detectors.device_id import device_id_shape_ok
    from derbes.detectors.mac_address import mac_is_valid

    digits = re.sub("[^0-9A-Fa-f]", "", value).lower()
    assert mac_is_valid(value) is (len(digits) in (12, 16) and len(set(digits)) > 1)
    if len(set(digits)) <= 1:
        expected = False
    elif len(value) == 16:
        expected = not digits.isdigit()
    elif len(value) == 14:
        expected = digits[0] in "abcdef"
    else:
        expected = True
    assert device_id_shape_ok(value) is expected


@settings(max_examples=3000, deadline=None)
@given(st.text(alphabet=st.sampled_from(
    ["0", "7", "9", " ", "+", "(", ")", "-", "a", "٣", "５", "Ж", "\U0001d7ce", "\t"]),
    max_size=70))
def test_digits_are_every_digit_in_order(value):
    """Compiled, digits copies an ASCII value of up to 64 characters into C chars: the same
    as keeping every character str.isdigit() takes (other scripts' digits too, read by the
    join), in order; a str subclass too."""
    expected = "".join(c for c in value if c.isdigit())
    assert values.digits(value) == expected

    class Line(str):
        pass

    assert values.digits(Line(value)) == expected
