"""The one explicit list of our rules: every rule appears here once, and only here.

No discovery and no name magic: a rule that is not listed does not run. Two rules may
not share an id (findings, suppressions and SARIF `rules[]` are keyed by it); importing
this module fails if they do.
"""

from __future__ import annotations

from collections import Counter

from scanners.model import RuleMeta
from scanners.rules.authz import MissingAuthorisation, MissingAuthorisationJs
from scanners.rules.base import RepoRule, Rule
from scanners.rules.chatter import AssistantChatterJs, AssistantChatterRule
from scanners.rules.javascript.complexity import ComplexJsFunction, DeeplyNestedJsFunction
from scanners.rules.javascript.denylist import DenyListValidationJs
from scanners.rules.javascript.deprecated import DeprecatedJsApi
from scanners.rules.javascript.exports import MissingJsExport
from scanners.rules.javascript.fetch import UncheckedFetchResponse, UnguardedExternalData
from scanners.rules.javascript.imports import UndeclaredJsPackage, UnresolvedJsImport
from scanners.rules.javascript.lost_updates import LostUpdateAcrossAwaitJs
from scanners.rules.javascript.naming import JsNamingDrift
from scanners.rules.javascript.password_hash import WeakPasswordHashJs
from scanners.rules.javascript.placeholders import PlaceholderBodyJs, TestWithoutAssertionJs
from scanners.rules.javascript.promises import PromiseWithoutCatch
from scanners.rules.javascript.races import CheckThenActAcrossAwaitJs
from scanners.rules.javascript.react import DeprecatedReactApi
from scanners.rules.javascript.security import HardcodedSecretJs, SensitiveDataInConsole
from scanners.rules.javascript.taint_rules import JS_TAINT_RULES
from scanners.rules.placeholder_rule import PlaceholderPackage
from scanners.rules.python.concurrency import UnsynchronisedSharedStateRule
from scanners.rules.python.concurrency_async import CheckThenActAcrossAwaitRule
from scanners.rules.python.concurrency_updates import LostUpdateAcrossAwaitRule
from scanners.rules.python.context_rules import NamingDrift, UndeclaredDependency, UnresolvedImport
from scanners.rules.python.denylist import DenyListValidationRule
from scanners.rules.python.deprecated import DeprecatedApiRule
from scanners.rules.python.exceptions import BareExceptRule, SwallowedExceptionRule
from scanners.rules.python.hashing import WeakPasswordHashRule
from scanners.rules.python.logging_rules import SensitiveDataInLogRule
from scanners.rules.python.nesting import DeeplyNestedFunctionRule
from scanners.rules.python.network_rules import NetworkTimeoutRule, UnhandledNetworkFailureRule
from scanners.rules.python.optional import UncheckedOptionalRule
from scanners.rules.python.placeholders import PlaceholderBodyRule
from scanners.rules.python.secrets_rule import HardcodedSecretRule
from scanners.rules.python.taint_rules import PYTHON_TAINT_RULES
from scanners.rules.python.test_assertions import TestWithoutAssertionRule

# Rules that look at one file at a time (run in the worker pool).
FILE_RULES: tuple[Rule, ...] = (
    # Python: temporal, happy-path, concurrency, observability, security
    DeprecatedApiRule(),
    WeakPasswordHashRule(),
    BareExceptRule(),
    SwallowedExceptionRule(),
    NetworkTimeoutRule(),
    UnhandledNetworkFailureRule(),
    UncheckedOptionalRule(),
    UnsynchronisedSharedStateRule(),
    CheckThenActAcrossAwaitRule(),
    LostUpdateAcrossAwaitRule(),
    SensitiveDataInLogRule(),
    HardcodedSecretRule(),
    *PYTHON_TAINT_RULES,  # security: untrusted input reaching sinks (AI601-AI607)
    DeeplyNestedFunctionRule(),
    TestWithoutAssertionRule(),
    AssistantChatterRule(),
    DenyListValidationRule(),
    # JavaScript / TypeScript
    UnresolvedJsImport(),
    UndeclaredJsPackage(),
    DeprecatedReactApi(),
    DeprecatedJsApi(),
    WeakPasswordHashJs(),
    UncheckedFetchResponse(),
    UnguardedExternalData(),
    PromiseWithoutCatch(),
    CheckThenActAcrossAwaitJs(),
    LostUpdateAcrossAwaitJs(),
    SensitiveDataInConsole(),
    HardcodedSecretJs(),
    *JS_TAINT_RULES,  # security: untrusted input reaching sinks (AI611-AI618)
    ComplexJsFunction(),
    DeeplyNestedJsFunction(),
    TestWithoutAssertionJs(),
    AssistantChatterJs(),
    DenyListValidationJs(),
)

# Rules that need the whole repository (collect per file, conclude once in the parent).
REPO_RULES: tuple[RepoRule, ...] = (
    # Python: context
    UnresolvedImport(),
    UndeclaredDependency(),
    NamingDrift(),
    # Python: happy-path (placeholders called anywhere in the repository)
    PlaceholderBodyRule(),
    MissingAuthorisation(),  # security: the repo's auth convention (AI621)
    # JavaScript / TypeScript: context, happy-path, security
    JsNamingDrift(),
    MissingAuthorisationJs(),  # security: the repo's auth convention (AI622)
    MissingJsExport(),
    # Manifests: context
    PlaceholderPackage(),
    PlaceholderBodyJs(),
)


def duplicate_ids(metas: list[RuleMeta]) -> list[str]:
    """Ids that more than one of `metas` carries, sorted."""
    return sorted(rule_id for rule_id, count in Counter(m.id for m in metas).items() if count > 1)


_DUPLICATES = duplicate_ids([r.meta for r in FILE_RULES] + [r.meta for r in REPO_RULES])
if _DUPLICATES:
    raise RuntimeError(f"duplicate rule ids in registry: {_DUPLICATES}")


def rule_catalogue() -> tuple[RuleMeta, ...]:
    """Metadata of every custom rule, sorted by id (rules page, SARIF rules[])."""
    metas = [r.meta for r in FILE_RULES] + [r.meta for r in REPO_RULES]
    return tuple(sorted(metas, key=lambda m: m.id))
