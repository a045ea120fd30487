"""One scan, end to end: claim → clone → engine → ingest.

Clone and engine run outside any database transaction; only ingestion is one.
The checkout is removed whatever happens.
"""

from __future__ import annotations

import logging
import time
from enum import StrEnum
from pathlib import Path

from celery.exceptions import SoftTimeLimitExceeded
from django.conf import settings

from auditor import errors
from auditor.git import CloneError, checkout_churn, clone_repository, workspace
from auditor.models import Scan, ScanStatus
from auditor.services.file_texts import scan_file_texts_store
from auditor.services.ingest import ScanNoLongerRunning, scan_ingest
from auditor.services.risk import CHURN_WINDOW_DAYS
from auditor.services.scans import scan_advance, scan_claim, scan_fail, scan_requeue
from scanners.engine import EngineConfig, scan_directory

log = logging.getLogger(__name__)

# Commits of history to fetch so that 90 days of churn can be counted on busy repositories.
HISTORY_DEPTH = 1000


class Outcome(StrEnum):
    SUCCEEDED = "succeeded"
    FAILED = "failed"
    NOT_CLAIMED = "not-claimed"  # another delivery has it, or it already finished
    ABANDONED = "abandoned"  # cancelled or reaped while running


def engine_config() -> EngineConfig:
    cache_dir = Path(settings.SCAN_ENGINE_CACHE_DIR) if settings.SCAN_ENGINE_CACHE_DIR else None
    return EngineConfig(workers=settings.SCAN_ENGINE_WORKERS or None, cache_dir=cache_dir)


def _store_file_texts(scan: Scan, checkout: Path) -> None:
    # The scan has succeeded by now (its findings are stored); file texts are for the
    # file page, and failing to store them must not be reported as a failed scan.
    try:
        scan_file_texts_store(scan, checkout)
    except Exception:
        log.exception("scan %s succeeded, but storing its file texts failed", scan.pk)


def scan_execute(scan_id: int, *, final_attempt: bool = True) -> Outcome:
    """Run the scan `scan_id` if it is still queued.

    Transient failures (clone timeout, network) put the scan back in the queue and
    raise TransientScanError so the task retries, unless this is the final attempt.
    """
    scan = scan_claim(scan_id)
    if scan is None:
        return Outcome.NOT_CLAIMED
    repository = scan.repository
    try:
        with workspace(settings.AUDITOR_WORKSPACE_DIR) as ws:
            started = time.monotonic()
            clone = clone_repository(
                repository.clone_url,
                scan.branch,
                ws / "checkout",
                local_roots=settings.AUDITOR_LOCAL_REPO_ROOTS,
                commit=scan.requested_commit or None,
                timeout_seconds=settings.SCAN_CLONE_TIMEOUT,
                max_bytes=settings.SCAN_MAX_REPO_BYTES,
                depth=HISTORY_DEPTH,  # churn counts commits of the last 90 days
            )
            if not scan_advance(
                scan,
                ScanStatus.SCANNING,
                commit_sha=clone.commit_sha,
                commit_message=clone.commit_message[:500],
                clone_seconds=round(time.monotonic() - started, 3),
            ):
                return Outcome.ABANDONED

            started = time.monotonic()
            result = scan_directory(clone.path, engine_config())
            # Read before ingestion, so that risk is scored once, with churn.
            churn = checkout_churn(clone.path, days=CHURN_WINDOW_DAYS)
            if not scan_advance(
                scan, ScanStatus.INGESTING, scan_seconds=round(time.monotonic() - started, 3)
            ):
                return Outcome.ABANDONED
            scan_ingest(scan, result, churn=churn)
            _store_file_texts(scan, clone.path)
        return Outcome.SUCCEEDED
    except CloneError as exc:
        if exc.transient and not final_attempt:
            scan_requeue(scan)
            raise errors.TransientScanError(exc.message) from exc
        scan_fail(scan_id, exc.code, exc.message)
    except ScanNoLongerRunning:
        return Outcome.ABANDONED
    except SoftTimeLimitExceeded:
        scan_fail(scan_id, errors.TIME_LIMIT, errors.USER_TEXT[errors.TIME_LIMIT])
    except Exception:
        # Unknown failures are ours: the user gets a plain reason, the log the traceback.
        log.exception("scan %s failed unexpectedly", scan_id)
        scan_fail(scan_id, errors.UNEXPECTED, errors.USER_TEXT[errors.UNEXPECTED])
    return Outcome.FAILED
