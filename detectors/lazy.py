"""Imports on first use: package names exported lazily, and numpy loaded without threads.

    >>> __getattr__ = lazy_exports(__name__, {"Policy": "model"})  # doctest: +SKIP

makes ``package.Policy`` import ``package.model`` the first time it is asked for, so that a
light part of a package (the category table, the flags) loads without the heavy rest. It
lives in the lowest layer so that ``detectors`` can use it too.
"""

from __future__ import annotations

import importlib
import os
import sys
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from typing import Any

#: What OpenBLAS (numpy's linear algebra) reads, once, as it loads.
BLAS_THREADS_ENV = "OPENBLAS_NUM_THREADS"


def lazy_exports(package: str, exports: Mapping[str, str]) -> Callable[[str], Any]:
    """A module ``__getattr__`` for ``package``: ``name`` comes from the submodule
    ``exports[name]``, imported when the name is first read."""

    def __getattr__(name: str) -> Any:
        module = exports.get(name)
        if module is None:
            raise AttributeError(f"module {package!r} has no attribute {name!r}")
        return getattr(importlib.import_module(f"{package}.{module}"), name)

    return __getattr__


@contextmanager
def one_blas_thread() -> Iterator[None]:
    """``OPENBLAS_NUM_THREADS=1`` while what imports numpy loads, unless numpy is loaded
    already or the user set it; the environment is as it was afterwards (OpenBLAS reads it
    when it loads, and processes started later inherit the user's).

    derbes loads numpy only because pyarrow and DataSketches import it, and does no linear
    algebra. Left to itself OpenBLAS starts a thread per further core, and each spins for
    about 40 ms of CPU as it starts: on the free cores, taking the CPU of a ``--jobs`` scan's
    workers, or on the one core a pinned scan has. With one thread, importing pyarrow also
    takes about half the CPU (150 -> 85 ms here).
    """
    if "numpy" in sys.modules or BLAS_THREADS_ENV in os.environ:
        yield
        return
    os.environ[BLAS_THREADS_ENV] = "1"
    try:
        yield
    finally:
        os.environ.pop(BLAS_THREADS_ENV, None)
