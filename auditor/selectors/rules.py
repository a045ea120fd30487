"""The rule catalogue, read from the engine's registry (the one source of rule docs)."""

from __future__ import annotations

from functools import cache

from scanners.model import Category, RuleMeta
from scanners.registry import DEFAULT_SCANNERS, rule_metadata


@cache
def rule_catalogue() -> tuple[RuleMeta, ...]:
    """Every rule the engine can report, sorted by id. Static per process, so cached."""
    return rule_metadata(DEFAULT_SCANNERS)


def rule_list(category: str = "", scanner: str = "") -> list[RuleMeta]:
    rules = rule_catalogue()
    return [
        r
        for r in rules
        if (not category or r.category.value == category) and (not scanner or r.scanner == scanner)
    ]


def rule_get(rule_id: str) -> RuleMeta | None:
    return next((r for r in rule_catalogue() if r.id == rule_id), None)


def rule_counts_by_category() -> list[tuple[str, int]]:
    rules = rule_catalogue()
    return [(c.value, sum(1 for r in rules if r.category is c)) for c in Category]
