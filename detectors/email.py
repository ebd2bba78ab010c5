"""Email addresses, including ``+tag`` local parts and Kazakh/Russian (also Cyrillic) domains.

The shape follows RFC 5322's dot-atom as mail providers allow it in practice (letters,
digits, ``. _ % + -`` in the local part; LDH labels in the domain), extended with Cyrillic
and Kazakh letters for internationalised addresses (``пользователь@почта.рф``, RFC 6531).
The top-level domain must be a delegated one in IANA's root zone list, bundled in
``data/tlds-alpha-by-domain.txt`` so nothing is fetched at run time. That rejects file
names that look like addresses: ``logo@2x.png`` (``.png`` is no TLD), ``user@localhost``;
``.zip`` and ``.mov``, delegated but in practice file extensions, are rejected too.

Reference: RFC 5322 section 3.4.1, RFC 6531, https://data.iana.org/TLD/tlds-alpha-by-domain.txt.
"""

from __future__ import annotations

import re
from functools import cache
from typing import ClassVar

from derbes.detectors import values
from derbes.detectors.base import DerbesRecognizer, Pattern, bundled_text, string_memo

_CYR = "А-Яа-яЁёӘәҒғҚқҢңӨөҰұҮүҺһІі"
# The hyphen is escaped: at the end of ``_LOCAL`` followed by ``.`` it would make the range
# ``+-.``, which holds the comma, and ``to=a@x.kz,b@y.kz`` would read as one address.
_LOCAL = rf"0-9A-Za-z{_CYR}_%+\-"
_LABEL = f"0-9A-Za-z{_CYR}"
_EMAIL = (
    # Not the visible tail of a masked address (gu****s@mail.kz, gu•••s@mail.kz).
    rf"(?<![{_LOCAL}.*•…])[{_LOCAL}][{_LOCAL}.]{{0,63}}@"
    rf"(?:[{_LABEL}](?:[{_LABEL}-]{{0,61}}[{_LABEL}])?\.){{1,8}}"
    rf"(?:[A-Za-z{_CYR}]{{2,24}}|xn--[0-9A-Za-z-]{{1,59}})"
    rf"(?![{_LABEL}-]|\.[{_LABEL}])"
)
#: The characters of a local part (``[{_LOCAL}.]``), as a set: the pattern holds none past
#: U+04FF, so the set is read off the class's own regex on the code points below U+0500.
_LOCAL_OR_DOT_RX = re.compile(rf"[{_LOCAL}.]")
LOCAL_OR_DOT = frozenset(c for c in map(chr, range(0x500)) if _LOCAL_OR_DOT_RX.fullmatch(c))


def _local_part_start(text: str, at: int, pos: int) -> int:
    """Where an address whose ``@`` is at ``at`` can start, or -1.

    The ``email`` pattern's place to start for :attr:`EmailRecognizer.ANCHORED`. A match is
    a local part of one to 64 characters of :data:`LOCAL_OR_DOT`, then ``@``, and
    it starts after none of those characters (its lookbehind): where the run of such
    characters that ends at the ``@`` begins, if that run is at most 64 long.
    """
    start = at
    if _IN_PLACE:
        # Compiled: the characters read in place, each looked up in a table of the set's
        # code points (a string and a set lookup a character, as Python).
        kind = PyUnicode_KIND(text)  # noqa: F821
        data = PyUnicode_DATA(text)  # noqa: F821
        table = _LOCAL_TABLE
        while start > pos and at - start <= 64:
            c = PyUnicode_READ(kind, data, start - 1)  # noqa: F821
            if c >= len(table) or not table[c]:
                break
            start -= 1
        return start if 0 < at - start <= 64 else -1
    while start > pos and at - start <= 64 and text[start - 1] in LOCAL_OR_DOT:
        start -= 1
    return start if 0 < at - start <= 64 else -1


#: LOCAL_OR_DOT as a table: 1 at the code point of each of its characters (all below U+0500).
_LOCAL_TABLE = bytes(chr(c) in LOCAL_OR_DOT for c in range(0x500))
#: Whether Cython compiled this module (``email.pxd``): then :func:`_local_part_start` reads
#: the line's characters in place.
_IN_PLACE = not __file__.endswith(".py")


# Right before a URL's password: "scheme://user:".
_URL_PASSWORD = re.compile(r"://[^/\s@:]{1,64}:$")
# Delegated TLDs that are, in logs, nearly always file extensions (``backup@2024.zip``).
_FILE_EXTENSION_TLDS = frozenset({"zip", "mov"})
# A pixel-density suffix: logo@2x.png, icon@1.5x.webp.
_RETINA = re.compile(r"[0-9]{1,2}(?:\.[0-9])?x\.", re.IGNORECASE)
# A Message-ID's left part as mail software makes it: a long run of digits (a timestamp)
# with a dot, ``$`` or ``-`` and a serial (``1740827236521.97D6``, ``20260301.5F3A2B``).
_MESSAGE_ID_LOCAL = re.compile(
    r"[0-9]{8,}[.$-][0-9A-Za-z.$-]+|[0-9A-Fa-f.$-]*[0-9]{8,}[.$][0-9A-Fa-f.$]*"
)


def _eight_digits(text: str) -> bool:
    """Whether eight ASCII digits follow each other in ``text``: what either alternative of
    ``_MESSAGE_ID_LOCAL`` holds, so that without them it needs no run."""
    run = 0
    for c in text:
        if "0" <= c <= "9":
            run += 1
            if run == 8:
                return True
        else:
            run = 0
    return False


def _after_url_user(text: str, at: int) -> bool:
    """Whether ``text`` right before ``at`` is a URL's ``scheme://user:`` (``_URL_PASSWORD``
    in the 200 characters before). Its ``:$`` needs a colon right before ``at`` (or before a
    newline there, which ``$`` also matches before): most addresses have none, and no search
    runs."""
    if at < 1:
        return False
    before = text[at - 1]
    if before != ":" and not (before == "\n" and at >= 2 and text[at - 2] == ":"):
        return False
    return _URL_PASSWORD.search(text, max(0, at - 200), at) is not None


@cache
def iana_tlds() -> frozenset[str]:
    """The delegated top-level domains (ASCII, punycode for IDN), lower-cased."""
    lines = bundled_text("tlds-alpha-by-domain.txt").splitlines()  # ASCII, read as UTF-8
    return frozenset(line.strip().lower() for line in lines if line and not line.startswith("#"))


@string_memo(4096)  # a log's addresses share a few top-level domains
def _ascii_label(label: str) -> str | None:
    """A label as IDNA writes it (``label.encode("idna")``), lower-cased; None if it has none.

    IDNA's ToASCII returns an ASCII label as it stands when it is at most 63 characters long
    (RFC 3490, 4.1; Python's codec does the same, and gives "" for ""): only another label,
    or one with dots (the codec reads each part), needs the codec, whose first use imports
    ``encodings.idna`` and ``stringprep`` (1.3 ms of the first address)."""
    if label.isascii() and "." not in label:
        return label.lower() if len(label) < 64 else None
    try:
        return label.encode("idna").decode("ascii").lower()
    except UnicodeError:
        return None


def email_is_valid(value: str) -> bool:
    """Whether an address has a sane local part and a domain under a delegated TLD."""
    local, _, domain = value.rpartition("@")
    if not local or ".." in local or local.endswith(".") or len(local) > 64:
        return False
    # Each regex runs only where it can match: both forms of a Message-ID's left part hold
    # eight digits in a row.
    if _eight_digits(local) and _MESSAGE_ID_LOCAL.fullmatch(local):
        return False
    return _domain_ok(domain)


@string_memo(1 << 14)  # a log's addresses share a few domains
def _domain_ok(domain: str) -> bool:
    """The domain's part of :func:`email_is_valid`: no pixel-density suffix (which starts with
    a digit), at most 253 characters, under a delegated top-level domain that is no file
    extension."""
    if ("0" <= domain[:1] <= "9" and _RETINA.match(domain)) or len(domain) > 253:
        return False
    tld = _ascii_label(domain.rsplit(".", 1)[-1])
    return tld is not None and tld in iana_tlds() and tld not in _FILE_EXTENSION_TLDS


class EmailRecognizer(DerbesRecognizer):
    """Email addresses whose top-level domain is delegated in the IANA root zone."""

    ENTITY = "EMAIL_ADDRESS"
    COLUMN_NAMES = (
        "email", "mail", "e_mail", "email_address", "почта", "эл_почта", "пошта",
        "электрондық_пошта", "электронной_почты", "адрес_эп",  # 1C: АдресЭП, АдресЭлектроннойПочты
    )
    NOT_COLUMN_NAMES = ("mail_sent", "email_sent", "is_email", "email_verified")
    NORMALIZE = staticmethod(values.compact_lower)
    MASK = staticmethod(values.email_mask)
    PATTERNS = (Pattern("email", _EMAIL, 0.4),)
    ANCHORED: ClassVar[dict] = {"email": ("@", _local_part_start)}
    # Raw bytes: Cyrillic letters are 0x80-0xff in UTF-8 and in cp1251. A top-level domain
    # may mix scripts (Latin A, Cyrillic І), as the pattern allows.
    PREFILTERS = (
        rb"[0-9A-Za-z_%+.\x80-\xff-]@(?:[0-9A-Za-z\x80-\xff](?:[0-9A-Za-z\x80-\xff-]{0,122}"
        rb"[0-9A-Za-z\x80-\xff])?\.){1,8}[A-Za-z\x80-\xff]{2}",
    )
    CONTEXT = (
        "email", "e-mail", "mail", "почта", "пошта", "эл. почта", "электронн", "электрондық",
        "адрес", "мекенжай", "contact", "контакт", "login", "логин", "user", "recipient",
        "получател", "from", "to",
    )
    # Message-IDs (Postfix ``message-id=<...>``, headers) have an address's shape.
    NEGATIVE_CONTEXT = (
        "message-id", "message_id", "messageid", "msgid", "msg-id", "msg_id", "in-reply-to",
        "references", "content-id",
    )
    NEGATIVE_CONTEXT_KILLS = True
    CONTEXT_WINDOW = 24
    VALIDATION: ClassVar[dict[str, str]] = {
        "en": "Address shape (RFC 5322/6531, Cyrillic allowed) with a top-level domain "
              "delegated in IANA's root zone list (bundled, offline).",
        "ru": "Вид адреса (RFC 5322/6531, кириллица допускается) и домен верхнего уровня "
              "из списка корневой зоны IANA (встроенного, без сети).",
        "kk": "Мекенжай пішіні (RFC 5322/6531, кирилл әріптері рұқсат) және IANA түбір "
              "аймағы тізіміндегі жоғарғы деңгейлі домен (кіріктірілген, желісіз).",
    }

    def validate_result(self, pattern_text: str) -> bool | None:
        """Valid when the local part is sane and the TLD is delegated."""
        return email_is_valid(pattern_text)

    def candidates(
        self,
        text: str,
        patterns: frozenset[str] | None = None,
        once: frozenset[str] = frozenset(),
    ) -> list[tuple[int, int, float, str]]:
        """As the base class, but the password and host of a URL's user info
        (``https://deploy:s3cr3t@git.example.kz/``) are not an address."""
        found = super().candidates(text, patterns, once)
        if not found:
            return found
        plain = text if type(text) is str else str(text)  # a decoded line: the str it is
        return [c for c in found if not _after_url_user(plain, c[0])]
