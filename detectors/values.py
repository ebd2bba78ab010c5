"""How values of an entity compare and how they show: normal forms and masked previews.

Each recognizer names its entity's pair (:attr:`DerbesRecognizer.normalize` and
:attr:`DerbesRecognizer.mask`) from the plain functions here, next to its patterns and
context. ``derbes.scanner.redact`` hashes the normal form (``+7 701 123-45-67`` and
``87011234567`` are one phone) and reports the mask, never the value. The functions run for
every value a scan counts, so they live in one compiled module (``scanner/compiled.py``).
"""

from __future__ import annotations

import re

# -- normal forms: what is hashed ------------------------------------------------------------


def stripped(value: str) -> str:
    """The value without surrounding spaces: names, addresses, dates, unknown entities."""
    return value.strip()


def ascii_digits(value: str) -> str:
    """The ASCII digits of ``value``, in order: ``re.sub("[^0-9]", "", value)``. A value of
    digits only is itself; compiled, others of up to 64 characters are copied digit by digit
    into C chars (``values.pxd``; the regex's substitution took about 1 us a number). A str
    subclass comes back as a plain str."""
    text = value if type(value) is str else str(value)  # a str subclass: the str it is
    if text.isdigit() and text.isascii():
        return text
    if _COMPILED and len(text) <= 64:
        n = 0
        for c in text:
            if "0" <= c <= "9":
                buf[n] = ord(c)  # noqa: F821 - 64 C chars (values.pxd), compiled only
                n += 1
        return buf[:n].decode("ascii")  # noqa: F821
    return _NON_DIGITS.sub("", text)


_NON_DIGITS = re.compile(r"[^0-9]")


def digits(value: str) -> str:
    """The digits only: ``8 (701) 123-45-67`` -> ``87011234567`` (any script's digits kept).
    An ASCII value's are :func:`ascii_digits` (an ASCII character is a digit only as 0-9)."""
    if value.isdigit():
        return value
    if value.isascii():
        return ascii_digits(value)
    return "".join([c for c in value if c.isdigit()])


def twelve_digits(value: str) -> str:
    """The digits, padded to 12: an IIN or BIN read from an integer column lost its zeros."""
    return digits(value).zfill(12)


def phone_digits(value: str) -> str:
    """The digits, the Kazakh trunk prefix 8 read as the country code 7 (``87011234567``
    and ``+7 701 123 45 67`` are one number)."""
    found = digits(value)
    if len(found) == 11 and found[0] == "8":
        return "7" + found[1:]
    return found


def compact_lower(value: str) -> str:
    """No spaces, lower case: emails, IP addresses, device ids, IBANs.

    Compiled, a value without white space (almost every one) is only lowered: a loop over its
    characters in C finds none, where ``split`` and ``join`` made a list and a string (about
    1.2k instructions a value counted). As Python, ``split`` and ``join`` are the faster."""
    if _COMPILED and type(value) is str:
        text = value  # a C-typed str (values.pxd): its characters read in C
        for c in text:
            if c.isspace():
                break
        else:
            return text.lower()
    return "".join(value.split()).lower()


def hex_digits(value: str) -> str:
    """The hex digits of ``value`` in lower case, in order: ``re.sub("[^0-9A-Fa-f]", "",
    value).lower()``. Compiled, a value of up to 64 characters is copied digit by digit into
    C chars (``values.pxd``), not searched by a regex and lowered in a second copy."""
    if _COMPILED and type(value) is str and len(value) <= 64:
        text = value  # a C-typed str (values.pxd): its characters read in C
        n = 0
        for c in text:
            if "0" <= c <= "9" or "a" <= c <= "f":
                buf[n] = ord(c)  # noqa: F821 - 64 C chars (values.pxd), compiled only
                n += 1
            elif "A" <= c <= "F":
                buf[n] = ord(c) + 32  # noqa: F821
                n += 1
        return buf[:n].decode("ascii")  # noqa: F821
    return _NON_HEX.sub("", value).lower()


_NON_HEX = re.compile(r"[^0-9A-Fa-f]")


def mac_form(value: str) -> str:
    """No spaces, lower case, ``:`` between bytes: ``3C-5A-B4`` -> ``3c:5a:b4``."""
    return "".join(value.split()).lower().replace("-", ":")


# -- masks: what a report shows ---------------------------------------------------------------


def last_two(value: str) -> str:
    """Every letter and digit hidden but the last two (the default)."""
    return last_digits(value, 2)


def last_four(value: str) -> str:
    """Every letter and digit hidden but the last four: a card's or account's, as receipts
    print them."""
    return last_digits(value, 4)


def twelve_digits_last_two(value: str) -> str:
    """An IIN or BIN, padded back to 12 digits, with none of its date or sex digits shown."""
    if value.isdigit() and len(value) < 12:
        value = value.zfill(12)
    return last_digits(value, 2)


def email_mask(value: str) -> str:
    """One letter of the mailbox and the domain: ``a***@mail.kz``."""
    if "@" not in value:
        return last_digits(value, 2)
    local, _, domain = value.rpartition("@")
    return f"{local[:1]}***@{domain}"


def person_mask(value: str) -> str:
    """One initial: a name's letters are the name."""
    words = value.split()
    return " ".join([words[0][:1] + "***", *("***" for _ in words[1:])]) if words else "***"


def shape_mask(value: str) -> str:
    """The separators only (a birth date): a decade is an age."""
    return "".join("*" if c.isalnum() else c for c in value)


_ALNUM_RUN = re.compile(r"\w+")


def words_mask(value: str) -> str:
    """Each run of letters and digits as ``***`` (an address): a town's letters are a place."""
    return _ALNUM_RUN.sub("***", value)


def network_half_mask(value: str) -> str:
    """An IP address's first half, which names a provider, not a person: ``10.2.*.*``."""
    if ":" in value:
        head = value.split(":")
        return ":".join([*head[:2], "*", "*"])
    parts = value.split(".")
    return ".".join([*parts[:2], "*", "*"]) if len(parts) == 4 else last_digits(value, 2)


def maker_mask(value: str) -> str:
    """A MAC address's first three bytes (the maker, OUI), not the device's."""
    if len(value) < 8:
        return last_digits(value, 2)
    return value[:8] + "".join("*" if c.isalnum() else c for c in value[8:])


def last_digits(value: str, keep: int) -> str:
    """Every letter and digit hidden but the last ``keep``; separators stay for the shape
    (:func:`last_digits_by_positions`, the definition). Compiled, an ASCII value of up to 64
    characters is masked into C chars (``values.pxd``): the definition's list, set and
    generator took about 20,000 instructions a phone number of ``--hits``' rows (callgrind)."""
    if _COMPILED and type(value) is str and len(value) <= 64 and value.isascii():
        text = value  # a C-typed str (values.pxd): its characters read in C
        alnum = 0
        for c in text:
            if c.isalnum():
                alnum += 1
        # The first letters and digits are hidden, all but the last ``keep`` of them (none
        # shown of a value too short to show anything).
        hide = alnum if alnum <= keep * 2 else alnum - keep
        n = 0
        for c in text:
            if hide > 0 and c.isalnum():
                buf[n] = 42  # noqa: F821 - "*", into 64 C chars (values.pxd), compiled only
                hide -= 1
            else:
                buf[n] = ord(c)  # noqa: F821
            n += 1
        return buf[:n].decode("ascii")  # noqa: F821
    return last_digits_by_positions(value, keep)


def last_digits_by_positions(value: str, keep: int) -> str:
    """:func:`last_digits` by the positions of the letters and digits (the definition)."""
    positions = [i for i, c in enumerate(value) if c.isalnum()]
    if len(positions) <= keep * 2:
        keep = 0  # too short to show anything of it
    shown = set(positions[len(positions) - keep:]) if keep else set()
    return "".join(c if i in shown or not c.isalnum() else "*" for i, c in enumerate(value))


#: Whether Cython compiled this module (``values.pxd``): then :func:`compact_lower` looks for
#: white space in C.
_COMPILED = not __file__.endswith(".py")
