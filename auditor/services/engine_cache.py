"""Housekeeping of the engine's per-file result cache."""

from __future__ import annotations

import time
from pathlib import Path

from django.conf import settings


def engine_cache_prune(max_age_days: int | None = None, directory: Path | None = None) -> int:
    """Delete cache entries written more than `max_age_days` ago; returns how many.

    Entries are immutable (keyed by content), so age is the only eviction criterion
    needed; a pruned entry that is still useful is recomputed once.
    """
    root = directory or (Path(settings.SCAN_ENGINE_CACHE_DIR) if settings.SCAN_ENGINE_CACHE_DIR else None)
    if root is None or not root.is_dir():
        return 0
    days = settings.SCAN_ENGINE_CACHE_DAYS if max_age_days is None else max_age_days
    cutoff = time.time() - days * 86400
    removed = 0
    for entry in root.glob("*/*"):
        try:
            if entry.is_file() and entry.stat().st_mtime < cutoff:
                entry.unlink()
                removed += 1
        except FileNotFoundError:
            continue  # another worker pruned it first
    return removed
