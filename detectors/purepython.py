"""The switch that runs derbes' compiled modules as Python: ``DERBES_PURE_PYTHON=1``.

The build compiles some modules (``scanner/compiled.py`` lists them) into C extension modules
next to their sources. With the switch set, this import hook makes Python load the ``.py``
source of any derbes module that has both. It lives here, in the lowest layer, so that
``detectors`` need not import ``scanner`` to install it; it imports nothing of derbes.
"""

from __future__ import annotations

import importlib.machinery
import importlib.util
import os
import sys
from importlib.abc import MetaPathFinder
from pathlib import Path

PURE_ENV = "DERBES_PURE_PYTHON"


class _SourceFinder(MetaPathFinder):
    """Finds the ``.py`` source of a compiled derbes module, so that the source is what runs."""

    def find_spec(self, fullname, path, target=None):
        if not fullname.startswith("derbes."):
            return None
        spec = importlib.machinery.PathFinder.find_spec(fullname, path)
        if spec is None or spec.origin is None or spec.origin.endswith(".py"):
            return spec
        if not spec.origin.endswith(tuple(importlib.machinery.EXTENSION_SUFFIXES)):
            return spec
        source = Path(spec.origin).with_name(fullname.rpartition(".")[2] + ".py")
        return importlib.util.spec_from_file_location(fullname, source) if source.exists() else spec


def pure_python() -> bool:
    """Whether compiled modules are ignored in this process."""
    return os.environ.get(PURE_ENV, "") not in ("", "0")


def install() -> None:
    """Put the source finder first when ``DERBES_PURE_PYTHON`` asks for it (idempotent)."""
    if pure_python() and not any(isinstance(f, _SourceFinder) for f in sys.meta_path):
        sys.meta_path.insert(0, _SourceFinder())


install()
