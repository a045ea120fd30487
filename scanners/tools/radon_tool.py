"""radon, in process, on the shared AST and the engine's raw counts.

`radon cc` = `ComplexityVisitor.from_ast(tree).blocks`; `radon mi` = `mi_compute` of the
Halstead volume, the visitor's total complexity, radon's LLOC and the comment percentage
(`mi_parameters`). One ComplexityVisitor run serves both, the Halstead visitor runs on
the same tree, and the raw counts come from our single token pass (see raw.py), so no
step re-parses or re-tokenises the file.
"""

from __future__ import annotations

import ast
from dataclasses import dataclass

import radon
from radon.complexity import cc_rank
from radon.metrics import halstead_visitor_report, mi_compute
from radon.visitors import Class, ComplexityVisitor, HalsteadVisitor

from scanners.model import FunctionMetric
from scanners.tools.raw import RawCounts


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


def radon_version() -> str:
    return str(radon.__version__)
