"""This process's copy of the cache file it read or wrote last.

A worker scanning one repository again reads back what its previous scan wrote (the
replay state, the decided runs, the verdicts): the largest reads of a re-scan's
attribution. Each cache keeps its last file's value here instead, and uses it only while
the file on disk is still the one it was (same size and modification time): one another
process rewrote, or that was damaged or pruned, is read again. Entries are immutable in
meaning (keyed by commit and window), so a copy is never stale otherwise.
"""

from __future__ import annotations

from pathlib import Path
from typing import Generic, TypeVar

T = TypeVar("T")


def _identity(path: Path) -> tuple[int, int] | None:
    try:
        stat = path.stat()
    except OSError:
        return None
    return stat.st_size, stat.st_mtime_ns


class LastFile(Generic[T]):
    """One file's value at a time."""

    def __init__(self) -> None:
        self._kept: tuple[Path, tuple[int, int], T] | None = None

    def get(self, path: Path) -> T | None:
        kept = self._kept
        if kept is None or kept[0] != path or kept[1] != _identity(path):
            return None
        return kept[2]

    def keep(self, path: Path, value: T) -> None:
        """Remember `value` as the contents of `path` as it is now (just read or written)."""
        identity = _identity(path)
        self._kept = (path, identity, value) if identity is not None else None

    def forget(self) -> None:
        self._kept = None
