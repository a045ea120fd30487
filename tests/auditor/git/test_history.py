"""Churn from a checkout's history, read through the hardened runner."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from auditor.git import checkout_churn
from scanners.engine import EngineConfig, scan_directory
from tests.auditor.git.conftest import run_git

DAY = 86400


def _commit(repo: Path, files: dict[str, str], at: int) -> None:
    for name, content in files.items():
        target = repo / name
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(content)
    run_git("add", "--all", cwd=repo)
    stamp = {"GIT_AUTHOR_DATE": f"@{at} +0000", "GIT_COMMITTER_DATE": f"@{at} +0000"}
    run_git("commit", "--quiet", "-m", f"at {at}", cwd=repo, env=stamp)


@pytest.fixture
def history(tmp_path: Path) -> Path:
    """Four commits: one 200 days before the head, three inside the last 90 days."""
    repo = tmp_path / "history"
    run_git("init", "--quiet", "--initial-branch=main", str(repo))
    head = 1_760_000_000
    _commit(repo, {"old.py": "1\n", "app.py": "1\n"}, head - 200 * DAY)
    _commit(repo, {"app.py": "2\n"}, head - 60 * DAY)
    _commit(repo, {"app.py": "3\n", "lib/util.py": "1\n"}, head - 10 * DAY)
    _commit(repo, {"lib/util.py": "2\n"}, head)
    return repo


def test_it_counts_commits_per_path_in_the_window_before_the_head_commit(history: Path) -> None:
    assert checkout_churn(history, days=90) == {"app.py": 2, "lib/util.py": 2}
    assert checkout_churn(history, days=365) == {"app.py": 3, "lib/util.py": 2, "old.py": 1}


def test_the_workers_git_environment_does_not_reach_it(
    history: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # A GIT_DIR set around the worker would make a plain `git log` read another repository.
    elsewhere = tmp_path / "elsewhere"
    run_git("init", "--quiet", "--initial-branch=main", str(elsewhere))
    _commit(elsewhere, {"decoy.py": "x\n"}, 1_760_000_000)
    monkeypatch.setenv("GIT_DIR", str(elsewhere / ".git"))
    monkeypatch.setenv("GIT_WORK_TREE", str(elsewhere))

    assert checkout_churn(history, days=90) == {"app.py": 2, "lib/util.py": 2}


def test_a_directory_without_history_has_no_churn(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    plain = tmp_path / "plain"
    plain.mkdir()
    (plain / "a.py").write_text("x\n")

    assert checkout_churn(plain, days=90) == {}
    assert "churn unavailable" in caplog.text


def test_a_slow_history_gives_no_churn_instead_of_a_stuck_scan(history: Path) -> None:
    assert checkout_churn(history, days=90, timeout_seconds=0) == {}


def test_unusual_names_are_counted_under_the_engines_text_form(tmp_path: Path) -> None:
    repo = tmp_path / "odd"
    run_git("init", "--quiet", "--initial-branch=main", str(repo))
    names = {"new\nline.py": "new\\x0aline.py", "ünï.py": "ünï.py", "back\\slash.py": "back\\\\slash.py"}
    for name in names:
        (repo / name).write_text("1\n")
    (repo / os.fsdecode(b"bad\xff.py")).write_text("1\n")
    run_git("add", "--all", cwd=repo)
    run_git("commit", "--quiet", "-m", "odd names", cwd=repo)

    churn = checkout_churn(repo, days=90)

    assert churn == {**dict.fromkeys(names.values(), 1), "bad\\xff.py": 1}
    # The same keys as the engine's paths, which file metrics are stored under.
    assert set(churn) == {m.path for m in scan_directory(repo, EngineConfig(workers=1)).files}
