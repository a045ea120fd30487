"""Reads for scans and their findings."""

from __future__ import annotations

from typing import Any

from django.core.paginator import Page, Paginator
from django.db.models import Count, OuterRef, Q, QuerySet, Subquery
from django.utils import timezone

from auditor.models import (
    Category,
    Finding,
    FindingChange,
    Repository,
    Scan,
    Severity,
    TeamSettings,
    TrackedFinding,
    Triage,
)
from auditor.models.paths import path_order
from auditor.selectors.finding_filters import SEVERITY_ORDER, TESTS_CHOICES, FindingFilters

__all__ = ["SEVERITY_ORDER", "TESTS_CHOICES", "FindingFilters"]  # imported from here by the scan page


def tests_filter_value(requested: str, team_hides: bool) -> str:
    """The `tests` filter in force: what the reader asked for, else the team's default."""
    return requested or ("exclude" if team_hides else "all")


def team_hides_test_findings(team_id: int) -> bool:
    """Whether the team's pages leave test-code findings out unless asked (one query)."""
    return TeamSettings.objects.filter(team_id=team_id, hide_test_findings=True).exists()


def scan_page_for_repository(
    repository: Repository, page_number: str | int | None, per_page: int = 25
) -> Page[Any]:
    """One page of a repository's scans, newest first."""
    scans = Scan.objects.filter(repository=repository).order_by("-created_at", "-id")
    return Paginator(scans, per_page).get_page(page_number)


def finding_queryset(scan: Scan, filters: FindingFilters) -> QuerySet[Finding]:
    findings = Finding.objects.filter(scan=scan).filter(_filters_q(filters))
    if not filters.triaged:
        findings = findings.exclude(fingerprint__in=_triaged_fingerprints(scan))
    # Per-row lookups, evaluated only for the page's rows: the lifecycle this scan gave
    # the finding (no change row but an identity = unchanged) and that identity for the
    # history link (scans ingested before lifecycle tracking have neither).
    return findings.annotate(
        lifecycle=Subquery(
            FindingChange.objects.filter(scan=scan, finding=OuterRef("pk")).values("kind")[:1]
        ),
        tracked_id=Subquery(
            TrackedFinding.objects.filter(
                repository_id=scan.repository_id, branch=scan.branch, fingerprint=OuterRef("fingerprint")
            ).values("pk")[:1]
        ),
    ).order_by("-severity", *path_order("line", "id"))  # finding_scan_sev_idx


def _triaged_fingerprints(scan: Scan) -> QuerySet[Triage, Any]:
    today = timezone.localdate()
    return Triage.objects.filter(repository_id=scan.repository_id).in_force(today).values("fingerprint")


def triaged_count(scan: Scan) -> int:
    """How many of the scan's findings are hidden by a triage in force."""
    return Finding.objects.filter(scan=scan, fingerprint__in=_triaged_fingerprints(scan)).count()


def _filters_q(filters: FindingFilters) -> Q:
    return filters.attribute_q()


def finding_page(
    scan: Scan, filters: FindingFilters, page_number: str | int | None, per_page: int
) -> Page[Any]:
    """One page of a scan's findings, most severe first.

    The paginator's count and the number of findings hidden by a triage (the lifecycle
    section's note, `page.triaged_hidden`) come from one aggregate instead of two counts."""
    triaged = Q(fingerprint__in=_triaged_fingerprints(scan))
    shown = _filters_q(filters) if filters.triaged else _filters_q(filters) & ~triaged
    counts = Finding.objects.filter(scan=scan).aggregate(
        shown=Count("id", filter=shown),
        hidden=Count("id", filter=triaged),
        in_tests=Count("id", filter=Q(in_tests=True)),
    )
    paginator = Paginator(finding_queryset(scan, filters), per_page)
    paginator.count = counts["shown"]
    page = paginator.get_page(page_number)
    page.triaged_hidden = counts["hidden"]  # type: ignore[attr-defined]
    page.in_tests = counts["in_tests"]  # type: ignore[attr-defined]  # "N in test code"
    return page


def severity_breakdown(scan: Scan) -> list[tuple[str, int]]:
    """(label, count) for every severity, most severe first, from the stored counts."""
    return [(label, int(scan.severity_counts.get(label, 0))) for label in SEVERITY_ORDER]


def category_breakdown(scan: Scan) -> list[tuple[str, str, int]]:
    """(value, label, count) for every category, from the stored counts."""
    return [(c.value, c.label, int(scan.category_counts.get(c.value, 0))) for c in Category]


def scan_changed_line_counts(scan: Scan) -> dict[str, int]:
    """A pull-request scan's findings on changed lines, counted per severity label
    (every label present, zero included, so a CI script can read any key)."""
    counts = dict(
        Finding.objects.filter(scan=scan, on_changed_line=True)
        .order_by()
        .values_list("severity")
        .annotate(n=Count("id"))
        .values_list("severity", "n")
    )
    return {label: counts.get(value, 0) for value, label in Severity.choices}
