"""Optional result cache for re-scans: per-file outcomes, file digests, repository contexts.

Everything lives in the operator's `cache_dir`; nothing is cached without one. What each
part is keyed by, and so what invalidates it:

**Per-file outcomes** (`<dir>/<xx>/<key>.pkl`). Key = sha256 over (the file's content
sha256, its path, engine version, a digest of the engine's own source and data files,
scanner versions, analysis settings, custom rule ids, the digest of the repository
context). A change to the file's bytes, its path, the engine's version or code, a
scanner, the thresholds, the set of custom rules or anything the context holds misses.
Repo-level rules' `conclude` always re-runs in the parent over the cached facts. An
outcome is stored only when the worker's own digest of the bytes it analysed equals the
key's, so a file rewritten during the scan never caches a result under the wrong key.

**File digests** (`<dir>/stat/<sha256 of the checkout's real path>.pkl`). The content
sha256 of each file is taken from the previous scan of the *same directory* when the
file's stat data is unchanged: size, mtime_ns, ctime_ns, inode and device (from the
discovery walk's own `lstat`, no extra system call). Anything else is read and hashed.
Writing a file changes its mtime and ctime; `os.utime` can put the mtime back but sets
the ctime to now, and nothing but the kernel sets the ctime, so a rewrite of the same
size with a forged mtime is still detected. A file whose mtime or ctime is within
`paths.SETTLE_NS` (2 s) of the scan's start is not recorded (the "racy" case of git's index: a
write in the same clock tick as the recorded stamp would look unchanged), so it is hashed
again next time. A fresh checkout (a new directory, new inodes, mtime = now) has no usable
entry and is hashed in full, exactly as without this index; at most `_MAX_SIDE_FILES`
directories are remembered (least recently written are dropped).

**Repository contexts** (`<dir>/context/<key>.pkl`). Key = sha256 over (engine version,
the source of `scanners/project/`, the sorted list of discovered paths). The entry also
records every input the build read (each manifest's bytes digest, a missing file as "",
the stamp (mtime, ctime, inode) of every directory the JS side walked, taken before
listing it: adding, removing or renaming an entry moves it); it is reused only when
re-reading those inputs gives the same digests and stamps (a directory stamp within the
settle window is never trusted). So the context is rebuilt when a file is added, removed
or renamed, when a manifest it read (pyproject.toml, setup.py/cfg, requirements*,
Pipfile, package.json, tsconfig/jsconfig and what they extend, `.d.ts` files,
`.gitignore`) changes or appears, or when the engine changes, never for an edit of an
ordinary source file. Its stable digest (part of every outcome key) is stored with it.

Entries are pickles written by this engine into a directory the operator configures;
only point `cache_dir` at a directory nobody else can write.
"""

from __future__ import annotations

import dataclasses
import enum
import gc
import hashlib
import json
import os
import pickle
import tempfile
import time
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from functools import lru_cache
from pathlib import Path
from typing import Any

from scanners import __version__ as ENGINE_VERSION
from scanners import paths as scanner_paths
from scanners.analysis import AnalysisSettings, FileOutcome
from scanners.discovery import STAMP, DiscoveredFile
from scanners.paths import input_digest, read_inside, recording_reads
from scanners.project.context import RepoContext
from scanners.project.javascript import DIR_INPUT, dir_input_digest
from scanners.registry import scanner_versions

# Bump whenever the pickled classes change shape (fields, slots): an entry of an older
# shape would unpickle into a broken object rather than fail. 2: value objects with slots.
# 3: keys over the content digest, file digests and contexts cached.
# 4: provenance fields on findings and file metrics.
_FORMAT = "4"
_MAX_SIDE_FILES = 16  # file-digest indexes and contexts kept, each (a big one is ~15 MB)

Stamp = bytes  # DiscoveredFile.stamp


def _stable(value: Any) -> Any:
    """A JSON-able form whose encoding does not depend on set order or hash seeds."""
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {f.name: _stable(getattr(value, f.name)) for f in dataclasses.fields(value)}
    if isinstance(value, enum.Enum):
        return value.value
    if isinstance(value, dict):
        return sorted(([_stable(k), _stable(v)] for k, v in value.items()), key=repr)
    if isinstance(value, (set, frozenset)):
        return sorted((_stable(v) for v in value), key=repr)
    if isinstance(value, (list, tuple)):
        return [_stable(v) for v in value]
    if value is None or isinstance(value, (str, int, float, bool)):
        return value
    return repr(value)


def _without_root(context: RepoContext) -> RepoContext:
    return dataclasses.replace(context, root="")


def context_digest(context: RepoContext | None) -> str:
    """A digest of the context's value that does not depend on where the checkout is."""
    if context is None:
        return "none"
    return hashlib.sha256(json.dumps(_stable(_without_root(context))).encode()).hexdigest()


@contextmanager
def gc_paused() -> Iterator[None]:
    """Loading thousands of entries allocates hundreds of thousands of objects and none is
    garbage: without this, the cyclic collector's passes cost more than the loads."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        # What was loaded lives as long as the scan: frozen, the first collection after
        # the pause does not walk all of it (≈50 ms on Django's cache). The engine
        # unfreezes when the scan ends (scanners/engine.py, scan_directory).
        gc.freeze()
        if enabled:
            gc.enable()


def _write_atomic(path: Path, value: Any) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    # Write-then-rename: a concurrent scan never reads a half-written entry.
    fd, tmp = tempfile.mkstemp(dir=path.parent, suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as handle:
            pickle.dump(value, handle, protocol=pickle.HIGHEST_PROTOCOL)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def _load(path: Path) -> Any:
    try:
        with path.open("rb") as handle:
            return pickle.load(handle)  # noqa: S301 - our own entries, see module docstring
    except (OSError, pickle.UnpicklingError, EOFError, AttributeError, ImportError, ValueError):
        return None


def _evict(directory: Path, keep: int) -> None:
    """Drop all but the `keep` most recently written entries of `directory`."""
    try:
        entries = sorted(directory.glob("*.pkl"), key=lambda p: p.stat().st_mtime_ns, reverse=True)
        for stale in entries[keep:]:
            stale.unlink(missing_ok=True)
    except OSError:
        pass  # another scan evicting the same entries; the next write tries again


class FileDigests:
    """Content sha256 of the checkout's files, from the stat index when their stat data
    is unchanged since the last scan of the same directory (see the module docstring)."""

    def __init__(self, directory: Path | None, root: Path) -> None:
        self.root = root
        self.hashed = 0  # files read and hashed in this scan (the rest came from the index)
        self._started_ns = time.time_ns()
        self._current: dict[str, tuple[Stamp, str]] = {}
        self._path: Path | None = None
        self._previous: dict[str, tuple[Stamp, str]] = {}
        if directory is not None:
            name = hashlib.sha256(os.fsencode(str(root))).hexdigest()
            self._path = directory / "stat" / f"{name}.pkl"
            loaded = _load(self._path)
            if isinstance(loaded, tuple) and len(loaded) == 2 and loaded[0] == _FORMAT:
                self._previous = loaded[1]

    def of(self, file: DiscoveredFile) -> str | None:
        """The sha256 of the file's bytes, or None when it cannot be read."""
        known = self._current.get(file.path)
        if known is not None:
            return known[1]
        previous = self._previous.get(file.path)
        if file.stamp and previous is not None and previous[0] == file.stamp:
            digest = previous[1]
        else:
            try:
                data = read_inside(self.root, file.path, file.size + 1)
            except OSError:
                return None
            self.hashed += 1
            digest = hashlib.sha256(data).hexdigest()
            if len(data) != file.size:
                return digest  # changed since the walk: its stamp does not describe these bytes
        if file.stamp and max(STAMP.unpack(file.stamp)[1:3]) < self._started_ns - scanner_paths.SETTLE_NS:
            self._current[file.path] = (file.stamp, digest)
        return digest

    def save(self) -> None:
        if self._path is None or self._current == self._previous:
            return
        _write_atomic(self._path, (_FORMAT, self._current))
        _evict(self._path.parent, _MAX_SIDE_FILES)


@lru_cache(maxsize=1)
def _project_code_digest() -> str:
    """The context builder's own source: a change to it must not reuse old contexts."""
    digest = hashlib.sha256(ENGINE_VERSION.encode())
    for path in sorted((Path(__file__).parent / "project").glob("*.py")):
        digest.update(path.name.encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()


@lru_cache(maxsize=1)
def _engine_code_digest() -> str:
    """The whole engine's source and data files: an outcome made by other rules' code (an
    upgrade that kept the version number, a patched checkout) must not be reused."""
    package = Path(__file__).parent
    digest = hashlib.sha256(ENGINE_VERSION.encode())
    for path in sorted(package.rglob("*")):
        if path.suffix in {".py", ".toml", ".json"} and "__pycache__" not in path.parts:
            digest.update(path.relative_to(package).as_posix().encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()


def _inputs_unchanged(root: Path, inputs: Iterable[tuple[str, int, str]]) -> bool:
    for key, limit, digest in inputs:
        reread = dir_input_digest if key.startswith(DIR_INPUT) else None
        current = reread(root, key) if reread else input_digest(root, key, limit)
        if current != digest:
            return False
    return True


def cached_context(
    directory: Path | None,
    root: Path,
    paths: list[str],
    build: Callable[[Path, list[str]], RepoContext],
) -> tuple[RepoContext, str]:
    """(the repository context, its digest): `build(root, paths)`, or the cached context of
    an earlier scan with the same paths and the same manifests (see the module docstring)."""
    if directory is None:
        # No cache, no key to salt: digesting a big context costs seconds for nothing.
        return build(root, paths), "none"
    key = hashlib.sha256(
        "\0".join([_FORMAT, _project_code_digest(), *paths]).encode("utf-8", "surrogatepass")
    ).hexdigest()
    entry = directory / "context" / f"{key}.pkl"
    with gc_paused():
        cached = _load(entry)
    if isinstance(cached, tuple) and len(cached) == 4 and cached[0] == _FORMAT:
        _, inputs, context, digest = cached
        if isinstance(context, RepoContext) and _inputs_unchanged(root, inputs):
            return dataclasses.replace(context, root=str(root)), digest
    with recording_reads() as inputs:
        context = build(root, paths)
    digest = context_digest(context)
    _write_atomic(entry, (_FORMAT, tuple(inputs), _without_root(context), digest))
    _evict(entry.parent, _MAX_SIDE_FILES)
    return context, digest


class ResultCache:
    """Lookups and stores of `FileOutcome`s; a disabled cache answers every lookup with a miss."""

    def __init__(self, directory: Path | None, salt: str, digests: FileDigests | None = None) -> None:
        self.directory = directory
        self.salt = salt
        self.digests = digests
        self._keys: dict[str, tuple[str, str]] = {}  # path → (content digest, entry key)

    @classmethod
    def open(
        cls,
        directory: Path | None,
        settings: AnalysisSettings,
        context_digest: str,
        rule_ids: Iterable[str],
        digests: FileDigests | None = None,
    ) -> ResultCache:
        """The cache in `directory` (None: disabled) for scans with these settings, the
        repository context of this digest and these custom rules."""
        if directory is None or digests is None:
            return cls(None, "")
        parts = {
            "format": _FORMAT,
            "engine": ENGINE_VERSION,
            "code": _engine_code_digest(),
            "scanners": scanner_versions(settings.scanners),
            "settings": _stable(settings),
            "rules": sorted(rule_ids),
            # The checkout lives in a fresh directory per scan: its path is not part of the
            # context's digest, or no scan would ever hit the previous one's entries.
            "context": context_digest,
        }
        salt = hashlib.sha256(json.dumps(parts, sort_keys=True).encode()).hexdigest()
        directory.mkdir(parents=True, exist_ok=True)
        return cls(directory, salt, digests)

    def _entry(self, file: DiscoveredFile) -> tuple[str, Path] | None:
        if self.directory is None or self.digests is None:
            return None
        known = self._keys.get(file.path)
        if known is None:
            content = self.digests.of(file)
            if content is None:
                return None
            # The text path, not the name's raw bytes: the escape is part of the outcome.
            parts = (self.salt, file.path, content)
            key = hashlib.sha256("\0".join(parts).encode("utf-8", "surrogatepass")).hexdigest()
            known = self._keys[file.path] = (content, key)
        return known[0], self.directory / known[1][:2] / f"{known[1]}.pkl"

    def get(self, file: DiscoveredFile) -> FileOutcome | None:
        entry = self._entry(file)
        if entry is None:
            return None
        outcome = _load(entry[1])
        return outcome if isinstance(outcome, FileOutcome) else None

    def store(self, file: DiscoveredFile, outcome: FileOutcome) -> None:
        entry = self._entry(file)
        if entry is None or outcome.metrics is None:
            return  # skipped files are cheap to re-check and may become readable
        if outcome.metrics.sha256 != entry[0]:
            return  # rewritten between our digest and the worker's read: key and result differ
        _write_atomic(entry[1], outcome)

    def finish(self) -> None:
        """Remember this scan's file digests for the next scan of the same directory."""
        if self.digests is not None:
            self.digests.save()
