"""PREFILTERS: Hyperscan compiles them, they cover every pattern match, and they are tight."""

from __future__ import annotations

import contextlib
import re
from functools import cache

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from derbes.detectors.corpora.labelled import labelled_lines
from derbes.detectors.registry import RECOGNIZER_CLASSES

hyperscan = pytest.importorskip("hyperscan")

# Texts beyond the corpus: every written form the recognizer tests use, in odd company.
EXTRA = [
    "8701123 45 67", "8 7011234567", "+7(701)1234567", "7 701 123 45 67", "+7-701-123-45-67",
    "8 (72138) 5-12-34", "(7172) 55-12-34", "+1 (202) 555-0123", "+4930901820",
    "иван@почта.рф", "a.@mail.kz", "::ffff:192.0.2.128", "2001:db8:85a3::8a2e:370:7334",
    "fe80:0:0:0:3c5a:b4ff:fe1f:229e", "3c5a.b41f.229e", "35 417803 685978 9",
    "3782 822463 10005", "4111-1111-1111-1111", "GB82 WEST 1234 5698 7654 32",
    "KZ86 125K ZT50 0410 0100", "A0000000002329",
    '{"fio":"Нурланова Айгерим","dob":"1987-10-08"}', '{"user": {"fullName": "Ivan Petrov"}}',
    '{"birth_date" : "08.10.1987", "address": "г. Алматы, ул. Абая, 10"}',
    '{"passport":"N12345678","id_card": "045112233"}', '{"ФИО": "Иванов Иван"}',
    # Names written in Windows-1251, each Kazakh letter it lacks a "?".
    "Байжанова Айг?л Данияр?ызы", "?бенов Серік Н?рс?лтан?лы", "??нанбаев Ерлан",
    "Подписал: ?. К. Сапарбаев", "Ахметова ?.К.", "Ахметова Д.?.", "А?жол Н?рланов",
    # Forms added for issue #12.
    "8 (727) 2 50-50-50", "+7 727 2 50 50 50", "8 701 12 34 567", "+998 901234567",
    "+44 2079460958", "350077-52-323751-3", "2026-03-01;Нурланова;87011234567;Алматы",
    '"Иванов","77051234567","ok"', "87011234567\tАлматы", "aigul/95.56.12.34:51234 MULTI",
    "4012888888881881 4012-8888-8888-1881", "BE71 0961 2345 6769 EUR",
    # IBANs of countries beside KZ in the alphabet, which the other countries' prefilter must
    # keep while it leaves out KZ (Kuwait, Azerbaijan; examples of the SWIFT IBAN registry).
    "KW81CBKU0000000000001234560101", "AZ21NABZ00000000137010001944",
    # A surname with initials, after and before (Russian letters only: cp1251 holds them).
    "подписал Ахметова Д. К., главный бухгалтер", "исполнитель: Д. К. Ахметова",
    # XML: a SOAP message's elements, a 1C exchange file's attributes (keyed values).
    "<data><lastName>Серикова</lastName><ns2:birthDate>1986-09-04</ns2:birthDate></data>",
    '<Сотрудник Код="0001" ФИО="Иванов Иван" ДатаРождения="1990-08-15" Адрес="Алматы, 5">',
    '<passport xsi:type="xs:string"> N12345678 </passport><address>ул. Абая, 10</address>',
]


@pytest.mark.parametrize("cls", RECOGNIZER_CLASSES, ids=lambda c: c.ENTITY)
def test_prefilters_compile_in_hyperscan(cls) -> None:
    expressions = list(cls.PREFILTERS)
    n = len(expressions)
    assert n, cls.__name__
    db = hyperscan.Database()
    db.compile(
        expressions=expressions,
        ids=list(range(n)),
        elements=n,
        flags=[hyperscan.HS_FLAG_MULTILINE | hyperscan.HS_FLAG_SOM_LEFTMOST] * n,
    )


@cache
def _texts() -> list[str]:
    return [line for line, _ in labelled_lines(3000, seed=5)] + EXTRA


def _patterns(recognizer) -> list[tuple[str, re.Pattern]]:
    """Each pattern of ``recognizer`` compiled as it compiles them (its ``FLAGS``)."""
    return [(p.name, re.compile(p.regex, recognizer.FLAGS)) for p in recognizer.patterns]


@pytest.mark.parametrize("cls", RECOGNIZER_CLASSES, ids=lambda c: c.ENTITY)
@pytest.mark.parametrize("encoding", ["utf-8", "cp1251"])
def test_prefilters_cover_every_pattern_match(cls, encoding: str) -> None:
    """Wherever a pattern matches, a prefilter matches the match and one character around it.
    In UTF-8, which the scan engine reads, without the legacy (cp1251) ones: it leaves them
    out."""
    prefilters = [re.compile(p, re.MULTILINE) for k, p in enumerate(cls.PREFILTERS)
                  if encoding != "utf-8" or k not in cls.LEGACY_PREFILTERS]
    recognizer = cls()
    checked = 0
    for text in _texts():
        for _, rx in _patterns(recognizer):
            for m in rx.finditer(text):
                # What the fast path needs: a prefilter match on the line, ending by the
                # match's end (a keyed value's prefilter matches its key, before it).
                window = text[: m.end() + 1]
                try:
                    raw = window.encode(encoding)
                except UnicodeEncodeError:
                    continue  # Kazakh letters do not exist in cp1251
                assert any(p.search(raw) for p in prefilters), (m.group(), window)
                checked += 1
    assert checked > 0


@settings(max_examples=3000, deadline=None)
@given(
    st.sampled_from("78"),
    st.lists(st.sampled_from(["", "", "", " ", "-"]), min_size=11, max_size=11),
    st.sampled_from([0, 0, 3, 4, 5]),
    st.text(alphabet="0123456789", min_size=10, max_size=11),
    st.sampled_from(["", " ", ",", "x", "7", "-1", ")"]),
)
def test_trunk_prefilter_covers_the_trunk_pattern(prefix, separators, paren, digits, tail):
    """The trunk prefilter asks for a separator or a parenthesis where the pattern's
    lookahead does: every match of the pattern on numbers grouped every way is covered."""
    phone = next(c for c in RECOGNIZER_CLASSES if c.ENTITY == "PHONE_NUMBER")
    recognizer = phone()
    (trunk,) = [rx for name, rx in _patterns(recognizer) if name == "trunk"]
    (k,) = phone.PATTERN_PREFILTERS["trunk"]
    prefilter = re.compile(phone.PREFILTERS[k], re.MULTILINE)
    body = "".join(s + d for s, d in zip(separators, digits, strict=False))
    if paren:
        body = "(" + digits[:paren] + ")" + separators[0] + digits[paren:]
    text = "tel " + prefix + separators[-1] + body + tail
    for m in trunk.finditer(text):
        assert prefilter.search(text[: m.end() + 1].encode()), (m.group(), text)


def test_trunk_prefilter_skips_unbroken_digits() -> None:
    """Eleven digits without a separator are no trunk candidate (an order number)."""
    phone = next(c for c in RECOGNIZER_CLASSES if c.ENTITY == "PHONE_NUMBER")
    (k,) = phone.PATTERN_PREFILTERS["trunk"]
    prefilter = re.compile(phone.PREFILTERS[k], re.MULTILINE)
    for line in (b'"order_id": 82461628446,', b'"phone":77006934754}', b"87011234567"):
        assert prefilter.search(line) is None, line
    for line in (b"8 701 123 4567", b"8(7172)551234", b"8701-1234567", b"870112345-67"):
        assert prefilter.search(line), line


def test_other_countries_iban_prefilter_leaves_kazakh_ibans_out() -> None:
    """A line whose only IBAN is Kazakh does not run the other countries' pattern."""
    iban = next(c for c in RECOGNIZER_CLASSES if c.ENTITY == "IBAN_CODE")
    other = re.compile(iban.PREFILTERS[iban.PATTERN_PREFILTERS["other"][0]], re.MULTILINE)
    for line in (b'{"iban":"KZ42722KZT6342695500"}', b"IBAN KZ86125KZT5004100100 ok"):
        assert other.search(line) is None
    assert other.search(b"iban KW81CBKU0000000000001234560101")


@pytest.mark.parametrize(
    "line",
    [
        b"2026-11-21 09:47:28,123 INFO took 1732180012345 ms",
        b'{"ts": 1732180012345, "at": "2026-11-21T09:47:28.123Z"}',
        b"price 878 422 KZT, qty 7 701",
        b"2026-11-21 09:47:28 1732180012",
    ],
)
def test_phone_prefilter_skips_timestamps_and_epochs(line: bytes) -> None:
    phone = next(c for c in RECOGNIZER_CLASSES if c.ENTITY == "PHONE_NUMBER")
    assert not any(re.search(p, line, re.MULTILINE) for p in phone.PREFILTERS)


def test_prefilters_are_tight_on_noise() -> None:
    """Lines without personal data rarely reach the patterns (the fast path's promise)."""
    noise = [line for line, spans in labelled_lines(3000, seed=6) if not spans]
    strong = ("PHONE_NUMBER", "EMAIL_ADDRESS", "IMEI", "IBAN_CODE")
    for cls in RECOGNIZER_CLASSES:
        if cls.ENTITY not in strong:
            continue
        prefilters = [re.compile(p, re.MULTILINE) for p in cls.PREFILTERS]
        hit = sum(any(p.search(line.encode()) for p in prefilters) for line in noise)
        assert hit / len(noise) < 0.02, (cls.ENTITY, hit, len(noise))


@pytest.mark.parametrize(
    "cls", [c for c in RECOGNIZER_CLASSES if c.PATTERN_PREFILTERS], ids=lambda c: c.ENTITY
)
@pytest.mark.parametrize("encoding", ["utf-8", "cp1251"])
def test_pattern_prefilters_cover_their_pattern(cls, encoding: str) -> None:
    """The fast path runs a pattern only where one of its own prefilters matched: each must
    cover every match of its pattern, like the whole set covers the recognizer's."""
    recognizer = cls()
    assert set(cls.PATTERN_PREFILTERS) == {p.name for p in cls.PATTERNS}
    checked = 0
    for name, rx in _patterns(recognizer):
        own = [re.compile(cls.PREFILTERS[k], re.MULTILINE) for k in cls.PATTERN_PREFILTERS[name]
               if encoding != "utf-8" or k not in cls.LEGACY_PREFILTERS]
        for text in _texts():
            for m in rx.finditer(text):
                # What the fast path needs: a prefilter match on the line, ending by the
                # match's end (a keyed value's prefilter matches its key, before it).
                window = text[: m.end() + 1]
                try:
                    raw = window.encode(encoding)
                except UnicodeEncodeError:
                    continue
                assert any(p.search(raw) for p in own), (name, m.group(), window)
                checked += 1
    assert checked > 0


@pytest.mark.parametrize(
    "cls", [c for c in RECOGNIZER_CLASSES if c.LEGACY_PREFILTERS], ids=lambda c: c.ENTITY)
def test_each_legacy_prefilter_is_one_for_cp1251_bytes(cls) -> None:
    # The fast path leaves the legacy prefilters out (UTF-8 is covered without them: the
    # tests above, in UTF-8); each is one for cp1251 text, matching the cp1251 bytes of
    # pattern matches.
    recognizer = cls()
    patterns = _patterns(recognizer)
    for k in cls.LEGACY_PREFILTERS:
        prefilter = re.compile(cls.PREFILTERS[k], re.MULTILINE)
        in_cp1251 = 0
        for text in _texts():
            for _, rx in patterns:
                for m in rx.finditer(text):
                    window = text[: m.end() + 1]
                    with contextlib.suppress(UnicodeEncodeError):
                        in_cp1251 += prefilter.search(window.encode("cp1251")) is not None
        assert in_cp1251 > 0, k
