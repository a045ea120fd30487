"""Python rules (see scanners/rules/registry.py for the full list)."""

from __future__ import annotations

from scanners.rules.base import RepoRule, Rule

CONTEXT_RULES: tuple[Rule, ...] = ()
CONTEXT_REPO_RULES: tuple[RepoRule, ...] = ()
