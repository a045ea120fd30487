"""The shape every taint rule shares (Python AI601-AI607, JS/TS AI611-AI618): a family of
sinks, the per-file flows of one language's walker, and metadata in one mould."""

from __future__ import annotations

from collections.abc import Callable, Iterator

from scanners.model import Category, Confidence, RuleMeta, ScannerId, Severity
from scanners.project.context import RepoContext
from scanners.rules.base import Hit
from scanners.source import SourceFile
from scanners.taint.flow import Family, Flow


class TaintRule:
    """Flows of one sink family, as found by `flows` (memoised per file)."""

    def __init__(
        self,
        meta: RuleMeta,
        family: Family,
        flows: Callable[[SourceFile], tuple[Flow, ...]],
        example_filename: str | None = None,
    ) -> None:
        self.meta = meta
        self.family = family
        self._flows = flows
        if example_filename:
            self.example_filename = example_filename

    def check(self, source: SourceFile, context: RepoContext) -> Iterator[Hit]:
        del context
        for flow in self._flows(source):
            if flow.family == self.family:
                yield Hit(line=flow.line, column=flow.column, message=flow.message, flow=flow.steps)


def taint_meta(
    ids: tuple[str, str],
    title: str,
    texts: tuple[str, str],
    examples: tuple[str, str],
    severity: Severity,
    languages: tuple[str, ...],
) -> RuleMeta:
    """Metadata of a security rule: (id, name), (what, why), (bad, good)."""
    return RuleMeta(
        id=ids[0],
        name=ids[1],
        title=title,
        category=Category.SECURITY,
        severity=severity,
        confidence=Confidence.MEDIUM,
        scanner=ScannerId.AI_RULES,
        what=texts[0],
        why=texts[1],
        example=examples[0],
        use_instead=examples[1],
        languages=languages,
    )
