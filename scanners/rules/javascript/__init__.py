"""Rules for JavaScript / TypeScript / JSX / TSX sources (tree-sitter)."""

from __future__ import annotations

from scanners.rules.base import RepoRule, Rule

JS_RULES: tuple[Rule, ...] = ()
JS_REPO_RULES: tuple[RepoRule, ...] = ()
