"""EMAIL_ADDRESS: shape, delegated TLDs (offline list), file names that look like emails."""

from __future__ import annotations

import re

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st
from recognizer_cases import assert_finds

from derbes.detectors.email import EmailRecognizer, email_is_valid, iana_tlds

# Validity: RFC 5322 shape and IANA's root zone list (data/tlds-alpha-by-domain.txt).
VECTORS = [
    ("user@mail.kz", True),
    ("aigul.nurlanova+promo@gmail.com", True),
    ("иван@почта.рф", True),  # IDN TLD .рф = xn--p1ai
    ("info@сайт.қаз", True),  # IDN TLD .қаз = xn--80ao21a
    ("support@kaspi.kz", True),
    ("logo@2x.png", False),  # .png is a file extension, not a TLD
    ("image@3x.jpg", False),
    ("a..b@mail.kz", False),
    ("user@mail.notatld", False),
    ("backup@2024.zip", False),  # delegated, but a file name in practice
]


@pytest.mark.parametrize(("value", "is_valid"), VECTORS)
def test_vectors(value: str, is_valid: bool) -> None:
    assert email_is_valid(value) is is_valid


def test_tld_list_is_bundled() -> None:
    tlds = iana_tlds()
    assert {"kz", "ru", "com", "xn--p1ai", "xn--80ao21a"} <= tlds
    assert "png" not in tlds and "jpg" not in tlds


CASES = [
    ("Электронная почта: user+tag@mail.kz.", ["user+tag@mail.kz"]),
    ("Пошта: Aigul.Nurlanova@Yandex.KZ, көшірме ivanov66@inbox.ru",
     ["Aigul.Nurlanova@Yandex.KZ", "ivanov66@inbox.ru"]),
    ('{"email":"a.sergeev@halykbank.kz"}', ["a.sergeev@halykbank.kz"]),
    ("Письмо для иван@почта.рф доставлено", ["иван@почта.рф"]),
    ("mailto:support@kazakhtelecom.kz?subject=x", ["support@kazakhtelecom.kz"]),
    # The local part's class once held the range "+-." and so the comma: two addresses
    # separated by a comma came out as one (issue #12).
    ("to=a@x.kz,b@y.kz", ["a@x.kz", "b@y.kz"]),
    ("Кому: aigerim.n@mail.kz,d.ivanov@halykbank.kz; көшірме: s@bk.ru",
     ["aigerim.n@mail.kz", "d.ivanov@halykbank.kz", "s@bk.ru"]),
    # hard negatives
    ('<img src="/static/logo@2x.png"> <img src="image@3x.jpg">', []),
    ("ssh user@localhost -p 22", []),
    ("npm i @types/node@18.11.9 left-pad@1.3.0", []),
    ("2026-11-21 09:47:28 request_id=6d92078a-8246-4ba4-ae5b-76104861e7dc", []),
    # Message-IDs have an address's shape (Postfix, mail headers).
    ("postfix/cleanup[2231]: 4Q1x2Y: message-id=<1740827236521.97D6@mx.example.kz>", []),
    ("Message-ID: <20260301094728.5F3A2B@mail.kaspi.kz>", []),
    ("In-Reply-To: <CAF=x7Qm-1@mail.gmail.com>", []),
    # Already masked: neither the value nor its visible tail.
    ("клиент gu****s@mail.kz подтвердил", []),
    ("email: a•••n@gmail.com", []),
    ("from=<noreply@kaspi.kz> to=<gu****s@mail.kz>", ["noreply@kaspi.kz"]),
    # A URL's password and host are not an address; its user name may be one.
    ("git fetch https://deploy:8bd2d56c4105@git.example.kz/notify.git", []),
]


@pytest.mark.parametrize(("text", "expected"), CASES)
def test_spans(text: str, expected: list[str]) -> None:
    assert_finds(EmailRecognizer, text, expected)


@settings(max_examples=4000, deadline=None)
@given(
    st.lists(
        st.sampled_from(["a", "Z", "0", "_", "%", "+", "-", ".", "..", "@", "@@", "mail.kz",
                         "gmail.com", "почта.рф", "қ", "Ё", "ß", "ǅ", "*", "•", "…", " ", "/",
                         ",", ":", "\n", "x" * 30, "x" * 64, "a.b", "xn--p1ai", "2x.png",
                         "user@mail.kz", "Арман@пошта.қаз"]),
        max_size=12,
    ).map("".join),
    st.booleans(),
)
# Local parts of the longest length, one longer, one shorter; after a masked tail.
@example("x" * 64 + "@mail.kz", False)
@example(" " + "x" * 65 + "@mail.kz a@b.kz", False)
@example("y" * 63 + "@mail.kz", True)
@example("gu**" + "x" * 60 + "@mail.kz", False)
def test_email_matches_are_finditer(text, once):
    """The email pattern tried only where a run of local-part characters before an ``@``
    begins finds what ``finditer`` finds (or, with ``once``, the first of it)."""
    (ours,) = [p.regex for p in EmailRecognizer.PATTERNS if p.name == "email"]
    rx = re.compile(ours)
    expected = [m.span() for m in rx.finditer(text)]
    assert [m.span() for m in EmailRecognizer().matches("email", rx, text, once)] == (
        expected[:1] if once else expected)


def test_local_part_characters_are_the_pattern_class():
    """The set the start search walks over is the class of the pattern, on every code point
    (the set is read off below U+0500; nothing above it may be in the class)."""
    import sys

    from derbes.detectors.email import _LOCAL, LOCAL_OR_DOT

    rx = re.compile(rf"[{_LOCAL}.]")
    found = {chr(c) for c in range(sys.maxunicode + 1)
             if not 0xD800 <= c <= 0xDFFF and rx.fullmatch(chr(c))}
    assert found == LOCAL_OR_DOT


@settings(max_examples=500, deadline=None)
@given(st.text(alphabet="0123456789abcxyz.$-_+:/@\n ", max_size=40), st.integers(0, 45))
@example("https://deploy:s3cr3t@git.example.kz/", 15)
@example("x://a:\nuser@mail.kz", 7)
@example("1740827236521.97D6", 0)
def test_the_checks_run_their_regexes_only_where_they_can_match(text, at):
    """The shortcuts before the Message-ID and URL-password regexes decide as the regexes
    do: eight digits in a row are in every Message-ID left part, and the password's ``:$``
    needs a colon right before the address (or before a newline there)."""
    from derbes.detectors import email

    if email._MESSAGE_ID_LOCAL.fullmatch(text):
        assert email._eight_digits(text)
    assert email._eight_digits(text) == (re.search("[0-9]{8}", text) is not None)
    at = min(at, len(text))
    want = email._URL_PASSWORD.search(text, max(0, at - 200), at) is not None
    assert email._after_url_user(text, at) == want


@settings(max_examples=2000, deadline=None)
@given(st.lists(st.sampled_from(
    ["a", "ivan", "12345678", ".", "..", "@", "mail", "kz", "com", "png", "2x", "3x", "рф",
     "xn--p1ai", "-", "_", "KZ", "x" * 64, "y" * 250]), max_size=8).map("".join))
@example("a@" + "y" * 249 + ".com")  # a domain of 253 characters, the most
@example("a@" + "y" * 250 + ".com")  # and of 254
@example("a@2x.png")
def test_email_check_is_its_local_and_domain_rules(value):
    """email_is_valid with its domain's part remembered (``_domain_ok``) decides as the rules
    written out: a sane local part, no Message-ID left part, no pixel-density suffix, at most
    253 characters of domain, under a delegated top-level domain that is no file extension."""
    from derbes.detectors import email

    local, _, domain = value.rpartition("@")
    tld = email._ascii_label.__wrapped__(domain.rsplit(".", 1)[-1])
    expected = not (
        not local or ".." in local or local.endswith(".") or len(local) > 64
        or ("0" <= domain[:1] <= "9" and email._RETINA.match(domain)) or len(domain) > 253
        or email._MESSAGE_ID_LOCAL.fullmatch(local)
    ) and tld is not None and tld in email.iana_tlds() and (
        tld not in email._FILE_EXTENSION_TLDS)
    assert email.email_is_valid(value) is expected, value


@settings(max_examples=1000, deadline=None)
@given(st.text(alphabet=st.characters(max_codepoint=0x4ff), max_size=70))
@example("x" * 63)
@example("x" * 64)
@example("")
@example("KZ")
@example("\x00")
def test_a_label_is_written_as_the_idna_codec_writes_it(label):
    """``_ascii_label`` (which leaves ASCII labels to no codec) is the IDNA codec's
    ``encode``, lower-cased, and None where the codec refuses the label."""
    from derbes.detectors import email

    try:
        expected = label.encode("idna").decode("ascii").lower()
    except UnicodeError:
        expected = None
    assert email._ascii_label.__wrapped__(label) == expected
