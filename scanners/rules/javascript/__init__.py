"""Rules for JavaScript / TypeScript / JSX / TSX sources (tree-sitter)."""

from __future__ import annotations

from scanners.rules.base import RepoRule, Rule
from scanners.rules.javascript.imports import UndeclaredJsPackage, UnresolvedJsImport
from scanners.rules.javascript.react import DeprecatedReactApi

JS_RULES: tuple[Rule, ...] = (
    UnresolvedJsImport(),
    UndeclaredJsPackage(),
    DeprecatedReactApi(),
)
JS_REPO_RULES: tuple[RepoRule, ...] = ()
