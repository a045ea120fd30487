"""What the repository declares and defines, for the JavaScript/TypeScript rules."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class JsProject:
    """Picklable facts about the repo's JS/TS side (package.json, tsconfig paths, …)."""

    declared_packages: frozenset[str] = frozenset()


def build_js_project(root: Path, paths: Iterable[str]) -> JsProject:
    """Read package.json and tsconfig/jsconfig files once."""
    return JsProject()
