"""Shared by the git tests: fixture repositories built with real git, and the roots they live under."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import pytest

from auditor.git import CloneResult, clone_repository

# Fixture repositories are built with a fixed identity and dates, and without the
# host's git configuration.
FIXED_GIT_ENV = {
    "GIT_AUTHOR_NAME": "Fixture Author",
    "GIT_AUTHOR_EMAIL": "author@example.com",
    "GIT_AUTHOR_DATE": "2024-01-02T03:04:05+00:00",
    "GIT_COMMITTER_NAME": "Fixture Author",
    "GIT_COMMITTER_EMAIL": "author@example.com",
    "GIT_COMMITTER_DATE": "2024-01-02T03:04:05+00:00",
    "GIT_CONFIG_GLOBAL": os.devnull,
    "GIT_CONFIG_NOSYSTEM": "1",
}


def run_git(*args: str, cwd: Path | None = None, env: dict[str, str] | None = None) -> str:
    merged = {**os.environ, **FIXED_GIT_ENV, **(env or {})}
    result = subprocess.run(["git", *args], cwd=cwd, env=merged, capture_output=True, text=True, check=True)
    return result.stdout.strip()


def make_repo(path: Path, commits: list[dict[str, str | bytes]]) -> Path:
    run_git("init", "--quiet", "--initial-branch=main", str(path))
    for number, files in enumerate(commits, start=1):
        for name, content in files.items():
            target = path / name
            target.parent.mkdir(parents=True, exist_ok=True)
            if isinstance(content, bytes):
                target.write_bytes(content)
            else:
                target.write_text(content)
        run_git("add", "--all", cwd=path)
        run_git("commit", "--quiet", "-m", f"commit {number}\n\nbody line", cwd=path)
    return path


@pytest.fixture
def root(tmp_path: Path) -> Path:
    """The allowed local repository root (AUDITOR_LOCAL_REPO_ROOTS)."""
    path = tmp_path / "repos"
    path.mkdir()
    return path


@pytest.fixture
def source(root: Path) -> Path:
    repo = make_repo(
        root / "source",
        [
            {"README.md": "first\n", "app/main.py": "print('v1')\n"},
            {"app/main.py": "print('v2')\n"},
        ],
    )
    run_git("tag", "v1.0", "HEAD~1", cwd=repo)
    return repo


@pytest.fixture
def dest(tmp_path: Path) -> Path:
    return tmp_path / "work" / "checkout"


def clone(url: str | Path, dest: Path, root: Path, **kwargs: object) -> CloneResult:
    return clone_repository(str(url), "main", dest, local_roots=[root], **kwargs)  # type: ignore[arg-type]
