"""AI313: a promise chain left floating without a rejection handler."""

from __future__ import annotations

from collections.abc import Iterator

from scanners.model import Category, Confidence, RuleMeta, ScannerId, Severity
from scanners.project.context import RepoContext
from scanners.rules.base import Hit
from scanners.rules.javascript.syntax import (
    JS_LANGUAGES,
    Node,
    arguments,
    call_name,
    captures,
    enclosing_function,
    line_of,
    text,
)
from scanners.source import SourceFile

_PATTERNS = (
    "(expression_statement (call_expression function: (member_expression property:"
    ' (property_identifier) @_method)) @chain (#any-of? @_method "then" "finally" "catch"))',
)
# `Promise.all([...])` as a statement: nobody hears its rejection.
_FLOATING_COMBINATORS = frozenset({"all", "any", "race", "reject"})
_CHAIN_METHODS = frozenset({"then", "catch", "finally", "done"})
# Command queues that look like promises but have no `.catch` (Cypress).
_NOT_PROMISES = frozenset({"cy", "cypress"})
# Timers and already-settled promises do not reject.
_NEVER_REJECT = frozenset({"sleep", "delay", "wait", "timeout", "tick", "nextTick", "resolve"})


def _chain_links(call: Node) -> tuple[list[tuple[str, int]], Node]:
    """[(method, argument count)] of `a.then(f).then(g, h).finally(k)`, outermost first,
    and the expression the chain starts from. `.then(null, h)` counts as `.catch(h)`."""
    links: list[tuple[str, int]] = []
    node = call
    while node.type == "call_expression":
        function = node.child_by_field_name("function")
        if function is None or function.type != "member_expression":
            break
        method = text(function.child_by_field_name("property"))
        if method not in _CHAIN_METHODS:
            break
        args = arguments(node)
        if method == "then" and len(args) >= 2 and args[0].type in ("null", "undefined"):
            method = "catch"  # `.then(null, onRejected)`
        links.append((method, len(args)))
        receiver = function.child_by_field_name("object")
        if receiver is None:
            break
        node = receiver
    return links, node


def _root_name(node: Node) -> str:
    while node.type in ("call_expression", "member_expression"):
        inner = node.child_by_field_name("function" if node.type == "call_expression" else "object")
        if inner is None:
            break
        node = inner
    return text(node)


class PromiseWithoutCatch:
    """AI313: `p.then(...)` as a statement, with no `.catch` and no rejection callback."""

    meta = RuleMeta(
        id="AI313",
        name="promise-without-catch",
        title="Promise chain without .catch()",
        category=Category.HAPPY_PATH,
        severity=Severity.MEDIUM,
        confidence=Confidence.MEDIUM,
        scanner=ScannerId.AI_RULES,
        tests_severity=Severity.LOW,
        in_tests_note=(
            "Reported in test code too, at most low: test runners fail a test on an unhandled "
            "rejection, so the error is seen, though often far from its cause."
        ),
        what=(
            "Flags a statement that is a promise chain started by a call (`load().then(…)`) "
            "— not returned, awaited, assigned or discarded with `void` — where no link is "
            "`.catch(…)` or `.then(null, onRejected)` after the last `.then(f)` (a rejection "
            "handler in `.then(f, onRejected)` does not see `f`'s own failure). `.finally` "
            "alone does not handle a rejection, and a `.then(f)` after the `.catch` needs its "
            "own. Also a floating `Promise.all/any/race/reject(…)` statement, and a chain on a "
            "promise the function was given (`promise.then(cb)` on a parameter) that the file "
            "never catches, awaits or returns elsewhere. "
            "Chains on stored members (`this.ready.then`), timers (`sleep()`, "
            "`Promise.resolve()`), Cypress `cy.…` queues and test files are skipped."
        ),
        why=(
            "Generated code follows the success path of the example it imitates; a rejected "
            "floating promise becomes an `unhandledRejection`, which crashes Node 15+ and "
            "is lost silently in browsers."
        ),
        example=(
            "export function refresh(store) {\n"
            "  fetchUsers().then((users) => store.set(users));  // expect: AI313\n"
            "  saveDraft(store.draft)  // expect: AI313\n"
            "    .then(() => store.markSaved())\n"
            "    .finally(() => store.stopSpinner());\n"
            "  Promise.all([syncA(), syncB()]);  // expect: AI313\n"
            "  load().catch(report).then(render);  // expect: AI313\n"
            "}\n"
        ),
        use_instead=(
            "export async function refresh(store) {\n"
            "  fetchUsers()\n"
            "    .then((users) => store.set(users))\n"
            "    .catch((error) => store.fail(error));\n"
            "  saveDraft(store.draft)\n"
            "    .then(() => store.markSaved())\n"
            "    .then(null, (error) => store.fail(error));\n"
            "  void prefetch().then(warmCache);\n"
            "  await loadSettings().then(store.apply);\n"
            "  cy.get('button').then(($b) => $b.click());\n"
            "  return reload().then(store.set);\n"
            "}\n"
        ),
        languages=JS_LANGUAGES,
    )
    example_filename = "src/example.js"

    def check(self, source: SourceFile, context: RepoContext) -> Iterator[Hit]:
        if source.ts_tree is None or not any(w in source.text for w in ("then", "finally", "Promise.")):
            return
        for call in captures(source, _PATTERNS).get("chain", []):
            links, root = _chain_links(call)
            if _handled(links) or _root_name(root) in _NOT_PROMISES:
                continue
            if root.type == "identifier" and (
                not _is_parameter(root) or _handled_elsewhere(text(root), source.text)
            ):
                continue  # a module-level promise (`ready.then`) may be handled where it is made
            if root.type not in ("call_expression", "identifier") or (
                root.type == "call_expression" and call_name(root)[1] in _NEVER_REJECT
            ):
                continue  # a stored promise (`this.ready.then`) may be handled elsewhere
            if links and links[0][0] == "catch":
                message = (
                    "This chain continues after its `.catch(…)`: a failure in the later `.then` "
                    "callback becomes an unhandled rejection. End the chain with `.catch(…)`."
                )
            else:
                message = (
                    "This promise chain has no `.catch(…)` (`.finally` does not handle rejections): a "
                    "failure becomes an unhandled rejection. Add `.catch(…)` that reports the error, "
                    "or `await` it inside a try/catch."
                )
            yield Hit(line_of(call), message, column=call.start_point[1])
        if "Promise." in source.text:
            yield from _floating_combinators(source)


def _handled(links: list[tuple[str, int]]) -> bool:
    """Whether the chain's last callbacks have a rejection handler after them: walked from
    the first link, `.catch` (and `.then(null, onRejected)`) handles; any `.then(f)` or
    `.then(f, onRejected)` adds a callback `f` whose own failure nothing handles;
    `.finally` changes nothing."""
    handled = False
    for method, _count in reversed(links):  # links are outermost first
        if method in ("catch", "done"):
            handled = True
        elif method == "then":
            handled = False
    return handled


def _is_parameter(identifier: Node) -> bool:
    """`promise` of `function f(promise) { promise.then(cb) }` (or `promise => …`)."""
    function = enclosing_function(identifier)
    if function is None:
        return False
    single = function.child_by_field_name("parameter")
    if single is not None:
        return text(single) == text(identifier)
    params = function.child_by_field_name("parameters")
    if params is None:
        return False
    names = {text(p.child_by_field_name("pattern") or p) for p in params.named_children}
    return text(identifier) in names


def _handled_elsewhere(name: str, source_text: str) -> bool:
    """A stored promise may get its `.catch` on another line, or be awaited/returned."""
    return (
        any(f"{word}{name}" in source_text for word in ("await ", "return "))
        or f"{name}.catch(" in source_text
    )


_COMBINATOR_PATTERNS = (
    "(expression_statement (call_expression function: (member_expression object: (identifier) @_p"
    ' property: (property_identifier) @method)) @call (#eq? @_p "Promise"))',
)


def _floating_combinators(source: SourceFile) -> Iterator[Hit]:
    found = captures(source, _COMBINATOR_PATTERNS)
    for call, method in zip(found.get("call", []), found.get("method", []), strict=False):
        if text(method) in _FLOATING_COMBINATORS:
            yield Hit(
                line_of(call),
                f"`Promise.{text(method)}(…)` is left floating: its rejection is never handled. "
                "`await` it inside a try/catch, return it, or add `.catch(…)`.",
                column=call.start_point[1],
            )
