"""Reads for exports: finding querysets scoped to a user's teams, streamed in chunks.

Exports take a Finding queryset plus a filter object, so any findings list page can
link to an export URL carrying its own query string.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from django.contrib.auth.models import AnonymousUser, User
from django.db.models import OuterRef, QuerySet, Subquery
from django.db.models.functions import MD5
from django.utils import timezone

from auditor.models import FileMetric, Finding, Scan, Triage
from auditor.models.paths import path_order
from auditor.permissions import scans_for_user
from auditor.selectors.finding_filters import FindingFilters
from auditor.selectors.findings import finding_list_queryset

# Rows fetched per database round trip; bounds the export's memory whatever its size.
CHUNK_SIZE = 2000

# The columns every tabular export carries, in this order (documented in README.md).
EXPORT_FIELDS = (
    "scan_id",
    "scan__repository__name",
    "scan__branch",
    "scan__commit_sha",
    "rule_id",
    "scanner",
    "category",
    "severity",
    "confidence",
    "path",
    "line",
    "end_line",
    "column",
    "message",
    "snippet",
    "fingerprint",
    "in_tests",
    # Provenance of the finding's line; "file_ai_share" is annotated (finding_export_rows).
    "ai_authored",
    "ai_tool",
    "ai_model",
    "file_ai_share",
    # A taint finding's steps from source to sink: [{"line", "column", "message"}, ...].
    "flow",
)


def finding_filter(findings: QuerySet[Finding], filters: FindingFilters) -> QuerySet[Finding]:
    """Apply the attribute filters (not the scope) to `findings`, in the exports' order."""
    return findings.filter(filters.attribute_q()).order_by("scan_id", "-severity", "path", "line", "id")


def finding_export_queryset(user: User | AnonymousUser, filters: FindingFilters) -> QuerySet[Finding]:
    """Findings the user may see for an export URL's filters.

    With `scan=ID`: that scan's findings, narrowed by the scan page's filters. Otherwise
    the findings list page's own filters (status, repository, severity, search, …) select
    identities, exactly as the list does, and each exports its latest occurrence, so the
    list links here with its query string unchanged.
    """
    if not isinstance(user, User) or not user.is_authenticated:
        return Finding.objects.none()
    if filters.scan is not None:
        visible = scans_for_user(user).filter(pk=filters.scan)
        return finding_filter(Finding.objects.filter(scan__in=visible.values("pk")), filters)
    listed = finding_list_queryset(user, filters).values("latest_finding_id")
    return Finding.objects.filter(pk__in=listed).order_by("scan_id", "-severity", "path", "line", "id")


# The triage in force on each exported finding ("" / None when it has none): the same
# decision the pages apply, so an export never shows a dismissed finding as open.
TRIAGE_FIELDS = ("triage_status", "triage_reason", "triaged_by", "triage_expires", "triaged_at")


def _with_triage(findings: QuerySet[Finding]) -> QuerySet[Finding]:
    triage = Triage.objects.in_force(timezone.localdate()).filter(
        repository_id=OuterRef("scan__repository_id"), fingerprint=OuterRef("fingerprint")
    )
    return findings.annotate(
        triage_status=Subquery(triage.values("status")[:1]),
        triage_reason=Subquery(triage.values("reason")[:1]),
        triaged_by=Subquery(triage.values("updated_by__username")[:1]),
        triage_expires=Subquery(triage.values("expires_at")[:1]),
        triaged_at=Subquery(triage.values("updated_at")[:1]),
    )


def finding_export_rows(findings: QuerySet[Finding]) -> Iterator[dict[str, Any]]:
    """The export columns of `findings` with their triage, fetched CHUNK_SIZE rows at a time.

    `.iterator()` streams (a server-side cursor on PostgreSQL) instead of caching the
    whole result on the queryset. The triage is one lookup per row on its unique
    (repository, fingerprint) index.
    """
    rows: Iterator[dict[str, Any]] = (
        _with_triage(findings)
        .annotate(file_ai_share=_file_ai_share())
        .values(*EXPORT_FIELDS, *TRIAGE_FIELDS)
        .iterator(chunk_size=CHUNK_SIZE)
    )
    return rows


def _file_ai_share() -> Subquery:
    # The unique index on (scan, md5(path)) finds the file's row; path= guards against a collision.
    metric = FileMetric.objects.annotate(digest=MD5("path")).filter(
        scan=OuterRef("scan"), digest=MD5(OuterRef("path")), path=OuterRef("path")
    )
    return Subquery(metric.values("ai_share")[:1])


def file_provenance_rows(scan: Scan) -> Iterator[dict[str, Any]]:
    """Every file of `scan` with its AI share and lines per origin, in path order."""
    rows = (
        FileMetric.objects.filter(scan=scan)
        .order_by(*path_order())
        .values("path", "ai_share", "ai_lines", "human_lines", "unknown_lines")
        .iterator(chunk_size=CHUNK_SIZE)
    )
    return (dict(row) for row in rows)


def finding_rule_ids(findings: QuerySet[Finding]) -> list[str]:
    """The distinct rule ids among `findings` (for SARIF's rules[], written before the results)."""
    return sorted(set(findings.order_by().values_list("rule_id", flat=True).distinct()))


def finding_rule_samples(findings: QuerySet[Finding], rule_ids: list[str]) -> dict[str, dict[str, Any]]:
    """One finding per rule id in `rule_ids`, to describe rules missing from the catalogue."""
    samples: dict[str, dict[str, Any]] = {}
    for rule_id in rule_ids:
        row = (
            findings.filter(rule_id=rule_id)
            .values("rule_id", "scanner", "category", "severity", "confidence")
            .first()
        )
        if row:
            samples[rule_id] = dict(row)
    return samples
