"""AI212: deprecated JavaScript / Node.js built-ins the model still writes."""

from __future__ import annotations

from collections.abc import Iterator

from scanners.model import Category, Confidence, RuleMeta, ScannerId, Severity
from scanners.project.context import RepoContext
from scanners.rules.base import Hit
from scanners.rules.javascript.syntax import JS_LANGUAGES, captures, line_of, local_bindings, text
from scanners.source import SourceFile

_PATTERNS = (
    "((call_expression function: (member_expression property: (property_identifier) @substr))"
    ' (#eq? @substr "substr"))',
    '((new_expression constructor: (identifier) @buffer) (#eq? @buffer "Buffer"))',
    '((call_expression function: (identifier) @buffer) (#eq? @buffer "Buffer"))',
    '((call_expression function: (identifier) @escape) (#any-of? @escape "escape" "unescape"))',
    "((member_expression object: (identifier) @_args property: (property_identifier) @callee)"
    ' (#eq? @_args "arguments") (#eq? @callee "callee"))',
    "((call_expression function: (member_expression property: (property_identifier) @accessor))"
    ' (#any-of? @accessor "__defineGetter__" "__defineSetter__" "__lookupGetter__" "__lookupSetter__"))',
)
_QUICK_TOKENS = ("substr(", "Buffer(", "escape(", "callee", "__")


class DeprecatedJsApi:
    """AI212: `substr`, `new Buffer()`, global `escape`/`unescape`, `arguments.callee`, …"""

    meta = RuleMeta(
        id="AI212",
        name="deprecated-js-api",
        title="Deprecated JavaScript or Node.js API",
        category=Category.TEMPORAL,
        severity=Severity.LOW,
        confidence=Confidence.HIGH,
        scanner=ScannerId.AI_RULES,
        what=(
            "Flags `x.substr(…)` (Annex B legacy), `new Buffer(…)`/`Buffer(…)` (deprecated "
            "since Node 6, may expose uninitialised memory: medium severity), the global "
            "`escape`/`unescape` (not when the file defines or imports its own), "
            "`arguments.callee` (a TypeError in strict mode) and "
            "`__defineGetter__`-style accessors."
        ),
        why=(
            "Old Stack Overflow answers and pre-ES2015 code are a large part of the training "
            "data, so these APIs keep coming back in generated code years after their "
            "replacements shipped."
        ),
        example=(
            "export function initials(name: string, raw: string) {\n"
            "  const first = name.substr(0, 1);  // expect: AI212\n"
            "  const bytes = new Buffer(raw);  // expect: AI212\n"
            "  return escape(first) + bytes.length;  // expect: AI212\n"
            "}\n"
        ),
        use_instead=(
            "import { escape } from 'lodash';\n"
            "\n"
            "export function initials(name: string, raw: string) {\n"
            "  const first = name.slice(0, 1);\n"
            "  const bytes = Buffer.from(raw);\n"
            "  return escape(first) + encodeURIComponent(first) + bytes.length + name.substring(1);\n"
            "}\n"
        ),
        languages=JS_LANGUAGES,
    )
    example_filename = "src/example.ts"

    def check(self, source: SourceFile, context: RepoContext) -> Iterator[Hit]:
        if source.ts_tree is None or not any(token in source.text for token in _QUICK_TOKENS):
            return
        found = captures(source, _PATTERNS)
        for node in found.get("substr", []):
            yield Hit(
                line_of(node),
                "`String.prototype.substr` is deprecated (legacy Annex B); use "
                "`slice(start, start + length)` or `substring(start, end)`.",
                column=node.start_point[1],
            )
        buffer_nodes = found.get("buffer", [])
        escape_nodes = found.get("escape", [])
        bound = local_bindings(source) if buffer_nodes or escape_nodes else set()
        for node in buffer_nodes:
            if "Buffer" in bound:
                continue
            yield Hit(
                line_of(node),
                "`Buffer()` / `new Buffer()` is deprecated (DEP0005) and can expose uninitialised "
                "memory; use `Buffer.from(…)`, `Buffer.alloc(size)` or `Buffer.allocUnsafe(size)`.",
                column=node.start_point[1],
                severity=Severity.MEDIUM,
            )
        for node in escape_nodes:
            name = text(node)
            if name in bound:
                continue
            fix = "encodeURIComponent" if name == "escape" else "decodeURIComponent"
            yield Hit(
                line_of(node),
                f"The global `{name}` is deprecated (legacy Annex B) and mangles non-ASCII text; "
                f"use `{fix}`.",
                column=node.start_point[1],
            )
        for node in found.get("callee", []):
            yield Hit(
                line_of(node),
                "`arguments.callee` is forbidden in strict mode (and so in modules and classes); "
                "give the function a name and refer to it.",
                column=node.start_point[1],
                severity=Severity.MEDIUM,
            )
        for node in found.get("accessor", []):
            yield Hit(
                line_of(node),
                f"`{text(node)}` is a deprecated legacy accessor; use `Object.defineProperty` or "
                "`Object.getOwnPropertyDescriptor`.",
                column=node.start_point[1],
            )
