"""AI403 lost-update-across-await: shared state read, then written back after an `await`."""

from __future__ import annotations

import ast
from collections.abc import Iterator

from scanners.model import Category, Confidence, RuleMeta, ScannerId, Severity
from scanners.project.context import RepoContext
from scanners.rules.base import Hit
from scanners.rules.python.astutil import SCOPE_NODES, dotted_name
from scanners.rules.python.locks import LockOrigins, async_functions
from scanners.source import SourceFile


def _own(node: ast.AST) -> Iterator[ast.AST]:
    """`node` and its descendants in the same scope (lambdas, comprehensions and nested
    functions run elsewhere)."""
    stack = [node]
    while stack:
        current = stack.pop()
        yield current
        stack.extend(c for c in ast.iter_child_nodes(current) if not isinstance(c, SCOPE_NODES))


def _key(target: ast.expr) -> str | None:
    """The text a read of `target` has: `self.total`, `cache[key]`, `total`."""
    if isinstance(target, (ast.Name, ast.Attribute)):
        return dotted_name(target)
    if isinstance(target, ast.Subscript):
        return ast.unparse(target)
    return None


def _in_other_arm(read: ast.AST, suspension: ast.Await, conditionals: list[ast.IfExp]) -> bool:
    """`x = x if ok else await f()`: the read and the await are alternatives."""
    for conditional in conditionals:
        arms = (conditional.body, conditional.orelse)
        read_arm = next((a for a in arms if any(n is read for n in ast.walk(a))), None)
        await_arm = next((a for a in arms if any(n is suspension for n in ast.walk(a))), None)
        if read_arm is not None and await_arm is not None and read_arm is not await_arm:
            return True
    return False


def _suspends_after_read(value: ast.expr, key: str) -> ast.Await | None:
    """An `await` in `value` that suspends after `key` was read: `x + await f()`,
    `await g(x)`, `x.get(k, 0) + await f()`; None when every read follows the awaits."""
    nodes = list(_own(value))
    awaits = sorted((n for n in nodes if isinstance(n, ast.Await)), key=lambda n: (n.lineno, n.col_offset))
    if not awaits:
        return None
    reads = [n for n in nodes if isinstance(n, (ast.Name, ast.Attribute, ast.Subscript)) and _key(n) == key]
    if not reads and "[" in key:
        base = key.partition("[")[0]  # `cache[k] = cache.get(k, 0) + await f()`
        reads = [n for n in nodes if isinstance(n, (ast.Name, ast.Attribute)) and dotted_name(n) == base]
    conditionals = [n for n in nodes if isinstance(n, ast.IfExp)]
    for suspension in awaits:
        end = (suspension.end_lineno or suspension.lineno, suspension.end_col_offset or 0)
        for read in reads:
            if (read.lineno, read.col_offset) < end and not _in_other_arm(read, suspension, conditionals):
                return suspension
    return None


class LostUpdateAcrossAwaitRule:
    meta = RuleMeta(
        id="AI403",
        name="lost-update-across-await",
        title="Shared state read, then written back after an `await`",
        category=Category.CONCURRENCY,
        severity=Severity.HIGH,
        confidence=Confidence.MEDIUM,
        scanner=ScannerId.AI_RULES,
        what=(
            "In an `async def`, flags an update of shared state — a module global the function "
            "declares `global`, an instance or class attribute (`self.x`, `cls.x`, or an item "
            "of one), or an item of a module-level container (`_cache[key]`) — whose old value "
            "is read before an `await` in the same statement: `self.total += await f()`, "
            "`total = total + await f()`, `_counts[k] = _counts.get(k, 0) + await f()`. Quiet "
            "when every read follows the awaits (`x = (await f()) + x`), for locals, and under "
            "`async with` an `asyncio.Lock` (recognised by the assignment that created it)."
        ),
        why=(
            "`self.total += await fetch()` reads `self.total`, suspends, then stores the old "
            "value plus the result: every update another task made while this one waited is "
            "lost. The augmented assignment looks atomic; across an `await` it is not (ESLint's "
            "`require-atomic-updates`, in Python)."
        ),
        example=(
            "_counts = {}\n"
            "total = 0\n"
            "\n"
            "\n"
            "async def record(key):\n"
            "    global total\n"
            "    total += await price_of(key)  # expect: AI403\n"
            "    _counts[key] = _counts.get(key, 0) + await weight_of(key)  # expect: AI403\n"
            "\n"
            "\n"
            "class Meter:\n"
            "    async def add(self, reading):\n"
            "        self.sum = self.sum + await normalise(reading)  # expect: AI403\n"
        ),
        use_instead=(
            "import asyncio\n"
            "\n"
            "_counts = {}\n"
            "total = 0\n"
            "\n"
            "\n"
            "async def record(key):\n"
            "    global total\n"
            "    price = await price_of(key)\n"
            "    total += price\n"
            "    weight = await weight_of(key)\n"
            "    _counts[key] = _counts.get(key, 0) + weight\n"
            "\n"
            "\n"
            "class Meter:\n"
            "    def __init__(self):\n"
            "        self._guard = asyncio.Lock()\n"
            "        self.sum = 0\n"
            "\n"
            "    async def add(self, reading):\n"
            "        async with self._guard:\n"
            "            self.sum = self.sum + await normalise(reading)\n"
        ),
    )

    def check(self, source: SourceFile, context: RepoContext) -> Iterator[Hit]:
        found = async_functions(source)
        if found is None:
            return
        tree, functions, locks = found
        module_names = {
            target.id
            for stmt in tree.body
            if isinstance(stmt, (ast.Assign, ast.AnnAssign))
            for target in (stmt.targets if isinstance(stmt, ast.Assign) else [stmt.target])
            if isinstance(target, ast.Name)
        }
        for function in functions:
            yield from self._check_function(function, module_names, locks)

    def _check_function(
        self, function: ast.AsyncFunctionDef, module_names: set[str], locks: LockOrigins
    ) -> Iterator[Hit]:
        declared: set[str] = set()
        local: set[str] = {a.arg for a in (*function.args.args, *function.args.kwonlyargs)}
        for node in _own_body(function):
            if isinstance(node, (ast.Global, ast.Nonlocal)):
                declared.update(node.names)
            elif isinstance(node, ast.Name) and isinstance(node.ctx, ast.Store):
                local.add(node.id)
        local -= declared
        for node in _own_body(function, locks):
            target: ast.expr
            if isinstance(node, ast.AugAssign):
                target, value = node.target, node.value
            elif isinstance(node, ast.Assign) and len(node.targets) == 1:
                target, value = node.targets[0], node.value
            else:
                continue
            key = _key(target)
            if key is None or not _shared(target, declared, module_names, local):
                continue
            if isinstance(node, ast.AugAssign):
                suspension = next((n for n in _own(value) if isinstance(n, ast.Await)), None)
            else:
                suspension = _suspends_after_read(value, key)
            if suspension is None:
                continue
            yield Hit(
                line=node.lineno,
                column=node.col_offset,
                message=(
                    f"`{key}` is read, then written back after the `await` on line {suspension.lineno}: "
                    f"every update another task makes while `{function.name}()` waits is lost. Await "
                    "into a local first, then update in one step (or hold an `asyncio.Lock`)"
                ),
            )


def _own_body(function: ast.AsyncFunctionDef, locks: LockOrigins | None = None) -> Iterator[ast.AST]:
    """Nodes of `function`'s own body; with `locks`, not those under `async with <lock>`."""
    stack: list[ast.AST] = list(function.body)
    while stack:
        node = stack.pop()
        if isinstance(node, SCOPE_NODES):
            continue
        if (
            locks is not None
            and isinstance(node, (ast.With, ast.AsyncWith))
            and any(locks.is_lock(i.context_expr) for i in node.items)
        ):
            continue
        yield node
        stack.extend(ast.iter_child_nodes(node))


def _shared(target: ast.expr, declared: set[str], module_names: set[str], local: set[str]) -> bool:
    if isinstance(target, ast.Name):
        return target.id in declared
    base = target.value if isinstance(target, ast.Subscript) else target
    name = dotted_name(base)
    if name is None:
        return False
    head = name.partition(".")[0]
    if head in ("self", "cls") and name.count(".") == 1:
        return True
    return (
        isinstance(target, ast.Subscript)
        and isinstance(base, ast.Name)
        and (name in declared or (name in module_names and name not in local))
    )
