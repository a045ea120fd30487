"""The repository's kept checkout (MirrorStore.kept_checkout, mirror_checkout in_place): a
re-scan writes only what the commits changed, and the checkout is then exactly what a
fresh clone makes; anything in doubt is made afresh."""

from __future__ import annotations

import os
from pathlib import Path

from auditor.git import CloneResult, clone_repository
from auditor.git.mirror import MirrorStore
from tests.auditor.git.conftest import make_repo, run_git
from tests.auditor.git.test_mirror import commit_file, tree_of


def kept_clone(url: Path, dest: Path, root: Path, store: MirrorStore) -> CloneResult:
    with store.kept_checkout(str(url)) as kept:
        assert kept is not None
        return clone_repository(
            str(url), "main", dest, local_roots=[root], depth=1000, mirror=store, kept=kept
        )


def fresh_clone(url: Path, dest: Path, root: Path) -> CloneResult:
    return clone_repository(str(url), "main", dest, local_roots=[root], depth=1000)


def test_a_rescan_updates_the_kept_checkout_to_exactly_what_a_fresh_clone_is(
    root: Path, tmp_path: Path
) -> None:
    repo = make_repo(root / "svc", [{"keep.py": "x = 1\n", "edit.py": "y = 1\n", "gone.py": "z = 1\n"}])
    store = MirrorStore(tmp_path / "mirrors")
    first = kept_clone(repo, tmp_path / "ws1", root, store)
    assert first.path == store.checkout_path(str(repo))
    assert not (tmp_path / "ws1").exists() or not any((tmp_path / "ws1").iterdir())
    unchanged = os.stat(first.path / "keep.py")
    # Left behind as if by anything: untracked, ignored-looking, a nested repository, a ref.
    (first.path / "junk.txt").write_text("stray\n")
    (first.path / "build").mkdir()
    (first.path / "build" / "out.o").write_bytes(b"\0")
    run_git("init", "--quiet", str(first.path / "nested"))
    run_git("update-ref", "refs/heads/other", first.commit_sha, cwd=first.path)

    (repo / "edit.py").write_text("y = 2\n")
    (repo / "gone.py").unlink()
    sha = commit_file(repo, "new.py", "w = 1\n")
    second = kept_clone(repo, tmp_path / "ws2", root, store)

    fresh = fresh_clone(repo, tmp_path / "fresh", root)
    assert second.path == first.path
    assert second.commit_sha == sha
    assert tree_of(second.path) == tree_of(fresh.path)
    assert run_git("status", "--porcelain", "--ignored", cwd=second.path) == ""
    assert run_git("for-each-ref", "--format=%(refname)", cwd=second.path) == "refs/heads/main"
    assert run_git("symbolic-ref", "HEAD", cwd=second.path) == "refs/heads/main"
    assert run_git("log", "--format=%H", cwd=second.path) == run_git("log", "--format=%H", cwd=fresh.path)
    # Not written again: the engine's stat index still knows it.
    again = os.stat(second.path / "keep.py")
    assert (again.st_ino, again.st_mtime_ns) == (unchanged.st_ino, unchanged.st_mtime_ns)


def test_a_link_that_becomes_a_directory_writes_nothing_through_the_link(root: Path, tmp_path: Path) -> None:
    outside = tmp_path / "outside"
    outside.mkdir()
    repo = make_repo(root / "svc", [{"app.py": "x = 1\n"}])
    os.symlink(str(outside), repo / "link")
    run_git("add", "--all", cwd=repo)
    run_git("commit", "--quiet", "-m", "a link out", cwd=repo)
    store = MirrorStore(tmp_path / "mirrors")
    first = kept_clone(repo, tmp_path / "ws1", root, store)
    assert (first.path / "link").is_symlink()

    (repo / "link").unlink()
    commit_file(repo, "link/inside.txt", "written where?\n")
    second = kept_clone(repo, tmp_path / "ws2", root, store)

    assert list(outside.iterdir()) == []
    assert (second.path / "link").is_dir()
    assert not (second.path / "link").is_symlink()
    assert (second.path / "link" / "inside.txt").read_text() == "written where?\n"


def test_a_kept_checkout_git_cannot_update_is_dropped_and_the_clone_made_afresh(
    root: Path, tmp_path: Path
) -> None:
    repo = make_repo(root / "svc", [{"app.py": "x = 1\n"}])
    store = MirrorStore(tmp_path / "mirrors")
    first = kept_clone(repo, tmp_path / "ws1", root, store)
    (first.path / ".git" / "index.lock").write_text("")  # a git killed mid-checkout
    sha = commit_file(repo, "app.py", "x = 2\n")

    second = kept_clone(repo, tmp_path / "ws2", root, store)

    assert second.path == tmp_path / "ws2"
    assert second.commit_sha == sha
    assert (second.path / "app.py").read_text() == "x = 2\n"
    assert not store.checkout_path(str(repo)).exists()  # made again by the next scan
    third = kept_clone(repo, tmp_path / "ws3", root, store)
    assert third.path == store.checkout_path(str(repo))
    assert tree_of(third.path) == tree_of(second.path)


def test_something_else_in_its_place_is_replaced(root: Path, tmp_path: Path) -> None:
    repo = make_repo(root / "svc", [{"app.py": "x = 1\n"}])
    store = MirrorStore(tmp_path / "mirrors")
    planted = store.checkout_path(str(repo))
    planted.mkdir(parents=True)
    (planted / "app.py").write_text("not from the repository\n")
    (planted / ".git").write_text("gitdir: /elsewhere\n")  # a file, not our repository

    result = kept_clone(repo, tmp_path / "ws", root, store)

    assert result.path == planted
    assert (planted / "app.py").read_text() == "x = 1\n"
    assert (planted / ".git").is_dir()
    assert tree_of(planted) == {"app.py": b"x = 1\n"}


def test_a_kept_checkout_is_held_by_one_scan_at_a_time(root: Path, tmp_path: Path) -> None:
    store = MirrorStore(tmp_path / "mirrors")
    url = str(root / "svc")
    with store.kept_checkout(url) as first, store.kept_checkout(url) as second:
        assert first == store.checkout_path(url)
        assert second is None  # that scan clones into its own workspace, as without one
    with store.kept_checkout(url) as again:
        assert again == store.checkout_path(url)


def test_eviction_removes_kept_checkouts_with_their_mirrors_and_skips_one_in_use(
    root: Path, tmp_path: Path
) -> None:
    repos = [make_repo(root / name, [{"blob.bin": os.urandom(200_000)}]) for name in ("a", "b")]
    store = MirrorStore(tmp_path / "mirrors", max_bytes=100_000)
    for n, repo in enumerate(repos):
        kept_clone(repo, tmp_path / f"ws{n}", root, store)
    assert all(store.checkout_path(str(r)).is_dir() for r in repos)

    with store.kept_checkout(str(repos[0])) as held:
        assert held is not None
        removed = store.evict()

    assert removed == [store.key(str(repos[1]))]
    assert not store.checkout_path(str(repos[1])).exists()
    assert not store.path(str(repos[1])).exists()
    assert store.checkout_path(str(repos[0])).is_dir()
    assert store.path(str(repos[0])).is_dir()


def test_eviction_reads_the_size_the_scan_recorded_instead_of_walking_the_checkout(
    root: Path, tmp_path: Path
) -> None:
    repos = [make_repo(root / name, [{"app.py": f"{name} = 1\n"}]) for name in ("a", "b")]
    store = MirrorStore(tmp_path / "mirrors", max_bytes=5_000_000)
    results = [kept_clone(repo, tmp_path / f"ws{n}", root, store) for n, repo in enumerate(repos)]
    recorded = [store.checkout_path(str(r)).with_name(f"{store.key(str(r))}.work.size") for r in repos]
    assert [int(size.read_text()) for size in recorded] == [r.size_bytes for r in results]
    assert store.evict() == []  # both fit
    recorded[0].write_text(str(50_000_000))  # as a large working tree would have measured

    assert store.evict(keep=str(repos[1])) == [store.key(str(repos[0]))]
    assert not store.checkout_path(str(repos[0])).exists()
    assert not recorded[0].exists()
    assert store.checkout_path(str(repos[1])).is_dir()
