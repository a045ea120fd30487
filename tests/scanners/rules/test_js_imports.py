"""AI111 unresolved-js-import and AI112 undeclared-js-package beyond the documented examples."""

from __future__ import annotations

from pathlib import Path

from scanners.rules.javascript.imports import UndeclaredJsPackage, UnresolvedJsImport
from tests.scanners.rules.harness import RULES, hit_lines, run_rule

AI111 = UnresolvedJsImport()
AI112 = UndeclaredJsPackage()
PACKAGE_JSON = (
    '{"dependencies": {"react": "^18.2.0", "lodash": "4"}, "devDependencies": {"@types/node": "20"}}'
)


def _lines(
    rule: object, code: str, tmp_path: Path, files: dict[str, str], filename: str = "src/app.ts"
) -> list[int]:
    return hit_lines(run_rule(rule, code, tmp_path, filename=filename, extra_files=files))


def test_the_source_texts_alias_import_is_flagged_and_points_at_the_real_module(tmp_path: Path) -> None:
    files = {
        "tsconfig.json": '{"compilerOptions": {"baseUrl": ".", "paths": {"@/*": ["./src/*"]}}}',
        "src/helpers/validation.ts": "export const validateUserInput = () => 1;",
    }
    code = "import { validateUserInput } from '@/utils/validation';\n"
    hits = run_rule(AI111, code, tmp_path, filename="src/app.ts", extra_files=files)
    assert hit_lines(hits) == [1]
    assert "src/helpers/validation.ts" in hits[0].message


def test_alias_without_any_paths_is_tried_against_src_and_flagged_with_medium_confidence(
    tmp_path: Path,
) -> None:
    files = {"package.json": "{}", "src/helpers/validation.ts": ""}
    code = "import a from '@/helpers/validation';\nimport b from '@/utils/validation';\n"
    hits = run_rule(AI111, code, tmp_path, filename="src/app.js", extra_files=files)
    assert hit_lines(hits) == [2]
    assert hits[0].confidence is not None
    assert hits[0].confidence.label == "medium"


def test_bundler_resolution_forms_are_accepted(tmp_path: Path) -> None:
    files = {
        "src/components/index.tsx": "",
        "src/util.ts": "",
        "src/data.json": "{}",
        "src/Button.ios.js": "",
        "src/styles.module.css": "",
        "src/icon.svg": "<svg/>",
        "src/lib/package.json": '{"main": "main.js"}',
    }
    code = (
        "import a from './components';\n"
        "import b from './util.js';\n"
        "import c from './data.json';\n"
        "import d from './Button';\n"
        "import e from './styles.module.css';\n"
        "import f from './icon.svg?react';\n"
        "import g from './lib';\n"
        "import h from '../dist/bundle.js';\n"
        "export * from './util';\n"
        "const i = require('./util');\n"
    )
    assert _lines(AI111, code, tmp_path, files) == []


def test_missing_relative_files_are_flagged_in_every_import_form(tmp_path: Path) -> None:
    code = (
        "import a from './missing';\n"
        "export { b } from './gone';\n"
        "const c = require('./nope');\n"
        "const d = await import('./later');\n"
        "import type { E } from './types';\n"
    )
    assert _lines(AI111, code, tmp_path, {}) == [1, 2, 3, 4, 5]


def test_an_optional_require_inside_try_is_not_flagged(tmp_path: Path) -> None:
    code = "let local;\ntry {\n  local = require('./config.local');\n} catch {}\n"
    assert _lines(AI111, code, tmp_path, {}, filename="src/app.js") == []


def test_tsconfig_paths_keys_other_than_at_slash_are_honoured(tmp_path: Path) -> None:
    files = {
        "tsconfig.json": (
            '{"compilerOptions": {"baseUrl": "src", "paths": {"@components/*": ["components/*"]}}}'
        ),
        "src/components/Button.tsx": "",
        "package.json": PACKAGE_JSON,
    }
    code = "import { Button } from '@components/Button';\nimport { Card } from '@components/Card';\n"
    assert _lines(AI111, code, tmp_path, files) == [2]
    assert _lines(AI112, code, tmp_path, files) == []


def test_scoped_packages_are_packages_not_aliases(tmp_path: Path) -> None:
    files = {"package.json": '{"dependencies": {"@tanstack/react-query": "5"}}'}
    code = "import { useQuery } from '@tanstack/react-query';\nimport { x } from '@acme/missing';\n"
    assert _lines(AI111, code, tmp_path, files) == []
    assert _lines(AI112, code, tmp_path, files) == [2]


def test_node_builtins_with_and_without_prefix_are_not_packages(tmp_path: Path) -> None:
    code = (
        "import fs from 'fs';\nimport { readFile } from 'node:fs/promises';\nimport path from 'path';\n"
        "import test from 'node:test';\nconst cp = require('child_process');\n"
        "import { x } from 'fs/promises';\n"
    )
    assert _lines(AI112, code, tmp_path, {"package.json": "{}"}) == []


def test_subpath_imports_count_as_their_package(tmp_path: Path) -> None:
    code = "import fp from 'lodash/fp';\nimport dom from 'react-dom/client';\n"
    assert _lines(AI112, code, tmp_path, {"package.json": PACKAGE_JSON}) == [2]


def test_types_package_declares_the_runtime_name_and_import_type_needs_a_declaration(tmp_path: Path) -> None:
    code = (
        "import type { Buffer } from 'node';\nimport type { Z } from 'zod';\n"
        "import type { R } from 'react';\n"
    )
    assert _lines(AI112, code, tmp_path, {"package.json": PACKAGE_JSON}) == [2]


def test_scoped_types_packages_map_to_the_scoped_name(tmp_path: Path) -> None:
    files = {"package.json": '{"devDependencies": {"@types/babel__core": "7"}}'}
    assert _lines(AI112, "import { transform } from '@babel/core';\n", tmp_path, files) == []


def test_no_package_json_means_no_opinion_on_packages(tmp_path: Path) -> None:
    assert _lines(AI112, "import { z } from 'zod';\n", tmp_path, {}) == []


def test_workspace_file_uses_its_own_package_json_and_the_root_one(tmp_path: Path) -> None:
    files = {
        "package.json": '{"workspaces": ["apps/*"], "devDependencies": {"vitest": "1"}}',
        "apps/web/package.json": '{"name": "web", "dependencies": {"next": "14"}}',
        "apps/api/package.json": '{"name": "api", "dependencies": {"express": "4"}}',
    }
    code = "import next from 'next';\nimport { it } from 'vitest';\nimport express from 'express';\n"
    assert _lines(AI112, code, tmp_path, files, filename="apps/web/src/page.ts") == [3]


def test_virtual_and_protocol_modules_are_accepted(tmp_path: Path) -> None:
    code = (
        "import routes from 'virtual:generated-pages';\nimport { db } from 'astro:db';\n"
        "import { page } from '$app/stores';\nimport x from 'bun:test';\n"
        "import Icon from '~icons/mdi/home';\n"
        "import y from '#internal/config';\n"
    )
    assert _lines(AI112, code, tmp_path, {"package.json": "{}"}) == []


def test_optional_dependency_in_try_is_not_flagged(tmp_path: Path) -> None:
    code = "let sharp;\ntry { sharp = require('sharp'); } catch (e) { sharp = null; }\n"
    assert _lines(AI112, code, tmp_path, {"package.json": "{}"}, filename="src/app.js") == []


def test_a_close_declared_name_is_suggested(tmp_path: Path) -> None:
    files = {"package.json": '{"dependencies": {"axios": "1"}}'}
    hits = run_rule(AI112, "import axios from 'axois';\n", tmp_path, filename="src/a.ts", extra_files=files)
    assert "`axios`" in hits[0].message


def test_imports_of_repo_folders_through_bundler_aliases_are_not_packages(tmp_path: Path) -> None:
    files = {"package.json": "{}", "src/components/Button.tsx": ""}
    code = "import { Button } from 'components/Button';\nimport { C } from '@Shared/Card';\n"
    assert _lines(AI112, code, tmp_path, files) == []


def test_requiring_the_package_root_resolves_through_its_package_json(tmp_path: Path) -> None:
    files = {"package.json": '{"main": "fastify.js"}', "fastify.js": ""}
    code = "const fastify = require('..');\nconst again = require('../');\nconst gone = require('../nope');\n"
    assert _lines(AI111, code, tmp_path, files, filename="test/a.test.js") == [3]


# AI114 missing-js-export
def test_missing_export_checks_named_imports_and_re_exports_against_the_target_file(tmp_path: Path) -> None:
    code = (
        "import { a, b as bee, Shape } from './lib';  // expect: AI114\n"
        "import type { Options } from './lib';\n"
        "export { nope } from './lib/index';  // expect: AI114\n"
        "import { anything } from './barrel';\n"
        "import { x } from './legacy';\n"
        "import { ns, y } from './ns';\n"
        "import def, { default as same } from './lib';\n"
        "import { readFile } from 'fs';\n"
        "import { Button } from './Button';\n"
    )
    files = {
        "src/lib/index.ts": (
            "export function a() {}\nexport interface Options {}\nexport default 1;\n"
            "const hidden = 2;\nexport { hidden as b };\nexport declare const declared: number;\n"
        ),
        "src/barrel.ts": "export * from './lib';\n",
        "src/legacy.js": "module.exports = { x: 1 };\n",
        "src/ns.ts": "export * as ns from './lib';\nexport enum y { A }\n",
        "src/Button.tsx": "export const Button = () => null;\n",
    }
    hits = run_rule(RULES["AI114"], code, tmp_path, filename="src/app.ts", extra_files=files)
    assert [(h.line, h.message) for h in hits] == [
        (1, "`./lib` (src/lib/index.ts) does not export `Shape`; it exports `Options`, `a`, `b`, `declared`"),
        (
            3,
            "`./lib/index` (src/lib/index.ts) does not export `nope`; "
            "it exports `Options`, `a`, `b`, `declared`",
        ),
    ]


def test_missing_export_suggests_the_closest_export(tmp_path: Path) -> None:
    files = {"src/security.js": "export function sanitizeHtml(s) { return s; }\n"}
    code = "import { sanitizeHTML } from './security.js';\n"
    hits = run_rule(RULES["AI114"], code, tmp_path, filename="src/app.js", extra_files=files)
    assert [h.message for h in hits] == [
        "`./security.js` (src/security.js) does not export `sanitizeHTML`; it exports `sanitizeHtml`; "
        "did you mean `sanitizeHtml`?"
    ]


def test_typescript_esm_js_specifier_resolves_to_a_jsx_file_too(tmp_path: Path) -> None:
    files = {"src/Button.jsx": "export const Button = () => null;\n", "src/nested/index.mts": "export {};\n"}
    code = "import { Button } from './Button.js';\nimport './nested/index.mjs';\nimport './Missing.js';\n"
    hits = run_rule(UnresolvedJsImport(), code, tmp_path, filename="src/app.ts", extra_files=files)
    assert hit_lines(hits) == [3]
