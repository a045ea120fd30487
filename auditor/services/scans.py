"""Writes for scans: request, claim, phase changes, failure, reaping."""

from __future__ import annotations

import logging
from datetime import timedelta

from django.conf import settings
from django.contrib.auth.models import AnonymousUser, User
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from auditor.errors import USER_TEXT, WORKER_LOST
from auditor.models import ACTIVE_STATUSES, RUNNING_STATUSES, Repository, Scan, ScanStatus, ScanTrigger
from auditor.services.audit import audit_record
from auditor.services.revisions import repository_changed_by_scan
from auditor.tasks import run_scan

log = logging.getLogger(__name__)


def scan_request(
    *,
    repository: Repository,
    trigger: str = ScanTrigger.MANUAL,
    requested_by: User | AnonymousUser | None = None,
    branch: str | None = None,
) -> Scan:
    """Create a queued scan and enqueue `run_scan` once the row is committed.

    The row exists before the task is queued, so the page can show it at once and a
    worker never receives an id it cannot read.
    """
    with transaction.atomic():
        scan = Scan.objects.create(
            repository=repository,
            branch=branch or repository.default_branch,
            trigger=ScanTrigger(trigger),
            requested_by=requested_by if isinstance(requested_by, User) else None,
        )
        audit_record(
            team=repository.team,
            actor=requested_by,
            action="scan.triggered",
            obj=scan,
            details={"trigger": scan.trigger, "branch": scan.branch, "repository": repository.name},
        )
        # robust: a broker that is down must not turn a committed request into an error page;
        # `scans_requeue_lost` sends the message again later.
        transaction.on_commit(lambda: run_scan.delay(scan.pk), robust=True)
    return scan


def scan_claim(scan_id: int) -> Scan | None:
    """Move a queued scan to `cloning`; None when someone else already has it.

    A compare-and-set update, so a duplicate delivery of the task does nothing.
    """
    now = timezone.now()
    claimed = Scan.objects.filter(pk=scan_id, status=ScanStatus.QUEUED).update(
        status=ScanStatus.CLONING, started_at=now, heartbeat_at=now, error_code="", error_text=""
    )
    if not claimed:
        return None
    repository_changed_by_scan(scan_id)
    return Scan.objects.select_related("repository").get(pk=scan_id)


def scan_advance(scan: Scan, status: str, **fields: object) -> bool:
    """Record the next phase; False when the scan left the running phases (cancelled, reaped)."""
    updated = Scan.objects.filter(pk=scan.pk, status__in=RUNNING_STATUSES).update(
        status=status, heartbeat_at=timezone.now(), **fields
    )
    if updated:
        repository_changed_by_scan(scan.pk)
        scan.status = status
        for name, value in fields.items():
            setattr(scan, name, value)
    return bool(updated)


def scan_requeue(scan: Scan) -> None:
    """Put a scan that hit a transient error back in the queue for the task's retry."""
    if Scan.objects.filter(pk=scan.pk, status__in=RUNNING_STATUSES).update(
        status=ScanStatus.QUEUED, heartbeat_at=timezone.now()
    ):
        repository_changed_by_scan(scan.pk)


def scan_fail(scan_id: int, code: str, text: str) -> None:
    """Mark an unfinished scan failed with a user-readable reason."""
    now = timezone.now()
    if Scan.objects.filter(pk=scan_id, status__in=(ScanStatus.QUEUED, *RUNNING_STATUSES)).update(
        status=ScanStatus.FAILED, finished_at=now, heartbeat_at=now, error_code=code, error_text=text[:4000]
    ):
        repository_changed_by_scan(scan_id)


def scans_reap_stale() -> int:
    """Fail running scans whose worker has been silent for longer than the hard time limit."""
    cutoff = timezone.now() - timedelta(seconds=settings.SCAN_HARD_TIME_LIMIT + 60)
    stale = list(
        Scan.objects.filter(status__in=RUNNING_STATUSES, heartbeat_at__lt=cutoff).values_list("pk", flat=True)
    )
    for scan_id in stale:
        scan_fail(scan_id, WORKER_LOST, USER_TEXT[WORKER_LOST])
    if stale:
        log.warning("reaped %d stale scans: %s", len(stale), stale)
    return len(stale)


def scans_requeue_lost() -> int:
    """Send `run_scan` again for scans queued long ago that no worker has claimed.

    The message may have been lost (broker down at enqueue time, a retry that failed
    to publish). Sending a duplicate is harmless: the claim is a compare-and-set, so
    whichever delivery comes first runs the scan and the others do nothing.
    """
    now = timezone.now()
    cutoff = now - timedelta(seconds=settings.SCAN_REQUEUE_AFTER)
    lost = list(
        Scan.objects.filter(status=ScanStatus.QUEUED)
        .filter(Q(heartbeat_at__lt=cutoff) | Q(heartbeat_at__isnull=True, created_at__lt=cutoff))
        .values_list("pk", flat=True)
    )
    for scan_id in lost:
        Scan.objects.filter(pk=scan_id, status=ScanStatus.QUEUED).update(heartbeat_at=now)
        run_scan.delay(scan_id)
    if lost:
        log.warning(
            "re-sent %d scans still queued after %d s: %s", len(lost), settings.SCAN_REQUEUE_AFTER, lost
        )
    return len(lost)


def scan_cancel(*, scan: Scan, actor: User | AnonymousUser | None) -> bool:
    """Cancel a queued or running scan; False when it had already finished.

    A compare-and-set update: the worker notices at its next phase boundary, because
    `scan_advance` (and ingestion's row lock) refuse a scan that left the running phases.
    """
    now = timezone.now()
    with transaction.atomic():
        # Repository first, as ingestion locks it before the scan: the audit event below
        # moves the repository's revision, and the opposite order could deadlock.
        Repository.objects.select_for_update().filter(pk=scan.repository_id).first()
        cancelled = Scan.objects.filter(pk=scan.pk, status__in=ACTIVE_STATUSES).update(
            status=ScanStatus.CANCELLED, finished_at=now, heartbeat_at=now
        )
        if cancelled:
            audit_record(
                team=scan.repository.team,
                actor=actor,
                action="scan.cancelled",
                obj=scan,
                details={"previous_status": scan.status},
            )
    if cancelled:
        scan.status = ScanStatus.CANCELLED
        scan.finished_at = now
    return bool(cancelled)
