"""Optional per-file result cache, keyed by content.

Key = sha256 over (file bytes, path, engine version, scanner versions, analysis settings,
custom rule ids, a stable digest of the repo context). Any change to the file, the
engine, a scanner, the thresholds or the repository's context (which custom rules read)
misses. Repo-level rules' `conclude` always re-runs in the parent over the cached facts.

Entries are pickles written by this engine into a directory the operator configures;
only point `cache_dir` at a directory nobody else can write.
"""

from __future__ import annotations

import dataclasses
import enum
import hashlib
import json
import os
import pickle
import tempfile
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from scanners import __version__ as ENGINE_VERSION
from scanners.analysis import AnalysisSettings, FileOutcome
from scanners.discovery import DiscoveredFile
from scanners.paths import read_inside
from scanners.project.context import RepoContext
from scanners.registry import scanner_versions

# Bump whenever the pickled classes change shape (fields, slots): an entry of an older
# shape would unpickle into a broken object rather than fail. 2: value objects with slots.
# 3: provenance fields on findings and file metrics.
_FORMAT = "3"


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


def _without_root(context: Any) -> Any:
    if dataclasses.is_dataclass(context) and not isinstance(context, type) and hasattr(context, "root"):
        return dataclasses.replace(context, root="")
    return context


class ResultCache:
    """Lookups and stores of `FileOutcome`s; a disabled cache answers every lookup with a miss."""

    def __init__(self, directory: Path | None, salt: str) -> None:
        self.directory = directory
        self.salt = salt
        self._keys: dict[str, str] = {}

    @classmethod
    def open(
        cls,
        directory: Path | None,
        settings: AnalysisSettings,
        context: RepoContext | None,
        rule_ids: Iterable[str],
    ) -> ResultCache:
        """The cache in `directory` (None: disabled) for scans with these settings, this
        repository context and these custom rules."""
        if directory is None:
            return cls(None, "")
        parts = {
            "format": _FORMAT,
            "engine": ENGINE_VERSION,
            "scanners": scanner_versions(settings.scanners),
            "settings": _stable(settings),
            "rules": sorted(rule_ids),
            # The checkout lives in a fresh directory per scan: its path must not be part of
            # the key, or no scan would ever hit the previous one's entries.
            "context": _stable(_without_root(context)),
        }
        salt = hashlib.sha256(json.dumps(parts, sort_keys=True).encode()).hexdigest()
        directory.mkdir(parents=True, exist_ok=True)
        return cls(directory, salt)

    def _entry(self, root: Path, file: DiscoveredFile) -> Path | None:
        if self.directory is None:
            return None
        key = self._keys.get(file.path)
        if key is None:
            try:
                # A cache lookup reads the file in the parent; on a miss the worker reads it
                # again. Only cached scans pay this, and only for changed files.
                data = read_inside(root, file.path, file.size + 1)
            except OSError:
                return None
            # The text path, not the name's raw bytes: the escape is part of the outcome.
            key = hashlib.sha256(b"\0".join((self.salt.encode(), file.path.encode(), data))).hexdigest()
            self._keys[file.path] = key
        return self.directory / key[:2] / f"{key}.pkl"

    def get(self, root: Path, file: DiscoveredFile) -> FileOutcome | None:
        entry = self._entry(root, file)
        if entry is None or not entry.is_file():
            return None
        try:
            with entry.open("rb") as handle:
                outcome = pickle.load(handle)  # noqa: S301 - our own entries, see module docstring
        except (OSError, pickle.UnpicklingError, EOFError, AttributeError, ImportError):
            return None
        return outcome if isinstance(outcome, FileOutcome) else None

    def store_all(self, root: Path, files: Iterable[DiscoveredFile], outcomes: Iterable[FileOutcome]) -> None:
        if self.directory is None:
            return
        by_path = {f.path: f for f in files}
        for outcome in outcomes:
            file = by_path.get(outcome.path)
            entry = self._entry(root, file) if file is not None else None
            if entry is None or outcome.metrics is None:
                continue  # skipped files are cheap to re-check and may become readable
            entry.parent.mkdir(parents=True, exist_ok=True)
            # Write-then-rename: a concurrent scan never reads a half-written entry.
            fd, tmp = tempfile.mkstemp(dir=entry.parent, suffix=".tmp")
            with os.fdopen(fd, "wb") as handle:
                pickle.dump(outcome, handle, protocol=pickle.HIGHEST_PROTOCOL)
            os.replace(tmp, entry)
