"""AI321: a placeholder function body in code that is called; AI323: a test that asserts nothing.

AI321 is a repo rule: `collect` lists each file's placeholder functions, its classes (bases
and methods) and the names it calls; `conclude` flags a placeholder that is called
somewhere in the repository and is not an abstract declaration, an override or a base
method that subclasses override.
"""

from __future__ import annotations

import ast
import re
from collections import defaultdict
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any

from scanners.model import Category, Confidence, RuleMeta, ScannerId, Severity
from scanners.project.context import RepoContext
from scanners.rules.base import Hit
from scanners.rules.python.astutil import dotted_name, node_index, walk_function_body
from scanners.source import PYTHON, SourceFile

# Decorators that declare rather than implement (their body is meant to be empty).
_DECLARING = frozenset(
    {"abstractmethod", "abstractproperty", "abstractclassmethod", "abstractstaticmethod", "overload"}
)
# Decorators that leave the function what it is; any other decorator may give the empty
# body its meaning (hook specifications, registries, routes with side effects).
_NEUTRAL = frozenset({"staticmethod", "classmethod", "property"})
_ABSTRACT_BASES = frozenset({"ABC", "Protocol", "ABCMeta", "Generic", "TypedDict", "NamedTuple", "Enum"})
_ABSTRACT_NAME = re.compile(r"^_*(Base|Abstract)|(Base|Mixin|Interface|Protocol|ABC)$")
# Null objects and fakes do nothing on purpose (`NullTimeKeeper`, `DummyList`, `Immutable`).
_NULL_OBJECT = re.compile(r"^_*(Null|Dummy|Noop|NoOp|Fake|Stub|Mock|Immutable)")
# A function named for refusing (`_no_async_events`, `_plugin_not_implemented`) raises on purpose.
_REFUSING = re.compile(r"^_*no_|not_implemented|unsupported|_disallowed$")
# A docstring that says the empty body is the point: a hook left for subclasses.
_INTENDED = re.compile(r"overrid|subclass|does nothing|do nothing|no-?op|hook", re.IGNORECASE)
_PLACEHOLDER_MESSAGE = re.compile(
    r"todo|implement|not (yet )?(done|written|supported yet)|placeholder|stub", re.I
)


@dataclass(frozen=True)
class Placeholder:
    name: str
    cls: str  # "" for a module-level function
    line: int
    kind: str  # "pass", "...", "raise NotImplementedError"


@dataclass
class PlaceholderFacts:
    placeholders: list[Placeholder] = field(default_factory=list)
    calls: set[str] = field(default_factory=set)  # last names of every call target
    classes: dict[str, tuple[tuple[str, ...], frozenset[str]]] = field(default_factory=dict)  # bases, methods


def _decorator_name(node: ast.expr) -> str:
    target = node.func if isinstance(node, ast.Call) else node
    return (dotted_name(target) or "").rsplit(".", 1)[-1]


def placeholder_kind(function: ast.FunctionDef | ast.AsyncFunctionDef) -> str | None:
    """How the body stands in for an implementation: `pass`, `...` or `raise
    NotImplementedError` (with no message, or one saying it is still to do), after an
    optional docstring; None for a real body."""
    body = list(function.body)
    first = body[0].value if body and isinstance(body[0], ast.Expr) else None
    if isinstance(first, ast.Constant) and isinstance(first.value, str):
        if _INTENDED.search(first.value):
            return None  # "does nothing by default; override it in a subclass"
        body = body[1:]  # the docstring
    if len(body) != 1:
        return None
    stmt = body[0]
    if isinstance(stmt, ast.Pass):
        return "pass"
    if isinstance(stmt, ast.Expr) and isinstance(stmt.value, ast.Constant) and stmt.value.value is Ellipsis:
        return "..."
    if isinstance(stmt, ast.Raise) and stmt.exc is not None:
        exc = stmt.exc
        call = exc if isinstance(exc, ast.Call) else None
        if (dotted_name(call.func if call else exc) or "").rsplit(".", 1)[-1] != "NotImplementedError":
            return None
        message = call.args[0] if call and call.args else None
        if isinstance(message, ast.Constant) and isinstance(message.value, str) and message.value.strip():
            return "raise NotImplementedError" if _PLACEHOLDER_MESSAGE.search(message.value) else None
        return "raise NotImplementedError" if message is None else None
    return None


def _is_declaration(function: ast.FunctionDef | ast.AsyncFunctionDef) -> bool:
    names = {_decorator_name(d) for d in function.decorator_list}
    return bool(names & _DECLARING) or bool(names - _NEUTRAL)


def _is_abstract_class(cls: ast.ClassDef) -> bool:
    bases = {
        (dotted_name(b.value if isinstance(b, ast.Subscript) else b) or "").rsplit(".", 1)[-1]
        for b in cls.bases
    }
    metaclass = any(k.arg == "metaclass" for k in cls.keywords)
    return bool(bases & _ABSTRACT_BASES) or metaclass or bool(_ABSTRACT_NAME.search(cls.name))


def collect_placeholders(source: SourceFile) -> PlaceholderFacts | None:
    if source.language != PYTHON or source.path.endswith(".pyi"):
        return None  # stub files are declarations by definition
    index = node_index(source)
    if index is None:
        return None
    facts = PlaceholderFacts()
    for call in index.of(ast.Call):
        assert isinstance(call, ast.Call)
        func = call.func
        if isinstance(func, ast.Attribute):
            facts.calls.add(func.attr)  # `obj.m()`, `make().m()`
        elif isinstance(func, ast.Name):
            facts.calls.add(func.id)
    functions = [*index.of(ast.FunctionDef), *index.of(ast.AsyncFunctionDef)]
    kinds = {id(f): placeholder_kind(f) for f in functions}
    owners: dict[int, ast.ClassDef] = {}
    interfaces: set[int] = set()
    for cls in index.of(ast.ClassDef):
        assert isinstance(cls, ast.ClassDef)
        methods = [s for s in cls.body if isinstance(s, (ast.FunctionDef, ast.AsyncFunctionDef))]
        bases = tuple((dotted_name(b) or "?").rsplit(".", 1)[-1] for b in cls.bases)
        facts.classes[cls.name] = (bases, frozenset(m.name for m in methods))
        for method in methods:
            owners[id(method)] = cls
        # A class whose methods are mostly placeholders is an interface by another name.
        empty = sum(1 for m in methods if kinds.get(id(m)) is not None)
        if len(methods) >= 2 and 2 * empty >= len(methods):
            interfaces.add(id(cls))
    if not any(kinds.values()):
        return facts  # the usual file: only its calls and classes are needed
    # A placeholder the same file defines again with a body (an overload-like stub before the
    # implementation, or a no-op in one branch of an `if` and the real one in the other).
    implemented = {f.name for f in functions if kinds[id(f)] is None}
    redefined = {id(f) for f in functions if kinds[id(f)] is not None and f.name in implemented}
    nested: set[int] = set()  # functions defined inside functions: local callbacks and fakes
    for outer in functions:
        for inner in walk_function_body(outer):
            # A local function, or a method of a class defined inside a function (a test fake).
            local = [inner] if not isinstance(inner, ast.ClassDef) else inner.body
            nested.update(id(n) for n in local if isinstance(n, (ast.FunctionDef, ast.AsyncFunctionDef)))
    for block in index.of(ast.If):
        assert isinstance(block, ast.If)
        if (dotted_name(block.test) or "").rsplit(".", 1)[-1] == "TYPE_CHECKING":
            # Declarations for the type checker only: their bodies never run.
            nested.update(
                id(n) for n in ast.walk(block) if isinstance(n, (ast.FunctionDef, ast.AsyncFunctionDef))
            )
    for function in functions:
        assert isinstance(function, (ast.FunctionDef, ast.AsyncFunctionDef))
        kind = kinds[id(function)]
        if (
            kind is None
            or _is_declaration(function)
            or function.name.startswith("__")
            or id(function) in nested
            or _REFUSING.search(function.name)
            or id(function) in redefined
        ):
            continue
        cls = owners.get(id(function))
        if cls is not None and (
            _is_abstract_class(cls) or id(cls) in interfaces or _NULL_OBJECT.match(cls.name)
        ):
            continue
        facts.placeholders.append(Placeholder(function.name, cls.name if cls else "", function.lineno, kind))
    return facts


class PlaceholderBodyRule:
    meta = RuleMeta(
        id="AI321",
        name="placeholder-body-called",
        title="Placeholder function body in code that is called",
        category=Category.HAPPY_PATH,
        severity=Severity.HIGH,
        confidence=Confidence.MEDIUM,
        scanner=ScannerId.AI_RULES,
        tests_severity=Severity.INFO,
        in_tests_note=(
            "Reported in test code as info: no-op methods there are mostly fakes and stubs that "
            "stand in for real collaborators on purpose."
        ),
        what=(
            "Flags a function or method whose whole body (after its docstring) is `pass`, `...` or "
            "`raise NotImplementedError` (bare, or with a message saying it is still to do — a "
            "`# TODO: implement` comment on it changes nothing) when the repository calls it by "
            "name somewhere. Quiet: `@abstractmethod`, `@typing.overload` and other decorated "
            "functions, methods of `Protocol`/`ABC`/`ABCMeta` classes and of classes named "
            "`Base…`, `Abstract…`, `…Mixin` or `…Interface` and of classes whose methods are mostly "
            "placeholders (interfaces by another name), declarations under `if TYPE_CHECKING:`, "
            "methods of a class whose base is outside the repository or that override a "
            "repository base's method (a deliberate no-op), base methods a subclass in the "
            "repository overrides, functions defined inside other functions (local callbacks), "
            "bodies whose docstring says they are a hook, meant to be "
            "overridden or do nothing, null objects and fakes (`Null…`, `Dummy…`, `Fake…`, `Immutable…` "
            "classes), functions named for refusing (`_no_…`, `…not_implemented…`), stubs the same file "
            "defines again with a body, dunder methods and `.pyi` stub files."
        ),
        why=(
            "Assistants scaffold a function, promise to fill it in and move on; the caller runs, "
            "nothing happens (or a NotImplementedError surfaces in production), and tests that "
            "mock the function never notice."
        ),
        example=(
            "def charge(order):\n"
            "    total = price(order)\n"
            "    send_receipt(order, total)\n"
            "\n"
            "\n"
            "def price(order):  # expect: AI321\n"
            "    # TODO: implement\n"
            "    pass\n"
            "\n"
            "\n"
            "def send_receipt(order, total):  # expect: AI321\n"
            '    """Email the receipt."""\n'
            "    raise NotImplementedError\n"
        ),
        use_instead=(
            "import abc\n"
            "from typing import Protocol, overload\n"
            "\n"
            "\n"
            "class Mailer(Protocol):\n"
            "    def send(self, to: str) -> None: ...\n"
            "\n"
            "\n"
            "class Store(abc.ABC):\n"
            "    @abc.abstractmethod\n"
            "    def price(self, order): ...\n"
            "\n"
            "\n"
            "@overload\n"
            "def parse(x: int) -> int: ...\n"
            "@overload\n"
            "def parse(x: str) -> str: ...\n"
            "def parse(x):\n"
            "    return x\n"
            "\n"
            "\n"
            "def unused_hook():\n"
            "    pass\n"
            "\n"
            "\n"
            "Mailer.send(None, parse('a'))\n"
            "Store.price(None, None)\n"
        ),
    )

    def collect(self, source: SourceFile, context: RepoContext) -> PlaceholderFacts | None:
        return collect_placeholders(source)

    def conclude(self, facts: Mapping[str, Any], context: RepoContext) -> Iterator[tuple[str, Hit]]:
        called: set[str] = set()
        classes: dict[str, list[tuple[tuple[str, ...], frozenset[str]]]] = defaultdict(list)
        for item in facts.values():
            if item is None:
                continue
            called |= item.calls
            for name, shape in item.classes.items():
                classes[name].append(shape)
        subclass_methods: dict[str, set[str]] = defaultdict(set)  # base → methods its subclasses define
        for shapes in classes.values():
            for bases, methods in shapes:
                for base in bases:
                    subclass_methods[base] |= methods
        for path, item in sorted(facts.items()):
            if item is None:
                continue
            for placeholder in item.placeholders:
                if placeholder.name not in called:
                    continue
                if placeholder.cls and not _stands_alone(placeholder, classes, subclass_methods):
                    continue
                where = (
                    f"`{placeholder.cls}.{placeholder.name}`" if placeholder.cls else f"`{placeholder.name}`"
                )
                yield (
                    path,
                    Hit(
                        placeholder.line,
                        f"{where} is called but its body is only `{placeholder.kind}`: implement it, or "
                        "remove it and its callers; if it is meant to be overridden, make it an "
                        "`@abstractmethod`.",
                    ),
                )


def _stands_alone(
    placeholder: Placeholder,
    classes: Mapping[str, list[tuple[tuple[str, ...], frozenset[str]]]],
    subclass_methods: Mapping[str, set[str]],
) -> bool:
    """A method is a real placeholder only when it neither overrides (a base outside the
    repository, or a repository base defining the same name) nor is overridden."""
    if placeholder.name in subclass_methods.get(placeholder.cls, set()):
        return False  # a base method its subclasses override
    pending = [b for bases, _ in classes.get(placeholder.cls, []) for b in bases]
    seen: set[str] = set()
    while pending:
        base = pending.pop()
        if base in seen or base == "object":
            continue
        seen.add(base)
        shapes = classes.get(base)
        if not shapes:
            return False  # a base the repository does not define: this may override it
        for bases, methods in shapes:
            if placeholder.name in methods:
                return False
            pending.extend(bases)
    return True
