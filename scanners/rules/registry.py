"""The one explicit list of our rules. No discovery, no name magic."""

from __future__ import annotations

from scanners.model import RuleMeta
from scanners.rules.base import RepoRule, Rule
from scanners.rules.javascript import JS_REPO_RULES, JS_RULES
from scanners.rules.python import PYTHON_REPO_RULES, PYTHON_RULES

FILE_RULES: tuple[Rule, ...] = PYTHON_RULES + JS_RULES
REPO_RULES: tuple[RepoRule, ...] = PYTHON_REPO_RULES + JS_REPO_RULES


def rule_catalogue() -> tuple[RuleMeta, ...]:
    """Metadata of every custom rule, sorted by id (rules page, SARIF rules[])."""
    metas = [r.meta for r in FILE_RULES] + [r.meta for r in REPO_RULES]
    ids = [m.id for m in metas]
    duplicates = {i for i in ids if ids.count(i) > 1}
    if duplicates:
        raise RuntimeError(f"duplicate rule ids in registry: {sorted(duplicates)}")
    return tuple(sorted(metas, key=lambda m: m.id))
