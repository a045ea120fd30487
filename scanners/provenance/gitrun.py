"""A hardened, read-only git runner for the engine (no Django; the worker's clone code in
`auditor/git/runner.py` applies the same isolation to commands that use the network).

A scanned repository is hostile: nothing in it or around the engine may change what git
does. So every command runs with

* no configuration but ours: no system, global or user file (an empty ``HOME``), and the
  repository's own ``.git/config`` cannot name commands we would run (hooks, fsmonitor,
  pagers, external diff/textconv drivers are switched off on the command line, which
  wins over any file);
* a fresh environment (``GIT_DIR``, ``GIT_CONFIG_*``, ``GIT_EXEC_PATH`` of the caller never
  reach git) with no transport at all (``GIT_ALLOW_PROTOCOL`` empty: reading history
  never fetches);
* a deadline that kills the command's whole process group, and bounded output.
"""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import tempfile
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

# -c options for every command: they override every configuration file git might read.
READ_ONLY_CONFIG: tuple[str, ...] = (
    # No hook runs (none should for reads; belt and braces).
    "-c", "core.hooksPath=/dev/null",
    # core.fsmonitor names a command git would run to list changed files.
    "-c", "core.fsmonitor=false",
    # No transport: reading history must never reach the network.
    "-c", "protocol.allow=never",
    # No pager, no colour: output is parsed.
    "-c", "core.pager=cat",
    "-c", "color.ui=false",
    # Names as raw bytes: unusual file names are not C-quoted in porcelain output.
    "-c", "core.quotePath=false",
    # A repository's .mailmap could rename an AI author into a human one (or back).
    "-c", "log.mailmap=false",
    "-c", "mailmap.file=/dev/null",
    "-c", "mailmap.blob=",
    # blame.ignoreRevsFile would let the repository hide commits from attribution.
    "-c", "blame.ignoreRevsFile=",
    # Its notes config must not redirect which notes ref we read.
    "-c", "notes.displayRef=",
    # A shared-repository safety check for checkouts owned by another user (the worker's).
    "-c", "safe.directory=*",
)  # fmt: skip


def git_env(home: str) -> dict[str, str]:
    """A fresh environment: nothing of the caller's reaches git."""
    return {
        "PATH": os.environ.get("PATH", os.defpath),
        "HOME": home,
        "XDG_CONFIG_HOME": home,
        "GIT_CONFIG_NOSYSTEM": "1",
        "GIT_CONFIG_SYSTEM": os.devnull,
        "GIT_CONFIG_GLOBAL": os.devnull,
        "GIT_TERMINAL_PROMPT": "0",
        "GIT_ALLOW_PROTOCOL": "",
        "GIT_OPTIONAL_LOCKS": "0",  # reads must not take index.lock (parallel blames)
        "GIT_LFS_SKIP_SMUDGE": "1",
        "LC_ALL": "C",
        "LANG": "C",
    }


class GitTimeout(Exception):
    """The command passed its deadline and was killed."""


@dataclass(frozen=True)
class GitOutput:
    returncode: int
    stdout: bytes
    stderr: str


@dataclass(frozen=True)
class ReadOnlyGit:
    """Runs read-only git commands in ``repo`` (a checkout) with the isolation above."""

    repo: Path
    executable: str = "git"
    max_output: int = 256 * 1024 * 1024

    def __call__(self, *args: str | bytes, timeout: float = 120.0, stdin: bytes | None = None) -> GitOutput:
        """Run ``git ARGS``; raises GitTimeout after ``timeout`` seconds, OSError if git is missing."""
        with self.output(*args, timeout=timeout, stdin=stdin) as (returncode, out, err):
            data = out.read(self.max_output)
        return GitOutput(returncode, data, err)

    @contextlib.contextmanager
    def output(
        self, *args: str | bytes, timeout: float = 120.0, stdin: bytes | None = None
    ) -> Iterator[tuple[int, BinaryIO, str]]:
        """Run ``git ARGS`` to completion and give (return code, its stdout as a file to read
        from the start, the tail of stderr): a large output is read in pieces, never held
        whole. Raises as ``__call__``."""
        with (
            tempfile.TemporaryDirectory(prefix="auditor-prov-home-") as home,
            tempfile.TemporaryFile() as out,
        ):
            proc = subprocess.Popen(
                [self.executable, *READ_ONLY_CONFIG, *args],
                cwd=self.repo,
                env=git_env(home),
                stdin=subprocess.PIPE if stdin is not None else subprocess.DEVNULL,
                stdout=out,
                stderr=subprocess.PIPE,
                start_new_session=True,  # so a timeout kills git's children with it
            )
            try:
                _, err = proc.communicate(stdin, timeout=max(timeout, 0.001))
            except subprocess.TimeoutExpired:
                with contextlib.suppress(ProcessLookupError):
                    os.killpg(proc.pid, signal.SIGKILL)
                proc.communicate()
                raise GitTimeout(" ".join(str(a) for a in args[:2])) from None
            out.seek(0)
            yield proc.returncode, out, err.decode("utf-8", "replace")[-2000:]

    def text(self, *args: str | bytes, timeout: float = 120.0) -> str | None:
        """stdout as text, or None when git failed."""
        run = self(*args, timeout=timeout)
        return run.stdout.decode("utf-8", "surrogateescape") if run.returncode == 0 else None


def is_git_checkout(root: Path, git: str = "git") -> bool:
    """Whether ``root`` is the top of a git work tree with at least one commit."""
    if not (root / ".git").exists():
        return False
    try:
        run = ReadOnlyGit(root, git)("rev-parse", "--verify", "-q", "HEAD", timeout=30)
    except OSError:
        return False
    return run.returncode == 0


def quote_args(paths: Sequence[bytes]) -> list[bytes]:
    """Pathspecs taken literally (no globbing, no magic), whatever the name."""
    return [b":(literal)" + p for p in paths]


def cat_objects(
    git: ReadOnlyGit, ids: Sequence[str], kind: bytes, timeout: float, max_size: int = 64 * 1024 * 1024
) -> dict[str, bytes]:
    """The contents of the objects `ids` of type `kind` (b"commit", b"blob"), in one
    `git cat-file --batch`; missing objects, other types and larger ones are left out."""
    if not ids:
        return {}
    run = git("cat-file", "--batch", timeout=timeout, stdin="".join(f"{i}\n" for i in ids).encode())
    found: dict[str, bytes] = {}
    data, pos = run.stdout, 0
    while pos < len(data):
        end = data.find(b"\n", pos)
        if end < 0:
            break
        header = data[pos:end].split()
        pos = end + 1
        if len(header) != 3 or not header[2].isdigit():
            continue  # "<id> missing"
        size = int(header[2])
        if header[1] == kind and size <= max_size:
            found[header[0].decode()] = data[pos : pos + size]
        pos += size + 1
    return found
