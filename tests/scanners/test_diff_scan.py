"""Pull-request scans (`python -m scanners PATH --diff-base REF`): a real git repository, a
branch that changes one file, and exactly the findings on the lines it changed."""

from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path

import pytest

from scanners.cli import main
from scanners.diff import DiffError, changed_lines, parse_unified_diff
from tests.scanners.engine_support import make_repo, write_tree

ENV = {
    **os.environ,
    "GIT_AUTHOR_NAME": "t",
    "GIT_AUTHOR_EMAIL": "t@example.com",
    "GIT_COMMITTER_NAME": "t",
    "GIT_COMMITTER_EMAIL": "t@example.com",
    "GIT_CONFIG_GLOBAL": os.devnull,
    "GIT_CONFIG_NOSYSTEM": "1",
}
SERVICE = "import pickle\nimport subprocess\n\n\ndef run(cmd):\n    subprocess.call(cmd, shell=True)\n"
TOOLS = ["--workers", "1", "--scanners", "bandit,radon"]


def git(repo: Path, *args: str) -> str:
    return subprocess.run(
        ["git", *args], cwd=repo, env=ENV, check=True, capture_output=True, text=True
    ).stdout


@pytest.fixture
def pull_request(tmp_path: Path) -> Path:
    """main: two files with findings; branch `feature` (checked out) changes one file:
    line 6 rewritten, lines 7-10 added, lines 1-5 and the other file untouched."""
    repo = make_repo(tmp_path)
    git(repo, "init", "--quiet", "--initial-branch=main")
    write_tree(repo, {"app/service.py": SERVICE, "app/other.py": "import pickle\n"})
    git(repo, "add", "--all")
    git(repo, "commit", "--quiet", "-m", "base")
    git(repo, "checkout", "--quiet", "-b", "feature")
    changed = SERVICE.replace("shell=True)", "shell=True)  # still")
    write_tree(repo, {"app/service.py": changed + "\n\ndef load(data):\n    return pickle.loads(data)\n"})
    git(repo, "commit", "--quiet", "-am", "one-file change")
    return repo


def _findings(argv: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, set[tuple[str, str, int]]]:
    status = main(argv)
    report = json.loads(capsys.readouterr().out)
    return status, {(f["rule_id"], f["path"], f["line"]) for f in report["findings"]}


def test_a_pull_request_scan_reports_exactly_the_findings_on_changed_lines(
    pull_request: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    _, everything = _findings([str(pull_request), "--format", "json", *TOOLS], capsys)
    assert {
        ("B403", "app/service.py", 1),
        ("B404", "app/service.py", 2),
        ("B403", "app/other.py", 1),
    } <= everything

    status, reported = _findings(
        [str(pull_request), "--format", "json", "--diff-base", "main", *TOOLS], capsys
    )

    assert reported == {("B602", "app/service.py", 6), ("B301", "app/service.py", 10)}
    assert status == 0


def test_fail_on_counts_only_the_findings_on_changed_lines(
    pull_request: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    argv = [str(pull_request), "--format", "json", "--diff-base", "main", *TOOLS]
    # B602 (shell=True) is high, B301 (pickle.loads) medium; the untouched B403/B404 are low.
    assert _findings([*argv, "--fail-on", "high"], capsys)[0] == 1
    git(pull_request, "checkout", "--quiet", "main")
    git(pull_request, "checkout", "--quiet", "-b", "docs-only")
    write_tree(pull_request, {"README.md": "docs\n"})
    git(pull_request, "add", "--all")
    git(pull_request, "commit", "--quiet", "-m", "docs")
    assert _findings([*argv, "--fail-on", "low"], capsys) == (0, set())


def test_the_diff_is_taken_from_where_the_branch_left_its_base(pull_request: Path) -> None:
    # The base moves on after the branch left it: its own changes are not the branch's.
    git(pull_request, "checkout", "--quiet", "main")
    write_tree(pull_request, {"app/other.py": "import pickle\nimport marshal\n"})
    git(pull_request, "commit", "--quiet", "-am", "main moves on")
    git(pull_request, "checkout", "--quiet", "feature")

    assert changed_lines(pull_request, "main") == {"app/service.py": [(6, 10)]}


def test_an_unknown_base_is_a_usage_error(pull_request: Path, capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as caught:
        main([str(pull_request), "--diff-base", "no-such-branch", *TOOLS])
    assert caught.value.code == 2
    assert "--diff-base no-such-branch" in capsys.readouterr().err
    with pytest.raises(DiffError):
        changed_lines(pull_request, "--output=/tmp/x")


def test_no_hook_pager_or_external_diff_of_the_repository_runs(pull_request: Path, tmp_path: Path) -> None:
    marker = tmp_path / "ran"
    script = tmp_path / "evil.sh"
    script.write_text(f"#!/bin/sh\ntouch {marker}\n")
    script.chmod(0o755)
    for key in ("diff.external", "core.pager", "core.fsmonitor", "diff.evil.textconv"):
        git(pull_request, "config", key, str(script))
    (pull_request / ".git/info").mkdir(exist_ok=True)
    (pull_request / ".git/info/attributes").write_text("*.py diff=evil\n")
    subprocess.run(
        ["git", "diff", "main...HEAD"], cwd=pull_request, env=ENV, capture_output=True, check=False
    )
    assert marker.exists(), "the attack is not live, so the test would prove nothing"
    marker.unlink()

    assert changed_lines(pull_request, "main") == {"app/service.py": [(6, 10)]}
    assert not marker.exists()


def test_quoted_and_odd_paths_come_back_in_the_engines_text_form() -> None:
    diff = (
        b'diff --git "a/tab\\there.py" "b/tab\\there.py"\n+++ "b/tab\\there.py"\n@@ -1 +1,2 @@\n'
        b"+++ b/caf\xc3\xa9.py\n@@ -3,0 +4 @@\n"
        b"+++ /dev/null\n@@ -1,3 +0,0 @@\n"
        b"+++ b/removed_lines.py\n@@ -5,2 +4,0 @@\n"
    )
    assert parse_unified_diff(diff) == {"tab\\x09here.py": [(1, 2)], "caf\u00e9.py": [(4, 4)]}
