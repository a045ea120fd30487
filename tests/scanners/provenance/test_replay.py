"""The replay fast path gives exactly what `git blame` gives, line by line."""

from __future__ import annotations

import random
from pathlib import Path
from typing import Any

import pytest

from scanners.provenance import replay
from scanners.provenance.attribution import ProvenanceConfig, attribute
from scanners.provenance.blame import parse_porcelain
from scanners.provenance.gitrun import ReadOnlyGit
from scanners.provenance.replay import ReplayCache, replay_history
from tests.scanners.provenance.repo_support import CLAUDE, build_provenance_repo, commit, run_git


def _random_history(path: Path, seed: int, commits: int = 40) -> None:
    rng = random.Random(seed)
    path.mkdir()
    run_git(path, "init", "--quiet", "--initial-branch=main")
    files: dict[str, list[str]] = {}
    counter = 0
    for i in range(commits):
        names = list(files)
        action = rng.random()
        if not names or action < 0.15:
            name = f"dir{rng.randrange(3)}/f{i}.py"
            files[name] = [f"line {counter + k}" for k in range(rng.randint(1, 12))]
            counter += 12
        elif action < 0.22 and len(names) > 2:
            old = rng.choice(names)
            files[f"moved/{Path(old).name}"] = files.pop(old)  # a rename with content kept
            (path / old).unlink()
        elif action < 0.27 and len(names) > 3:
            gone = rng.choice(names)
            del files[gone]
            (path / gone).unlink()
        else:
            for name in rng.sample(names, min(len(names), rng.randint(1, 3))):
                lines = files[name]
                for _ in range(rng.randint(1, 4)):
                    at = rng.randrange(len(lines) + 1)
                    kind = rng.random()
                    counter += 1
                    if kind < 0.4 or not lines:
                        lines.insert(at, f"added {counter}")
                    elif kind < 0.7 and at < len(lines):
                        lines[at] = f"changed {counter}"
                    elif at < len(lines) and len(lines) > 1:
                        del lines[at]
        for name, lines in files.items():
            (path / name).parent.mkdir(parents=True, exist_ok=True)
            (path / name).write_text("\n".join(lines) + "\n", encoding="utf-8")
        run_git(path, "add", "--all")
        run_git(path, "commit", "--quiet", "--allow-empty", "-m", f"Commit {i}")


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_replay_equals_git_blame_on_a_random_linear_history(tmp_path: Path, seed: int) -> None:
    repo = tmp_path / "repo"
    _random_history(repo, seed)
    git = ReadOnlyGit(repo)
    window = run_git(repo, "rev-list", "HEAD").split()
    replayed = replay_history(git, window, 1000, set(), 60, cache=ReplayCache(None))
    tracked = run_git(repo, "ls-files").split()
    assert sorted(replayed.state) == sorted(tracked)
    for name in tracked:
        blamed = parse_porcelain(git("blame", "--porcelain", "--root", "HEAD", "--", name).stdout)
        assert replayed.state[name] == list(blamed.lines), name


def test_a_window_with_a_merge_falls_back_to_blame_with_the_same_answer(tmp_path: Path) -> None:
    repo = tmp_path / "repo"
    build_provenance_repo(repo)
    linear = attribute(repo, {"app.py": 13, "claude.py": 2}, ProvenanceConfig())
    run_git(repo, "checkout", "--quiet", "-b", "side", "HEAD~1")
    commit(repo, {"side.py": "x = 1\n"}, "Side\n\nCo-authored-by: Claude <noreply@anthropic.com>\n")
    run_git(repo, "checkout", "--quiet", "main")
    run_git(repo, "merge", "--quiet", "--no-ff", "-m", "Merge side", "side")
    merged = attribute(repo, {"app.py": 13, "claude.py": 2, "side.py": 1}, ProvenanceConfig())
    assert linear is not None
    assert merged is not None
    assert merged.files["app.py"] == linear.files["app.py"]
    assert merged.files["claude.py"] == linear.files["claude.py"]
    # Blame credits the side branch's commit, not the (human) merge commit.
    assert [line.tool for line in merged.files["side.py"]] == ["Claude Code"]


@pytest.mark.parametrize("seed", [4, 5])
def test_a_replay_continued_from_the_cache_equals_git_blame(tmp_path: Path, seed: int) -> None:
    repo = tmp_path / "repo"
    _random_history(repo, seed, commits=30)
    git = ReadOnlyGit(repo)
    cache = ReplayCache(tmp_path / "cache")
    first = replay_history(git, run_git(repo, "rev-list", "HEAD").split(), 1000, set(), 60, cache=cache)
    assert not first.from_cache
    commit(repo, {"dir0/late.py": "a\nb\n"}, "Late")
    edited = sorted(first.state)[0]
    text = (repo / edited).read_text(encoding="utf-8")
    commit(repo, {edited: "new first line\n" + text}, "Edit")
    window = run_git(repo, "rev-list", "HEAD").split()
    second = replay_history(git, window, 1000, set(), 60, cache=cache)
    assert second.from_cache
    assert second.touched == {"dir0/late.py", edited}
    for name in run_git(repo, "ls-files").split():
        blamed = parse_porcelain(git("blame", "--porcelain", "--root", "HEAD", "--", name).stdout)
        assert second.state[name] == list(blamed.lines), name
    # Two commits past the stored state: not stored again (the next scan replays them).
    assert not cache.has(window[0], 1000)
    third = replay_history(git, window, 1000, set(), 60, cache=cache)
    assert third.from_cache
    assert third.touched == second.touched
    assert third.state == second.state


def test_the_state_is_stored_again_every_few_commits(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(replay, "_STORE_EVERY", 2)
    repo = tmp_path / "repo"
    _random_history(repo, 7, commits=8)
    git = ReadOnlyGit(repo)
    cache = ReplayCache(tmp_path / "cache")
    replay_history(git, run_git(repo, "rev-list", "HEAD").split(), 1000, set(), 60, cache=cache)
    commit(repo, {"one.py": "1\n"}, "One")
    window = run_git(repo, "rev-list", "HEAD").split()
    replay_history(git, window, 1000, set(), 60, cache=cache)
    assert not cache.has(window[0], 1000)
    commit(repo, {"two.py": "2\n"}, "Two")
    window = run_git(repo, "rev-list", "HEAD").split()
    stored = replay_history(git, window, 1000, set(), 60, cache=cache)
    assert cache.has(window[0], 1000)
    again = replay_history(git, window, 1000, set(), 60, cache=cache)
    assert again.touched == set()
    assert again.state == stored.state


def test_a_damaged_replay_cache_entry_is_replayed_again(tmp_path: Path) -> None:
    repo = tmp_path / "repo"
    _random_history(repo, 6, commits=10)
    git = ReadOnlyGit(repo)
    cache = ReplayCache(tmp_path / "cache")
    window = run_git(repo, "rev-list", "HEAD").split()
    clean = replay_history(git, window, 1000, set(), 60, cache=cache)
    for entry in (tmp_path / "cache").iterdir():
        entry.write_bytes(b"not a pickle")
    again = replay_history(git, window, 1000, set(), 60, cache=cache)
    assert not again.from_cache
    assert again.state == clean.state


def _rows(repo: Path, count: int) -> list[list[str]]:
    listed = run_git(repo, "rev-list", "--parents", f"--max-count={count}", "HEAD")
    return [line.split() for line in listed.splitlines()]


@pytest.mark.parametrize("limit", [8, 1000])
def test_the_window_from_a_stored_state_equals_the_listed_window(tmp_path: Path, limit: int) -> None:
    repo = tmp_path / "repo"
    _random_history(repo, 8, commits=20)
    git = ReadOnlyGit(repo)
    cache = ReplayCache(tmp_path / "cache")
    replay_history(git, run_git(repo, "rev-list", f"--max-count={limit}", "HEAD").split(), limit, set(), 60,
                   cache=cache)  # fmt: skip
    for i in range(3):
        commit(repo, {f"new{i}.py": "x\n"}, f"New {i}")
    listed = run_git(repo, "rev-list", f"--max-count={limit}", "HEAD").split()
    assert replay.cached_window(_rows(repo, 200), limit, set(), cache=cache) == listed
    # In a clone whose edge is the third commit, the window stops there (as rev-list does).
    assert replay.cached_window(_rows(repo, 200), limit, {listed[2]}, cache=cache) == listed[:3]


def test_a_merge_since_the_stored_state_lists_the_window_again(tmp_path: Path) -> None:
    repo = tmp_path / "repo"
    _random_history(repo, 9, commits=6)
    git = ReadOnlyGit(repo)
    cache = ReplayCache(tmp_path / "cache")
    replay_history(git, run_git(repo, "rev-list", "HEAD").split(), 1000, set(), 60, cache=cache)
    run_git(repo, "checkout", "--quiet", "-b", "side")
    commit(repo, {"side.py": "s\n"}, "Side")
    run_git(repo, "checkout", "--quiet", "main")
    commit(repo, {"main.py": "m\n"}, "Main")
    run_git(repo, "merge", "--quiet", "--no-ff", "-m", "Merge side", "side")
    assert replay.cached_window(_rows(repo, 200), 1000, set(), cache=cache) is None


def test_a_rescan_with_the_stored_window_attributes_as_a_fresh_scan(tmp_path: Path) -> None:
    repo = tmp_path / "repo"
    build_provenance_repo(repo)
    paths = {"app.py": 13, "claude.py": 2, "kernel.py": 2, "aider.py": 2}
    assert attribute(repo, paths, ProvenanceConfig(history_commits=3), cache_dir=tmp_path / "c") is not None
    trailer = "Co-authored-by: Claude <noreply@anthropic.com>"
    commit(repo, {"claude.py": CLAUDE + "y = 2\n"}, f"Edit\n\n{trailer}\n")
    paths["claude.py"] = 3
    warm = attribute(repo, paths, ProvenanceConfig(history_commits=3), cache_dir=tmp_path / "c")
    fresh = attribute(repo, paths, ProvenanceConfig(history_commits=3))
    assert warm is not None
    assert fresh is not None
    assert warm.files == fresh.files
    assert warm.runs == fresh.runs
    # The window slid: app.py's oldest lines are now unknown, its newest still human.
    assert {line.origin for line in warm.files["app.py"]} == {"human", "unknown"}


def _shallow_clone(upstream: Path, target: Path, depth: int) -> set[str]:
    run_git(upstream.parent, "clone", "--quiet", f"--depth={depth}", upstream.as_uri(), str(target))
    return set((target / ".git" / "shallow").read_text().split())


@pytest.mark.parametrize("limit", [3, 5, 1000])
def test_a_stored_window_stops_at_the_edge_of_a_shallow_clone(tmp_path: Path, limit: int) -> None:
    upstream = tmp_path / "upstream"
    _random_history(upstream, 10, commits=12)
    cache = ReplayCache(tmp_path / "cache")
    first = tmp_path / "first"
    edge = _shallow_clone(upstream, first, depth=5)
    window = run_git(first, "rev-list", f"--max-count={limit}", "HEAD").split()
    replay_history(ReadOnlyGit(first), window, limit, edge, 60, cache=cache)
    commit(upstream, {"later.py": "l\n"}, "Later")
    second = tmp_path / "second"
    edge = _shallow_clone(upstream, second, depth=5)
    listed = run_git(second, "rev-list", f"--max-count={limit}", "HEAD").split()
    assert replay.cached_window(_rows(second, 200), limit, edge, cache=cache) == listed


def test_a_window_stored_by_a_shallower_clone_is_listed_again_by_a_deeper_one(tmp_path: Path) -> None:
    upstream = tmp_path / "upstream"
    _random_history(upstream, 11, commits=12)
    cache = ReplayCache(tmp_path / "cache")
    first = tmp_path / "first"
    edge = _shallow_clone(upstream, first, depth=3)
    window = run_git(first, "rev-list", "HEAD").split()
    replay_history(ReadOnlyGit(first), window, 1000, edge, 60, cache=cache)
    commit(upstream, {"later.py": "l\n"}, "Later")
    second = tmp_path / "second"
    edge = _shallow_clone(upstream, second, depth=8)
    assert replay.cached_window(_rows(second, 200), 1000, edge, cache=cache) is None


def test_a_rescan_reads_its_stored_state_once(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    repo = tmp_path / "repo"
    _random_history(repo, 12, commits=12)
    paths = dict.fromkeys(run_git(repo, "ls-files").split(), 1)
    config = ProvenanceConfig(history_commits=5)  # a window found from the stored state
    assert attribute(repo, paths, config, cache_dir=tmp_path / "c") is not None
    commit(repo, {"late.py": "x\n"}, "Late")
    paths["late.py"] = 1
    loads: list[object] = []
    real_load = replay.pickle.load

    def counting_load(handle: Any) -> Any:
        if "provenance-" in str(handle.name):
            loads.append(Path(handle.name).parent.name)
        return real_load(handle)

    monkeypatch.setattr(replay.pickle, "load", counting_load)
    remembered = attribute(repo, paths, config, cache_dir=tmp_path / "c")
    # The process that stored the state, the decided runs and the verdicts reads none back...
    assert loads == []
    replay.forget()
    warm = attribute(repo, paths, config, cache_dir=tmp_path / "c")
    # ...and without its copy of the state reads that once: one read serves both the
    # window (cached_window) and the replay's starting state.
    assert loads == ["provenance-replay"]
    assert remembered is not None
    assert warm is not None
    assert remembered.runs == warm.runs
    fresh = attribute(repo, paths, config)
    assert warm is not None
    assert fresh is not None
    assert warm.files == fresh.files
