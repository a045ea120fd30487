"""Python rules (see scanners/rules/registry.py for the full list)."""

from __future__ import annotations

from scanners.rules.base import RepoRule, Rule

BEHAVIOUR_RULES: tuple[Rule, ...] = ()
BEHAVIOUR_REPO_RULES: tuple[RepoRule, ...] = ()
