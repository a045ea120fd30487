"""Test code is scanned and marked `in_tests`, by one policy: conventions plus the
repository's pytest / jest / vitest configuration."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from scanners.engine import EngineConfig, scan_directory
from scanners.model import ScannerId, Severity
from scanners.output.sarif import sarif_log
from scanners.project.testcode import TestLayout, build_test_layout


def _layout(tmp_path: Path, files: dict[str, str]) -> TestLayout:
    for rel, text in files.items():
        (tmp_path / rel).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / rel).write_text(text, encoding="utf-8")
    return build_test_layout(tmp_path, files.keys())


@pytest.mark.parametrize(
    ("path", "expected"),
    [
        ("tests/test_a.py", True),
        ("pkg/tests/helpers.py", True),
        ("test_a.py", True),
        ("a_test.py", True),
        ("conftest.py", True),
        ("src/__tests__/a.js", True),
        ("src/a.test.ts", True),
        ("src/a.spec.mjs", True),
        ("e2e/login.ts", True),
        ("src/app.py", False),
        ("src/contest.py", False),
        ("src/latest.js", False),
        ("src/testing_utils_x.js", False),
    ],
)
def test_conventions_alone_decide_without_configuration(path: str, expected: bool) -> None:
    assert TestLayout().is_test(path) is expected


@pytest.mark.parametrize(
    ("config_name", "config"),
    [
        ("pytest.ini", "[pytest]\ntestpaths = checks\npython_files = check_*.py\n"),
        (
            "pyproject.toml",
            '[tool.pytest.ini_options]\ntestpaths = ["checks"]\npython_files = ["check_*.py"]\n',
        ),
        ("setup.cfg", "[tool:pytest]\ntestpaths = checks\npython_files = check_*.py\n"),
        ("tox.ini", "[pytest]\ntestpaths = checks\npython_files = check_*.py\n"),
    ],
)
def test_pytest_testpaths_and_python_files_are_read_from_every_config_file(
    tmp_path: Path, config_name: str, config: str
) -> None:
    layout = _layout(tmp_path, {config_name: config})
    assert layout.is_test("checks/helpers.py")  # under a declared test path
    assert layout.is_test("src/check_api.py")  # a declared file glob
    assert not layout.is_test("src/api.py")
    assert not layout.is_test("checksum/api.py")


def test_jest_test_match_and_test_regex_from_package_json(tmp_path: Path) -> None:
    package = {"jest": {"testMatch": ["<rootDir>/qa/**/*.check.{js,ts}"], "testRegex": "/it/.*\\.js$"}}
    layout = _layout(tmp_path, {"package.json": json.dumps(package)})
    assert layout.is_test("qa/deep/login.check.ts")
    assert layout.is_test("src/it/flow.js")
    assert not layout.is_test("qa/deep/login.ts")
    assert not layout.is_test("src/flow.js")


def test_jest_and_vitest_config_files_are_read_lexically(tmp_path: Path) -> None:
    layout = _layout(
        tmp_path,
        {
            "jest.config.js": "module.exports = { testMatch: ['**/?(*.)+(check).[jt]s?(x)'] };\n",
            "vitest.config.ts": "export default defineConfig({ test: { include: ['verify/**/*.ts'] } });\n",
        },
    )
    assert layout.is_test("src/login.check.tsx")
    assert layout.is_test("verify/a/b.ts")
    assert not layout.is_test("src/login.tsx")


def test_broken_configuration_falls_back_to_conventions(tmp_path: Path) -> None:
    layout = _layout(tmp_path, {"pyproject.toml": "[tool.pytest", "package.json": "{"})
    assert layout == TestLayout()
    assert layout.is_test("tests/a.py")


def _repo(tmp_path: Path) -> Path:
    files = {
        "pytest.ini": "[pytest]\ntestpaths = checks\n",
        "app/client.py": "import requests\n\n\ndef f(u):\n    return requests.get(u)\n",
        "checks/client_check.py": "import requests\n\n\ndef f(u):\n    return requests.get(u)\n",
        "checks/shell.py": "import subprocess\n\nsubprocess.call('ls', shell=True)\n",
    }
    for rel, text in files.items():
        (tmp_path / rel).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / rel).write_text(text, encoding="utf-8")
    return tmp_path


def test_engine_scans_test_code_and_marks_every_scanners_findings(tmp_path: Path) -> None:
    result = scan_directory(_repo(tmp_path), EngineConfig(workers=1))
    found = {(f.rule_id, f.path, f.line): f for f in result.findings}
    production = found[("AI303", "app/client.py", 5)]
    in_tests = found[("AI303", "checks/client_check.py", 5)]
    assert (production.in_tests, production.severity) == (False, Severity.MEDIUM)
    # AI303 declares that tests make a missing timeout benign: at most low there.
    assert (in_tests.in_tests, in_tests.severity) == (True, Severity.LOW)
    shell = [f for (rule, path, _), f in found.items() if path == "checks/shell.py" and rule.startswith("B")]
    assert shell
    assert all(f.in_tests for f in shell)
    # The mark is not part of the identity: the same code gives the same fingerprint.
    assert production.fingerprint != in_tests.fingerprint  # different paths


def test_findings_are_marked_without_our_rules_too(tmp_path: Path) -> None:
    config = EngineConfig(workers=1, scanners=frozenset({ScannerId.BANDIT}))
    result = scan_directory(_repo(tmp_path), config)
    marks = {(f.path, f.in_tests) for f in result.findings}
    assert marks == {("app/client.py", False), ("checks/client_check.py", True), ("checks/shell.py", True)}


def test_sarif_results_carry_in_tests_and_rules_document_their_test_policy(tmp_path: Path) -> None:
    log = sarif_log(scan_directory(_repo(tmp_path), EngineConfig(workers=1)))
    run = log["runs"][0]
    marks = {
        (r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"], r["ruleId"]): r["properties"][
            "inTests"
        ]
        for r in run["results"]
    }
    assert marks[("app/client.py", "AI303")] is False
    assert marks[("checks/client_check.py", "AI303")] is True
    ai303 = next(r for r in run["tool"]["driver"]["rules"] if r["id"] == "AI303")
    assert "**In test code:** Reported in test code too, at most low" in ai303["help"]["markdown"]
