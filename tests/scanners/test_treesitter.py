"""tree-sitter parsing through SourceFile, and robustness of every JS/TS rule on it."""

from __future__ import annotations

from pathlib import Path

import pytest
import tree_sitter

from scanners.project.context import build_repo_context
from scanners.rules.javascript import deprecated as deprecated_rules
from scanners.rules.javascript import (
    fetch,
    imports,
    naming,
    password_hash,
    promises,
    races,
    react,
    security,
    syntax,
)
from scanners.rules.registry import FILE_RULES, REPO_RULES
from scanners.source import LANGUAGE_BY_SUFFIX, PYTHON, SourceFile
from scanners.treesitter import parser_for

JS_RULES = [r for r in FILE_RULES if PYTHON not in r.meta.languages]
JS_REPO_RULES = [r for r in REPO_RULES if PYTHON not in r.meta.languages]

SAMPLES = {
    ".js": "const add = (a, b) => a + b;\nmodule.exports = { add };\n",
    ".mjs": "export default async function main() { await import('./x.js'); }\n",
    ".cjs": "const fs = require('fs');\nexports.read = (p) => fs.readFileSync(p, 'utf8');\n",
    ".jsx": 'export function App({ name }) {\n  return <div className="app">{name}</div>;\n}\n',
    ".ts": "export interface User { id: number }\nexport const id = (u: User): number => u.id;\n",
    ".mts": "export type Id = string;\nexport const ids: Id[] = [];\n",
    ".tsx": "type P = { name: string };\nexport const App = ({ name }: P) => <b>{name}</b>;\n",
}

BROKEN_TS = """import { a } from './a'
export async function broken(x: number {
  const r = await fetch(x;
  if (cache { cache = await r.json( }
  console.log(password
  class { componentWillMount() {
"""


@pytest.mark.parametrize("suffix", sorted(SAMPLES))
def test_each_js_and_ts_suffix_parses_without_errors(suffix: str) -> None:
    source = SourceFile(path=f"src/sample{suffix}", text=SAMPLES[suffix], language=LANGUAGE_BY_SUFFIX[suffix])
    tree = source.ts_tree
    assert tree is not None
    assert tree.root_node.type == "program"
    assert not tree.root_node.has_error


def test_the_tree_is_built_once_per_source_file() -> None:
    source = SourceFile(path="a.ts", text=SAMPLES[".ts"], language="typescript")
    assert source.ts_tree is source.ts_tree


@pytest.mark.parametrize("suffix", [".ts", ".tsx", ".js"])
def test_no_rule_crashes_on_a_syntactically_broken_file(suffix: str, tmp_path: Path) -> None:
    path = f"src/broken{suffix}"
    (tmp_path / "src").mkdir()
    (tmp_path / path).write_text(BROKEN_TS, encoding="utf-8")
    (tmp_path / "package.json").write_text('{"dependencies": {"react": "^18"}}', encoding="utf-8")
    context = build_repo_context(tmp_path, [path, "package.json"])
    source = SourceFile(path=path, text=BROKEN_TS, language=LANGUAGE_BY_SUFFIX[suffix])
    assert source.ts_tree is not None
    assert source.ts_tree.root_node.has_error
    for rule in JS_RULES:
        list(rule.check(source, context))
    for repo_rule in JS_REPO_RULES:
        list(repo_rule.conclude({path: repo_rule.collect(source, context)}, context))


def test_rules_ignore_files_that_are_not_javascript(tmp_path: Path) -> None:
    source = SourceFile(path="app.py", text="import os\n", language="python")
    context = build_repo_context(tmp_path, ["app.py"])
    for rule in JS_RULES:
        assert list(rule.check(source, context)) == []


_PATTERN_TUPLES = [
    (module.__name__, name, value)
    for module in (
        fetch,
        imports,
        naming,
        password_hash,
        promises,
        races,
        react,
        security,
        syntax,
        deprecated_rules,
    )
    for name, value in vars(module).items()
    if name.endswith("PATTERNS") and isinstance(value, tuple)
]


@pytest.mark.parametrize(("module", "name", "patterns"), _PATTERN_TUPLES, ids=lambda v: str(v)[:40])
def test_every_query_pattern_compiles_in_at_least_one_grammar(
    module: str, name: str, patterns: tuple[str, ...]
) -> None:
    for pattern in patterns:
        compiled = []
        for language in syntax.JS_LANGUAGES:
            try:
                tree_sitter.Query(parser_for(language).language, pattern)
            except tree_sitter.QueryError:
                continue
            compiled.append(language)
        assert compiled, f"{module}.{name}: {pattern}"


def test_queries_are_compiled_once_per_grammar() -> None:
    patterns = ("(identifier) @id",)
    assert syntax.compile_query("typescript", patterns) is syntax.compile_query("typescript", patterns)


def test_descendants_stays_inside_the_given_node() -> None:
    source = SourceFile(
        path="a.js", text="function f() { a(); }\nfunction g() { b(); }\n", language="javascript"
    )
    tree = source.ts_tree
    assert tree is not None
    first = tree.root_node.named_children[0]
    names = [syntax.text(n) for n in syntax.descendants(first, frozenset({"identifier"}))]
    assert names == ["f", "a"]
