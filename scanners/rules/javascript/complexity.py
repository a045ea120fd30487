"""AI701 / AI703: over-complex and over-nested JavaScript / TypeScript functions.

Both read the per-function figures of scanners/tools/js_metrics.py (computed once per
file and shared with the file metrics): complexity as ESLint's `complexity` rule counts
it, nesting as its `max-depth` rule does.
"""

from __future__ import annotations

from collections.abc import Iterator

from scanners.model import Category, Confidence, RuleMeta, ScannerId, Severity
from scanners.project.context import RepoContext
from scanners.rules.base import Hit
from scanners.rules.javascript.syntax import JS_LANGUAGES
from scanners.source import SourceFile
from scanners.tools.js_metrics import JsFunction, js_metrics
from scanners.tools.raw import js_line_counts

# The same bar as RAD001 for Python (radon rank C and worse); ESLint's default is 20.
MAX_COMPLEXITY = 10
# ESLint max-depth's default.
MAX_DEPTH = 4

_KIND = {
    "function": "Function",
    "method": "Method",
    "arrow": "Arrow function",
    "field": "Class field initializer",
    "static-block": "Static block",
}


def _functions(source: SourceFile) -> tuple[JsFunction, ...]:
    if source.ts_tree is None:
        return ()
    raw = js_line_counts(source.text) if "js_metrics" not in source.derived else None
    metrics = js_metrics(source, raw.sloc if raw else 0, raw.comments if raw else 0)
    return metrics.functions if metrics is not None else ()


def _label(function: JsFunction) -> str:
    name = "" if function.name.startswith("<anonymous>") else f" `{function.name}`"
    return f"{_KIND.get(function.kind, 'Function')}{name}"


class ComplexJsFunction:
    meta = RuleMeta(
        id="AI701",
        name="complex-function-js",
        title="JavaScript/TypeScript function with high cyclomatic complexity",
        category=Category.COMPLEXITY,
        severity=Severity.MEDIUM,
        confidence=Confidence.HIGH,
        scanner=ScannerId.AI_RULES,
        what=(
            f"Flags functions, methods, arrow functions, class field initializers and static blocks "
            f"whose cyclomatic complexity is above {MAX_COMPLEXITY}, counted exactly as ESLint's "
            "`complexity` rule (classic variant) counts it: 1, plus one for each `if`, loop, `catch`, "
            "`?:`, `&&` / `||` / `??`, logical assignment, default value, `case` with a test and "
            "optional chain `?.`. Nested functions are counted on their own. Python's equivalent "
            "is RAD001."
        ),
        why=(
            "Assistants grow a function by adding a branch for each new case instead of "
            "restructuring it; past about ten paths a function is hard to review and to test "
            "exhaustively."
        ),
        example=(
            "function price(order, user) {  // expect: AI701\n"
            "  let total = order.total ?? 0;\n"
            "  if (user?.vip) total *= 0.9;\n"
            "  if (order.coupon && order.coupon.valid) total -= order.coupon.value;\n"
            "  if (order.country === 'DE' || order.country === 'AT') total *= 1.19;\n"
            "  else if (order.country === 'FR') total *= 1.2;\n"
            "  for (const item of order.items) {\n"
            "    if (item.gift) total -= item.price;\n"
            "  }\n"
            "  return total > 0 ? total : 0;\n"
            "}\n"
        ),
        use_instead=(
            "const VAT = { DE: 1.19, AT: 1.19, FR: 1.2 };\n"
            "function discount(order, user) {\n"
            "  const coupon = order.coupon?.valid ? order.coupon.value : 0;\n"
            "  return (user?.vip ? 0.9 : 1) * (order.total ?? 0) - coupon;\n"
            "}\n"
            "function price(order, user) {\n"
            "  const gifts = order.items.filter((i) => i.gift).reduce((s, i) => s + i.price, 0);\n"
            "  return Math.max(0, discount(order, user) * (VAT[order.country] || 1) - gifts);\n"
            "}\n"
        ),
        languages=JS_LANGUAGES,
        help_uri="https://eslint.org/docs/latest/rules/complexity",
    )
    example_filename = "src/example.js"

    def check(self, source: SourceFile, context: RepoContext) -> Iterator[Hit]:
        for function in _functions(source):
            if function.complexity > MAX_COMPLEXITY:
                yield Hit(
                    function.line,
                    f"{_label(function)} has a cyclomatic complexity of {function.complexity} "
                    f"(ESLint's count; above {MAX_COMPLEXITY}): split it into smaller functions "
                    "or replace branch chains with a lookup table.",
                    column=function.column,
                    end_line=function.end_line,
                )


class DeeplyNestedJsFunction:
    meta = RuleMeta(
        id="AI703",
        name="deeply-nested-function-js",
        title="JavaScript/TypeScript function with deeply nested blocks",
        category=Category.COMPLEXITY,
        severity=Severity.LOW,
        confidence=Confidence.HIGH,
        scanner=ScannerId.AI_RULES,
        what=(
            f"Flags a function whose blocks nest more than {MAX_DEPTH} deep, counted as ESLint's "
            "`max-depth` rule counts them: `if` (an `else if` continues the chain), `switch`, "
            "`try`, `do`, `while`, `with` and every `for`, each function on its own. The finding "
            "is on the deepest block."
        ),
        why=(
            "Assistants handle each new condition by wrapping the existing code in one more "
            "`if` or loop; five levels in, the reader can no longer tell which case a line runs in."
        ),
        example=(
            "async function sync(users) {\n"
            "  for (const user of users) {\n"
            "    if (user.active) {\n"
            "      try {\n"
            "        for (const device of user.devices) {\n"
            "          if (device.stale) {  // expect: AI703\n"
            "            await device.refresh();\n"
            "          }\n"
            "        }\n"
            "      } catch (error) {\n"
            "        report(error);\n"
            "      }\n"
            "    }\n"
            "  }\n"
            "}\n"
        ),
        use_instead=(
            "async function refreshStale(user) {\n"
            "  for (const device of user.devices.filter((d) => d.stale)) {\n"
            "    await device.refresh();\n"
            "  }\n"
            "}\n"
            "async function sync(users) {\n"
            "  for (const user of users.filter((u) => u.active)) {\n"
            "    try {\n"
            "      await refreshStale(user);\n"
            "    } catch (error) {\n"
            "      report(error);\n"
            "    }\n"
            "  }\n"
            "}\n"
        ),
        languages=JS_LANGUAGES,
        help_uri="https://eslint.org/docs/latest/rules/max-depth",
    )
    example_filename = "src/example.js"

    def check(self, source: SourceFile, context: RepoContext) -> Iterator[Hit]:
        for function in _functions(source):
            if function.depth > MAX_DEPTH:
                yield Hit(
                    function.depth_line,
                    f"{_label(function)} nests blocks {function.depth} deep (more than {MAX_DEPTH}): "
                    "return early, or move the inner loop or branch into a function of its own.",
                )
