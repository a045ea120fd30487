"""Python behaviour rules: temporal, happy-path, concurrency, observability and secrets.

The rules live in one module per theme; this module only lists them (the registry
imports `BEHAVIOUR_RULES` and `BEHAVIOUR_REPO_RULES`).
"""

from __future__ import annotations

from scanners.rules.base import RepoRule, Rule
from scanners.rules.python.concurrency import UnsynchronisedSharedStateRule
from scanners.rules.python.concurrency_async import CheckThenActAcrossAwaitRule
from scanners.rules.python.deprecated import DeprecatedApiRule
from scanners.rules.python.exceptions import BareExceptRule, SwallowedExceptionRule
from scanners.rules.python.hashing import WeakPasswordHashRule
from scanners.rules.python.logging_rules import SensitiveDataInLogRule
from scanners.rules.python.network_rules import NetworkTimeoutRule, UnhandledNetworkFailureRule
from scanners.rules.python.optional import UncheckedOptionalRule
from scanners.rules.python.secrets_rule import HardcodedSecretRule

BEHAVIOUR_RULES: tuple[Rule, ...] = (
    DeprecatedApiRule(),
    WeakPasswordHashRule(),
    BareExceptRule(),
    SwallowedExceptionRule(),
    NetworkTimeoutRule(),
    UnhandledNetworkFailureRule(),
    UncheckedOptionalRule(),
    UnsynchronisedSharedStateRule(),
    CheckThenActAcrossAwaitRule(),
    SensitiveDataInLogRule(),
    HardcodedSecretRule(),
)
BEHAVIOUR_REPO_RULES: tuple[RepoRule, ...] = ()
