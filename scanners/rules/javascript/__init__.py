"""Rules for JavaScript / TypeScript / JSX / TSX sources (tree-sitter)."""

from __future__ import annotations

from scanners.rules.base import RepoRule, Rule
from scanners.rules.javascript.deprecated import DeprecatedJsApi
from scanners.rules.javascript.fetch import UncheckedFetchResponse, UnguardedExternalData
from scanners.rules.javascript.imports import UndeclaredJsPackage, UnresolvedJsImport
from scanners.rules.javascript.naming import JsNamingDrift
from scanners.rules.javascript.password_hash import WeakPasswordHashJs
from scanners.rules.javascript.promises import PromiseWithoutCatch
from scanners.rules.javascript.races import CheckThenActAcrossAwaitJs
from scanners.rules.javascript.react import DeprecatedReactApi
from scanners.rules.javascript.security import HardcodedSecretJs, SensitiveDataInConsole

JS_RULES: tuple[Rule, ...] = (
    UnresolvedJsImport(),
    UndeclaredJsPackage(),
    DeprecatedReactApi(),
    DeprecatedJsApi(),
    WeakPasswordHashJs(),
    UncheckedFetchResponse(),
    UnguardedExternalData(),
    PromiseWithoutCatch(),
    CheckThenActAcrossAwaitJs(),
    SensitiveDataInConsole(),
    HardcodedSecretJs(),
)
JS_REPO_RULES: tuple[RepoRule, ...] = (JsNamingDrift(),)
