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
    line_of,
    text,
)
from scanners.source import SourceFile

_PATTERNS = (
    "(expression_statement (call_expression function: (member_expression property:"
    ' (property_identifier) @_method)) @chain (#any-of? @_method "then" "finally"))',
)
_CHAIN_METHODS = frozenset({"then", "catch", "finally", "done"})
# Command queues that look like promises but have no `.catch` (Cypress).
_NOT_PROMISES = frozenset({"cy", "cypress"})
# Timers and already-settled promises do not reject.
_NEVER_REJECT = frozenset({"sleep", "delay", "wait", "timeout", "tick", "nextTick", "resolve"})


def _chain_links(call: Node) -> tuple[list[tuple[str, int]], Node]:
    """[(method, argument count)] of `a.then(f).then(g, h).finally(k)`, outermost first,
    and the expression the chain starts from."""
    links: list[tuple[str, int]] = []
    node = call
    while node.type == "call_expression":
        function = node.child_by_field_name("function")
        if function is None or function.type != "member_expression":
            break
        method = text(function.child_by_field_name("property"))
        if method not in _CHAIN_METHODS:
            break
        links.append((method, len(arguments(node))))
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
            "`.catch(…)` or `.then(onFulfilled, onRejected)`. `.finally` alone does not handle "
            "a rejection. Chains on stored promises (`this.ready.then`), timers (`sleep()`, "
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
            "}\n"
        ),
        use_instead=(
            "export async function refresh(store) {\n"
            "  fetchUsers()\n"
            "    .then((users) => store.set(users))\n"
            "    .catch((error) => store.fail(error));\n"
            "  saveDraft(store.draft).then(() => store.markSaved(), (error) => store.fail(error));\n"
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
        if source.ts_tree is None or "then" not in source.text:
            return
        for call in captures(source, _PATTERNS).get("chain", []):
            links, root = _chain_links(call)
            if not any(method == "then" for method, _ in links):
                continue
            if any(
                method in ("catch", "done") or (method == "then" and count >= 2) for method, count in links
            ):
                continue
            if _root_name(root) in _NOT_PROMISES:
                continue
            if root.type != "call_expression" or call_name(root)[1] in _NEVER_REJECT:
                continue  # a stored promise (`this.ready.then`) may be handled elsewhere
            yield Hit(
                line_of(call),
                "This promise chain has no `.catch(…)` (`.finally` does not handle rejections): a "
                "failure becomes an unhandled rejection. Add `.catch(…)` that reports the error, "
                "or `await` it inside a try/catch.",
                column=call.start_point[1],
            )
