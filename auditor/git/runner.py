"""Every git command runs here: an isolated configuration and environment, a deadline
that kills the whole process group, output bounded on disk and in memory.

Nothing of the worker's or the repository's configuration reaches git: no hooks, no
helpers, no protocols but the one a URL was validated for (none for commands that only
read a checkout).
"""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import tempfile
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import IO

from auditor.git.errors import CLONE_TIMEOUT, GIT_UNAVAILABLE, REPO_TOO_LARGE, CloneError


def _git_config(protocol: str | None) -> list[str]:
    """``-c`` options given to every git command we run (``protocol``: the one transport
    allowed, or None for commands that only read a checkout).

    Deliberately not set: ``transfer.fsckObjects`` (it rejects many real-world
    repositories over cosmetic object defects, and checkout itself already refuses
    dangerous paths such as ``.git/`` or ``../``).
    """
    return [
        # No hook runs, wherever it comes from (a template, an inherited
        # core.hooksPath, a hook in the local source): post-checkout runs on clone.
        "-c", "core.hooksPath=/dev/null",
        # An fsmonitor setting names a command that git runs on checkout/status.
        "-c", "core.fsmonitor=false",
        # Check symlinks out as links, whatever git would probe on this filesystem:
        # the engine lstat()s and never follows them out of the checkout.
        "-c", "core.symlinks=true",
        # Deny every transport by default…
        "-c", "protocol.allow=never",
        # …and allow only the one the URL was validated for. This also covers
        # redirects (https → http or file) and any transport a helper would chain to.
        *(["-c", f"protocol.{protocol}.allow=always"] if protocol else []),
        # Submodules would fetch further URLs we never validated.
        "-c", "submodule.recurse=false",
        # Keep stderr to the point, it is shown to the user on failure: no advice
        # after a detached checkout (commit path)…
        "-c", "advice.detachedHead=false",
        # …and no hint about the default branch name from git init (commit path).
        "-c", "init.defaultBranch=main",
    ]  # fmt: skip


_PASSTHROUGH_ENV = (
    # Corporate proxies and private certificate authorities must keep working.
    "http_proxy", "https_proxy", "no_proxy", "all_proxy",
    "HTTP_PROXY", "HTTPS_PROXY", "NO_PROXY", "ALL_PROXY",
    "SSL_CERT_FILE", "SSL_CERT_DIR", "GIT_SSL_CAINFO",
    # Deploy keys held by the worker's ssh-agent.
    "SSH_AUTH_SOCK",
)  # fmt: skip


def _git_env(home: Path, protocol: str | None) -> dict[str, str]:
    """A fresh environment: nothing else of the worker's reaches git.

    Built from scratch so that GIT_DIR, GIT_TEMPLATE_DIR, GIT_CONFIG_PARAMETERS,
    GIT_CONFIG_COUNT/KEY/VALUE, GIT_SSH_COMMAND, GIT_ASKPASS, SSH_ASKPASS, DISPLAY or
    GIT_EXEC_PATH set around the worker cannot change what git does.
    """
    env = {name: os.environ[name] for name in _PASSTHROUGH_ENV if name in os.environ}
    env.update(
        {
            # To find git and ssh.
            "PATH": os.environ.get("PATH", os.defpath),
            # An empty home: the worker user's ~/.gitconfig, ~/.git-credentials and
            # ~/.config/git/* (attributes, ignore) are not read. (OpenSSH takes ~/.ssh
            # from the passwd entry, not $HOME, so the operator's keys still work.)
            "HOME": str(home),
            "XDG_CONFIG_HOME": str(home),
            # No system-wide config (/etc/gitconfig): it may set hooks, helpers, filters.
            "GIT_CONFIG_NOSYSTEM": "1",
            "GIT_CONFIG_SYSTEM": os.devnull,
            # No global config even if HOME were ignored (git ≥ 2.32).
            "GIT_CONFIG_GLOBAL": os.devnull,
            # Never wait for a user name or password on a terminal; fail at once.
            # GIT_ASKPASS is deliberately unset (not /bin/true): with no askpass and
            # no prompt git says "terminal prompts disabled", which we report as an
            # authentication failure instead of a confusing empty-credential 401.
            "GIT_TERMINAL_PROMPT": "0",
            # ssh must not prompt for a passphrase, password or unknown host key either.
            "GIT_SSH_COMMAND": "ssh -o BatchMode=yes -o ConnectTimeout=30",
            # Transports with the "user" policy count as not user-initiated.
            "GIT_PROTOCOL_FROM_USER": "0",
            # The allow-list again, in the form that overrides every config file
            # (empty: no transport at all).
            "GIT_ALLOW_PROTOCOL": protocol or "",
            # If git-lfs were configured anyway, do not download LFS objects.
            "GIT_LFS_SKIP_SMUDGE": "1",
            # English messages: errors are classified by matching git's stderr.
            "LC_ALL": "C",
            "LANG": "C",
        }
    )
    return env


@dataclass(frozen=True)
class GitRun:
    """A finished git command: its exit status and (bounded) output."""

    returncode: int
    stdout: str
    stderr: str


_STDERR_TAIL = 4000
_STDOUT_LIMIT = 64 * 1024


def _run_git(
    args: Sequence[str],
    *,
    git: str,
    env: dict[str, str],
    deadline: float,
    cwd: Path | None = None,
    watch: Path | None = None,
    max_bytes: int | None = None,
    stdout_limit: int = _STDOUT_LIMIT,
    stdout_errors: str = "replace",
) -> GitRun:
    """Run git with a deadline; kill its whole process group on timeout or size cap.

    Output goes to temporary files, not pipes, so a chatty server can neither fill a
    pipe and stall git nor make us hold unbounded output in memory: at most
    ``stdout_limit`` bytes of its output are read back, decoded as UTF-8 with
    ``stdout_errors`` ("surrogateescape" keeps file names' bytes exactly; the default
    "replace" makes text that is safe to store and show).
    """
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        try:
            proc = subprocess.Popen(
                [git, *args],
                cwd=cwd,
                env=env,
                stdin=subprocess.DEVNULL,
                stdout=out,
                stderr=err,
                # Own process group, so that ssh, git-remote-https and upload-pack
                # children are killed with git.
                start_new_session=True,
            )
        except OSError as exc:
            raise CloneError(GIT_UNAVAILABLE, str(exc)) from exc
        interval = 0.05
        try:
            while True:
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    raise CloneError(CLONE_TIMEOUT)
                try:
                    proc.wait(timeout=min(interval, remaining))
                    break
                except subprocess.TimeoutExpired:
                    pass
                interval = min(interval * 2, 0.5)
                if watch is not None and max_bytes is not None:
                    walk_started = time.monotonic()
                    if tree_size(watch) > max_bytes:
                        raise CloneError(REPO_TOO_LARGE, f"more than {human_bytes(max_bytes)} while cloning")
                    # Walking a big checkout costs time: never spend more than ~10% on it.
                    interval = max(interval, min(10 * (time.monotonic() - walk_started), 5.0))
        finally:
            if proc.returncode is None:
                with contextlib.suppress(ProcessLookupError):
                    os.killpg(proc.pid, signal.SIGKILL)
                proc.wait()
        return GitRun(
            proc.returncode,
            _read(out, head=stdout_limit, errors=stdout_errors),
            _read(err, tail=_STDERR_TAIL),
        )


def _read(f: IO[bytes], *, head: int | None = None, tail: int | None = None, errors: str = "replace") -> str:
    size = f.seek(0, os.SEEK_END)
    if tail is not None and size > tail:
        f.seek(size - tail)
    else:
        f.seek(0)
    return f.read(head if head is not None else -1).decode("utf-8", errors=errors)


def tree_size(root: Path) -> int:
    """Bytes under ``root``, counting links as links (never following them)."""
    total = 0
    for dirpath, _dirnames, filenames in os.walk(root):
        for name in filenames:
            # FileNotFoundError: git renames temp files as it goes; ENAMETOOLONG: a path git
            # wrote relative to the worktree can pass PATH_MAX once prefixed with its location.
            with contextlib.suppress(OSError):
                total += os.lstat(os.path.join(dirpath, name)).st_size
    return total


def human_bytes(n: int) -> str:
    value = float(n)
    for unit in ("bytes", "KiB", "MiB", "GiB"):
        if value < 1024 or unit == "GiB":
            return f"{value:.0f} {unit}" if unit == "bytes" else f"{value:.1f} {unit}"
        value /= 1024
    raise AssertionError("unreachable")


@dataclass(frozen=True)
class Git:
    """Runs git in ``dest`` with the isolated config and environment and shared limits.

    ``protocol`` is the one transport allowed (None: none, for commands that only read a
    checkout); ``home`` an empty directory that stands in for the worker user's home;
    ``deadline`` a ``time.monotonic()`` instant shared by every command of one operation.
    """

    executable: str
    protocol: str | None
    home: Path
    deadline: float
    dest: Path
    max_bytes: int

    def __call__(
        self,
        *args: str,
        in_dest: bool = True,
        watch: bool = False,
        stdout_limit: int = _STDOUT_LIMIT,
        stdout_errors: str = "replace",
    ) -> GitRun:
        return _run_git(
            [*_git_config(self.protocol), *args],
            git=self.executable,
            env=_git_env(self.home, self.protocol),
            deadline=self.deadline,
            cwd=self.dest if in_dest else None,
            watch=self.dest if watch else None,
            max_bytes=self.max_bytes,
            stdout_limit=stdout_limit,
            stdout_errors=stdout_errors,
        )
