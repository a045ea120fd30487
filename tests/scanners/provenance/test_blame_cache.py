"""The blame cache: a re-scan blames only the files that changed."""

from __future__ import annotations

from pathlib import Path

from scanners.provenance.attribution import Attribution, ProvenanceConfig, attribute
from tests.scanners.provenance.repo_support import build_provenance_repo, commit, run_git


def _attribute(repo: Path, files: dict[str, int], cache: Path) -> Attribution:
    got = attribute(repo, files, ProvenanceConfig(), cache_dir=cache)
    assert got is not None
    return got


FILES = {"app.py": 13, "claude.py": 2, "kernel.py": 2, "aider.py": 2, "generated/schema.py": 2}


def test_a_rescan_after_one_changed_file_blames_only_that_file(tmp_path: Path) -> None:
    repo = tmp_path / "repo"
    build_provenance_repo(repo)
    cache = tmp_path / "cache"
    first = _attribute(repo, FILES, cache)
    assert first.blamed == sorted(FILES)
    again = _attribute(repo, FILES, cache)
    assert (again.blamed, again.cached) == ([], 5)
    assert again.files == first.files

    commit(repo, {"claude.py": "def claude_one(x):\n    return eval(x)\n# human edit\n"}, "Edit")
    third = _attribute(repo, {**FILES, "claude.py": 3}, cache)
    assert (third.blamed, third.cached) == (["claude.py"], 4)
    assert [line.origin for line in third.files["claude.py"]] == ["ai", "ai", "human"]
    assert third.files["app.py"] == first.files["app.py"]


def test_a_cached_blame_from_another_history_is_not_reused(tmp_path: Path) -> None:
    repo = tmp_path / "repo"
    build_provenance_repo(repo)
    cache = tmp_path / "cache"
    _attribute(repo, FILES, cache)
    # Same path and content in an unrelated repository: the cached commit is not there.
    other = tmp_path / "other"
    other.mkdir()
    run_git(other, "init", "--quiet", "--initial-branch=main")
    commit(other, {"kernel.py": "def kernel_one(x):\n    return eval(x)\n"}, "Copy")
    got = _attribute(other, {"kernel.py": 2}, cache)
    assert got.blamed == ["kernel.py"]
    assert [line.origin for line in got.files["kernel.py"]] == ["human", "human"]


def test_a_deeper_clone_recomputes_blames_that_stopped_at_the_old_edge(tmp_path: Path) -> None:
    repo = tmp_path / "repo"
    build_provenance_repo(repo)
    cache = tmp_path / "cache"
    shallow = tmp_path / "shallow"
    run_git(tmp_path, "clone", "--quiet", "--no-local", "--depth=1", str(repo), str(shallow))
    first = _attribute(shallow, {"claude.py": 2}, cache)
    assert [line.origin for line in first.files["claude.py"]] == ["unknown"] * 2
    run_git(shallow, "fetch", "--quiet", "--unshallow")
    deeper = _attribute(shallow, {"claude.py": 2}, cache)
    assert deeper.blamed == ["claude.py"]
    assert [line.origin for line in deeper.files["claude.py"]] == ["ai", "ai"]
