"""The candidates of the checksum entities' shapes in a line, all of them in one pass.

:data:`~derbes.scanner.engine.chance.CHANCE_RULES` defines each shape as a regular
expression, and :func:`line_shapes` finds what its ``finditer`` finds. Compiled, the shapes are
read by :func:`scan` instead: one pass over the line for every entity of a set, with the C types
of ``shapes.pxd``. (``re`` searches each entity's shape over the whole line on its own and tries
it at every digit: on the dense benchmark corpus, 37,000 instructions an entity and line.)

Each shape is read as ``re`` matches it. A shape starts at a digit (a capital for an IBAN)
after no letter or digit; every repetition in it takes exactly one digit (or character of an
IBAN), after at most one separator that is never a digit, so it is read one way only; a
repetition of variable count takes as many as it can, then gives them back one at a time until
the lookahead after them holds, so the longest count whose end the lookahead accepts is the
match. The search for an entity goes on past the end of its last match, as ``finditer``'s.
"""

from __future__ import annotations

from derbes.scanner.engine.chance import CHANCE_RULES

#: Whether this module runs compiled (Cython), and with it :func:`scan`; as Python, ``re``
#: is the faster of the two (3.6 times on JSON API lines).
_SCANNER_COMPILED = not __file__.endswith(".py")

# One bit per shape that scan() reads.
_CARD, _IIN, _BIN, _IMEI, _IBAN = 1, 2, 4, 8, 16
_BITS = {"CREDIT_CARD": _CARD, "KZ_IIN": _IIN, "KZ_BIN": _BIN, "IMEI": _IMEI,
         "IBAN_CODE": _IBAN}
#: Each entity whose shape :func:`scan` reads itself (the others it leaves to ``re``), and
#: its bit in the masks of :func:`shapes_in`.
BITS = dict(_BITS)


def line_shapes(text: str, entities) -> list[tuple[str, int, int]]:
    """``(entity, start, end)`` of each candidate of the shape of each of ``entities`` in
    ``text``: entity after entity in the order of ``entities``, each one's spans in text
    order, as ``CHANCE_RULES[entity].shape.finditer(text)`` finds them (:func:`by_regex`)."""
    if _SCANNER_COMPILED:
        return scan(text if type(text) is str else str(text), entities)
    return by_regex(text, entities)


def by_regex(text: str, entities) -> list[tuple[str, int, int]]:
    """:func:`line_shapes` by each shape's ``finditer`` (the definition)."""
    return [(entity, *m.span()) for entity in entities
            for m in CHANCE_RULES[entity].shape.finditer(text)]


def scan(text: str, entities) -> list[tuple[str, int, int]]:
    """:func:`line_shapes` read in one pass (an entity without a reader here: by ``re``)."""
    mask = 0
    unread = False  # an entity that only re reads
    for entity in entities:
        bit = _BITS.get(entity, 0)
        mask |= bit
        unread = unread or bit == 0
    found = _scan(text, mask) if mask else []
    if not found and not unread:
        return []
    out = []
    for entity in entities:
        bit = _BITS.get(entity, 0)
        if bit == 0:
            out.extend(by_regex(text, (entity,)))
            continue
        for kind, start, end in found:
            if kind == bit:
                out.append((entity, start, end))
    return out


def shapes_in(text: str, mask: int) -> list:
    """``(bit, start, end)`` of the shapes of the entities of ``mask`` (their bits in
    :data:`BITS`) in ``text``, in text order: each entity's spans as its rule's ``finditer``
    finds them. For callers that read every value of a column (the evidence of
    ``evidence.FieldStats``); compiled only, as Python ``re`` is the faster."""
    return _scan(text, mask)


def _scan(text: str, mask: int) -> list:
    """``(bit, start, end)`` of the shapes of the entities of ``mask`` in ``text``, in text
    order."""
    found: list = []
    n = len(text)
    # Where the search of each shape goes on: past the end of its last match. (An IIN or a
    # BIN has digits only, none of which is a start but its first: nothing starts in one.)
    card_from = imei_from = iban_from = 0
    numbers = mask & (_CARD | _IMEI | _IIN | _BIN)
    # What the character before ``i`` was: 1 a letter or digit, 2 a hyphen, 0 anything else.
    before = 0
    i = -1
    for c in text:
        i += 1
        if "0" <= c <= "9":
            if before != 1 and numbers:
                # The run of digits from here, and whether a separator follows it: without
                # one a card needs 13 digits in a row, an IMEI 15, and an IIN or a BIN is
                # exactly 12.
                after = i + 1
                while after < n and "0" <= text[after] <= "9":
                    after += 1
                run = after - i
                separated = after < n and (text[after] == " " or text[after] == "-")
                if (mask & _CARD and i >= card_from and (run >= 13 or separated)
                        and c != "0" and c != "1" and c != "7"):
                    end = _card_end(text, i, n)
                    if end > 0:
                        found.append((_CARD, i, end))
                        card_from = end
                if mask & _IMEI and i >= imei_from and (run >= 15 or separated):
                    end = _imei_end(text, i, n)
                    if end > 0:
                        found.append((_IMEI, i, end))
                        imei_from = end
                # Neither of the Kazakh numbers follows a hyphen.
                if run == 12 and before == 0:
                    if mask & _IIN:
                        end = _iin_end(text, i, n)
                        if end > 0:
                            found.append((_IIN, i, end))
                    if mask & _BIN:
                        end = _bin_end(text, i, n)
                        if end > 0:
                            found.append((_BIN, i, end))
            before = 1
        elif "A" <= c <= "Z":
            if before != 1 and mask & _IBAN and i >= iban_from:
                end = _iban_end(text, i, n)
                if end > 0:
                    found.append((_IBAN, i, end))
                    iban_from = end
            before = 1
        elif "a" <= c <= "z":
            before = 1
        elif c == "-":
            before = 2
        else:
            before = 0
    return found


def _digit(c: str) -> bool:
    return "0" <= c <= "9"


def _alnum_at(text: str, i: int, n: int) -> bool:
    """Whether ``text[i]`` is an ASCII letter or digit (false past the end)."""
    if i >= n:
        return False
    c = text[i]
    return "0" <= c <= "9" or "A" <= c <= "Z" or "a" <= c <= "z"


def _month_at(text: str, i: int) -> bool:
    """``0[1-9]|1[0-2]`` at ``i``."""
    c = text[i]
    d = text[i + 1]
    if c == "0":
        return "1" <= d <= "9"
    return c == "1" and "0" <= d <= "2"


def _iin_end(text: str, i: int, n: int) -> int:
    """The end of an IIN's shape at ``i`` (a digit after no letter, digit or hyphen), or -1:
    ``[0-9]{2}(?:0[1-9]|1[0-2])(?:0[1-9]|[12][0-9]|3[01])[1-6][0-9]{5}(?![0-9A-Za-z])``."""
    if i + 12 > n or not _digit(text[i + 1]) or not _month_at(text, i + 2):
        return -1
    c = text[i + 4]
    d = text[i + 5]
    if c == "0":
        if not "1" <= d <= "9":
            return -1
    elif c == "1" or c == "2":
        if not _digit(d):
            return -1
    elif c != "3" or (d != "0" and d != "1"):
        return -1
    if not "1" <= text[i + 6] <= "6":
        return -1
    for k in range(i + 7, i + 12):
        if not _digit(text[k]):
            return -1
    if _alnum_at(text, i + 12, n):
        return -1
    return i + 12


def _bin_end(text: str, i: int, n: int) -> int:
    """The end of a BIN's shape at ``i`` (a digit after no letter, digit or hyphen), or -1:
    ``[0-9]{2}(?:0[1-9]|1[0-2])[4-6][0-3][0-9]{6}(?![0-9A-Za-z])``."""
    if i + 12 > n or not _digit(text[i + 1]) or not _month_at(text, i + 2):
        return -1
    if not "4" <= text[i + 4] <= "6" or not "0" <= text[i + 5] <= "3":
        return -1
    for k in range(i + 6, i + 12):
        if not _digit(text[k]):
            return -1
    if _alnum_at(text, i + 12, n):
        return -1
    return i + 12


def _imei_end(text: str, i: int, n: int) -> int:
    """The end of an IMEI's shape at ``i`` (a digit after no letter or digit), or -1:
    ``[0-9]{2}(?:[ -]?[0-9]){13}(?![0-9])``."""
    if i + 15 > n or not _digit(text[i + 1]):
        return -1
    j = i + 2
    for count in range(13):  # noqa: B007 (the count is all)
        if j < n and (text[j] == " " or text[j] == "-"):
            j += 1
        if j >= n or not _digit(text[j]):
            return -1
        j += 1
    if j < n and _digit(text[j]):
        return -1
    return j


def _card_end(text: str, i: int, n: int) -> int:
    """The end of a card number's shape at ``i`` (a digit of ``[2-689]`` after no letter or
    digit), or -1: ``(?:[ -]?[0-9]){12,18}(?![0-9A-Za-z])``, the most repetitions that the
    lookahead accepts."""
    end = -1
    j = i + 1
    for count in range(1, 19):
        if j < n and (text[j] == " " or text[j] == "-"):
            j += 1
        if j >= n or not _digit(text[j]):
            break
        j += 1
        if count >= 12 and not _alnum_at(text, j, n):
            end = j
    return end


def _iban_end(text: str, i: int, n: int) -> int:
    """The end of an IBAN's shape at ``i`` (a capital after no letter or digit), or -1:
    ``[A-Z][0-9]{2}(?: ?[0-9A-Z]){11,30}(?![0-9A-Za-z])`` after it, the most repetitions
    that the lookahead accepts."""
    if i + 15 > n or not "A" <= text[i + 1] <= "Z" or not _digit(text[i + 2]):
        return -1
    if not _digit(text[i + 3]):
        return -1
    end = -1
    j = i + 4
    for count in range(1, 31):
        if j < n and text[j] == " ":
            j += 1
        if j >= n:
            break
        c = text[j]
        if not ("0" <= c <= "9" or "A" <= c <= "Z"):
            break
        j += 1
        if count >= 11 and not _alnum_at(text, j, n):
            end = j
    return end
