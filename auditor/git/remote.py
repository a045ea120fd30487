"""What a remote repository advertises, asked without cloning it."""

from __future__ import annotations

import re
import tempfile
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from auditor.git.clone import git_failure
from auditor.git.runner import Git
from auditor.git.urls import checked_url

_ADVERTISED = re.compile(r"^([0-9a-f]{40}|[0-9a-f]{64})\t(refs/(?:heads|tags)/\S+)$")
_SYMREF_HEAD = re.compile(r"^ref: refs/heads/(\S+)\tHEAD$")


@dataclass(frozen=True)
class RemoteHead:
    """What `git ls-remote --symref` says about a repository: the branch its HEAD names
    (None for an empty repository or a HEAD that is not a branch) and its branches."""

    default_branch: str | None
    branches: tuple[str, ...]


def _ls_remote(
    url: str,
    options: Sequence[str],
    local_roots: Sequence[Path],
    timeout_seconds: float,
    patterns: Sequence[str] = (),
) -> str:
    """`git ls-remote OPTIONS -- URL PATTERNS`'s output, through the hardened runner with the URL's
    checks and one allowed transport. CloneError when the remote cannot be asked."""
    validated = checked_url(url, local_roots)
    with tempfile.TemporaryDirectory(prefix="auditor-git-home-") as home:
        git = Git(
            executable="git",
            protocol=validated.protocol,
            home=Path(home),
            deadline=time.monotonic() + timeout_seconds,
            dest=Path(home),
            max_bytes=0,  # unused: nothing is written
        )
        run = git(
            "ls-remote",
            *options,
            "--",
            validated.git_url,
            *patterns,
            in_dest=False,
            stdout_limit=16 * 2**20,
        )
    if run.returncode != 0:
        raise git_failure(run, url)
    return run.stdout


def remote_tips(url: str, *, local_roots: Sequence[Path], timeout_seconds: float = 15) -> dict[str, str]:
    """ref → commit of every branch and tag `url` advertises (`git ls-remote`), through
    the hardened runner with the URL's checks and one allowed transport. Peeled tags
    (`^{}`) give the commit the tag points at. Raises CloneError when the remote cannot
    be asked (refused URL, unreachable, authentication, timeout)."""
    tips: dict[str, str] = {}
    for line in _ls_remote(url, ("--heads", "--tags"), local_roots, timeout_seconds).splitlines():
        match = _ADVERTISED.match(line.replace("^{}", ""))
        if match:
            tips[match.group(2)] = match.group(1)
    return tips


def remote_head(url: str, *, local_roots: Sequence[Path], timeout_seconds: float = 15) -> RemoteHead:
    """The remote's default branch (the branch its HEAD points at, read with
    `git ls-remote --symref`, never assumed to be `main`) and its branch names.

    One call serves both registration (which branch to scan) and the "check access"
    action (can the server reach it with its configured access). Raises CloneError
    like `remote_tips`."""
    default: str | None = None
    branches: list[str] = []
    # HEAD and the branches only: a repository's tags can be many and are not needed here.
    for line in _ls_remote(
        url, ("--symref",), local_roots, timeout_seconds, patterns=("HEAD", "refs/heads/*")
    ).splitlines():
        symref = _SYMREF_HEAD.match(line)
        if symref:
            default = symref.group(1)
            continue
        match = _ADVERTISED.match(line)
        if match and match.group(2).startswith("refs/heads/"):
            branches.append(match.group(2).removeprefix("refs/heads/"))
    if default is not None and default not in branches:
        default = None  # HEAD names a branch that has no commit yet (an empty repository)
    return RemoteHead(default_branch=default, branches=tuple(sorted(branches)))
