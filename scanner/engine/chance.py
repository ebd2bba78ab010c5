"""The shapes of the checksum entities' candidates, and the chance that a random one
validates: what the evidence per field (:mod:`~derbes.scanner.engine.evidence`) weighs, and
what the shape reader (:mod:`~derbes.scanner.engine.shapes`) finds in one pass."""

from __future__ import annotations

import re
from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class ChanceRule:
    """The shape of an entity's candidates and the chance that a random one validates."""

    entity: str
    shape: re.Pattern
    chance: float
    #: Integer columns lose leading zeros: such values are padded back to this width.
    width: int | None = None


# Each shape is written with its first character first and its lookbehind after it: ``re``
# then looks for that character instead of trying the shape at every character of a line (a
# log line's shapes are searched on every line where the entity's recognizer ran). A test
# holds each to the plainly written shape (lookbehind first).
_IIN_SHAPE = (r"[0-9](?<![0-9A-Za-z-][0-9])[0-9](?:0[1-9]|1[0-2])(?:0[1-9]|[12][0-9]|3[01])"
              r"[1-6][0-9]{5}(?![0-9A-Za-z])")
_BIN_SHAPE = (r"[0-9](?<![0-9A-Za-z-][0-9])[0-9](?:0[1-9]|1[0-2])[4-6][0-3][0-9]{6}"
              r"(?![0-9A-Za-z])")

CHANCE_RULES: dict[str, ChanceRule] = {
    rule.entity: rule
    for rule in (
        # Luhn: one number in ten has the right last digit.
        ChanceRule("CREDIT_CARD",
                   re.compile(r"[2-689](?<![0-9A-Za-z][2-689])(?:[ -]?[0-9]){12,18}"
                              r"(?![0-9A-Za-z])"),
                   0.1),
        # Mod 11 with a second pass: 1/11 + (1/11)(1/11) ~ 0.099; rounded up to 0.1.
        ChanceRule("KZ_IIN", re.compile(_IIN_SHAPE), 0.1, 12),
        ChanceRule("KZ_BIN", re.compile(_BIN_SHAPE), 0.1, 12),
        ChanceRule("IMEI",
                   re.compile(r"[0-9](?<![0-9A-Za-z][0-9])[0-9](?:[ -]?[0-9]){13}(?![0-9])"),
                   0.1),
        # ISO 13616 mod 97: one string in 97.
        ChanceRule("IBAN_CODE",
                   re.compile(r"[A-Z](?<![0-9A-Za-z][A-Z])[A-Z][0-9]{2}(?: ?[0-9A-Z]){11,30}"
                              r"(?![0-9A-Za-z])"),
                   1 / 97),
    )
}
