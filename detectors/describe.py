"""What each detector finds and how it checks a match, for ``derbes detectors``."""

from __future__ import annotations

from derbes.detectors.categories import CATEGORIES, category_of
from derbes.detectors.registry import RECOGNIZER_CLASSES

LANGS: tuple[str, ...] = ("ru", "kk", "en")


def describe_detectors(lang: str = "en") -> list[dict]:
    """One entry per entity: ``entity``, ``category``, ``category_label``, ``validation``,
    ``context`` (words in all three languages), ``context_required`` (bare forms that need
    a context word) and ``reveals`` (labels of what a value discloses, e.g. birth date).

    ``lang`` is ``ru``, ``kk`` or ``en``; anything else falls back to English.
    """
    lang = lang if lang in LANGS else "en"
    out = []
    for cls in RECOGNIZER_CLASSES:
        category_id = category_of(cls.ENTITY)
        category = CATEGORIES.get(category_id)
        reveals = category.reveals if category else ()
        out.append(
            {
                "entity": cls.ENTITY,
                "category": category_id,
                "category_label": category.label(lang) if category else category_id,
                "validation": cls.VALIDATION.get(lang) or cls.VALIDATION.get("en", ""),
                "context": list(cls.CONTEXT),
                "context_required": sorted(cls.CONTEXT_REQUIRED),
                "reveals": [CATEGORIES[c].label(lang) for c in reveals],
            }
        )
    return out
