"""AI212 on Node's deprecation list: every way a module is reached, and what stays quiet."""

from __future__ import annotations

from pathlib import Path

from scanners.model import Severity
from scanners.rules.javascript.deprecated import DeprecatedJsApi
from scanners.rules.javascript.node_deprecations import BY_PATH, TABLE
from tests.scanners.rules.harness import assert_marked, run_rule


def test_require_import_alias_and_destructuring_forms_are_followed(tmp_path: Path) -> None:
    code = (
        "const cp = require('node:util');\n"
        "import * as u from 'node:util';\n"
        "import legacy, { parse as parseUrl } from 'url';  // expect: AI212\n"
        "const { exists, promises } = require('fs');  // expect: AI212\n"
        "const { env: { NODE_REPL_HISTORY_FILE } } = process;  // expect: AI212\n"
        "cp.isArray(list);  // expect: AI212\n"
        "u.default.isDate(when);  // expect: AI212\n"
        "legacy.resolve('/a', 'b');  // expect: AI212\n"
        "require('fs').exists(path, done);  // expect: AI212\n"
        "new (require('buffer').Buffer)(8);  // expect: AI212\n"
        "process.getBuiltinModule('os').tmpDir();  // expect: AI212\n"
        "const dom = require('domain');  // expect: AI212\n"
        "process.binding('natives');  // expect: AI212\n"
        "GLOBAL.answer = 42;  // expect: AI212\n"
        "parseUrl(input); exists; promises.readFile(path);\n"
    )
    assert_marked("AI212", code, tmp_path, filename="src/a.js")


def test_modern_apis_and_rebound_names_stay_quiet(tmp_path: Path) -> None:
    code = (
        "const { existsSync } = require('fs');\n"
        "const util = require('./util');\n"
        "util.isArray(x);\n"
        "import { Buffer } from 'another-buffer';\n"
        "new Buffer(3);\n"
        "function run(process) { return process.binding('x'); }\n"
        "const root = document.getElementById('app');\n"
        "root.render();\n"
        "require('http').request(options);\n"
        "existsSync('a');\n"
        "require(name).exists;\n"
    )
    assert run_rule(DeprecatedJsApi(), code, tmp_path, filename="src/a.js") == []


def test_engines_node_keeps_apis_deprecated_after_the_oldest_supported_node_quiet(tmp_path: Path) -> None:
    code = "const util = require('util');\nutil._extend({}, a);\nrequire('fs').exists(p, cb);\n"
    manifest = '{"name": "lib", "engines": {"node": ">=4.0.0"}}'
    hits = run_rule(
        DeprecatedJsApi(), code, tmp_path, filename="src/a.js", extra_files={"package.json": manifest}
    )
    assert [(h.line, h.message.split(";")[0]) for h in hits] == [
        (3, "`fs.exists()` is deprecated since Node 4 (DEP0034)")
    ]
    assert "the repository supports Node >= 4" in hits[0].message


def test_end_of_life_apis_and_buffer_constructor_are_medium(tmp_path: Path) -> None:
    code = "const os = require('os');\nos.tmpDir();\nBuffer(3);\nrequire('util').isString(s);\n"
    hits = run_rule(DeprecatedJsApi(), code, tmp_path, filename="src/a.js")
    assert [(h.line, h.severity) for h in hits] == [(2, Severity.MEDIUM), (3, Severity.MEDIUM), (4, None)]
    assert hits[0].message == (
        "`os.tmpDir()` was deprecated in Node 7 and is End-of-Life (DEP0022, removed or about to be); "
        "use `os.tmpdir()` instead."
    )


def test_the_table_names_each_path_once_with_a_dep_code_where_node_assigned_one() -> None:
    assert len(BY_PATH) == len(TABLE)
    coded = [row for row in TABLE if row.code is not None]
    assert all(row.code.startswith("DEP") and len(row.code) == 7 for row in coded)
    assert len(coded) >= 80
