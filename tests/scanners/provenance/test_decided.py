"""The decided cache: a re-scan decides again only what changed, and answers exactly as a
scan without any cache would."""

from __future__ import annotations

import json
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from scanners.provenance import attribution, decided, replay
from scanners.provenance.attribution import Attribution, ProvenanceConfig, attribute
from tests.scanners.provenance.repo_support import CLAUDE, build_provenance_repo, commit, run_git

PATHS = {"app.py": 13, "claude.py": 2, "kernel.py": 2, "aider.py": 2, "generated/schema.py": 2}


@pytest.fixture(autouse=True, params=["remembered", "from disk"])
def memo(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    """Each test twice: with this process's copies of the cache entries, and reading
    every entry from disk (as another worker process would)."""
    monkeypatch.setattr(sys.modules[__name__], "FROM_DISK", request.param == "from disk")
    yield request.param
    _forget()


def _forget() -> None:
    replay.forget()
    decided.forget()
    attribution._LAST_VERDICTS.forget()


FROM_DISK = False


def _scan(repo: Path, cache: Path | None, history: int = 1000, paths: dict[str, int] = PATHS) -> Attribution:
    if FROM_DISK:
        _forget()
    got = attribute(repo, paths, ProvenanceConfig(history_commits=history), cache_dir=cache)
    assert got is not None
    return got


def _assert_as_fresh(
    repo: Path, warm: Attribution, history: int = 1000, paths: dict[str, int] = PATHS
) -> None:
    fresh = _scan(repo, None, history, paths)
    assert warm.runs == fresh.runs
    assert warm.files == fresh.files


def test_a_rescan_after_a_one_file_commit_decides_only_that_file(tmp_path: Path) -> None:
    repo = tmp_path / "repo"
    build_provenance_repo(repo)
    cache = tmp_path / "cache"
    assert _scan(repo, cache).reused == 0  # cold: everything decided, and stored
    commit(repo, {"kernel.py": "def kernel_one(x):\n    return x\n"}, "Edit kernel by hand")
    warm = _scan(repo, cache)
    assert warm.reused == len(PATHS) - 1
    # Line 1 is still the Assisted-by commit's, line 2 the hand edit's.
    assert [line.origin for line in warm.files["kernel.py"]] == ["ai", "human"]
    _assert_as_fresh(repo, warm)
    assert _scan(repo, cache).reused == len(PATHS) - 1  # same commit: same state, same entry


def test_a_note_added_later_to_an_old_commit_redecides_its_files(tmp_path: Path) -> None:
    repo = tmp_path / "repo"
    shas = build_provenance_repo(repo)
    cache = tmp_path / "cache"
    before = _scan(repo, cache)
    assert [line.origin for line in before.files["aider.py"]] == ["ai", "ai"]
    commit(repo, {"other.py": "x = 1\n"}, "Unrelated")
    note = "aider.py\n  aaaa1111aaaa1111 2\n---\n" + json.dumps(
        {"prompts": {"aaaa1111aaaa1111": {"agent_id": {"tool": "cursor", "model": "m1"}}}}
    )
    run_git(repo, "notes", "--ref=refs/notes/ai", "add", "-m", note, shas["aider"])
    warm = _scan(repo, cache)
    # The note decides the aider commit line by line: line 1 human, line 2 Cursor.
    assert [(line.origin, line.tool) for line in warm.files["aider.py"]] == [("human", ""), ("ai", "cursor")]
    assert warm.reused == len(PATHS) - 1
    _assert_as_fresh(repo, warm)


def test_a_commit_leaving_the_window_makes_its_lines_unknown(tmp_path: Path) -> None:
    repo = tmp_path / "repo"
    build_provenance_repo(repo)
    cache = tmp_path / "cache"
    _scan(repo, cache, history=4)
    commit(repo, {"claude.py": CLAUDE + "y = 2\n"}, "Edit claude by hand")
    paths = {**PATHS, "claude.py": 3}
    warm = _scan(repo, cache, history=4, paths=paths)
    # The kernel commit was the 4th newest and is now the 5th: outside the window.
    assert [line.origin for line in warm.files["kernel.py"]] == ["unknown", "unknown"]
    assert warm.reused == len(PATHS) - 2  # claude.py touched, kernel.py's commit left
    _assert_as_fresh(repo, warm, history=4, paths=paths)


def test_changed_declared_paths_discard_the_decided_runs(tmp_path: Path) -> None:
    repo = tmp_path / "repo"
    build_provenance_repo(repo)
    cache = tmp_path / "cache"
    _scan(repo, cache)
    commit(repo, {".auditor/ai-paths": "generated/**\nkernel.py\n"}, "Declare kernel.py")
    warm = _scan(repo, cache)
    assert warm.reused == 0
    _assert_as_fresh(repo, warm)


def test_a_file_changed_on_disk_is_decided_as_it_is(tmp_path: Path) -> None:
    repo = tmp_path / "repo"
    build_provenance_repo(repo)
    cache = tmp_path / "cache"
    _scan(repo, cache)
    commit(repo, {"other.py": "x = 1\n"}, "Unrelated")
    (repo / "claude.py").write_text("uncommitted = 1\n" + CLAUDE, encoding="utf-8")
    paths = {**PATHS, "claude.py": 3}
    warm = _scan(repo, cache, paths=paths)
    assert [line.origin for line in warm.files["claude.py"]] == ["unknown", "ai", "ai"]
    assert warm.reused == len(PATHS) - 1
    _assert_as_fresh(repo, warm, paths=paths)
