"""What a remote advertises, asked through the hardened runner without cloning."""

from __future__ import annotations

from pathlib import Path

import pytest

from auditor.git import CLONE_REFUSED, REPO_NOT_FOUND, CloneError, remote_tips
from tests.auditor.git.conftest import make_repo, run_git


def test_it_lists_branches_and_tags_with_annotated_tags_peeled(root: Path) -> None:
    repo = make_repo(root / "origin", [{"a.py": "1\n"}, {"a.py": "2\n"}])
    run_git("branch", "release", "HEAD~1", cwd=repo)
    run_git("tag", "-a", "v1.0", "-m", "first", "HEAD~1", cwd=repo)
    head, first = run_git("rev-parse", "HEAD", cwd=repo), run_git("rev-parse", "HEAD~1", cwd=repo)

    assert remote_tips(str(repo), local_roots=[root]) == {
        "refs/heads/main": head,
        "refs/heads/release": first,
        "refs/tags/v1.0": first,  # the commit, not the tag object
    }


def test_it_refuses_what_a_clone_would_refuse(root: Path, tmp_path: Path) -> None:
    with pytest.raises(CloneError) as refused:
        remote_tips(f"ext::sh -c touch% {tmp_path / 'pwned'}", local_roots=[root])
    assert refused.value.code == CLONE_REFUSED
    assert not (tmp_path / "pwned").exists()
    with pytest.raises(CloneError) as missing:
        remote_tips(str(root / "nope"), local_roots=[root])
    assert missing.value.code == REPO_NOT_FOUND
