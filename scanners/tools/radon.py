"""radon's adapter: cyclomatic complexity and the maintainability index, in process on
the shared AST and the engine's raw counts; the findings over thresholds (RAD001,
RAD002), radon's version and its catalogue.

`radon cc` = `ComplexityVisitor.from_ast(tree).blocks`; `radon mi` = `mi_compute` of the
Halstead volume, the visitor's total complexity, radon's LLOC and the comment percentage
(`mi_parameters`). One ComplexityVisitor run serves both, the Halstead visitor runs on
the same tree, and the raw counts come from our single token pass (see raw.py), so no
step re-parses or re-tokenises the file.
"""

from __future__ import annotations

import ast
from collections.abc import Sequence
from dataclasses import dataclass

import radon
from radon.complexity import cc_rank
from radon.metrics import halstead_visitor_report, mi_compute
from radon.visitors import Class, ComplexityVisitor, HalsteadVisitor

from scanners.findings import make_finding, snippet_of
from scanners.model import (
    Category,
    Confidence,
    Finding,
    FunctionMetric,
    RuleMeta,
    ScannerId,
    ScanWarning,
    Severity,
)
from scanners.source import SourceFile
from scanners.tools.raw import RawCounts

HIGH_COMPLEXITY = RuleMeta(
    id="RAD001",
    name="high-cyclomatic-complexity",
    title="Function with high cyclomatic complexity",
    category=Category.COMPLEXITY,
    severity=Severity.MEDIUM,
    confidence=Confidence.HIGH,
    scanner=ScannerId.RADON,
    what="Reports functions and methods whose cyclomatic complexity (radon cc) exceeds the threshold "
    "(default 10, i.e. rank C or worse).",
    why="Assistants grow functions by piling on branches for each new case instead of restructuring; "
    "such functions are hard to review and to test exhaustively.",
    help_uri="https://radon.readthedocs.io/en/latest/intro.html#cyclomatic-complexity",
)

LOW_MAINTAINABILITY = RuleMeta(
    id="RAD002",
    name="low-maintainability",
    title="File with a low maintainability index",
    category=Category.COMPLEXITY,
    severity=Severity.LOW,
    confidence=Confidence.MEDIUM,
    scanner=ScannerId.RADON,
    what="Reports files whose maintainability index (radon mi) is below the threshold (default 10, rank C).",
    why="Large generated modules with long, dense, uncommented functions score low; they are where "
    "reviewers miss things.",
    help_uri="https://radon.readthedocs.io/en/latest/intro.html#maintainability-index",
)


@dataclass(frozen=True)
class Block:
    """One radon cc block plus what a finding needs (span, kind)."""

    metric: FunctionMetric
    kind: str  # "function", "method", "class" (radon cc -j's `type`)
    end_line: int
    column: int  # 1-based


@dataclass(frozen=True)
class RadonOutcome:
    blocks: tuple[Block, ...]
    maintainability: float


def run_radon(tree: ast.Module, raw: RawCounts) -> RadonOutcome:
    """Per-block cyclomatic complexity (as `radon cc`) and the maintainability index
    (as `radon mi`, which counts multi-line strings as comments by default)."""
    visitor = ComplexityVisitor.from_ast(tree)
    blocks = []
    for block in visitor.blocks:
        if isinstance(block, Class):
            kind, name = "class", block.name
        else:
            kind = "method" if block.is_method else "function"
            name = block.fullname
        complexity = int(block.complexity)
        metric = FunctionMetric(name=name, line=block.lineno, complexity=complexity, rank=cc_rank(complexity))
        blocks.append(Block(metric, kind, int(block.endline), int(block.col_offset) + 1))
    volume = halstead_visitor_report(HalsteadVisitor.from_ast(tree)).volume
    comments = (raw.comments + raw.multi) / float(raw.sloc) * 100 if raw.sloc != 0 else 0
    mi = mi_compute(volume, visitor.total_complexity, raw.lloc, comments)
    return RadonOutcome(tuple(blocks), float(mi))


@dataclass(frozen=True)
class RadonMetrics:
    """What radon contributes to one file's outcome: metrics, findings, warnings."""

    functions: tuple[FunctionMetric, ...] = ()
    complexities: tuple[int, ...] = ()  # of functions and methods (classes left out)
    maintainability: float | None = None
    findings: tuple[Finding, ...] = ()
    warnings: tuple[ScanWarning, ...] = ()


def radon_metrics(
    source: SourceFile,
    tree: ast.Module,
    raw: RawCounts,
    lines: Sequence[str],
    complexity_threshold: int,
    mi_threshold: float,
) -> RadonMetrics:
    """radon over one parsed file; findings above the thresholds; a crash of radon is a warning."""
    try:
        outcome = run_radon(tree, raw)
    except (RecursionError, MemoryError):
        raise  # the file is nested too deeply to walk: the engine reports it (E002)
    except Exception as exc:
        crash = ScanWarning("scanner:crashed", source.path, f"radon: {type(exc).__name__}: {exc}")
        return RadonMetrics(warnings=(crash,))
    # Classes are radon blocks too, but their number is an average of their methods:
    # the file's max/mean and the findings are about functions and methods.
    callables = [b for b in outcome.blocks if b.kind != "class"]
    findings: list[Finding] = []
    for block in callables:
        if block.metric.complexity > complexity_threshold:
            message = (
                f"{block.kind} '{block.metric.name}' has cyclomatic complexity {block.metric.complexity} "
                f"(rank {block.metric.rank}; threshold {complexity_threshold})"
            )
            snippet = snippet_of(lines, block.metric.line)
            findings.append(
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
    if outcome.maintainability < mi_threshold:
        message = f"maintainability index {outcome.maintainability:.2f} is below {mi_threshold:g}"
        # File-level: no code snippet, so the fingerprint does not change with line 1.
        findings.append(make_finding(LOW_MAINTAINABILITY, source.path, 1, message, ""))
    return RadonMetrics(
        functions=tuple(b.metric for b in outcome.blocks),
        complexities=tuple(b.metric.complexity for b in callables),
        maintainability=round(outcome.maintainability, 2),
        findings=tuple(findings),
    )


def radon_version() -> str:
    return str(radon.__version__)


def radon_catalogue() -> tuple[RuleMeta, ...]:
    return (HIGH_COMPLEXITY, LOW_MAINTAINABILITY)
