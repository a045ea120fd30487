"""Safe cloning of untrusted git repositories.

Everything a scan checks out comes from a user, so every repository is treated as
hostile: its URL is validated (``urls.py``), git runs with an isolated configuration
and environment (``runner.py``), and the clone is bounded in time and size.
"""

from __future__ import annotations

import logging
import re
import tempfile
import time
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from pathlib import Path

from auditor.git.errors import (
    AUTH_FAILED,
    BRANCH_NOT_FOUND,
    CLONE_FAILED,
    COMMIT_NOT_FOUND,
    NETWORK_ERROR,
    REPO_NOT_FOUND,
    REPO_TOO_LARGE,
    CloneError,
)
from auditor.git.mirror import MirrorFetch, MirrorStore, MirrorUnavailable, mirror_checkout
from auditor.git.runner import Git, GitRun, human_bytes, tree_size
from auditor.git.urls import check_ref, checked_url, scrub_credentials, url_secrets
from auditor.git.workspace import remove_tree

DEFAULT_TIMEOUT_SECONDS = 300
DEFAULT_MAX_BYTES = 1024**3  # 1 GiB on disk: pack + working tree
DEFAULT_DEPTH = 1

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class CloneResult:
    """A checkout on disk, at ``commit_sha``, with what the scan records about it."""

    path: Path
    branch: str
    commit_sha: str
    commit_message: str
    author_name: str
    committed_at: datetime
    size_bytes: int
    # Through a mirror (mirror.py): the objects its fetch added (None: a fresh clone).
    fetched_objects: int | None = None
    # The tip of each of `extra_branches` (a pull request's base), in the checkout's objects.
    extra_tips: dict[str, str] = field(default_factory=dict)


# Ordered: the first matching pattern decides. Authentication comes before the
# generic "could not read from remote" / "hung up" lines that follow it.
_FAILURE_PATTERNS: tuple[tuple[str, str], ...] = (
    (AUTH_FAILED, r"authentication failed|terminal prompts disabled|could not read (username|password)"
     r"|permission denied \(|host key verification failed|returned error: 40[13]"),
    (BRANCH_NOT_FOUND, r"remote branch .* not found|couldn't find remote ref"),
    (COMMIT_NOT_FOUND, r"not our ref|unadvertised object|no such remote ref"),
    (REPO_NOT_FOUND, r"repository .* (not found|does not exist)|does not appear to be a git repository"
     r"|repository not found|not exported|no such repository|returned error: 404"),
    (NETWORK_ERROR, r"could not resolve host|unable to connect|connection (refused|timed out|reset)"
     r"|failed to connect|couldn't connect to server"
     r"|network is unreachable|no route to host|temporary failure in name resolution"
     r"|remote end hung up|early eof|rpc failed|returned error: 5\d\d|operation timed out"
     r"|ssl_error|gnutls_handshake"),
)  # fmt: skip


def _classify(stderr: str) -> str:
    lowered = stderr.lower()
    for code, pattern in _FAILURE_PATTERNS:
        if re.search(pattern, lowered):
            return code
    return CLONE_FAILED


def git_failure(run: GitRun, url: str) -> CloneError:
    """The CloneError for a failed git command: classified by its stderr, credentials scrubbed."""
    lines = [line for line in run.stderr.strip().splitlines() if line.strip()]
    detail = scrub_credentials(" / ".join(lines[-6:]), url) or f"git exited with status {run.returncode}"
    return CloneError(_classify(run.stderr), detail)


def clone_repository(
    url: str,
    branch: str,
    dest: Path,
    *,
    local_roots: Sequence[Path],
    commit: str | None = None,
    timeout_seconds: float = DEFAULT_TIMEOUT_SECONDS,
    max_bytes: int = DEFAULT_MAX_BYTES,
    depth: int | None = DEFAULT_DEPTH,
    git_executable: str = "git",
    mirror: MirrorStore | None = None,
    extra_branches: Sequence[str] = (),
    notes_refs: Sequence[str] = (),
    kept: Path | None = None,
) -> CloneResult:
    """Clone ``branch`` of ``url`` into ``dest`` (which must not exist or be empty).

    Shallow (``depth`` commits; ``None`` for full history), one branch, no tags, no
    submodules, no hooks, no inherited configuration. With ``commit`` (a full SHA)
    that commit is fetched directly at ``depth`` and checked out detached (``branch``
    is then only recorded, not checked); servers that refuse fetching by id fail
    with ``scan:user:commit-not-found``.

    The whole operation is bounded by ``timeout_seconds`` (``scan:system:clone-timeout``,
    transient) and by ``max_bytes`` on disk, watched while git runs and checked after
    (``scan:user:repo-too-large``). On any failure ``dest`` is removed. Errors are
    ``CloneError``s whose text never contains the URL's credentials.

    With ``mirror``, the repository's mirror there is fetched into and the checkout made
    from it (mirror.py); on any doubt about the mirror (busy past its lock timeout, a
    failed fetch or checkout, corruption) ``dest`` is emptied and cloned afresh. Only a
    transient failure (timeout, network) is raised as is: a fresh clone would meet the
    same network, and the scan is retried.

    ``extra_branches`` (a pull request's base) are fetched too, at the same depth, their
    tips in ``CloneResult.extra_tips``; a missing one is ``scan:user:branch-not-found``.

    ``kept`` (with ``mirror``: the repository's kept checkout, MirrorStore.kept_checkout,
    held by the caller for as long as it reads the checkout): the checkout is made there,
    updating the previous one in place, and ``CloneResult.path`` is ``kept``. On any doubt
    it is removed and the clone made in ``dest`` as without it.

    ``notes_refs`` (e.g. ``refs/notes/ai``, where Git AI keeps its authorship logs) are
    fetched too, when the server has them; a missing one is not an error. Through a mirror
    they come in its one fetch (at the branch's depth, and only what is new on a
    re-scan); a fresh clone fetches their tips afterwards.
    """
    validated = checked_url(url, local_roots)
    check_ref(branch, commit)
    for ref in notes_refs:
        if not re.fullmatch(r"refs/notes/[A-Za-z0-9._/-]+", ref) or ".." in ref or ref.endswith("/"):
            raise ValueError(f"not a notes ref: {ref!r}")
    for extra in extra_branches:
        check_ref(extra, None)
    if depth is not None and depth < 1:
        raise ValueError("depth must be a positive number of commits, or None")
    dest = Path(dest)
    existed = dest.exists()
    if existed and (not dest.is_dir() or any(dest.iterdir())):
        raise ValueError(f"clone destination {dest} must be absent or an empty directory")

    checkout = dest
    try:
        with tempfile.TemporaryDirectory(prefix="auditor-git-home-") as home:
            git = Git(
                executable=git_executable,
                protocol=validated.protocol,
                home=Path(home),
                deadline=time.monotonic() + timeout_seconds,
                dest=dest,
                max_bytes=max_bytes,
            )
            depth_args = [f"--depth={depth}"] if depth is not None else []
            via = None
            if mirror is not None:
                target = replace(git, dest=kept) if kept is not None else git
                via = _via_mirror(
                    mirror, target, url, validated.git_url, branch, commit, depth_args, extra_branches,
                    notes_refs, in_place=kept is not None,
                )  # fmt: skip
                if via is not None:
                    git, checkout = target, target.dest
            if via is None and commit is None:
                _clone_branch(git, url, validated.git_url, branch, depth_args)
            elif via is None and commit is not None:
                _fetch_commit(git, url, validated.git_url, commit, depth_args)
            tips = (
                via.tips
                if via is not None
                else _fetch_extra(git, url, validated.git_url, extra_branches, depth_args)
            )
            if notes_refs and via is None:  # a mirror fetched them with the branch
                _fetch_notes(git, validated.git_url, notes_refs)
            size = tree_size(checkout)
            if size > max_bytes:
                raise CloneError(
                    REPO_TOO_LARGE, f"{human_bytes(size)} on disk, limit {human_bytes(max_bytes)}"
                )
            if mirror is not None and checkout == kept:
                mirror.remember_checkout_size(checkout, size)
            head = _read_head(git, url, branch, size)
            return replace(head, fetched_objects=via.fetched_objects if via else None, extra_tips=tips)
    except BaseException:
        remove_tree(checkout)
        if checkout == dest and existed:
            dest.mkdir(parents=True, exist_ok=True)
        raise


def _via_mirror(
    mirror: MirrorStore,
    git: Git,
    url: str,
    git_url: str,
    branch: str,
    commit: str | None,
    depth_args: list[str],
    extra_branches: Sequence[str],
    notes_refs: Sequence[str],
    *,
    in_place: bool = False,
) -> MirrorFetch | None:
    """Check out through the mirror (into ``git.dest``); what it fetched, or None to clone
    afresh (``git.dest`` then removed)."""
    try:
        via = mirror_checkout(
            mirror,
            git,
            url=url,
            git_url=git_url,
            branch=branch,
            commit=commit,
            depth_args=depth_args,
            classify=lambda run: git_failure(run, url),
            extra_branches=extra_branches,
            notes_refs=notes_refs,
            in_place=in_place,
        )
        log.info(
            "checked out %s through its mirror (%d objects fetched%s)",
            scrub_credentials(url),
            via.fetched_objects,
            ", kept checkout updated" if via.in_place else "",
        )
        return via
    except CloneError as exc:
        if exc.transient:
            raise
        log.info("mirror fetch of %s failed (%s); cloning afresh", scrub_credentials(url), exc.code)
    except (MirrorUnavailable, OSError) as exc:
        log.warning("git mirror of %s unusable (%s); cloning afresh", scrub_credentials(url), exc)
    remove_tree(git.dest)  # the fresh clone creates it again
    return None


def _fetch_extra(
    git: Git, url: str, git_url: str, branches: Sequence[str], depth_args: list[str]
) -> dict[str, str]:
    """Fetch `branches` into a fresh clone (under refs/audit-extra/, not as remotes)."""
    tips = {}
    for extra in branches:
        ref = f"refs/audit-extra/{extra}"
        # As for the branch: same depth, no tags, no submodules, the URL not recorded.
        spec = f"+refs/heads/{extra}:{ref}"
        run = git("fetch", "--quiet", *depth_args, "--no-tags", "--no-recurse-submodules",
                  "--no-write-fetch-head", "--", git_url, spec, watch=True)  # fmt: skip
        if run.returncode != 0:
            raise git_failure(run, url)
        resolved = git("rev-parse", "--verify", "--quiet", "--end-of-options", f"{ref}^{{commit}}")
        if resolved.returncode != 0:
            raise CloneError(CLONE_FAILED, f"{extra} does not resolve to a commit")
        tips[extra] = resolved.stdout.strip()
    return tips


def _clone_branch(git: Git, url: str, git_url: str, branch: str, depth_args: list[str]) -> None:
    run = git(
        "clone",
        # No template directory: nothing (sample hooks, info/exclude) is copied
        # from GIT_TEMPLATE_DIR, init.templateDir or the system's templates.
        "--template=",
        # Local sources go through upload-pack like remote ones: no hard links into
        # the source's objects (our cleanup chmods what it removes), no copy of its
        # .git internals, and --depth applies (it is ignored by local clones).
        "--no-local",
        # Scanners need the tree, not the history.
        *depth_args,
        # Only the branch asked for: other branches are not fetched at all.
        "--single-branch",
        f"--branch={branch}",
        # Tags would fetch objects outside the branch.
        "--no-tags",
        # Submodule URLs come from the repository and are not validated.
        "--no-recurse-submodules",
        # Everything after this is a URL and a path, never an option.
        "--",
        git_url,
        str(git.dest),
        in_dest=False,
        watch=True,
    )
    if run.returncode != 0:
        raise git_failure(run, url)
    if url_secrets(url):
        # Do not leave a token in the checkout's .git/config.
        git("remote", "set-url", "origin", scrub_credentials(url))


def _fetch_commit(git: Git, url: str, git_url: str, commit: str, depth_args: list[str]) -> None:
    git.dest.mkdir(parents=True, exist_ok=True)
    run = git("init", "--quiet", "--template=", "--", str(git.dest), in_dest=False)
    if run.returncode != 0:
        raise git_failure(run, url)
    # The URL is given on the command line, never stored as a remote. Fetching an
    # unadvertised commit needs protocol v2 or uploadpack.allow*SHA1InWant on the
    # server; most forges allow it for reachable commits.
    run = git("fetch", "--quiet", *depth_args, "--no-tags", "--no-recurse-submodules", "--", git_url, commit,
              watch=True)  # fmt: skip
    if run.returncode != 0:
        error = git_failure(run, url)
        raise CloneError(COMMIT_NOT_FOUND, error.detail) if error.code == BRANCH_NOT_FOUND else error
    run = git("checkout", "--quiet", "--detach", commit, watch=True)
    if run.returncode != 0:
        raise git_failure(run, url)


def _fetch_notes(git: Git, git_url: str, refs: Sequence[str]) -> None:
    # Ask which exist first (ls-remote transfers no objects): most repositories have none,
    # and then nothing more runs; the rest come in one watched fetch. The notes tree at a
    # ref's tip holds every note, so its history is not needed (depth 1). The outcome is
    # not checked: without the notes, attribution simply has no line-level records.
    listed = git("ls-remote", "--", git_url, *refs)
    present = [ref for ref in refs if listed.returncode == 0 and f"\t{ref}\n" in listed.stdout + "\n"]
    if present:
        git("fetch", "--quiet", "--no-tags", "--no-recurse-submodules", "--depth=1", "--", git_url,
            *(f"+{ref}:{ref}" for ref in present), watch=True)  # fmt: skip


def _read_head(git: Git, url: str, branch: str, size: int) -> CloneResult:
    run = git("log", "-1", "--format=%H%x00%an%x00%ct%x00%s", "HEAD")
    if run.returncode != 0:
        raise git_failure(run, url)
    sha, author, timestamp, subject = [*run.stdout.rstrip("\n").split("\x00", 3), "", "", ""][:4]
    if not re.fullmatch(r"[0-9a-f]{40}|[0-9a-f]{64}", sha) or not timestamp.isdigit():
        raise CloneError(CLONE_FAILED, "the checkout has no valid HEAD commit")
    return CloneResult(
        path=git.dest,
        branch=branch,
        commit_sha=sha,
        commit_message=subject.splitlines()[0][:500] if subject else "",
        author_name=author[:200],
        committed_at=datetime.fromtimestamp(int(timestamp), tz=UTC),
        size_bytes=size,
    )
