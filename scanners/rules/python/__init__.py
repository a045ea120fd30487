"""Rules for Python sources (ast)."""

from __future__ import annotations

from scanners.rules.base import RepoRule, Rule

PYTHON_RULES: tuple[Rule, ...] = ()
PYTHON_REPO_RULES: tuple[RepoRule, ...] = ()
