"""JsProject: what package.json, tsconfig/jsconfig and the file tree declare."""

from __future__ import annotations

import pickle
from pathlib import Path

import pytest

from scanners.project.javascript import JsProject, build_js_project, lowest_major
from scanners.project.jsonc import read_json_lenient
from scanners.rules.javascript.resolve import classify_specifier, file_exists


def _project(tmp_path: Path, files: dict[str, str]) -> JsProject:
    for rel, content in files.items():
        target = tmp_path / rel
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(content, encoding="utf-8")
    return build_js_project(tmp_path, files.keys())


def test_tsconfig_comments_and_trailing_commas_are_accepted(tmp_path: Path) -> None:
    (tmp_path / "tsconfig.json").write_text(
        '{\n  // comment with "quotes", and a comma,\n  "a": "http://x/*y*/",\n'
        '  /* block */ "b": [1, 2,],\n}\n'
    )
    assert read_json_lenient(tmp_path, "tsconfig.json") == {"a": "http://x/*y*/", "b": [1, 2]}


def test_paths_are_read_from_a_relative_extends_and_resolved_against_base_url(tmp_path: Path) -> None:
    project = _project(
        tmp_path,
        {
            "config/tsconfig.base.json": (
                '{"compilerOptions": {"baseUrl": "..", "paths": {"@app/*": ["src/*"]}}}'
            ),
            "tsconfig.json": '{"extends": "./config/tsconfig.base", "compilerOptions": {"strict": true}}',
            "src/lib/db.ts": "export {}",
            "src/main.ts": "",
        },
    )
    assert classify_specifier("@app/lib/db", "src/main.ts", project).resolved
    missing = classify_specifier("@app/lib/cache", "src/main.ts", project)
    assert (missing.kind, missing.resolved, missing.target) == ("alias", False, "src/lib/cache")


def test_each_file_is_governed_by_its_nearest_package_json_plus_the_root(tmp_path: Path) -> None:
    project = _project(
        tmp_path,
        {
            "package.json": '{"name": "root", "devDependencies": {"typescript": "5"}}',
            "packages/web/package.json": '{"name": "@acme/web", "dependencies": {"react": "^18.2.0"}}',
            "packages/api/package.json": '{"name": "@acme/api", "dependencies": {"fastify": "4"}}',
            "packages/web/src/a.ts": "",
        },
    )
    web = project.packages_for("packages/web/src/a.ts")
    assert {"react", "typescript", "@acme/api"} <= web
    assert "fastify" not in web
    assert project.react_major("packages/web/src/a.ts") == 18
    assert project.react_major("packages/api/src/b.ts") is None


@pytest.mark.parametrize(
    ("spec", "major"),
    [
        ("^18.2.0", 18),
        ("~17.0.2", 17),
        ("^16.8.0 || ^17.0.0 || ^18.0.0", 16),
        (">=16.14 <20", 16),
        ("latest", None),
    ],
)
def test_the_lowest_declared_react_major_is_used(spec: str, major: int | None) -> None:
    assert lowest_major(spec) == major


def test_a_repository_without_js_files_has_an_empty_project(tmp_path: Path) -> None:
    project = _project(tmp_path, {"package.json": '{"dependencies": {"x": "1"}}', "app.py": ""})
    assert project == JsProject()


def test_files_outside_the_scan_list_count_for_resolution(tmp_path: Path) -> None:
    project = _project(tmp_path, {"src/a.ts": ""})
    (tmp_path / "src" / "logo.svg").write_text("<svg/>")
    (tmp_path / "node_modules" / "x").mkdir(parents=True)
    (tmp_path / "node_modules" / "x" / "index.js").write_text("")
    project = build_js_project(tmp_path, ["src/a.ts"])
    assert file_exists("src/logo.svg", project)
    assert not any(p.startswith("node_modules/") for p in project.files)


def test_the_project_is_picklable_for_the_worker_pool(tmp_path: Path) -> None:
    project = _project(
        tmp_path,
        {
            "package.json": '{"dependencies": {"a": "1"}}',
            "tsconfig.json": '{"compilerOptions": {"paths": {}}}',
            "a.ts": "",
        },
    )
    assert pickle.loads(pickle.dumps(project)) == project  # noqa: S301 - our own bytes


def test_ambient_module_declarations_count_as_declared(tmp_path: Path) -> None:
    project = _project(
        tmp_path,
        {
            "package.json": "{}",
            "src/env.d.ts": "declare module 'untyped-lib';\ndeclare module '*.svg' { const s: string; }\n",
            "src/a.ts": "",
        },
    )
    assert classify_specifier("untyped-lib", "src/a.ts", project).resolved
    assert classify_specifier("pkg/icon.svg", "src/a.ts", project).resolved
