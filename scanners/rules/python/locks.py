"""A lock recognised by what it is: the assignment that created it, not its name.

`self._guard = threading.Lock()` is a lock whatever it is called; `self.lock = open(path)`
is not, though its name says so. Only a name whose origin the file does not show (a
parameter, an import, an attribute set elsewhere) falls back to what it is called.
"""

from __future__ import annotations

import ast

from scanners.rules.python.astutil import ImportTable, build_import_table, dotted_name
from scanners.source import SourceFile

LOCK_FACTORIES = frozenset(
    {
        "threading.Lock",
        "threading.RLock",
        "threading.Condition",
        "threading.Semaphore",
        "threading.BoundedSemaphore",
        "asyncio.Lock",
        "asyncio.Semaphore",
        "asyncio.BoundedSemaphore",
        "asyncio.Condition",
        "multiprocessing.Lock",
        "multiprocessing.RLock",
        "multiprocessing.Semaphore",
        "multiprocessing.synchronize.Lock",
        "anyio.Lock",
        "anyio.Semaphore",
        "trio.Lock",
        "trio.Semaphore",
        "filelock.FileLock",
        "_thread.allocate_lock",
    }
)
_LOCK_WORDS = ("lock", "mutex", "semaphore", "cond", "sem")


def _looks_like_lock(name: str) -> bool:
    return any(word in name.rpartition(".")[2].lower() for word in _LOCK_WORDS)


class LockOrigins:
    """Which names of a module were created by a lock factory, and which by something else."""

    def __init__(self, tree: ast.Module, imports: ImportTable) -> None:
        self.imports = imports
        self.origins: dict[str, bool] = {}  # "self._lock" / "_lock" → created as a lock?
        for node in ast.walk(tree):
            if isinstance(node, ast.ClassDef):
                for stmt in node.body:  # class attributes are read through `self.`
                    if isinstance(stmt, ast.Assign):
                        for target in stmt.targets:
                            if isinstance(target, ast.Name):
                                self._record(f"self.{target.id}", stmt.value)
                                self._record(f"cls.{target.id}", stmt.value)
                                self._record(f"{node.name}.{target.id}", stmt.value)
            elif isinstance(node, (ast.Assign, ast.AnnAssign)) and node.value is not None:
                targets = node.targets if isinstance(node, ast.Assign) else [node.target]
                for target in targets:
                    name = dotted_name(target)
                    if name is not None:
                        self._record(name, node.value)

    def _record(self, name: str, value: ast.expr) -> None:
        created = isinstance(value, ast.Call) and self.imports.resolve(value.func) in LOCK_FACTORIES
        # One lock assignment anywhere makes it a lock (`self._lock = None` then a real one).
        self.origins[name] = self.origins.get(name, False) or created

    def is_lock(self, expr: ast.expr) -> bool:
        """`expr` (a `with` item, an `.acquire()` receiver) is a lock."""
        if isinstance(expr, ast.Call):
            if self.imports.resolve(expr.func) in LOCK_FACTORIES:
                return True  # `with threading.Lock():` (useless, but a lock)
            name = dotted_name(expr.func)
            return name is not None and _looks_like_lock(name)  # `with lock_for(key):`
        name = dotted_name(expr)
        if name is None:
            return False
        if name in self.origins:
            return self.origins[name]
        return _looks_like_lock(name)


def async_functions(source: SourceFile) -> tuple[ast.Module, list[ast.AsyncFunctionDef], LockOrigins] | None:
    """The tree, its `async def`s and its locks, or None when the file awaits nothing."""
    tree = source.python_tree
    if tree is None or "await" not in source.text:
        return None
    nodes = list(ast.walk(tree))
    functions = [n for n in nodes if isinstance(n, ast.AsyncFunctionDef)]
    if not functions:
        return None
    return tree, functions, LockOrigins(tree, build_import_table(nodes))
