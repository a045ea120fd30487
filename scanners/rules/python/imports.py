"""Per-file import facts for the import rules (AI101/AI102), gathered in one pass.

`collect_module_facts` walks the statements of an already parsed module once and returns
what the repository-wide resolution needs: every import with its guard state, and the
names the module binds at module level (so `from pkg.mod import name` can be checked).
"""

from __future__ import annotations

import ast
from dataclasses import dataclass, replace

from scanners.source import SourceFile

# Exceptions whose handler makes the imports of a `try` body optional.
_IMPORT_GUARDS = frozenset({"ImportError", "ModuleNotFoundError", "Exception", "BaseException"})
# Attribute chains in an `if` test that make its imports platform- or version-conditional.
_CONDITION_ATTRS = frozenset(
    {
        "sys.platform",
        "sys.version_info",
        "sys.implementation",
        "sys.maxsize",
        "sys.modules",
        "sys.flags",
        "os.name",
        "typing.TYPE_CHECKING",
        "t.TYPE_CHECKING",
        "util.find_spec",
        "importlib.util",
        "six.PY2",
        "six.PY3",
    }
)
_CONDITION_CALLS = frozenset({"find_spec", "find_loader", "system", "python_implementation", "machine"})
# Text that must appear somewhere in a module that rebinds its globals dynamically.
_DYNAMIC_MARKERS = ("globals()", "vars()", "exec(", "sys.modules[", "__path__")
_TYPE_ALIAS: tuple[type, ...] = tuple(t for t in [getattr(ast, "TypeAlias", None)] if t is not None)


@dataclass(frozen=True)
class ImportFact:
    """One imported module (an `import a, b` statement yields one fact per module)."""

    line: int
    column: int
    module: str  # "a.b" for `import a.b` / `from a.b import x`; "" for `from . import x`
    level: int  # leading dots of a relative import
    names: tuple[str, ...]  # names of a `from` import; () for `import`
    is_from: bool
    guarded: bool  # try/except ImportError, TYPE_CHECKING, platform or version check
    in_function: bool  # a lazy import inside a function body
    snippet: str


@dataclass(frozen=True)
class ModuleFacts:
    imports: tuple[ImportFact, ...]
    names: frozenset[str]  # bound at module level, incl. `__all__` entries and `global`s
    dynamic: bool  # star import, module `__getattr__`, `globals()`…: any name may exist


def _dotted(node: ast.expr) -> str:
    if isinstance(node, ast.Name):
        return node.id
    if isinstance(node, ast.Attribute):
        return f"{_dotted(node.value)}.{node.attr}"
    return ""


def is_guard_test(test: ast.expr) -> bool:
    """An `if` test about typing, the platform, the Python version or optional packages."""
    for node in ast.walk(test):
        if isinstance(node, ast.Name):
            # TYPE_CHECKING, PY2, IS_WINDOWS, HAS_NUMPY, … flags computed elsewhere.
            if node.id == "TYPE_CHECKING" or (node.id.isupper() and len(node.id) > 1):
                return True
        elif isinstance(node, ast.Attribute):
            dotted = _dotted(node)
            if dotted in _CONDITION_ATTRS or dotted.startswith("platform."):
                return True
            if node.attr.isupper() and len(node.attr) > 1:  # settings.DEBUG, typing.TYPE_CHECKING
                return True
        elif isinstance(node, ast.Call):
            func = node.func
            name = (
                func.attr
                if isinstance(func, ast.Attribute)
                else func.id
                if isinstance(func, ast.Name)
                else ""
            )
            if name in _CONDITION_CALLS:
                return True
    return False


def _catches_import_error(handlers: list[ast.ExceptHandler]) -> bool:
    for handler in handlers:
        if handler.type is None:
            return True
        types = handler.type.elts if isinstance(handler.type, ast.Tuple) else [handler.type]
        if any(_dotted(t).rsplit(".", 1)[-1] in _IMPORT_GUARDS for t in types):
            return True
    return False


def _suppresses_import_error(node: ast.With | ast.AsyncWith) -> bool:
    """`with contextlib.suppress(ImportError):`."""
    for item in node.items:
        call = item.context_expr
        if (
            isinstance(call, ast.Call)
            and _dotted(call.func).rsplit(".", 1)[-1] == "suppress"
            and any(_dotted(arg).rsplit(".", 1)[-1] in _IMPORT_GUARDS for arg in call.args)
        ):
            return True
    return False


def _target_names(target: ast.expr | None) -> list[str]:
    if isinstance(target, ast.Name):
        return [target.id]
    if isinstance(target, (ast.Tuple, ast.List)):
        return [name for elt in target.elts for name in _target_names(elt)]
    if isinstance(target, ast.Starred):
        return _target_names(target.value)
    return []


def _string_items(node: ast.expr) -> list[str]:
    if isinstance(node, (ast.List, ast.Tuple, ast.Set)):
        return [e.value for e in node.elts if isinstance(e, ast.Constant) and isinstance(e.value, str)]
    if isinstance(node, ast.BinOp):
        return _string_items(node.left) + _string_items(node.right)
    return []


class _Collector:
    def __init__(self, source: SourceFile) -> None:
        self.source = source
        self.imports: list[ImportFact] = []
        self.names: set[str] = set()
        self.dynamic = False

    def body(self, statements: list[ast.stmt], guarded: bool, scope: str) -> None:
        for statement in statements:
            self.statement(statement, guarded, scope)

    def bind(self, names: list[str], scope: str) -> None:
        if scope == "module":
            self.names.update(names)

    def record(self, node: ast.Import | ast.ImportFrom, module: str, guarded: bool, scope: str) -> None:
        is_from = isinstance(node, ast.ImportFrom)
        self.imports.append(
            ImportFact(
                line=node.lineno,
                column=node.col_offset,
                module=module,
                level=node.level if isinstance(node, ast.ImportFrom) else 0,
                names=tuple(alias.name for alias in node.names) if is_from else (),
                is_from=is_from,
                guarded=guarded,
                in_function=scope == "function",
                snippet=self.source.line_text(node.lineno).strip(),
            )
        )

    def statement(self, node: ast.stmt, guarded: bool, scope: str) -> None:
        if isinstance(node, ast.Import):
            for alias in node.names:
                self.record(node, alias.name, guarded, scope)
                self.bind([alias.asname or alias.name.split(".", 1)[0]], scope)
        elif isinstance(node, ast.ImportFrom):
            self.record(node, node.module or "", guarded, scope)
            for alias in node.names:
                if alias.name == "*":
                    self.dynamic = self.dynamic or scope == "module"
                else:
                    self.bind([alias.asname or alias.name], scope)
        elif isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            self.bind([node.name], scope)
            if node.name == "__getattr__" and scope == "module":
                self.dynamic = True
            self.body(node.body, guarded, "function")
        elif isinstance(node, ast.ClassDef):
            self.bind([node.name], scope)
            self.body(node.body, guarded, "class" if scope != "function" else "function")
        elif isinstance(node, ast.If):
            inner = guarded or is_guard_test(node.test)
            self.body(node.body, inner, scope)
            self.body(node.orelse, inner, scope)
        elif isinstance(node, (ast.Try, ast.TryStar)):
            inner = guarded or _catches_import_error(node.handlers)
            self.body(node.body, inner, scope)
            for handler in node.handlers:
                self.body(handler.body, inner, scope)  # the fallback import of the idiom
            self.body(node.orelse, inner, scope)
            self.body(node.finalbody, guarded, scope)
        elif isinstance(node, (ast.With, ast.AsyncWith)):
            for item in node.items:
                if item.optional_vars is not None:
                    self.bind(_target_names(item.optional_vars), scope)
            self.body(node.body, guarded or _suppresses_import_error(node), scope)
        elif isinstance(node, (ast.For, ast.AsyncFor, ast.While)):
            if not isinstance(node, ast.While):
                self.bind(_target_names(node.target), scope)
            self.body(node.body, guarded, scope)
            self.body(node.orelse, guarded, scope)
        elif isinstance(node, ast.Match):
            for case in node.cases:
                self.body(case.body, guarded, scope)
        elif isinstance(node, ast.Assign):
            for target in node.targets:
                self.bind(_target_names(target), scope)
                if scope == "module" and isinstance(target, ast.Name) and target.id == "__all__":
                    self.names.update(_string_items(node.value))
        elif isinstance(node, (ast.AnnAssign, ast.AugAssign)):
            self.bind(_target_names(node.target), scope)
            if scope == "module" and isinstance(node.target, ast.Name) and node.target.id == "__all__":
                self.names.update(_string_items(node.value) if node.value else [])
        elif isinstance(node, ast.Global):
            self.names.update(node.names)  # `global x` in a function binds a module name
        elif isinstance(node, ast.Expr) and scope == "module":
            self._all_mutation(node.value)
        elif isinstance(node, _TYPE_ALIAS):  # `type X = …` (3.12+ syntax)
            self.bind(_target_names(getattr(node, "name", None)), scope)

    def propagate_guards(self) -> None:
        """A module imported optionally somewhere in the file is optional everywhere in it:
        `try: import simplejson … except ImportError` and later, under `if has_simplejson:`,
        `from simplejson import JSONDecodeError`."""
        optional = {(f.level, f.module) for f in self.imports if f.guarded}
        if optional:
            self.imports = [
                replace(f, guarded=True) if (f.level, f.module) in optional else f for f in self.imports
            ]

    def _all_mutation(self, value: ast.expr) -> None:
        """`__all__.extend([...])` / `__all__.append("x")`."""
        if (
            isinstance(value, ast.Call)
            and isinstance(value.func, ast.Attribute)
            and _dotted(value.func.value) == "__all__"
        ):
            for arg in value.args:
                if isinstance(arg, ast.Constant) and isinstance(arg.value, str):
                    self.names.add(arg.value)
                self.names.update(_string_items(arg))


def _rebinds_globals(tree: ast.Module) -> bool:
    """`globals()[name] = …`, `exec(…)`, `sys.modules[__name__] = …`, `__path__` tricks."""
    for node in ast.walk(tree):
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Name):
            if node.func.id in {"globals", "vars", "exec"}:
                return True
        elif isinstance(node, ast.Subscript) and _dotted(node.value) == "sys.modules":
            if isinstance(node.ctx, ast.Store):
                return True
        elif isinstance(node, ast.Name) and node.id == "__path__":
            return True
    return False


_last: tuple[SourceFile, ModuleFacts | None] | None = None


def collect_module_facts(source: SourceFile) -> ModuleFacts | None:
    """The module's import facts; None when it does not parse.

    AI101 and AI102 both call this on the same `SourceFile` in a row, so the last result
    is kept to walk each tree once.
    """
    global _last
    if _last is not None and _last[0] is source:
        return _last[1]
    tree = source.python_tree
    facts: ModuleFacts | None = None
    if tree is not None:
        collector = _Collector(source)
        collector.body(tree.body, False, "module")
        collector.propagate_guards()
        dynamic = collector.dynamic or (
            any(marker in source.text for marker in _DYNAMIC_MARKERS) and _rebinds_globals(tree)
        )
        facts = ModuleFacts(
            imports=tuple(collector.imports), names=frozenset(collector.names), dynamic=dynamic
        )
    _last = (source, facts)
    return facts
