"""Clone reuse: one bare mirror per repository, updated with ``git fetch``, and one kept
checkout made from it, updated in place by the next scan.

A re-scan then downloads only the commits it has not seen (one commit, one tree path and
one blob after a one-file change) instead of the whole tree again, and writes only the
files those commits changed: on a disk where checking out Django's 2,956 files took 2 to
7 s, that was most of a re-scan. The kept checkout (``<key>.work``) is held by one scan at a
time (``MirrorStore.kept_checkout``, a lock of its own, for the whole scan: the engine reads
it); a scan that finds it held checks out into its own directory as below. Updating it
links the objects it lacks, checks the commit out with ``--force``, deletes every other ref
and runs ``git clean -ffdx``: what a fresh checkout would hold, no more (the tests compare
them, hostile repositories included). If git cannot (a lock file left by a killed git), or
anything but our repository is in its place, it is removed and made again.

Why hard links into a fresh repository, and not the alternatives (each keeps or breaks a
hostile-repository guarantee differently):

* ``git worktree add`` from the mirror, ``git clone --shared`` / ``--reference``: the
  checkout's ``.git`` would *refer* to the mirror's objects (a ``gitdir:`` file or an
  ``objects/info/alternates`` entry). The checkout is then only valid while the mirror is
  left alone: an eviction, a re-creation after corruption or a repack by another scan
  would pull objects from under a running scan's history reads (churn, blame), and the
  mirror would have to stay locked for the whole scan. A shallow mirror also makes
  ``clone --local`` fall back to the transport (a full pack-objects, the cost we avoid).
* ``git archive`` / ``git --work-tree=… checkout`` from the mirror: no ``.git`` in the
  checkout at all, so the history that churn and provenance read would be gone.
* What we do: ``git init`` a fresh repository in the checkout and *hard-link* the
  mirror's object files into it (copy them across filesystems), with the mirror's
  ``shallow`` list, then check the commit out there with the same hardened runner as a
  fresh clone (no hooks, no fsmonitor, symlinks as links, no transport at all, size
  watched). Object files are immutable in git (written to a temporary name, renamed,
  never modified in place, pack files read-only), so a link is a private, stable copy:
  the mirror can be fetched into, evicted or rebuilt while the scan runs, and the lock
  is held only while fetching and linking. Nothing of the mirror but objects, the
  shallow list and the tips of the notes refs asked for (written with ``update-ref``
  after they resolve to commits) reaches the checkout: no config, no other refs, no
  hooks. The checkout is what a fresh clone would be (same files, same HEAD, same depth
  of history, the same notes), which is what the hostile-repository tests check on the
  second, mirrored scan.

The mirror itself is a bare repository created by us with no template (no hooks, a config
of ours); the URL is given on the command line of every fetch, never stored, so a token in
it never rests on disk; the mirror's name is a hash of the URL (credentials included: a
URL with other credentials gets a mirror of its own, and every scan fetches first, so the
server decides access each time). Fetches run with the protocol allow-list, no tags, no
submodules, and with automatic gc off: nothing repacks or prunes while another scan links
objects. Concurrent scans of one repository serialise on a file lock (``flock``) around
fetch and link; eviction takes the same lock without waiting, so a mirror in use is
never removed.

Anything unexpected (lock timeout, a fetch or checkout that fails, a ref that does not
resolve, an I/O error) makes the caller fall back to a fresh clone; a mirror that failed
is removed (corrupted or not, it is rebuilt by the next scan).
"""

from __future__ import annotations

import contextlib
import dataclasses
import fcntl
import hashlib
import logging
import os
import re
import shutil
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

from auditor.git.errors import (
    AUTH_FAILED,
    BRANCH_NOT_FOUND,
    CLONE_TIMEOUT,
    COMMIT_NOT_FOUND,
    NETWORK_ERROR,
    REPO_NOT_FOUND,
    REPO_TOO_LARGE,
    CloneError,
)
from auditor.git.runner import Git, GitRun, human_bytes, tree_size
from auditor.git.workspace import remove_tree

log = logging.getLogger(__name__)

DEFAULT_MAX_BYTES = 10 * 1024**3
DEFAULT_LOCK_TIMEOUT_SECONDS = 60.0

# Given to every git command run in a mirror: no automatic gc or maintenance (a repack
# or prune while another scan links the object files), no commit-graph written per fetch.
_MIRROR_CONFIG = (
    "-c", "gc.auto=0",
    "-c", "maintenance.auto=false",
    "-c", "fetch.writeCommitGraph=false",
)  # fmt: skip


class MirrorUnavailable(Exception):
    """The mirror cannot serve this scan (busy, failed, corrupted): clone afresh."""


# What a failed fetch's stderr classified as (``clone.git_failure``) says about the
# server, not the mirror: the mirror is kept for the next scan.
_SERVER_ANSWERS = frozenset({AUTH_FAILED, REPO_NOT_FOUND, BRANCH_NOT_FOUND, COMMIT_NOT_FOUND,
                             NETWORK_ERROR, CLONE_TIMEOUT})  # fmt: skip


@dataclass(frozen=True)
class MirrorStore:
    """Where mirrors live (``root``, one directory per worker or a shared volume), the disk
    they may use together (``max_bytes``, least recently used evicted first) and how long a
    scan waits for another scan of the same repository (``lock_timeout``)."""

    root: Path
    max_bytes: int = DEFAULT_MAX_BYTES
    lock_timeout: float = DEFAULT_LOCK_TIMEOUT_SECONDS

    def key(self, url: str) -> str:
        """The mirror's name: a hash of the full URL, credentials included, so that other
        credentials mean another mirror (and no secret appears in a path)."""
        return hashlib.sha256(url.encode("utf-8", "surrogateescape")).hexdigest()[:40]

    def path(self, url: str) -> Path:
        return self.root / f"{self.key(url)}.git"

    def checkout_path(self, url: str) -> Path:
        return self.root / f"{self.key(url)}.work"

    @staticmethod
    def remember_checkout_size(checkout: Path, size: int) -> None:
        """Record the kept checkout's size as its scan measured it, so that eviction (run
        by every scan) does not walk every repository's working tree again."""
        checkout.with_name(f"{checkout.name}.size").write_text(str(size))

    @staticmethod
    def _checkout_size(checkout: Path) -> int:
        if not checkout.is_dir():
            return 0
        try:
            return int(checkout.with_name(f"{checkout.name}.size").read_text())
        except (OSError, ValueError):
            return tree_size(checkout)  # made before sizes were recorded, or by a killed scan

    @contextlib.contextmanager
    def kept_checkout(self, url: str) -> Iterator[Path | None]:
        """`url`'s kept checkout, held for the caller until the block ends (a whole scan);
        None when another scan holds it (that scan then checks out afresh, as before)."""
        with contextlib.ExitStack() as held:
            try:
                path: Path | None = held.enter_context(self._locked_name(f"{self.key(url)}.work", wait=False))
            except MirrorUnavailable:
                path = None
            yield path

    def locked(self, url: str, *, wait: bool = True) -> contextlib.AbstractContextManager[Path]:
        """Hold the exclusive lock of `url`'s mirror; yields the mirror's path.

        Raises MirrorUnavailable after `lock_timeout` seconds (at once without `wait`).
        """
        return self._locked_key(self.key(url), wait=wait)

    def _locked_key(self, key: str, *, wait: bool) -> contextlib.AbstractContextManager[Path]:
        return self._locked_name(key, wait=wait, suffix=".git")

    @contextlib.contextmanager
    def _locked_name(self, key: str, *, wait: bool, suffix: str = "") -> Iterator[Path]:
        self.root.mkdir(parents=True, exist_ok=True)
        # The lock file is never removed: removing it while another process waits on it
        # would let two processes hold "the" lock at once.
        fd = os.open(self.root / f"{key}.lock", os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, 0o600)
        try:
            deadline = time.monotonic() + (self.lock_timeout if wait else 0)
            delay = 0.05
            while True:
                try:
                    fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                    break
                except BlockingIOError:
                    if time.monotonic() >= deadline:
                        raise MirrorUnavailable(f"mirror {key} is busy") from None
                    time.sleep(delay)
                    delay = min(delay * 2, 1.0)
            # The lock file's mtime is the mirror's last use, for eviction.
            os.utime(fd)
            yield self.root / f"{key}{suffix}"
        finally:
            os.close(fd)  # releases the lock

    def evict(self, *, keep: str | None = None) -> list[str]:
        """Remove least recently used mirrors (with their kept checkouts) until they fit
        `max_bytes`; the keys removed.

        A mirror whose lock is held (a scan is fetching or linking) is skipped. `keep` (the
        URL just used) goes last, and only if it alone is over the budget.
        """
        if not self.root.is_dir():
            return []
        kept_key = self.key(keep) if keep is not None else None
        mirrors = []
        for path in self.root.glob("*.git"):
            key = path.name.removesuffix(".git")
            with contextlib.suppress(OSError):
                used = (self.root / f"{key}.lock").stat().st_mtime
                size = tree_size(path) + self._checkout_size(self.root / f"{key}.work")
                mirrors.append((key == kept_key, used, key, size))
        total = sum(size for *_, size in mirrors)
        removed = []
        for _is_kept, _used, key, size in sorted(mirrors):
            if total <= self.max_bytes:
                break
            try:
                # A kept checkout in use (a scan reads it) keeps its mirror too.
                with (
                    self._locked_name(f"{key}.work", wait=False) as work,
                    self._locked_key(key, wait=False) as path,
                ):
                    remove_tree(work)
                    work.with_name(f"{work.name}.size").unlink(missing_ok=True)
                    remove_tree(path)
            except MirrorUnavailable:
                continue
            total -= size
            removed.append(key)
            log.info("evicted git mirror %s (%d bytes)", key, size)
        return removed


@dataclass(frozen=True)
class MirrorFetch:
    """What a mirrored checkout cost: the objects the fetch added to the mirror (a fresh
    clone receives all of the commit's), and whether the mirror existed before."""

    fetched_objects: int
    reused: bool
    tips: dict[str, str] = dataclasses.field(default_factory=dict)  # extra branch -> commit
    notes: dict[str, str] = dataclasses.field(default_factory=dict)  # notes ref -> its commit
    in_place: bool = False  # the kept checkout was updated, not made afresh


def _object_count(git: Git) -> int:
    run = git("count-objects", "-v")
    if run.returncode != 0:
        raise MirrorUnavailable(f"count-objects failed: {run.stderr.strip()[-200:]}")
    fields = dict(line.split(": ", 1) for line in run.stdout.splitlines() if ": " in line)
    return int(fields.get("count", 0)) + int(fields.get("in-pack", 0))


def branch_refspecs(branch: str) -> list[str]:
    """What a branch scan fetches into the mirror. Forced (``+``): a force-pushed branch
    replaces the mirror's copy. A list, so that another ref (notes) is one more item."""
    return [f"+refs/heads/{branch}:refs/heads/{branch}"]


def notes_refspecs(ref: str) -> list[str]:
    """What fetches a notes ref (``refs/notes/ai``) if the server has it. A pattern, since
    a missing exact ref fails the whole fetch and most repositories have no notes: it
    also takes refs whose names continue this one's (``refs/notes/ai-x``), which are
    fetched under the same size cap and never read."""
    return [f"+{ref}*:{ref}*"]


def commit_refspecs(commit: str) -> list[str]:
    """What a commit scan fetches: the commit, under a ref of its own so that the mirror
    references everything it holds."""
    return [f"+{commit}:refs/auditor/commits/{commit}"]


def mirror_checkout(
    store: MirrorStore,
    git: Git,
    *,
    url: str,
    git_url: str,
    branch: str,
    commit: str | None,
    depth_args: list[str],
    classify: Callable[[GitRun], CloneError],
    refspecs: list[str] | None = None,
    extra_branches: Sequence[str] = (),
    notes_refs: Sequence[str] = (),
    in_place: bool = False,
) -> MirrorFetch:
    """Update `url`'s mirror and make ``git.dest`` a fresh repository checked out at the
    branch's tip (or `commit`, detached), as a fresh clone would.

    `in_place`: ``git.dest`` is the repository's kept checkout (MirrorStore.kept_checkout,
    held by the caller), which an earlier call made: it is brought to the same state as a
    fresh one (new objects linked, the commit checked out with ``--force``, every other ref
    deleted, untracked and ignored files removed), so that only the files the commits
    changed are written, and unchanged files keep the stat data the engine's index knows.
    Anything else in its place is removed and it is made afresh.

    `git` carries the clone's protocol, home, deadline and size limit; `classify` turns a
    failed fetch into its CloneError; `refspecs` replaces what is fetched (default: the
    branch, or the commit); `extra_branches` are fetched too (a pull request's base) and
    their tips returned, their objects in the checkout; `notes_refs` (validated names) are
    fetched in the same fetch, at the same depth, and set in the checkout. Raises that CloneError when the
    server decided (the mirror is kept), MirrorUnavailable for anything else (the mirror
    is removed: the next scan rebuilds it); ``git.dest`` may then be half-made, and the
    caller removes it.
    """
    if refspecs is None:
        refspecs = branch_refspecs(branch) if commit is None else commit_refspecs(commit)
    refspecs = [*refspecs, *(spec for extra in extra_branches for spec in branch_refspecs(extra))]
    refspecs += [spec for ref in notes_refs for spec in notes_refspecs(ref)]
    with store.locked(url) as mirror_path:
        mirror = dataclasses.replace(git, dest=mirror_path)
        reused = (mirror_path / "objects").is_dir()
        try:
            if not reused:
                remove_tree(mirror_path)
                run = mirror(
                    "init", "--bare", "--quiet", "--template=", "--", str(mirror_path), in_dest=False
                )
                if run.returncode != 0:
                    raise MirrorUnavailable(f"git init failed: {run.stderr.strip()[-200:]}")
            before = _object_count(mirror)
            sha = _fetch(mirror, git_url, branch, commit, depth_args, refspecs, classify)
            fetched = _object_count(mirror) - before
            tips = {extra: _resolve(mirror, f"refs/heads/{extra}") for extra in extra_branches}
            notes = _notes_tips(mirror, notes_refs) if notes_refs else {}
            size = tree_size(mirror_path)
            if size > git.max_bytes:
                # Checked after as well as watched during the fetch, which may end between
                # two looks; a history grown past the cap is not kept.
                raise CloneError(
                    REPO_TOO_LARGE, f"{human_bytes(size)} of history, limit {human_bytes(git.max_bytes)}"
                )
            reuse = in_place and (git.dest / ".git").is_dir() and not (git.dest / ".git").is_symlink()
            if in_place and not reuse:
                remove_tree(git.dest)
            _link_objects(mirror_path, git, existing=reuse)
        except CloneError as exc:
            if exc.code not in _SERVER_ANSWERS:
                remove_tree(mirror_path)
            raise
        except BaseException:
            # Whatever went wrong, this mirror is not trusted again.
            remove_tree(mirror_path)
            raise
    _check_out(git, branch, commit, sha, force=reuse)
    if reuse:
        _tidy(git, {f"refs/heads/{branch}"} if commit is None else set(), notes)
    if notes:
        _set_refs(git, notes)
    return MirrorFetch(fetched_objects=fetched, reused=reused, tips=tips, notes=notes, in_place=reuse)


def _fetch(
    mirror: Git,
    git_url: str,
    branch: str,
    commit: str | None,
    depth_args: list[str],
    refspecs: list[str],
    classify: Callable[[GitRun], CloneError],
) -> str:
    # Full history asked for, shallow mirror: fetch what the shallow boundary cut off.
    unshallow = ["--unshallow"] if not depth_args and (mirror.dest / "shallow").exists() else []
    run = mirror(
        *_MIRROR_CONFIG,
        "fetch",
        "--quiet",
        # The same depth as a fresh clone, so that the checkout's history (churn) is the
        # same; on a mirror that has the history, only the new commits travel.
        *depth_args,
        *unshallow,
        # As for a clone: tags would fetch objects outside the branch, submodule URLs are
        # not validated.
        "--no-tags",
        "--no-recurse-submodules",
        # The URL is given here, never stored as a remote, and FETCH_HEAD (which would
        # record it) is not written: no token rests on disk.
        "--no-write-fetch-head",
        "--",
        git_url,
        *refspecs,
        watch=True,
    )
    if run.returncode != 0:
        error = classify(run)
        if commit is not None and error.code == BRANCH_NOT_FOUND:
            raise CloneError(COMMIT_NOT_FOUND, error.detail)
        if error.code in _SERVER_ANSWERS:
            raise error
        raise MirrorUnavailable(f"fetch failed: {error.detail}")
    ref = f"refs/heads/{branch}" if commit is None else f"refs/auditor/commits/{commit}"
    sha = _resolve(mirror, ref)
    if commit is not None and sha != commit:
        raise MirrorUnavailable(f"{ref} resolves to {sha}, not {commit}")
    return sha


def _resolve(mirror: Git, ref: str) -> str:
    resolved = mirror("rev-parse", "--verify", "--quiet", "--end-of-options", f"{ref}^{{commit}}")
    sha = resolved.stdout.strip()
    if resolved.returncode != 0 or not re.fullmatch(r"[0-9a-f]{40}|[0-9a-f]{64}", sha):
        raise MirrorUnavailable(f"{ref} does not resolve to a commit in the mirror")
    return sha


def _notes_tips(mirror: Git, refs: Sequence[str]) -> dict[str, str]:
    """The commit each of `refs` points to in the mirror (absent when the server has none)."""
    run = mirror("for-each-ref", "--format=%(objectname) %(objecttype) %(refname)", "--", *refs)
    if run.returncode != 0:
        raise MirrorUnavailable(f"for-each-ref failed: {run.stderr.strip()[-200:]}")
    tips = {}
    for row in run.stdout.splitlines():
        sha, kind, ref = [*row.split(" ", 2), "", ""][:3]
        if ref in refs and kind == "commit" and re.fullmatch(r"[0-9a-f]{40}|[0-9a-f]{64}", sha):
            tips[ref] = sha
    return tips


def _set_refs(git: Git, refs: dict[str, str]) -> None:
    local = dataclasses.replace(git, protocol=None)
    for ref, sha in sorted(refs.items()):  # names validated by the caller: refs/notes/…
        run = local("update-ref", ref, sha)
        if run.returncode != 0:
            raise MirrorUnavailable(f"update-ref failed: {run.stderr.strip()[-200:]}")


def _link_objects(mirror_path: Path, git: Git, *, existing: bool = False) -> None:
    """A fresh repository at ``git.dest`` whose objects are hard links to the mirror's;
    with `existing`, the repository an earlier call made there gets the objects it lacks
    (an object or pack file never changes under its name: one already there is the same)."""
    if not existing:
        run = git("init", "--quiet", "--template=", "--", str(git.dest), in_dest=False)
        if run.returncode != 0:
            raise MirrorUnavailable(f"git init failed: {run.stderr.strip()[-200:]}")
    source = mirror_path / "objects"
    target = git.dest / ".git" / "objects"
    for dirpath, dirnames, filenames in os.walk(source):
        relative = Path(dirpath).relative_to(source)
        # An alternates file would point the checkout at other object stores; we never
        # write one, and never pass one on.
        names = [
            n for n in filenames if relative != Path("info") or n not in ("alternates", "http-alternates")
        ]
        (target / relative).mkdir(parents=True, exist_ok=True)
        for name in names:
            src = Path(dirpath) / name
            if src.is_symlink() or not src.is_file():
                raise MirrorUnavailable(f"unexpected entry {src} in the mirror")
            if existing and relative != Path("info") and os.path.lexists(target / relative / name):
                continue
            if existing:
                (target / relative / name).unlink(missing_ok=True)
            try:
                os.link(src, target / relative / name)
            except OSError:
                # Another filesystem (EXDEV) or no links allowed there: a copy is as private.
                shutil.copyfile(src, target / relative / name)
        if any((Path(dirpath) / d).is_symlink() for d in dirnames):
            raise MirrorUnavailable(f"unexpected link under {dirpath} in the mirror")
    shallow = mirror_path / "shallow"
    if shallow.is_file():
        shutil.copyfile(shallow, git.dest / ".git" / "shallow")
    else:
        (git.dest / ".git" / "shallow").unlink(missing_ok=True)


def _check_out(git: Git, branch: str, commit: str | None, sha: str, *, force: bool = False) -> None:
    # On the branch, as `git clone --branch` leaves it; detached for a commit, as the
    # commit path of a fresh clone does.
    args = (
        ["checkout", "--quiet", *(["--force"] if force else []), "-B", branch, sha]
        if commit is None
        else ["checkout", "--quiet", *(["--force"] if force else []), "--detach", sha]
    )
    # No transport at all: everything is local now.
    run = dataclasses.replace(git, protocol=None)(*args, watch=True)
    if run.returncode != 0:
        raise MirrorUnavailable(f"checkout failed: {run.stderr.strip()[-300:]}")


def _tidy(git: Git, keep: set[str], notes: dict[str, str]) -> None:
    """A kept checkout as a fresh one would be, after its forced checkout: no ref but the
    branch and the notes about to be set, no untracked or ignored file (``clean -ffdx``
    removes nested repositories too, and links rather than what they point to)."""
    local = dataclasses.replace(git, protocol=None)
    listed = local("for-each-ref", "--format=%(refname)")
    if listed.returncode != 0:
        raise MirrorUnavailable(f"for-each-ref failed: {listed.stderr.strip()[-200:]}")
    for ref in sorted(set(listed.stdout.split()) - keep - notes.keys()):
        run = local("update-ref", "-d", ref)
        if run.returncode != 0:
            raise MirrorUnavailable(f"update-ref -d failed: {run.stderr.strip()[-200:]}")
    run = local("clean", "-ffdxq")
    if run.returncode != 0:
        raise MirrorUnavailable(f"clean failed: {run.stderr.strip()[-200:]}")
