"""Small helpers over tree-sitter trees shared by the JS/TS rules.

Queries are compiled once per (grammar, query text) and run in C; Python only looks
at the few nodes they capture. Node types differ slightly between the JavaScript and
TypeScript grammars, so a query is compiled pattern by pattern when one of its
patterns names a type the grammar lacks (e.g. `jsx_attribute` in plain TypeScript).
"""

from __future__ import annotations

from collections.abc import Iterator

import tree_sitter

from scanners.source import SourceFile
from scanners.treesitter import compile_query

Node = tree_sitter.Node
JS_LANGUAGES = ("javascript", "typescript", "tsx")

FUNCTION_TYPES = frozenset(
    {
        "function_declaration",
        "function_expression",
        "arrow_function",
        "method_definition",
        "generator_function",
        "generator_function_declaration",
    }
)


def captures(
    source: SourceFile, patterns: tuple[str, ...], node: Node | None = None
) -> dict[str, list[Node]]:
    """Captures of `patterns` over the file (or under `node`), by capture name."""
    tree = source.ts_tree
    if tree is None:
        return {}
    query = compile_query(source.language, patterns)
    if query is None:
        return {}
    return tree_sitter.QueryCursor(query).captures(node if node is not None else tree.root_node)


def matches(source: SourceFile, patterns: tuple[str, ...]) -> list[dict[str, list[Node]]]:
    """Each match as {capture name: nodes}, in document order."""
    tree = source.ts_tree
    if tree is None:
        return []
    query = compile_query(source.language, patterns)
    if query is None:
        return []
    return [m for _, m in tree_sitter.QueryCursor(query).matches(tree.root_node)]


def text(node: Node | None) -> str:
    if node is None or node.text is None:
        return ""
    return node.text.decode("utf-8", errors="replace")


def line_of(node: Node) -> int:
    return node.start_point[0] + 1


def string_value(node: Node | None) -> str | None:
    """The contents of a string literal or a substitution-free template literal."""
    if node is None:
        return None
    if node.type == "string":
        return text(node)[1:-1]
    if node.type == "template_string" and not any(
        c.type == "template_substitution" for c in node.named_children
    ):
        return text(node)[1:-1]
    return None


def enclosing_function(node: Node) -> Node | None:
    current = node.parent
    while current is not None:
        if current.type in FUNCTION_TYPES:
            return current
        current = current.parent
    return None


def is_async(function: Node) -> bool:
    return any(child.type == "async" for child in function.children)


def in_try_block(node: Node, stop: Node | None) -> bool:
    """True when `node` sits in the body of a `try` that has a `catch`, below `stop`."""
    child = node
    current = node.parent
    while current is not None and current != stop:
        if (
            current.type == "try_statement"
            and current.child_by_field_name("handler") is not None
            and current.child_by_field_name("body") == child
        ):
            return True
        child = current
        current = current.parent
    return False


def call_name(call: Node) -> tuple[str, str]:
    """(receiver text, callee name) of a call: `a.b.c()` → ("a.b", "c"), `f()` → ("", "f")."""
    function = call.child_by_field_name("function")
    if function is None:
        return "", ""
    if function.type == "member_expression":
        return text(function.child_by_field_name("object")), text(function.child_by_field_name("property"))
    if function.type == "identifier":
        return "", text(function)
    return "", ""


def arguments(call: Node) -> list[Node]:
    args = call.child_by_field_name("arguments")
    return list(args.named_children) if args is not None else []


def descendants(node: Node, types: frozenset[str] | None = None) -> Iterator[Node]:
    """Pre-order walk with a cursor (cheaper than recursion over `.children`)."""
    cursor = node.walk()
    while True:
        current = cursor.node
        if current is not None and (types is None or current.type in types):
            yield current
        if cursor.goto_first_child():
            continue
        while not cursor.goto_next_sibling():
            if not cursor.goto_parent():
                return


def identifier_name(node: Node | None) -> str | None:
    """The name a value is bound to or read from: `x`, `a.b.x`, `a['x']` → "x"."""
    if node is None:
        return None
    if node.type in ("identifier", "property_identifier", "shorthand_property_identifier",
                     "private_property_identifier", "type_identifier"):  # fmt: skip
        return text(node).lstrip("#")
    if node.type == "member_expression":
        return identifier_name(node.child_by_field_name("property"))
    if node.type == "subscript_expression":
        return string_value(node.child_by_field_name("index"))
    if node.type in ("string", "template_string"):
        return string_value(node)
    return None


_BINDING_PATTERNS = (
    "(function_declaration name: (identifier) @b)",
    "(class_declaration name: (_) @b)",
    "(variable_declarator name: (identifier) @b)",
    "(import_specifier name: (identifier) @b)",
    "(import_specifier alias: (identifier) @b)",
    "(import_clause (identifier) @b)",
    "(namespace_import (identifier) @b)",
    "(formal_parameters (identifier) @b)",
    "(required_parameter pattern: (identifier) @b)",
    "(optional_parameter pattern: (identifier) @b)",
    "(shorthand_property_identifier_pattern) @b",
    "(pair_pattern value: (identifier) @b)",
    "(assignment_pattern left: (identifier) @b)",
    "(array_pattern (identifier) @b)",
    "(rest_pattern (identifier) @b)",
    "(arrow_function parameter: (identifier) @b)",
)


def local_bindings(source: SourceFile) -> set[str]:
    """Every name the file declares anywhere (functions, variables, imports, parameters).
    Scope-insensitive on purpose: a global is only assumed when the file never binds it."""
    return {text(n) for n in captures(source, _BINDING_PATTERNS).get("b", [])}


_MODULE_BINDING_PATTERNS = (
    "(import_statement (import_clause (identifier) @object) source: (string) @source)",
    "(import_statement (import_clause (namespace_import (identifier) @object)) source: (string) @source)",
    "(import_statement (import_clause (named_imports (import_specifier name: (identifier) @imported"
    " alias: (identifier)? @local))) source: (string) @source)",
    "(variable_declarator name: (identifier) @object value: (call_expression function: (identifier)"
    ' @_req arguments: (arguments . (string) @source)) (#eq? @_req "require"))',
    "(variable_declarator name: (object_pattern (shorthand_property_identifier_pattern) @imported)"
    " value: (call_expression function: (identifier) @_req arguments: (arguments . (string) @source))"
    ' (#eq? @_req "require"))',
    "(variable_declarator name: (object_pattern (pair_pattern key: (property_identifier) @imported"
    " value: (identifier) @local)) value: (call_expression function: (identifier) @_req"
    ' arguments: (arguments . (string) @source)) (#eq? @_req "require"))',
)


def module_bindings(source: SourceFile, modules: frozenset[str]) -> tuple[set[str], dict[str, str]]:
    """Names bound to `modules` in this file: (namespace/default objects, {local: imported})."""
    objects: set[str] = set()
    named: dict[str, str] = {}
    for match in matches(source, _MODULE_BINDING_PATTERNS):
        sources = match.get("source", [])
        if not sources or string_value(sources[0]) not in modules:
            continue
        objects.update(text(n) for n in match.get("object", []))
        for imported in match.get("imported", []):
            local = match.get("local", [])
            named[text(local[0]) if local else text(imported)] = text(imported)
    return objects, named
