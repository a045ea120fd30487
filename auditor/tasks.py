"""Celery tasks: thin wrappers around one service each.

`services/scans.py` enqueues `run_scan`, so the services that import it (the pipeline,
scans, schedules) are imported inside the tasks that call them: importing them here at
module level would close the cycle tasks -> services.scans -> tasks.
"""

from __future__ import annotations

from typing import Any

from celery import shared_task
from django.conf import settings

from auditor.errors import TransientScanError
from auditor.services.engine_cache import engine_cache_prune


@shared_task(
    bind=True,
    name="auditor.run_scan",
    acks_late=True,
    # A worker killed mid-scan must not leave the message acknowledged and the scan lost.
    # The claim makes a redelivery harmless while the scan's heartbeat moves, and lets it
    # take the scan over once the heartbeat is stale (services/scans.py).
    reject_on_worker_lost=True,
    autoretry_for=(TransientScanError,),
    retry_backoff=settings.SCAN_RETRY_BACKOFF,
    # Below the broker's visibility timeout (settings.py), which a retry waits out unacknowledged.
    retry_backoff_max=600,
    max_retries=3,
    soft_time_limit=settings.SCAN_SOFT_TIME_LIMIT,
    time_limit=settings.SCAN_HARD_TIME_LIMIT,
)
def run_scan(self: Any, scan_id: int) -> str:
    from auditor.services.scan_pipeline import scan_execute

    final_attempt = self.request.retries >= self.max_retries
    return scan_execute(scan_id, final_attempt=final_attempt).value


@shared_task(name="auditor.reap_stale_scans", ignore_result=True)
def reap_stale_scans() -> int:
    from auditor.services.scans import scans_reap_stale, scans_requeue_lost

    scans_requeue_lost()
    return scans_reap_stale()


@shared_task(name="auditor.prune_engine_cache", ignore_result=True)
def prune_engine_cache() -> int:
    return engine_cache_prune()


@shared_task(name="auditor.run_scheduled_scan", ignore_result=True)
def run_scheduled_scan(repository_id: int) -> str:
    from auditor.services.schedules import scheduled_scan_run

    return scheduled_scan_run(repository_id)
