"""AI305 unchecked-optional: a maybe-None lookup dereferenced without a None check.

Sources of None: `re.match/search/fullmatch` (module functions and compiled patterns),
`d.get(k)` on a known dict, `os.environ.get(k)` / `os.getenv(k)` without default, and
element lookups (`soup.find(...)`, `root.find(...)`, `select_one`, `find_one`).
Per scope and flow-insensitive, precision first: a variable that is tested anywhere
in its function (`if m:`, `assert m`, `m and m.group()`, `if m is None: return`, a walrus
in a condition) counts as checked; derefs inside a `try` that catches AttributeError,
TypeError or a broad exception count as handled.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from dataclasses import dataclass, field

from scanners.model import Category, Confidence, RuleMeta, ScannerId, Severity
from scanners.project.context import RepoContext
from scanners.rules.base import Hit
from scanners.rules.python.astutil import (
    ImportTable,
    NodeIndex,
    dotted_name,
    handler_names,
    node_index,
)
from scanners.source import SourceFile

_RE_FUNCTIONS = frozenset({"re.match", "re.search", "re.fullmatch"})
_PATTERN_METHODS = frozenset({"match", "search", "fullmatch"})
_ELEMENT_LOOKUPS = frozenset({"find", "select_one", "find_one"})
# What one does with an HTML/XML element (or a document from `find_one`); `.find()` results
# dereferenced otherwise (e.g. a pymongo cursor's `.sort()`) are not judged.
_ELEMENT_USES = frozenset(
    {"text", "attrib", "get", "tail", "tag", "string", "attrs", "find", "find_all", "findall", "get_text"}
    | {"findtext", "children", "contents", "parent", "next_sibling", "iter", "select", "select_one"}
)
_REQUEST_MAPS = frozenset({"GET", "POST", "COOKIES", "META", "headers", "args", "form", "query_params"})
_DICT_ANNOTATIONS = frozenset({"dict", "Dict", "Mapping", "MutableMapping", "typing.Dict", "typing.Mapping"})
_DICT_FACTORIES = frozenset({"dict", "defaultdict", "collections.defaultdict", "OrderedDict"})
_HANDLED_BY = frozenset({"AttributeError", "TypeError", "KeyError", "Exception", "BaseException"})


@dataclass
class _Scope:
    bindings: dict[str, list[ast.expr]] = field(default_factory=dict)
    checked: set[str] = field(default_factory=set)
    derefs: list[tuple[ast.expr, str, ast.AST]] = field(default_factory=list)  # (inner, use, node)
    dict_names: set[str] = field(default_factory=set)


def _names_in(expr: ast.AST) -> Iterator[str]:
    for node in ast.walk(expr):
        if isinstance(node, ast.Name):
            yield node.id


def _annotation_name(annotation: ast.expr | None) -> str | None:
    """`dict` for `dict`, `dict[str, int]`, `Mapping[str, Any]`."""
    if isinstance(annotation, ast.Subscript):
        annotation = annotation.value
    return dotted_name(annotation) if annotation is not None else None


class _Analysis:
    def __init__(self, tree: ast.Module, imports: ImportTable) -> None:
        self.imports = imports
        self.compiled: set[str] = set()  # names/attributes bound to re.compile(...)
        self.module_dicts: set[str] = set()
        self.scopes: list[_Scope] = []
        self.protected_nodes: set[int] = set()
        self._tree = tree
        self._module_scope = _Scope()

    def run(self) -> list[_Scope]:
        self._scope(self._tree.body, self._module_scope, protected=False)
        return self.scopes

    def _scope(self, body: list[ast.stmt], scope: _Scope, protected: bool) -> None:
        for stmt in body:
            self._visit(stmt, scope, protected)
        self.scopes.append(scope)

    def _visit(self, node: ast.AST, scope: _Scope, protected: bool) -> None:
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            inner = _Scope()
            for arg in (*node.args.posonlyargs, *node.args.args, *node.args.kwonlyargs):
                if _annotation_name(arg.annotation) in _DICT_ANNOTATIONS:
                    inner.dict_names.add(arg.arg)
                inner.bindings.setdefault(arg.arg, []).append(arg)  # type: ignore[arg-type]
            if node.args.kwarg:
                inner.dict_names.add(node.args.kwarg.arg)
            self._scope(node.body, inner, protected=False)
            return
        if isinstance(node, ast.Lambda):
            return
        if isinstance(node, (ast.Try, ast.TryStar)):
            handles = any(
                n.rpartition(".")[2] in _HANDLED_BY for h in node.handlers for n in handler_names(h)
            )
            handles = handles or any(h.type is None for h in node.handlers)
            for stmt in node.body:
                self._visit(stmt, scope, protected or handles)
            for part in (*node.handlers, *node.orelse, *node.finalbody):
                self._visit(part, scope, protected)
            return
        if isinstance(node, (ast.If, ast.While, ast.IfExp, ast.Assert)):
            scope.checked.update(_names_in(node.test))
        elif isinstance(node, ast.BoolOp):
            scope.checked.update(_names_in(node))
        elif isinstance(node, ast.comprehension):
            for condition in node.ifs:
                scope.checked.update(_names_in(condition))
        elif isinstance(node, ast.Compare) and any(
            isinstance(c, ast.Constant) and c.value is None for c in node.comparators
        ):
            scope.checked.update(_names_in(node.left))
        elif isinstance(node, (ast.Assign, ast.AnnAssign, ast.NamedExpr)):
            self._binding(node, scope)
        elif isinstance(node, (ast.AugAssign, ast.For, ast.AsyncFor, ast.withitem)):
            target = node.optional_vars if isinstance(node, ast.withitem) else node.target
            if isinstance(target, ast.Name):
                scope.bindings.setdefault(target.id, []).append(target)
            if isinstance(node, (ast.For, ast.AsyncFor)):
                scope.derefs.append((node.iter, "iteration", node))
        elif isinstance(node, ast.Attribute):
            scope.derefs.append((node.value, f".{node.attr}", node))
        elif isinstance(node, ast.Subscript):
            scope.derefs.append((node.value, "[...]", node))
        if protected:
            self.protected_nodes.add(id(node))
        for child in ast.iter_child_nodes(node):
            self._visit(child, scope, protected)

    def _binding(self, node: ast.Assign | ast.AnnAssign | ast.NamedExpr, scope: _Scope) -> None:
        targets = node.targets if isinstance(node, ast.Assign) else [node.target]
        value = node.value
        for target in targets:
            name = dotted_name(target)
            if name is None:
                continue
            if isinstance(value, ast.Call) and self.imports.resolve(value.func) == "re.compile":
                self.compiled.add(name)
            if isinstance(value, (ast.Dict, ast.DictComp)) or (
                isinstance(value, ast.Call) and dotted_name(value.func) in _DICT_FACTORIES
            ):
                scope.dict_names.add(name)
                if name.startswith("self.") or scope is self._module_scope:
                    self.module_dicts.add(name)
            if isinstance(target, ast.Name):
                scope.bindings.setdefault(name, []).append(value if value is not None else target)

    # --- sources of None ---------------------------------------------------------

    def source_of(self, expr: ast.AST, scope: _Scope) -> str | None:
        """A description of the maybe-None value `expr` produces, or None."""
        if not isinstance(expr, ast.Call) or not isinstance(expr.func, (ast.Attribute, ast.Name)):
            return None
        qualified = self.imports.resolve(expr.func)
        if qualified in _RE_FUNCTIONS:
            return f"`{qualified}()` returns None when nothing matches"
        if qualified in ("os.getenv", "os.environ.get") and len(expr.args) == 1 and not expr.keywords:
            return f"`{qualified}()` without a default returns None when the variable is unset"
        if not isinstance(expr.func, ast.Attribute):
            return None
        method, receiver = expr.func.attr, expr.func.value
        name = dotted_name(receiver)
        if method in _PATTERN_METHODS and (
            (name is not None and name in self.compiled)
            or (isinstance(receiver, ast.Call) and self.imports.resolve(receiver.func) == "re.compile")
        ):
            return f"`{name or 're.compile(...)'}.{method}()` returns None when nothing matches"
        if method == "get" and len(expr.args) == 1 and not expr.keywords and self._is_dict(receiver, scope):
            return f"`{name}.get()` without a default returns None for a missing key"
        if method in _ELEMENT_LOOKUPS:
            return f"`.{method}()` returns None when nothing is found"
        return None

    def _is_dict(self, receiver: ast.expr, scope: _Scope) -> bool:
        name = dotted_name(receiver)
        if name is None:
            return False
        if name in scope.dict_names or name in self.module_dicts:
            return True
        return (
            isinstance(receiver, ast.Attribute)
            and receiver.attr in _REQUEST_MAPS
            and name.startswith("request.")
        )


def _may_have_sources(index: NodeIndex) -> bool:
    """A cheap superset test on the shared index: is any source of None in the file at all?

    Most files call `.get(x)` on something; only dict-like receivers matter, so the full
    scoped analysis runs only where a regex, env lookup, element lookup or known dict is.
    """
    imports = index.imports
    dict_names = {a.arg for a in index.of(ast.arg) if _annotation_name(a.annotation) in _DICT_ANNOTATIONS}
    dict_names.update(a.kwarg.arg for a in index.of(ast.arguments) if a.kwarg)
    for node in index.of(ast.Assign, ast.AnnAssign):
        value = node.value
        if isinstance(value, (ast.Dict, ast.DictComp)) or (
            isinstance(value, ast.Call) and dotted_name(value.func) in _DICT_FACTORIES
        ):
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            dict_names.update(n for n in map(dotted_name, targets) if n)
    for call in index.of(ast.Call):
        func = call.func
        if isinstance(func, ast.Attribute):
            if func.attr in _PATTERN_METHODS or func.attr in _ELEMENT_LOOKUPS:
                return True
            if func.attr == "get" and len(call.args) == 1:
                name = dotted_name(func.value) or ""
                if (
                    name in dict_names
                    or name.startswith("request.")
                    or imports.resolve(func.value) == "os.environ"
                ):
                    return True
            if func.attr == "getenv" and imports.resolve(func) == "os.getenv":
                return True
        elif isinstance(func, ast.Name) and imports.resolve(func) in (*_RE_FUNCTIONS, "os.getenv"):
            return True
    return False


class UncheckedOptionalRule:
    meta = RuleMeta(
        id="AI305",
        name="unchecked-optional",
        title="Possibly-None lookup dereferenced without a check",
        category=Category.HAPPY_PATH,
        severity=Severity.MEDIUM,
        confidence=Confidence.MEDIUM,
        scanner=ScannerId.AI_RULES,
        tests_severity=Severity.INFO,
        in_tests_note=(
            "Reported in test code as info: there a None dereference fails the test, which is what a "
            "test is for."
        ),
        what=(
            "Flags attribute access, subscripts, method calls or iteration on a value that can be "
            "None, directly or through a variable that is never tested: the result of "
            "`re.match/search/fullmatch` (also on compiled patterns), `d.get(k)` without a "
            "default on a known dict (a dict literal, `dict()`, a `Mapping`-annotated parameter, "
            "`**kwargs`, `request.GET`/`headers`), `os.environ.get(k)`/`os.getenv(k)` without a "
            "default, and element lookups (`soup.find(...).text`, `root.find(...).attrib`, "
            "`find_one(...)[...]`). A variable checked anywhere in the function, or a deref inside "
            "a `try` that catches AttributeError/TypeError, is not flagged; test files are not "
            "checked (a None there fails the test, as it should)."
        ),
        why=(
            "Generated code assumes the data is always there: the regex always matches, the key "
            "is always present (ai-code-failures.md, 'Missing null checks and type guards')."
        ),
        example=(
            "import os\n"
            "import re\n"
            "\n"
            "\n"
            "def version(text):\n"
            '    return re.match(r"v(\\d+)", text).group(1)  # expect: AI305\n'
            "\n"
            "\n"
            "def user_id(header):\n"
            '    m = re.search(r"id=(\\d+)", header)\n'
            "    return int(m.group(1))  # expect: AI305\n"
            "\n"
            "\n"
            "def hosts():\n"
            '    return os.environ.get("ALLOWED_HOSTS").split(",")  # expect: AI305\n'
        ),
        use_instead=(
            "import os\n"
            "import re\n"
            "\n"
            "\n"
            "def version(text):\n"
            '    m = re.match(r"v(\\d+)", text)\n'
            "    if m:\n"
            "        return m.group(1)\n"
            "    return None\n"
            "\n"
            "\n"
            "def user_id(header):\n"
            '    if (m := re.search(r"id=(\\d+)", header)) is None:\n'
            '        raise ValueError("no id in header")\n'
            "    return int(m.group(1))\n"
            "\n"
            "\n"
            "def hosts():\n"
            '    return os.environ.get("ALLOWED_HOSTS", "localhost").split(",")\n'
        ),
    )

    def check(self, source: SourceFile, context: RepoContext) -> Iterator[Hit]:
        index = node_index(source)
        if index is None or not _may_have_sources(index):
            return
        analysis = _Analysis(index.tree, index.imports)
        for scope in analysis.run():
            yield from self._check_scope(scope, analysis)

    def _check_scope(self, scope: _Scope, analysis: _Analysis) -> Iterator[Hit]:
        variables: dict[str, str] = {}
        for name, values in scope.bindings.items():
            if name in scope.checked:
                continue
            sources = [analysis.source_of(v, scope) for v in values]
            if sources and all(sources):
                variables[name] = str(sources[0])
        reported: set[str] = set()
        for inner, use, node in sorted(scope.derefs, key=lambda d: (d[2].lineno, d[2].col_offset)):  # type: ignore[attr-defined]
            if id(node) in analysis.protected_nodes:
                continue
            if isinstance(inner, ast.Name) and inner.id in variables:
                if inner.id in reported:
                    continue  # the first unchecked use says it all
                reported.add(inner.id)
                described, shown = variables[inner.id], f"`{inner.id}`"
            else:
                described_or_none = analysis.source_of(inner, scope)
                if described_or_none is None:
                    continue
                described, shown = described_or_none, "it"
            if ".find" in described or "select_one" in described:
                if not self._element_use(use, node):
                    continue
            elif use == "iteration" and "match" in described:
                continue
            yield Hit(
                line=node.lineno,  # type: ignore[attr-defined]
                column=node.col_offset,  # type: ignore[attr-defined]
                message=(
                    f"{described}, and {shown} is used ({use}) without a None check; "
                    "test it first (`if m is None: ...`) or pass a default"
                ),
            )

    @staticmethod
    def _element_use(use: str, node: ast.AST) -> bool:
        if use.startswith("."):
            return use[1:] in _ELEMENT_USES
        if use == "[...]" and isinstance(node, ast.Subscript):
            return isinstance(node.slice, ast.Constant) and isinstance(node.slice.value, str)
        return False
