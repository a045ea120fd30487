"""Line attribution for a whole linear history in one git process: the fast path.

`git blame` per file walks the history once per file; on a repository of thousands of
files and commits that is thousands of processes and walks. When the history window has
no merge commit, the same answer comes from replaying its diffs oldest first
(`git log --reverse -p -U0 -M`): every added line takes the commit that added it, every
other line keeps what it had, a rename carries the file's lines along (as blame follows a
renamed file). Lines from before the window, which no replayed diff added, stay
unattributed (unknown), as blame's lines at the window's edge do.

The state at a commit is cached (keyed by that commit and the window size), so the next
scan replays only the commits since a stored one: a state is stored again every
`_STORE_EVERY` commits, and a re-scan lists only the commits above its stored state to know
its window (`cached_window`). What invalidates a stored state: an edge commit it was
computed with that this clone sees past (a deeper clone); no stored state among the newest
200 commits (a rewritten history); a change of format. A history with merges is not
replayed: blame (blame.py) handles it.
"""

from __future__ import annotations

import codecs
import hashlib
import os
import pickle
import re
import tempfile
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from scanners.paths import escape_path
from scanners.provenance.blame import BlameLine, LineRef
from scanners.provenance.gitrun import ReadOnlyGit
from scanners.provenance.lastfile import LastFile

_HUNK = re.compile(rb"@@ -(\d+)(?:,(\d+))? \+(\d+)(?:,(\d+))? @@")
_NO_LINE = BlameLine("", 0, "")  # a line from before the window
_FORMAT = 2  # 2: pickled line tuples

State = dict[str, list[LineRef]]  # engine path → one entry per line
Hunks = list[tuple[int, int, int, int]]  # (old start, old length, new start, new length), -U0


@dataclass
class Replay:
    state: State
    touched: set[str]  # paths a replayed commit changed (the rest came from the cache)
    from_cache: bool
    base: str = ""  # the commit whose stored state this continued ("" when computed afresh)
    stored: bool = False  # the state at the head was stored by this replay


def _unquote(raw: bytes) -> bytes:
    """A path as git prints it in diff headers: C-quoted when unusual."""
    if raw.startswith(b'"') and raw.endswith(b'"'):
        return codecs.escape_decode(raw[1:-1])[0]
    return raw


def _side(line: bytes, prefix: bytes) -> bytes | None:
    rest = _unquote(line[4:].rstrip(b"\n"))
    return None if rest == b"/dev/null" else rest[len(prefix) :] if rest.startswith(prefix) else rest


def _apply(
    lines: list[LineRef], hunks: list[tuple[int, int, int, int]], sha: str, path: str
) -> list[LineRef]:
    out: list[LineRef] = []
    cursor = 0  # old lines consumed
    for old_start, old_len, new_start, new_len in hunks:
        # -U0: with old_len 0 the hunk inserts after old line old_start; else it replaces
        # old lines old_start .. old_start + old_len - 1.
        keep_until = old_start if old_len == 0 else old_start - 1
        if keep_until > len(lines):  # lines from before the window we never saw
            lines = lines + [_NO_LINE] * (keep_until - len(lines))
        out.extend(lines[cursor:keep_until])
        out.extend(BlameLine(sha, n, path) for n in range(new_start, new_start + new_len))
        cursor = keep_until + old_len
    out.extend(lines[cursor:])
    return out


def _flush(
    state: State, touched: set[str], sha: str, file: tuple[bytes | None, bytes | None], hunks: Hunks
) -> None:
    """Apply one file's diff of commit `sha` to `state`."""
    old, new = file
    if old is None and new is None:
        return
    before = state.pop(escape_path(old), []) if old is not None else []
    if new is None:
        touched.add(escape_path(old or b""))
        return
    key = escape_path(new)
    state[key] = _apply(before, hunks, sha, new.decode("utf-8", "surrogateescape")) if hunks else before
    touched.add(key)


def _replay(output: Iterable[bytes], state: State) -> set[str]:
    """Apply every commit of `output` (the lines of `git log --format=%x00%H -p`, read as
    they come: a first replay of a large tree is tens of megabytes of diff) to `state` in
    order; returns the paths touched."""
    touched: set[str] = set()
    sha = ""
    old: bytes | None = None
    new: bytes | None = None
    hunks: Hunks = []
    for raw in output:
        line = raw[:-1] if raw.endswith(b"\n") else raw
        if line.startswith(b"\0"):  # the next commit (a diff line never starts with NUL)
            if sha:
                _flush(state, touched, sha, (old, new), hunks)
            sha = line[1:].decode("ascii", "replace").strip()
            old = new = None
            hunks = []
        elif line.startswith(b"diff --git "):
            _flush(state, touched, sha, (old, new), hunks)
            old = new = None
            hunks = []
            # Until ---/+++ or rename lines say otherwise (a pure rename, a mode change).
            a_b = line[11:]
            if b" b/" in a_b and not a_b.startswith(b'"'):
                left, _, right = a_b.partition(b" b/")
                old, new = left[2:], right
        elif line.startswith(b"rename from "):
            old = _unquote(line[12:])
        elif line.startswith(b"rename to "):
            new = _unquote(line[10:])
        elif line.startswith(b"new file mode"):
            old = None
        elif line.startswith(b"deleted file mode"):
            new = None
        elif line.startswith(b"--- "):
            old = _side(line, b"a/")
        elif line.startswith(b"+++ "):
            new = _side(line, b"b/")
        elif line.startswith(b"@@ "):
            match = _HUNK.match(line)
            if match:
                a, b, c, d = match.groups()
                hunks.append((int(a), int(b if b is not None else 1), int(c), int(d if d is not None else 1)))
        elif line.startswith(b"Binary files "):
            hunks = []
    if sha:
        _flush(state, touched, sha, (old, new), hunks)
    return touched


# The entry this process read or wrote last (lastfile.py): a worker scanning one
# repository again continues the state it stored without reading it back. At most
# _MEMO_LINES lines; a caller gets its own copy of the state's mapping (replaying replaces
# a file's list of lines, never changes one in place).
_LAST: LastFile[dict[str, Any]] = LastFile()
_MEMO_LINES = 2_000_000


def forget() -> None:
    """Drop the in-process copy (tests of the on-disk path)."""
    _LAST.forget()


def _remember(path: Path, entry: dict[str, Any]) -> None:
    if sum(map(len, entry["state"].values())) <= _MEMO_LINES:
        _LAST.keep(path, entry)
    else:
        _LAST.forget()


class ReplayCache:
    """The replayed state at a commit, one file per (commit, window), with the clone's
    edge commits at the time (a deeper clone later must not reuse it).

    Entries are pickles, as the engine's own cache (scanners/cache.py, whose docstring
    says why that is safe): written by this engine into the directory the operator
    configures, never read from a scanned repository. A pickle of the state's tuples
    loads in C, each commit and path string once; JSON rebuilt every line in Python,
    and that was most of a re-scan's attribution time."""

    def __init__(self, directory: Path | None) -> None:
        self.directory = directory
        if directory is not None:
            directory.mkdir(parents=True, exist_ok=True)
        # The entry `window` read, kept for the `get` that follows in the same scan: one
        # load of the state per re-scan, not two.
        self._loaded: tuple[Path, dict[str, Any]] | None = None

    def _file(self, commit: str, window: int) -> Path | None:
        if self.directory is None:
            return None
        return self.directory / hashlib.sha256(f"{_FORMAT}:{commit}:{window}".encode()).hexdigest()

    def has(self, commit: str, window: int) -> bool:
        path = self._file(commit, window)
        return path is not None and path.is_file()

    def get(self, commit: str, window: int) -> tuple[State, set[str]] | None:
        """(state, the edge commits it was computed with) or None. The state is the
        caller's to change: a later `get` gets a copy of its own."""
        entry = self._load(commit, window, keep=False)
        return (entry["state"], set(entry["shallow"])) if entry is not None else None

    def window(self, commit: str, window: int) -> tuple[list[str], set[str]] | None:
        """(the window of `commit` when its state was stored, newest first; its edge commits)."""
        entry = self._load(commit, window, keep=True)
        return (entry["window"], set(entry["shallow"])) if entry is not None and entry["window"] else None

    def _load(self, commit: str, window: int, *, keep: bool) -> dict[str, Any] | None:
        path = self._file(commit, window)
        if path is None:
            return None
        loaded, self._loaded = self._loaded, None
        entry = loaded[1] if loaded is not None and loaded[0] == path else self._read(path)
        if entry is not None and keep:
            self._loaded = (path, entry)
        return entry

    def _read(self, path: Path) -> dict[str, Any] | None:
        kept = _LAST.get(path)
        if kept is not None:
            return {**kept, "state": dict(kept["state"])}
        try:
            with path.open("rb") as handle:
                entry = pickle.load(handle)  # noqa: S301 - our own entries, see the docstring
        except (OSError, pickle.UnpicklingError, EOFError, AttributeError, ImportError, ValueError,
                TypeError, IndexError):  # fmt: skip
            return None
        if not isinstance(entry, dict) or not isinstance(entry.get("state"), dict):
            return None
        if not isinstance(entry.get("shallow"), list) or not isinstance(entry.get("window", []), list):
            return None
        entry = {"window": [], **entry}
        _remember(path, entry)
        return {**entry, "state": dict(entry["state"])}

    def put(self, commit: str, window: int, state: State, shallow: set[str], commits: list[str]) -> None:
        path = self._file(commit, window)
        if path is None:
            return
        fd, tmp = tempfile.mkstemp(dir=self.directory, prefix=".tmp-")
        with os.fdopen(fd, "wb") as handle:
            # Plain tuples: a NamedTuple pickles and loads through a Python call per line.
            plain = {path: list(map(tuple, rows)) for path, rows in state.items()}
            entry = {"state": plain, "shallow": sorted(shallow), "window": commits}
            pickle.dump(entry, handle, protocol=pickle.HIGHEST_PROTOCOL)
        os.replace(tmp, path)
        # The caller's own mapping (no copy kept alive); nothing changes it after this.
        _remember(path, {**entry, "state": state})


_LOG = ("log", "--reverse", "-p", "-U0", "-M", "--no-color", "--no-ext-diff", "--no-textconv",
        "--format=%x00%H", "--diff-merges=off")  # fmt: skip
_CACHE_LOOKBACK = 200  # ancestors checked for a cached state (file existence checks only)
# A state is stored again only this many commits after the cached one it continued: the
# next scan replays those few diffs (milliseconds) instead of every scan rewriting the
# whole state (tens of milliseconds on thousands of files). Well inside the lookback.
_STORE_EVERY = 20


def cached_window(
    recent: list[list[str]], limit: int, shallow: set[str], *, cache: ReplayCache
) -> list[str] | None:
    """The newest `limit` commits from HEAD, without walking the whole history again.

    `recent`: `git rev-list --parents` rows of the newest commits (a few hundred). When one
    of them has a stored state whose window was merge-free, and the commits above it are
    merge-free too, the window is those commits followed by the stored one (a linear
    history, newest first), up to this clone's edge. None when no state is stored, or when
    the stored list ended at the edge of a shallower clone: the caller lists the history."""
    for distance, row in enumerate(recent):
        if len(row) > 2:
            return None  # a merge above any stored state: the window must be listed
        if not cache.has(row[0], limit):
            continue
        hit = cache.window(row[0], limit)
        if hit is None or hit[0][0] != row[0]:
            return None
        stored, stored_edges = hit
        window = [r[0] for r in recent[:distance]] + stored[: limit - distance]
        for index, sha in enumerate(window):
            if sha in shallow:  # rev-list stops at this clone's edge, and so does the window
                return window[: index + 1]
        if len(window) < limit and window[-1] in stored_edges:
            return None  # cut short by the edge of a shallower clone: this one sees further
        return window
    return None


def replay_history(
    git: ReadOnlyGit,
    window: list[str],
    limit: int,
    shallow: set[str],
    timeout: float,
    *,
    cache: ReplayCache,
) -> Replay:
    """The attribution state at `window[0]` (the head) over the commits of `window` (newest
    first, merge-free: the caller checks). Starts from the newest cached ancestor whose
    edge commits are still edges (or gone) in this clone, else from the window's start."""
    head, size = window[0], limit
    members = set(window)
    for distance, base in enumerate(window[:_CACHE_LOOKBACK]):
        if not cache.has(base, size):
            continue
        hit = cache.get(base, size)
        if hit is None or any(edge in members and edge not in shallow for edge in hit[1]):
            continue
        state, _ = hit
        touched: set[str] = set()
        if base != head:
            with git.output(*_LOG, f"{base}..{head}", "--", timeout=timeout) as (returncode, out, _):
                if returncode != 0:
                    break
                touched = _replay(out, state)
            if distance >= _STORE_EVERY:
                cache.put(head, size, state, shallow, window)
                return Replay(state, touched, True, base, stored=True)
        return Replay(state, touched, True, base)
    state = {}
    with git.output(*_LOG, f"--max-count={len(window)}", head, "--", timeout=timeout) as (returncode, out, _):
        touched = _replay(out, state) if returncode == 0 else set()
    if returncode == 0:
        cache.put(head, size, state, shallow, window)
    return Replay(state, touched, False, stored=returncode == 0 and cache.directory is not None)
