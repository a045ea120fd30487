"""Finding identity across scans: new / fixed / reopened / unchanged, computed once at
ingestion against the previous successful scan of the same repository and branch."""

from __future__ import annotations

from collections import Counter
from typing import Any

from django.db.models import Avg, Max, OuterRef, Subquery
from django.utils import timezone

from auditor.models import (
    FileMetric,
    Finding,
    FindingChange,
    Lifecycle,
    Scan,
    ScanRollup,
    Severity,
    TrackedFinding,
    Triage,
)
from auditor.selectors.gate import scan_previous_successful
from auditor.services.risk import scan_risk_compute, scan_risk_rollup
from auditor.services.tally import finding_tally_refresh

BATCH_SIZE = 2000
_DISPLAY_FIELDS = (
    "rule_id", "category", "severity", "confidence", "path", "line", "message", "in_tests", "ai_authored",
    "ai_tool",
)  # fmt: skip


def _copy_display(tracked: TrackedFinding, row: dict[str, Any]) -> None:
    for field in _DISPLAY_FIELDS:
        setattr(tracked, field, row[field])
    tracked.latest_finding_id = row["id"]


def scan_lifecycle_compute(scan: Scan, *, risk_scored: bool = False) -> ScanRollup:
    """Link `scan`'s findings to their identities, record what changed, write the rollup.

    `risk_scored`: the file metrics were stored with their risk (ingestion scores it before
    writing them); otherwise it is scored here, from the stored rows.

    Must run inside the ingestion transaction, after the scan's findings and file
    metrics are stored (and before its status says succeeded, which this does not read).
    Idempotent: a re-run for the same scan replaces its changes and rollup.
    """
    repository = scan.repository
    previous = scan_previous_successful(scan)
    rows = list(Finding.objects.filter(scan=scan).values("id", "fingerprint", *_DISPLAY_FIELDS))
    current = {row["fingerprint"]: row for row in rows}
    tracked = {
        t.fingerprint: t for t in TrackedFinding.objects.filter(repository=repository, branch=scan.branch)
    }
    triages = {
        t.fingerprint: t
        for t in Triage.objects.filter(repository=repository, fingerprint__in=list(current.keys()))
    }
    FindingChange.objects.filter(scan=scan).delete()

    created: list[TrackedFinding] = []
    updated: list[TrackedFinding] = []
    relink: list[int] = []
    changes: list[tuple[str, str, int | None]] = []  # (fingerprint, kind, finding id)
    counts: Counter[str] = Counter()
    for fingerprint, row in current.items():
        known = tracked.get(fingerprint)
        if known is None:
            triage = triages.get(fingerprint)
            item = TrackedFinding(
                repository=repository,
                team_id=repository.team_id,
                branch=scan.branch,
                fingerprint=fingerprint,
                first_seen_scan=scan,
                last_seen_scan=scan,
                state_scan=scan,
                state=Lifecycle.NEW,
                is_open=True,
                triage_status=triage.status if triage else "",
                triage_expires_at=triage.expires_at if triage else None,
            )
            _copy_display(item, row)
            created.append(item)
            changes.append((fingerprint, Lifecycle.NEW, row["id"]))
            counts[Lifecycle.NEW] += 1
            continue
        if known.is_open:
            counts[Lifecycle.UNCHANGED] += 1
            if _same_display(known, row):
                # Still there as it was: only the pointer to the newest occurrence moves,
                # in one UPDATE per batch (an unindexed column, so PostgreSQL can do it
                # as a heap-only update).
                relink.append(known.pk)
            else:
                # Code moved or the message changed: keep the copy current.
                _copy_display(known, row)
                updated.append(known)
            continue
        counts[Lifecycle.REOPENED] += 1
        changes.append((fingerprint, Lifecycle.REOPENED, row["id"]))
        _copy_display(known, row)
        known.is_open, known.state, known.state_scan = True, Lifecycle.REOPENED, scan
        updated.append(known)
    for fingerprint, known in tracked.items():
        if known.is_open and fingerprint not in current:
            changes.append((fingerprint, Lifecycle.FIXED, known.latest_finding_id))
            counts[Lifecycle.FIXED] += 1
            known.is_open, known.state, known.state_scan = False, Lifecycle.FIXED, scan
            known.last_seen_scan = previous or known.last_seen_scan
            updated.append(known)

    TrackedFinding.objects.bulk_create(created, batch_size=BATCH_SIZE)
    _relink_latest(scan, relink)
    TrackedFinding.objects.bulk_update(
        updated,
        [*_DISPLAY_FIELDS, "latest_finding", "is_open", "state", "state_scan", "last_seen_scan"],
        batch_size=BATCH_SIZE,
    )
    ids = {t.fingerprint: t.pk for t in created} | {t.fingerprint: t.pk for t in tracked.values()}
    FindingChange.objects.bulk_create(
        [
            FindingChange(scan=scan, tracked_id=ids[fp], kind=kind, finding_id=fid)
            for fp, kind, fid in changes
        ],
        batch_size=BATCH_SIZE,
    )
    # Read before this scan's rollup is written: the branch's latest ingested scan so far.
    news_before = (
        ScanRollup.objects.filter(repository=repository, branch=scan.branch)
        .exclude(scan=scan)
        .order_by("-scanned_at")
        .values_list("new_count", flat=True)
        .first()
    )
    rollup = _rollup_write(scan, previous, rows, counts)
    if risk_scored:
        scan_risk_rollup(scan)
    else:
        scan_risk_compute(scan)
    if scan.branch == repository.default_branch and not _tally_unchanged(created, updated, news_before):
        finding_tally_refresh(repository)
    return rollup


def _tally_unchanged(
    created: list[TrackedFinding], updated: list[TrackedFinding], news_before: int | None
) -> bool:
    """Whether the repository's tally (services/tally.py) already counts what this scan leaves.

    Its rows count identities by attributes that only a created or updated identity
    changes, plus "new in the latest scan": a scan that creates and updates nothing leaves
    those counts as they were when the previous latest scan had no new finding either
    (nothing was counted as new, nothing is). Then the rewrite is skipped: a re-scan
    where nothing changed writes no tally row.
    """
    return not created and not updated and news_before == 0


def _same_display(tracked: TrackedFinding, row: dict[str, Any]) -> bool:
    return all(getattr(tracked, field) == row[field] for field in _DISPLAY_FIELDS)


def _relink_latest(scan: Scan, tracked_ids: list[int]) -> None:
    """Point `tracked_ids` at their occurrence in `scan`."""
    occurrence = Finding.objects.filter(scan=scan, fingerprint=OuterRef("fingerprint")).values("pk")[:1]
    for start in range(0, len(tracked_ids), BATCH_SIZE):
        TrackedFinding.objects.filter(pk__in=tracked_ids[start : start + BATCH_SIZE]).update(
            latest_finding=Subquery(occurrence)
        )


def _rollup_write(
    scan: Scan, previous: Scan | None, rows: list[dict[str, Any]], counts: Counter[str]
) -> ScanRollup:
    metrics = FileMetric.objects.filter(scan=scan).aggregate(
        cc_mean=Avg("complexity_mean"), cc_max=Max("complexity_max"), mi=Avg("maintainability")
    )
    values = {
        "repository_id": scan.repository_id,
        "team_id": scan.repository.team_id,
        "branch": scan.branch,
        "scanned_at": scan.finished_at or timezone.now(),
        "previous_scan": previous,
        "new_count": counts[Lifecycle.NEW],
        "fixed_count": counts[Lifecycle.FIXED],
        "reopened_count": counts[Lifecycle.REOPENED],
        "unchanged_count": counts[Lifecycle.UNCHANGED],
        "open_total": len(rows),
        "severity_counts": dict(Counter(Severity(r["severity"]).label for r in rows)),
        "category_counts": dict(Counter(r["category"] for r in rows)),
        "complexity_mean": round(metrics["cc_mean"] or 0.0, 2),
        "complexity_max": metrics["cc_max"] or 0,
        "maintainability_mean": round(metrics["mi"], 1) if metrics["mi"] is not None else None,
    }
    rollup, _ = ScanRollup.objects.update_or_create(scan=scan, defaults=values)
    return rollup
