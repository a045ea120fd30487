"""Analysis of one file: read once, tokenise once, parse once, run every scanner.

This module only orchestrates: each tool's adapter (scanners/tools/) and the rules
(scanners/rules/) turn what they see into findings themselves.

Runs inside the worker pool. Everything returned is plain, picklable data; findings
come back without fingerprints and unsuppressed (the parent applies both policies over
the whole result, repo-level rules included).
"""

from __future__ import annotations

import dataclasses
import re
import tokenize
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from scanners.discovery import DiscoveredFile, load_source
from scanners.findings import make_finding, snippet_of
from scanners.headroom import with_headroom
from scanners.model import FileMetrics, Finding, FunctionMetric, RuleMeta, ScannerId, ScanWarning
from scanners.project.context import RepoContext
from scanners.registry import NOT_ANALYSED, SYNTAX_ERROR
from scanners.rules.base import Hit, RepoRule, Rule
from scanners.rules.secrets import mask_in_text
from scanners.source import PYTHON, SourceFile
from scanners.suppression import directives_from_comments, directives_from_lines
from scanners.tools.bandit import bandit_findings
from scanners.tools.js_metrics import js_metrics
from scanners.tools.radon import radon_metrics
from scanners.tools.raw import RawCounts, js_line_counts, python_raw_counts, python_tokens

# What an absurdly nested file exhausts in the parser or in a visitor walking its tree;
# the file is reported (E002) and every other analysis of it still runs.
_TOO_DEEP = (RecursionError, MemoryError)
# bandit's hard-coded password tests quote the value in their message.
_PASSWORD_TESTS = frozenset({"B105", "B106", "B107"})
_QUOTED_PASSWORD = re.compile(r"hardcoded password: '(.*)'$", re.DOTALL)


@dataclass(frozen=True)
class AnalysisSettings:
    """The part of EngineConfig a worker needs (picklable)."""

    scanners: frozenset[ScannerId]
    max_file_bytes: int
    complexity_threshold: int
    mi_threshold: float


@dataclass(frozen=True, slots=True)
class FileOutcome:
    path: str
    metrics: FileMetrics | None
    findings: tuple[Finding, ...] = ()
    warnings: tuple[ScanWarning, ...] = ()
    directives: Mapping[int, frozenset[str]] = field(default_factory=dict)
    facts: Mapping[str, Any] = field(default_factory=dict)  # repo rule id → collected facts


def hit_to_finding(
    meta: RuleMeta, path: str, hit: Hit, lines: Sequence[str], in_tests: bool = False
) -> Finding:
    """A rule's Hit as a Finding (Hit.column is 0-based like ast's col_offset). In test
    code the severity is capped at the rule's declared `tests_severity`, if any."""
    snippet = hit.snippet if hit.snippet is not None else snippet_of(lines, hit.line)
    severity = hit.severity
    if in_tests and meta.tests_severity is not None:
        severity = min(severity or meta.severity, meta.tests_severity)
    return make_finding(
        meta,
        path,
        hit.line,
        hit.message,
        snippet,
        severity=severity,
        confidence=hit.confidence,
        end_line=hit.end_line,
        column=hit.column + 1,
        flow=tuple((line, column + 1, message) for line, column, message in hit.flow),
    )


def analyse_file(
    root: Path,
    file: DiscoveredFile,
    settings: AnalysisSettings,
    context: RepoContext | None,
    rules: Sequence[Rule],
    repo_rules: Sequence[RepoRule],
) -> FileOutcome:
    """Every enabled scanner over one file; never raises for a problem in the file."""
    try:
        # A fixed recursion budget: the outcome must not depend on the caller's stack depth.
        return with_headroom(lambda: _analyse(root, file, settings, context, rules, repo_rules))
    except Exception as exc:
        # Last line of defence (e.g. RecursionError from ast.parse on absurdly nested code):
        # one pathological file must not cost the whole scan.
        message = f"{type(exc).__name__}: {exc}"[:500]
        return FileOutcome(file.path, None, warnings=(ScanWarning("engine:crashed", file.path, message),))


def _analyse(
    root: Path,
    file: DiscoveredFile,
    settings: AnalysisSettings,
    context: RepoContext | None,
    rules: Sequence[Rule],
    repo_rules: Sequence[RepoRule],
) -> FileOutcome:
    loaded = load_source(root, file, settings.max_file_bytes)
    if isinstance(loaded, ScanWarning):
        return FileOutcome(file.path, None, warnings=(loaded,))
    source, digest = loaded
    lines = source.text.split("\n")
    if source.language == PYTHON:
        state = _analyse_python(root, source, settings, lines)
    else:
        state = _analyse_js(source, lines)
    if ScannerId.AI_RULES in settings.scanners and context is not None:
        state.facts = _run_rules(source, context, rules, repo_rules, lines, state)
    if state.too_deep:
        failed = ", ".join(state.too_deep)
        message = f"nested too deeply to analyse: {failed}; their findings for this file are missing"
        # File-level, no snippet: the fingerprint does not change with the first line.
        state.findings.append(make_finding(NOT_ANALYSED, source.path, 1, message, ""))
    metrics = state.metrics(digest)
    return FileOutcome(
        source.path, metrics, tuple(state.findings), tuple(state.warnings), state.directives, state.facts
    )


class _State:
    """What one file's analysis accumulates before it is frozen into a FileOutcome."""

    def __init__(self, source: SourceFile, raw: RawCounts, directives: dict[int, frozenset[str]]) -> None:
        self.source = source
        self.raw = raw
        self.directives = directives
        self.findings: list[Finding] = []
        self.warnings: list[ScanWarning] = []
        self.facts: dict[str, Any] = {}
        self.too_deep: list[str] = []  # the analyses that ran out of stack or memory (E002)
        self.parse_ok = True
        self.complexities: tuple[int, ...] = ()
        self.functions: tuple[FunctionMetric, ...] = ()
        self.maintainability: float | None = None

    def metrics(self, digest: str) -> FileMetrics:
        values = self.complexities
        return FileMetrics(
            path=self.source.path,
            language=self.source.language,
            lines=self.raw.loc,
            sloc=self.raw.sloc,
            comments=self.raw.comments,
            blank=self.raw.blank,
            complexity_max=max(values, default=0),
            complexity_mean=round(sum(values) / len(values), 2) if values else 0.0,
            maintainability=self.maintainability,
            parse_ok=self.parse_ok,
            functions=self.functions,
            sha256=digest,
        )


def _analyse_python(root: Path, source: SourceFile, settings: AnalysisSettings, lines: list[str]) -> _State:
    tokens, complete = python_tokens(source.text)
    comments = [(t.start[0], t.string) for t in tokens if t.type == tokenize.COMMENT]
    directives = directives_from_comments(comments) if complete else directives_from_lines(lines, False)
    state = _State(source, python_raw_counts(source.text, tokens, complete), directives)
    tree = source.python_tree
    if tree is None and source.too_deep:
        state.too_deep.append(source.too_deep)
        state.parse_ok = False
        return state
    if tree is None:
        error = source.parse_error
        line = (error.lineno if error else None) or 1
        message = f"SyntaxError: {error.msg if error else 'does not parse'}"
        column = (error.offset if error and error.offset else 1) if error else 1
        state.findings.append(
            make_finding(SYNTAX_ERROR, source.path, line, message, snippet_of(lines, line), column=column)
        )
        state.parse_ok = False
        return state
    if ScannerId.BANDIT in settings.scanners:
        try:
            bandit = bandit_findings(root, source, comments, lines)
        except _TOO_DEEP as exc:
            state.too_deep.append(f"bandit ({type(exc).__name__})")
        else:
            state.warnings.extend(bandit.warnings)
            state.findings.extend(_mask_password(f) for f in bandit.findings)
    if ScannerId.RADON in settings.scanners:
        try:
            radon = radon_metrics(
                source, tree, state.raw, lines, settings.complexity_threshold, settings.mi_threshold
            )
        except _TOO_DEEP as exc:
            state.too_deep.append(f"radon ({type(exc).__name__})")
            return state
        state.warnings.extend(radon.warnings)
        state.findings.extend(radon.findings)
        state.functions = radon.functions
        state.complexities = radon.complexities
        state.maintainability = radon.maintainability
    return state


def _analyse_js(source: SourceFile, lines: list[str]) -> _State:
    state = _State(source, js_line_counts(source.text), directives_from_lines(lines, True))
    tree = source.ts_tree
    state.parse_ok = tree is None or not tree.root_node.has_error
    try:
        metrics = js_metrics(source, state.raw.sloc, state.raw.comments)
    except _TOO_DEEP as exc:
        state.too_deep.append(f"complexity ({type(exc).__name__})")
        return state
    if metrics is not None:
        state.functions = metrics.function_metrics()
        state.complexities = tuple(f.complexity for f in metrics.functions)
        state.maintainability = metrics.maintainability
    return state


def _run_rules(
    source: SourceFile,
    context: RepoContext,
    rules: Sequence[Rule],
    repo_rules: Sequence[RepoRule],
    lines: list[str],
    state: _State,
) -> dict[str, Any]:
    if source.language == PYTHON and not state.parse_ok:
        return {}  # rules walk the tree; E001 already says why nothing else ran
    in_tests = context.in_tests(source.path)
    for rule in rules:
        if source.language not in rule.meta.languages:
            continue
        try:
            hits = list(rule.check(source, context))
        except _TOO_DEEP as exc:
            state.too_deep.append(f"{rule.meta.id} ({type(exc).__name__})")
            continue
        except Exception as exc:  # one broken rule must not cost the scan
            state.warnings.append(_crash(rule.meta, source.path, exc))
            continue
        state.findings.extend(hit_to_finding(rule.meta, source.path, hit, lines, in_tests) for hit in hits)
    facts: dict[str, Any] = {}
    for repo_rule in repo_rules:
        if source.language not in repo_rule.meta.languages:
            continue
        try:
            facts[repo_rule.meta.id] = repo_rule.collect(source, context)
        except _TOO_DEEP as exc:
            state.too_deep.append(f"{repo_rule.meta.id} ({type(exc).__name__})")
        except Exception as exc:
            state.warnings.append(_crash(repo_rule.meta, source.path, exc))
    return facts


def _mask_password(finding: Finding) -> Finding:
    """bandit's B105/B106/B107 finding with the password masked in its message and snippet,
    as our own secret rule (AI502) masks: the raw value never leaves the engine."""
    if finding.rule_id not in _PASSWORD_TESTS:
        return finding
    quoted = _QUOTED_PASSWORD.search(finding.message)
    secrets = [quoted.group(1)] if quoted else []
    return dataclasses.replace(
        finding,
        message=mask_in_text(finding.message, secrets),
        snippet=mask_in_text(finding.snippet, secrets),
    )


def _crash(meta: RuleMeta, path: str, exc: Exception) -> ScanWarning:
    return ScanWarning("rule:crashed", path, f"{meta.id}: {type(exc).__name__}: {exc}"[:500])
