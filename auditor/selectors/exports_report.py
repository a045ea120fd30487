"""Reads for the printable report of a scan: summary, trend, riskiest files, gate, sign-offs."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.db.models import Count

from auditor.models import FileMetric, Finding, Scan, ScanStatus, Severity, SignOff
from auditor.selectors.gate import scan_gate
from auditor.selectors.scans import category_breakdown, severity_breakdown

TREND_SCANS = 10
RISKY_FILES = 10
TOP_FINDINGS = 40


@dataclass
class ScanReport:
    scan: Scan
    severities: list[tuple[str, int]]
    categories: list[tuple[str, str, int]]
    trend: list[dict[str, Any]]
    risky_files: list[dict[str, Any]]
    top_findings: list[Finding]
    gate: dict[str, Any] | None
    signoffs: list[dict[str, Any]] = field(default_factory=list)


def _signoffs(scan: Scan) -> list[dict[str, Any]]:
    rows = (
        SignOff.objects.filter(review__scan=scan)
        .order_by("created_at", "id")
        .values("item__text", "reviewer_name", "decision", "comment", "created_at")[:200]
    )
    return [dict(row) for row in rows]


def scan_report(scan: Scan) -> ScanReport:
    """Everything the report of `scan` shows, in a fixed number of queries."""
    trend: list[dict[str, Any]] = [
        dict(row)
        for row in Scan.objects.filter(
            repository_id=scan.repository_id,
            branch=scan.branch,
            status=ScanStatus.SUCCEEDED,
            created_at__lte=scan.created_at,
        )
        .order_by("-created_at", "-id")
        .values("pk", "created_at", "commit_sha", "findings_total", "severity_counts")[:TREND_SCANS]
    ]
    trend.reverse()
    files: list[dict[str, Any]] = [
        dict(row)
        for row in FileMetric.objects.filter(scan=scan)
        .order_by("-risk_score", "-complexity_max", "path")
        .values("path", "language", "sloc", "complexity_max", "maintainability", "risk_score")[:RISKY_FILES]
    ]
    counts = dict(
        Finding.objects.filter(scan=scan, path__in=[f["path"] for f in files])
        .values_list("path")
        .annotate(n=Count("id"))
        .values_list("path", "n")
    )
    for f in files:
        f["findings"] = counts.get(f["path"], 0)
    top = list(
        Finding.objects.filter(scan=scan, severity__gte=Severity.MEDIUM).order_by(
            "-severity", "path", "line", "id"
        )[:TOP_FINDINGS]
    )
    return ScanReport(
        scan=scan,
        severities=severity_breakdown(scan),
        categories=category_breakdown(scan),
        trend=trend,
        risky_files=files,
        top_findings=top,
        gate=scan_gate(scan),
        signoffs=_signoffs(scan),
    )
