"""What the repository declares and defines, for the Python rules."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class PythonProject:
    """Picklable facts about the repo's Python side, built once per scan."""

    modules: frozenset[str] = frozenset()  # dotted modules/packages the repo defines
    # Lowest Python the repo declares (`requires-python = ">=3.12"` → (3, 12)); None if undeclared.
    requires_python: tuple[int, int] | None = None


def build_python_project(root: Path, paths: Iterable[str]) -> PythonProject:
    """Index the repo's Python modules and declared dependencies (no AST parsing)."""
    return PythonProject()
