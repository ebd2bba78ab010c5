"""Phone numbers: Kazakh mobile and landline numbers in their written forms, and international.

Kazakhstan shares country code +7 with Russia; national numbers have ten digits, mobile
ones start with 70x/747/77x, landlines with a three- to five-digit area code (727 Almaty,
7172 Astana). Inside the country they are dialled with the trunk prefix 8. Written forms
seen in forms, CRMs and logs: ``+7 701 123 45 67``, ``+7 (701) 123-45-67``,
``8 701 123 4567``, ``87011234567``, ``+77011234567``, ``8 (7172) 55-12-34``. Other
countries are recognised in E.164-like form with a leading ``+``.

Validity is decided by Google's libphonenumber metadata (``phonenumbers.is_valid_number``):
the number must belong to an allocated range of its country. A bare run of 10-11 digits has
no phone shape, so it counts only next to a context word (``тел``, ``msisdn``...), or, for an
11-digit Kazakh mobile number, by its place: a field of a delimited record or the whole value of
a JSON field, unless the nearest word there says it is something else (``заказ``, ``order_id``).

Reference: ITU-T E.164; the national numbering plan of the Republic of Kazakhstan
(приказ МЦРИАП РК); https://github.com/google/libphonenumber.
"""

from __future__ import annotations

import re
from typing import ClassVar

import phonenumbers

from derbes.detectors import values
from derbes.detectors.base import DIGITS, DerbesRecognizer, Pattern, string_memo

_L = r"(?<![0-9A-Za-z+])"
# A phone may be followed by a space and more text, but not glued to more digits.
_R = r"(?![0-9A-Za-z]|-[0-9])"
_S = r"[ -]?"
# Not the tail of a longer grouped number (the Amex "3782 822463 10005").
_NOT_IN_GROUPS = r"(?<![0-9][ -])"
# Not the fraction of a number: the microseconds and duration of an event of 1C's
# technological journal, «48:51.896692-20804,DBMSSQL,...», read as 8 966 922 0804.
_NOT_A_FRACTION = r"(?<![0-9]\.)"
# Area code of 3, 4 or 5 digits, optionally in parentheses, and the rest of the ten digits
# grouped any way people group them: 123 45 67, 123-4567, 12 34 567, and Almaty's
# 2 50-50-50 after (727).
_NATIONAL = (
    rf"(?:(?:\([0-9]{{3}}\)|[0-9]{{3}}){_S}[0-9](?:{_S}[0-9]){{6}}"
    rf"|(?:\([0-9]{{4}}\)|[0-9]{{4}}){_S}[0-9](?:{_S}[0-9]){{5}}"
    rf"|(?:\([0-9]{{5}}\)|[0-9]{{5}}){_S}[0-9](?:{_S}[0-9]){{4}})"
)
# The trunk pattern's number as its prefilter reads it: the pattern's lookahead wants a
# separator or a parenthesis within nine digits after the 8 (every place a separator can
# stand), so an unbroken run of eleven digits (an order number, "phone":77011234567) is no
# candidate. A separator right after the 8; an area code in parentheses; or a first separator
# after the k-th digit (3 <= k <= 9) of the ten, more of them optional after it.
_TRUNK_NATIONAL = "|".join(
    [rf"[ -](?:{_NATIONAL})",
     *(rf"\([0-9]{{{n}}}\)[ -]?[0-9](?:[ -]?[0-9]){{{9 - n}}}" for n in (3, 4, 5)),
     *(rf"[0-9]{{{k}}}[ -][0-9](?:[ -]?[0-9]){{{9 - k}}}" for k in range(3, 9)),
     r"[0-9]{9}[ -][0-9]"]  # Hyperscan refuses a repeat of none
)
# Groups of an international number; a date or a clock time after it is not one of them.
# A subscriber number may stand in one group of up to ten digits (+998 901234567).
_INTL_GROUPS = (
    r"(?:(?![ -][0-9]{4}-[0-9]{2}-[0-9]{2}|[ -][0-9]{1,2}:[0-9]{2})"
    r"[ -](?:\([0-9]{1,5}\)|[0-9]{1,10})){1,6}"
)
# Separators of fields in a delimited record (CSV, ``;``, ``|``, tab), for bare numbers.
# At the start of a line a field separator must follow (a lone value is no record).
_FIELD_L = (
    r'(?:(?<=[;,|\t])|(?<=[;,|\t]")|(?<=^")(?=[+0-9]{11,12}"[;,|\t])'
    r"|^(?=[+0-9]{11,12}[;,|\t]))"
)
_FIELD_R = r"(?=\"?(?:[;,|\t\r]|$))"

# The whole value of a JSON field: after '":' (a space and a quote allowed), up to the closing
# quote, or to the comma, brace or bracket after a number. The left side is read after the
# value's first digit (a 7 or an 8), so that the pattern can begin with that digit: ``re``
# tries it only there, not at every character of a JSON line (the tests hold it to the plain
# form, lookbehinds before the digit).
_JSON_L_AFTER = r'(?:(?<=":"[78])|(?<=": "[78])|(?<=":[78])|(?<=": [78]))'
_JSON_R = r'(?="|[ \t]*(?:[,}\]]|$))'

_PF_L = rb"(?:^|[^0-9A-Za-z+])"
_PF_R = rb"(?:[^0-9A-Za-z]|$)"



class PhoneRecognizer(DerbesRecognizer):
    """Phone numbers (Kazakh and international), checked against libphonenumber's metadata."""

    ENTITY = "PHONE_NUMBER"
    COLUMN_NAMES = (
        "phone", "phones", "phone_number", "tel", "telephone", "mobile", "msisdn", "cellphone",
        "телефон", "тел", "моб", "мобильный", "ұялы", "телефон_нөмірі",
    )
    NOT_COLUMN_NAMES = ("shipping_tel_ext", "phone_verified", "has_phone")
    NORMALIZE = staticmethod(values.phone_digits)
    PATTERNS = (
        # +7 701 123 45 67, +7 (7172) 55-12-34, +77011234567
        # Each pattern is written with its first character first and the lookbehinds after
        # it: ``re`` then looks for that character instead of trying the pattern at every
        # character of the line. A test holds each to the plainly written pattern.
        Pattern("plus7", rf"\+(?<![0-9A-Za-z+]\+)7{_S}{_NATIONAL}{_R}", 0.4),
        # 8 701 123 4567, 8 (7172) 55-12-34: the 8 or 7 prefix counts only with separators,
        # which the lookahead demands somewhere in the next ten characters.
        Pattern(
            "trunk",
            rf"[78](?<![0-9A-Za-z+][78])(?<![0-9][ -][78])(?<![0-9]\.[78])"
            rf"(?=[0-9]{{0,9}}[ ()-]){_S}{_NATIONAL}{_R}",
            0.3,
        ),
        # +44 20 7946 0958, +49 30 901820, +4930901820 (not +7: that is the patterns above)
        Pattern(
            "intl",
            rf"\+(?<![0-9A-Za-z+]\+)[1-689](?:[0-9]{{0,2}}{_INTL_GROUPS}|[0-9]{{6,14}}){_R}",
            0.3,
        ),
        # 87011234567 as a field of a delimited record (``;87011234567;``): a Kazakh mobile
        # number, which libphonenumber must confirm as mobile (see ``candidates``).
        Pattern("field", rf"{_FIELD_L}(?:\+?7|8)7[0-9]{{9}}{_FIELD_R}", 0.3),
        # 87011234567 as the whole value of a JSON field ({"x": "87011234567"}, a number
        # too): a Kazakh mobile number, which libphonenumber must confirm as mobile.
        Pattern("json", rf"[78]{_JSON_L_AFTER}7[0-9]{{9}}{_JSON_R}", 0.3),
        # 87011234567, 77011234567, 7011234567: bare digits, phones only next to context.
        Pattern(
            "bare",
            r"[78](?<![0-9A-Za-z+][78])(?<![0-9]\.[78])"
            r"(?:7[0-9]{9}|(?<=7)[0-9]{9}|9[0-9]{9})(?![0-9A-Za-z])",
            0.05,
        ),
        # (701) 123-45-67, 701 123 45 67, (7172) 55-12-34: no trunk prefix, context needed.
        Pattern(
            "local",
            rf"(?:\((?<![0-9A-Za-z+(]\()(?<![0-9][ -]\()(?<![0-9]\.\()7[0-9]{{2}}\)"
            rf"|7(?<![0-9A-Za-z+(]7)(?<![0-9][ -]7)(?<![0-9]\.7)[0-9]{{2}})"
            rf"{_S}[0-9]{{3}}{_S}[0-9]{{2}}{_S}[0-9]{{2}}{_R}"
            rf"|\((?<![0-9A-Za-z+(]\()(?<![0-9][ -]\()(?<![0-9]\.\()7[0-9]{{3}}\)"
            rf"{_S}[0-9]{{2}}{_S}[0-9]{{2}}{_S}[0-9]{{2}}{_R}",
            0.05,
        ),
    )
    PREFILTERS = (
        _PF_L + rb"\+7[ -]?" + _NATIONAL.encode() + _PF_R,
        _PF_L + rb"[78](?:" + _TRUNK_NATIONAL.encode() + rb")" + _PF_R,
        _PF_L + rb"\+[1-689](?:[0-9]{0,2}[ -](?:\([0-9]{1,5}\)|[0-9]{1,10})|[0-9]{6,14})",
        _PF_L + rb"(?:[78]?7[0-9]{9}|[78]9[0-9]{9})" + _PF_R,
        rb"(?:^|[^0-9A-Za-z+(])(?:\(7[0-9]{2}\)|7[0-9]{2})[ -]?[0-9]{3}[ -]?[0-9]{2}[ -]?[0-9]{2}"
        + _PF_R,
        rb"(?:^|[^0-9A-Za-z+(])\(7[0-9]{3}\)[ -]?[0-9]{2}[ -]?[0-9]{2}[ -]?[0-9]{2}" + _PF_R,
        rb'(?:[;,|\t]"?(?:\+?7|8)7[0-9]{9}"?(?:[;,|\t\r]|$)|^"?(?:\+?7|8)7[0-9]{9}"?[;,|\t])',
        rb'": ?"?[78]7[0-9]{9}(?:"|[ \t]*(?:[,}\]]|$))',
    )
    PATTERN_PREFILTERS: ClassVar[dict[str, tuple[int, ...]]] = {
        "plus7": (0,), "trunk": (1,), "intl": (2,), "bare": (3,), "local": (4, 5),
        "field": (6,), "json": (7,),
    }
    # A bare number is 10 or 11 digits (8 or 7, then 7 or 9 and nine more; 7 and nine more),
    # the number of a JSON field 11: never next to another digit. A trunk number starts a run
    # of one to ten digits (its 8 or 7, then at most nine before a separator); a local one a
    # run of digits and "(" at least three long ("(701", "(7172", "701"; "7011234567(" and
    # more): each starts after none of those characters.
    # Each of those starts with its trunk prefix or its 7 (a local number's: after "("):
    # runs of other first digits (a time's, an id's) are not tried.
    RUNS: ClassVar[dict[str, tuple]] = {
        "bare": (DIGITS, 10, 11, "78"), "json": (DIGITS, 11, 11, "78"),
        "trunk": (DIGITS, 1, 10, "78"), "local": (DIGITS + "(", 3, 0, "7(")}
    CONTEXT_REQUIRED = frozenset({"bare", "local"})
    # A bare number in a record or a JSON field is a phone by its place, unless the nearest
    # word (the header's column, the key, the cell before) says it is an order, an account...
    NEGATIVE_KILLS_PATTERNS = frozenset({"field", "json"})
    CONTEXT = (
        "тел", "телефон", "моб", "сот", "ұялы", "phone", "tel", "msisdn", "mobile", "cell",
        "номер", "нөмір", "contact", "контакт", "байланыс", "whatsapp", "ватсап", "sms", "смс",
        "call", "звон", "қоңырау", "абонент", "recipient", "получател",
        # WhatsApp click-to-chat links carry the number without its plus: wa.me/77011234567.
        "wa.me",
    )
    NEGATIVE_CONTEXT = (
        "заказ", "order", "тапсырыс", "invoice", "счет", "счёт", "шот", "чек", "receipt",
        "транзакц", "transaction", "txn", "платеж", "платёж", "payment", "төлем", "iin", "иин",
        "жсн", "bin", "бин", "бсн", "account", "договор", "contract", "келісім", "ticket",
        "trace", "request", "ts", "timestamp", "epoch", "time", "время", "уақыт",
        # A counter's name: bytes of memory and of traffic, a size, a duration, an amount.
        # 1C's technological journal writes them as pairs on the line of a CALL event, whose
        # name is a phone's context word: MemoryPeak=7002255393 was a phone.
        "memory", "память", "жад", "byte", "байт", "size", "размер", "өлшем", "length",
        "длина", "duration", "длительн", "ұзақтығы", "elapsed", "offset", "amount", "сумма",
        "сома",
    )
    VALIDATION: ClassVar[dict[str, str]] = {
        "en": "Phone-shaped number (+7/8 prefix with separators, or +country code) that "
              "libphonenumber confirms as an allocated number; bare digits only with context.",
        "ru": "Номер в телефонном виде (+7/8 с разделителями или +код страны), который "
              "libphonenumber признаёт выделенным номером; голые цифры — только с контекстом.",
        "kk": "Телефон пішініндегі нөмір (+7/8 бөлгіштермен немесе +ел коды), оны "
              "libphonenumber бөлінген нөмір деп таниды; жай цифрлар — тек контекстпен.",
    }

    def validate_result(self, pattern_text: str) -> bool | None:
        """Valid when libphonenumber knows the number as allocated in its country."""
        return phone_is_valid(pattern_text)

    def candidates(
        self,
        text: str,
        patterns: frozenset[str] | None = None,
        once: frozenset[str] = frozenset(),
    ) -> list[tuple[int, int, float, str]]:
        """As the base class, but an international number that swallowed the next number
        (``+49 30 901820 2026``) is cut back group by group to the valid phone."""
        out = []
        for pattern_name, rx, _score in self._compiled:
            if patterns is not None and pattern_name not in patterns:
                continue
            for m in self.matches(pattern_name, rx, text, pattern_name in once):
                start, end = m.span()
                if pattern_name == "field" or pattern_name == "json":
                    if kz_mobile(text[start:end]):
                        out.append((start, end, self.VALIDATED_SCORE, pattern_name))
                elif phone_is_valid(text[start:end]):
                    out.append((start, end, self.VALIDATED_SCORE, pattern_name))
                elif pattern_name == "intl":
                    end = _shorten_to_valid(text, start, end)
                    if end:
                        out.append((start, end, self.VALIDATED_SCORE, pattern_name))
        return out


_SEP_GROUP = re.compile(r"[ -]\(?[0-9]{1,10}\)?$")
#: The ASCII digits of a value (the digits a phone check reads), copied in C when values.py is
#: compiled.
ascii_digits = values.ascii_digits


def _shorten_to_valid(text: str, start: int, end: int) -> int | None:
    value = text[start:end]
    for _ in range(5):
        cut = _SEP_GROUP.search(value)
        if cut is None:
            return None
        value = value[: cut.start()]
        if phone_is_valid(value):
            return start + len(value)
    return None


@string_memo(1 << 16)  # numbers repeat in logs and columns
def phone_is_valid(value: str) -> bool:
    """Whether a written phone number is an allocated number (Kazakh numbers without ``+``)."""
    digits = ascii_digits(value)
    if (
        len(digits) == 11 and digits[1] == "7"
        and (digits[0] == "7" or (digits[0] == "8" and not value.startswith("+")))
    ):
        # +7 7xx, 7 7xx, 8 7xx: a Kazakh national number after the country code or trunk
        # prefix. libphonenumber's parse() would find just that; skipping it is 3x faster.
        return kz_number_type(digits[1:]) != _UNKNOWN
    if len(digits) == 10 and digits[0] == "7" and not value.startswith("+"):
        # 701 123 45 67: a Kazakh national number written without the trunk 8, which
        # parse() with region KZ reads as it stands (and keeps the leading 7: the number
        # is whole as written); parse() took about 30 us a number here.
        return kz_number_type(digits) != _UNKNOWN
    return _valid_by_parsing(value, digits)


def kz_mobile(value: str) -> bool:
    """Whether 11 digits (``8`` or ``7`` first, a ``+`` allowed) are a Kazakh mobile number."""
    digits = ascii_digits(value)
    if len(digits) != 11 or digits[1] != "7":
        return False
    return kz_number_type(digits[1:]) == phonenumbers.PhoneNumberType.MOBILE


_UNKNOWN = phonenumbers.PhoneNumberType.UNKNOWN
#: The number types in the order libphonenumber tries them (``_number_type_helper``).
_TYPES = (
    ("premium_rate", phonenumbers.PhoneNumberType.PREMIUM_RATE),
    ("toll_free", phonenumbers.PhoneNumberType.TOLL_FREE),
    ("shared_cost", phonenumbers.PhoneNumberType.SHARED_COST),
    ("voip", phonenumbers.PhoneNumberType.VOIP),
    ("personal_number", phonenumbers.PhoneNumberType.PERSONAL_NUMBER),
    ("pager", phonenumbers.PhoneNumberType.PAGER),
    ("uan", phonenumbers.PhoneNumberType.UAN),
    ("voicemail", phonenumbers.PhoneNumberType.VOICEMAIL),
)
_KZ: list = []


@string_memo(1 << 16)
def kz_number_type(national: str) -> int:
    """libphonenumber's type of a +7 number whose national number starts with 7, which
    libphonenumber gives to Kazakhstan (its leading digits; Russia's are 3, 4, 8 and 9):
    ``phonenumbers.number_type`` of ``PhoneNumber(7, int(national))``.

    The same metadata, read once: each kind of number (mobile, fixed line, toll free...) is
    its possible lengths and a pattern, tried in libphonenumber's order, without building a
    PhoneNumber and looking the region up again for every value (30 us a number, a tenth of
    that here). A test holds it to libphonenumber on every prefix.
    """
    if not _KZ:
        # One assignment of the whole list: two threads meeting their first Kazakh number
        # at once both build it, and the list holds one build (extend() would hold both).
        _KZ[:] = _kz_kinds()
    general, kinds, alternation, decided = _KZ
    if decided and len(national) == _NATIONAL_LENGTH and national.isdigit() and (
            national.isascii()):
        # Every description reads a number of this length as digits that decide and digits
        # that may be any (``_decided_by``): numbers with the same first ones are of one type.
        # A log of many subscribers meets thousands of numbers, and few such beginnings.
        key = national[:decided]
        found = _BY_BEGINNING.get(key)
        if found is None:
            if len(_BY_BEGINNING) >= 1 << 16:
                _BY_BEGINNING.clear()
            found = _BY_BEGINNING[key] = _kz_type(national, general, kinds, alternation)
        return found
    return _kz_type(national, general, kinds, alternation)


def _kz_type(national: str, general, kinds: list, alternation: re.Pattern) -> int:
    if not _matches(national, general):
        return _UNKNOWN
    # The kinds as one pattern: its first alternative to hold for the number is the first
    # kind libphonenumber would find (one match: 2.1 -> 0.7 us a new number).
    m = alternation.match(national)
    return _UNKNOWN if m is None else kinds[int(m.lastgroup[1:])]


def _kz_kinds() -> list:
    """Kazakhstan's general description, its kinds of number in the order libphonenumber
    tries them (``_number_type_helper``), and those kinds as one alternation: the
    alternative ``k<i>`` holds for a number of the ``i``-th kind, by lookaheads that read the
    whole number (the outer group closes last: ``lastgroup`` names it, whatever groups a
    pattern holds)."""
    from phonenumbers.phonenumberutil import PhoneMetadata

    metadata = PhoneMetadata.metadata_for_region("KZ")
    same = metadata.same_mobile_and_fixed_line_pattern
    # The kinds' patterns as text: they are compiled once, as the alternation (each compiled
    # on its own too cost 1 ms of the first Kazakh number a process meets).
    fixed, mobile = _desc_text(metadata.fixed_line), _desc_text(metadata.mobile)
    kinds = [((_desc_text(getattr(metadata, name)),), kind) for name, kind in _TYPES]
    # A fixed line number is also mobile when the two share a pattern, or when the mobile
    # pattern matches it too; mobile alone only when they share none.
    if same:
        kinds.append(((fixed,), phonenumbers.PhoneNumberType.FIXED_LINE_OR_MOBILE))
    else:
        kinds += [
            ((fixed, mobile), phonenumbers.PhoneNumberType.FIXED_LINE_OR_MOBILE),
            ((fixed,), phonenumbers.PhoneNumberType.FIXED_LINE),
            ((mobile,), phonenumbers.PhoneNumberType.MOBILE),
        ]
    # A kind with a description of no number matches nothing: dropped.
    kinds = [(descs, kind) for descs, kind in kinds if None not in descs]
    alternation = re.compile(
        "|".join(f"(?P<k{k}>" + "".join(f"(?={_whole(d)})" for d in descs) + ")"
                 for k, (descs, _) in enumerate(kinds))
        or "(?!)",  # no kind at all: no number
    )
    general = _desc(metadata.general_desc)
    patterns = [general[1].pattern] + [d[1] for descs, _ in kinds for d in descs]
    return [general, [kind for _, kind in kinds], alternation,
            _decided_by(patterns, _NATIONAL_LENGTH)]


#: The digits of a Kazakh national number (+7 and ten: 701 123 4567, 7172 55 12 34).
_NATIONAL_LENGTH = 10
#: A Kazakh number's type by the first digits that decide it (``_KZ``'s last item).
_BY_BEGINNING: dict[str, int] = {}


def _decided_by(patterns: list[str], length: int) -> int:
    """How many first characters decide whether each of ``patterns`` matches a string of
    ``length`` digits whole, or 0 when that cannot be told from their form.

    A pattern (each alternative of it) that ends with ``\\d{m}`` (or ``[0-9]{m}``) matches
    a string of ``length`` whole only with its part before that on the first ``length - m``
    characters, whatever digits the last ``m`` are; an alternative that cannot match so
    many characters (the 14-digit ``8\\d{13}``) decides nothing. The greatest such count
    over all patterns decides them all. Read with ``re``'s own parser, which a release of
    Python may change: then 0, and every number is read whole.
    """
    try:
        from re import _constants as c  # type: ignore[attr-defined]
        from re import _parser  # type: ignore[attr-defined]
    except ImportError:
        return 0
    decided = 0
    try:
        for pattern in patterns:
            parsed = _parser.parse(pattern)
            branches = [parsed.data]
            if len(parsed.data) == 1 and parsed.data[0][0] is c.BRANCH:
                branches = [list(b.data) for b in parsed.data[0][1][1]]
            for branch in branches:
                if not branch:
                    return 0
                op, av = branch[-1]
                if op not in (c.MAX_REPEAT, c.MIN_REPEAT) or av[0] != av[1] or not _digit_class(
                        av[2], c):
                    return 0
                if not _reads_ahead_nowhere(branch[:-1], c):
                    return 0  # a lookaround or anchor may read the last characters
                before = _parser.SubPattern(parsed.state, branch[:-1]).getwidth()
                if before[0] + av[0] > length or before[1] + av[1] < length:
                    continue  # matches no string of this length
                decided = max(decided, length - av[0])
    except Exception:  # the parser's internals changed: every number read whole
        return 0
    return decided


def _reads_ahead_nowhere(items, c) -> bool:
    """Whether parsed ``items`` hold no lookaround, anchor or back reference, at any depth:
    what they match then lies within the characters they consume."""
    for op, av in items:
        if op in (c.ASSERT, c.ASSERT_NOT, c.AT, c.GROUPREF, c.GROUPREF_EXISTS):
            return False
        for part in av if isinstance(av, (list, tuple)) else (av,):
            if hasattr(part, "data") and not _reads_ahead_nowhere(part.data, c):
                return False
            if (isinstance(part, list) and part  # a branch's alternatives
                    and all(hasattr(p, "data") for p in part)
                    and not all(_reads_ahead_nowhere(p.data, c) for p in part)):
                return False
    return True


def _digit_class(sub, c) -> bool:
    """Whether ``sub`` (a parsed repeat's body) is one ASCII or Unicode digit class."""
    items = list(sub.data)
    if len(items) != 1 or items[0][0] is not c.IN:
        return False
    members = items[0][1]
    return members in ([(c.CATEGORY, c.CATEGORY_DIGIT)], [(c.RANGE, (48, 57))])


def _whole(desc: tuple[frozenset[int], str]) -> str:
    """A description (:func:`_desc_text`) as a pattern of the whole text: one of its possible
    lengths (if it gives any), and its national number pattern from start to end."""
    lengths, pattern = desc
    sized = "|".join(f"(?s:.{{{n}}})" for n in sorted(lengths) if n > 0)
    length = f"(?=(?:{sized})\\Z)" if lengths else ""
    if lengths and not sized:
        length = "(?!)"  # only lengths of no number (-1)
    return f"{length}(?:{pattern})\\Z"


def _desc(desc) -> tuple[frozenset[int], re.Pattern] | None:
    """A number description as libphonenumber reads it: possible lengths (none: any) and
    the national number pattern, matched whole; None when it describes no number."""
    found = _desc_text(desc)
    return None if found is None else (found[0], re.compile(found[1]))


def _desc_text(desc) -> tuple[frozenset[int], str] | None:
    """:func:`_desc` with the pattern as text, not compiled."""
    if desc is None or not desc.national_number_pattern:
        return None
    return frozenset(desc.possible_length), desc.national_number_pattern


def _matches(national: str, desc: tuple[frozenset[int], re.Pattern] | None) -> bool:
    if desc is None:
        return False
    lengths, pattern = desc
    if lengths and len(national) not in lengths:
        return False
    return pattern.fullmatch(national) is not None


def _valid_by_parsing(value: str, digits: str) -> bool:
    """libphonenumber's parse and validity check, the reference for every number. A number
    written with its country code is read by parse's own steps for digits
    (:func:`international`), and so is one written without it, as the number of +7 it is."""
    if not 7 <= len(digits) <= 15:
        return False
    if value.startswith("+"):
        candidate, region = "+" + digits, None
    elif len(digits) == 11 and digits[0] == "7":
        # 7 701 123 45 67 and 77011234567: the country code written without its plus.
        candidate, region = "+" + digits, None
    elif len(digits) in (10, 11):
        candidate, region = digits, "KZ"
    else:
        return False
    if _FAST and region is None:
        parts = international(digits)
        return parts is not None and _valid_national(*parts)
    if _FAST and digits[0] != "7" and not digits.startswith("810"):
        # Read as Kazakhstan reads it, a national number of +7's (8 916 123 45 67, a Russian
        # mobile after the trunk 8, which +7's metadata strips as parse does): parse with
        # region KZ reads the same number (a test holds it so on random 10- and 11-digit
        # strings). 810 begins an international number there; with a leading 7 (which
        # phone_is_valid reads itself when Kazakh) parse decides.
        parts = international("7" + digits)
        return parts is not None and _valid_national(*parts)
    try:
        number = phonenumbers.parse(candidate, region)
    except phonenumbers.NumberParseException:
        return False
    return valid_number(number)


def international(digits: str) -> tuple[int, str] | None:
    """``phonenumbers.parse("+" + digits, None)`` for ASCII ``digits``, as the number's
    country code and national significant number (``national_significant_number``: the
    national digits as read, Italy's leading zeros and all), or None where parse raises.
    parse's own steps for such a string, without those a written number needs first (its
    extension, letters, other digits, an international prefix: for six regions' numbers,
    parse took 12.7-14.3 us a number, this 1.7-2.2 us compiled, in one run) and without a
    ``PhoneNumber`` made (its constructor, its leading zeros and
    ``national_significant_number`` were 142 M of the 3,560.9 M instructions of the phone
    corpus's scan). Tests hold it to parse on random digits and around every region's
    example numbers.

    The country code is the first one to three digits that are one (none begins with 0);
    the national number is the rest, less a national prefix where the region's metadata
    strips one and what is left still has a possible length.
    """
    strip, test_length, shortest, longest, unfit = _HELPERS
    util = _UTIL
    if not digits or digits[0] == "0":
        return None
    for size in range(1, min(len(digits), 3) + 1):
        code = int(digits[:size])
        if code in util.COUNTRY_CODE_TO_REGION_CODE:
            break
    else:
        return None
    national = digits[size:]
    if len(national) < shortest:
        return None
    metadata = _METADATA.metadata_for_region_or_calling_code(
        code, util.region_code_for_country_code(code))
    if metadata is not None:
        _, stripped, _ = strip(national, metadata)
        if test_length(stripped, metadata) not in unfit:
            national = stripped
    if not shortest <= len(national) <= longest:
        return None
    return code, national


def valid_number(number: phonenumbers.PhoneNumber) -> bool:
    """``phonenumbers.is_valid_number(number)``, the kinds of number tried likeliest first.

    libphonenumber finds a number valid when its general description and the description of
    some kind of number (mobile, fixed line, toll free...) hold for it, and finds its region
    among those of a shared country code the same way. To tell which kind, it tries eight
    rare kinds before fixed lines and mobiles, and compiles each kind's pattern on first
    use; whether any holds does not depend on the order. Fixed lines and mobiles first, most
    numbers need two or three of a region's patterns, not up to eleven: fewer compiled in a
    new process (a third less time for the 318 foreign numbers of the dense corpus, each
    region first met there) and fewer matched later. A test holds it to is_valid_number on
    every region's example numbers and numbers around them.
    """
    if _MATCHES_DESC is None:  # the library's internals changed: its own check
        return phonenumbers.is_valid_number(number)
    return _valid_national(number.country_code, _UTIL.national_significant_number(number))


def _valid_national(code: int, national: str) -> bool:
    """:func:`valid_number` of the number of country code ``code`` and national significant
    number ``national``."""
    util = _UTIL
    regions = util.COUNTRY_CODE_TO_REGION_CODE.get(code)
    if regions is None:
        return False
    if len(regions) == 1:
        region = regions[0]
    else:  # _region_code_for_number_from_list, with _of_some_kind for _number_type_helper
        region = None
        for candidate in regions:
            metadata = _METADATA.metadata_for_region(candidate.upper(), None)
            if metadata is None:
                continue
            if metadata.leading_digits is not None:
                if util.re_compile(metadata.leading_digits).match(national):
                    region = candidate
                    break
            elif _of_some_kind(national, metadata):
                region = candidate
                break
        if region is None:
            return False
    # is_valid_number_for_region
    metadata = _METADATA.metadata_for_region_or_calling_code(code, region.upper())
    if metadata is None or (region != util.REGION_CODE_FOR_NON_GEO_ENTITY
                            and code != util.country_code_for_valid_region(region)):
        return False
    return _of_some_kind(national, metadata)


def _of_some_kind(national: str, metadata) -> bool:
    """``_number_type_helper(national, metadata) != UNKNOWN``: the general description holds,
    and a fixed line's, a mobile's (unless the two share their pattern: then the fixed
    line's said it) or one of the rare kinds'."""
    matches = _matches_desc
    if not matches(national, metadata.general_desc):
        return False
    if matches(national, metadata.fixed_line):
        return True
    if not metadata.same_mobile_and_fixed_line_pattern and matches(national, metadata.mobile):
        return True
    return any(matches(national, getattr(metadata, name)) for name, _ in _TYPES)


#: The library's modules valid_number reads (loaded with ``phonenumbers`` itself).
_UTIL = phonenumbers.phonenumberutil
# libphonenumber compiles each region's patterns with ``re.compile``, whose cache holds 512
# patterns and drops the oldest first. A log with numbers of every region needs about 700:
# each number then compiled its region's patterns again (214,265 compilations, 21.5 s for
# 40,000 numbers of the 245 regions, against 1.8 s with this). The library's own cache
# (its ``RegexCache``) keeps every pattern once compiled: about 700 at most, no memory to
# speak of. Older releases lack it (``phonenumbers>=8.13``): re's cache then, as before.
_enable_pattern_cache = getattr(phonenumbers, "enable_pattern_cache", None)
if _enable_pattern_cache is not None:
    _enable_pattern_cache()
_METADATA = phonenumbers.phonemetadata.PhoneMetadata
#: libphonenumber's test of one description (possible lengths, then the pattern matched
#: whole), or None if a release renames it: then valid_number is is_valid_number itself.
_MATCHES_DESC = getattr(_UTIL, "_is_number_matching_desc", None)


def _matches_desc(national: str, desc) -> bool:
    """``_is_number_matching_desc(national, desc)``, one call and one regex run: the library
    tests the lengths, then calls ``_match_national_number``, which looks the pattern up
    among those it compiled, matches it at the start and then whole (about 12k
    instructions a description on the foreign numbers of ``benchmarks/phones.py``, two
    thirds of ``valid_number``'s). Each description is read once (:func:`_desc`) and kept
    by its identity, as the library keeps its metadata for good (a few thousand at most);
    a test holds this to the library's on every description of every region."""
    entry = _DESCS.get(id(desc))
    if entry is None or entry[0] is not desc:
        entry = _DESCS[id(desc)] = (desc, _desc(desc))
    return _matches(national, entry[1])


#: The descriptions :func:`_matches_desc` read, by identity: (description, :func:`_desc`).
_DESCS: dict[int, tuple] = {}


def _parse_helpers() -> tuple | None:
    """The library's steps :func:`international` takes, or None if a release renames one:
    then every number goes through ``phonenumbers.parse`` itself."""
    names = ("_maybe_strip_national_prefix_carrier_code", "_test_number_length",
             "_MIN_LENGTH_FOR_NSN", "_MAX_LENGTH_FOR_NSN", "ValidationResult")
    found = [getattr(_UTIL, name, None) for name in names]
    if any(item is None for item in found):
        return None
    result = found[-1]
    unfit = (result.TOO_SHORT, result.IS_POSSIBLE_LOCAL_ONLY, result.INVALID_LENGTH)
    return (*found[:-1], unfit)


#: :func:`international`'s steps of libphonenumber (:func:`_parse_helpers`).
_HELPERS = _parse_helpers()
#: Whether a number is read by those steps and valid_number's own (else by the library's
#: parse and is_valid_number).
_FAST = _HELPERS is not None and _MATCHES_DESC is not None
