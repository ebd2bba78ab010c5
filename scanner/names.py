"""Column names and JSON keys as evidence: ``fio``, ``phone``, ``дата_рождения``, ``туған_күні``.

Rules are plain data, as in pdscan: the spellings that name an entity, kept next to its
recognizer (``COLUMN_NAMES``, ``NOT_COLUMN_NAMES``, ``NAME_OWNERS`` in ``derbes.detectors``),
matched here as whole tokens of a name split at ``_``, ``-``, ``.``, spaces and camelCase.
When a name holds the spellings of several entities, the first in the registry's
``COLUMN_NAME_ORDER`` wins (a card holder's name and an identity card before a card). They
give findings with ``match_type = name``, also for categories no value detector finds
(``PERSON``, ``DATE_OF_BIRTH``, ``ADDRESS``, ``IDENTITY_DOCUMENT``).
"""

from __future__ import annotations

import re
from functools import lru_cache

from derbes.detectors.registry import entity_classes

_CAMEL = re.compile(r"(?<=[a-zа-я0-9])(?=[A-ZА-Я])")
_SPLIT = re.compile(r"[\s\-.\[\]]+")


def _rules() -> tuple[list[tuple[str, re.Pattern]], re.Pattern | None]:
    """Each entity's spellings as one token regex, in the order of precedence, and the
    names that hold a token but mean something else, of all entities alike."""
    rules = []
    exclusions: list[str] = []
    for entity, classes in entity_classes().items():
        spellings = [n for cls in classes for n in cls.COLUMN_NAMES]
        exclusions += [n for cls in classes for n in cls.NOT_COLUMN_NAMES]
        if spellings:
            alternation = "|".join(re.escape(n) for n in dict.fromkeys(spellings))
            rules.append((entity, re.compile(rf"(?:^|_)(?:{alternation})(?:_|$)")))
    if not exclusions:
        return rules, None
    alternation = "|".join(re.escape(n) for n in dict.fromkeys(exclusions))
    return rules, re.compile(rf"(?:^|_)(?:{alternation})(?:_|$)")


_RULES, _NOT_PERSONAL = _rules()
#: (entity, the keys that own it, the bare names it owns): ``customer.name`` is a person.
_OWNERS = [(entity, cls.NAME_OWNERS, frozenset(cls.OWNED_NAMES))
           for entity, classes in entity_classes().items() for cls in classes if cls.NAME_OWNERS]


def normalize_name(name: str) -> str:
    """``userPhone.Number`` -> ``user_phone_number``: tokens joined with ``_``, case-folded."""
    return "_".join(p for p in _SPLIT.split(_CAMEL.sub("_", name)) if p).casefold()


#: Names remembered by :func:`entity_for_name`: the fields of a folder's logs repeat from file
#: to file (a thousand files of 200 lines: 10,014 calls, 0.1 s of a 2 s scan).
_NAMES_KEPT = 4096


@lru_cache(maxsize=_NAMES_KEPT)
def entity_for_name(name: str) -> str | None:
    """The entity a column name or JSON key suggests, or ``None``.

    Only the last component of a key path counts: ``payload.contact.email`` is an email
    field, ``email_log.id`` is not; but a bare ``name`` is a person's under a person's key
    (``payload.customer.name``), not a product's (``item.name``).
    """
    parts = name.rsplit(".", 2)
    last = parts[-1]
    if len(parts) > 1:
        bare = normalize_name(last)
        for entity, owners, owned in _OWNERS:
            if bare in owned and normalize_name(parts[-2]).rsplit("_", 1)[-1] in owners:
                return entity
    key = normalize_name(last)
    if not key or (_NOT_PERSONAL is not None and _NOT_PERSONAL.search(key)):
        return None
    for entity, rx in _RULES:
        if rx.search(key):
            return entity
    return None
