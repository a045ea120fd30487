"""Context rules for JS/TS imports: files and packages the model assumed exist."""

from __future__ import annotations

import difflib
import posixpath
from collections.abc import Iterator
from dataclasses import dataclass

from scanners.model import Category, Confidence, RuleMeta, ScannerId, Severity
from scanners.project.context import RepoContext
from scanners.project.javascript import JsProject
from scanners.rules.base import Hit
from scanners.rules.javascript.resolve import RESOLVE_EXTENSIONS, classify_specifier
from scanners.rules.javascript.syntax import (
    JS_LANGUAGES,
    captures,
    in_try_block,
    line_of,
    string_value,
)
from scanners.source import SourceFile

_IMPORT_PATTERNS = (
    "(import_statement source: (string) @spec)",
    "(export_statement source: (string) @spec)",
    "(import_require_clause source: (string) @spec)",
    "((call_expression function: (identifier) @_fn arguments: (arguments . (string) @spec .))"
    ' (#eq? @_fn "require"))',
    "(call_expression function: (import) arguments: (arguments . [(string) (template_string)] @spec))",
)


@dataclass(frozen=True)
class ImportSite:
    spec: str
    line: int
    column: int
    optional: bool  # inside `try { require(...) } catch`: an optional dependency


def import_sites(source: SourceFile) -> list[ImportSite]:
    """Every static import, re-export, `require('…')` and `import('…')` with a literal."""
    sites = []
    for node in captures(source, _IMPORT_PATTERNS).get("spec", []):
        spec = string_value(node)
        if spec is None:
            continue
        sites.append(ImportSite(spec, line_of(node), node.start_point[1], optional=in_try_block(node, None)))
    return sites


def _similar_files(target: str, project: JsProject) -> list[str]:
    """Files elsewhere in the repo with the name the import asked for (the model's
    `utils/validation` is often the repo's `helpers/validation.ts`)."""
    wanted = posixpath.basename(target)
    if wanted in ("index", ""):
        wanted = posixpath.basename(posixpath.dirname(target))
    if not wanted:
        return []
    found = []
    for path in project.files:
        base = posixpath.basename(path)
        stem = base.split(".", 1)[0]
        if stem == wanted and any(base.endswith(e) for e in RESOLVE_EXTENSIONS):
            found.append(path)
        elif stem == "index" and posixpath.basename(posixpath.dirname(path)) == wanted:
            found.append(posixpath.dirname(path))
    return sorted(found)[:3]


class UnresolvedJsImport:
    """AI111: a relative or alias import that resolves to no file of the repository."""

    meta = RuleMeta(
        id="AI111",
        name="unresolved-js-import",
        title="Relative or alias import of a file that does not exist",
        category=Category.CONTEXT,
        severity=Severity.HIGH,
        confidence=Confidence.HIGH,
        scanner=ScannerId.AI_RULES,
        what=(
            "Resolves every relative import (`import`, `export … from`, `require`, `import()`) "
            "the way bundlers and `tsc` do — exact file, added extensions, `index` files, "
            "TypeScript's `.js`→`.ts` mapping — and every alias import (`@/…`, `~/…`, any "
            "tsconfig/jsconfig `paths` key) through the repository's `paths`/`baseUrl`; flags "
            "those that reach no file. `@/` and `~/` imports with no `paths` entry are tried "
            "against the usual `src/`, root and `app/` folders."
        ),
        why=(
            "The model sees a few files, not the tree: it writes the path where such a "
            "module usually lives (`@/utils/validation`) while this repository keeps it "
            "elsewhere (`src/helpers/validation.ts`). The build or the first request fails."
        ),
        example=(
            "import { validateUserInput } from '@/utils/validation'; // expect: AI111\n"
            "import { sanitizeHTML } from './lib/security'; // expect: AI111\n"
            "import { formatDate } from './format';\n"
            "\n"
            "export async function processUserData(data: unknown) {\n"
            "  const validated = validateUserInput(data);\n"
            "  return sanitizeHTML(formatDate(validated.content));\n"
            "}\n"
        ),
        use_instead=(
            "import { validateUserInput } from '@/helpers/validation';\n"
            "import { formatDate } from './format';\n"
            "import styles from './example.module.css';\n"
            "export { formatDate } from './format.js';\n"
            "\n"
            "export async function processUserData(data: unknown) {\n"
            "  const { render } = await import('./format');\n"
            "  return render(formatDate(validateUserInput(data).content), styles);\n"
            "}\n"
        ),
        languages=JS_LANGUAGES,
    )
    example_filename = "src/example.ts"
    example_files = {
        "tsconfig.json": (
            '{\n  // Vite template\n  "compilerOptions": {\n    "baseUrl": ".",\n'
            '    "paths": { "@/*": ["src/*"], },\n  },\n}\n'
        ),
        "src/helpers/validation.ts": "export const validateUserInput = (d: unknown) => d;\n",
        "src/format.ts": "export const formatDate = (d: unknown) => String(d);\n",
        "src/example.module.css": ".root {}\n",
    }

    def check(self, source: SourceFile, context: RepoContext) -> Iterator[Hit]:
        project = context.js
        for site in import_sites(source):
            if site.optional:
                continue
            if not project.tsconfigs and not site.spec.startswith((".", "@", "~")):
                continue  # without tsconfig `paths`, only these can be file imports
            resolution = classify_specifier(site.spec, source.path, project)
            if resolution.resolved or resolution.kind not in ("relative", "alias"):
                continue
            yield Hit(
                line=site.line,
                column=site.column,
                message=_unresolved_message(
                    site.spec, resolution.target, resolution.via, resolution.conventional, project
                ),
                confidence=Confidence.MEDIUM if resolution.conventional else None,
            )


def _unresolved_message(spec: str, target: str, via: str, conventional: bool, project: JsProject) -> str:
    if via:
        head = f"`{spec}` maps to `{target}` ({via}), which does not exist"
    elif conventional:
        alias = spec.split("/", 1)[0] + "/"
        head = (
            f"`{spec}` uses the `{alias}` alias, which no tsconfig/jsconfig `paths` entry "
            f"defines, and no file matches it under `src/`, the package root or `app/`"
        )
    else:
        head = (
            f"`{spec}` does not resolve to a file: no `{target}` with a JS/TS/asset extension "
            "or an `index` file exists"
        )
    similar = _similar_files(target, project)
    hint = (
        f"; a module of that name exists at {', '.join(f'`{s}`' for s in similar)} — import that one"
        if similar
        else "; import a module that exists or add the missing file"
    )
    return head + hint


class UndeclaredJsPackage:
    """AI112: a bare package import that no governing package.json declares."""

    meta = RuleMeta(
        id="AI112",
        name="undeclared-js-package",
        title="Package imported but not declared in package.json",
        category=Category.CONTEXT,
        severity=Severity.HIGH,
        confidence=Confidence.MEDIUM,
        scanner=ScannerId.AI_RULES,
        what=(
            "Flags a bare import (`lodash/fp` counts as `lodash`, `@scope/name` as itself) "
            "that the governing package.json — the nearest one, plus every enclosing one, as "
            "workspaces hoist — does not declare in dependencies, devDependencies, "
            "peerDependencies or optionalDependencies. Node built-ins and `node:` imports, "
            "`x` when `@types/x` is declared, workspace packages, ambient `declare module` "
            "names, virtual modules, tsconfig `paths`/`baseUrl` targets and `require` inside "
            "`try` (optional dependencies) are accepted. Quiet when the repository has no "
            "package.json."
        ),
        why=(
            "The model imports the package it saw most in training, or one that does not "
            "exist at all (a hallucinated name, a typo an attacker may have registered). It "
            "works on the author's machine only if something else installed it."
        ),
        example=(
            "import axios from 'axios';\n"
            "import { debounce } from 'lodash/fp';\n"
            "import { z } from 'zod'; // expect: AI112\n"
            "import type { Stripe } from 'stripe'; // expect: AI112\n"
            "const dayjs = require('dayjs'); // expect: AI112\n"
            "\n"
            "export const client = axios.create({ validateStatus: debounce });\n"
        ),
        use_instead=(
            "import axios from 'axios';\n"
            "import { readFile } from 'node:fs/promises';\n"
            "import path from 'path';\n"
            "import type { Request } from 'express';\n"
            "import type { AxiosError } from 'axios';\n"
            "import { Button } from '@acme/ui';\n"
            "import { theme } from 'styles/theme';\n"
            "\n"
            "let sharp: unknown = null;\n"
            "try {\n"
            "  sharp = require('sharp');\n"
            "} catch {}\n"
            "\n"
            "export const load = (req: Request) => readFile(path.join('x', req.path), 'utf8');\n"
            "export { axios, Button, theme, sharp, type AxiosError };\n"
        ),
        languages=JS_LANGUAGES,
    )
    example_filename = "src/example.ts"
    example_files = {
        "package.json": (
            '{"name": "web", "workspaces": ["packages/*"], "dependencies": {"axios": "^1.7.0", '
            '"lodash": "^4.17.21"}, "devDependencies": {"@types/express": "^4.17.21"}}\n'
        ),
        "packages/ui/package.json": '{"name": "@acme/ui", "version": "1.0.0"}\n',
        "tsconfig.json": '{"compilerOptions": {"baseUrl": "src"}}\n',
        "src/styles/theme.ts": "export const theme = {};\n",
    }

    def check(self, source: SourceFile, context: RepoContext) -> Iterator[Hit]:
        project = context.js
        if not project.has_manifest:
            return
        for site in import_sites(source):
            if site.optional or site.spec.startswith((".", "/")):
                continue
            resolution = classify_specifier(site.spec, source.path, project)
            if resolution.kind != "package" or resolution.resolved:
                continue
            name = resolution.target
            yield Hit(
                line=site.line, column=site.column, message=_undeclared_message(name, source.path, project)
            )


def _undeclared_message(name: str, path: str, project: JsProject) -> str:
    manifests = project.manifests_for(path)
    where = ", ".join(f"`{posixpath.join(m.directory, 'package.json')}`" for m in manifests) or "package.json"
    close = difflib.get_close_matches(name, sorted(project.packages_for(path)), n=1, cutoff=0.8)
    hint = f"; did you mean the declared `{close[0]}`?" if close else "."
    return (
        f"`{name}` is imported but not declared in {where} (dependencies, devDependencies, "
        f"peerDependencies or optionalDependencies){hint} Check that the package exists and is the "
        f"one you mean, then add it with `npm install {name}`; otherwise import a declared one."
    )
