"""Build hook for the compiled modules; everything else is in pyproject.toml.

derbes' hot modules (the fast path, the recognizer base and the busiest recognizers, the scan
engine; listed in ``scanner/compiled.py``) are plain Python that Cython compiles to C
extension modules when it can: the same source, about a fifth less time per line. Where no
compiler is available the build goes on without them (``optional``) and the same modules
run as Python. ``DERBES_PURE_PYTHON=1`` skips compiling.
"""

import os
import runpy

from setuptools import Extension, setup
from setuptools.command.build_ext import build_ext


class NamedBuildExt(build_ext):
    """``build_ext`` that names each module it compiles: a first build takes minutes, and
    ``-q`` would otherwise print nothing all that time."""

    def build_extension(self, ext) -> None:
        from setuptools.modified import newer_group

        if self.force or newer_group([*ext.sources, *ext.depends],
                                     self.get_ext_fullpath(ext.name), "newer"):
            print(f"derbes: compiling {ext.name} (C)", flush=True)
        super().build_extension(ext)


def extensions() -> list:
    if os.environ.get("DERBES_PURE_PYTHON", "") not in ("", "0"):
        return []
    try:
        from Cython.Build import cythonize
    except ImportError:  # no Cython: a pure-Python install
        return []
    listed = runpy.run_path("scanner/compiled.py", run_name="derbes_build")
    # -w: the warnings are about Cython's generated C, nothing to act on here.
    modules = [
        Extension(name, [path], optional=True, extra_compile_args=["-w"])
        for name, path in listed["COMPILED"].items()
    ]
    # Modules that call a C library: built where its header is (the build goes on without).
    for name, (path, header, library) in listed["NATIVE"].items():
        if listed["header_installed"](header):
            modules.append(Extension(name, [path], optional=True, libraries=[library],
                                     extra_compile_args=["-w"]))
        else:
            print(f"derbes: {name} not built: no {header} (optional; see README)", flush=True)
    return cythonize(
        modules,
        build_dir="build/cython",  # generated C stays out of the source folders
        # Cython finds a module's augmenting .pxd (C types for a .py, as detectors/ip_address.pxd)
        # by the module's full name: derbes/detectors/ip_address.pxd on its include path.
        include_path=[_package_tree()],
        # Annotations stay hints, as in Python: typed arguments would refuse a None the
        # Python code accepts.
        compiler_directives={"language_level": 3, "binding": True, "annotation_typing": False},
        # Python to C in parallel too (``make compiled`` passes ``-j`` for the C compiler).
        nthreads=os.cpu_count() or 1,
    )


def _package_tree() -> str:
    """``build/packages/derbes/{scanner,detectors,reports}``, links to the source folders:
    the installed package layout (``package-dir`` in pyproject.toml), for Cython."""
    root = os.path.join("build", "packages")
    package = os.path.join(root, "derbes")
    os.makedirs(package, exist_ok=True)
    open(os.path.join(package, "__init__.py"), "a").close()
    for folder in ("scanner", "detectors", "reports"):
        link = os.path.join(package, folder)
        if not os.path.lexists(link):
            os.symlink(os.path.abspath(folder), link)
    return root


setup(ext_modules=extensions(), cmdclass={"build_ext": NamedBuildExt})
