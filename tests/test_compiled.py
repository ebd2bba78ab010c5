"""The compiled modules: built from the current sources, and switchable off.

With ``DERBES_REQUIRE_COMPILED=1`` (CI) every module listed in ``COMPILED`` must run compiled,
so that what CI tests and benchmarks is what a compiled install runs.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from derbes.scanner import compiled

ROOT = Path(__file__).resolve().parents[1]


def test_every_listed_module_exists_as_source():
    for name, source in compiled.COMPILED.items():
        assert (ROOT / source).is_file(), name
        assert name.rpartition(".")[2] == Path(source).stem


def test_compiled_when_required_and_none_when_pure():
    running = compiled.compiled_modules()
    # Whichever way this process runs, what runs compiled is exactly what was built: a listed
    # module runs compiled when (and only when) its extension sits next to its source.
    built = [name for name, source in compiled.COMPILED.items()
             if any((ROOT / source).parent.glob(Path(source).stem + ".*.so"))]
    if compiled.pure_python():
        assert running == []
    else:
        assert running == built
        if os.environ.get("DERBES_REQUIRE_COMPILED") == "1":
            assert running == list(compiled.COMPILED)


@pytest.mark.parametrize("pure", ["1", "0"])
def test_pure_python_switch_in_a_fresh_process(pure):
    code = (
        "import derbes.detectors, derbes.scanner.engine.fastpath as f, derbes.detectors.base as b;"
        "print(f.__file__.endswith('.py'), b.__file__.endswith('.py'))"
    )
    env = {**os.environ, compiled.PURE_ENV: pure}
    out = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True,
                         text=True, check=True).stdout.split()
    if pure == "1":
        assert out == ["True", "True"]
    else:
        built = any((ROOT / "scanner" / "engine").glob("fastpath.*.so"))
        assert out == ([str(not built)] * 2)


def test_stale_modules_are_found(tmp_path):
    source = tmp_path / "scanner" / "engine" / "fastpath.py"
    source.parent.mkdir(parents=True)
    built = source.with_name("fastpath.cpython-311-x86_64-linux-gnu.so")
    built.write_bytes(b"")
    source.write_text("")
    os.utime(built, (1, 1))
    assert compiled.stale_modules(tmp_path) == ["derbes.scanner.engine.fastpath"]
    os.utime(built, None)
    os.utime(source, (1, 1))
    assert compiled.stale_modules(tmp_path) == []
