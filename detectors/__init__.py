"""derbes' Presidio recognizers for Kazakh personal data, and the registry that holds them.

    >>> from derbes.detectors import build_registry
    >>> from presidio_analyzer import AnalyzerEngine
    >>> engine = AnalyzerEngine(registry=build_registry(), nlp_engine=blank_nlp_engine())

The names below are imported on first use, so that the ``DERBES_PURE_PYTHON`` switch
(:mod:`derbes.detectors.purepython`, installed first) and the category table load without
Presidio.
"""

from __future__ import annotations

import importlib
from typing import Any

import derbes.detectors.purepython  # noqa: F401  (DERBES_PURE_PYTHON, before compiled modules)

_EXPORTS = {
    "DerbesRecognizer": "base",
    "CATEGORIES": "categories",
    "Category": "categories",
    "category_of": "categories",
    "all_recognizers": "registry",
    "blank_nlp_engine": "registry",
    "build_analyzer": "registry",
    "build_registry": "registry",
    "load_custom_recognizers": "registry",
}

__all__ = sorted(_EXPORTS)


def __getattr__(name: str) -> Any:
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    return getattr(importlib.import_module(f"{__name__}.{module}"), name)
