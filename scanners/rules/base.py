"""The contracts every custom rule implements.

Two shapes of rule:
- `Rule` looks at one file at a time (runs in the worker pool, on the shared tree);
- `RepoRule` needs the whole repository (e.g. naming drift against the repo's dominant
  convention): `collect` runs per file in the pool and returns small picklable facts,
  `conclude` runs once in the parent over the facts of every file.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any, Protocol

from scanners.model import Confidence, RuleMeta, Severity
from scanners.project.context import RepoContext
from scanners.source import SourceFile


@dataclass(frozen=True)
class Hit:
    """A rule's raw observation; the engine turns it into a `Finding`
    (snippet, fingerprint, suppression) so rules never do that themselves."""

    line: int
    message: str
    column: int = 0
    end_line: int | None = None
    severity: Severity | None = None  # None → the rule's default
    confidence: Confidence | None = None
    # Repo-level rules run where the file text is gone; they pass the line's text here.
    # Rules that mask secrets pass the masked text here too.
    snippet: str | None = None
    # A taint flow's steps, source first, sink last: (1-based line, 0-based column, message).
    flow: tuple[tuple[int, int, str], ...] = ()


class Rule(Protocol):
    meta: RuleMeta

    def check(self, source: SourceFile, context: RepoContext) -> Iterator[Hit]:
        """Yield hits for one file. Must not raise on odd-but-valid code."""
        ...


class RepoRule(Protocol):
    meta: RuleMeta

    def collect(self, source: SourceFile, context: RepoContext) -> Any:
        """Per-file facts (picklable, small). Runs in the worker pool."""
        ...

    def conclude(self, facts: Mapping[str, Any], context: RepoContext) -> Iterator[tuple[str, Hit]]:
        """(path, hit) pairs over the whole repository. Runs once, in the parent."""
        ...
