"""Values known by their JSON key: names, birth dates, addresses, document numbers."""

from __future__ import annotations

import json

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from derbes.detectors.address_by_key import AddressByKeyRecognizer
from derbes.detectors.birth_date_by_key import BirthDateByKeyRecognizer
from derbes.detectors.identity_document_by_key import IdentityDocumentByKeyRecognizer
from derbes.detectors.person_by_key import PersonByKeyRecognizer
from derbes.scanner.redact import mask

# Made-up people and documents; no checksum applies to these entities.
FOUND = [
    (PersonByKeyRecognizer, '{"fio":"Нурланова Айгерим Ерлановна","iin":"871008401427"}',
     "Нурланова Айгерим Ерлановна"),
    (PersonByKeyRecognizer, '{"user": {"fullName": "Ivan Petrov"}}', "Ivan Petrov"),
    (PersonByKeyRecognizer, '{"ФИО" : "Әлиев Дәурен"}', "Әлиев Дәурен"),
    (PersonByKeyRecognizer, json.dumps({"last_name": "Иванов"}),  # ensure_ascii escapes
     json.dumps("Иванов")[1:-1]),
    (BirthDateByKeyRecognizer, '{"dob":"1987-10-08"}', "1987-10-08"),
    (BirthDateByKeyRecognizer, '{"birth_date": "08.10.1987"}', "08.10.1987"),
    (BirthDateByKeyRecognizer, '{"туған_күні":"2006-12-11T00:00:00Z"}', "2006-12-11T00:00:00Z"),
    (AddressByKeyRecognizer, '{"address":"г. Алматы, ул. Абая, 10"}', "г. Алматы, ул. Абая, 10"),
    (AddressByKeyRecognizer, '{"мекенжай": "Астана қ., Мәңгілік Ел, 8"}',
     "Астана қ., Мәңгілік Ел, 8"),
    (IdentityDocumentByKeyRecognizer, '{"passport":"N12345678"}', "N12345678"),
    (IdentityDocumentByKeyRecognizer, '{"id_card": "045112233"}', "045112233"),
    # XML: a SOAP message to an e-government service, a 1C exchange file (element text and
    # attribute values; a namespace prefix, attributes, spaces around the text).
    (PersonByKeyRecognizer, "<person><lastName>Серикова</lastName></person>", "Серикова"),
    (PersonByKeyRecognizer, '<ns2:fullName xsi:type="xs:string"> Ivan Petrov </ns2:fullName>',
     "Ivan Petrov"),
    (PersonByKeyRecognizer, '<Сотрудник Код="0001" ФИО="Әлиев Дәурен" Пол="М"/>',
     "Әлиев Дәурен"),
    (BirthDateByKeyRecognizer, "<data><birthDate>1986-09-04</birthDate></data>", "1986-09-04"),
    (BirthDateByKeyRecognizer, '<ФизЛицо ДатаРождения="1990-08-15T00:00:00">',
     "1990-08-15T00:00:00"),
    (AddressByKeyRecognizer, "<address>г. Алматы, ул. Абая, 10</address>",
     "г. Алматы, ул. Абая, 10"),
    (IdentityDocumentByKeyRecognizer, "<passport>N12345678</passport>", "N12345678"),
]

NOT_FOUND = [
    (PersonByKeyRecognizer, '{"name":"Pro plan"}'),  # "name" alone names products too
    (PersonByKeyRecognizer, '{"fio":"12345"}'),
    (PersonByKeyRecognizer, '{"fio":null}'),
    (PersonByKeyRecognizer, '{"fio":""}'),
    (PersonByKeyRecognizer, 'fio=Нурланова'),  # free text: no key, no claim
    (BirthDateByKeyRecognizer, '{"dob":"2026-13-01"}'),
    (BirthDateByKeyRecognizer, '{"dob":"1850-01-01"}'),
    (BirthDateByKeyRecognizer, '{"created":"1987-10-08"}'),
    (AddressByKeyRecognizer, '{"address":"10.0.0.1"}'),  # an IP address: no letters
    (AddressByKeyRecognizer, '{"address":"n/a"}'),
    # Network addresses under an "address" key (issue #12): IPv6 has letters, so the old
    # "no letters" rule let them through as postal addresses.
    (AddressByKeyRecognizer, '{"address":"2a02:4780:1f::1c"}'),
    (AddressByKeyRecognizer, '{"address":"[2a02:4780::1]:443"}'),
    (AddressByKeyRecognizer, '{"address":"fe80::1%eth0"}'),
    (AddressByKeyRecognizer, '{"address":"3c:5a:b4:1f:22:9e"}'),
    (AddressByKeyRecognizer, '{"address":"smtp.mail.kz:587"}'),
    (AddressByKeyRecognizer, '{"address":"https://api.kaspi.kz/v2"}'),
    (IdentityDocumentByKeyRecognizer, '{"passport":"yes"}'),
    (IdentityDocumentByKeyRecognizer, '{"passport":"N1"}'),
    (PersonByKeyRecognizer, "<lastName></lastName>"),  # empty
    (PersonByKeyRecognizer, "<lastName/>"),
    (PersonByKeyRecognizer, "<lastName><first>x</first></lastName>"),  # no text of its own
    (PersonByKeyRecognizer, "<lastNameHint>Иванов</lastNameHint>"),  # another element
    (PersonByKeyRecognizer, '<input name="lastName" value="Иванов">'),  # a name, no key
    (PersonByKeyRecognizer, 'user fio="Иванов" logged in'),  # outside a tag: free text
    (BirthDateByKeyRecognizer, "<birthDate>2026-13-01</birthDate>"),
    (BirthDateByKeyRecognizer, '<x created="1987-10-08">'),
    (AddressByKeyRecognizer, "<address>10.0.0.1</address>"),
]


@pytest.mark.parametrize(("cls", "text", "value"), FOUND)
def test_found(cls, text: str, value: str) -> None:
    spans = cls().find(text)
    assert [text[s:e] for s, e, _ in spans] == [value]


@pytest.mark.parametrize(("cls", "text"), NOT_FOUND)
def test_not_found(cls, text: str) -> None:
    assert cls().find(text) == []


def test_long_values_are_not_taken() -> None:
    text = '{"address":"' + "x" * 500 + '"}'
    assert AddressByKeyRecognizer().find(text) == []


def test_masks_show_no_name_no_date() -> None:
    assert mask("PERSON", "Нурланова Айгерим Ерлановна") == "Н*** *** ***"
    assert mask("DATE_OF_BIRTH", "1987-10-08") == "****-**-**"
    assert "Абая" not in mask("ADDRESS", "г. Алматы, ул. Абая, 10")


def _network_plain(value: str) -> bool:
    """is_network_address as first written: the network shapes, then ipaddress' parse of the
    value and of its host without brackets and port, each before its zone."""
    import ipaddress
    import re

    from derbes.detectors.address_by_key import _NETWORK

    def parses(candidate: str) -> bool:
        try:
            return ipaddress.ip_address(candidate.split("%", 1)[0]) is not None
        except ValueError:
            return False

    host = re.sub(r"^\[?(?P<host>[^\]]+?)\]?(?::[0-9]{1,5})?$", r"\g<host>", value)
    return bool(_NETWORK.fullmatch(value)) or parses(value) or parses(host)


@settings(max_examples=3000, deadline=None)
@given(st.text(alphabet=st.sampled_from("0123456789abcdefABCDEF:.[]%/ gxул-\n"), max_size=40))
@example("fe80::1%eth0\n")
@example("[fe80::1]:80\n")
@example("[2001:db8::1]:8443")
@example("fe80::1%eth0")
@example("[fe80::1%eth0]:80")
@example("10.0.0.1:5432")
@example("ул. Абая 10")
@example("::ffff:10.0.0.1")
@example("[ABCD:EF01::9]:80")  # every hex digit, both cases
@example("abcd:ef01::9")
def test_network_address_is_the_plain_check(value: str) -> None:
    """The character test before ipaddress' parse changes no verdict."""
    from derbes.detectors.address_by_key import is_network_address

    assert is_network_address(value) is _network_plain(value)
