"""AI412: check-then-act across an `await` on module-level or instance state."""

from __future__ import annotations

from collections.abc import Iterator

from scanners.model import Category, Confidence, RuleMeta, ScannerId, Severity
from scanners.project.context import RepoContext
from scanners.rules.base import Hit
from scanners.rules.javascript.syntax import (
    FUNCTION_TYPES,
    JS_LANGUAGES,
    Node,
    captures,
    enclosing_function,
    is_async,
    line_of,
    text,
)
from scanners.source import SourceFile

_IF_PATTERNS = ("(if_statement condition: (_) @condition) @if",)
_ASSIGNMENTS = frozenset({"assignment_expression", "augmented_assignment_expression"})
_EXITS = frozenset({"return_statement", "throw_statement"})


def _module_variables(root: Node) -> set[str]:
    """Names declared with `let`/`var` at the top level (exported or not)."""
    names: set[str] = set()
    for statement in root.named_children:
        declaration = (
            statement.child_by_field_name("declaration")
            if statement.type == "export_statement"
            else statement
        )
        if declaration is None:
            continue
        mutable = declaration.type == "variable_declaration" or (
            declaration.type == "lexical_declaration" and declaration.children[0].type == "let"
        )
        if mutable:
            for declarator in declaration.named_children:
                name = declarator.child_by_field_name("name")
                if (
                    declarator.type == "variable_declarator"
                    and name is not None
                    and name.type == "identifier"
                ):
                    names.add(text(name))
    return names


def _own_nodes(node: Node) -> Iterator[Node]:
    """Descendants of `node` that run in the same function (nested functions skipped)."""
    stack = [node]
    while stack:
        current = stack.pop()
        yield current
        stack.extend(c for c in reversed(current.children) if c.type not in FUNCTION_TYPES)


def _shared_state(condition: Node, module_vars: set[str]) -> set[str]:
    found: set[str] = set()
    for node in _own_nodes(condition):
        if node.type == "identifier" and text(node) in module_vars:
            parent = node.parent
            if not (
                parent is not None
                and parent.type == "member_expression"
                and parent.child_by_field_name("property") == node
            ):
                found.add(text(node))
        elif node.type == "member_expression":
            obj = node.child_by_field_name("object")
            if obj is not None and obj.type == "this":
                found.add(text(node))
    return found


def _racy_assignment(statements: list[Node], shared: str) -> Node | None:
    """The first assignment to `shared` that happens with or after an `await` in
    `statements`, unless `shared` is claimed synchronously before the first await."""
    first_await: int | None = None
    for statement in statements:
        for node in _own_nodes(statement):
            if node.type == "await_expression" and first_await is None:
                first_await = node.start_byte
            if node.type in _ASSIGNMENTS and text(node.child_by_field_name("left")) == shared:
                right = node.child_by_field_name("right")
                awaits_inside = right is not None and any(
                    n.type == "await_expression" for n in _own_nodes(right)
                )
                if awaits_inside or (first_await is not None and first_await < node.start_byte):
                    return node
                return None  # assigned before any await: the check and the claim are atomic
    return None


def _declares(function: Node, name: str) -> bool:
    """`name` is a parameter or local of `function` (shadowing the module variable)."""
    for node in _own_nodes(function):
        if node.type in ("variable_declarator", "required_parameter", "optional_parameter"):
            target = node.child_by_field_name("name") or node.child_by_field_name("pattern")
            if target is not None and text(target) == name:
                return True
        elif node.type == "formal_parameters" and any(text(c) == name for c in node.named_children):
            return True
    return False


def _branch_statements(node: Node) -> list[Node]:
    return list(node.named_children) if node.type == "statement_block" else [node]


def _exits(branch: Node) -> bool:
    statements = _branch_statements(branch)
    return bool(statements) and statements[-1].type in _EXITS


class CheckThenActAcrossAwaitJs:
    """AI412: shared state tested, then assigned after an `await`, in one async function."""

    meta = RuleMeta(
        id="AI412",
        name="check-then-act-across-await-js",
        title="Check-then-act on shared state across an await",
        category=Category.CONCURRENCY,
        severity=Severity.HIGH,
        confidence=Confidence.MEDIUM,
        scanner=ScannerId.AI_RULES,
        what=(
            "In an async function, flags the assignment of a module-level `let`/`var` "
            "variable or of `this.x` that happens with or after an `await`, when the same "
            "variable was tested in an `if` whose branch holds the assignment — or in a "
            "guard clause (`if (x) return x;`) before it. The assignment line is reported. "
            "Quiet when the branch claims the variable before its first await (`loading = "
            "true`) or stores the promise itself."
        ),
        why=(
            "Examples are single-threaded, so the model writes 'if not cached, fetch and "
            "cache'. Every `await` lets other calls run: two callers both see the empty "
            "cache, and the slower response overwrites the newer one (the source text's "
            "`cachedUser` race)."
        ),
        example=(
            "let cachedUser = null;\n"
            "\n"
            "async function getUser(id) {\n"
            "  if (!cachedUser || cachedUser.id !== id) {\n"
            "    cachedUser = await fetchUser(id);  // expect: AI412\n"
            "  }\n"
            "  return cachedUser;\n"
            "}\n"
            "\n"
            "class Client {\n"
            "  async session() {\n"
            "    if (this.token) return this.token;\n"
            "    const response = await login();\n"
            "    this.token = response.token;  // expect: AI412\n"
            "    return this.token;\n"
            "  }\n"
            "}\n"
        ),
        use_instead=(
            "let cachedUser = null;\n"
            "const pendingRequests = new Map();\n"
            "\n"
            "async function getUser(id) {\n"
            "  if (cachedUser?.id === id) {\n"
            "    return cachedUser;\n"
            "  }\n"
            "\n"
            "  if (pendingRequests.has(id)) {\n"
            "    return pendingRequests.get(id);\n"
            "  }\n"
            "\n"
            "  const promise = fetchUser(id).then(user => {\n"
            "    cachedUser = user;\n"
            "    pendingRequests.delete(id);\n"
            "    return user;\n"
            "  });\n"
            "\n"
            "  pendingRequests.set(id, promise);\n"
            "  return promise;\n"
            "}\n"
            "\n"
            "class Client {\n"
            "  async session() {\n"
            "    if (!this.pending) {\n"
            "      this.pending = login();\n"
            "    }\n"
            "    return (await this.pending).token;\n"
            "  }\n"
            "}\n"
        ),
        languages=JS_LANGUAGES,
    )
    example_filename = "src/example.js"

    def check(self, source: SourceFile, context: RepoContext) -> Iterator[Hit]:
        tree = source.ts_tree
        if tree is None or "await" not in source.text:
            return
        module_vars = _module_variables(tree.root_node)
        if not module_vars and "this." not in source.text:
            return
        reported: set[int] = set()
        for if_node in captures(source, _IF_PATTERNS).get("if", []):
            function = enclosing_function(if_node)
            condition = if_node.child_by_field_name("condition")
            consequence = if_node.child_by_field_name("consequence")
            if function is None or not is_async(function) or condition is None or consequence is None:
                continue
            for shared in sorted(_shared_state(condition, module_vars)):
                if not shared.startswith("this.") and _declares(function, shared):
                    continue
                assignment = _racy_assignment(_branch_statements(consequence), shared)
                if (
                    assignment is None
                    and if_node.child_by_field_name("alternative") is None
                    and _exits(consequence)
                ):
                    assignment = _racy_assignment(_following_statements(if_node), shared)
                if assignment is None or line_of(assignment) in reported:
                    continue
                reported.add(line_of(assignment))
                yield Hit(
                    line_of(assignment),
                    f"`{shared}` is checked on line {line_of(if_node)} and assigned here after an "
                    "`await`: concurrent calls all pass the check before any assigns, and the "
                    "slowest result wins. Keep the in-flight promise (e.g. a Map of pending "
                    "requests) and return it, or claim the variable before awaiting.",
                    column=assignment.start_point[1],
                )


def _following_statements(if_node: Node) -> list[Node]:
    statements = []
    sibling = if_node.next_named_sibling
    while sibling is not None:
        statements.append(sibling)
        sibling = sibling.next_named_sibling
    return statements
