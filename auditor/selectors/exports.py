"""Reads for exports: finding querysets scoped to a user's teams, streamed in chunks.

Exports take a Finding queryset plus a filter object, so any findings list page can
link to an export URL carrying its own query string.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from django.contrib.auth.models import AnonymousUser, User
from django.db.models import OuterRef, QuerySet, Subquery
from django.db.models.functions import MD5

from auditor.models import Category, FileMetric, Finding, Scan
from auditor.models.paths import path_order
from auditor.selectors.findings import AI_ORIGINS, FindingListFilters, ai_origin_q, finding_list_queryset
from auditor.selectors.scans import SEVERITY_ORDER, finding_attribute_q

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
    # Provenance of the finding's line; "file_ai_share" is annotated (finding_export_rows).
    "ai_authored",
    "ai_tool",
    "ai_model",
    "file_ai_share",
)


def _int_or_none(value: str) -> int | None:
    return int(value) if value.isdigit() and len(value) < 18 else None


@dataclass(frozen=True)
class ExportFilters:
    """The findings list's query string, parsed defensively (unknown values are dropped)."""

    scan: int | None = None
    repository: int | None = None
    severity: str = ""
    min_severity: str = ""
    category: str = ""
    rule: str = ""
    path: str = ""
    ai: str = ""  # "ai" / "human" / "unknown"

    @classmethod
    def from_query(cls, query: dict[str, str]) -> ExportFilters:
        def choice(name: str, allowed: list[str]) -> str:
            value = query.get(name, "")
            return value if value in allowed else ""

        return cls(
            scan=_int_or_none(query.get("scan", "")),
            repository=_int_or_none(query.get("repository", "")),
            severity=choice("severity", SEVERITY_ORDER),
            min_severity=choice("min_severity", SEVERITY_ORDER),
            category=choice("category", list(Category.values)),
            rule=query.get("rule", "")[:32],
            path=query.get("path", "")[:500],
            ai=choice("ai", list(AI_ORIGINS)),
        )

    def as_query(self) -> dict[str, str]:
        return {k: str(v) for k, v in self.__dict__.items() if v not in ("", None)}


def finding_filter(findings: QuerySet[Finding], filters: ExportFilters) -> QuerySet[Finding]:
    """Apply the attribute filters (not the scope) to `findings`."""
    findings = findings.filter(
        finding_attribute_q(
            severity=filters.severity,
            min_severity=filters.min_severity,
            category=filters.category,
            rule=filters.rule,
            path=filters.path,
        )
    )
    if filters.ai:
        findings = findings.filter(ai_origin_q(filters.ai))
    return findings.order_by("scan_id", "-severity", "path", "line", "id")


def finding_export_queryset(user: User | AnonymousUser, query: dict[str, str]) -> QuerySet[Finding]:
    """Findings the user may see for an export URL's query string.

    With `scan=ID`: that scan's findings, narrowed by ExportFilters (the scan page's
    filters). Otherwise the findings list page's own filters (FindingListFilters: status,
    repository, severity, …) select identities, and each exports its latest occurrence,
    so the list can link here with its query string unchanged.
    """
    if not isinstance(user, User) or not user.is_authenticated:
        return Finding.objects.none()
    filters = ExportFilters.from_query(query)
    if filters.scan is not None:
        visible = Scan.objects.filter(pk=filters.scan, repository__team__memberships__user=user)
        return finding_filter(Finding.objects.filter(scan__in=visible.values("pk")), filters)
    return finding_filter(
        Finding.objects.filter(pk__in=_listed_identities(user, query).values("latest_finding_id")),
        ExportFilters(min_severity=filters.min_severity, ai=filters.ai),
    )


def _listed_identities(user: User, query: dict[str, str]) -> QuerySet[Any]:
    """Exactly the identities the findings list shows for the same query string."""
    return finding_list_queryset(user, FindingListFilters.from_query(query))


def finding_export_rows(findings: QuerySet[Finding]) -> Iterator[dict[str, Any]]:
    """The export columns of `findings`, fetched CHUNK_SIZE rows at a time.

    `.iterator()` streams (a server-side cursor on PostgreSQL) instead of caching the
    whole result on the queryset.
    """
    rows: Iterator[dict[str, Any]] = (
        findings.annotate(file_ai_share=_file_ai_share())
        .values(*EXPORT_FIELDS)
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
