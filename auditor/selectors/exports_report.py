"""Reads for the printable report of a scan: summary, trend, riskiest files, gate, sign-offs."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.db.models import Count, OuterRef, Subquery
from django.utils import timezone

from auditor.models import (
    FileMetric,
    Finding,
    GateResult,
    Review,
    Scan,
    ScanStatus,
    Severity,
    SignOff,
    Triage,
)
from auditor.selectors.scans import category_breakdown, severity_breakdown

TREND_SCANS = 10
RISKY_FILES = 10
TOP_FINDINGS = 40
TRIAGED_FINDINGS = 40


@dataclass
class ScanReport:
    scan: Scan
    severities: list[tuple[str, int, int, int]]  # label, in the scan, open, triaged
    categories: list[tuple[str, str, int]]
    trend: list[dict[str, Any]]
    risky_files: list[dict[str, Any]]
    top_findings: list[Finding]
    gate: dict[str, Any] | None
    signoffs: list[dict[str, Any]] = field(default_factory=list)
    triaged: list[Any] = field(default_factory=list)  # Findings with .triage_* annotations
    review: Review | None = None

    @property
    def open_total(self) -> int:
        return sum(open_ for _, _, open_, _ in self.severities)

    @property
    def triaged_total(self) -> int:
        return sum(triaged for _, _, _, triaged in self.severities)


def _signoffs(scan: Scan) -> list[dict[str, Any]]:
    rows = (
        SignOff.objects.filter(review__scan=scan)
        .order_by("created_at", "id")
        .values("item__text", "reviewer_name", "decision", "comment", "justification", "created_at")[:200]
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
    in_force = Triage.objects.filter(repository_id=scan.repository_id).in_force(timezone.localdate())
    dismissed = in_force.values("fingerprint")
    top = list(
        Finding.objects.filter(scan=scan, severity__gte=Severity.MEDIUM)
        .exclude(fingerprint__in=dismissed)
        .order_by("-severity", "path", "line", "id")[:TOP_FINDINGS]
    )
    triage = in_force.filter(fingerprint=OuterRef("fingerprint"))
    triaged = list(
        Finding.objects.filter(scan=scan, fingerprint__in=dismissed)
        .annotate(
            triage_status=Subquery(triage.values("status")[:1]),
            triage_reason=Subquery(triage.values("reason")[:1]),
            triaged_by=Subquery(triage.values("updated_by__username")[:1]),
            triage_expires=Subquery(triage.values("expires_at")[:1]),
        )
        .order_by("-severity", "path", "line", "id")[:TRIAGED_FINDINGS]
    )
    triaged_by_severity = dict(
        Finding.objects.filter(scan=scan, fingerprint__in=dismissed)
        .order_by()
        .values_list("severity")
        .annotate(n=Count("id"))
        .values_list("severity", "n")
    )
    in_scan = severity_breakdown(scan)
    severities = []
    for label, count in in_scan:
        gone = triaged_by_severity.get(Severity[label.upper()].value, 0)
        severities.append((label, count, count - gone, gone))
    gate = GateResult.objects.filter(scan_id=scan.pk).values("passed", "failures", "conditions").first()
    return ScanReport(
        scan=scan,
        severities=severities,
        categories=category_breakdown(scan),
        trend=trend,
        risky_files=files,
        top_findings=top,
        gate=dict(gate) if gate else None,
        signoffs=_signoffs(scan),
        triaged=triaged,
        review=Review.objects.filter(scan=scan).first(),
    )
