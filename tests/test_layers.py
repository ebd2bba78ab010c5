"""The layers import one way: detectors <- sources <- engine <- policy <- reports <- run/CLI.

Every import statement of the package (module level or inside a function: a lazy import is
still a dependency) is read from the source, without importing anything. The test fails on an
import cycle between modules, and on a module importing a layer above its own.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PACKAGES = {"scanner": "derbes.scanner", "detectors": "derbes.detectors",
            "reports": "derbes.reports"}

#: (importing package prefix, forbidden prefixes): what each layer must not know.
FORBIDDEN = [
    ("derbes.detectors", ("derbes.scanner", "derbes.reports")),
    ("derbes.scanner.sources", ("derbes.scanner.engine", "derbes.scanner.policy",
                                "derbes.reports", "derbes.scanner.run", "derbes.scanner.cli",
                                "derbes.scanner.config")),
    ("derbes.reports", ("derbes.scanner.sources", "derbes.scanner.engine",
                        "derbes.scanner.run", "derbes.scanner.cli")),
    ("derbes.scanner.engine", ("derbes.scanner.policy", "derbes.reports",
                               "derbes.scanner.run", "derbes.scanner.cli")),
    ("derbes.scanner.policy", ("derbes.scanner.sources", "derbes.scanner.engine",
                               "derbes.reports", "derbes.scanner.run", "derbes.scanner.cli")),
]


def _modules() -> dict[str, Path]:
    out = {}
    for folder, package in PACKAGES.items():
        # Cython-only modules (.pyx, no Python twin: scanner/compiled.py's NATIVE) too.
        for path in sorted([*(ROOT / folder).rglob("*.py"), *(ROOT / folder).rglob("*.pyx")]):
            rel = path.relative_to(ROOT / folder).with_suffix("")
            parts = [p for p in rel.parts if p != "__init__"]
            out[".".join([package, *parts])] = path
    return out


def _imports(path: Path, modules: dict[str, Path]) -> set[str]:
    found = set()
    if path.suffix == ".pyx":  # Cython, which ast cannot parse: its import statements
        for module, names in re.findall(r"(?m)^\s*from (\S+) c?import (.+)$", path.read_text(
                encoding="utf-8")):
            for name in (n.strip().split(" as ")[0] for n in names.split(",")):
                found.add(f"{module}.{name}" if f"{module}.{name}" in modules else module)
        return {n for n in found if n in modules}
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names = [a.name for a in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
            # ``from pkg import sub`` names the submodule when there is one.
            names = [f"{node.module}.{a.name}" if f"{node.module}.{a.name}" in modules
                     else node.module for a in node.names]
        else:
            continue
        found |= {n for n in names if n in modules}
    return found


def _graph() -> dict[str, set[str]]:
    modules = _modules()
    return {name: _imports(path, modules) - {name} for name, path in modules.items()}


def test_the_walk_sees_the_package():
    graph = _graph()
    assert "derbes.scanner.engine.scan" in graph and "derbes.detectors.kz_iin" in graph
    assert "derbes.scanner.engine.container" in graph["derbes.scanner.engine.scan"]


def test_no_layer_imports_one_above_it():
    breaches = [
        f"{module} imports {target}"
        for module, targets in sorted(_graph().items())
        for layer, forbidden in FORBIDDEN if module.startswith(layer)
        for target in sorted(targets) if target.startswith(forbidden)
    ]
    assert breaches == []


def test_the_engine_knows_sources_by_their_protocol_only():
    # What the engine needs of a source is in ``sources/base.py`` (``Source``,
    # ``RangeReadable``); no engine module imports a particular source or its helpers.
    reaching = [
        f"{module} imports {target}"
        for module, targets in sorted(_graph().items())
        if module.startswith("derbes.scanner.engine")
        for target in sorted(targets)
        if target.startswith("derbes.scanner.sources") and target not in (
            "derbes.scanner.sources", "derbes.scanner.sources.base")
    ]
    # Nor does it probe a source for what the protocol does not promise.
    for path in sorted((ROOT / "scanner" / "engine").glob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if (isinstance(node, ast.Call) and isinstance(node.func, ast.Name)
                    and node.func.id in ("getattr", "hasattr") and node.args
                    and "source" in ast.unparse(node.args[0])):
                reaching.append(f"{path.name}:{node.lineno} {ast.unparse(node)}")
    assert reaching == []


def test_one_source_never_imports_another():
    # Helpers the file sources share live in sources/ (discovery, encoding, remote).
    sources = ("derbes.scanner.sources.logs", "derbes.scanner.sources.sql",
               "derbes.scanner.sources.tabular")

    def source_of(module: str) -> str | None:
        # By package boundary: sources.sqldump (a helper once) is not sources.sql.
        return next((s for s in sources if module == s or module.startswith(s + ".")), None)

    crossing = [
        f"{module} imports {target}"
        for module, targets in sorted(_graph().items())
        if (mine := source_of(module)) is not None
        for target in sorted(targets)
        if source_of(target) not in (None, mine)
    ]
    assert crossing == []


#: The command line: the only modules that write to the terminal.
CLI = ("derbes.scanner.cli", "derbes.scanner.terminal")


def test_the_library_does_not_print():
    # The library returns results and raises derbes.scanner.errors; the CLI prints.
    printing = []
    for module, path in sorted(_modules().items()):
        if module in CLI:
            continue
        if path.suffix == ".pyx":  # Cython, which ast cannot parse: read line by line
            for lineno, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
                if re.search(r"\bprint\(|sys\.std(?:out|err)|^\s*(?:from|import) (?:rich|typer)",
                             line.split("#")[0]):
                    printing.append(f"{module}:{lineno} {line.strip()}")
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            text = ""
            if isinstance(node, ast.Call) and isinstance(node.func, ast.Name):
                text = "print(" if node.func.id == "print" else ""
            elif isinstance(node, ast.Attribute) and ast.unparse(node) in (
                    "sys.stdout", "sys.stderr"):
                text = ast.unparse(node)
            elif isinstance(node, ast.Import | ast.ImportFrom):
                names = ([a.name for a in node.names] if isinstance(node, ast.Import)
                         else [node.module or ""])
                text = next((n for n in names if n.split(".")[0] in ("rich", "typer")), "")
            if text:
                printing.append(f"{module}:{node.lineno} {text}")
    assert printing == []


def test_only_the_cli_imports_the_terminal():
    users = [m for m, targets in _graph().items()
             if "derbes.scanner.terminal" in targets and m not in CLI]
    assert users == []


def test_no_import_cycle():
    graph = _graph()
    cycles = []
    state: dict[str, int] = {}  # 1: on the current path, 2: done
    path: list[str] = []

    def visit(node: str) -> None:
        state[node] = 1
        path.append(node)
        for nxt in sorted(graph[node]):
            if state.get(nxt) == 1:
                cycles.append(" -> ".join([*path[path.index(nxt):], nxt]))
            elif nxt not in state:
                visit(nxt)
        path.pop()
        state[node] = 2

    for node in sorted(graph):
        if node not in state:
            visit(node)
    assert cycles == []


def test_corpora_are_for_tests_and_benchmarks_only():
    # The labelled corpora ship in the package so that tests and benchmarks import them by
    # name; a scan never needs them.
    users = [
        f"{module} imports {target}"
        for module, targets in sorted(_graph().items())
        if not module.startswith("derbes.detectors.corpora")
        for target in sorted(targets) if target.startswith("derbes.detectors.corpora")
    ]
    assert users == []


def test_tests_do_not_reach_into_benchmarks():
    # Shared corpus code lives in ``derbes.detectors.corpora``; tests import the installed
    # package, never ``benchmarks/`` through ``sys.path``.
    reaching = []
    for path in sorted((ROOT / "tests").rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            names = ([a.name for a in node.names] if isinstance(node, ast.Import)
                     else [node.module or ""] if isinstance(node, ast.ImportFrom) else [])
            if any(n == "benchmarks" or n.startswith("benchmarks.") for n in names):
                reaching.append(f"{path.relative_to(ROOT)}:{node.lineno}")
            if (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)
                    and ast.unparse(node.func) in ("sys.path.insert", "sys.path.append")
                    and "benchmarks" in ast.unparse(node)):
                reaching.append(f"{path.relative_to(ROOT)}:{node.lineno}")
    assert reaching == []
