"""AI114 missing-js-export: a named import of something the imported file does not export.

The seed's `sanitizeHTML` case in its second shape: `./lib/security.ts` exists, but it
exports `escapeHtml`, not the `sanitizeHTML` the model assumed. A repository rule: each
file's exports and named imports are collected per file; the parent matches them.
"""

from __future__ import annotations

import difflib
import posixpath
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any

from scanners.model import Category, Confidence, RuleMeta, ScannerId, Severity
from scanners.project.context import RepoContext
from scanners.rules.base import Hit
from scanners.rules.javascript.resolve import classify_specifier, resolve_file
from scanners.rules.javascript.syntax import JS_LANGUAGES, Node, line_of, string_value, text
from scanners.source import SourceFile

# Files whose exports the grammar shows; others (.vue, .svelte, .json, .css) are not judged.
_CHECKED_SUFFIXES = frozenset({".js", ".jsx", ".ts", ".tsx", ".mjs", ".cjs", ".mts", ".cts"})
_CJS_MARKERS = ("module.exports", "exports.", "exports[", "export =", "Object.defineProperty(exports")


@dataclass(frozen=True)
class NamedImport:
    target: str  # repo path the specifier resolves to
    spec: str
    names: tuple[str, ...]
    line: int
    column: int
    snippet: str


@dataclass(frozen=True)
class ExportFacts:
    exports: frozenset[str] | None  # None: cannot be judged (`export *`, CommonJS, ambient)
    imports: tuple[NamedImport, ...]


def _declared_names(declaration: Node) -> list[str] | None:
    """Names an exported declaration binds; None when a pattern hides them."""
    if declaration.type == "ambient_declaration":  # `export declare const x: T`
        inner = [c for c in declaration.named_children if c.type != "comment"]
        return _declared_names(inner[0]) if inner else None
    if declaration.type in ("lexical_declaration", "variable_declaration"):
        names = []
        for declarator in declaration.named_children:
            name = declarator.child_by_field_name("name")
            if declarator.type != "variable_declarator" or name is None:
                continue
            if name.type != "identifier":
                return None  # `export const { a, b } = obj`
            names.append(text(name))
        return names
    name = declaration.child_by_field_name("name")
    return [text(name)] if name is not None else None


def _exports(root: Node, source_text: str) -> frozenset[str] | None:
    if any(marker in source_text for marker in _CJS_MARKERS):
        return None
    names: set[str] = set()
    for statement in root.named_children:
        if statement.type == "ambient_declaration" and "declare module" in text(statement)[:40]:
            return None
        if statement.type != "export_statement":
            continue
        if any(c.type == "default" for c in statement.children):
            names.add("default")
            continue
        declaration = statement.child_by_field_name("declaration")
        if declaration is not None:
            declared = _declared_names(declaration)
            if declared is None:
                return None
            names.update(declared)
            continue
        clause = next((c for c in statement.named_children if c.type == "export_clause"), None)
        if clause is not None:
            for spec in clause.named_children:
                if spec.type == "export_specifier":
                    exported = spec.child_by_field_name("alias") or spec.child_by_field_name("name")
                    if exported is not None:
                        names.add(string_value(exported) or text(exported))
            continue
        namespace = next((c for c in statement.named_children if c.type == "namespace_export"), None)
        if namespace is not None and namespace.named_child_count:
            names.add(text(namespace.named_children[-1]))  # `export * as ns from`
            continue
        return None  # `export * from './x'`: whatever that file exports
    return frozenset(names)


def _named_imports(source: SourceFile, root: Node, context: RepoContext) -> Iterator[NamedImport]:
    for statement in root.named_children:
        spec_node = statement.child_by_field_name("source")
        spec = string_value(spec_node) if spec_node is not None else None
        if statement.type not in ("import_statement", "export_statement") or spec is None:
            continue
        names = _imported_names(statement)
        if not names:
            continue
        resolution = classify_specifier(spec, source.path, context.js)
        if not resolution.resolved or resolution.kind not in ("relative", "alias", "local"):
            continue
        target = resolve_file(resolution.target, context.js)
        if target is None or posixpath.splitext(target)[1] not in _CHECKED_SUFFIXES or target == source.path:
            continue
        yield NamedImport(
            target, spec, names, line_of(statement), statement.start_point[1], text(statement).splitlines()[0]
        )


def _imported_names(statement: Node) -> tuple[str, ...]:
    names: list[str] = []
    for node in statement.named_children:
        holder = node
        if node.type == "import_clause":
            holder = next((c for c in node.named_children if c.type == "named_imports"), None)  # type: ignore[assignment]
            if holder is None:
                continue
        elif node.type != "export_clause":
            continue
        for spec in holder.named_children:
            if spec.type in ("import_specifier", "export_specifier"):
                name = spec.child_by_field_name("name")
                if name is not None:
                    names.append(string_value(name) or text(name))
    return tuple(names)


class MissingJsExport:
    """AI114: `import { sanitizeHTML } from './lib/security'` when that file has no such export."""

    meta = RuleMeta(
        id="AI114",
        name="missing-js-export",
        title="Named import of something the imported file does not export",
        category=Category.CONTEXT,
        severity=Severity.HIGH,
        confidence=Confidence.HIGH,
        scanner=ScannerId.AI_RULES,
        what=(
            "For every `import { a, b as c } from '…'` and `export { a } from '…'` whose "
            "specifier resolves to a JS/TS file of the repository (relative, tsconfig alias, "
            "`baseUrl`), flags the names that file does not export (`export function`, `const`, "
            "`class`, `type`, `interface`, `enum`, `export { x as y }`, `export * as ns`, "
            "`export default`). Files that re-export everything (`export * from`), CommonJS "
            "modules and ambient `declare module` files are not judged."
        ),
        why=(
            "The model knows the file exists, not what is in it: it imports the helper it "
            "expects (`sanitizeHTML`) from a module that exports another (`escapeHtml`). The "
            "bundler fails, or, in plain JS, the value is `undefined` at the first call."
        ),
        example=(
            "import { escapeHtml, sanitizeHTML } from './lib/security'; // expect: AI114\n"
            "import { formatDate } from './format';\n"
            "\n"
            "export function render(input: string) {\n"
            "  return sanitizeHTML(escapeHtml(formatDate(input)));\n"
            "}\n"
        ),
        use_instead=(
            "import { escapeHtml } from './lib/security';\n"
            "import { formatDate, type Format } from './format';\n"
            "export { formatDate as default } from './format';\n"
            "\n"
            "export function render(input: string, format: Format) {\n"
            "  return escapeHtml(formatDate(input, format));\n"
            "}\n"
        ),
        languages=JS_LANGUAGES,
    )
    example_filename = "src/example.ts"
    example_files = {
        "src/lib/security.ts": "export function escapeHtml(s: string) {\n  return s;\n}\n",
        "src/format.ts": (
            "export type Format = 'short' | 'long';\n"
            "export const formatDate = (d: unknown, f?: Format) => String(d) + (f ?? '');\n"
        ),
    }

    def collect(self, source: SourceFile, context: RepoContext) -> ExportFacts | None:
        tree = source.ts_tree
        if tree is None:
            return None
        root = tree.root_node
        imports = (
            tuple(_named_imports(source, root, context))
            if "import" in source.text or "from" in source.text
            else ()
        )
        return ExportFacts(_exports(root, source.text), imports)

    def conclude(self, facts: Mapping[str, Any], context: RepoContext) -> Iterator[tuple[str, Hit]]:
        for path, fact in sorted(facts.items()):
            if not isinstance(fact, ExportFacts):
                continue
            for site in fact.imports:
                target = facts.get(site.target)
                if not isinstance(target, ExportFacts) or target.exports is None:
                    continue
                missing = [n for n in site.names if n not in target.exports]
                if missing:
                    yield path, self._hit(site, missing, target.exports)

    def _hit(self, site: NamedImport, missing: list[str], exports: frozenset[str]) -> Hit:
        shown = ", ".join(f"`{n}`" for n in missing)
        known = sorted(n for n in exports if n != "default")
        close = difflib.get_close_matches(missing[0], known, n=1, cutoff=0.5)
        hint = f"; did you mean `{close[0]}`?" if close else ""
        listed = ", ".join(f"`{n}`" for n in known[:8]) + (" …" if len(known) > 8 else "")
        return Hit(
            line=site.line,
            column=site.column,
            message=(
                f"`{site.spec}` ({site.target}) does not export {shown}; it exports "
                f"{listed or 'nothing by name'}{hint}"
            ),
            snippet=site.snippet,
        )
