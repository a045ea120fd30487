"""AI201 deprecated-api: deprecated or removed Python APIs (data in deprecated_apis.py)."""

from __future__ import annotations

import ast
from collections.abc import Callable, Iterator
from typing import TYPE_CHECKING

from scanners.model import Category, Confidence, RuleMeta, Severity
from scanners.rules.base import Hit
from scanners.rules.python.astutil import ImportTable, dotted_name, handler_names, last_name
from scanners.rules.python.deprecated_apis import (
    METHODS,
    MODULES,
    NAMES,
    SUGGESTED_TEST_METHOD,
    DeprecatedApi,
    Kind,
)

if TYPE_CHECKING:
    from scanners.context import RepoContext
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


class _Collector:
    """One pass over the module: imports plus every candidate use with its guard state."""

    def __init__(self) -> None:
        self.imports = ImportTable()
        self.modules: list[tuple[ast.stmt, str]] = []  # (import node, module name)
        self.from_names: list[tuple[ast.ImportFrom, str]] = []  # (node, qualified name)
        self.attributes: list[tuple[ast.Attribute, bool]] = []  # (node, inside async def)
        self.methods: list[ast.Call] = []

    def visit(self, node: ast.AST, in_async: bool, guarded: bool) -> None:
        if isinstance(node, (ast.Import, ast.ImportFrom)):
            self.imports.add(node)
            if not guarded:
                self._record_import(node)
            return
        if isinstance(node, ast.AsyncFunctionDef):
            in_async = True
        elif isinstance(node, (ast.FunctionDef, ast.Lambda)):
            in_async = False
        elif isinstance(node, ast.Try | ast.TryStar):
            shim = any(
                name.rpartition(".")[2] in _SHIM_HANDLERS for h in node.handlers for name in handler_names(h)
            )
            for child in ast.iter_child_nodes(node):
                self.visit(child, in_async, guarded or shim)
            return
        elif isinstance(node, ast.If) and _is_version_test(node.test):
            for child in ast.iter_child_nodes(node):
                self.visit(child, in_async, True)
            return
        elif not guarded:
            if isinstance(node, ast.Attribute):
                self.attributes.append((node, in_async))
            elif (
                isinstance(node, ast.Call)
                and isinstance(node.func, ast.Attribute)
                and (node.func.attr in METHODS or node.func.attr == "warn")
            ):
                self.methods.append(node)
        for child in ast.iter_child_nodes(node):
            self.visit(child, in_async, guarded)

    def _record_import(self, node: ast.Import | ast.ImportFrom) -> None:
        if isinstance(node, ast.Import):
            for alias in node.names:
                self.modules.append((node, alias.name))
        elif node.module and not node.level:
            self.modules.append((node, node.module))
            for alias in node.names:
                self.from_names.append((node, f"{node.module}.{alias.name}"))


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
        scanner="ai-rules",
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
        tree = source.python_tree
        if tree is None:
            return
        collector = _Collector()
        collector.visit(tree, in_async=False, guarded=False)
        requires = context.python.requires_python
        seen: set[tuple[int, str]] = set()

        def hit(node: ast.AST, api: DeprecatedApi, shown: str) -> Iterator[Hit]:
            line = getattr(node, "lineno", 1)
            if (line, api.name) in seen:
                return
            seen.add((line, api.name))
            yield self._hit(node, api, shown, requires)

        for imp_node, module in collector.modules:
            entry = _module_entry(module)
            if entry:
                yield from hit(imp_node, entry, f"`{module}`")
        for from_node, qualified in collector.from_names:
            entry = NAMES.get(qualified)
            if entry:
                yield from hit(from_node, entry, f"`{qualified}`")
        imports = collector.imports
        for attr, in_async in collector.attributes:
            resolved = imports.resolve(attr)
            entry = NAMES.get(resolved) if resolved else None
            if entry is None or (entry.name == "asyncio.get_event_loop" and in_async):
                continue
            yield from hit(attr, entry, f"`{resolved}`")
        for call in collector.methods:
            yield from self._method_hits(call, imports, hit)

    def _method_hits(self, call: ast.Call, imports: ImportTable, hit: _HitFn) -> Iterator[Hit]:
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
            if isinstance(func.value, ast.Name) and func.value.id in ("self", "cls"):
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
