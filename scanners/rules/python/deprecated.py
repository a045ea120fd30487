"""AI201 deprecated-api: deprecated or removed Python APIs (data in deprecated_apis.py)."""

from __future__ import annotations

import ast
from collections.abc import Callable, Iterator

from scanners.model import Category, Confidence, RuleMeta, ScannerId, Severity
from scanners.project.context import RepoContext
from scanners.rules.base import Hit
from scanners.rules.python.astutil import (
    ImportTable,
    NodeIndex,
    dotted_name,
    handler_names,
    last_name,
    node_index,
)
from scanners.rules.python.deprecated_apis import (
    METHODS,
    MODULES,
    NAMES,
    SUGGESTED_TEST_METHOD,
    DeprecatedApi,
    Kind,
)
from scanners.source import SourceFile

# A `try` that catches one of these around a use is a compatibility shim, not a mistake.
_HitFn = Callable[[ast.AST, DeprecatedApi, str], Iterator[Hit]]

_SHIM_HANDLERS = frozenset({"ImportError", "ModuleNotFoundError", "AttributeError", "RuntimeError"})


def _is_version_test(test: ast.expr) -> bool:
    """`if sys.version_info < (3, 12):`, `if PY2:`, `if hasattr(x, "y"):` guard old APIs."""
    for node in ast.walk(test):
        if isinstance(node, ast.Attribute) and node.attr in ("version_info", "version", "hexversion"):
            return True
        if isinstance(node, ast.Name) and (
            node.id.startswith(("PY2", "PY3", "PY_3", "IS_PY")) or node.id == "hasattr"
        ):
            return True
    return False


def _is_logger(node: ast.expr) -> bool:
    name = last_name(node)
    if name is None:
        return False
    lowered = name.lower().strip("_")
    return lowered in ("log", "logger", "logging", "_log") or lowered.endswith(("_log", "_logger", "logger"))


def _span(node: ast.AST) -> tuple[int, int]:
    start = getattr(node, "lineno", 0)
    return start, getattr(node, "end_lineno", None) or start


class _Context:
    """Where the candidates sit: guarded regions, functions and test classes, by line span.

    Candidates are rare, so a linear look-up over a few spans beats tracking ancestry
    during a second walk of the tree.
    """

    def __init__(self, index: NodeIndex, text: str) -> None:
        self.guarded: list[tuple[int, int]] = []
        for node in index.of(ast.Try, ast.TryStar):
            if any(n.rpartition(".")[2] in _SHIM_HANDLERS for h in node.handlers for n in handler_names(h)):
                self.guarded.append(_span(node))
        if "version" in text or "PY" in text or "hasattr" in text:
            self.guarded.extend(_span(n) for n in index.of(ast.If) if _is_version_test(n.test))
        self._functions = index.of(ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda)
        self.test_classes = [
            _span(c)
            for c in index.of(ast.ClassDef)
            if any((dotted_name(b) or "").endswith("TestCase") for b in c.bases)
        ]
        self.defined = {f.name for f in self._functions if not isinstance(f, ast.Lambda)}

    def is_guarded(self, node: ast.AST) -> bool:
        line = getattr(node, "lineno", 0)
        return any(start <= line <= end for start, end in self.guarded)

    def in_async(self, node: ast.AST) -> bool:
        line = getattr(node, "lineno", 0)
        inner: ast.AST | None = None
        for function in self._functions:
            start, end = _span(function)
            if start <= line <= end and (inner is None or start >= getattr(inner, "lineno", 0)):
                inner = function
        return isinstance(inner, ast.AsyncFunctionDef)

    def in_test_class(self, node: ast.AST) -> bool:
        line = getattr(node, "lineno", 0)
        return any(start <= line <= end for start, end in self.test_classes)


_LAST_PARTS = frozenset(name.rpartition(".")[2] for name in NAMES)


def _imported(node: ast.Import | ast.ImportFrom) -> Iterator[tuple[str, str | None]]:
    """(module, qualified imported name or None) for each name the statement imports."""
    if isinstance(node, ast.Import):
        for alias in node.names:
            yield alias.name, None
    elif node.module and not node.level:
        for alias in node.names:
            yield node.module, f"{node.module}.{alias.name}"


def _module_entry(module: str) -> DeprecatedApi | None:
    top = module.partition(".")[0]
    return MODULES.get(module) or MODULES.get(top)


class DeprecatedApiRule:
    meta = RuleMeta(
        id="AI201",
        name="deprecated-api",
        title="Deprecated or removed Python API",
        category=Category.TEMPORAL,
        severity=Severity.MEDIUM,
        confidence=Confidence.HIGH,
        scanner=ScannerId.AI_RULES,
        what=(
            "Flags uses of Python APIs that were deprecated or removed (`datetime.utcnow`, "
            "`asyncio.get_event_loop` outside a coroutine, `imp`, `distutils`, `pkg_resources`, "
            "`collections` ABC aliases, `logging.warn`, unittest aliases, `ssl.wrap_socket`, the "
            "PEP 594 modules, `locale.getdefaultlocale`, …), resolved through the file's imports. "
            "The message gives the version that deprecated it, the one that removes it and the "
            "replacement; the severity rises to high when the repository's `requires-python` is "
            "at or beyond the removal. Uses inside `try/except ImportError` shims or under "
            "`sys.version_info` checks are not flagged."
        ),
        why=(
            "Models learn from years of code written before the deprecation: the training data's "
            "most common spelling of an API is often the old one (ai-code-failures.md, 'The "
            "Training Data Temporal Disconnect')."
        ),
        example=(
            "import asyncio\n"
            "import imp  # expect: AI201\n"
            "from collections import Mapping  # expect: AI201\n"
            "from datetime import datetime\n"
            "\n"
            "\n"
            "def stamp() -> str:\n"
            "    return datetime.utcnow().isoformat()  # expect: AI201\n"
            "\n"
            "\n"
            "def main() -> None:\n"
            "    loop = asyncio.get_event_loop()  # expect: AI201\n"
            "    loop.run_until_complete(asyncio.sleep(0))\n"
        ),
        use_instead=(
            "import asyncio\n"
            "import importlib.util\n"
            "from collections.abc import Mapping\n"
            "from datetime import UTC, datetime\n"
            "\n"
            "try:\n"
            "    from importlib.metadata import version\n"
            "except ImportError:  # a guarded fallback for old Pythons is a shim, not a mistake\n"
            "    import pkg_resources\n"
            "\n"
            "\n"
            "def stamp() -> str:\n"
            "    return datetime.now(UTC).isoformat()\n"
            "\n"
            "\n"
            "async def work() -> None:\n"
            "    loop = asyncio.get_event_loop()  # inside a coroutine the running loop is returned\n"
            "    await asyncio.sleep(0, loop.time())\n"
            "\n"
            "\n"
            "def main() -> None:\n"
            "    asyncio.run(work())\n"
        ),
    )

    def check(self, source: SourceFile, context: RepoContext) -> Iterator[Hit]:
        index = node_index(source)
        if index is None:
            return
        imports = index.imports
        where = _Context(index, source.text)
        requires = context.python.requires_python
        seen: set[tuple[int, str]] = set()

        def hit(node: ast.AST, api: DeprecatedApi, shown: str) -> Iterator[Hit]:
            line = getattr(node, "lineno", 1)
            if (line, api.name) in seen or where.is_guarded(node):
                return
            seen.add((line, api.name))
            yield self._hit(node, api, shown, requires)

        for node in index.of(ast.Import, ast.ImportFrom):
            for module, qualified in _imported(node):
                entry = _module_entry(module)
                if entry:
                    yield from hit(node, entry, f"`{module}`")
                entry = (NAMES.get(qualified) or MODULES.get(qualified)) if qualified else None
                if entry:
                    yield from hit(node, entry, f"`{qualified}`")
        for attr in index.of(ast.Attribute):
            if attr.attr not in _LAST_PARTS:
                continue
            resolved = next((q for q in imports.resolve_all(attr) if q in NAMES), None)
            entry = NAMES.get(resolved) if resolved else None
            if entry is None or (entry.name == "asyncio.get_event_loop" and where.in_async(attr)):
                continue
            yield from hit(attr, entry, f"`{resolved}`")
        for call in index.of(ast.Call):
            func = call.func
            if isinstance(func, ast.Attribute) and (func.attr in METHODS or func.attr == "warn"):
                yield from self._method_hits(call, imports, where, hit)

    def _method_hits(
        self, call: ast.Call, imports: ImportTable, where: _Context, hit: _HitFn
    ) -> Iterator[Hit]:
        func = call.func
        assert isinstance(func, ast.Attribute)
        if func.attr == "warn":
            # `logging.warn` itself resolves through NAMES; here only logger objects.
            if _is_logger(func.value) and imports.resolve(func.value) not in ("warnings", "logging"):
                yield from hit(
                    call, NAMES["logging.Logger.warn"], f"`{dotted_name(func) or 'Logger.warn'}()`"
                )
            return
        entry = METHODS[func.attr]
        if entry.kind is Kind.TEST_METHOD:
            # Only unittest's own aliases: a test class, and no helper of that name in the file
            # (SQLAlchemy's fixtures define their own `assert_`).
            if (
                isinstance(func.value, ast.Name)
                and func.value.id == "self"
                and func.attr not in where.defined
                and where.in_test_class(call)
            ):
                yield from hit(call, entry, f"`self.{func.attr}()`")
        elif entry.kind is Kind.THREAD_METHOD:
            if imports.imports_module("threading"):
                yield from hit(call, entry, f"`.{func.attr}()`")
        elif entry.kind is Kind.ETREE_METHOD and imports.imports_module("xml.etree"):
            yield from hit(call, entry, f"`.{func.attr}()`")

    def _hit(self, node: ast.AST, api: DeprecatedApi, shown: str, requires: tuple[int, int] | None) -> Hit:
        replacement = api.replacement
        if api.kind is Kind.TEST_METHOD and api.name in SUGGESTED_TEST_METHOD:
            replacement = f"`{SUGGESTED_TEST_METHOD[api.name]}`"
        removed = f"removed in Python {api.removed[0]}.{api.removed[1]}" if api.removed else "not yet removed"
        severity = None
        if api.removed and requires and requires >= api.removed:
            severity = Severity.HIGH
            removed += f", and this repository requires Python >= {requires[0]}.{requires[1]}"
        message = f"{shown} is deprecated since {api.deprecated} ({removed}); use {replacement} instead"
        return Hit(
            line=getattr(node, "lineno", 1),
            column=getattr(node, "col_offset", 0),
            end_line=getattr(node, "end_lineno", None),
            message=message,
            severity=severity,
        )
