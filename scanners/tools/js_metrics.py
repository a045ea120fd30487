"""JavaScript / TypeScript metrics from the tree-sitter tree the engine already built.

Per function: cyclomatic complexity as ESLint's `complexity` rule counts it (classic
variant, ESLint 9.39: lib/rules/complexity.js) and the deepest nesting of blocks as its
`max-depth` rule counts it. Per file: the mean and maximum of the functions' complexity
and a maintainability figure of ours (below). One iterative walk computes all of it.

ESLint's complexity counts, per code path (a function, a class field initializer, a
class static block; nested ones are their own path and add nothing to the outer one),
1 plus one for each: `if`, `for`, `for…in`, `for…of`, `while`, `do…while`, `catch`, the
ternary `?:`, each `&&` / `||` / `??`, each logical assignment (`&&=`, `||=`, `??=`),
each default value (`AssignmentPattern`: parameters and destructuring defaults), each
`case` with a test (not `default`), and each optional member access or call (`?.`).

ESLint's max-depth counts, per function (and per static block), the nesting of `if`
(an `else if` continues its chain rather than nesting), `switch`, `try`, `do`, `while`,
`with`, `for`, `for…in` and `for…of` statements.

Maintainability (ours, not a standard figure for JS): the formula radon uses for
Python's maintainability index — 171 - 5.2·ln(Halstead volume) - 0.23·(total
complexity) - 16.2·ln(SLOC) + 50·sin(√(2.46·comment%·π/180)), scaled to 0-100 — with the
Halstead volume counted on tree-sitter's tokens (operators: keywords and punctuation;
operands: identifiers and literals). It ranks files within a JS/TS code base; it is not
comparable with radon's Python figures digit for digit.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

from scanners.model import FunctionMetric
from scanners.source import SourceFile

# Nodes that start a code path of their own in ESLint (function-like).
_FUNCTIONS = frozenset(
    {
        "function_declaration",
        "function_expression",
        "function",  # older grammars' name for a function expression
        "generator_function",
        "generator_function_declaration",
        "arrow_function",
        "method_definition",
    }
)
_FIELDS = frozenset({"field_definition", "public_field_definition"})
_STATIC_BLOCK = "class_static_block"
# One more path each.
_BRANCHES = frozenset(
    {
        "if_statement",
        "for_statement",
        "for_in_statement",  # tree-sitter's node for both for…in and for…of
        "while_statement",
        "do_statement",
        "catch_clause",
        "ternary_expression",
        "assignment_pattern",  # `a = 1` in parameters and array/pair destructuring
        "object_assignment_pattern",  # `{ a = 1 }`
        "optional_chain",  # `?.` of a member access, an index or a call
    }
)
_LOGICAL = frozenset({"&&", "||", "??"})
_LOGICAL_ASSIGNMENT = frozenset({"&&=", "||=", "??="})
_TS_PARAMETERS = frozenset({"required_parameter", "optional_parameter"})  # `value:` = a default
# max-depth's blocks.
_DEPTH = frozenset(
    {
        "if_statement",
        "switch_statement",
        "try_statement",
        "do_statement",
        "while_statement",
        "with_statement",
        "for_statement",
        "for_in_statement",
    }
)
_COMMENT = "comment"


@dataclass(frozen=True, slots=True)
class JsFunction:
    """One code path's figures; `line`/`column` (1-based / 0-based) are where ESLint's
    node starts (a method's function starts at its parameters, see `_eslint_start`)."""

    name: str
    kind: str  # "function", "method", "arrow", "field", "static-block"
    line: int
    column: int
    end_line: int
    complexity: int
    depth: int  # max-depth's deepest nesting inside it
    depth_line: int = 0  # where that deepest block starts (0: no block)


@dataclass(frozen=True, slots=True)
class JsMetrics:
    functions: tuple[JsFunction, ...]
    maintainability: float | None

    def function_metrics(self) -> tuple[FunctionMetric, ...]:
        return tuple(FunctionMetric(f.name, f.line, f.complexity, rank(f.complexity)) for f in self.functions)


def rank(complexity: int) -> str:
    """radon's A-F bands, so JS and Python functions read alike on the file page."""
    for limit, letter in ((5, "A"), (10, "B"), (20, "C"), (30, "D"), (40, "E")):
        if complexity <= limit:
            return letter
    return "F"


class _Path:
    __slots__ = (
        "column",
        "complexity",
        "depth",
        "depth_line",
        "end_line",
        "kind",
        "line",
        "max_depth",
        "name",
        "node",
    )

    def __init__(self, node: Any, kind: str, name: str) -> None:
        self.node = node
        self.kind = kind
        self.name = name
        self.line, self.column = _eslint_start(node)
        self.end_line = node.end_point[0] + 1
        self.complexity = 1
        self.depth = 0
        self.max_depth = 0
        self.depth_line = 0


def js_metrics(source: SourceFile, sloc: int, comments: int) -> JsMetrics | None:
    """The file's functions and maintainability, memoised on `source` (rules share it);
    None for a file without a tree."""
    memo = source.derived.get("js_metrics")
    if memo is not None:
        return memo  # type: ignore[no-any-return]
    tree = source.ts_tree
    if tree is None:
        return None
    result = _walk(tree.root_node, sloc, comments)
    source.derived["js_metrics"] = result
    return result


def _walk(root: Any, sloc: int, comments: int) -> JsMetrics:
    done: list[_Path] = []
    paths: list[_Path] = []  # the open code paths, innermost last
    operators: dict[str, int] = {}
    operands: dict[str, int] = {}
    # (node, entering); an exit entry closes a code path or a depth block.
    stack: list[tuple[Any, bool]] = [(root, True)]
    while stack:
        node, entering = stack.pop()
        kind = node.type
        if not entering:
            if kind in _DEPTH and paths and _nests(node):
                paths[-1].depth -= 1
            while paths and paths[-1].node is node:
                done.append(paths.pop())
            continue
        for path_kind in _path_kinds(node):
            paths.append(_Path(node, path_kind, _name_of(node, path_kind)))
        if paths:
            _count(node, kind, paths[-1])
        if kind in _DEPTH and paths and _nests(node):
            current = paths[-1]
            current.depth += 1
            if current.depth > current.max_depth:
                current.max_depth, current.depth_line = current.depth, node.start_point[0] + 1
        if node.child_count == 0:
            _halstead(node, operators, operands)
        stack.append((node, False))
        stack.extend((c, True) for c in reversed(node.children))
    functions = tuple(
        JsFunction(p.name, p.kind, p.line, p.column, p.end_line, p.complexity, p.max_depth, p.depth_line)
        for p in sorted(done, key=lambda p: (p.line, p.column))
    )
    return JsMetrics(functions, _maintainability(functions, operators, operands, sloc, comments))


def _path_kinds(node: Any) -> list[str]:
    """The code paths `node` opens, outermost first: a class field's value opens an
    initializer path (and, when it is a function, that function's path inside it)."""
    kinds = []
    parent = node.parent
    if parent is not None and parent.type in _FIELDS:
        value = parent.child_by_field_name("value")
        if value is not None and value.id == node.id:
            kinds.append("field")
    kind = node.type
    if not node.is_named:
        return kinds  # e.g. the `function` keyword token, whose type is "function"
    if kind in _FUNCTIONS:
        kinds.append(
            "method" if kind == "method_definition" else "arrow" if kind == "arrow_function" else "function"
        )
    elif kind == _STATIC_BLOCK:
        kinds.append("static-block")
    return kinds


def _count(node: Any, kind: str, path: _Path) -> None:
    if kind in _BRANCHES:
        path.complexity += 1
    elif kind == "binary_expression":
        operator = node.child_by_field_name("operator")
        if operator is not None and operator.type in _LOGICAL:
            path.complexity += 1
    elif kind == "augmented_assignment_expression":
        operator = node.child_by_field_name("operator")
        if operator is not None and operator.type in _LOGICAL_ASSIGNMENT:
            path.complexity += 1
    elif kind == "switch_case":
        if node.child_by_field_name("value") is not None:
            path.complexity += 1
    elif kind in _TS_PARAMETERS and node.child_by_field_name("value") is not None:
        path.complexity += 1


def _nests(node: Any) -> bool:
    """max-depth: an `if` directly under an `if` (its `else if`) does not nest deeper."""
    if node.type != "if_statement":
        return True
    parent = node.parent
    return parent is None or parent.type not in ("else_clause", "if_statement")


def _eslint_start(node: Any) -> tuple[int, int]:
    """Where ESLint's node for this path starts: for a method, its FunctionExpression
    (the type parameters or the parameter list); otherwise the node itself."""
    if node.type == "method_definition":
        for field in ("type_parameters", "parameters"):
            child = node.child_by_field_name(field)
            if child is not None:
                return child.start_point[0] + 1, child.start_point[1]
    return node.start_point[0] + 1, node.start_point[1]


def _text(node: Any) -> str:
    value = node.text
    return value.decode("utf-8", "replace") if isinstance(value, bytes) else ""


def _name_of(node: Any, kind: str) -> str:
    """A readable, qualified name: `Class.method`, the variable or property an anonymous
    function is assigned to, else `<anonymous>`."""
    name_node = node.child_by_field_name("name")
    own = _text(name_node) if name_node is not None and kind != "field" else ""
    if kind == "static-block":
        own = "static"
    elif kind == "field":
        field = node.parent
        prop = field.child_by_field_name("property") or field.child_by_field_name("name")
        own = f"{_text(prop) if prop is not None else ''} (initializer)"
    if not own:
        parent = node.parent
        if parent is not None and parent.type in ("variable_declarator", "pair", "assignment_expression"):
            target = parent.child_by_field_name("name") or parent.child_by_field_name("key")
            target = target or parent.child_by_field_name("left")
            own = _text(target) if target is not None and target.id != node.id else ""
        elif parent is not None and parent.type in _FIELDS:
            prop = parent.child_by_field_name("property") or parent.child_by_field_name("name")
            own = _text(prop) if prop is not None else ""
    own = (own or "<anonymous>")[:80]
    cls = _enclosing_class(node)
    return f"{cls}.{own}" if cls and kind in ("method", "static-block", "field") else own


def _enclosing_class(node: Any) -> str:
    parent = node.parent
    if parent is not None and parent.type in _FIELDS:
        parent = parent.parent
    if parent is None or parent.type != "class_body":
        return ""
    owner = parent.parent
    name = owner.child_by_field_name("name") if owner is not None else None
    return _text(name)[:80] if name is not None else ""


def _halstead(leaf: Any, operators: dict[str, int], operands: dict[str, int]) -> None:
    if leaf.type == _COMMENT:
        return
    if leaf.is_named:
        key = _text(leaf)[:64]
        operands[key] = operands.get(key, 0) + 1
    else:
        operators[leaf.type] = operators.get(leaf.type, 0) + 1


def _maintainability(
    functions: tuple[JsFunction, ...],
    operators: dict[str, int],
    operands: dict[str, int],
    sloc: int,
    comments: int,
) -> float | None:
    vocabulary = len(operators) + len(operands)
    length = sum(operators.values()) + sum(operands.values())
    if sloc <= 0 or vocabulary <= 1 or length <= 0:
        return None if sloc <= 0 else 100.0
    volume = length * math.log2(vocabulary)
    total = sum(f.complexity for f in functions)
    percent = 100.0 * comments / (sloc + comments) if sloc + comments else 0.0
    raw = (
        171
        - 5.2 * math.log(volume)
        - 0.23 * total
        - 16.2 * math.log(sloc)
        + 50 * math.sin(math.sqrt(2.46 * math.radians(percent)))
    )
    return round(min(max(0.0, raw * 100 / 171.0), 100.0), 2)
