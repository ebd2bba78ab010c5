"""Package names imported on first use: one helper for every package that exports lazily.

    >>> __getattr__ = lazy_exports(__name__, {"Policy": "model"})  # doctest: +SKIP

makes ``package.Policy`` import ``package.model`` the first time it is asked for, so that a
light part of a package (the category table, the flags) loads without the heavy rest. It
lives in the lowest layer so that ``detectors`` can use it too.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable, Mapping
from typing import Any


def lazy_exports(package: str, exports: Mapping[str, str]) -> Callable[[str], Any]:
    """A module ``__getattr__`` for ``package``: ``name`` comes from the submodule
    ``exports[name]``, imported when the name is first read."""

    def __getattr__(name: str) -> Any:
        module = exports.get(name)
        if module is None:
            raise AttributeError(f"module {package!r} has no attribute {name!r}")
        return getattr(importlib.import_module(f"{package}.{module}"), name)

    return __getattr__
