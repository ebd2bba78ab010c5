"""PHONE_NUMBER: Kazakh written forms, international numbers, bare digits need context."""

from __future__ import annotations

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st
from recognizer_cases import assert_finds, found_alone

from derbes.detectors.phone import PhoneRecognizer, phone_is_valid

# Validity per libphonenumber's metadata (not our code). The written forms and the two
# international numbers are the examples of the issue "Foundation and detectors"; the UK
# number lies in Ofcom's range reserved for drama (020 7946 0000-0999).
VECTORS = [
    ("+7 701 123 45 67", True),
    ("+7 (701) 123-45-67", True),
    ("8 701 123 4567", True),
    ("87011234567", True),
    ("+77011234567", True),
    ("8 (7172) 55-12-34", True),
    ("+44 20 7946 0958", True),
    ("+49 30 901820", True),
    ("+7 600 123 45 67", False),  # +7 6xx: no range in libphonenumber's metadata
    ("8 (0172) 55-12-34", False),
    ("+44 20 7946", False),  # too short
]


@pytest.mark.parametrize(("value", "is_valid"), VECTORS)
def test_vectors(value: str, is_valid: bool) -> None:
    assert phone_is_valid(value) is is_valid


CASES = [
    ("Тел.: +7 701 123 45 67", ["+7 701 123 45 67"]),
    ("звоните +7 (701) 123-45-67 или 8 701 123 4567", ["+7 (701) 123-45-67", "8 701 123 4567"]),
    ("Ұялы телефон: 87011234567", ["87011234567"]),
    ("contact +77011234567, office 8 (7172) 55-12-34", ["+77011234567", "8 (7172) 55-12-34"]),
    ("London office +44 20 7946 0958, Berlin +49 30 901820", ["+44 20 7946 0958", "+49 30 901820"]),
    ("msisdn=77011234567 status=DELIVRD", ["77011234567"]),
    ("phone: +49 30 901820 2026-11-21 09:47:28", ["+49 30 901820"]),
    ("моб. (701) 123-45-67", ["(701) 123-45-67"]),
    # International numbers with the subscriber number in one long group (issue #12);
    # ranges from libphonenumber's metadata (UZ 90x mobile, KG 700, GB London 20, IN 41x).
    ("+998 901234567", ["+998 901234567"]),
    ("тел: +996 700123456", ["+996 700123456"]),
    ("office +44 2079460958 ext", ["+44 2079460958"]),
    ("+91 4155550132 (Kolkata)", ["+91 4155550132"]),
    # Kazakh numbers as people write them, Almaty's grouping included.
    ("Справки: 8 (727) 2 50-50-50", ["8 (727) 2 50-50-50"]),
    ("Анықтама: +7 727 2 50 50 50", ["+7 727 2 50 50 50"]),
    ("тел 8 701 12 34 567, 8-701-1234567", ["8 701 12 34 567", "8-701-1234567"]),
    ("+7 (701) 1234567 и 8(7172)551234", ["+7 (701) 1234567", "8(7172)551234"]),
    # Bare national mobile numbers as fields of delimited records.
    ("2026-03-01;Нурланова А.;87011234567;Алматы", ["87011234567"]),
    ('"Иванов","77051234567","ok"', ["77051234567"]),
    ("87011234567\tАлматы\t5000", ["87011234567"]),
    ("Написать: https://wa.me/77011234567?text=Salem", ["77011234567"]),
    # ...and as the whole value of a JSON field, a string or a number (issue #12).
    ('{"client": "Иванов", "contact": "87011234567"}', ["87011234567"]),
    ('{"аты": "Айгерім", "байланыс": 77011234567}', ["77011234567"]),
    ('{"user":{"id":5,"mobile":"87771234567"}}', ["87771234567"]),
    ('  "value": "87011234567",', ["87011234567"]),
    # hard negatives
    ("2026-11-21 09:47:28,123 INFO started", []),
    ("ts=1732180012345 took 87011234567ns", []),
    ("87011234567", []),  # bare digits, no context
    ("номер заказа 87011234567", []),  # the nearest word is "заказа"
    ("Оплата картой 3782 822463 10005 на сумму 878 422 ₸", []),
    ("amount 1 234 567,89 тг, qty 7 701 шт", []),
    ("+7 600 123 45 67", []),
    ("2026-03-01;87271234567;ok", []),  # a landline-shaped field: only mobiles count bare
    ("qty;12345678901;ok", []),
    ("version 8.701.123.4567", []),
    # A record's or a JSON field's nearest word that makes the number something else.
    ("2026-03-01;заказ;87011234567;ok", []),
    ("2026-03-01|тапсырыс|77011234567|ok", []),
    ("2026-03-01,invoice,87011234567,paid", []),
    ('{"order_id": "87011234567"}', []),
    ('{"ts": 87011234567, "event": "tick"}', []),
    ('{"шот": "87011234567"}', []),
    ('{"x": "87271234567"}', []),  # landline-shaped: only mobiles count bare
    ('{"x": "870112345678"}', []),
    ('{"note": "paid 87011234567 later"}', []),  # inside a string, no phone word before
    # The fraction of a time and a duration after it: an event of 1C's technological journal
    # (the realistic corpus' journal gave 17 such false phones, 8 966 922 0804).
    ("48:51.896692-20804,DBMSSQL,4,process=rphost", []),
    ("00:07.872345-1,EXCP,1,Descr='тел.'", []),
    ("took 1.7011234567 s, tel: 7011234567", ["7011234567"]),
    # Its counters after a CALL event's method (``callContext``: a phone's context word, 48
    # characters before): bytes, not numbers.
    ("35:06.474643-7658,CALL,1,process=rphost,Usr=Тулегенов Д.,CallID=34975,"
     "IName=IContextMngrServer,MName=callContext,Memory=3981176,MemoryPeak=7002255393,"
     "InBytes=2252,OutBytes=79219734014,CpuTime=645426", []),
    ("call ended, duration 7011234567 ms", []),
    ('{"event": "sms", "size": 87011234567}', []),
    ("call from 87011234567, duration 12 s", ["87011234567"]),
    ("сумма 87011234567 тг, тел. 87021234567", ["87021234567"]),
    ("тел.8 701 234 56 78", ["8 701 234 56 78"]),  # an abbreviation's dot: a phone still
]


@pytest.mark.parametrize(("text", "expected"), CASES)
def test_spans(text: str, expected: list[str]) -> None:
    assert_finds(PhoneRecognizer, text, expected)


def test_bare_digits_count_with_a_phone_column_name() -> None:
    assert found_alone(PhoneRecognizer, "87011234567", ["phone_number"]) == ["87011234567"]
    assert found_alone(PhoneRecognizer, "87011234567", ["order_id"]) == []


@pytest.mark.parametrize(("column", "expected"), [
    ("телефон", ["87011234567"]), ("клиент", ["87011234567"]), ("contact", ["87011234567"]),
    ("заказ", []), ("тапсырыс", []), ("account", []),
])
def test_a_record_field_under_its_header(column: str, expected: list[str]) -> None:
    # A CSV record inside a log is detected cell by cell, each cell with the delimiters
    # around it and the header's column as context (``derbes.scanner.engine.pieces``): a
    # neutral column keeps the record's rule, a column of orders or accounts drops it.
    assert found_alone(PhoneRecognizer, ";87011234567;", [column]) == expected



def test_national_numbers_without_trunk_prefix_are_libphonenumbers():
    """Ten digits starting with 7 (no +, no trunk 8) are valid as libphonenumber's parse()
    with region KZ finds, for every four-digit prefix, written bare or in groups."""
    import random
    import re

    from derbes.detectors.phone import _valid_by_parsing, phone_is_valid

    rng = random.Random(7)
    valid = 0
    for prefix in range(7000, 8000):
        for _ in range(3):
            digits = str(prefix) + "".join(rng.choice("0123456789") for _ in range(6))
            for value in (digits, f"{digits[:3]} {digits[3:6]}-{digits[6:8]}-{digits[8:]}",
                          f"({digits[:3]}) {digits[3:6]} {digits[6:]}"):
                expected = _valid_by_parsing(value, re.sub("[^0-9]", "", value))
                assert phone_is_valid.__wrapped__(value) is expected, value
            valid += expected
    assert 500 < valid < 2500  # both verdicts well represented
    # Ten digits of another first digit still go to parse(): a Russian mobile written
    # without its 8 (916 ...) is valid there, as Russia's.
    for first in "012345689":
        for _ in range(200):
            value = first + "".join(rng.choice("0123456789") for _ in range(9))
            assert phone_is_valid.__wrapped__(value) is _valid_by_parsing(value, value), value
    assert phone_is_valid.__wrapped__("9161234567") is True
    # With a plus the 7 is the country code: +7 012 345 678 is no number.
    assert phone_is_valid.__wrapped__("+7012345678") is _valid_by_parsing(
        "+7012345678", "7012345678") is False

def test_a_description_read_whole_is_what_libphonenumber_matches():
    """The alternation of kz_number_type reads each description as a lookahead
    (``_whole``): possible lengths and the whole national number pattern, as ``_matches``
    (libphonenumber's reading) does, also where the lengths say more than the pattern, give
    only -1 (no number) or nothing at all."""
    import re

    from derbes.detectors.phone import _matches, _whole

    descs = [
        (frozenset({10}), re.compile(r"7\d{8,10}")),
        (frozenset(), re.compile(r"7(\d)\d{8}")),
        (frozenset({-1}), re.compile(r"\d*")),
        (frozenset({9, 11, -1}), re.compile(r"7\d+")),
    ]
    numbers = ["7" + "1" * k for k in range(6, 13)]
    numbers += ["", "8123456789", "7123\n56789", "71234567890x"]
    for desc in descs:
        lookahead = re.compile(f"(?={_whole((desc[0], desc[1].pattern))})")
        for number in numbers:
            assert (lookahead.match(number) is not None) == _matches(number, desc), (desc, number)


def test_kz_number_types_load_once_when_threads_meet_their_first_number_at_once(monkeypatch):
    """A Presidio recognizer may serve several threads: two that meet their first Kazakh
    number together both read the metadata, and both get the number's type."""
    import threading
    import time

    import phonenumbers

    from derbes.detectors import phone

    build = phone._kz_kinds

    def slow_build():
        time.sleep(0.2)  # both threads are inside before either has stored its build
        return build()

    monkeypatch.setattr(phone, "_KZ", [])
    monkeypatch.setattr(phone, "_kz_kinds", slow_build)
    got, errors = [], []

    def first_number(national):
        try:
            got.append(phone.kz_number_type.__wrapped__(national))
        except Exception as e:  # what a thread raised is the finding
            errors.append(e)

    threads = [threading.Thread(target=first_number, args=(n,))
               for n in ("7011234567", "7471234567")]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    assert got == [phonenumbers.PhoneNumberType.MOBILE] * 2
    assert len(phone._KZ) == 4


def test_kz_number_type_is_libphonenumbers_on_every_prefix():
    """The Kazakh number types read from the metadata once are libphonenumber's own, for
    every four-digit prefix of a national number starting with 7, at every length a number
    written with +7 can have here (and around)."""
    import random

    import phonenumbers

    from derbes.detectors.phone import kz_number_type

    rng = random.Random(94)
    checked = 0
    for prefix in range(7000, 8000):
        for length in (9, 10, 10, 10, 11, 13, 14):
            national = str(prefix) + "".join(rng.choice("0123456789") for _ in range(length - 4))
            number = phonenumbers.PhoneNumber(country_code=7, national_number=int(national))
            assert kz_number_type(national) == phonenumbers.number_type(number), national
            assert (kz_number_type(national) != phonenumbers.PhoneNumberType.UNKNOWN) == (
                phonenumbers.is_valid_number(number)), national
            checked += 1
    assert checked == 7000


def test_kz_number_type_by_its_first_digits_is_libphonenumbers(monkeypatch):
    """Ten-digit numbers are typed by the digits that decide (``_decided_by``): for every
    five-digit beginning, a first number fills the memo and a second is answered from it;
    both are libphonenumber's type."""
    import random

    import phonenumbers

    from derbes.detectors import phone

    phone.kz_number_type.__wrapped__("7011234567")  # the metadata read
    assert phone._KZ[3] == 5  # Kazakhstan's descriptions: five digits decide
    monkeypatch.setattr(phone, "_BY_BEGINNING", {})
    rng = random.Random(94)
    for beginning in range(70000, 80000):
        for _ in range(2):
            national = str(beginning) + "".join(rng.choice("0123456789") for _ in range(5))
            number = phonenumbers.PhoneNumber(country_code=7, national_number=int(national))
            assert phone.kz_number_type.__wrapped__(national) == phonenumbers.number_type(
                number), national
    assert len(phone._BY_BEGINNING) == 10000
    # Not ASCII digits, or not ten of them: read whole, never from the memo (re's \\d reads
    # a full-width digit as one).
    for other in ("70112345\uff167", "7011234567\n", "701123456", "70112345678"):
        assert phone.kz_number_type.__wrapped__(other) == phone._kz_type(other, *phone._KZ[:3])
    assert len(phone._BY_BEGINNING) == 10000


def test_decided_by_counts_only_digits_no_pattern_reads_past():
    from derbes.detectors.phone import _decided_by

    assert _decided_by([r"7(?:0[0-25-8]|47)\d{7}", r"751[0-9]{7}"], 10) == 3
    assert _decided_by([r"7(?:1|2)\d{8}", r"7\d{9}"], 10) == 2
    # An alternative of another length decides nothing for ten digits.
    assert _decided_by([r"8\d{13}|[78]\d{9}"], 10) == 1
    # Not ending in a fixed run of digits: nothing can be told.
    for pattern in (r"7\d{8}[0-5]", r"7\d+", r"7\d{5,9}", r"7\w{9}", r"7\d{8}5?"):
        assert _decided_by([r"7\d{9}", pattern], 10) == 0, pattern
    # A lookaround, anchor or back reference may read the last digits: nothing told.
    for pattern in (r"7(?=\d*5)\d\d{8}", r"7(?:1(?=5)|2)\d\d{7}", r"(7)\1\d{8}",
                    r"7(?:1|2(?!9))\d{8}", r"7(?<=7)\d{9}", r"7\b\d{9}"):
        assert _decided_by([pattern], 10) == 0, pattern


# The phone patterns as first written, lookbehinds first: the specification of the ones in
# phone.py, which put their first character first so that ``re`` searches for it.
def _plain_patterns() -> dict[str, str]:
    from derbes.detectors.phone import (
        _INTL_GROUPS,
        _JSON_R,
        _L,
        _NATIONAL,
        _NOT_A_FRACTION,
        _NOT_IN_GROUPS,
        _R,
        _S,
    )

    json_l = r'(?:(?<=":")|(?<=": ")|(?<=":)|(?<=": ))'
    return {
        "json": rf"{json_l}[78]7[0-9]{{9}}{_JSON_R}",
        "bare": rf"(?<![0-9A-Za-z+]){_NOT_A_FRACTION}(?:[78]?7[0-9]{{9}}|[78]9[0-9]{{9}})"
                r"(?![0-9A-Za-z])",
        "plus7": rf"{_L}\+7{_S}{_NATIONAL}{_R}",
        "trunk": rf"{_L}{_NOT_IN_GROUPS}{_NOT_A_FRACTION}[78](?=[0-9]{{0,9}}[ ()-]){_S}"
                 rf"{_NATIONAL}{_R}",
        "intl": rf"{_L}\+[1-689](?:[0-9]{{0,2}}{_INTL_GROUPS}|[0-9]{{6,14}}){_R}",
        "local": (
            rf"(?<![0-9A-Za-z+(]){_NOT_IN_GROUPS}{_NOT_A_FRACTION}(?:\(7[0-9]{{2}}\)|7[0-9]{{2}})"
            rf"{_S}[0-9]{{3}}{_S}[0-9]{{2}}{_S}[0-9]{{2}}{_R}"
            rf"|(?<![0-9A-Za-z+(]){_NOT_IN_GROUPS}{_NOT_A_FRACTION}\(7[0-9]{{3}}\){_S}[0-9]{{2}}"
            rf"{_S}[0-9]{{2}}{_S}[0-9]{{2}}{_R}"
        ),
    }


@settings(max_examples=3000, deadline=None)
@given(
    st.lists(
        st.sampled_from(["+", "+7", "+44", "7", "8", "(", ")", "(701)", "(7172)", "701", "7172",
                         "123", "45", "67", "4567", "1", "0", " ", "-", "a", "Z", "_", ":", "/",
                         "2026-03-01", " 10:00", "+7 701 123 45 67", "8 (7172) 55-12-34",
                         "+49 30 901820", "(727) 250-50-50", "7011234567", "\n", "қ",
                         '":', '": ', '"', "87011234567", "77011234567", "89011234567",
                         "701123456", "9", ",", "}", ".", "51."]),
        max_size=12,
    ).map("".join)
)
def test_patterns_written_first_character_first_match_the_plain_ones(text):
    import re

    plain = _plain_patterns()
    for pattern in PhoneRecognizer.PATTERNS:
        if pattern.name in plain:
            ours = [m.span() for m in re.finditer(pattern.regex, text)]
            assert ours == [m.span() for m in re.finditer(plain[pattern.name], text)], (
                pattern.name)


@settings(max_examples=400, deadline=None)
@given(st.text(alphabet=st.sampled_from("0123456789+-() .:/\u0663\u00b2\uff11x7"), max_size=80))
def test_ascii_digits_is_the_regex_substitution(value):
    """The digits a phone check reads: compiled, copied in C; equal to the regex's
    substitution for any text, with other scripts' digits (which are not ASCII) and values
    longer than the C buffer."""
    import re

    from derbes.detectors import phone
    from derbes.scanner.engine.pieces import DecodedLine

    want = re.sub("[^0-9]", "", value)
    assert phone.ascii_digits(value) == want
    # A line read decoded is a str subclass; its digits come back as a plain str.
    got = phone.ascii_digits(DecodedLine(value, {}))
    assert got == want and type(got) is str


def _numbers_around_examples():
    """Every region's example number of every kind (libphonenumber's own metadata), and the
    numbers one digit away from each: its last digit changed, one more digit, one fewer."""
    import phonenumbers
    from phonenumbers.phonemetadata import PhoneMetadata

    kinds = ("general_desc", "fixed_line", "mobile", "toll_free", "premium_rate", "shared_cost",
             "personal_number", "voip", "pager", "uan", "voicemail")
    for region in sorted(phonenumbers.SUPPORTED_REGIONS):
        metadata = PhoneMetadata.metadata_for_region(region)
        for kind in kinds:
            desc = getattr(metadata, kind)
            example = desc.example_number if desc is not None else None
            if not example:
                continue
            for national in (example, example[:-1] + str((int(example[-1]) + 1) % 10),
                             example + "5", example[:-1]):
                yield f"+{metadata.country_code}{national}"


def test_valid_number_is_libphonenumbers_on_every_regions_examples():
    """valid_number (the kinds of number tried likeliest first) says what is_valid_number
    says, on every region's example numbers of every kind and on the numbers one digit away
    from them: shared country codes (+1, +7, +44...) and non-geographic ones included."""
    import phonenumbers

    from derbes.detectors.phone import _MATCHES_DESC, valid_number

    assert _MATCHES_DESC is not None  # else valid_number is is_valid_number, and tests nothing
    valid = invalid = 0
    for text in _numbers_around_examples():
        try:
            number = phonenumbers.parse(text, None)
        except phonenumbers.NumberParseException:
            continue
        expected = phonenumbers.is_valid_number(number)
        assert valid_number(number) is expected, text
        valid += expected
        invalid += not expected
    assert valid > 1500 and invalid > 1500, (valid, invalid)


@settings(max_examples=1500, deadline=None)
@given(st.sampled_from(sorted({1, 7, 44, 49, 86, 90, 298, 358, 590, 599, 800, 882, 996, 998})),
       st.text(alphabet="0123456789", min_size=4, max_size=14))
def test_valid_number_is_libphonenumbers_on_any_digits(code, national):
    import phonenumbers

    from derbes.detectors.phone import valid_number

    try:
        number = phonenumbers.parse(f"+{code}{national}", None)
    except phonenumbers.NumberParseException:
        return
    assert valid_number(number) is phonenumbers.is_valid_number(number), (code, national)


def test_numbers_of_every_region_compile_their_patterns_once(monkeypatch):
    """Numbers of every region need about 700 of libphonenumber's patterns, more than re's
    cache of 512 keeps: read a second time, each number would compile its region's patterns
    again (40,000 such numbers took 21.5 s, not 1.8 s). Importing the recognizer turns on the
    library's own cache, which keeps them all: the second reading compiles none."""
    import re._compiler

    import phonenumbers

    from derbes.detectors.phone import _valid_by_parsing

    texts = [t for t in _numbers_around_examples()]
    for text in texts:  # the first reading compiles what it needs
        _valid_by_parsing(text, text[1:])
    compiled = []
    real = re._compiler.compile
    monkeypatch.setattr(re._compiler, "compile",
                        lambda *args: compiled.append(args[0]) or real(*args))
    valid = sum(_valid_by_parsing(text, text[1:]) for text in texts)  # not memoized
    assert valid > 1500
    assert len(phonenumbers.SUPPORTED_REGIONS) > 200
    assert compiled == [], f"{len(compiled)} patterns compiled again, e.g. {compiled[:3]}"


def _parsed(digits: str):
    import phonenumbers

    try:
        return phonenumbers.parse("+" + digits, None)
    except phonenumbers.NumberParseException:
        return None


def _parts(number) -> tuple[int, str] | None:
    """A PhoneNumber as international() gives it: its code and national significant number."""
    import phonenumbers

    if number is None:
        return None
    return number.country_code, phonenumbers.national_significant_number(number)


def _assert_read_as_parse_reads(digits: str):
    """international(digits) and _valid_by_parsing("+" + digits) are what
    phonenumbers.parse("+" + digits) and is_valid_number make of the digits."""
    import phonenumbers

    from derbes.detectors.phone import _valid_by_parsing, international

    want = _parsed(digits)
    assert international(digits) == _parts(want), digits
    if 7 <= len(digits) <= 15:
        valid = want is not None and phonenumbers.is_valid_number(want)
        assert _valid_by_parsing("+" + digits, digits) is valid, digits
    return want


def test_international_is_parse_around_every_regions_examples():
    """international(digits) is phonenumbers.parse("+" + digits): the same PhoneNumber (the
    country code, the national number less a national prefix, Italy's leading zeros), or
    None where parse raises."""
    from derbes.detectors.phone import _FAST

    assert _FAST  # else parse runs itself, and this tests nothing
    parsed = 0
    for text in _numbers_around_examples():
        digits = text[1:]
        for each in (digits, digits[1:], "0" + digits, digits + "00"):  # other codes too
            parsed += _assert_read_as_parse_reads(each) is not None
    assert parsed > 5000


def _country_codes() -> list[str]:
    import phonenumbers

    return sorted(str(code) for code in phonenumbers.COUNTRY_CODE_TO_REGION_CODE)


@settings(max_examples=3000, deadline=None)
@given(st.one_of(
    st.text(alphabet="0123456789", min_size=1, max_size=24),  # past the longest (17)
    # A country code, then a national prefix as regions write one (0, 8, 1, 06...) or none.
    st.tuples(st.sampled_from(_country_codes()), st.sampled_from(["", "0", "8", "1", "06"]),
              st.text(alphabet="0123456789", min_size=1, max_size=14)).map("".join),
))
def test_international_is_parse_on_any_digits(digits):
    _assert_read_as_parse_reads(digits)


def test_matches_desc_is_the_librarys_on_every_description():
    """_matches_desc says what libphonenumber's _is_number_matching_desc says, for every
    description of every region (and of the non-geographic codes), on the region's example
    numbers, the numbers one digit away, numbers of other lengths and other regions' numbers."""
    import random

    import phonenumbers
    from phonenumbers.phonemetadata import PhoneMetadata

    from derbes.detectors.phone import _MATCHES_DESC, _TYPES, _matches_desc

    kinds = ("general_desc", "fixed_line", "mobile", *(name for name, _ in _TYPES))
    metadatas = [PhoneMetadata.metadata_for_region(r) for r in phonenumbers.SUPPORTED_REGIONS]
    metadatas += [PhoneMetadata.metadata_for_nongeo_region(c)
                  for c in phonenumbers.COUNTRY_CODES_FOR_NON_GEO_REGIONS]

    def examples(metadata) -> list[str]:
        return [getattr(metadata, k).example_number for k in kinds
                if getattr(metadata, k) is not None and getattr(metadata, k).example_number]

    everyone = sorted({e for m in metadatas for e in examples(m)})
    rng = random.Random(7)
    held = 0
    for metadata in metadatas:
        numbers = set(rng.sample(everyone, 40))
        for number in examples(metadata):
            numbers.update((number, number[:-1], number + "0",
                            number[:-1] + str((int(number[-1]) + 3) % 10)))
        for kind in kinds:
            desc = getattr(metadata, kind)
            mine = sorted(n for n in numbers if _matches_desc(n, desc))
            assert mine == sorted(n for n in numbers if _MATCHES_DESC(n, desc)), (
                metadata.id, kind)
            held += len(mine)
    assert _matches_desc("7011234567", None) is False
    assert held > 2_000, held
    # The lengths decide before the pattern, which the metadata's own descriptions hardly
    # ever show: a description whose pattern takes a length its lengths do not.
    from phonenumbers.phonemetadata import PhoneNumberDesc

    narrow = PhoneNumberDesc(national_number_pattern=r"\d{5,6}", possible_length=(5,))
    for number in ("12345", "123456", "1234"):
        assert _matches_desc(number, narrow) is _MATCHES_DESC(number, narrow), number
    assert _matches_desc("123456", narrow) is False


@settings(max_examples=3000, deadline=None)
@example("810", "68221234")  # Kazakhstan's international prefix, then the Cook Islands' +682
@example("810", "24762889")  # and Ascension's +247: valid, and no number of +7
@given(st.sampled_from(["8", "9", "0", "1", "3", "4", "5", "6", "89", "80", "88", "81"]),
       st.text(alphabet="0123456789", min_size=8, max_size=10))
def test_a_number_without_its_code_is_read_as_parse_reads_it_in_kazakhstan(lead, rest):
    """10 or 11 digits written without a plus (8 916 123 45 67) are the number of +7 that
    phonenumbers.parse(digits, "KZ") reads, 810 (an international prefix) aside; and
    _valid_by_parsing says what is_valid_number says of it."""
    import phonenumbers

    from derbes.detectors.phone import _valid_by_parsing, international

    digits = (lead + rest)[:11]
    if len(digits) not in (10, 11) or digits[0] == "7":
        return
    try:
        parsed = phonenumbers.parse(digits, "KZ")
    except phonenumbers.NumberParseException:
        parsed = None
    if not digits.startswith("810"):
        assert international("7" + digits) == _parts(parsed), digits
    want = parsed is not None and phonenumbers.is_valid_number(parsed)
    assert _valid_by_parsing(digits, digits) is want, digits
