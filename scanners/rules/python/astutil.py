"""Small AST helpers shared by the behaviour rules: import resolution and dotted names.

Resolution is deliberately flow-insensitive (one alias table per file, whatever the
scope of the import): `from datetime import datetime` anywhere in the file makes
`datetime.utcnow` resolve to `datetime.datetime.utcnow`. Rebinding an imported name to
something else in the same file is rare enough that the gain in speed is worth it.
"""

from __future__ import annotations

import ast
from collections.abc import Iterable, Iterator

FunctionNode = ast.FunctionDef | ast.AsyncFunctionDef
SCOPE_NODES = (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda, ast.ClassDef)


def dotted_name(node: ast.expr) -> str | None:
    """`a.b.c` for a Name/Attribute chain, else None (`f().x`, `a[0].b`)."""
    parts: list[str] = []
    while isinstance(node, ast.Attribute):
        parts.append(node.attr)
        node = node.value
    if not isinstance(node, ast.Name):
        return None
    parts.append(node.id)
    return ".".join(reversed(parts))


def last_name(node: ast.expr) -> str | None:
    """The final identifier of `node` (`self._lock` → `_lock`, `lock` → `lock`)."""
    if isinstance(node, ast.Attribute):
        return node.attr
    if isinstance(node, ast.Name):
        return node.id
    return None


class ImportTable:
    """Local names bound by imports → the fully qualified name they stand for."""

    __slots__ = ("aliases", "modules")

    def __init__(self) -> None:
        self.aliases: dict[str, str] = {}
        self.modules: set[str] = set()  # every module imported anywhere in the file

    def add(self, node: ast.Import | ast.ImportFrom) -> None:
        if isinstance(node, ast.Import):
            for alias in node.names:
                self.modules.add(alias.name)
                if alias.asname:
                    self.aliases[alias.asname] = alias.name
                else:
                    top = alias.name.partition(".")[0]
                    self.aliases[top] = top
        elif node.module and not node.level:
            self.modules.add(node.module)
            for alias in node.names:
                if alias.name != "*":
                    self.aliases[alias.asname or alias.name] = f"{node.module}.{alias.name}"

    def resolve(self, node: ast.expr) -> str | None:
        """Qualified name of a Name/Attribute chain whose base is an import, else None."""
        name = dotted_name(node)
        if name is None:
            return None
        head, dot, rest = name.partition(".")
        base = self.aliases.get(head)
        if base is None:
            return None
        return f"{base}{dot}{rest}"

    def imports_module(self, prefix: str) -> bool:
        return any(m == prefix or m.startswith(prefix + ".") for m in self.modules)


def build_import_table(nodes: Iterable[ast.AST]) -> ImportTable:
    table = ImportTable()
    for node in nodes:
        if isinstance(node, (ast.Import, ast.ImportFrom)):
            table.add(node)
    return table


def walk_function_body(func: ast.AST) -> Iterator[ast.AST]:
    """Every node inside `func`'s body, not descending into nested functions or classes."""
    stack: list[ast.AST] = list(getattr(func, "body", []))
    while stack:
        node = stack.pop()
        yield node
        if isinstance(node, SCOPE_NODES):
            continue
        stack.extend(ast.iter_child_nodes(node))


def handler_names(handler: ast.ExceptHandler) -> list[str]:
    """Dotted names an `except` clause catches (`except (OSError, x.Y)` → [OSError, x.Y])."""
    if handler.type is None:
        return []
    types = handler.type.elts if isinstance(handler.type, ast.Tuple) else [handler.type]
    return [n for n in (dotted_name(t) for t in types) if n is not None]


def is_test_path(path: str) -> bool:
    """Test modules by the usual layouts (tests/, test_*.py, *_test.py, conftest.py)."""
    parts = path.split("/")
    filename = parts[-1]
    return (
        any(p in ("tests", "test", "testing") for p in parts[:-1])
        or filename.startswith("test_")
        or filename.endswith("_test.py")
        or filename == "conftest.py"
    )
