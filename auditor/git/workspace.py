"""Private scan workspaces, removed whatever happens, whatever a hostile tree did to its modes."""

from __future__ import annotations

import contextlib
import logging
import os
import shutil
import stat
import tempfile
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

logger = logging.getLogger(__name__)


@contextlib.contextmanager
def workspace(base_dir: Path) -> Iterator[Path]:
    """Yield a fresh, private directory under ``base_dir``; remove it whatever happens."""
    base_dir = Path(base_dir)
    base_dir.mkdir(parents=True, exist_ok=True)
    path = Path(tempfile.mkdtemp(prefix="scan-", dir=base_dir))
    try:
        yield path
    finally:
        remove_tree(path)


def remove_tree(path: Path) -> None:
    """Delete ``path`` recursively, fixing permissions that get in the way.

    git writes pack files read-only and a hostile tree may contain directories
    without write or search permission. Symlinks are removed, never followed or
    chmod-ed (chmod would act on their target). Failures are logged, not raised, so
    that cleanup in a ``finally`` never hides the error that got us there.
    """
    if not os.path.lexists(path):
        return
    if os.path.islink(path) or not os.path.isdir(path):
        with contextlib.suppress(FileNotFoundError):
            os.unlink(path)
        return
    try:
        shutil.rmtree(path, onerror=_fix_and_retry)
    except OSError:
        logger.exception("could not remove %s", path)


def _fix_and_retry(func: Callable[..., Any], path: str, exc_info: Any) -> None:
    if not os.path.lexists(path):
        return
    _make_owner_writable(os.path.dirname(path))
    if os.path.isdir(path) and not os.path.islink(path):
        # Opening or listing the directory failed: open it up and start again there.
        # Only keep fixing if something changed, so a mode we cannot alter ends in an
        # error (logged by remove_tree) rather than endless recursion.
        changed = _make_owner_writable(path)
        shutil.rmtree(path, onerror=_fix_and_retry if changed else None)
        return
    func(path)


def _make_owner_writable(path: str) -> bool:
    """Give the owner rwx on ``path`` (never through a symlink); return whether it changed."""
    if os.path.islink(path):
        return False
    mode = stat.S_IMODE(os.lstat(path).st_mode)
    if mode & stat.S_IRWXU == stat.S_IRWXU:
        return False
    os.chmod(path, mode | stat.S_IRWXU)
    return True
