"""AI402 check-then-act-across-await: a shared value tested, then assigned after an `await`."""

from __future__ import annotations

import ast
from collections.abc import Iterator

from scanners.model import Category, Confidence, RuleMeta, ScannerId, Severity
from scanners.project.context import RepoContext
from scanners.rules.base import Hit
from scanners.rules.python.astutil import SCOPE_NODES, dotted_name
from scanners.rules.python.locks import LockOrigins, async_functions
from scanners.source import SourceFile


def _first_await(stmts: list[ast.stmt]) -> ast.Await | None:
    first: ast.Await | None = None
    stack: list[ast.AST] = list(stmts)
    while stack:
        node = stack.pop()
        if isinstance(node, SCOPE_NODES):
            continue
        if isinstance(node, ast.Await) and (
            first is None or (node.lineno, node.col_offset) < (first.lineno, first.col_offset)
        ):
            first = node
        stack.extend(ast.iter_child_nodes(node))
    return first


def _assignments_after(
    stmts: list[ast.stmt], names: set[str], after: ast.Await
) -> Iterator[tuple[ast.stmt, str]]:
    """Assignments to one of `names` (or an item of it) that complete after `after` starts."""
    start = (after.lineno, after.col_offset)
    stack: list[ast.AST] = list(stmts)
    while stack:
        node = stack.pop()
        if isinstance(node, SCOPE_NODES):
            continue
        if isinstance(node, (ast.Assign, ast.AugAssign, ast.AnnAssign)):
            end = (node.end_lineno or node.lineno, node.end_col_offset or 0)
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            for target in targets:
                base = target.value if isinstance(target, ast.Subscript) else target
                name = dotted_name(base)
                if name in names and end >= start:
                    yield node, name
        stack.extend(ast.iter_child_nodes(node))


def _claims_before_await(stmts: list[ast.stmt], shared: set[str]) -> bool:
    """`_pending[key] = ensure_future(...)` before the first `await`: the request is claimed
    synchronously (one pending task per key), so later writes carry the same result."""
    for stmt in stmts:
        if _first_await([stmt]) is not None:
            return False
        for node in ast.walk(stmt):
            if isinstance(node, ast.Assign):
                for target in node.targets:
                    base = target.value if isinstance(target, ast.Subscript) else target
                    if dotted_name(base) in shared:
                        return True
    return False


def _module_containers(tree: ast.Module) -> set[str]:
    """Module-level names bound to a dict/list/set display or constructor (`_cache = {}`)."""
    names: set[str] = set()
    for stmt in tree.body:
        if isinstance(stmt, ast.Assign):
            targets, value = stmt.targets, stmt.value
        elif isinstance(stmt, ast.AnnAssign) and stmt.value is not None:
            targets, value = [stmt.target], stmt.value
        else:
            continue
        container = isinstance(value, (ast.Dict, ast.List, ast.Set)) or (
            isinstance(value, ast.Call)
            and (dotted_name(value.func) or "").rpartition(".")[2]
            in ("dict", "list", "set", "defaultdict", "OrderedDict", "WeakValueDictionary")
        )
        if container:
            names.update(t.id for t in targets if isinstance(t, ast.Name))
    return names


def _tested(test: ast.expr, shared: set[str]) -> set[str]:
    return {
        name
        for node in ast.walk(test)
        if isinstance(node, (ast.Name, ast.Attribute)) and (name := dotted_name(node) or "") in shared
    }


class CheckThenActAcrossAwaitRule:
    meta = RuleMeta(
        id="AI402",
        name="check-then-act-across-await",
        title="Shared state checked, then assigned after an `await`",
        category=Category.CONCURRENCY,
        severity=Severity.HIGH,
        confidence=Confidence.MEDIUM,
        scanner=ScannerId.AI_RULES,
        what=(
            "In an `async def`, flags a module global (declared `global`), an item of a "
            "module-level container (`_cache[key]`) or an instance attribute (`self.x`, or an "
            "item of it) that an `if` tests and the same branch assigns after an `await` — or, "
            "after a guard clause (`if key in _cache: return _cache[key]`), the code that follows "
            "it: while the coroutine waits, another task passes the same check and both act on a "
            "stale decision. Not flagged when the check and the assignment are under "
            "`async with <lock>` (an `asyncio.Lock` or other lock, recognised by the assignment "
            "that created it) or when no `await` separates them."
        ),
        why=(
            "A cache filled by `await fetch()` looks sequential in a single-request demo "
            "(ai-code-failures.md, 'JavaScript async race conditions': the `cachedUser` race, "
            "which asyncio reproduces exactly)."
        ),
        example=(
            "_cached_user = None\n"
            "\n"
            "\n"
            "async def get_user(user_id):\n"
            "    global _cached_user\n"
            "    if _cached_user is None or _cached_user.id != user_id:\n"
            "        _cached_user = await fetch_user(user_id)  # expect: AI402\n"
            "    return _cached_user\n"
            "\n"
            "\n"
            "class TokenSource:\n"
            "    async def token(self):\n"
            "        if self._token is None:\n"
            '            response = await self._client.post("/token")\n'
            '            self._token = response.json()["access_token"]  # expect: AI402\n'
            "        return self._token\n"
        ),
        use_instead=(
            "import asyncio\n"
            "\n"
            "_cached_user = None\n"
            "_lock = asyncio.Lock()\n"
            "_pending = {}\n"
            "\n"
            "\n"
            "async def get_user(user_id):\n"
            "    global _cached_user\n"
            "    async with _lock:\n"
            "        if _cached_user is None or _cached_user.id != user_id:\n"
            "            _cached_user = await fetch_user(user_id)\n"
            "        return _cached_user\n"
            "\n"
            "\n"
            "async def get_user_deduplicated(user_id):\n"
            "    global _cached_user\n"
            "    if _cached_user is not None and _cached_user.id == user_id:\n"
            "        return _cached_user\n"
            "    if user_id not in _pending:\n"
            "        _pending[user_id] = asyncio.ensure_future(fetch_user(user_id))\n"
            "    user = await _pending[user_id]\n"
            "    _pending.pop(user_id, None)\n"
            "    _cached_user = user\n"
            "    return user\n"
        ),
    )

    def check(self, source: SourceFile, context: RepoContext) -> Iterator[Hit]:
        found = async_functions(source)
        if found is None:
            return
        tree, functions, locks = found
        module_names = _module_containers(tree)
        for node in functions:
            yield from self._check_function(node, locks, module_names)

    def _check_function(
        self, function: ast.AsyncFunctionDef, locks: LockOrigins, module_names: set[str]
    ) -> Iterator[Hit]:
        shared: set[str] = set()
        stored: set[str] = {a.arg for a in (*function.args.args, *function.args.kwonlyargs)}
        stack: list[ast.AST] = list(function.body)
        while stack:
            node = stack.pop()
            if isinstance(node, ast.Name) and isinstance(node.ctx, ast.Store):
                stored.add(node.id)
            if isinstance(node, ast.Global):
                shared.update(node.names)
            elif (
                isinstance(node, ast.Attribute)
                and isinstance(node.value, ast.Name)
                and node.value.id == "self"
            ):
                shared.add(f"self.{node.attr}")
            if not isinstance(node, SCOPE_NODES):
                stack.extend(ast.iter_child_nodes(node))
        # A module-level dict/list/set the function only subscripts (`_cache[key] = …`).
        shared |= module_names - stored
        if shared:
            yield from self._check_block(function.body, shared, locks)

    def _check_block(
        self, stmts: list[ast.stmt], shared: set[str], locks: LockOrigins, seen: set[int] | None = None
    ) -> Iterator[Hit]:
        seen = set() if seen is None else seen  # one finding per assignment, however many checks
        for stmt in stmts:
            if isinstance(stmt, (ast.With, ast.AsyncWith)) and any(
                locks.is_lock(i.context_expr) for i in stmt.items
            ):
                continue  # check and act under one lock
            if isinstance(stmt, ast.If):
                tested = _tested(stmt.test, shared)
                branches = [stmt.body, stmt.orelse]
                if (
                    tested
                    and not stmt.orelse
                    and stmt.body
                    and isinstance(stmt.body[-1], (ast.Return, ast.Raise))
                ):
                    # A guard clause (`if key in _cache: return _cache[key]`): what follows it
                    # in the block is the other branch.
                    rest = stmts[stmts.index(stmt) + 1 :]
                    if not _claims_before_await(rest, shared):
                        branches.append(rest)
                for branch in branches:
                    first = _first_await(branch) if tested else None
                    if first is not None:
                        for assign, name in _assignments_after(branch, tested, first):
                            if id(assign) not in seen:
                                seen.add(id(assign))
                                yield self._hit(stmt, assign, name, first)
            for field in ("body", "orelse", "finalbody", "handlers"):
                inner = getattr(stmt, field, None)
                if isinstance(inner, list) and not isinstance(stmt, SCOPE_NODES):
                    blocks = [h.body for h in inner] if field == "handlers" else [inner]
                    for block in blocks:
                        yield from self._check_block(block, shared, locks, seen)

    def _hit(self, check: ast.If, assign: ast.stmt, name: str, first: ast.Await) -> Hit:
        return Hit(
            line=assign.lineno,
            column=assign.col_offset,
            message=(
                f"`{name}` is checked at line {check.lineno} and assigned here after the `await` at "
                f"line {first.lineno}: another task can pass the same check while this one waits, "
                "and the later write wins with stale data (the `cachedUser` race). Hold an "
                "`asyncio.Lock` across check and assignment, or share one pending task per key"
            ),
        )
