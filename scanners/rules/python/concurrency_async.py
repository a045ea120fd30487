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
            "In an `async def`, flags a module global (declared `global`) or an instance attribute "
            "(`self.x`, or an item of it) that an `if` tests and the same branch assigns after an "
            "`await`: while the coroutine waits, another task passes the same check and both act "
            "on a stale decision. Not flagged when the check and the assignment are under "
            "`async with <lock>` (an `asyncio.Lock`) or when no `await` separates them."
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
        _, functions, locks = found
        for node in functions:
            yield from self._check_function(node, locks)

    def _check_function(self, function: ast.AsyncFunctionDef, locks: LockOrigins) -> Iterator[Hit]:
        shared: set[str] = set()
        stack: list[ast.AST] = list(function.body)
        while stack:
            node = stack.pop()
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
                for branch in (stmt.body, stmt.orelse):
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
