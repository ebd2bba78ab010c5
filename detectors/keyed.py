"""Values that only their key tells apart: a name, a birth date, an address.

No checksum says that ``"Айгерим Нурланова"`` is a person's name, but ``"fio": "..."`` does.
A keyed recognizer reports the string value of a JSON member whose key is one of ``KEYS``,
in a log line or in a text column holding JSON; and the text of an XML element, or the value
of an XML attribute, so named: ``<lastName>Серикова</lastName>`` in a SOAP message to an
e-government service, ``<Сотрудник ФИО="..." ДатаРождения="...">`` in a 1C exchange file. In
a table, the column name is evidence of its own (``scanner/names.py``); these recognizers
add what JSON and XML hold under such keys.

Each pattern matches the key and its value; the ``value`` group is the span reported (see
:meth:`DerbesRecognizer.candidates`). The JSON one starts with a quote and a literal key, so
it is cheap to search, and the value is a JSON string body of at most ``MAX_LENGTH``
characters, escapes included (``ensure_ascii`` writes Cyrillic as ``\\uXXXX``). The XML
ones: an element's text up to the next tag (a namespace prefix allowed, ``<ns2:lastName>``,
attributes too), spaces around it left out; an attribute's value in double quotes right
after its ``=``, inside a tag (as XML writers write them). A ``key=value`` of free text is
no claim (``fio=Нурланова``): no key, no quotes.
"""

from __future__ import annotations

import contextlib
import re
from typing import ClassVar

from derbes.detectors.base import DerbesRecognizer, Pattern

MAX_LENGTH = 200


#: XML elements that each hold one property named by an attribute of theirs (compared
#: case-folded): a 1C exchange file's ``<Свойство Имя="ИИН"><Значение>``, ``mysqldump
#: --xml``'s ``<field name="email">``, a SAML ``<Attribute FriendlyName="mail">``, Java's
#: ``<entry key="phone">``. Their ``Имя``/``name`` is the property's name, not a person's;
#: ``derbes.scanner.xmlpaths`` names the property's value by it.
PROPERTY_ELEMENTS: tuple[str, ...] = (
    "свойство", "параметр", "реквизит", "property", "param", "parameter", "entry", "field",
    "attribute", "setting", "add", "arg", "argument",
)
#: The attributes that name a property element, the first present counting (case-folded).
NAMING_ATTRIBUTES: tuple[str, ...] = ("friendlyname", "имя", "name", "key")
_PROPERTY_ALTERNATION = "|".join(sorted(PROPERTY_ELEMENTS, key=lambda e: (-len(e), e)))


class KeyedValueRecognizer(DerbesRecognizer):
    """Base: the string value of a JSON member named by one of ``KEYS``."""

    #: JSON keys, as written (case matters in JSON): every JSON spelling of the entity's
    #: ``COLUMN_NAMES`` (:func:`json_keys`), set when the subclass is made.
    KEYS: ClassVar[tuple[str, ...]] = ()
    SCORE: ClassVar[float] = 0.6
    #: Whether a column named for the entity has each value read whole (``read_whole``):
    #: for the entities no recognizer finds by value (a birth date, an address). A name has
    #: its words (``person_name.py``), a document number its shapes (``identity_document.py``),
    #: and a name column's "admin" or a passport column's issue date would pass as one here.
    WHOLE_IN_COLUMN: ClassVar[bool] = False

    def __init_subclass__(cls, **kwargs) -> None:
        super().__init_subclass__(**kwargs)
        if not cls.COLUMN_NAMES:
            return
        cls.KEYS = json_keys(cls.COLUMN_NAMES)
        keys = "|".join(re.escape(k) for k in sorted(cls.KEYS, key=lambda k: (-len(k), k)))
        body = '(?:[^"\\\\]|\\\\.){1,' + str(MAX_LENGTH) + "}"  # a JSON string body
        # The match spans key and value; the ``value`` group is what is reported.
        prefix = "(?:[0-9A-Za-z_.-]+:)?"  # an XML namespace's (ASCII, as the prefilters')
        text = "[^<>\\s](?:[^<>]{0," + str(MAX_LENGTH - 2) + "}[^<>\\s])?"
        cls.PATTERNS = (
            Pattern("keyed", f'"(?:{keys})" ?: ?"(?P<value>{body})(?=")', cls.SCORE),
            # <lastName>Серикова</lastName>, <ns2:lastName xsi:type="x">Серикова</ns2:...>
            Pattern("xml_element", f"<{prefix}(?:{keys})(?:[ \\t][^<>]*)?>[ \\t]*"
                    f"(?P<value>{text})[ \\t]*</", cls.SCORE),
            # <Сотрудник ФИО="Серикова Айгуль" ...>: inside a tag, after its name; not in a
            # property element, whose name="..." names the property (<Свойство Имя="ИИН">).
            Pattern("xml_attribute", f'<(?!{prefix}(?i:{_PROPERTY_ALTERNATION})[ \\t])'
                    f'[^<>\\s]+[ \\t](?:[^<>"]*"[^<>"]*"[ \\t]+)*'
                    f'{prefix}(?:{keys})="(?P<value>[^<>"]{{1,{MAX_LENGTH}}})"', cls.SCORE),
        )
        cls.PATTERN_PREFILTERS = {"keyed": (0,), "xml_element": (1,), "xml_attribute": (2,)}
        # The keys are context too: a column named ``fio`` holding JSON strings, say.
        cls.CONTEXT = tuple(dict.fromkeys(k.casefold() for k in cls.KEYS))
        # Longest first, then by bytes: the same expression in every process (the cache key of
        # the Hyperscan database is made of it; a set's order changes with PYTHONHASHSEED).
        keys = sorted({alt for key in cls.KEYS for alt in _byte_forms(key)},
                      key=lambda k: (-len(k), k))
        alternation = b"|".join(keys)
        cls.PREFILTERS = (
            b'"(?:' + alternation + b')" ?: ?"',
            b"<(?:[0-9A-Za-z_.-]+:)?(?:" + alternation + b")[ \t>]",
            # After the space before it, or its namespace's colon: with that byte first,
            # ripgrep (the benchmarks' reference) reads it at the speed it reads the others
            # (a bare alternation of the keys halved its speed over the dense corpus).
            b"[ \t:](?:" + alternation + b')="',
        )

    def read_whole(self, value: str) -> tuple[int, int, float] | None:
        """``(start, end, score)`` of ``value`` as a whole, its spaces around left out, when it
        is the value of a column named for this entity (``birth_date``, «Дата рождения»)
        and passes the same validation as a JSON member's value; else None. In a table the
        column's name is the key: its values need no key written beside them."""
        end = len(value.rstrip())
        start = len(value) - len(value.lstrip())
        if end <= start or end - start > MAX_LENGTH:
            return None
        if self.validate_result(value[start:end]) is False:
            return None
        return start, end, self.SCORE

    def validate_result(self, pattern_text: str) -> bool | None:
        """Not an empty or placeholder value; subclasses check the shape."""
        text = pattern_text.strip()
        if not text or text.lower() in ("null", "none", "-", "n/a", "***", "hidden"):
            return False
        return None


def json_keys(spellings: tuple[str, ...]) -> tuple[str, ...]:
    """The JSON keys that spell a column name: as written, camelCase and PascalCase, and
    in capitals when it is one word (``fio``: ``fio``, ``Fio``, ``FIO``; ``full_name``:
    ``full_name``, ``fullName``, ``FullName``). Sorted, so the same in every process."""
    keys = set()
    for spelling in spellings:
        words = spelling.split("_")
        capitalized = [w[:1].upper() + w[1:] for w in words]
        keys.update((spelling, words[0] + "".join(capitalized[1:]), "".join(capitalized)))
        if len(words) == 1:
            keys.add(spelling.upper())
    return tuple(sorted(keys))


def _byte_forms(key: str) -> set[bytes]:
    """The key's bytes in UTF-8 and, for Cyrillic keys, in cp1251 (legacy logs).

    Bytes past ASCII are written ``\\xNN``, which Hyperscan, ``re``, RE2 and ripgrep's byte
    mode all read the same way.
    """
    encoded = [key.encode("utf-8")]
    with contextlib.suppress(UnicodeEncodeError):
        encoded.append(key.encode("cp1251"))
    return {
        b"".join(re.escape(bytes([b])) if b < 0x80 else b"\\x%02x" % b for b in raw)
        for raw in encoded
    }
