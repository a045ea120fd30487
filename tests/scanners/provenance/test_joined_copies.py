"""The join's copies of findings and file metrics are what `dataclasses.replace` gives."""

from __future__ import annotations

import dataclasses

from scanners.model import Category, Confidence, FileMetrics, Finding, FunctionMetric, Severity


def test_a_finding_with_provenance_changes_only_the_provenance() -> None:
    finding = Finding(
        "AI601", "custom", Category.SECURITY, Severity.HIGH, Confidence.MEDIUM, "a.py", 3, 4, 5,
        "message", "snippet", "fp", flow=((1, 2, "source"),), in_tests=True,
    )  # fmt: skip
    got = finding.with_provenance(True, "Claude Code", "opus")
    assert got == dataclasses.replace(finding, ai_authored=True, ai_tool="Claude Code", ai_model="opus")
    assert finding.ai_authored is None


def test_metrics_with_origins_change_only_the_counts_and_spans() -> None:
    metrics = FileMetrics(
        "a.py", "python", 10, 8, 1, 1, 3, 2.5, 70.0, True, (FunctionMetric("f", 1, 3, "A"),), "abc"
    )
    got = metrics.with_origins(2, 7, 1, ((1, 2, "Codex"),))
    assert got == dataclasses.replace(
        metrics, ai_lines=2, human_lines=7, unknown_lines=1, ai_spans=((1, 2, "Codex"),)
    )
    assert got.ai_share == round(2 / 9, 4)
