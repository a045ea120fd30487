"""The engine's import boundary: `scanners/` is a plain library.

It never imports Django or the web application (statically, anywhere in a file, and
really, in a fresh interpreter); its modules import each other without cycles; the
repository's facts (`scanners/project/`) and the tool adapters (`scanners/tools/`) never
load the rules, not even through another module; and no module imports a package above
it that aggregates modules.
"""

from __future__ import annotations

import ast
import subprocess
import sys
from collections.abc import Iterator
from functools import cache
from pathlib import Path

import pytest

import scanners

PACKAGE_DIR = Path(scanners.__file__).resolve().parent
REPO_ROOT = PACKAGE_DIR.parent
FORBIDDEN = ("django", "auditor")


def _module_name(path: Path) -> str:
    parts = path.relative_to(REPO_ROOT).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


@cache
def _modules() -> dict[str, Path]:
    """Every module of the engine, by dotted name."""
    return {_module_name(path): path for path in sorted(PACKAGE_DIR.rglob("*.py"))}


def _is_package(name: str) -> bool:
    return _modules()[name].name == "__init__.py"


def _imported_names(name: str) -> Iterator[tuple[str, int]]:
    """(dotted name, line) of every import in the module, wherever it stands: module
    level, inside functions, under `if TYPE_CHECKING:`, and `import_module("…")` calls
    with a literal name. `from a import b` yields `a` and `a.b` (b may be a module)."""
    path = _modules()[name]
    package = name if _is_package(name) else name.rpartition(".")[0]
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), filename=str(path))):
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield alias.name, node.lineno
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")[: len(package.split(".")) - node.level + 1]
                origin = ".".join([*base, node.module] if node.module else base)
            else:
                origin = node.module or ""
            yield origin, node.lineno
            for alias in node.names:
                yield f"{origin}.{alias.name}", node.lineno
        elif isinstance(node, ast.Call) and _is_dynamic_import(node):
            yield node.args[0].value, node.lineno  # type: ignore[attr-defined]


def _is_dynamic_import(node: ast.Call) -> bool:
    func = node.func
    called = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")
    return (
        called in ("import_module", "__import__")
        and bool(node.args)
        and isinstance(node.args[0], ast.Constant)
        and isinstance(node.args[0].value, str)
    )


@cache
def _graph() -> dict[str, frozenset[str]]:
    """Module → the engine modules it imports (its own name left out)."""
    modules = _modules()
    return {
        name: frozenset(n for n, _ in _imported_names(name) if n in modules and n != name) for name in modules
    }


@cache
def _transitive() -> dict[str, frozenset[str]]:
    """Module → every engine module it loads, directly or through others."""
    graph = _graph()
    closure: dict[str, frozenset[str]] = {}
    for start in graph:
        seen: set[str] = set()
        todo = list(graph[start])
        while todo:
            current = todo.pop()
            if current not in seen:
                seen.add(current)
                todo.extend(graph[current])
        closure[start] = frozenset(seen)
    return closure


def _cycles(graph: dict[str, frozenset[str]]) -> list[list[str]]:
    """Strongly connected components with more than one module (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for target in sorted(graph[node]):
            if target not in index:
                visit(target)
                low[node] = min(low[node], low[target])
            elif target in on_stack:
                low[node] = min(low[node], index[target])
        if low[node] == index[node]:
            component = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                component.append(member)
                if member == node:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return found


def test_the_walk_sees_every_part_of_the_engine() -> None:
    names = set(_modules())
    assert {"scanners", "scanners.engine", "scanners.project.context", "scanners.rules.registry"} <= names
    assert "scanners.tools.bandit" in _graph()["scanners.registry"]


def test_no_engine_module_imports_django_or_the_web_application() -> None:
    offenders = [
        f"{_modules()[name].relative_to(REPO_ROOT)}:{line} imports {imported}"
        for name in _modules()
        for imported, line in _imported_names(name)
        if imported.split(".")[0] in FORBIDDEN
    ]
    assert offenders == []


def test_importing_every_engine_module_loads_neither_django_nor_the_web_application() -> None:
    # A fresh interpreter: this test process has Django loaded already.
    script = (
        "import sys\n"
        f"for name in {sorted(_modules())!r}:\n"
        "    __import__(name)\n"
        f"loaded = sorted(m for m in sys.modules if m.split('.')[0] in {FORBIDDEN!r})\n"
        "print(len([m for m in sys.modules if m.startswith('scanners')]), loaded)\n"
    )
    completed = subprocess.run(
        [sys.executable, "-c", script], cwd=REPO_ROOT, capture_output=True, text=True, check=False, timeout=60
    )
    assert completed.returncode == 0, completed.stderr
    count, loaded = completed.stdout.split(" ", 1)
    assert int(count) >= len(_modules())
    assert loaded.strip() == "[]"


def test_the_engine_modules_import_each_other_without_cycles() -> None:
    assert _cycles(_graph()) == []


def test_the_cycle_check_finds_a_cycle() -> None:
    graph = {"a": frozenset({"b"}), "b": frozenset({"c"}), "c": frozenset({"a"}), "d": frozenset({"a"})}
    assert _cycles(graph) == [["a", "b", "c"]]


@pytest.mark.parametrize(
    ("package", "forbidden"),
    [
        ("scanners.project", "scanners.rules"),  # facts about the repository, not judgements
        ("scanners.tools", "scanners.rules"),  # adapters of other people's analysers
    ],
)
def test_a_lower_layer_never_imports_a_higher_one(package: str, forbidden: str) -> None:
    offenders = {
        name: sorted(target for target in targets if target.startswith(forbidden))
        for name, targets in _transitive().items()
        if name == package or name.startswith(package + ".")
    }
    assert {name: targets for name, targets in offenders.items() if targets} == {}


def test_no_module_imports_an_aggregating_package_above_it() -> None:
    # A package __init__ that imports modules is an aggregator: a module below it that
    # imports it back points up. Leaf packages (docstring, constants) may be imported.
    aggregators = {name for name in _modules() if _is_package(name) and _graph()[name]}
    offenders = [
        (name, target)
        for name, targets in _graph().items()
        for target in targets
        if target in aggregators and name.startswith(target + ".")
    ]
    assert offenders == []
