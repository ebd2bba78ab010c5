"""derbes' Presidio recognizers for Kazakh personal data, and the registry that holds them.

    >>> from derbes.detectors import build_registry
    >>> from presidio_analyzer import AnalyzerEngine
    >>> engine = AnalyzerEngine(registry=build_registry(), nlp_engine=blank_nlp_engine())
"""

import derbes.scanner.compiled  # noqa: F401  (DERBES_PURE_PYTHON, before compiled modules)
from derbes.detectors.base import DerbesRecognizer
from derbes.detectors.categories import CATEGORIES, Category, category_of
from derbes.detectors.registry import (
    all_recognizers,
    blank_nlp_engine,
    build_analyzer,
    build_registry,
    load_custom_recognizers,
)

__all__ = [
    "CATEGORIES",
    "Category",
    "DerbesRecognizer",
    "all_recognizers",
    "blank_nlp_engine",
    "build_analyzer",
    "build_registry",
    "category_of",
    "load_custom_recognizers",
]
