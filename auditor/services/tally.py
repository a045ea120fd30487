"""The findings list's tally (models.FindingTally): rewritten for a repository whenever
its default-branch identities change (an ingestion of that branch, a triage)."""

from __future__ import annotations

from django.db.models import Case, Count, Q, Value, When
from django.db.models.fields import BooleanField

from auditor.models import FindingTally, Lifecycle, Repository, ScanRollup, TrackedFinding

TALLY_FIELDS = ("severity", "category", "rule_id", "is_open", "triage_status", "triage_expires_at")


def finding_tally_refresh(repository: Repository) -> int:
    """Count `repository`'s default-branch identities afresh; the number of tally rows.

    Run it in the transaction that changed them, so the list never sees the identities
    and their tally disagree. "New" is measured against the branch's latest ingested scan,
    read here, as the list reads it."""
    branch = repository.default_branch
    latest = (
        ScanRollup.objects.filter(repository=repository, branch=branch)
        .order_by("-scanned_at")
        .values_list("scan_id", flat=True)
        .first()
    )
    is_new = Case(
        When(Q(state=Lifecycle.NEW, state_scan_id=latest), then=Value(True)),
        default=Value(False),
        output_field=BooleanField(),
    )
    groups = (
        TrackedFinding.objects.filter(repository=repository, branch=branch)
        .annotate(new=is_new)
        .values(*TALLY_FIELDS, "new")
        .annotate(n=Count("id"))
        .order_by()
    )
    rows = [
        FindingTally(repository=repository, is_new=g["new"], n=g["n"], **{k: g[k] for k in TALLY_FIELDS})
        for g in groups
    ]
    FindingTally.objects.filter(repository=repository).delete()
    FindingTally.objects.bulk_create(rows, batch_size=2000)
    return len(rows)
