"""Which derbes modules run compiled, and the switch that runs them all as Python.

The modules in :data:`COMPILED` are hot per line or per value. The build (``setup.py``)
compiles them with Cython into C extension modules next to their source when it can; Python
then imports the extension instead of the source. They are the same code: the test suite
passes either way, and ``make test`` runs the fast-path tests both ways.

``DERBES_PURE_PYTHON=1`` at run time makes derbes import the sources even where compiled
modules exist (to profile, or to compare); at build time it skips compiling.
"""

from __future__ import annotations

import importlib.machinery
import importlib.util
import os
import sys
from importlib.abc import MetaPathFinder
from pathlib import Path

PURE_ENV = "DERBES_PURE_PYTHON"

#: Module -> its source, relative to the project root.
COMPILED: dict[str, str] = {
    "derbes.scanner.engine.fastpath": "scanner/engine/fastpath.py",
    "derbes.scanner.engine.detect": "scanner/engine/detect.py",
    "derbes.scanner.engine.container": "scanner/engine/container.py",
    "derbes.scanner.engine.timestamps": "scanner/engine/timestamps.py",
    "derbes.scanner.jsonpaths": "scanner/jsonpaths.py",
    "derbes.scanner.redact": "scanner/redact.py",
    "derbes.detectors.base": "detectors/base.py",
    "derbes.detectors.ip_address": "detectors/ip_address.py",
    "derbes.detectors.kz_iin": "detectors/kz_iin.py",
    "derbes.detectors.kz_bin": "detectors/kz_bin.py",
    "derbes.detectors.phone": "detectors/phone.py",
    "derbes.detectors.email": "detectors/email.py",
    "derbes.detectors.iban": "detectors/iban.py",
    "derbes.detectors.credit_card": "detectors/credit_card.py",
    "derbes.detectors.keyed": "detectors/keyed.py",
    "derbes.scanner.sources.logs.source": "scanner/sources/logs/source.py",
    "derbes.scanner.sources.logs.decompress": "scanner/sources/logs/decompress.py",
    "derbes.scanner.sources.logs.lines": "scanner/sources/logs/lines.py",
}


class _SourceFinder(MetaPathFinder):
    """Finds the ``.py`` source of a compiled module, so that the source is what runs."""

    def find_spec(self, fullname, path, target=None):
        if fullname not in COMPILED:
            return None
        spec = importlib.machinery.PathFinder.find_spec(fullname, path)
        if spec is None or spec.origin is None or spec.origin.endswith(".py"):
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


def compiled_modules() -> list[str]:
    """The modules of :data:`COMPILED` that this process runs compiled (imports them)."""
    out = []
    for name in COMPILED:
        module = importlib.import_module(name)
        if not (module.__file__ or "").endswith(".py"):
            out.append(name)
    return out


def stale_modules(root: Path) -> list[str]:
    """Compiled modules in the source tree at ``root`` older than their source: what an
    in-place build left behind before the source changed (``make compiled`` rebuilds)."""
    stale = []
    for name, source in COMPILED.items():
        py = root / source
        for built in py.parent.glob(py.stem + ".*.so"):
            if py.exists() and built.stat().st_mtime < py.stat().st_mtime:
                stale.append(name)
    return stale


install()
