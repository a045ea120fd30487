"""AI212: deprecated JavaScript / Node.js built-ins the model still writes."""

from __future__ import annotations

from collections.abc import Iterator

from scanners.model import Category, Confidence, RuleMeta, ScannerId, Severity
from scanners.project.context import RepoContext
from scanners.rules.base import Hit
from scanners.rules.javascript.modules import ModulePaths, module_paths, references
from scanners.rules.javascript.node_deprecations import (
    BY_PATH,
    CALL,
    GLOBAL_ROOTS,
    NEW,
    READ,
    NodeDeprecation,
)
from scanners.rules.javascript.syntax import JS_LANGUAGES, Node, captures, line_of, local_bindings, text
from scanners.source import SourceFile

_PATTERNS = (
    "((call_expression function: (member_expression property: (property_identifier) @substr))"
    ' (#eq? @substr "substr"))',
    '((call_expression function: (identifier) @escape) (#any-of? @escape "escape" "unescape"))',
    "((member_expression object: (identifier) @_args property: (property_identifier) @callee)"
    ' (#eq? @_args "arguments") (#eq? @callee "callee"))',
    "((call_expression function: (member_expression property: (property_identifier) @accessor))"
    ' (#any-of? @accessor "__defineGetter__" "__defineSetter__" "__lookupGetter__" "__lookupSetter__"))',
)
_QUICK_TOKENS = ("substr(", "escape(", "callee", "__")


class DeprecatedJsApi:
    """AI212: Node's deprecation list (aliases followed), `substr`, global `escape`, `arguments.callee`, …"""

    meta = RuleMeta(
        id="AI212",
        name="deprecated-js-api",
        title="Deprecated JavaScript or Node.js API",
        category=Category.TEMPORAL,
        severity=Severity.LOW,
        confidence=Confidence.HIGH,
        scanner=ScannerId.AI_RULES,
        what=(
            "Flags Node.js APIs on Node's deprecation list (a table of DEP codes shipped with "
            "the rule: `fs.exists`, `util.isArray` and the other `util.is*`, `util._extend`, "
            "`url.parse`, `crypto.createCipher`, `new Buffer()`/`Buffer()`, `os.tmpDir`, the "
            "`domain`/`punycode`/`sys`/`constants` modules, `process.binding`, `GLOBAL`, …) "
            "however the module is reached: `require('fs')`, `require('node:fs')`, "
            "`process.getBuiltinModule('fs')`, a local alias (`const u = require('util')`, "
            "`import * as u from 'node:util'`), destructuring (`const { exists } = require('fs')`) "
            "or a named import (`import { parse as p } from 'url'`). Keyed to `engines.node`: "
            "an API deprecated after the oldest Node the repository supports is not flagged. "
            "End-of-Life APIs and `Buffer()` are medium severity. Also the language's legacy: "
            "`x.substr(…)` (Annex B), the global `escape`/`unescape` (not when the file "
            "defines or imports its own), `arguments.callee` (a TypeError in strict mode) and "
            "`__defineGetter__`-style accessors. A name rebound anywhere in the file is not "
            "taken for the built-in."
        ),
        why=(
            "Old Stack Overflow answers and pre-ES2015 code are a large part of the training "
            "data, so these APIs keep coming back in generated code years after their "
            "replacements shipped (Node's own list: https://nodejs.org/api/deprecations.html)."
        ),
        example=(
            "import * as u from 'node:util';\n"
            "const { exists } = require('fs');  // expect: AI212\n"
            "const legacyUrl = require('url');\n"
            "\n"
            "export function initials(name: string, raw: string, value: unknown) {\n"
            "  const first = name.substr(0, 1);  // expect: AI212\n"
            "  const bytes = new Buffer(raw);  // expect: AI212\n"
            "  const list = u.isArray(value);  // expect: AI212\n"
            "  const host = legacyUrl.parse(raw).host;  // expect: AI212\n"
            "  return escape(first) + bytes.length + list + host + exists;  // expect: AI212\n"
            "}\n"
        ),
        use_instead=(
            "import { escape } from 'lodash';\n"
            "import * as u from 'node:util';\n"
            "const { existsSync } = require('fs');\n"
            "\n"
            "export function initials(name: string, raw: string, value: unknown) {\n"
            "  const first = name.slice(0, 1);\n"
            "  const bytes = Buffer.from(raw);\n"
            "  const list = Array.isArray(value) && u.types.isDate(value);\n"
            "  const host = new URL(raw).host;\n"
            "  return escape(first) + encodeURIComponent(first) + bytes.length + name.substring(1)\n"
            "    + list + host + existsSync(raw);\n"
            "}\n"
        ),
        languages=JS_LANGUAGES,
    )
    example_filename = "src/example.ts"

    def check(self, source: SourceFile, context: RepoContext) -> Iterator[Hit]:
        tree = source.ts_tree
        if tree is None:
            return
        bound: set[str] | None = None
        if any(token in source.text for token in _QUICK_TOKENS):
            bound = local_bindings(source)
            yield from self._language_hits(source, bound)
        if not any(token in source.text for token in _NODE_TOKENS):
            return
        declared = local_bindings(source) if bound is None else bound
        paths = module_paths(source, declared, GLOBAL_ROOTS)
        # In source order, whatever order the queries found the references in.
        yield from sorted(
            _node_hits(source, paths, context.js.node_major(source.path)), key=lambda h: (h.line, h.column)
        )

    def _language_hits(self, source: SourceFile, bound: set[str]) -> Iterator[Hit]:
        found = captures(source, _PATTERNS)
        for node in found.get("substr", []):
            yield Hit(
                line_of(node),
                "`String.prototype.substr` is deprecated (legacy Annex B); use "
                "`slice(start, start + length)` or `substring(start, end)`.",
                column=node.start_point[1],
            )
        for node in found.get("escape", []):
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


# A file can only reach the table through one of these words.
_NODE_TOKENS = ("require", "import", *sorted(GLOBAL_ROOTS))


def _use_of(node: Node) -> str:
    parent = node.parent
    while parent is not None and parent.type == "parenthesized_expression":
        node, parent = parent, parent.parent
    if (
        parent is not None
        and parent.type == "call_expression"
        and parent.child_by_field_name("function") == node
    ):
        return CALL
    if (
        parent is not None
        and parent.type == "new_expression"
        and parent.child_by_field_name("constructor") == node
    ):
        return NEW
    return READ


def _node_hits(source: SourceFile, paths: ModulePaths, node_major: int | None) -> Iterator[Hit]:
    """Every reference to a row of the Node table: import sites, destructured members, uses."""
    seen: set[tuple[int, str]] = set()

    def hit(node: Node, row: NodeDeprecation, use: str) -> Iterator[Hit]:
        if node_major is not None and node_major < row.since:
            return  # deprecated only after the oldest Node the repository supports
        key = (line_of(node), row.path)
        if key not in seen:
            seen.add(key)
            yield _node_hit(node, row, use, node_major)

    for statement, module in paths.import_sites:
        row = BY_PATH.get(module)
        if row is not None and row.module:
            yield from hit(statement, row, READ)
    reported_at_binding: set[str] = set()
    for site, path in paths.sites:
        row = BY_PATH.get(path)
        if row is not None and row.module and READ in row.uses:
            reported_at_binding.add(path)
            yield from hit(site, row, READ)
    for node in references(source, paths):
        if node.type == "identifier" and paths.bindings.get(text(node)) in reported_at_binding:
            continue  # `exists` of `const { exists } = require('fs')`: reported where it is read
        resolved = paths.resolve(node)
        row = BY_PATH.get(resolved) if resolved else None
        if row is None:
            continue
        use = _use_of(node)
        if READ in row.uses or use in row.uses:
            yield from hit(node, row, use)


def _node_hit(node: Node, row: NodeDeprecation, use: str, node_major: int | None) -> Hit:
    shown = f"new {row.path}()" if use == NEW else f"{row.path}()" if use == CALL else row.path
    what = f"The `{row.path}` module" if "." not in row.path and row.module else f"`{shown}`"
    code = f"{row.code}, " if row.code else ""
    since = f"Node {row.since}" if row.since else "an early Node release"
    if row.end_of_life:
        message = f"{what} was deprecated in {since} and is End-of-Life ({code}removed or about to be)"
    else:
        message = f"{what} is deprecated since {since}" + (f" ({row.code})" if row.code else "")
    if row.replacement:
        message += f"; use {row.replacement} instead"
    if node_major is not None:
        message += f" (the repository supports Node >= {node_major})"
    severe = row.end_of_life or row.path in ("Buffer", "buffer.Buffer", "safe-buffer.Buffer")
    return Hit(
        line_of(node),
        message + ".",
        column=node.start_point[1],
        severity=Severity.MEDIUM if severe else None,
    )
