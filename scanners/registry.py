"""The explicit registry of scanners and of the engine's own rules.

No discovery and no name magic: `SCANNERS` lists every scanner id the configuration may
name; an unknown id fails when the configuration is built, not halfway through a scan.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from importlib.metadata import PackageNotFoundError, version

from scanners import __version__ as ENGINE_VERSION
from scanners.model import Category, Confidence, RuleMeta, ScannerId, Severity
from scanners.rules.registry import duplicate_ids, rule_catalogue
from scanners.tools.bandit import bandit_catalogue, bandit_version
from scanners.tools.radon import radon_catalogue, radon_version


@dataclass(frozen=True)
class ScannerInfo:
    """A scanner the configuration may enable: its version is recorded with every scan,
    its catalogue feeds the rules page and SARIF `rules[]`."""

    id: ScannerId
    description: str
    version: Callable[[], str]
    catalogue: Callable[[], tuple[RuleMeta, ...]]


def _tree_sitter_version() -> str:
    try:
        return version("tree-sitter")
    except PackageNotFoundError:
        return "unknown"


SYNTAX_ERROR = RuleMeta(
    id="E001",
    name="syntax-error",
    title="File does not parse",
    # A parse failure in AI-written code is most often syntax from another language
    # version than the project runs (3.12-only f-strings or `type` statements on 3.11):
    # version drift, i.e. the temporal category.
    category=Category.TEMPORAL,
    severity=Severity.HIGH,
    confidence=Confidence.HIGH,
    scanner=ScannerId.ENGINE,
    what="Reports a Python file the interpreter cannot parse; no other analysis runs on it.",
    why=(
        "Generated code often uses syntax of a newer Python than the project targets, or is "
        "pasted incomplete. The module cannot even be imported, and every other check is blind to it."
    ),
    example="def f():\n    return f'{\"nested\"}'  # 3.12-only quote reuse\n",
    use_instead="def f():\n    return f\"{'nested'}\"\n",
)

# Its own id rather than E001: the file is valid Python (the interpreter may even run it),
# so "does not parse" and E001's version-drift rationale would mislead; what is true is
# that the engine could not analyse it, and a finding (not a warning) puts that on the
# file's page, in the gate and in the exports instead of in a scan-level footnote.
NOT_ANALYSED = RuleMeta(
    id="E002",
    name="nesting-too-deep-to-analyse",
    title="File could not be analysed",
    # Code nested thousands of levels deep (long operator chains, nested calls or
    # literals, usually generated) is first of all a complexity problem.
    category=Category.COMPLEXITY,
    severity=Severity.MEDIUM,
    confidence=Confidence.HIGH,
    scanner=ScannerId.ENGINE,
    what=(
        "Reports a Python file nested so deeply that parsing it or walking its tree exhausts the "
        "interpreter's recursion or memory limits (RecursionError / MemoryError in ast.parse, bandit, "
        "radon or a rule). The analyses that failed are named; their findings for the file are missing."
    ),
    why=(
        "Generated tables and expressions (a sum of thousands of terms, a deeply nested literal) can be "
        "valid code that no tool can walk. Such a file escapes review by every scanner unless it is "
        "reported, and it is a hazard for the interpreter itself (CPython refuses to compile it)."
    ),
    example="TOTAL = 1 + 1 + 1 + ...  # thousands of terms in one expression\n",
    use_instead="TOTAL = sum([1, 1, 1, ...])  # or load the data from a file\n",
    languages=("python", "javascript", "typescript", "tsx"),
)

SCANNERS: dict[ScannerId, ScannerInfo] = {
    ScannerId.BANDIT: ScannerInfo(
        ScannerId.BANDIT, "bandit's default security tests", bandit_version, bandit_catalogue
    ),
    ScannerId.RADON: ScannerInfo(
        ScannerId.RADON, "cyclomatic complexity and maintainability", radon_version, radon_catalogue
    ),
    ScannerId.AI_RULES: ScannerInfo(
        ScannerId.AI_RULES, "auditor's rules for AI-written code", lambda: ENGINE_VERSION, rule_catalogue
    ),
}
DEFAULT_SCANNERS: frozenset[ScannerId] = frozenset(SCANNERS)
ENGINE_RULES: tuple[RuleMeta, ...] = (SYNTAX_ERROR, NOT_ANALYSED)


def validate_scanner_ids(ids: Iterable[str]) -> frozenset[ScannerId]:
    """The ids as a frozenset of ScannerIds; ValueError naming the unknown ones."""
    wanted = frozenset(str(i) for i in ids)
    known = sorted(s.value for s in SCANNERS)
    unknown = sorted(wanted - set(known))
    if unknown:
        raise ValueError(f"unknown scanner id(s) {unknown}; known: {known}")
    return frozenset(ScannerId(i) for i in wanted)


def scanner_versions(enabled: Iterable[ScannerId]) -> dict[str, str]:
    """Versions recorded with every scan (engine and tree-sitter always)."""
    versions = {ScannerId.ENGINE.value: ENGINE_VERSION, "tree-sitter": _tree_sitter_version()}
    for scanner_id in sorted(enabled):
        if scanner_id != ScannerId.AI_RULES:
            versions[scanner_id.value] = SCANNERS[scanner_id].version()
    return versions


def rule_metadata(
    enabled: Iterable[ScannerId], custom: Iterable[RuleMeta] | None = None
) -> tuple[RuleMeta, ...]:
    """Metadata of every rule that can produce findings with these scanners, sorted by id.

    `custom` replaces the ai-rules catalogue (tests inject their own rules)."""
    metas: list[RuleMeta] = list(ENGINE_RULES)
    for scanner_id in sorted(enabled):
        if scanner_id == ScannerId.AI_RULES and custom is not None:
            metas.extend(custom)
        else:
            metas.extend(SCANNERS[scanner_id].catalogue())
    duplicates = duplicate_ids(metas)
    if duplicates:
        # Findings, suppressions and SARIF rules[] are keyed by id: two rules may not share one.
        raise RuntimeError(f"duplicate rule ids across scanners: {duplicates}")
    return tuple(sorted(metas, key=lambda m: m.id))
