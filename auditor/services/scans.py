"""Writes for scans: request, claim, phase changes, heartbeat, failure, reaping.

Liveness. While a worker runs a scan, a thread beside it moves `Scan.heartbeat_at` every
SCAN_HEARTBEAT_INTERVAL seconds (`scan_heartbeat`). A scan in a running phase whose
heartbeat is older than SCAN_HEARTBEAT_STALE has lost its worker (killed, out of memory,
machine gone): a redelivered message takes it over (`scan_claim`), and the reaper puts it
back in the queue (`scans_reap_stale`) until SCAN_MAX_ATTEMPTS claims are spent, then
fails it with `scan:system:worker-lost`.

Fencing. Each claim adds one to `Scan.attempts`, and a worker writes (phases, heartbeat,
requeue, failure) only while the count is still the one its claim set, so a worker that
was only slow, not dead, cannot overwrite the attempt that took its scan over.

Locks: the repository row first, then the scan, then the team (the revisions move last).
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime, timedelta

from django.conf import settings
from django.contrib.auth.models import AnonymousUser, User
from django.db import DatabaseError, connection, transaction
from django.db.models import F, Q, QuerySet
from django.utils import timezone
from kombu.exceptions import OperationalError as BrokerError

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
    base_branch: str | None = None,
) -> Scan:
    """Create a queued scan and enqueue `run_scan` once the row is committed; with
    `base_branch`, a pull-request scan of `branch` against it (services/scan_pipeline.py).

    The row exists before the task is queued, so the page can show it at once and a
    worker never receives an id it cannot read.
    """
    with transaction.atomic():
        scan = Scan.objects.create(
            repository=repository,
            branch=branch or repository.default_branch,
            base_branch=base_branch or "",
            trigger=ScanTrigger(trigger),
            requested_by=requested_by if isinstance(requested_by, User) else None,
        )
        audit_record(
            team=repository.team,
            actor=requested_by,
            action="scan.triggered",
            obj=scan,
            details={"trigger": scan.trigger, "branch": scan.branch, "repository": repository.name}
            | ({"base": scan.base_branch} if scan.base_branch else {}),
        )
        # robust: a broker that is down must not turn a committed request into an error page;
        # `scans_requeue_lost` sends the message again later.
        transaction.on_commit(lambda: run_scan.delay(scan.pk), robust=True)
    return scan


def _send(scan_id: int) -> None:
    """Send `run_scan` for the queued scan `scan_id`.

    A broker that is down must not stop a sweep over many scans: the scan stays queued,
    and `scans_requeue_lost` sends it again later.
    """
    try:
        run_scan.delay(scan_id)
    except BrokerError:
        log.warning("scan %s: could not send run_scan; it stays queued", scan_id, exc_info=True)


def _stale_before() -> datetime:
    return timezone.now() - timedelta(seconds=settings.SCAN_HEARTBEAT_STALE)


def scan_claim(scan_id: int) -> Scan | None:
    """Start an attempt at `scan_id`; None when it is not ours to run.

    Ours when it is queued, or in a running phase with a stale heartbeat and claims left
    (its worker died, and this is the redelivered message or the reaper's). One
    compare-and-set update: PostgreSQL re-checks the condition on the row a concurrent
    claim just wrote, so of two deliveries only one gets it, and a duplicate delivery of
    a scan that runs, or has finished, does nothing.
    """
    now = timezone.now()
    claimable = Q(status=ScanStatus.QUEUED) | Q(
        status__in=RUNNING_STATUSES,
        heartbeat_at__lt=_stale_before(),
        attempts__lt=settings.SCAN_MAX_ATTEMPTS,
    )
    with transaction.atomic():
        # The update locks the scan row until the commit: the read below sees our claim.
        claimed = Scan.objects.filter(claimable, pk=scan_id).update(
            status=ScanStatus.CLONING,
            started_at=now,
            heartbeat_at=now,
            attempts=F("attempts") + 1,
            error_code="",
            error_text="",
        )
        if not claimed:
            return None
        scan = Scan.objects.select_related("repository").get(pk=scan_id)
    # After the commit, not in it: the revisions lock the repository, which comes before
    # the scan in the lock order.
    repository_changed_by_scan(scan_id)
    if scan.attempts > 1:
        log.info("scan %s: attempt %d", scan_id, scan.attempts)
    return scan


def _ours(scan: Scan) -> QuerySet[Scan]:
    """`scan` while it is running the attempt this worker claimed."""
    return Scan.objects.filter(pk=scan.pk, status__in=RUNNING_STATUSES, attempts=scan.attempts)


def scan_advance(scan: Scan, status: str, **fields: object) -> bool:
    """Record the next phase; False when the scan is no longer ours (cancelled, reaped, taken over)."""
    updated = _ours(scan).update(status=status, heartbeat_at=timezone.now(), **fields)
    if updated:
        repository_changed_by_scan(scan.pk)
        scan.status = status
        for name, value in fields.items():
            setattr(scan, name, value)
    return bool(updated)


def _beat(scan_id: int, ours: QuerySet[Scan], interval: float, stop: threading.Event) -> None:
    try:
        while not stop.wait(interval):
            try:
                if not ours.update(heartbeat_at=timezone.now()):
                    return  # finished, cancelled or taken over: nothing left to keep alive
            except DatabaseError:
                # PostgreSQL restarting: drop the broken connection, reconnect next beat.
                log.warning("scan %s: heartbeat failed", scan_id, exc_info=True)
                connection.close()
    finally:
        connection.close()  # this thread's own connection


@contextmanager
def scan_heartbeat(scan: Scan, interval: float | None = None) -> Iterator[None]:
    """Move `scan.heartbeat_at` every `interval` seconds (SCAN_HEARTBEAT_INTERVAL) while the block runs.

    A thread, because the block spends minutes in single calls (clone, engine) that
    cannot beat themselves. It dies with the worker, which is the point: a scan whose
    heartbeat stops has lost its worker. Its updates touch the scan row alone, so they
    cannot deadlock with ingestion; while ingestion holds that row they wait, and it
    refreshes the heartbeat itself when it commits. The engine forks its process pool
    while the thread lives: the children never use the database, so the connection they
    inherit (as they already inherit the task's) stays untouched.
    """
    stop = threading.Event()
    thread = threading.Thread(
        target=_beat,
        args=(scan.pk, _ours(scan), interval or settings.SCAN_HEARTBEAT_INTERVAL, stop),
        name=f"scan-{scan.pk}-heartbeat",
        daemon=True,  # never keeps a worker child alive on its own
    )
    thread.start()
    try:
        yield
    finally:
        stop.set()
        # Bounded: a beat stuck on an unreachable database must not hold the task.
        thread.join(timeout=10)


def scan_requeue(scan: Scan) -> None:
    """Put a scan that hit a transient error back in the queue for the task's retry."""
    if _ours(scan).update(status=ScanStatus.QUEUED, heartbeat_at=timezone.now()):
        repository_changed_by_scan(scan.pk)


def scan_fail(scan_id: int, code: str, text: str, *, attempt: int | None = None) -> None:
    """Mark an unfinished scan failed with a user-readable reason.

    `attempt`: only while the scan still runs that attempt (a worker failing its own scan).
    """
    now = timezone.now()
    unfinished = Scan.objects.filter(pk=scan_id, status__in=(ScanStatus.QUEUED, *RUNNING_STATUSES))
    if attempt is not None:
        unfinished = unfinished.filter(attempts=attempt)
    if unfinished.update(
        status=ScanStatus.FAILED, finished_at=now, heartbeat_at=now, error_code=code, error_text=text[:4000]
    ):
        repository_changed_by_scan(scan_id)


def scans_reap_stale() -> int:
    """Re-queue running scans whose worker went silent; fail those that cannot be resumed.

    Silent: no heartbeat for SCAN_HEARTBEAT_STALE seconds. Such a scan goes back to the
    queue, with a new message, while it has claims left; it fails with
    `scan:system:worker-lost` once SCAN_MAX_ATTEMPTS claims are spent, or when it has been
    silent for longer than a scan may run at all (SCAN_HARD_TIME_LIMIT + 60 s: no reaper
    ran for that long, and a result that late is not worth a new attempt). Each change is
    a compare-and-set on the heartbeat and attempt it saw, so a worker that beats again,
    or a redelivery that took the scan over meanwhile, wins. Returns the scans changed.
    """
    now = timezone.now()
    stale_before = _stale_before()
    hopeless_before = now - timedelta(seconds=settings.SCAN_HARD_TIME_LIMIT + 60)
    stale = Scan.objects.filter(status__in=RUNNING_STATUSES, heartbeat_at__lt=stale_before)
    requeued: list[int] = []
    failed: list[int] = []
    for scan_id, attempts, heartbeat_at in list(stale.values_list("pk", "attempts", "heartbeat_at")):
        unchanged = stale.filter(pk=scan_id, attempts=attempts)
        resumable = heartbeat_at is not None and heartbeat_at >= hopeless_before
        if attempts < settings.SCAN_MAX_ATTEMPTS and resumable:
            if unchanged.update(status=ScanStatus.QUEUED, heartbeat_at=now):
                repository_changed_by_scan(scan_id)
                _send(scan_id)
                requeued.append(scan_id)
        elif unchanged.update(
            status=ScanStatus.FAILED,
            finished_at=now,
            heartbeat_at=now,
            error_code=WORKER_LOST,
            error_text=USER_TEXT[WORKER_LOST],
        ):
            repository_changed_by_scan(scan_id)
            failed.append(scan_id)
    if requeued:
        log.warning("re-queued %d scans whose worker went silent: %s", len(requeued), requeued)
    if failed:
        log.warning("failed %d scans whose worker went silent: %s", len(failed), failed)
    return len(requeued) + len(failed)


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
        _send(scan_id)
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
