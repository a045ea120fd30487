"""Pull-request scans: the lines a branch changed against its base, and the findings on them.

The changed lines come from ``git diff --unified=0 BASE...HEAD`` (the three dots: what the
branch changed since it left the base, not what the base did since), run in the checkout
with git isolated the way the worker runs it (auditor/git/runner.py, which this library
cannot import): an environment built from scratch, no system or global configuration, no
hooks, no fsmonitor, no transport, no pager, no external diff program and no textconv
filter, a deadline that kills git's process group, output bounded on disk.

Paths are returned in the engine's text form (scanners/paths.py), so they compare equal to
the paths of the findings the engine reports.
"""

from __future__ import annotations

import contextlib
import os
import re
import signal
import subprocess
import tempfile
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path

from scanners.model import Finding
from scanners.paths import escape_path

# path (engine text form) -> changed line ranges on the branch's side, inclusive.
ChangedLines = dict[str, list[tuple[int, int]]]

DEFAULT_TIMEOUT_SECONDS = 120.0
# A diff of this many bytes is not a pull request; refusing it beats holding it in memory.
MAX_DIFF_BYTES = 256 * 1024 * 1024

_HUNK = re.compile(rb"^@@ -\d+(?:,\d+)? \+(\d+)(?:,(\d+))? @@")
_ESCAPES = {b"a": 7, b"b": 8, b"t": 9, b"n": 10, b"v": 11, b"f": 12, b"r": 13, b'"': 34, b"\\": 92}


class DiffError(Exception):
    """The diff could not be computed (not a git checkout, unknown base, git failed)."""


def _env(home: str) -> dict[str, str]:
    return {
        "PATH": os.environ.get("PATH", os.defpath),
        # No user or system configuration reaches git (hooks, pagers, diff programs).
        "HOME": home,
        "XDG_CONFIG_HOME": home,
        "GIT_CONFIG_NOSYSTEM": "1",
        "GIT_CONFIG_SYSTEM": os.devnull,
        "GIT_CONFIG_GLOBAL": os.devnull,
        # No transport at all: a diff of two local commits needs none.
        "GIT_ALLOW_PROTOCOL": "",
        "GIT_TERMINAL_PROMPT": "0",
        "LC_ALL": "C",
        "LANG": "C",
    }


_CONFIG = (
    "-c", "core.hooksPath=/dev/null",
    "-c", "core.fsmonitor=false",
    "-c", "protocol.allow=never",
    # Names as bytes (only a few characters still get C-quoted, undone below).
    "-c", "core.quotePath=false",
)  # fmt: skip


def _git(root: Path, args: Sequence[str], timeout: float) -> bytes:
    with tempfile.TemporaryDirectory(prefix="scanners-git-home-") as home, tempfile.TemporaryFile() as out:
        try:
            proc = subprocess.Popen(
                ["git", *_CONFIG, "--no-pager", *args],
                cwd=root,
                env=_env(home),
                stdin=subprocess.DEVNULL,
                stdout=out,
                stderr=subprocess.PIPE,
                start_new_session=True,  # killed as a group on timeout
            )
        except OSError as exc:
            raise DiffError(f"git could not be started: {exc}") from exc
        try:
            _, stderr = proc.communicate(timeout=timeout)
        except subprocess.TimeoutExpired:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()
            raise DiffError(f"git diff took longer than {timeout:.0f} s") from None
        if proc.returncode != 0:
            message = stderr.decode("utf-8", "replace").strip().splitlines()
            raise DiffError(message[-1] if message else f"git exited with status {proc.returncode}")
        if out.tell() > MAX_DIFF_BYTES:
            raise DiffError(f"the diff is larger than {MAX_DIFF_BYTES // 2**20} MiB")
        out.seek(0)
        return out.read()


def _unquote(name: bytes) -> bytes:
    """A path as git printed it, C-quoted when it holds a quote, backslash or control byte."""
    if not (name.startswith(b'"') and name.endswith(b'"')):
        return name
    body, raw, i = name[1:-1], bytearray(), 0
    while i < len(body):
        if body[i : i + 1] == b"\\" and i + 1 < len(body):
            nxt = body[i + 1 : i + 2]
            if nxt.isdigit():
                raw.append(int(body[i + 1 : i + 4], 8))
                i += 4
                continue
            raw.append(_ESCAPES.get(nxt, nxt[0]))
            i += 2
            continue
        raw.append(body[i])
        i += 1
    return bytes(raw)


def parse_unified_diff(diff: bytes) -> ChangedLines:
    """Changed line ranges per path from `git diff --unified=0` output (b/ side)."""
    changed: ChangedLines = {}
    path: str | None = None
    for line in diff.split(b"\n"):
        if line.startswith(b"+++ "):
            target = _unquote(line[4:].rstrip(b"\t"))
            path = escape_path(target[2:]) if target.startswith(b"b/") else None  # /dev/null: deleted
            continue
        match = _HUNK.match(line) if path is not None else None
        if match and path is not None:
            start, count = int(match[1]), int(match[2] if match[2] is not None else 1)
            if count:  # zero: lines only removed, nothing on the branch's side
                changed.setdefault(path, []).append((start, start + count - 1))
    return changed


def changed_lines(root: Path, base: str, *, timeout: float = DEFAULT_TIMEOUT_SECONDS) -> ChangedLines:
    """The lines of the checkout at `root` that its HEAD changed since it left `base`.

    `base` is any revision git understands (a branch, ``origin/main``, a commit id); raises
    DiffError when it is not one, when `root` is no git checkout, or when git fails.
    """
    if not base or base.startswith("-") or any(c in base for c in "\0\n"):
        raise DiffError(f"{base!r} is not a revision")
    diff = _git(
        Path(root),
        [
            "diff",
            "--unified=0",
            # What git would otherwise take from the repository's own configuration.
            "--no-ext-diff",
            "--no-textconv",
            "--no-color",
            "--find-renames",
            "--src-prefix=a/",
            "--dst-prefix=b/",
            "--end-of-options",
            f"{base}...HEAD",
            "--",
        ],
        timeout,
    )
    return parse_unified_diff(diff)


def on_changed_lines(finding: Finding, changed: Mapping[str, Iterable[tuple[int, int]]]) -> bool:
    """Whether `finding`'s line span meets a changed line of its file."""
    end = max(finding.end_line, finding.line)
    return any(start <= end and finding.line <= stop for start, stop in changed.get(finding.path, ()))
