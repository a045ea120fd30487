"""Decided lines kept with the replayed state they were decided from, so that a re-scan
decides again only the files that changed.

A file's runs of origins (attribution.decide) follow from its lines' commits and from what
is known of those commits: whether each is in the window or at the clone's edge, its
signature verdict, its line-level records (Git AI note, Agent Trace ranges), and whether
the path is declared AI-written. When the replay state of a commit is stored
(replay.py), the runs of every file decided at that commit are stored beside it, with:

* a digest of what holds for the whole entry: the signature set (the team's patterns
  included), the declared-path globs, the window size;
* the window and the edge commits then, and the identity of each commit's records (a
  note's blob id, a digest of its trace ranges).

A later scan that continues the same state reuses a file's runs unless a replayed commit
touched the file, it differs on disk from HEAD, its line count differs, or one of its
lines comes from a commit whose standing changed: it left the window, it became or
stopped being an edge, or its records changed. Any other difference in the digest
discards the entry. Entries are pickles written by this engine only, as the replay
state (replay.ReplayCache says why that is safe).
"""

from __future__ import annotations

import hashlib
import os
import pickle
import tempfile
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from operator import itemgetter
from pathlib import Path
from typing import Any

from scanners.provenance.lastfile import LastFile

_FORMAT = 1
_UNREADABLE = (OSError, pickle.UnpicklingError, EOFError, AttributeError, ImportError, ValueError, TypeError,
               IndexError, KeyError)  # fmt: skip
_SHA = itemgetter(0)


@dataclass
class Decided:
    """The runs decided at one commit: path → (line count, runs of (first, last, origin
    index)), the origins as (origin, tool, model, source) tuples."""

    digest: str
    window: set[str]
    shallow: set[str]
    records: dict[str, str]  # commit → identity of its line-level records
    origins: list[tuple[str, str, str, str]]
    files: dict[str, tuple[int, tuple[tuple[int, int, int], ...]]]
    # Runs already made from `files` in this process (not stored): path → runs.
    made: dict[str, Any] = field(default_factory=dict, repr=False, compare=False)

    def changed_commits(self, window: set[str], shallow: set[str], records: Mapping[str, str]) -> set[str]:
        """Commits whose lines this entry decided differently from how they are decided now."""
        changed = (self.window - window) | (self.shallow ^ shallow)
        before = self.records
        changed.update(sha for sha in before.keys() | records.keys() if before.get(sha) != records.get(sha))
        return changed


def entry_digest(signatures: Iterable[Any], globs: Iterable[Any], window_size: int) -> str:
    """What must be equal for an entry to be used at all."""
    table = [(s.id, s.tool, s.where, s.key, s.pattern.pattern) for s in signatures]
    text = repr((_FORMAT, window_size, table, [g.pattern for g in globs]))
    return hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()


def unaffected(lines: Iterable[tuple[str, int, str]], changed: set[str]) -> bool:
    """No line of `lines` comes from a commit of `changed` (checked in C)."""
    return not changed or changed.isdisjoint(map(_SHA, lines))


# The entry this process read or wrote last (lastfile.py), with the runs it made from it:
# a worker scanning one repository again neither reads nor decodes it.
_LAST: LastFile[Decided] = LastFile()

_STORED = ("digest", "window", "shallow", "records", "origins", "files")


def forget() -> None:
    """Drop the in-process copy (tests of the on-disk path)."""
    _LAST.forget()


class DecidedCache:
    """One entry per (commit, window size) on disk; None directory: no cache."""

    def __init__(self, directory: Path | None) -> None:
        self.directory = directory

    def _file(self, commit: str, window: int) -> Path | None:
        if self.directory is None:
            return None
        return self.directory / hashlib.sha256(f"{_FORMAT}:{commit}:{window}".encode()).hexdigest()

    def get(self, commit: str, window: int, digest: str) -> Decided | None:
        path = self._file(commit, window)
        if path is None:
            return None
        decided = _LAST.get(path)
        if decided is None:
            try:
                with path.open("rb") as handle:
                    entry = pickle.load(handle)  # noqa: S301 - our own entries, see the docstring
                decided = Decided(**{name: entry[name] for name in _STORED})
            except _UNREADABLE:
                return None
            _LAST.keep(path, decided)
        return decided if decided.digest == digest else None

    def put(self, commit: str, window_size: int, decided: Decided) -> None:
        path = self._file(commit, window_size)
        if path is None or self.directory is None:
            return
        self.directory.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=self.directory, prefix=".tmp-")
        with os.fdopen(fd, "wb") as handle:
            stored = {name: getattr(decided, name) for name in _STORED}
            pickle.dump(stored, handle, protocol=pickle.HIGHEST_PROTOCOL)
        os.replace(tmp, path)
        _LAST.keep(path, decided)


def encode_runs(
    runs: Iterable[tuple[int, int, Any]], index: dict[Any, int], origins: list[tuple[str, str, str, str]]
) -> tuple[tuple[int, int, int], ...]:
    """Runs with their origins as indexes into `origins` (extended as new ones appear)."""
    out = []
    for first, last, origin in runs:
        at = index.get(origin)
        if at is None:
            at = index[origin] = len(origins)
            origins.append((origin.origin, origin.tool, origin.model, origin.source))
        out.append((first, last, at))
    return tuple(out)
