"""`python -m scanners`: exit codes, formats, and SARIF that validates against the schema."""

from __future__ import annotations

import io
import json
import subprocess
import sys
from pathlib import Path

import jsonschema
import pytest

from scanners.cli import main
from scanners.engine import EngineConfig, scan_directory
from scanners.output import sarif
from scanners.output.json_format import render_json, write_json
from tests.scanners.engine_support import make_repo, write_tree

SCHEMA = json.loads(
    (Path(__file__).parents[1] / "fixtures" / "sarif" / "sarif-schema-2.1.0.json").read_text()
)
# The custom rules registry is filled by other modules; these tests pin the tool scanners.
TOOLS = EngineConfig(workers=1, scanners=frozenset({"bandit", "radon"}))
CODE = {
    "app/main.py": "import subprocess\n\n\ndef run(cmd):\n    subprocess.call(cmd, shell=True)\n",
    "app/dir with space/util.py": "assert True\n",
    "broken.py": "def f(:\n",
    "bin.py": b"\0\0",
}


def _validate(log: dict) -> None:  # type: ignore[type-arg]
    jsonschema.validate(log, SCHEMA, cls=jsonschema.Draft7Validator)


def test_it_exits_0_without_fail_on_and_1_when_a_finding_reaches_it(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    repo = make_repo(tmp_path)
    write_tree(repo, {"a.py": "import pickle\n"})  # B403 is low
    base = [str(repo), "--workers", "1", "--scanners", "bandit,radon"]
    assert main(base) == 0
    assert main([*base, "--fail-on", "medium"]) == 0
    assert main([*base, "--fail-on", "LOW"]) == 1
    out = capsys.readouterr().out
    assert "a.py:1:1: low B403 [security]" in out
    assert "1 finding(s) (1 low), 0 suppressed, 1 file(s) analysed" in out


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["/definitely/not/here"], "not a directory"),
        (["{repo}", "--fail-on", "severe"], "unknown severity 'severe'"),
        (["{repo}", "--format", "xml"], "invalid choice"),
        (["{repo}", "--workers", "0"], "positive integer"),
        (["{repo}", "--scanners", "bandit,nope"], "unknown scanner id"),
    ],
)
def test_it_exits_2_on_usage_errors_with_a_message(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], argv: list[str], message: str
) -> None:
    repo = make_repo(tmp_path)
    with pytest.raises(SystemExit) as exit_info:
        main([a.format(repo=repo) for a in argv])
    assert exit_info.value.code == 2
    assert message in capsys.readouterr().err


def test_python_dash_m_runs_the_cli_and_writes_the_output_file(tmp_path: Path) -> None:
    repo = make_repo(tmp_path)
    write_tree(repo, CODE)
    out = tmp_path / "report.json"
    argv = [
        str(repo),
        "--format",
        "json",
        "--output",
        str(out),
        "--fail-on",
        "high",
        "--scanners",
        "bandit,radon",
    ]
    completed = subprocess.run(
        [sys.executable, "-m", "scanners", *argv],
        capture_output=True,
        text=True,
        check=False,
        cwd=Path(__file__).parents[2],
    )
    assert completed.returncode == 1, completed.stderr
    assert completed.stdout == ""
    report = json.loads(out.read_text())
    keys = {(f["rule_id"], f["path"], f["line"]) for f in report["findings"]}
    assert keys == {
        ("B404", "app/main.py", 1),
        ("B602", "app/main.py", 5),
        ("B101", "app/dir with space/util.py", 1),
        ("E001", "broken.py", 1),
    }
    assert {(w["code"], w["path"]) for w in report["warnings"]} == {("file:binary", "bin.py")}


def test_sarif_output_validates_against_the_2_1_0_schema(tmp_path: Path) -> None:
    repo = make_repo(tmp_path)
    write_tree(repo, CODE)
    result = scan_directory(repo, TOOLS)
    log = sarif.sarif_log(result)
    _validate(log)
    [run] = log["runs"]
    driver = run["tool"]["driver"]
    assert (driver["name"], driver["version"]) == ("auditor", result.engine_version)
    rules = driver["rules"]
    by_result = {
        (r["ruleId"], r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]): r
        for r in run["results"]
    }
    shell = by_result[("B602", "app/main.py")]
    assert rules[shell["ruleIndex"]]["id"] == "B602"
    assert shell["level"] == "error"
    assert shell["locations"][0]["physicalLocation"]["artifactLocation"]["uriBaseId"] == "%SRCROOT%"
    assert shell["locations"][0]["physicalLocation"]["region"] == {
        "startLine": 5,
        "endLine": 5,
        "startColumn": 5,
        "snippet": {"text": "subprocess.call(cmd, shell=True)"},
    }
    assert len(shell["partialFingerprints"]["auditorFingerprint/v1"]) == 64
    assert ("B101", "app/dir%20with%20space/util.py") in by_result
    assert by_result[("B101", "app/dir%20with%20space/util.py")]["level"] == "note"
    b602 = rules[shell["ruleIndex"]]
    assert set(b602["properties"]["tags"]) >= {"security", "bandit"}
    assert b602["properties"]["security-severity"]
    assert {"text", "markdown"} <= b602["help"].keys()
    e001 = next(r for r in rules if r["id"] == "E001")
    assert e001["properties"]["tags"][0] == "temporal"
    assert e001["defaultConfiguration"]["level"] == "error"
    notes = run["invocations"][0]["toolExecutionNotifications"]
    assert [n["descriptor"]["id"] for n in notes] == ["file:binary"]


def test_sarif_splits_results_over_the_per_run_cap(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    repo = make_repo(tmp_path)
    write_tree(repo, {f"m{n}.py": "import pickle\nimport subprocess\n" for n in range(3)})
    monkeypatch.setattr(sarif, "MAX_RESULTS_PER_RUN", 4)
    log = sarif.sarif_log(scan_directory(repo, TOOLS))
    _validate(log)
    assert [len(run["results"]) for run in log["runs"]] == [4, 2]
    first_notes = log["runs"][0]["invocations"][0]["toolExecutionNotifications"]
    assert first_notes[0]["descriptor"]["id"] == "sarif:split-runs"
    assert "6 results split across 2 runs" in first_notes[0]["message"]["text"]


def test_a_taint_finding_carries_its_flow_as_sarif_code_flows(tmp_path: Path) -> None:
    repo = make_repo(tmp_path)
    write_tree(
        repo,
        {
            "app/views.py": (
                "import os\n"
                "from flask import request\n"
                "@app.route('/x')\n"
                "def view():\n"
                "    name = request.args['n']\n"
                "    os.system('ls ' + name)\n"
            ),
            "app/other.py": "try:\n    x()\nexcept:\n    pass\n",
        },
    )
    result = scan_directory(repo, EngineConfig(workers=1, scanners=frozenset({"ai-rules"})))
    log = sarif.sarif_log(result)
    _validate(log)
    [finding] = [r for r in log["runs"][0]["results"] if r["ruleId"] == "AI601"]
    [flow] = finding["codeFlows"]
    steps = [
        (
            step["location"]["physicalLocation"]["region"]["startLine"],
            step["location"]["physicalLocation"]["region"]["startColumn"],
            step["location"]["message"]["text"],
        )
        for step in flow["threadFlows"][0]["locations"]
    ]
    assert steps == [
        (5, 12, "`request.args` (request data)"),
        (5, 5, "assigned to `name`"),
        (6, 5, "`os.system()` runs a shell command"),
    ]
    assert [s["executionOrder"] for s in flow["threadFlows"][0]["locations"]] == [1, 2, 3]
    assert "codeFlows" not in next(r for r in log["runs"][0]["results"] if r["ruleId"] != "AI601")


def test_the_streamed_json_is_byte_for_byte_the_rendered_json(tmp_path: Path) -> None:
    repo = write_tree(
        make_repo(tmp_path),
        {"app/main.py": "import subprocess\nsubprocess.call('ls', shell=True)  # é\n", "web.js": "f();\n"},
    )
    result = scan_directory(repo, EngineConfig(workers=1))
    assert result.findings
    assert result.warnings == ()  # an empty list is written as the renderer writes it
    streamed = io.StringIO()
    write_json(result, streamed)
    assert streamed.getvalue() == render_json(result)
