"""AI322: a placeholder JS/TS function body in code that is called; AI324: a jest / vitest
/ mocha test that asserts nothing."""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any

from scanners.model import Category, Confidence, RuleMeta, ScannerId, Severity
from scanners.project.context import RepoContext
from scanners.rules.base import Hit
from scanners.rules.javascript.syntax import (
    JS_LANGUAGES,
    Node,
    captures,
    descendants,
    line_of,
    string_value,
    text,
)
from scanners.source import SourceFile

_FUNCTIONS = frozenset(
    {
        "function_declaration",
        "function_expression",
        "generator_function_declaration",
        "method_definition",
        "arrow_function",
    }
)
_TODO = re.compile(r"\b(todo|fixme|implement|placeholder|stub)\b", re.IGNORECASE)
_NOT_IMPLEMENTED = re.compile(r"not (yet )?implemented|todo|implement me|placeholder|stub", re.IGNORECASE)
_CALLS = frozenset({"call_expression"})
# Matched by tree-sitter in C: the names every call targets, and the functions whose body
# holds at most one statement (a Python walk over every node costs far more).
_COLLECT = (
    "(call_expression function: (identifier) @callee)",
    "(call_expression function: (member_expression property: (property_identifier) @callee))",
    "([(function_declaration) (function_expression) (generator_function_declaration) (method_definition)"
    " (arrow_function)] @function)",
)


@dataclass
class JsPlaceholderFacts:
    placeholders: list[tuple[str, int, str]] = field(default_factory=list)  # name, line, kind
    calls: set[str] = field(default_factory=set)


def _function_name(node: Node) -> str:
    name = node.child_by_field_name("name")
    if name is not None:
        return text(name)
    parent = node.parent
    if parent is not None and parent.type in ("variable_declarator", "pair", "assignment_expression"):
        target = parent.child_by_field_name("name") or parent.child_by_field_name("key")
        target = target or parent.child_by_field_name("left")
        return text(target).rsplit(".", 1)[-1] if target is not None else ""
    return ""


def _placeholder_kind(function: Node) -> str | None:
    """`{ /* TODO: implement */ }` (comments only, one naming the work still to do) or a
    body that only throws a "not implemented" error."""
    body = function.child_by_field_name("body")
    if body is None or body.type != "statement_block":
        return None  # no body (a declaration) or an expression body
    statements = [c for c in body.named_children if c.type != "comment"]
    comments = [c for c in body.named_children if c.type == "comment"]
    if not statements:
        return "a TODO comment" if any(_TODO.search(text(c)) for c in comments) else None
    if len(statements) != 1 or statements[0].type != "throw_statement":
        return None
    thrown = statements[0].named_children[0] if statements[0].named_children else None
    if thrown is None or thrown.type != "new_expression":
        return None
    arguments = thrown.child_by_field_name("arguments")
    message = string_value(arguments.named_children[0]) if arguments and arguments.named_children else None
    if message is not None and _NOT_IMPLEMENTED.search(message):
        return "`throw new Error('not implemented')`"
    return None


def _in_subclass_or_declaration(function: Node) -> bool:
    """A method of a class that extends another (an override may be a deliberate no-op),
    or of an abstract class."""
    node = function.parent
    if node is None or node.type != "class_body":
        return False
    cls = node.parent
    if cls is None:
        return False
    if cls.type == "abstract_class_declaration":
        return True
    return any(c.type == "class_heritage" for c in cls.children)


def collect_js_placeholders(source: SourceFile) -> JsPlaceholderFacts | None:
    tree = source.ts_tree
    if tree is None or source.path.endswith(".d.ts"):
        return None
    facts = JsPlaceholderFacts()
    found = captures(source, _COLLECT)
    facts.calls.update(text(n) for n in found.get("callee", []))
    # Only bodies that can be placeholders: comment-only blocks and lone `throw`s.
    for node in found.get("function", []):
        kind = _placeholder_kind(node)
        name = _function_name(node) if kind is not None else ""
        if kind is None or not name or _in_subclass_or_declaration(node):
            continue
        facts.placeholders.append((name, line_of(node), kind))
    return facts


class PlaceholderBodyJs:
    meta = RuleMeta(
        id="AI322",
        name="placeholder-body-called-js",
        title="Placeholder JavaScript/TypeScript function body in code that is called",
        category=Category.HAPPY_PATH,
        severity=Severity.HIGH,
        confidence=Confidence.MEDIUM,
        scanner=ScannerId.AI_RULES,
        what=(
            "Flags a named function, method or function-valued variable whose body holds only "
            "comments one of which says TODO / FIXME / implement, or only throws an error whose "
            "message says it is not implemented, when the repository calls that name somewhere. "
            "Quiet: empty bodies without such a comment (no-op callbacks), declarations without "
            "a body (interfaces, overload signatures, `abstract` methods, `.d.ts` files), methods "
            "of abstract classes and of classes that extend another (an override may be a "
            "deliberate no-op)."
        ),
        why=(
            "Assistants scaffold a function, promise to fill it in and move on; the caller runs "
            "and nothing happens, or the error surfaces in production."
        ),
        example=(
            "export function checkout(cart) {\n"
            "  const total = priceOf(cart);\n"
            "  return charge(cart.user, total);\n"
            "}\n"
            "function priceOf(cart) {  // expect: AI322\n"
            "  // TODO: implement pricing\n"
            "}\n"
            "const charge = async (user, total) => {  // expect: AI322\n"
            "  throw new Error('Not implemented');\n"
            "};\n"
        ),
        use_instead=(
            "interface Gateway { charge(user: string, total: number): Promise<void>; }\n"
            "abstract class Store { abstract priceOf(cart: unknown): number; }\n"
            "class Quiet extends Store {\n"
            "  priceOf() { throw new Error('Not implemented'); }\n"
            "}\n"
            "const noop = () => {};\n"
            "export function checkout(gateway: Gateway, store: Store, cart: unknown) {\n"
            "  noop();\n"
            "  return gateway.charge('u', store.priceOf(cart));\n"
            "}\n"
        ),
        languages=JS_LANGUAGES,
    )
    example_filename = "src/example.ts"

    def collect(self, source: SourceFile, context: RepoContext) -> JsPlaceholderFacts | None:
        return collect_js_placeholders(source)

    def conclude(self, facts: Mapping[str, Any], context: RepoContext) -> Iterator[tuple[str, Hit]]:
        called: set[str] = set()
        for item in facts.values():
            if item is not None:
                called |= item.calls
        for path, item in sorted(facts.items()):
            if item is None:
                continue
            for name, line, kind in item.placeholders:
                if name in called:
                    yield (
                        path,
                        Hit(
                            line,
                            f"`{name}` is called but its body is only {kind}: implement it, or remove "
                            "it and its callers.",
                        ),
                    )


# ---- AI324 --------------------------------------------------------------------------

_TEST_FUNCTIONS = frozenset({"it", "test"})
_NOT_RUN = frozenset({"skip", "todo", "failing"})
# Calls that check: expect/assert (and chai's should), helpers named like checks, and
# the checking methods of supertest-style chains (`.expect(200)`).
_CHECKING = re.compile(r"^_*(expect|assert|should|check|verify|ensure|validate|fail)", re.IGNORECASE)
_SNAPSHOT = re.compile(r"snapshot", re.IGNORECASE)
# A test whose title promises only that the code runs: "does not throw", "should not fail",
# "should be able to load"; not failing is its check.
SMOKE_TITLE = re.compile(
    r"\b(not|n't|never|without) (throw|raise|fail|crash|error|reject|hang)|\bno (error|exception)s?\b"
    r"|\bbe able to\b|\bsmoke\b",
    re.IGNORECASE,
)


def _test_call(call: Node) -> tuple[str, Node] | None:
    """(title-ish, callback) of `it(...)`, `test(...)`, `it.only(...)`, `test.each(...)(...)`,
    `it.concurrent(...)`; None for skipped / todo tests and anything else."""
    callee = call.child_by_field_name("function")
    while callee is not None and callee.type == "call_expression":  # test.each([...])(...)
        callee = callee.child_by_field_name("function")
    if callee is None:
        return None
    root: Node | None = callee
    modifiers: list[str] = []
    while root is not None and root.type == "member_expression":
        modifiers.append(text(root.child_by_field_name("property")))
        root = root.child_by_field_name("object")
    if root is None or text(root) not in _TEST_FUNCTIONS or set(modifiers) & _NOT_RUN:
        return None
    arguments = call.child_by_field_name("arguments")
    callbacks = [
        a
        for a in (arguments.named_children if arguments else [])
        if a.type in ("arrow_function", "function_expression")
    ]
    if not callbacks:
        return None
    return text(arguments.named_children[0])[:60] if arguments else "", callbacks[0]


def _is_called(name: Node) -> bool:
    """Whether `name` starts or ends a chain that is called: `expect(…)`, `assert.equal(…)`,
    `res.should.equal(…)`, `request(app).expect(200)` — not `expected.length`."""
    node = name
    while node.parent is not None and node.parent.type == "member_expression":
        node = node.parent
    parent = node.parent
    return (
        parent is not None
        and parent.type == "call_expression"
        and parent.child_by_field_name("function") == node
    )


def _checks(callback: Node, helpers: set[str]) -> bool:
    for node in descendants(callback, frozenset({"identifier", "property_identifier"})):
        name = text(node)
        if (_CHECKING.match(name) or _SNAPSHOT.search(name) or name in helpers) and _is_called(node):
            return True
    return False


_DECLARATIONS = frozenset({"variable_declarator"})
_COMMENTED_CHECK = re.compile(r"^(//|/\*)\s*(expect\s*\(|assert\b)", re.MULTILINE)


def hollow_js(callback: Node) -> str | None:
    """Why a test callback without checks is hollow: an empty body, a value it only logs,
    or a variable it declares and never reads. None when it only calls the code (a "does
    not throw" test)."""
    body = callback.child_by_field_name("body")
    if body is None:
        return None
    if body.type == "statement_block" and not [c for c in body.named_children if c.type != "comment"]:
        return "its body is empty"
    for comment in descendants(body, frozenset({"comment"})):
        if _COMMENTED_CHECK.search(text(comment)):
            return "its assertion is commented out"
    logged: set[int] = set()
    for call in descendants(body, _CALLS):
        callee = call.child_by_field_name("function")
        if callee is not None and text(callee).startswith("console."):
            logged.update(n.id for n in descendants(call, frozenset({"identifier"})))
            if call.child_by_field_name("arguments") and call.child_by_field_name("arguments").named_children:  # type: ignore[union-attr]
                return "it logs what it computes instead of checking it"
    reads: dict[str, int] = {}
    for identifier in descendants(body, frozenset({"identifier"})):
        parent = identifier.parent
        declared = (
            parent is not None
            and parent.type in _DECLARATIONS
            and parent.child_by_field_name("name") == identifier
        )
        if not declared and identifier.id not in logged:
            reads[text(identifier)] = reads.get(text(identifier), 0) + 1
    for declarator in descendants(body, _DECLARATIONS):
        name = declarator.child_by_field_name("name")
        if name is not None and name.type == "identifier" and text(name) not in reads:
            return f"it computes `{text(name)}` and never looks at it"
    return None


class TestWithoutAssertionJs:
    __test__ = False  # not a pytest test class despite its name

    meta = RuleMeta(
        id="AI324",
        name="test-without-assertion-js",
        title="JavaScript/TypeScript test that asserts nothing",
        category=Category.HAPPY_PATH,
        severity=Severity.MEDIUM,
        confidence=Confidence.MEDIUM,
        scanner=ScannerId.AI_RULES,
        in_tests_note=(
            "Only test code is checked (the engine's test-code policy: conventions plus the "
            "repository's jest / vitest configuration)."
        ),
        what=(
            "Flags an `it(…)` / `test(…)` block (also `.only`, `.concurrent`, `.each(…)(…)`) in test "
            "code whose callback calls nothing that checks: no `expect` / `assert` / `should`, no "
            "function or method named `check*` / `verify*` / `ensure*` / `validate*` / `fail*` (so "
            "supertest's `.expect(200)` counts), no snapshot matcher, and no call to a function of "
            "the same file that itself checks — and that is hollow: an empty body, a value it only "
            "logs, or a variable it declares and never reads. A test that only calls the code is "
            "taken as a “does not throw” test and is quiet, as are `it.skip`, `it.todo`, tests "
            "without a callback and tests whose title says not failing is the point (“does not "
            "throw”, “should not fail”, “should be able to load”)."
        ),
        why=(
            "Assistants asked for tests produce tests that call the code and check nothing: they "
            "pass whatever the code does and hide that the behaviour is untested."
        ),
        example=(
            "import { total } from '../src/cart';\n"
            "\n"
            "describe('cart', () => {\n"
            "  it('adds items', async () => {  // expect: AI324\n"
            "    const value = await total([{ price: 2 }]);\n"
            "    console.log(value);\n"
            "  });\n"
            "});\n"
        ),
        use_instead=(
            "import { total, render } from '../src/cart';\n"
            "\n"
            "function expectTotal(items, value) {\n"
            "  expect(total(items)).toBe(value);\n"
            "}\n"
            "describe('cart', () => {\n"
            "  it('adds items', () => {\n"
            "    expectTotal([{ price: 2 }], 2);\n"
            "  });\n"
            "  it('renders', () => {\n"
            "    expect(render([])).toMatchSnapshot();\n"
            "  });\n"
            "  it.todo('applies coupons');\n"
            "  it.skip('handles currencies', () => {});\n"
            "});\n"
        ),
        languages=JS_LANGUAGES,
    )
    example_filename = "src/__tests__/cart.test.js"

    def check(self, source: SourceFile, context: RepoContext) -> Iterator[Hit]:
        tree = source.ts_tree
        if tree is None or not context.in_tests(source.path):
            return
        if "it(" not in source.text and "test(" not in source.text and ".each" not in source.text:
            return
        tests: list[tuple[Node, Node]] = []
        helpers: set[str] = set()
        for call in descendants(tree.root_node, _CALLS):
            found = _test_call(call)
            if found is not None:
                tests.append((call, found[1]))
        for function in descendants(tree.root_node, _FUNCTIONS):
            name = _function_name(function)
            if name and _checks(function, set()):
                helpers.add(name)
        for call, callback in tests:
            arguments = call.child_by_field_name("arguments")
            title = text(arguments.named_children[0]) if arguments and arguments.named_children else ""
            if SMOKE_TITLE.search(title):
                continue
            if _checks(callback, helpers):
                continue
            reason = hollow_js(callback)
            if reason is not None:
                yield Hit(
                    line_of(call),
                    f"This test checks nothing ({reason}): it passes whatever the code does. "
                    "Assert the outcome with `expect(…)` (or `assert`).",
                    column=call.start_point[1],
                )
