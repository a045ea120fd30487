"""Rules for JavaScript / TypeScript / JSX / TSX sources (tree-sitter)."""

from __future__ import annotations

from scanners.rules.base import RepoRule, Rule
from scanners.rules.javascript.imports import UndeclaredJsPackage, UnresolvedJsImport
from scanners.rules.javascript.deprecated import DeprecatedJsApi
from scanners.rules.javascript.password_hash import WeakPasswordHashJs
from scanners.rules.javascript.react import DeprecatedReactApi

JS_RULES: tuple[Rule, ...] = (
    UnresolvedJsImport(),
    UndeclaredJsPackage(),
    DeprecatedReactApi(),
    DeprecatedJsApi(),
    WeakPasswordHashJs(),
)
JS_REPO_RULES: tuple[RepoRule, ...] = ()
