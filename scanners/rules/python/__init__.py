"""Rules for Python sources (ast)."""

from __future__ import annotations

from scanners.rules.base import RepoRule, Rule
from scanners.rules.python.behaviour_rules import BEHAVIOUR_REPO_RULES, BEHAVIOUR_RULES
from scanners.rules.python.context_rules import CONTEXT_REPO_RULES, CONTEXT_RULES

PYTHON_RULES: tuple[Rule, ...] = CONTEXT_RULES + BEHAVIOUR_RULES
PYTHON_REPO_RULES: tuple[RepoRule, ...] = CONTEXT_REPO_RULES + BEHAVIOUR_REPO_RULES
