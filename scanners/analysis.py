"""Analysis of one file: read once, tokenise once, parse once, run every scanner.

Runs inside the worker pool. Everything returned is plain, picklable data; findings
come back without fingerprints and unsuppressed (the parent applies both policies over
the whole result, repo-level rules included).
"""

from __future__ import annotations

import tokenize
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from scanners.discovery import DiscoveredFile, load_source
from scanners.model import Category, FileMetrics, Finding, RuleMeta, ScannerId, ScanWarning
from scanners.registry import HIGH_COMPLEXITY, LOW_MAINTAINABILITY, SYNTAX_ERROR
from scanners.source import PYTHON, SourceFile
from scanners.suppression import directives_from_comments, directives_from_lines
from scanners.tools.raw import RawCounts, js_line_counts, python_raw_counts, python_tokens

if TYPE_CHECKING:
    from scanners.project.context import RepoContext
    from scanners.rules.base import Hit, RepoRule, Rule

SNIPPET_MAX = 200


@dataclass(frozen=True)
class AnalysisSettings:
    """The part of EngineConfig a worker needs (picklable)."""

    scanners: frozenset[ScannerId]
    max_file_bytes: int
    complexity_threshold: int
    mi_threshold: float


@dataclass(frozen=True)
class FileOutcome:
    path: str
    metrics: FileMetrics | None
    findings: tuple[Finding, ...] = ()
    warnings: tuple[ScanWarning, ...] = ()
    directives: Mapping[int, frozenset[str]] = field(default_factory=dict)
    facts: Mapping[str, Any] = field(default_factory=dict)  # repo rule id → collected facts


def snippet_of(lines: Sequence[str], line: int) -> str:
    """The stripped text of 1-based `line`, capped for storage."""
    if 1 <= line <= len(lines):
        return lines[line - 1].strip()[:SNIPPET_MAX]
    return ""


def make_finding(meta: RuleMeta, path: str, line: int, message: str, snippet: str, **extra: Any) -> Finding:
    """A finding with the rule's defaults; the fingerprint is assigned by the parent."""
    return Finding(
        rule_id=meta.id,
        scanner=meta.scanner,
        category=meta.category,
        severity=extra.get("severity") or meta.severity,
        confidence=extra.get("confidence") or meta.confidence,
        path=path,
        line=line,
        end_line=max(extra.get("end_line") or line, line),
        column=extra.get("column", 1),
        message=message,
        snippet=snippet[:SNIPPET_MAX],
        fingerprint="",
    )


def hit_to_finding(meta: RuleMeta, path: str, hit: Hit, lines: Sequence[str]) -> Finding:
    """A rule's Hit as a Finding (Hit.column is 0-based like ast's col_offset)."""
    snippet = hit.snippet if hit.snippet is not None else snippet_of(lines, hit.line)
    return make_finding(
        meta,
        path,
        hit.line,
        hit.message,
        snippet,
        severity=hit.severity,
        confidence=hit.confidence,
        end_line=hit.end_line,
        column=hit.column + 1,
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
        return _analyse(root, file, settings, context, rules, repo_rules)
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
        self.parse_ok = True
        self.complexities: list[int] = []
        self.functions: tuple[Any, ...] = ()
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
        _bandit(root, source, comments, lines, state)
    if ScannerId.RADON in settings.scanners:
        _radon(source, tree, settings, lines, state)
    return state


def _bandit(
    root: Path, source: SourceFile, comments: Iterable[tuple[int, str]], lines: list[str], state: _State
) -> None:
    from scanners.tools.bandit_tool import nosec_lines, run_bandit

    try:
        outcome = run_bandit(source, str(root / source.path), nosec_lines(comments))
    except Exception as exc:  # bandit's CLI skips such a file too; we record why
        state.warnings.append(
            ScanWarning("scanner:crashed", source.path, f"bandit: {type(exc).__name__}: {exc}")
        )
        return
    for message in outcome.errors:
        state.warnings.append(ScanWarning("scanner:bandit-error", source.path, message))
    for issue in outcome.issues:
        state.findings.append(
            Finding(
                rule_id=issue.test_id,
                scanner=ScannerId.BANDIT,
                category=Category.SECURITY,
                severity=issue.severity,
                confidence=issue.confidence,
                path=source.path,
                line=issue.line,
                end_line=issue.end_line,
                column=issue.column,
                message=issue.message,
                snippet=snippet_of(lines, issue.line),
                fingerprint="",
            )
        )


def _radon(
    source: SourceFile, tree: Any, settings: AnalysisSettings, lines: list[str], state: _State
) -> None:
    from scanners.tools.radon_tool import run_radon

    try:
        outcome = run_radon(tree, state.raw)
    except Exception as exc:
        state.warnings.append(
            ScanWarning("scanner:crashed", source.path, f"radon: {type(exc).__name__}: {exc}")
        )
        return
    state.functions = tuple(b.metric for b in outcome.blocks)
    # Classes are radon blocks too, but their number is an average of their methods:
    # the file's max/mean and the findings are about functions and methods.
    callables = [b for b in outcome.blocks if b.kind != "class"]
    state.complexities = [b.metric.complexity for b in callables]
    state.maintainability = round(outcome.maintainability, 2)
    for block in callables:
        if block.metric.complexity > settings.complexity_threshold:
            message = (
                f"{block.kind} '{block.metric.name}' has cyclomatic complexity {block.metric.complexity} "
                f"(rank {block.metric.rank}; threshold {settings.complexity_threshold})"
            )
            snippet = snippet_of(lines, block.metric.line)
            state.findings.append(
                make_finding(
                    HIGH_COMPLEXITY,
                    source.path,
                    block.metric.line,
                    message,
                    snippet,
                    end_line=block.end_line,
                    column=block.column,
                )
            )
    if outcome.maintainability < settings.mi_threshold:
        message = f"maintainability index {outcome.maintainability:.2f} is below {settings.mi_threshold:g}"
        # File-level: no code snippet, so the fingerprint does not change with line 1.
        state.findings.append(make_finding(LOW_MAINTAINABILITY, source.path, 1, message, ""))


def _analyse_js(source: SourceFile, lines: list[str]) -> _State:
    state = _State(source, js_line_counts(source.text), directives_from_lines(lines, True))
    tree = source.ts_tree
    state.parse_ok = tree is None or not tree.root_node.has_error
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
    for rule in rules:
        if source.language not in rule.meta.languages:
            continue
        try:
            hits = list(rule.check(source, context))
        except Exception as exc:  # one broken rule must not cost the scan
            state.warnings.append(_crash(rule.meta, source.path, exc))
            continue
        state.findings.extend(hit_to_finding(rule.meta, source.path, hit, lines) for hit in hits)
    facts: dict[str, Any] = {}
    for repo_rule in repo_rules:
        if source.language not in repo_rule.meta.languages:
            continue
        try:
            facts[repo_rule.meta.id] = repo_rule.collect(source, context)
        except Exception as exc:
            state.warnings.append(_crash(repo_rule.meta, source.path, exc))
    return facts


def _crash(meta: RuleMeta, path: str, exc: Exception) -> ScanWarning:
    return ScanWarning("rule:crashed", path, f"{meta.id}: {type(exc).__name__}: {exc}"[:500])


def _scanner_crash(scanner: str, path: str, exc: Exception) -> ScanWarning:
    return ScanWarning("scanner:crashed", path, f"{scanner}: {type(exc).__name__}: {exc}"[:500])
