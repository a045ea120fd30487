"""The same recursion budget for every file, wherever the engine is called from.

Why this exists (the flaky hostile case): Python's recursion limit counts every frame
on the stack, the caller's included. `ast.parse` (its AST construction), bandit's and
radon's visitors, `json.loads` and `tomllib` all recurse once per nesting level, so a
file nested close to the limit parsed and was analysed from a shallow stack (`python -m
scanners`) but hit RecursionError from a deep one: inside a Celery task, or a pool
process forked from it (a forked child starts with the parent's stack). The same
file then gave different findings (old code: a `scanner:crashed` warning instead of
bandit's and radon's results) depending on how the scan was started, which path the
result cache left for the file, and the caller's depth that day. An expression of ~300
terms shows it: nothing at depth 0, a crash at depth 150 (tests/scanners/test_headroom.py).

`with_headroom` sets the limit to the current depth plus a fixed `HEADROOM` for the
duration of one call, so a file's outcome depends only on the file.
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from typing import TypeVar

T = TypeVar("T")

# Frames a file's analysis may use above its caller: Python's default limit, as a shallow
# caller (the CLI) always had it.
HEADROOM = 1000


def stack_depth() -> int:
    """Frames on the current thread's stack."""
    depth = 0
    frame = sys._getframe()
    while frame is not None:
        depth += 1
        frame = frame.f_back  # type: ignore[assignment]
    return depth


def with_headroom(function: Callable[[], T]) -> T:
    """`function()` with exactly `HEADROOM` frames of recursion available to it."""
    saved = sys.getrecursionlimit()
    sys.setrecursionlimit(stack_depth() + HEADROOM)
    try:
        return function()
    finally:
        sys.setrecursionlimit(saved)
