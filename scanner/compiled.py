"""Which derbes modules run compiled, and the switch that runs them all as Python.

The modules in :data:`COMPILED` are hot per line or per value. The build (``setup.py``)
compiles them with Cython into C extension modules next to their source when it can; Python
then imports the extension instead of the source. They are the same code: the test suite
passes either way, and ``make test`` runs the fast-path tests both ways.

``DERBES_PURE_PYTHON=1`` at run time makes derbes import the sources even where compiled
modules exist (to profile, or to compare); at build time it skips compiling.
"""

from __future__ import annotations

import importlib
import os
import sysconfig
from pathlib import Path

if __name__ != "derbes_build":  # setup.py reads COMPILED before derbes is importable
    # The switch itself lives in the lowest layer (detectors), which must not import scanner.
    from derbes.detectors.purepython import PURE_ENV, install, pure_python

__all__ = ["COMPILED", "NATIVE", "PURE_ENV", "compiled_modules", "header_installed", "install",
           "pure_python", "stale_modules"]

#: Module -> its source, relative to the project root.
COMPILED: dict[str, str] = {
    "derbes.scanner.engine.fastpath": "scanner/engine/fastpath.py",
    "derbes.scanner.engine.marks": "scanner/engine/marks.py",
    "derbes.scanner.engine.detect": "scanner/engine/detect.py",
    "derbes.scanner.engine.container": "scanner/engine/container.py",
    "derbes.scanner.engine.timestamps": "scanner/engine/timestamps.py",
    "derbes.scanner.engine.decoding": "scanner/engine/decoding.py",
    "derbes.scanner.engine.pieces": "scanner/engine/pieces.py",
    "derbes.scanner.engine.shapes": "scanner/engine/shapes.py",
    "derbes.scanner.engine.evidence": "scanner/engine/evidence.py",
    "derbes.scanner.jsonpaths": "scanner/jsonpaths.py",
    "derbes.scanner.xmlpaths": "scanner/xmlpaths.py",
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
    "derbes.detectors.values": "detectors/values.py",
    "derbes.detectors.person_name": "detectors/person_name.py",
    "derbes.detectors.mac_address": "detectors/mac_address.py",
    "derbes.detectors.device_id": "detectors/device_id.py",
    "derbes.scanner.engine.logfields": "scanner/engine/logfields.py",
    "derbes.scanner.engine.structure": "scanner/engine/structure.py",
    "derbes.scanner.engine.distinct": "scanner/engine/distinct.py",
    "derbes.scanner.sources.logs.source": "scanner/sources/logs/source.py",
    "derbes.scanner.sources.decompress": "scanner/sources/decompress.py",
    "derbes.scanner.sources.logs.lines": "scanner/sources/logs/lines.py",
}


#: Modules written for Cython alone (no Python twin), each built only where the C library it
#: calls is installed, and used only where the modules it serves run compiled: module ->
#: (its source, the header it needs, the library it links).
NATIVE: dict[str, tuple[str, str, str]] = {
    # The system Hyperscan, called from C (derbes.scanner.engine.fastpath uses it).
    "derbes.scanner.engine.hsnative": ("scanner/engine/hsnative.pyx", "hs/hs.h", "hs"),
}


def header_installed(header: str) -> bool:
    """Whether the C compiler finds ``header`` (a :data:`NATIVE` module's) in the system's
    include folders: where ``setup.py`` builds that module, and where the tests expect it."""
    folders = [sysconfig.get_config_var("INCLUDEDIR") or "", "/usr/include",
               "/usr/local/include", *os.environ.get("CPATH", "").split(os.pathsep)]
    return any(folder and os.path.exists(os.path.join(folder, header)) for folder in folders)


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
    sources = {**COMPILED, **{name: source for name, (source, _, _) in NATIVE.items()}}
    for name, source in sources.items():
        py = root / source
        for built in py.parent.glob(py.stem + ".*.so"):
            if py.exists() and built.stat().st_mtime < py.stat().st_mtime:
                stale.append(name)
    return stale
