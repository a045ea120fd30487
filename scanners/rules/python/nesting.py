"""AI702: Python functions whose blocks nest too deep (ESLint `max-depth`'s rule, in Python).

Counted per function (a nested function or class starts again at zero): `if` (an `elif`
continues its chain), `for` / `async for`, `while`, `try` (and `try*`), `with` /
`async with` and `match`. Python's complexity has its own finding (RAD001, radon).
"""

from __future__ import annotations

import ast
from collections.abc import Iterator

from scanners.model import Category, Confidence, RuleMeta, ScannerId, Severity
from scanners.project.context import RepoContext
from scanners.rules.base import Hit
from scanners.rules.python.astutil import node_index
from scanners.source import SourceFile

MAX_DEPTH = 4  # the same limit as AI703 (ESLint max-depth's default)

_BLOCKS: tuple[type[ast.stmt], ...] = (
    ast.If,
    ast.For,
    ast.AsyncFor,
    ast.While,
    ast.Try,
    ast.TryStar,
    ast.With,
    ast.AsyncWith,
    ast.Match,
)
_FUNCTIONS = (ast.FunctionDef, ast.AsyncFunctionDef)


def _bodies(node: ast.stmt) -> list[list[ast.stmt]]:
    """The statement lists directly inside a block (an `elif` is the `orelse` `If`)."""
    bodies = [getattr(node, name, []) for name in ("body", "orelse", "finalbody")]
    bodies.extend(h.body for h in getattr(node, "handlers", []))
    bodies.extend(c.body for c in getattr(node, "cases", []))
    return bodies


def deepest_block(function: ast.FunctionDef | ast.AsyncFunctionDef) -> tuple[int, int]:
    """(depth, line of the deepest block) inside `function`, nested scopes excluded."""
    best = (0, 0)
    # (statement, depth of the blocks enclosing it, is it an `elif` of its parent)
    stack: list[tuple[ast.stmt, int, bool]] = [(s, 0, False) for s in function.body]
    while stack:
        node, depth, is_elif = stack.pop()
        if isinstance(node, (*_FUNCTIONS, ast.ClassDef)):
            continue
        if not isinstance(node, _BLOCKS):
            continue
        inner = depth if is_elif else depth + 1
        if inner > best[0]:
            best = (inner, node.lineno)
        for body in _bodies(node):
            # `elif` stays at its chain's depth; an `if` inside `else:` nests, as in ESLint.
            # The AST holds both as an `orelse` of one `If`: an `elif` starts at the
            # column of its chain's `if`.
            chain = isinstance(node, ast.If) and body is node.orelse and len(body) == 1
            stack.extend(
                (child, inner, chain and isinstance(child, ast.If) and child.col_offset == node.col_offset)
                for child in body
            )
    return best


class DeeplyNestedFunctionRule:
    meta = RuleMeta(
        id="AI702",
        name="deeply-nested-function",
        title="Python function with deeply nested blocks",
        category=Category.COMPLEXITY,
        severity=Severity.LOW,
        confidence=Confidence.HIGH,
        scanner=ScannerId.AI_RULES,
        what=(
            f"Flags a function or method whose blocks nest more than {MAX_DEPTH} deep: `if` (an "
            "`elif` continues the chain, an `if` alone in an `else:` nests), `for`, `while`, `try`, "
            "`with` and `match`, async forms "
            "included; a nested function or class is measured on its own. The finding is on the "
            "deepest block. The JavaScript/TypeScript equivalent is AI703."
        ),
        why=(
            "Assistants handle each new condition by wrapping the existing code in one more `if` "
            "or loop; five levels in, the reader can no longer tell which case a line runs in."
        ),
        example=(
            "def sync(users):\n"
            "    for user in users:\n"
            "        if user.active:\n"
            "            try:\n"
            "                for device in user.devices:\n"
            "                    if device.stale:  # expect: AI702\n"
            "                        device.refresh()\n"
            "            except OSError as error:\n"
            "                report(error)\n"
        ),
        use_instead=(
            "def refresh_stale(user):\n"
            "    for device in user.devices:\n"
            "        if device.stale:\n"
            "            device.refresh()\n"
            "\n"
            "\n"
            "def sync(users):\n"
            "    for user in users:\n"
            "        if not user.active:\n"
            "            continue\n"
            "        try:\n"
            "            refresh_stale(user)\n"
            "        except OSError as error:\n"
            "            report(error)\n"
        ),
    )

    def check(self, source: SourceFile, context: RepoContext) -> Iterator[Hit]:
        index = node_index(source)
        if index is None:
            return
        functions = [*index.of(ast.FunctionDef), *index.of(ast.AsyncFunctionDef)]
        for function in sorted(functions, key=lambda f: f.lineno):
            assert isinstance(function, _FUNCTIONS)
            depth, line = deepest_block(function)
            if depth > MAX_DEPTH:
                yield Hit(
                    line,
                    f"`{function.name}` nests blocks {depth} deep (more than {MAX_DEPTH}): return "
                    "or `continue` early, or move the inner loop or branch into a function of its own.",
                )
