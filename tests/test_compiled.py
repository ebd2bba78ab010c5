"""The compiled modules: built from the current sources, and switchable off.

With ``DERBES_REQUIRE_COMPILED=1`` (CI) every module listed in ``COMPILED`` must run compiled,
so that what CI tests and benchmarks is what a compiled install runs.
"""

from __future__ import annotations

import importlib
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


def test_each_module_runs_as_built_or_as_python():
    """Every listed module, whichever way this process runs: imported from its extension
    when (and only when) one sits next to its source and the switch is off; from its
    source otherwise. ``compiled_modules`` reports exactly those."""
    pure = compiled.pure_python()
    expected = []
    for name, source in compiled.COMPILED.items():
        built = any((ROOT / source).parent.glob(Path(source).stem + ".*.so"))
        loaded = Path(importlib.import_module(name).__file__ or "")
        if built and not pure:
            assert loaded.suffix == ".so" and loaded.parent == (ROOT / source).parent, name
            expected.append(name)
        else:
            assert loaded == ROOT / source, name
    assert compiled.compiled_modules() == expected
    # CI requires the build; its second pass runs the same tests as Python on purpose.
    if os.environ.get("DERBES_REQUIRE_COMPILED") == "1" and not pure:
        assert expected == list(compiled.COMPILED)


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


def test_classes_of_listed_modules_are_found_by_their_names():
    """Pickle finds a class by its module and name (Dask ships recognizers so): compiled,
    a class made by a function (namedtuple, dataclass(slots=True)) must still name its
    module, not the import machinery that ran the extension."""
    checked = 0
    for name in compiled.COMPILED:
        module = importlib.import_module(name)
        for value in vars(module).values():
            if isinstance(value, type) and not value.__module__.startswith("builtins"):
                owner = sys.modules.get(value.__module__)
                assert getattr(owner, value.__qualname__, None) is value, (name, value)
                checked += 1
    assert checked > len(compiled.COMPILED)
