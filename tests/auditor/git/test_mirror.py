"""Clone reuse through per-repository mirrors (auditor/git/mirror.py): real git, real repositories.

A re-scan fetches only what it has not seen, its checkout is what a fresh clone makes, and
any doubt about a mirror (corruption, a lock held too long, an oversized history) ends in
a fresh clone.
"""

from __future__ import annotations

import os
import subprocess
import threading
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from auditor.git import REPO_TOO_LARGE, CloneError, CloneResult, clone_repository
from auditor.git.mirror import MirrorStore
from tests.auditor.git.conftest import make_repo, run_git


@pytest.fixture
def store(tmp_path: Path) -> MirrorStore:
    return MirrorStore(tmp_path / "mirrors")


def mirrored(url: Path, dest: Path, root: Path, store: MirrorStore, **kwargs: object) -> CloneResult:
    return clone_repository(str(url), "main", dest, local_roots=[root], depth=1000, mirror=store, **kwargs)  # type: ignore[arg-type]


def tree_of(checkout: Path) -> dict[str, bytes]:
    """Every file of a checkout outside .git, by relative path (links as their target)."""
    files = {}
    for path in sorted(checkout.rglob("*")):
        relative = path.relative_to(checkout)
        if relative.parts[0] == ".git" or (path.is_dir() and not path.is_symlink()):
            continue
        files[str(relative)] = os.readlink(path).encode() if path.is_symlink() else path.read_bytes()
    return files


def commit_file(repo: Path, name: str, content: str) -> str:
    (repo / name).parent.mkdir(parents=True, exist_ok=True)
    (repo / name).write_text(content)
    run_git("add", "--all", cwd=repo)
    run_git("commit", "--quiet", "-m", f"change {name}", cwd=repo)
    return run_git("rev-parse", "HEAD", cwd=repo)


def test_a_second_clone_fetches_only_the_new_commit(
    source: Path, root: Path, tmp_path: Path, store: MirrorStore
) -> None:
    first = mirrored(source, tmp_path / "one", root, store)
    # Every object of the branch: a fresh clone's worth.
    assert first.fetched_objects == len(run_git("rev-list", "--objects", "main", cwd=source).splitlines())

    sha = commit_file(source, "app/main.py", "print('v3')\n")
    second = mirrored(source, tmp_path / "two", root, store)

    # The new commit, its root tree, the app/ tree and the one changed blob: nothing else.
    assert second.fetched_objects == 4
    assert second.commit_sha == sha
    fresh = clone_repository(str(source), "main", tmp_path / "fresh", local_roots=[root], depth=1000)
    assert tree_of(second.path) == tree_of(fresh.path)
    assert run_git("log", "--format=%H", cwd=second.path) == run_git("log", "--format=%H", cwd=fresh.path)
    assert run_git("symbolic-ref", "HEAD", cwd=second.path) == "refs/heads/main"
    assert run_git("status", "--porcelain", cwd=second.path) == ""


def test_the_checkout_keeps_the_clones_depth_of_history(
    root: Path, tmp_path: Path, store: MirrorStore
) -> None:
    repo = make_repo(root / "deep", [{"f.txt": f"{n}\n"} for n in range(5)])
    shallow = clone_repository(str(repo), "main", tmp_path / "a", local_roots=[root], depth=2, mirror=store)
    commit_file(repo, "f.txt", "5\n")
    again = clone_repository(str(repo), "main", tmp_path / "b", local_roots=[root], depth=2, mirror=store)

    assert run_git("rev-list", "--count", "HEAD", cwd=shallow.path) == "2"
    assert run_git("rev-list", "--count", "HEAD", cwd=again.path) == "2"


def test_the_checkout_owns_its_objects_and_holds_nothing_else_of_the_mirror(
    source: Path, root: Path, tmp_path: Path, store: MirrorStore
) -> None:
    result = mirrored(source, tmp_path / "one", root, store)
    mirror = store.path(str(source))
    # Evicting or rebuilding the mirror cannot pull objects from under a running scan.
    subprocess.run(["rm", "-rf", str(mirror)], check=True)

    assert run_git("fsck", "--no-dangling", cwd=result.path) == ""
    assert run_git("log", "--format=%s", cwd=result.path).splitlines() == ["commit 2", "commit 1"]
    assert not (result.path / ".git/objects/info/alternates").exists()
    config = (result.path / ".git/config").read_text()
    assert "url" not in config
    assert "hooksPath" not in config
    assert not (result.path / ".git/hooks").exists()  # no template: no sample hooks either


NOTES = ("refs/notes/ai", "refs/notes/agent-trace")


def test_notes_come_with_the_mirrors_fetch_and_only_the_new_ones_on_a_rescan(
    source: Path, root: Path, tmp_path: Path, store: MirrorStore
) -> None:
    no_notes = mirrored(source, tmp_path / "zero", root, store, notes_refs=NOTES)
    assert run_git("for-each-ref", "refs/notes/", cwd=no_notes.path) == ""  # none on the server: no error

    run_git("notes", "--ref=refs/notes/ai", "add", "-m", "first note", "HEAD~1", cwd=source)
    run_git("notes", "--ref=refs/notes/ai-other", "add", "-m", "not ours", "HEAD", cwd=source)
    first = mirrored(source, tmp_path / "one", root, store, notes_refs=NOTES)
    assert run_git("notes", "--ref=refs/notes/ai", "show", "HEAD~1", cwd=first.path) == "first note"
    # Only the refs asked for are set in the checkout (the mirror's pattern took ai-other too).
    assert run_git("for-each-ref", "--format=%(refname)", "refs/notes/", cwd=first.path) == "refs/notes/ai"

    run_git("notes", "--ref=refs/notes/ai", "add", "-m", "second note", "HEAD", cwd=source)
    second = mirrored(source, tmp_path / "two", root, store, notes_refs=NOTES)
    # The new notes commit, its tree and the note's blob.
    assert second.fetched_objects == 3
    assert run_git("notes", "--ref=refs/notes/ai", "show", "HEAD", cwd=second.path) == "second note"
    fresh = clone_repository(str(source), "main", tmp_path / "fresh", local_roots=[root], depth=1000,
                             notes_refs=NOTES)  # fmt: skip
    assert run_git("notes", "--ref=refs/notes/ai", "list", cwd=second.path) == run_git(
        "notes", "--ref=refs/notes/ai", "list", cwd=fresh.path
    )


@pytest.mark.parametrize(
    "ref", ["refs/notes/../heads/main", "--upload-pack=x", "refs/heads/main", "refs/notes/"]
)
def test_a_notes_ref_that_is_not_one_is_refused_before_any_fetch(
    source: Path, root: Path, tmp_path: Path, store: MirrorStore, ref: str
) -> None:
    with pytest.raises(ValueError, match="not a notes ref"):
        mirrored(source, tmp_path / "one", root, store, notes_refs=[ref])
    assert not store.path(str(source)).exists()


def test_the_mirror_never_stores_the_url(
    source: Path, root: Path, tmp_path: Path, store: MirrorStore
) -> None:
    mirrored(source, tmp_path / "one", root, store)
    mirror = store.path(str(source))

    for path in mirror.rglob("*"):
        if path.is_file() and "objects" not in path.parts:
            assert str(source) not in path.read_text(errors="replace"), path


def test_a_corrupted_mirror_falls_back_to_a_fresh_clone_and_is_rebuilt(
    source: Path, root: Path, tmp_path: Path, store: MirrorStore
) -> None:
    mirrored(source, tmp_path / "one", root, store)
    objects = store.path(str(source)) / "objects"
    for path in objects.rglob("*"):
        if path.is_file():
            path.chmod(0o644)
            path.write_bytes(b"garbage")
    sha = commit_file(source, "README.md", "second\n")

    second = mirrored(source, tmp_path / "two", root, store)

    assert second.fetched_objects is None  # cloned afresh
    assert second.commit_sha == sha
    assert (second.path / "README.md").read_text() == "second\n"
    assert not store.path(str(source)).exists()  # the corrupted mirror is gone…
    third = mirrored(source, tmp_path / "three", root, store)
    assert third.fetched_objects is not None
    assert third.fetched_objects > 4
    assert tree_of(third.path) == tree_of(second.path)


def test_a_mirror_locked_too_long_falls_back_to_a_fresh_clone(
    source: Path, root: Path, tmp_path: Path
) -> None:
    store = MirrorStore(tmp_path / "mirrors", lock_timeout=0.2)
    mirrored(source, tmp_path / "one", root, store)

    with store.locked(str(source)):
        second = mirrored(source, tmp_path / "two", root, store)

    assert second.fetched_objects is None
    assert (second.path / "app/main.py").read_text() == "print('v2')\n"
    assert store.path(str(source)).is_dir()  # a busy mirror is not a broken one


def test_concurrent_clones_of_one_repository_share_its_mirror_safely(
    source: Path, root: Path, tmp_path: Path, store: MirrorStore
) -> None:
    mirrored(source, tmp_path / "warm", root, store)
    sha = commit_file(source, "app/extra.py", "X = 1\n")
    start = threading.Barrier(4)

    def scan(n: int) -> CloneResult:
        start.wait()
        return mirrored(source, tmp_path / f"c{n}", root, store)

    with ThreadPoolExecutor(4) as pool:
        results = list(pool.map(scan, range(4)))

    assert {r.commit_sha for r in results} == {sha}
    # Each waited for the lock rather than falling back: one fetched the commit, the
    # others found it there.
    assert sorted(r.fetched_objects or 0 for r in results) == [0, 0, 0, 4]
    assert all((r.path / "app/extra.py").read_text() == "X = 1\n" for r in results)
    assert run_git("fsck", "--no-dangling", cwd=store.path(str(source))) == ""


def test_least_recently_used_mirrors_are_evicted_past_the_budget(root: Path, tmp_path: Path) -> None:
    repos = [make_repo(root / name, [{"blob.bin": os.urandom(200_000)}]) for name in ("a", "b", "c")]
    store = MirrorStore(tmp_path / "mirrors", max_bytes=500_000)
    for n, repo in enumerate(repos[:2]):
        mirrored(repo, tmp_path / f"x{n}", root, store)
    assert store.evict() == []  # two fit
    os.utime(tmp_path / "mirrors" / f"{store.key(str(repos[0]))}.lock", (1, 1))  # a: used long ago
    mirrored(repos[2], tmp_path / "x2", root, store)

    assert list(store.evict(keep=str(repos[2]))) == [store.key(str(repos[0]))]
    assert not store.path(str(repos[0])).exists()
    assert store.path(str(repos[1])).is_dir()
    assert store.path(str(repos[2])).is_dir()


def test_a_mirror_in_use_is_not_evicted(root: Path, tmp_path: Path) -> None:
    repos = [make_repo(root / name, [{"blob.bin": os.urandom(200_000)}]) for name in ("a", "b")]
    store = MirrorStore(tmp_path / "mirrors", max_bytes=100_000)
    for n, repo in enumerate(repos):
        mirrored(repo, tmp_path / f"x{n}", root, store)

    with store.locked(str(repos[0])):
        removed = store.evict()

    assert removed == [store.key(str(repos[1]))]
    assert store.path(str(repos[0])).is_dir()


def test_a_history_over_the_size_cap_through_the_mirror_is_refused(
    root: Path, tmp_path: Path, store: MirrorStore
) -> None:
    big = make_repo(root / "big", [{"blob.bin": os.urandom(2_000_000)}])
    dest = tmp_path / "checkout"

    with pytest.raises(CloneError) as caught:
        mirrored(big, dest, root, store, max_bytes=500_000)

    assert caught.value.code == REPO_TOO_LARGE
    assert not dest.exists()
    assert not store.path(str(big)).exists()


def test_no_hook_runs_through_the_mirror(source: Path, root: Path, tmp_path: Path, store: MirrorStore,
                                         monkeypatch: pytest.MonkeyPatch) -> None:  # fmt: skip
    marker = tmp_path / "hook-ran"
    hooks = tmp_path / "evil-hooks"
    for name in ("post-checkout", "reference-transaction", "post-index-change"):
        hook = hooks / name
        hook.parent.mkdir(parents=True, exist_ok=True)
        hook.write_text(f"#!/bin/sh\ntouch {marker}\n")
        hook.chmod(0o755)
    attack = f"'core.hooksPath'='{hooks}'"
    # Control: a plain clone in this environment runs the planted hooks.
    env = {**os.environ, "GIT_CONFIG_PARAMETERS": attack}
    subprocess.run(
        ["git", "clone", "--quiet", "--", str(source), str(tmp_path / "control")], check=True, env=env
    )
    assert marker.exists(), "the attack is not live, so the test would prove nothing"
    marker.unlink()

    for n in range(2):  # creating the mirror, then fetching into it
        monkeypatch.setenv("GIT_CONFIG_PARAMETERS", attack)
        mirrored(source, tmp_path / f"c{n}", root, store)
        monkeypatch.delenv("GIT_CONFIG_PARAMETERS")
        commit_file(source, "README.md", f"again {n}\n")

    assert not marker.exists()


def test_submodules_are_not_fetched_through_the_mirror(
    root: Path, tmp_path: Path, store: MirrorStore
) -> None:
    library = make_repo(root / "library", [{"lib.py": "SECRET = 1\n"}])
    app = make_repo(root / "app", [{"main.py": "import lib\n"}])
    run_git(
        "-c", "protocol.file.allow=always", "submodule", "add", "--quiet", str(library), "vendor/lib", cwd=app
    )
    run_git("commit", "--quiet", "-m", "add submodule", cwd=app)

    for n in range(2):
        result = mirrored(app, tmp_path / f"c{n}", root, store)
        assert list((result.path / "vendor/lib").iterdir()) == []
        assert not (result.path / ".git/modules").exists()
