"""Naming-convention statistics and drift detection for Python (AI103).

`collect_naming_facts` records, per file, the names the code *defines* (functions, methods,
classes, module-level variables) and its classes' bases; `naming_drift` measures the
dominant style per kind over the repository and reports the names that depart from it.
"""

from __future__ import annotations

import ast
import re
from collections import Counter, defaultdict
from collections.abc import Iterator, Mapping
from dataclasses import dataclass

from scanners.project.python import is_vendored
from scanners.rules.python.naming_callbacks import CALLBACK_PREFIXES, CALLBACK_SUFFIXES, KNOWN_CALLBACKS
from scanners.source import SourceFile

MIN_NAMES = 20  # fewer names of a kind: no convention to speak of
MIN_SHARE = 0.95  # the dominant style must be a clear majority (tuned on bench/rule_noise.py)

SNAKE = "snake_case"
CAMEL = "camelCase"
PASCAL = "PascalCase"
UPPER = "UPPER_CASE"
LOWER = "lowercase"  # one lowercase word: valid snake_case and camelCase alike
MIXED = "mixed"

_SNAKE = re.compile(r"^[a-z][a-z0-9]*(_[a-z0-9]+)+$")
_LOWER = re.compile(r"^[a-z][a-z0-9]*$")
_CAMEL = re.compile(r"^[a-z][a-z0-9]*[A-Z][a-zA-Z0-9]*$")
_PASCAL = re.compile(r"^[A-Z][a-zA-Z0-9]*[a-z][a-zA-Z0-9]*$")
_UPPER = re.compile(r"^[A-Z][A-Z0-9_]*$")

# Bases that impose no naming of their own: inheriting them does not make a name external.
_NEUTRAL_BASES = frozenset(
    {
        "object",
        "ABC",
        "Generic",
        "Protocol",
        "NamedTuple",
        "TypedDict",
        "Enum",
        "IntEnum",
        "StrEnum",
        "Flag",
        "IntFlag",
        "Exception",
        "BaseException",
        "ValueError",
        "TypeError",
        "RuntimeError",
        "KeyError",
        "LookupError",
        "AttributeError",
        "dict",
        "list",
        "set",
        "tuple",
        "str",
        "int",
        "float",
        "bytes",
        "type",
    }
)
# A lowercase class with these is a decorator, descriptor or context manager used like a function.
_FUNCTION_LIKE_DUNDERS = frozenset(
    {"__call__", "__get__", "__enter__", "__exit__", "__aenter__", "__set_name__"}
)
_GENERATED_SUFFIXES = ("_pb2.py", "_pb2_grpc.py", "_pb2.pyi", "parsetab.py", "lextab.py")

KIND_LABELS = {
    "function": "function",
    "method": "method",
    "class": "class",
    "variable": "module-level variable",
}


def style_of(name: str) -> str | None:
    """Case style of `name` without leading/trailing underscores; None when not classifiable."""
    if name.startswith("__") and name.endswith("__"):
        return None
    core = name.strip("_")
    if len(core) <= 1:
        return None
    for style, pattern in (
        (LOWER, _LOWER),
        (SNAKE, _SNAKE),
        (CAMEL, _CAMEL),
        (UPPER, _UPPER),
        (PASCAL, _PASCAL),
    ):
        if pattern.match(core):
            return style
    return MIXED


def conforms(style: str, convention: str) -> bool:
    if style == convention:
        return True
    if style == LOWER:
        return convention in {SNAKE, CAMEL}
    return style == UPPER and convention == PASCAL  # `URL`, `HTTP` class names


@dataclass(frozen=True)
class NameFact:
    kind: str  # "function" | "method" | "class" | "variable"
    name: str
    line: int
    owner: str  # the class of a method, "" otherwise
    snippet: str


@dataclass(frozen=True)
class ClassFact:
    name: str
    bases: tuple[str, ...]  # last component of each base expression (`models.Model` → Model)
    methods: frozenset[str]


@dataclass(frozen=True)
class NamingFacts:
    names: tuple[NameFact, ...]
    classes: tuple[ClassFact, ...]


def _base_name(node: ast.expr) -> str:
    if isinstance(node, ast.Subscript):
        node = node.value
    if isinstance(node, ast.Attribute):
        return node.attr
    return node.id if isinstance(node, ast.Name) else "?"


def collect_naming_facts(source: SourceFile) -> NamingFacts | None:
    """Names the file defines; None for unparsable, vendored and generated files."""
    tree = source.python_tree
    if tree is None or is_vendored(source.path) or source.path.endswith(_GENERATED_SUFFIXES):
        return None
    names: list[NameFact] = []
    classes: list[ClassFact] = []

    def add(kind: str, name: str, node: ast.stmt, owner: str = "") -> None:
        names.append(NameFact(kind, name, node.lineno, owner, source.line_text(node.lineno).strip()))

    def visit(statements: list[ast.stmt], scope: str, owner: str) -> None:
        for node in statements:
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
                add("method" if scope == "class" else "function", node.name, node, owner)
                visit(node.body, "function", "")
            elif isinstance(node, ast.ClassDef):
                if scope != "function":  # local classes are throw-away stand-ins (mocks, senders)
                    add("class", node.name, node)
                methods = frozenset(
                    n.name for n in node.body if isinstance(n, (ast.FunctionDef, ast.AsyncFunctionDef))
                )
                classes.append(ClassFact(node.name, tuple(_base_name(b) for b in node.bases), methods))
                visit(node.body, "class", node.name)
            elif scope == "module" and isinstance(node, (ast.Assign, ast.AnnAssign)):
                targets = node.targets if isinstance(node, ast.Assign) else [node.target]
                for target in targets:
                    if isinstance(target, ast.Name):
                        add("variable", target.id, node)
            elif scope == "module" and isinstance(node, (ast.Import, ast.ImportFrom)):
                imported.update((a.asname or a.name).split(".", 1)[0] for a in node.names)
            elif isinstance(node, (ast.If, ast.For, ast.AsyncFor, ast.While)):
                visit(node.body + node.orelse, scope, owner)
            elif isinstance(node, (ast.With, ast.AsyncWith)):
                visit(node.body, scope, owner)
            elif isinstance(node, (ast.Try, ast.TryStar)):
                handlers = [s for h in node.handlers for s in h.body]
                visit(node.body + handlers + node.orelse + node.finalbody, scope, owner)

    imported: set[str] = set()
    visit(tree.body, "module", "")
    # `try: import cProfile except ImportError: cProfile = None`: the name is the module's.
    names = [n for n in names if not (n.kind == "variable" and n.name in imported)]
    return NamingFacts(tuple(names), tuple(classes))


class _Hierarchy:
    """Class names of the repository, to tell repo bases from external (framework) bases."""

    def __init__(self, facts: Mapping[str, NamingFacts | None]) -> None:
        self.classes: dict[str, list[ClassFact]] = defaultdict(list)
        for file_facts in facts.values():
            for cls in file_facts.classes if file_facts else ():
                self.classes[cls.name].append(cls)
        self._external: dict[str, bool] = {}

    def has_external_base(self, name: str, seen: frozenset[str] = frozenset()) -> bool:
        """Some ancestor is defined outside the repository (and is not a neutral base)."""
        if name in self._external:
            return self._external[name]
        result = False
        for cls in self.classes.get(name, ()):
            for base in cls.bases:
                if base in _NEUTRAL_BASES:
                    continue
                # A base named like the class itself (`class TestCase(unittest.TestCase)`) or
                # closing a cycle of names is another class of that name: an external one.
                other = base == name or base in seen or base not in self.classes
                result = result or other or self.has_external_base(base, seen | {name})
        self._external[name] = result
        return result

    def ancestor_methods(self, name: str, seen: frozenset[str] = frozenset()) -> set[str]:
        methods: set[str] = set()
        for cls in self.classes.get(name, ()):
            for base in cls.bases:
                if base in self.classes and base not in seen and base != name:
                    for parent in self.classes[base]:
                        methods |= parent.methods
                    methods |= self.ancestor_methods(base, seen | {name})
        return methods

    def is_function_like(self, name: str, seen: frozenset[str] = frozenset()) -> bool:
        """A lowercase class meant to be used like a function (decorator, descriptor, …) or
        named after its lowercase base (`class gdal_char_p(c_char_p)`, `class naive(tzinfo)`)."""
        for cls in self.classes.get(name, ()):
            if cls.methods & _FUNCTION_LIKE_DUNDERS or any(
                base[:1].islower() and base != "object" for base in cls.bases
            ):
                return True
            seen = seen | {name}
            if any(
                self.is_function_like(base, seen)
                for base in cls.bases
                if base not in seen and base in self.classes
            ):
                return True
        return False


def _exempt(fact: NameFact, style: str, hierarchy: _Hierarchy) -> bool:
    name = fact.name.strip("_")
    if fact.kind in {"function", "method"}:
        if name in KNOWN_CALLBACKS or name.startswith(CALLBACK_PREFIXES) or name.endswith(CALLBACK_SUFFIXES):
            return True
        if name == "main":
            return True
        if fact.kind == "method" and style not in {SNAKE, LOWER} and hierarchy.has_external_base(fact.owner):
            return True  # a framework override: `paintEvent`, `getContentsMargins`, …
    if fact.kind == "class" and style not in {PASCAL, UPPER} and hierarchy.is_function_like(fact.name):
        return True  # decorators, descriptors, context managers named like functions
    # Constants and type aliases are kinds of their own.
    return fact.kind == "variable" and style in {UPPER, PASCAL}


def _is_drift(style: str, convention: str, kind: str) -> bool:
    if conforms(style, convention):
        return False
    if kind == "class":
        return style in {SNAKE, LOWER, CAMEL}
    if convention == SNAKE:
        return style == CAMEL
    return convention == CAMEL and style == SNAKE


def _suggest(name: str, convention: str) -> str:
    core = name.strip("_")
    prefix = name[: len(name) - len(name.lstrip("_"))]
    # Word breaks: underscores, lower→Upper (getUser) and the end of an acronym (DBFeature).
    words = [w for w in re.split(r"_|(?<=[a-z0-9])(?=[A-Z])|(?<=[A-Z])(?=[A-Z][a-z])", core) if w]
    if convention == SNAKE:
        return prefix + "_".join(w.lower() for w in words)
    if convention == CAMEL:
        return prefix + words[0].lower() + "".join(w[:1].upper() + w[1:] for w in words[1:])
    return prefix + "".join(w[:1].upper() + w[1:] for w in words)


_UNSEEN = "\0unseen"


def naming_drift(facts: Mapping[str, NamingFacts | None]) -> Iterator[tuple[str, NameFact, str]]:
    """(path, name fact, message) for every name that departs from its kind's convention."""
    hierarchy = _Hierarchy(facts)
    by_kind: dict[str, list[tuple[str, NameFact, str]]] = defaultdict(list)
    styles_seen: dict[str, str | None] = {}  # a repository repeats its names (get, save, …)
    for path, file_facts in facts.items():
        for fact in file_facts.names if file_facts else ():
            style = styles_seen.get(fact.name, _UNSEEN)
            if style is _UNSEEN:
                style = styles_seen[fact.name] = style_of(fact.name)
            if style is None or _exempt(fact, style, hierarchy):
                continue
            by_kind[fact.kind].append((path, fact, style))
    for kind, entries in sorted(by_kind.items()):
        total = len(entries)
        if total < MIN_NAMES:
            continue
        styles = Counter(style for _, _, style in entries)
        candidates = (PASCAL,) if kind == "class" else (SNAKE, CAMEL)
        convention = max(candidates, key=lambda c: sum(n for s, n in styles.items() if conforms(s, c)))
        share = sum(n for s, n in styles.items() if conforms(s, convention)) / total
        if share < MIN_SHARE:
            continue
        reported: set[tuple[str, str, str]] = set()
        for path, fact, style in sorted(entries, key=lambda e: (e[0], e[1].line)):
            if not _is_drift(style, convention, kind) or (path, fact.owner, fact.name) in reported:
                continue
            if kind == "method" and fact.name in hierarchy.ancestor_methods(fact.owner):
                continue  # overrides follow the base class; the base definition is reported
            reported.add((path, fact.owner, fact.name))
            label = KIND_LABELS[kind]
            yield (
                path,
                fact,
                f"`{fact.name}` is {style}; {share:.0%} of the {total} {label} names in this "
                f"repository are {convention}. Rename it `{_suggest(fact.name, convention)}`.",
            )
