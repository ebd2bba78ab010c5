"""derbes' recognizers for Kazakh personal data, and the registry that holds them.

    >>> from derbes.detectors import build_registry
    >>> from presidio_analyzer import AnalyzerEngine
    >>> engine = AnalyzerEngine(registry=build_registry(), nlp_engine=blank_nlp_engine())

A recognizer is data and plain functions (:mod:`~derbes.detectors.base`); the Presidio
recognizers of a registry are built from them on request (:mod:`~derbes.detectors.presidio`),
so that only a caller who asks for Presidio pays for importing it (seconds: spaCy). The
names below are imported on first use, so that the ``DERBES_PURE_PYTHON`` switch
(:mod:`derbes.detectors.purepython`, installed first) and the category table load alone.
"""

from __future__ import annotations

import derbes.detectors.purepython  # noqa: F401  (DERBES_PURE_PYTHON, before compiled modules)
from derbes.detectors.lazy import lazy_exports

_EXPORTS = {
    "DerbesRecognizer": "base",
    "CATEGORIES": "categories",
    "Category": "categories",
    "category_of": "categories",
    "Pattern": "base",
    "all_recognizers": "registry",
    "blank_nlp_engine": "presidio",
    "build_analyzer": "presidio",
    "build_registry": "presidio",
    "load_custom_recognizers": "presidio",
    "presidio_class": "presidio",
}

__all__ = sorted(_EXPORTS)

__getattr__ = lazy_exports(__name__, _EXPORTS)
