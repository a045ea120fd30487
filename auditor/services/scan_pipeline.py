"""One scan, end to end: claim → clone → engine → ingest.

Clone and engine run outside any database transaction; only ingestion is one.
The checkout is removed whatever happens, and the scan's heartbeat moves from the claim
to the end (services/scans.py says how a dead worker's scan is resumed).
"""

from __future__ import annotations

import contextlib
import dataclasses
import logging
import time
from collections.abc import Mapping
from enum import StrEnum
from pathlib import Path

from celery.exceptions import SoftTimeLimitExceeded
from django.conf import settings
from django.db import InterfaceError, OperationalError, connection, transaction

from auditor import errors
from auditor.git import CloneError, CloneResult, checkout_churn, clone_repository, workspace
from auditor.git.mirror import MirrorStore
from auditor.models import Repository, Scan, ScanStatus
from auditor.selectors.contracts import team_settings_for
from auditor.selectors.gate import scan_previous_successful
from auditor.services.file_texts import scan_file_texts_store
from auditor.services.ingest import ScanNoLongerRunning, scan_ingest
from auditor.services.provenance import commit_sample_store
from auditor.services.risk import CHURN_WINDOW_DAYS
from auditor.services.scans import scan_advance, scan_claim, scan_fail, scan_heartbeat, scan_requeue
from scanners.collector import fewer_collections
from scanners.diff import ChangedLines, DiffError, changed_lines
from scanners.engine import EngineConfig, scan_directory
from scanners.model import ScanResult, ScanWarning
from scanners.project.registry import RegistryConfig
from scanners.provenance.attribution import ProvenanceConfig
from scanners.provenance.records import AGENT_TRACE_REF, GIT_AI_REF

log = logging.getLogger(__name__)

# Commits of history to fetch so that 90 days of churn can be counted on busy repositories.
HISTORY_DEPTH = 1000
# Line-level provenance records kept in git notes (scanners/provenance/records.py).
PROVENANCE_NOTES_REFS = (GIT_AI_REF, AGENT_TRACE_REF)

# The connection to PostgreSQL broke (server restarting, failover): worth a retry. Other
# database errors (integrity, data) are bugs, reported as unexpected.
DB_GONE = (OperationalError, InterfaceError)


class Outcome(StrEnum):
    SUCCEEDED = "succeeded"
    FAILED = "failed"
    NOT_CLAIMED = "not-claimed"  # another delivery has it, or it already finished
    ABANDONED = "abandoned"  # cancelled or reaped while running


def engine_config(
    provenance: ProvenanceConfig | None = None, registry: RegistryConfig | None = None
) -> EngineConfig:
    cache_dir = Path(settings.SCAN_ENGINE_CACHE_DIR) if settings.SCAN_ENGINE_CACHE_DIR else None
    return EngineConfig(
        workers=settings.SCAN_ENGINE_WORKERS or None,
        cache_dir=cache_dir,
        provenance=provenance or ProvenanceConfig(),
        registry=registry,
    )


def scan_registry_config(scan: Scan) -> RegistryConfig | None:
    """The package-registry lookup for `scan`, when its team asked for it (None: no request)."""
    if not team_settings_for(scan.repository.team).registry_lookup:
        return None
    return RegistryConfig(npm_url=settings.SCAN_REGISTRY_NPM_URL, pypi_url=settings.SCAN_REGISTRY_PYPI_URL)


def scan_provenance_config(scan: Scan) -> ProvenanceConfig:
    """The team's provenance settings for `scan`, with the previous scan's commit as the
    base of "new code" (read before the clone; no transaction is held meanwhile)."""
    team_settings = team_settings_for(scan.repository.team)
    previous = scan_previous_successful(scan)
    return ProvenanceConfig(
        enabled=settings.SCAN_PROVENANCE,
        history_commits=team_settings.provenance_history_commits,
        extra_signatures=tuple(team_settings.provenance_patterns or ()),
        base_commit=previous.commit_sha if previous is not None else "",
    )


def mirror_store() -> MirrorStore | None:
    """The workers' git mirrors (settings.SCAN_MIRROR_*), or None when disabled."""
    if not settings.SCAN_MIRROR_DIR:
        return None
    return MirrorStore(
        Path(settings.SCAN_MIRROR_DIR),
        max_bytes=settings.SCAN_MIRROR_MAX_BYTES,
        lock_timeout=settings.SCAN_MIRROR_LOCK_TIMEOUT,
    )


def _store_file_texts(scan: Scan, checkout: Path) -> None:
    # The scan has succeeded by now (its findings are stored); file texts are for the
    # file page, and failing to store them must not be reported as a failed scan.
    try:
        scan_file_texts_store(scan, checkout)
    except Exception:
        log.exception("scan %s succeeded, but storing its file texts failed", scan.pk)


def _store_commit_sample(scan: Scan, checkout: Path) -> None:
    # For previewing the team's signature patterns; like file texts, never fails the scan.
    try:
        commit_sample_store(scan.repository, checkout)
    except Exception:
        log.exception("scan %s succeeded, but storing its commit sample failed", scan.pk)


def _changed_lines(
    scan: Scan, clone: CloneResult, result: ScanResult
) -> tuple[ChangedLines | None, ScanResult]:
    """A pull-request scan's changed lines against its base (None for other scans).

    Read with `git diff BASE...HEAD` in the checkout (scanners/diff.py). When git cannot
    say (the branches met further back than the history fetched), every line counts as
    changed, with a warning: a pull-request gate must fail closed, never pass unseen code.
    """
    if not scan.base_branch:
        return None, result
    try:
        return changed_lines(clone.path, clone.extra_tips[scan.base_branch]), result
    except DiffError as exc:
        warning = ScanWarning(
            "diff:unavailable", "", f"changed lines against {scan.base_branch} unknown: {exc}"
        )
        everything = {f.path: [(1, 2**31 - 1)] for f in result.files}
        return everything, dataclasses.replace(result, warnings=(*result.warnings, warning))


def _ingest_if_ours(
    scan: Scan, result: ScanResult, churn: Mapping[str, int], changed: ChangedLines | None = None
) -> None:
    """`scan_ingest`, unless another attempt took the scan over (ScanNoLongerRunning).

    Checked in ingestion's own transaction, with ingestion's lock order (the repository
    row, then the scan): a worker that was only slow, not dead, stores nothing once a
    redelivery or the reaper has claimed the scan again.
    """
    with transaction.atomic():
        Repository.objects.select_for_update().filter(pk=scan.repository_id).first()
        if not Scan.objects.select_for_update().filter(pk=scan.pk, attempts=scan.attempts).exists():
            raise ScanNoLongerRunning(scan.pk)
        scan_ingest(scan, result, churn=churn, changed=changed)


def scan_execute(scan_id: int, *, final_attempt: bool = True) -> Outcome:
    """Run the scan `scan_id` if it is queued, or running with a dead worker.

    Transient failures (clone timeout, network, the database going away) put the scan
    back in the queue and raise TransientScanError so the task retries, unless this is
    the final attempt.
    """
    try:
        scan = scan_claim(scan_id)
    except DB_GONE as exc:
        # The database is unreachable (restarting): this delivery may work later.
        connection.close()
        if final_attempt:
            raise
        raise errors.TransientScanError(str(exc)) from exc
    if scan is None:
        return Outcome.NOT_CLAIMED
    with scan_heartbeat(scan):
        return _scan_run(scan, final_attempt=final_attempt)


def _scan_run(scan: Scan, *, final_attempt: bool) -> Outcome:
    repository = scan.repository
    try:
        with workspace(settings.AUDITOR_WORKSPACE_DIR) as ws, contextlib.ExitStack() as held:
            provenance = scan_provenance_config(scan)
            registry = scan_registry_config(scan)
            started = time.monotonic()
            mirrors = mirror_store()
            # The repository's kept checkout, held until the scan ends: a re-scan writes only
            # what the new commits changed (None when another scan of it holds it).
            kept = held.enter_context(mirrors.kept_checkout(repository.clone_url)) if mirrors else None
            clone = clone_repository(
                repository.clone_url,
                scan.branch,
                ws / "checkout",
                local_roots=settings.AUDITOR_LOCAL_REPO_ROOTS,
                commit=scan.requested_commit or None,
                timeout_seconds=settings.SCAN_CLONE_TIMEOUT,
                max_bytes=settings.SCAN_MAX_REPO_BYTES,
                # Churn counts commits of the last 90 days; provenance blames lines within the
                # team's window (older lines are unknown, so the window is fetched whole).
                depth=max(HISTORY_DEPTH, provenance.history_commits),
                notes_refs=PROVENANCE_NOTES_REFS if provenance.enabled else (),
                mirror=mirrors,
                # A pull-request scan also fetches its base, to diff against.
                extra_branches=[scan.base_branch] if scan.base_branch else [],
                kept=kept,
            )
            if mirrors is not None:
                # The checkout holds its own links to the objects: evicting cannot harm it.
                mirrors.evict(keep=repository.clone_url)
            if not scan_advance(
                scan,
                ScanStatus.SCANNING,
                commit_sha=clone.commit_sha,
                commit_message=clone.commit_message[:500],
                base_commit_sha=clone.extra_tips.get(scan.base_branch, ""),
                clone_seconds=round(time.monotonic() - started, 3),
            ):
                return Outcome.ABANDONED

            started = time.monotonic()
            result = scan_directory(clone.path, engine_config(provenance, registry))
            # Ingestion builds tens of thousands of rows while the worker's own objects (and
            # the result) live on: kept out of collections (scanners/collector.py).
            with fewer_collections():
                # Read before ingestion, so that risk is scored once, with churn.
                churn = checkout_churn(clone.path, days=CHURN_WINDOW_DAYS)
                changed, result = _changed_lines(scan, clone, result)
                if not scan_advance(
                    scan, ScanStatus.INGESTING, scan_seconds=round(time.monotonic() - started, 3)
                ):
                    return Outcome.ABANDONED
                _ingest_if_ours(scan, result, churn, changed)
                _store_file_texts(scan, clone.path)
                if provenance.enabled and scan.branch == repository.default_branch:
                    _store_commit_sample(scan, clone.path)
        return Outcome.SUCCEEDED
    except CloneError as exc:
        if exc.transient and not final_attempt:
            scan_requeue(scan)
            raise errors.TransientScanError(exc.message) from exc
        scan_fail(scan.pk, exc.code, exc.message, attempt=scan.attempts)
    except ScanNoLongerRunning:
        return Outcome.ABANDONED
    except SoftTimeLimitExceeded:
        scan_fail(scan.pk, errors.TIME_LIMIT, errors.USER_TEXT[errors.TIME_LIMIT], attempt=scan.attempts)
    except DB_GONE as exc:
        # PostgreSQL went away (restart, failover). Ingestion is one transaction, so
        # nothing of this attempt is stored: retry it whole.
        log.warning("scan %s: database unavailable (%s)", scan.pk, exc)
        connection.close()  # broken; the next query reconnects
        _db_gone_settle(scan, final_attempt=final_attempt)
        if not final_attempt:
            raise errors.TransientScanError(str(exc)) from exc
    except Exception:
        # Unknown failures are ours: the user gets a plain reason, the log the traceback.
        log.exception("scan %s failed unexpectedly", scan.pk)
        scan_fail(scan.pk, errors.UNEXPECTED, errors.USER_TEXT[errors.UNEXPECTED], attempt=scan.attempts)
    return Outcome.FAILED


def _db_gone_settle(scan: Scan, *, final_attempt: bool) -> None:
    # Back in the queue for the retry, or failed on the last attempt. If the database
    # is still down this fails too; the scan then stays in its phase, its heartbeat
    # stops with the task, and the reaper or a redelivery resumes it once stale.
    try:
        if final_attempt:
            text = errors.USER_TEXT[errors.DATABASE_UNAVAILABLE]
            scan_fail(scan.pk, errors.DATABASE_UNAVAILABLE, text, attempt=scan.attempts)
        else:
            scan_requeue(scan)
    except DB_GONE:
        log.warning("scan %s: database still unavailable; left to the reaper", scan.pk)
        connection.close()
