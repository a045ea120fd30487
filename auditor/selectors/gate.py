"""Reads behind the quality gate: the previous scan, new fingerprints, open findings, the verdict."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db.models import F, Q, QuerySet
from django.utils import timezone

from auditor.models import (
    Category,
    Finding,
    FindingChange,
    GateResult,
    Lifecycle,
    Repository,
    Review,
    Scan,
    ScanStatus,
    Severity,
    TeamSettings,
    Triage,
)


def scan_previous_successful(scan: Scan) -> Scan | None:
    """The scan `scan` is compared with: the latest succeeded scan of the same repository
    and branch created before it, among those in the branch's history (an upload of an
    unverified commit never is). Lifecycle, trust and the gate all use this one."""
    return (
        Scan.objects.filter(
            repository_id=scan.repository_id,
            branch=scan.branch,
            status=ScanStatus.SUCCEEDED,
            commit_verified=True,
        )
        .filter(Q(created_at__lt=scan.created_at) | Q(created_at=scan.created_at, id__lt=scan.pk))
        .order_by("-created_at", "-id")
        .first()
    )


def scan_latest_successful(repository: Repository) -> Scan | None:
    """The latest succeeded scan of `repository`'s default branch: the one its badge,
    trust summary, gate refresh and review re-approval speak of."""
    return (
        Scan.objects.filter(
            repository=repository, branch=repository.default_branch, status=ScanStatus.SUCCEEDED
        )
        .order_by("-created_at", "-id")
        .first()
    )


def scan_new_fingerprints(scan: Scan) -> set[str]:
    """Fingerprints that arrived with `scan`: new or reopened against the previous
    successful scan of its branch, as the lifecycle recorded them at ingestion
    (`FindingChange`; the first scan of a branch has everything new). Read, never
    recomputed, so the gate and the scan page cannot disagree about what is new."""
    return set(
        FindingChange.objects.filter(scan=scan, kind__in=(Lifecycle.NEW, Lifecycle.REOPENED)).values_list(
            "tracked__fingerprint", flat=True
        )
    )


def open_findings(scan: Scan) -> QuerySet[Finding]:
    """The scan's findings minus those triaged away (false positive, accepted, won't fix) and
    not expired: the ones that still count as evidence or against the gate."""

    today = timezone.localdate()
    triaged = Triage.objects.filter(repository_id=scan.repository_id).in_force(today)
    return Finding.objects.filter(scan=scan).exclude(fingerprint__in=triaged.values("fingerprint"))


@dataclass(frozen=True)
class GateCondition:
    code: str
    label: str
    passed: bool
    message: str


def gate_evaluate(scan: Scan, settings: TeamSettings) -> list[GateCondition]:
    """Every enabled condition of the team's gate, evaluated for `scan` (a few queries)."""
    conditions: list[GateCondition] = []
    needs_new = settings.gate_block_new_findings or settings.gate_block_new_context
    new = scan_new_fingerprints(scan) if needs_new else set()
    new_open = open_findings(scan).filter(fingerprint__in=new) if new else Finding.objects.none()
    if settings.gate_block_new_findings:
        floor = Severity(settings.gate_new_severity)
        # "No new high findings in AI-written code": only findings on AI-written lines count.
        counted = new_open.filter(ai_authored=True) if settings.gate_ai_new_only else new_open
        where = " in AI-written code" if settings.gate_ai_new_only else ""
        count = counted.filter(severity__gte=floor).count() if new else 0
        conditions.append(
            GateCondition(
                "new-severe-findings",
                f"No new findings of {floor.label} severity or above{where}",
                count == 0,
                f"{count} new finding{'s' if count != 1 else ''} of {floor.label} severity or above"
                if count
                else "None",
            )
        )
    if settings.gate_block_new_context:
        count = new_open.filter(category=Category.CONTEXT).count() if new else 0
        conditions.append(
            GateCondition(
                "new-context-findings",
                "No open context findings in new code",
                count == 0,
                f"{count} new open context finding{'s' if count != 1 else ''}" if count else "None",
            )
        )
    if settings.ai_review_above_percent is not None:
        conditions.append(_ai_review_condition(scan, settings.ai_review_above_percent))
    if settings.gate_require_review:
        approved = Review.objects.filter(scan=scan, approved=True).exists()
        conditions.append(
            GateCondition(
                "review-approved",
                "Review approved",
                approved,
                "Approved" if approved else "The review of this scan is not approved yet",
            )
        )
    return conditions


def scan_new_ai_percent(scan: Scan) -> float | None:
    """Percent of the scan's new lines (touched since the previous scan's commit) that are
    AI-written, of those attributed; None when unknown (no previous scan in the clone's
    history, no attribution, or no attributed new line)."""
    new = (scan.provenance or {}).get("new_lines")
    if not isinstance(new, dict):
        return None
    attributed = int(new.get("ai") or 0) + int(new.get("human") or 0)
    return round(100 * int(new.get("ai") or 0) / attributed, 1) if attributed else None


def _ai_review_condition(scan: Scan, threshold: int) -> GateCondition:
    share = scan_new_ai_percent(scan)
    label = f"Approved review when more than {threshold}% of new lines are AI-written"
    if share is None or share <= threshold:
        shown = "unknown" if share is None else f"{share:g}%"
        return GateCondition(
            "ai-review-approved", label, True, f"Not required (new code AI-written: {shown})"
        )
    approved = Review.objects.filter(scan=scan, approved=True).exists()
    message = "Approved" if approved else "The review of this scan is not approved yet"
    return GateCondition(
        "ai-review-approved", label, approved, f"{share:g}% of new lines AI-written; {message}"
    )


def gate_result_for(scan: Scan) -> GateResult | None:
    """The stored verdict, if the scan has been through ingestion."""
    return GateResult.objects.filter(scan=scan).first()


def gate_latest_for_repository(repository_id: int) -> GateResult | None:
    """The verdict of the latest successful scan of the repository's default branch (one query)."""
    return (
        GateResult.objects.filter(
            scan__repository_id=repository_id,
            scan__status=ScanStatus.SUCCEEDED,
            # A feature branch's CI upload must not turn the repository's badge red.
            scan__branch=F("scan__repository__default_branch"),
        )
        .select_related("scan")
        .order_by("-scan__created_at", "-scan__id")
        .first()
    )


def scan_gate(scan: Scan) -> dict[str, Any] | None:
    """The gate verdict of `scan` as plain data (API, report), or None until one is computed."""
    row = GateResult.objects.filter(scan_id=scan.pk).values("passed", "failures").first()
    return dict(row) if row else None
