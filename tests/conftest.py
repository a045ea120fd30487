"""Shared fixtures: real git repositories, teams and personas."""

from __future__ import annotations

import os
import subprocess
from collections.abc import Callable
from pathlib import Path

import pytest

GIT_ENV = {
    "GIT_AUTHOR_NAME": "Fixture Author",
    "GIT_AUTHOR_EMAIL": "author@example.com",
    "GIT_COMMITTER_NAME": "Fixture Author",
    "GIT_COMMITTER_EMAIL": "author@example.com",
    "GIT_AUTHOR_DATE": "2026-01-02T03:04:05Z",
    "GIT_COMMITTER_DATE": "2026-01-02T03:04:05Z",
    "GIT_CONFIG_NOSYSTEM": "1",
    "GIT_CONFIG_GLOBAL": "/dev/null",
}


def git(repo: Path, *args: str) -> str:
    env = {**os.environ, **GIT_ENV}
    done = subprocess.run(["git", *args], cwd=repo, env=env, check=True, capture_output=True, text=True)
    return done.stdout.strip()


def make_git_repo(
    path: Path, files: dict[str, str | bytes], message: str = "Initial commit", branch: str = "main"
) -> Path:
    """A real repository at `path` (on `branch`, main unless told) with `files` committed."""
    path.mkdir(parents=True, exist_ok=True)
    git(path, "init", "--quiet", f"--initial-branch={branch}")
    for rel, content in files.items():
        target = path / rel
        target.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, bytes):
            target.write_bytes(content)
        else:
            target.write_text(content, encoding="utf-8")
    git(path, "add", "--all")
    git(path, "commit", "--quiet", "-m", message)
    return path


@pytest.fixture
def repos_root(tmp_path: Path, settings) -> Path:  # type: ignore[no-untyped-def]
    """A directory allowed by AUDITOR_LOCAL_REPO_ROOTS, with workspaces beside it."""
    root = tmp_path / "repos"
    root.mkdir()
    settings.AUDITOR_LOCAL_REPO_ROOTS = [root]
    settings.AUDITOR_WORKSPACE_DIR = tmp_path / "workspaces"
    settings.SCAN_MIRROR_DIR = str(tmp_path / "mirrors")
    return root


@pytest.fixture
def git_repo_factory(repos_root: Path) -> Callable[..., Path]:
    def build(
        name: str, files: dict[str, str | bytes], message: str = "Initial commit", branch: str = "main"
    ) -> Path:
        return make_git_repo(repos_root / name, files, message, branch)

    return build
