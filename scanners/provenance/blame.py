"""Line attribution: which commit last touched each line (`git blame --porcelain`).

Files are blamed in parallel (threads: each blame is its own git process) within one
deadline for the whole scan; a file not blamed by then, or whose blame fails, has every
line unknown. Results are cached by (path, blob) together with the commit they were
computed at: at a later commit a cached blame is reused when `git diff` says the path did
not change in between, so a re-scan blames only the files that changed.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import tempfile
import time
from collections.abc import Collection, Iterable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import NamedTuple

from scanners.paths import path_bytes
from scanners.provenance.gitrun import GitTimeout, ReadOnlyGit

_HEADER = re.compile(rb"([0-9a-f]{40}|[0-9a-f]{64}) (\d+) (\d+)(?: (\d+))?")
NOT_COMMITTED = "0" * 40
_CACHE_FORMAT = 1


class BlameLine(NamedTuple):
    """Where a line of the file came from: the commit, and its number and path there.

    Consumers read lines as `LineRef`, plain `(sha, orig_line, orig_path)` tuples: a
    re-scan loads one per line of the repository from the replay cache, and plain tuples
    unpickle in C (a NamedTuple or dataclass costs a Python call per line)."""

    sha: str
    orig_line: int
    orig_path: str  # the engine's text form is not needed here: compared with records' paths


LineRef = tuple[str, int, str]  # a BlameLine, or the same values as a plain tuple


@dataclass(frozen=True, slots=True)
class FileBlame:
    lines: tuple[LineRef, ...]
    boundary: frozenset[str]  # commits blame stopped at (a shallow clone's edge)


# Shared by every blame with no boundary (almost all): an empty frozenset is a new
# 216-byte object each time, ≈ 21 MiB over a 100,000-file repository.
NO_BOUNDARY: frozenset[str] = frozenset()


def boundary_of(shas: Collection[str]) -> frozenset[str]:
    """`shas` as a blame's boundary."""
    return frozenset(shas) if shas else NO_BOUNDARY


def parse_porcelain(output: bytes) -> FileBlame:
    """Parse `git blame --porcelain` output into one BlameLine per final line."""
    lines: list[BlameLine] = []
    paths: dict[str, str] = {}
    boundary: set[str] = set()
    current_sha = ""
    orig = 0
    for raw in output.split(b"\n"):
        if raw.startswith(b"\t"):
            lines.append(BlameLine(current_sha, orig, paths.get(current_sha, "")))
            continue
        header = _HEADER.fullmatch(raw)
        if header:
            current_sha = header.group(1).decode()
            orig = int(header.group(2))
        elif raw.startswith(b"filename "):
            paths[current_sha] = raw[9:].decode("utf-8", "surrogateescape")
        elif raw == b"boundary":
            boundary.add(current_sha)
    return FileBlame(tuple(lines), boundary_of(boundary))


class BlameCache:
    """Blames on disk, one JSON file per (path, blob). None directory: no cache."""

    def __init__(self, directory: Path | None) -> None:
        self.directory = directory
        if directory is not None:
            directory.mkdir(parents=True, exist_ok=True)

    @staticmethod
    def _key(path: str, blob: str) -> str:
        return hashlib.sha256(f"{_CACHE_FORMAT}\0{path}\0{blob}".encode("utf-8", "surrogatepass")).hexdigest()

    def get(self, path: str, blob: str) -> tuple[str, FileBlame] | None:
        """(commit it was computed at, blame) or None."""
        if self.directory is None:
            return None
        try:
            data = json.loads((self.directory / self._key(path, blob)).read_text("utf-8"))
            shas, names = data["shas"], data["paths"]
            lines = tuple(BlameLine(shas[s], o, names[p]) for s, o, p in data["lines"])
            return str(data["commit"]), FileBlame(lines, boundary_of(data["boundary"]))
        except (OSError, ValueError, KeyError, IndexError, TypeError):
            return None

    def put(self, path: str, blob: str, commit: str, blame: FileBlame) -> None:
        if self.directory is None:
            return
        shas: dict[str, int] = {}
        names: dict[str, int] = {}
        rows = [
            [shas.setdefault(sha, len(shas)), orig_line, names.setdefault(orig_path, len(names))]
            for sha, orig_line, orig_path in blame.lines
        ]
        data = {"commit": commit, "shas": list(shas), "paths": list(names), "lines": rows,
                "boundary": sorted(blame.boundary)}  # fmt: skip
        fd, tmp = tempfile.mkstemp(dir=self.directory, prefix=".tmp-")
        with os.fdopen(fd, "w", encoding="utf-8") as f:
            f.write(json.dumps(data, separators=(",", ":")))  # one C-encoded write
        os.replace(tmp, self.directory / self._key(path, blob))


@dataclass
class BlameReport:
    blames: dict[str, FileBlame]
    blamed: list[str]  # paths blamed afresh this scan (the rest came from the cache)
    failed: dict[str, str]  # path → why it has no attribution


def head_blobs(git: ReadOnlyGit, timeout: float) -> dict[str, str]:
    """Path (engine text form) → blob sha of every file at HEAD."""
    from scanners.paths import escape_path

    run = git("ls-tree", "-r", "-z", "--full-tree", "HEAD", timeout=timeout)
    blobs: dict[str, str] = {}
    if run.returncode != 0:
        return blobs
    for entry in run.stdout.split(b"\0"):
        meta, _, name = entry.partition(b"\t")
        parts = meta.split()
        if len(parts) == 3 and parts[1] == b"blob":
            blobs[escape_path(name)] = parts[2].decode()
    return blobs


def changed_since(git: ReadOnlyGit, commit: str, timeout: float) -> set[str] | None:
    """Paths that differ between `commit` and HEAD; None when `commit` is not in this clone."""
    from scanners.paths import escape_path

    run = git("diff", "--no-renames", "--name-only", "-z", commit, "HEAD", "--", timeout=timeout)
    if run.returncode != 0:
        return None
    return {escape_path(name) for name in run.stdout.split(b"\0") if name}


def blame_files(
    git: ReadOnlyGit,
    paths: Iterable[str],
    *,
    head: str,
    blobs: dict[str, str],
    dirty: set[str],
    shallow: set[str],
    cache: BlameCache,
    workers: int,
    deadline: float,
) -> BlameReport:
    """Blame every path (engine text form) that is tracked at HEAD.

    `dirty`: paths whose working copy differs from HEAD, blamed as they are on disk (their
    uncommitted lines come back as NOT_COMMITTED) and never cached. `shallow`: the clone's
    boundary commits now; a cached blame that stopped at a commit which is no longer a
    boundary (a deeper clone) is computed again.
    """
    report = BlameReport({}, [], {})
    pending: list[str] = []
    by_commit: dict[str, list[tuple[str, FileBlame]]] = {}
    for path in paths:
        blob = blobs.get(path)
        if blob is None:
            report.failed[path] = "not committed"
            continue
        hit = None if path in dirty else cache.get(path, blob)
        if hit is None:
            pending.append(path)
        else:
            by_commit.setdefault(hit[0], []).append((path, hit[1]))
    for commit, entries in by_commit.items():
        changed = set() if commit == head else changed_since(git, commit, max(deadline - time.monotonic(), 1))
        for path, blame in entries:
            stale = changed is None or path in changed or any(b not in shallow for b in blame.boundary)
            if stale:
                pending.append(path)
            else:
                report.blames[path] = blame

    def one(path: str) -> tuple[str, FileBlame | None, str]:
        remaining = deadline - time.monotonic()
        if remaining <= 0:
            return path, None, "time budget spent"
        revision: list[str] = [] if path in dirty else [head]
        try:
            run = git("blame", "--porcelain", "--root", *revision, "--", path_bytes(path), timeout=remaining)
        except GitTimeout:
            return path, None, "time budget spent"
        if run.returncode != 0:
            return (
                path,
                None,
                run.stderr.strip().splitlines()[-1][:200] if run.stderr.strip() else "blame failed",
            )
        return path, parse_porcelain(run.stdout), ""

    with ThreadPoolExecutor(max_workers=max(1, workers)) as pool:
        for path, fresh, why in pool.map(one, pending):
            if fresh is None:
                report.failed[path] = why
                continue
            # With --root, blame reports a shallow clone's edge commit (it has no parents
            # here) as a root, not a boundary: record it as one, so that a deeper clone
            # later sees the blame stopped there and computes it again.
            edge = {line[0] for line in fresh.lines} & shallow
            if edge - fresh.boundary:
                fresh = FileBlame(fresh.lines, fresh.boundary | edge)
            report.blames[path] = fresh
            report.blamed.append(path)
            if path not in dirty:
                cache.put(path, blobs[path], head, fresh)
    return report
