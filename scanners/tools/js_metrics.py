"""JavaScript / TypeScript metrics from the tree-sitter tree the engine already built.

Per function: cyclomatic complexity as ESLint's `complexity` rule counts it (classic
variant, ESLint 9.39: lib/rules/complexity.js) and the deepest nesting of blocks as its
`max-depth` rule counts it. Per file: the mean and maximum of the functions' complexity
and a maintainability figure of ours (below). One tree-sitter query captures what counts
and one pass over the captures in source order attributes it to functions.

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
Halstead volume counted on the file's tokens outside comments in one regex pass
(operators: keywords and punctuation; operands: identifiers and literals). It ranks
files within a JS/TS code base; it is not comparable with radon's Python figures digit
for digit.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from typing import Any

import tree_sitter

from scanners.model import FunctionMetric
from scanners.source import SourceFile
from scanners.treesitter import compile_query

_FIELDS = frozenset({"field_definition", "public_field_definition"})


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
    query = compile_query(source.language, _QUERY)
    found = tree_sitter.QueryCursor(query).captures(tree.root_node) if query is not None else {}
    functions = _sweep(found)
    text = source.text.encode("utf-8", "surrogatepass")
    maintainability = _maintainability(functions, _halstead(text, found.get("comment", [])), sloc, comments)
    result = JsMetrics(functions, maintainability)
    source.derived["js_metrics"] = result
    return result


# What the sweep needs, matched by tree-sitter in C: a Python walk over every node of a
# file costs ~20 µs a node, the captures a fraction of it. Patterns a grammar cannot
# express (TypeScript-only nodes in JavaScript) are left out by `compile_query`.
_QUERY = (
    "[(function_declaration) (function_expression) (generator_function) (generator_function_declaration)"
    " (arrow_function) (method_definition) (class_static_block)] @path",
    "(field_definition value: (_) @field)",
    "(public_field_definition value: (_) @field)",
    "[(if_statement) (for_statement) (for_in_statement) (while_statement) (do_statement) (catch_clause)"
    " (ternary_expression) (assignment_pattern) (object_assignment_pattern) (optional_chain)] @branch",
    '(binary_expression operator: ["&&" "||" "??"]) @branch',
    '(augmented_assignment_expression operator: ["&&=" "||=" "??="]) @branch',
    "(switch_case value: (_)) @branch",
    "(required_parameter value: (_)) @branch",
    "(optional_parameter value: (_)) @branch",
    "[(if_statement) (switch_statement) (try_statement) (do_statement) (while_statement) (with_statement)"
    " (for_statement) (for_in_statement)] @block",
    "(else_clause (if_statement) @chained)",
    "(if_statement consequence: (if_statement) @chained)",
    "(comment) @comment",
)
_KIND = {"method_definition": "method", "arrow_function": "arrow", "class_static_block": "static-block"}


def _sweep(found: dict[str, list[Any]]) -> tuple[JsFunction, ...]:
    """Attribute every branch and block to its innermost code path, in one pass over the
    captures in source order (code paths nest, so a stack of open ones is enough)."""
    chained = {(n.start_byte, n.end_byte) for n in found.get("chained", [])}
    # (start, order, -end, tie, node, kind): at one position a path opens before what it
    # holds, and a field's initializer before the arrow function that is its value.
    items: list[tuple[int, int, int, int, Any, str]] = []
    for node in found.get("field", []):
        items.append((node.start_byte, 0, -node.end_byte, 0, node, "field"))
    for node in found.get("path", []):
        items.append((node.start_byte, 0, -node.end_byte, 1, node, _KIND.get(node.type, "function")))
    for node in found.get("block", []):
        items.append((node.start_byte, 1, -node.end_byte, 0, node, "block"))
    for node in found.get("branch", []):
        items.append((node.start_byte, 2, -node.end_byte, 0, node, "branch"))
    items.sort(key=lambda item: item[:4])
    done: list[_Path] = []
    # Open code paths and blocks: (end byte, depth, the path they belong to).
    stack: list[tuple[int, int, _Path | None]] = []
    for start, order, negative_end, _tie, node, kind in items:
        while stack and stack[-1][0] <= start:
            stack.pop()
        current = stack[-1][2] if stack else None
        if order == 0:
            path = _Path(node, kind, _name_of(node, kind))
            done.append(path)
            stack.append((-negative_end, 0, path))
        elif order == 1:
            depth = (stack[-1][1] if stack else 0) + ((start, -negative_end) not in chained)
            stack.append((-negative_end, depth, current))
            if current is not None and depth > current.max_depth:
                current.max_depth, current.depth_line = depth, node.start_point[0] + 1
        elif current is not None:
            current.complexity += 1
    return tuple(
        JsFunction(p.name, p.kind, p.line, p.column, p.end_line, p.complexity, p.max_depth, p.depth_line)
        for p in sorted(done, key=lambda p: (p.line, p.column, p.kind != "field"))
    )


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


_TOKEN = re.compile(
    rb"[A-Za-z_$\x80-\xff][\w$\x80-\xff]*|\d[\w.]*|\"(?:\\.|[^\"\\\n])*\"|'(?:\\.|[^'\\\n])*'|`[^`]*`"
    rb"|[^\s\w]"
)


def _halstead(text: bytes, comments: list[Any]) -> tuple[int, int]:
    """(vocabulary, length) of the file's tokens outside comments, by one regex pass
    (identifiers and literals are the operands, keywords and punctuation the operators;
    the volume needs only their sum)."""
    if comments:
        parts, at = [], 0
        for comment in sorted(comments, key=lambda c: c.start_byte):
            parts.append(text[at : comment.start_byte])
            at = max(at, comment.end_byte)
        parts.append(text[at:])
        text = b" ".join(parts)
    tokens = _TOKEN.findall(text)
    return len(set(tokens)), len(tokens)


def _maintainability(
    functions: tuple[JsFunction, ...], halstead: tuple[int, int], sloc: int, comments: int
) -> float | None:
    vocabulary, length = halstead
    if sloc <= 0:
        return None
    if vocabulary <= 1 or length <= 0:
        return 100.0
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
