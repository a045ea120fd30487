"""AI413: a shared value read, then written back after an `await` (a lost update)."""

from __future__ import annotations

from collections.abc import Iterator

from scanners.model import Category, Confidence, RuleMeta, ScannerId, Severity
from scanners.project.context import RepoContext
from scanners.rules.base import Hit
from scanners.rules.javascript.races import _declares, _module_variables, _own_nodes
from scanners.rules.javascript.syntax import (
    FUNCTION_TYPES,
    JS_LANGUAGES,
    Node,
    descendants,
    enclosing_function,
    is_async,
    line_of,
    text,
)
from scanners.source import SourceFile

_ASSIGNMENTS = frozenset({"assignment_expression", "augmented_assignment_expression"})
_READS = frozenset({"identifier", "member_expression", "subscript_expression"})


def _module_objects(root: Node) -> set[str]:
    """Every top-level binding (`const cache = {}` included): its members are shared."""
    names: set[str] = set()
    for statement in root.named_children:
        declaration = (
            statement.child_by_field_name("declaration")
            if statement.type == "export_statement"
            else statement
        )
        if declaration is not None and declaration.type in ("lexical_declaration", "variable_declaration"):
            for declarator in declaration.named_children:
                name = declarator.child_by_field_name("name")
                if (
                    declarator.type == "variable_declarator"
                    and name is not None
                    and name.type == "identifier"
                ):
                    names.add(text(name))
    return names


def _base(target: Node) -> Node:
    """`a` of `a.b[c].d`; `this` of `this.x`."""
    while target.type in ("member_expression", "subscript_expression"):
        inner = target.child_by_field_name("object")
        if inner is None:
            break
        target = inner
    return target


def _shared(target: Node, function: Node, variables: set[str], objects: set[str]) -> bool:
    """`target` outlives this call: a module `let`/`var`, `this.x`, or a member of a module binding."""
    if target.type == "identifier":
        name = text(target)
        if not _declares(function, name):
            # A module variable, or a local of an enclosing function (shared by every call
            # of this closure).
            return name in variables or _declared_outside(function, name)
        return _captured(function, name)
    if target.type not in ("member_expression", "subscript_expression"):
        return False
    base = _base(target)
    if base.type == "this":
        return True
    return base.type == "identifier" and text(base) in objects and not _declares(function, text(base))


def _declared_outside(function: Node, name: str) -> bool:
    outer = enclosing_function(function)
    while outer is not None:
        if _declares(outer, name):
            return True
        outer = enclosing_function(outer)
    return False


def _captured(function: Node, name: str) -> bool:
    """A local of `function` that a closure inside it also reads (`bar(() => foo)`)."""
    for inner in descendants(function, FUNCTION_TYPES):
        if (
            inner != function
            and not _declares(inner, name)
            and any(
                n.type == "identifier" and text(n) == name
                for n in descendants(inner, frozenset({"identifier"}))
            )
        ):
            return True
    return False


def _other_branches(read: Node, suspension: Node) -> bool:
    """`x = c ? x : await f()`: the read and the await are in different arms of a ternary."""
    ancestors = []
    node: Node | None = read
    while node is not None:
        ancestors.append(node)
        node = node.parent
    node = suspension
    while node is not None and node not in ancestors:
        node = node.parent
    if node is None or node.type != "ternary_expression":
        return False
    arms = [node.child_by_field_name("consequence"), node.child_by_field_name("alternative")]

    def arm(of: Node) -> Node | None:
        return next((a for a in arms if a is not None and a.start_byte <= of.start_byte < a.end_byte), None)

    first, second = arm(read), arm(suspension)
    return first is not None and second is not None and first != second


def _own(node: Node) -> Iterator[Node]:
    yield from (n for n in _own_nodes(node) if n.type not in FUNCTION_TYPES)


def _read_before_await(right: Node, target: str) -> Node | None:
    """An `await` in `right` that suspends after `target` was read (`x + await f()`,
    `await g(x)`, `c ? x + await f() : y`); None when every read follows the awaits."""
    awaits = [n for n in _own(right) if n.type == "await_expression"]
    if not awaits:
        return None
    reads = [n for n in _own(right) if n.type in _READS and text(n) == target]
    for node in awaits:
        if any(read.start_byte < node.end_byte and not _other_branches(read, node) for read in reads):
            return node
    return None


class LostUpdateAcrossAwaitJs:
    """AI413: `total += await f()`, `total = total + await f()`, `cache ||= await load()`."""

    meta = RuleMeta(
        id="AI413",
        name="lost-update-across-await-js",
        title="Shared value read, then written back after an await",
        category=Category.CONCURRENCY,
        severity=Severity.HIGH,
        confidence=Confidence.MEDIUM,
        scanner=ScannerId.AI_RULES,
        what=(
            "In an async function, flags an assignment to shared state — a module-level "
            "`let`/`var`, `this.x`, or a member of a module-level binding (`cache[key]`, "
            "`stats.total`) — whose value was read before an `await` in the same assignment: "
            "`total += await f()`, `total = total + await f()`, `x = cond ? x + await f() : y`, "
            "`this.n = await g(this.n)`, and `cache ||= await load()` / `??=`. Quiet when every "
            "read of the target follows the awaits (`x = (await f()) + x`), for locals and "
            "parameters, and outside async functions."
        ),
        why=(
            "`total += await amount()` reads `total`, suspends, and writes `old + amount` back: "
            "every call that ran in between is overwritten. The `+=` looks atomic and is not "
            "(ESLint's `require-atomic-updates`; the source text's 'Concurrency Blindspot')."
        ),
        example=(
            "let total = 0;\n"
            "const cache = {};\n"
            "\n"
            "export async function addOrder(id) {\n"
            "  total += await priceOf(id);  // expect: AI413\n"
            "  cache[id] = cache[id] || await fetchOrder(id);  // expect: AI413\n"
            "}\n"
            "\n"
            "export class Meter {\n"
            "  async record(reading) {\n"
            "    this.sum = this.sum + await normalise(reading);  // expect: AI413\n"
            "  }\n"
            "}\n"
        ),
        use_instead=(
            "let total = 0;\n"
            "const cache = {};\n"
            "\n"
            "export async function addOrder(id) {\n"
            "  const price = await priceOf(id);\n"
            "  total += price;\n"
            "  cache[id] ??= fetchOrder(id);\n"
            "  return cache[id];\n"
            "}\n"
            "\n"
            "export class Meter {\n"
            "  async record(reading) {\n"
            "    const value = await normalise(reading);\n"
            "    this.sum = this.sum + value;\n"
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
        root = tree.root_node
        variables = _module_variables(root)
        objects = _module_objects(root)
        for node in descendants(root, _ASSIGNMENTS):
            left, right = node.child_by_field_name("left"), node.child_by_field_name("right")
            function = enclosing_function(node)
            if left is None or right is None or function is None or not is_async(function):
                continue
            if not _shared(left, function, variables, objects):
                continue
            target = text(left)
            if node.type == "augmented_assignment_expression":
                suspension = next((n for n in _own(right) if n.type == "await_expression"), None)
            else:
                suspension = _read_before_await(right, target)
            if suspension is None:
                continue
            yield Hit(
                line_of(node),
                f"`{target}` is read, then written back after the `await` on line "
                f"{line_of(suspension)}: every update another call makes while this one waits "
                "is lost. Await into a local first (`const v = await …;`), then update in one "
                "synchronous step.",
                column=node.start_point[1],
            )
