"""What a remote repository advertises, asked without cloning it."""

from __future__ import annotations

import re
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path

from auditor.git.clone import git_failure
from auditor.git.runner import Git
from auditor.git.urls import checked_url

_ADVERTISED = re.compile(r"^([0-9a-f]{40}|[0-9a-f]{64})\t(refs/(?:heads|tags)/\S+)$")


def remote_tips(url: str, *, local_roots: Sequence[Path], timeout_seconds: float = 15) -> dict[str, str]:
    """ref → commit of every branch and tag `url` advertises (`git ls-remote`), through
    the hardened runner with the URL's checks and one allowed transport. Peeled tags
    (`^{}`) give the commit the tag points at. Raises CloneError when the remote cannot
    be asked (refused URL, unreachable, authentication, timeout)."""
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
            "ls-remote", "--heads", "--tags", "--", validated.git_url, in_dest=False, stdout_limit=16 * 2**20
        )
    if run.returncode != 0:
        raise git_failure(run, url)
    tips: dict[str, str] = {}
    for line in run.stdout.splitlines():
        match = _ADVERTISED.match(line.replace("^{}", ""))
        if match:
            tips[match.group(2)] = match.group(1)
    return tips
