"""Faults for real: workers killed with SIGKILL, Redis and PostgreSQL restarted, mid-scan.

Every scan must end `succeeded` (resumed by a redelivery, the reaper or a retry) or
`failed` with a reason, never stay in a running phase, and store exactly the rows of a
clean scan of the same commit. This process runs the reaper every half second, as beat
does every SCAN_REAP_INTERVAL, with the same short liveness settings as the workers
(conftest.py).
"""

from __future__ import annotations

import re
import time
from collections.abc import Callable, Sequence

import psycopg
import pytest
from django.db import InterfaceError, OperationalError, connections

from auditor.errors import USER_TEXT, WORKER_LOST
from auditor.models import ACTIVE_STATUSES, Repository, Scan, ScanStatus, ScanTrigger
from auditor.services.scans import scan_request
from auditor.tasks import reap_stale_scans, run_scan
from tests.auditor.faults.conftest import HEARTBEAT_STALE, VISIBILITY_TIMEOUT, Counts, Faults, counts_of
from tests.auditor.workers import Worker

pytestmark = pytest.mark.integration

StartWorkers = Callable[..., list[Worker]]


def _fresh(scan: Scan) -> Scan:
    """`scan` as stored now; rides out a database that is restarting."""
    deadline = time.monotonic() + 30
    while True:
        try:
            return Scan.objects.get(pk=scan.pk)
        except (OperationalError, InterfaceError):
            connections.close_all()
            if time.monotonic() > deadline:
                raise
            time.sleep(0.2)


def _request(repository: Repository) -> Scan:
    return scan_request(repository=repository, trigger=ScanTrigger.API)


def _wait_status(scan: Scan, status: str, timeout: float = 60) -> float:
    """Seconds until `scan` reaches `status`."""
    started = time.monotonic()
    while _fresh(scan).status != status:
        assert time.monotonic() - started < timeout, f"scan #{scan.pk} never reached {status}"
        time.sleep(0.05)
    return time.monotonic() - started


def _in_the_engine(scan: Scan, attempt: int = 1) -> None:
    """Return once `attempt` at `scan` is in the engine and its heartbeat has moved there.

    Runs the reaper meanwhile, which an earlier attempt's death may need.
    """
    deadline = time.monotonic() + 60
    while (current := _fresh(scan)).status != ScanStatus.SCANNING or current.attempts != attempt:
        assert time.monotonic() < deadline, f"attempt {attempt} at scan #{scan.pk} never reached the engine"
        reap_stale_scans()
        time.sleep(0.05)
    entered = current.heartbeat_at
    assert entered is not None
    deadline = time.monotonic() + 3 * HEARTBEAT_STALE
    while (current := _fresh(scan)).heartbeat_at == entered:
        assert time.monotonic() < deadline, "the heartbeat did not move while the engine ran"
        time.sleep(0.05)
    assert current.status == ScanStatus.SCANNING, "the scan left the engine before it could be killed"


def _wait_for_lock(statement: str, timeout: float = 60) -> None:
    """Return once a session waits on a lock in a statement starting with `statement`."""
    deadline = time.monotonic() + timeout
    with connections["default"].cursor() as cursor:
        while True:
            cursor.execute(
                "SELECT count(*) FROM pg_stat_activity"
                " WHERE wait_event_type = 'Lock' AND starts_with(query, %s)",
                [statement],
            )
            if cursor.fetchone()[0]:
                return
            assert time.monotonic() < deadline, f"no session ever waited in {statement}"
            time.sleep(0.05)


def _finish(
    scans: list[Scan], *, timeout: float = 90, reap: bool = True, logs: Sequence[Worker] = ()
) -> list[Scan]:
    """Wait until every scan has finished, running the reaper as beat would."""
    deadline = time.monotonic() + timeout
    while True:
        if reap:
            try:
                reap_stale_scans()
            except (OperationalError, InterfaceError):
                connections.close_all()
        current = [_fresh(scan) for scan in scans]
        if all(scan.is_finished for scan in current):
            return current
        if time.monotonic() > deadline:
            states = [(s.pk, s.status, s.attempts) for s in current if not s.is_finished]
            tails = "\n".join(w.log()[-2000:] for w in logs)
            raise AssertionError(f"still running after {timeout} s: {states}\n{tails}")
        time.sleep(0.5)


def _assert_clean(faults: Faults, scan: Scan) -> None:
    assert (scan.status, scan.error_code) == (ScanStatus.SUCCEEDED, ""), scan.error_text
    assert counts_of(scan) == faults.clean[scan.repository_id]


def _nothing_running() -> None:
    assert not Scan.objects.filter(status__in=ACTIVE_STATUSES).exists()


def test_a_worker_child_killed_mid_scan_is_resumed(faults: Faults, start_workers: StartWorkers) -> None:
    [worker] = start_workers("w1")
    scan = _request(faults.big)
    _in_the_engine(scan)
    killed_at = time.monotonic()
    worker.kill_children()

    # The worker notices the child's death (in about four seconds) and requeues the
    # message. That delivery takes the scan over if its heartbeat is stale by then, or
    # does nothing and leaves it to the reaper, which re-queues it once it is.
    worker.wait_for(r"WorkerLostError")
    [scan] = _finish([scan], logs=[worker])
    print(f"child killed: succeeded {time.monotonic() - killed_at:.1f} s after the kill")

    _assert_clean(faults, scan)
    assert scan.attempts == 2
    _nothing_running()


def test_a_scan_whose_workers_keep_dying_fails_as_worker_lost(
    faults: Faults,
    start_workers: StartWorkers,
    settings,  # type: ignore[no-untyped-def]
) -> None:
    settings.SCAN_MAX_ATTEMPTS = 2
    [worker] = start_workers("w1", SCAN_MAX_ATTEMPTS=2)
    scan = _request(faults.big)
    for attempt in (1, 2):
        _in_the_engine(scan, attempt)
        worker.kill_children()
    killed_at = time.monotonic()

    [scan] = _finish([scan], logs=[worker])
    print(f"killed twice: failed {time.monotonic() - killed_at:.1f} s after the second kill")

    assert (scan.status, scan.error_code, scan.attempts) == (ScanStatus.FAILED, WORKER_LOST, 2)
    assert scan.error_text == USER_TEXT[WORKER_LOST]
    assert counts_of(scan) == Counts(0, 0, frozenset())
    _nothing_running()


def test_a_worker_killed_whole_mid_scan_is_resumed_by_the_redelivered_message(
    faults: Faults, start_workers: StartWorkers
) -> None:
    [first] = start_workers("w1")
    scan = _request(faults.big)
    _in_the_engine(scan)
    killed_at = time.monotonic()
    first.kill()  # its pool process, then itself, both with SIGKILL

    # No reaper here. A worker starting once the message has been unacknowledged for the
    # visibility timeout gets it back from Redis (running workers sweep every ~100 s),
    # finds the heartbeat stale, and resumes the scan.
    time.sleep(max(HEARTBEAT_STALE, VISIBILITY_TIMEOUT) + 0.5)
    assert _fresh(scan).status == ScanStatus.SCANNING
    [second] = start_workers("w2")
    [scan] = _finish([scan], reap=False, logs=[second])
    print(f"worker killed: succeeded {time.monotonic() - killed_at:.1f} s after the kill")

    _assert_clean(faults, scan)
    assert scan.attempts == 2
    assert "attempt 2" in second.log()
    _nothing_running()


def test_a_redis_restart_mid_scan_loses_no_scan(faults: Faults, start_workers: StartWorkers) -> None:
    [worker] = start_workers("w1")
    running = _request(faults.big)
    waiting = _request(faults.small)  # one pool process: its message waits in Redis
    _in_the_engine(running)
    restarted_at = time.monotonic()
    faults.redis.restart()  # without persistence: both messages are gone
    assert _fresh(running).status == ScanStatus.SCANNING
    assert _fresh(waiting).status == ScanStatus.QUEUED

    # The running scan goes on and is stored; the waiting one is sent again by the
    # reaper (SCAN_REQUEUE_AFTER), and the worker, reconnected, runs it.
    [running, waiting] = _finish([running, waiting], logs=[worker])
    print(f"redis restarted: both succeeded {time.monotonic() - restarted_at:.1f} s after the restart")

    _assert_clean(faults, running)
    _assert_clean(faults, waiting)
    assert (running.attempts, waiting.attempts) == (1, 1)
    assert "Connection to broker lost" in worker.log()
    _nothing_running()


def test_a_postgres_restart_mid_ingest_stores_the_scan_once(
    faults: Faults, start_workers: StartWorkers
) -> None:
    [worker] = start_workers("w1")
    # Hold ingestion inside its transaction: it writes the findings after locking the
    # repository and the scan and inserting the file metrics, and this lock makes it
    # wait there, with uncommitted rows.
    blocker = psycopg.connect(host="127.0.0.1", port=faults.pg.port, user="postgres", dbname="auditor")
    blocker.execute("LOCK TABLE auditor_finding IN SHARE MODE")
    scan = _request(faults.small)
    _wait_for_lock('COPY "auditor_finding"')  # ingestion streams its rows with COPY (services/bulk.py)
    assert _fresh(scan).status == ScanStatus.INGESTING
    restarted_at = time.monotonic()
    faults.pg.restart()
    blocker.close()

    [scan] = _finish([scan], logs=[worker])
    print(f"postgres restarted: succeeded {time.monotonic() - restarted_at:.1f} s after the restart")

    _assert_clean(faults, scan)
    assert scan.attempts == 2
    assert "database unavailable" in worker.log()
    _nothing_running()


def test_twenty_scans_on_two_workers_all_end_once_though_one_worker_is_killed(
    faults: Faults, start_workers: StartWorkers
) -> None:
    [survivor, victim] = start_workers("w1", "w2", concurrency=2)
    scans = [_request(faults.small) for _ in range(20)]
    deadline = time.monotonic() + 60
    while Scan.objects.filter(pk__in=[s.pk for s in scans], status=ScanStatus.SUCCEEDED).count() < 5:
        assert time.monotonic() < deadline, "the workers never got going"
        time.sleep(0.05)
    killed_at = time.monotonic()
    victim.kill()  # whatever it held: scans mid-way, messages it had taken

    scans = _finish(scans, logs=[survivor])
    print(f"20 scans, a worker killed: all succeeded {time.monotonic() - killed_at:.1f} s after the kill")

    for scan in scans:
        _assert_clean(faults, scan)
    assert all(1 <= scan.attempts <= 2 for scan in scans)
    _nothing_running()


def test_one_commit_scanned_twice_at_once_is_stored_twice_whole(
    faults: Faults, start_workers: StartWorkers
) -> None:
    [first, second] = start_workers("w1", "w2")
    scans = [_request(faults.big), _request(faults.big)]
    for scan in scans:
        run_scan.delay(scan.pk)  # and a duplicate delivery of each, as a redelivery makes
    for scan in scans:
        _wait_status(scan, ScanStatus.SCANNING)

    scans = _finish(scans, logs=[first, second])

    for scan in scans:
        _assert_clean(faults, scan)
        assert scan.attempts == 1
    assert scans[0].commit_sha == scans[1].commit_sha
    deadline = time.monotonic() + 30
    while len(outcomes := re.findall(r"succeeded in [\d.]+s: '([a-z-]+)'", first.log() + second.log())) < 4:
        assert time.monotonic() < deadline, outcomes  # a task logs its outcome after the scan's commit
        time.sleep(0.1)
    assert sorted(outcomes) == ["not-claimed", "not-claimed", "succeeded", "succeeded"]
    _nothing_running()
