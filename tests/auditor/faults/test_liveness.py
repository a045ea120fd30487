"""Liveness of running scans on the real database: heartbeat, take-over, fencing, reaper.

The worker processes, brokers and databases that die for real are in test_faults.py.
"""

from __future__ import annotations

import threading
import time
from datetime import timedelta

import pytest
from django.db import connection
from django.utils import timezone

from auditor.errors import WORKER_LOST
from auditor.models import Repository, Scan, ScanStatus
from auditor.services.ingest import ScanNoLongerRunning
from auditor.services.scan_pipeline import _ingest_if_ours
from auditor.services.scans import scan_advance, scan_claim, scan_fail, scan_heartbeat, scans_reap_stale
from scanners.model import ScanResult
from tests.auditor.conftest import Personas


def _running(repository: Repository, *, silent_for: float, attempts: int = 1) -> Scan:
    return Scan.objects.create(
        repository=repository,
        branch="main",
        status=ScanStatus.SCANNING,
        attempts=attempts,
        heartbeat_at=timezone.now() - timedelta(seconds=silent_for),
    )


@pytest.mark.django_db
def test_a_claim_takes_over_a_running_scan_only_once_its_heartbeat_is_stale(
    repository: Repository,
    settings,  # type: ignore[no-untyped-def]
) -> None:
    settings.SCAN_HEARTBEAT_STALE = 120
    alive = _running(repository, silent_for=30)
    dead = _running(repository, silent_for=300)

    assert scan_claim(alive.pk) is None
    taken = scan_claim(dead.pk)

    assert taken is not None
    assert (taken.status, taken.attempts) == (ScanStatus.CLONING, 2)
    assert scan_claim(dead.pk) is None  # its heartbeat is fresh again
    alive.refresh_from_db()
    assert (alive.status, alive.attempts) == (ScanStatus.SCANNING, 1)


@pytest.mark.django_db
def test_a_claim_leaves_a_dead_scan_whose_attempts_are_spent_to_the_reaper(
    repository: Repository,
    settings,  # type: ignore[no-untyped-def]
) -> None:
    settings.SCAN_MAX_ATTEMPTS = 3
    spent = _running(repository, silent_for=settings.SCAN_HEARTBEAT_STALE + 60, attempts=3)

    assert scan_claim(spent.pk) is None
    assert scans_reap_stale() == 1
    spent.refresh_from_db()
    assert (spent.status, spent.error_code, spent.attempts) == (ScanStatus.FAILED, WORKER_LOST, 3)
    assert "stopped responding" in spent.error_text


@pytest.mark.django_db
def test_a_worker_whose_scan_was_taken_over_can_write_nothing_more(repository: Repository) -> None:
    Scan.objects.create(repository=repository, branch="main")
    first = scan_claim(Scan.objects.get().pk)
    assert first is not None
    Scan.objects.filter(pk=first.pk).update(heartbeat_at=timezone.now() - timedelta(hours=1))
    second = scan_claim(first.pk)
    assert second is not None
    assert second.attempts == first.attempts + 1

    assert scan_advance(first, ScanStatus.SCANNING) is False
    scan_fail(first.pk, "scan:system:unexpected", "late failure", attempt=first.attempts)
    assert scan_advance(second, ScanStatus.SCANNING) is True
    assert scan_advance(second, ScanStatus.INGESTING) is True
    first.status = ScanStatus.INGESTING  # as the slow worker still believes
    with pytest.raises(ScanNoLongerRunning):
        _ingest_if_ours(first, ScanResult(".", "0", {}, (), (), ()), {})
    second.refresh_from_db()
    assert (second.status, second.attempts, second.error_code) == (ScanStatus.INGESTING, 2, "")


@pytest.mark.django_db(transaction=True)
def test_of_two_deliveries_racing_for_a_dead_scan_only_one_takes_it(
    personas: Personas,
    settings,  # type: ignore[no-untyped-def]
) -> None:
    repository = Repository.objects.create(team=personas.team, name="r", slug="r", clone_url="https://x/y")
    dead = _running(repository, silent_for=settings.SCAN_HEARTBEAT_STALE + 60)
    start = threading.Barrier(4)
    claims: list[Scan | None] = []

    def deliver() -> None:
        try:
            start.wait()
            claims.append(scan_claim(dead.pk))
        finally:
            connection.close()

    threads = [threading.Thread(target=deliver) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert len([c for c in claims if c is not None]) == 1
    dead.refresh_from_db()
    assert (dead.status, dead.attempts) == (ScanStatus.CLONING, 2)


@pytest.mark.django_db(transaction=True)
def test_the_heartbeat_moves_while_the_block_runs_and_stops_with_it(personas: Personas) -> None:
    repository = Repository.objects.create(team=personas.team, name="r", slug="r", clone_url="https://x/y")
    Scan.objects.create(repository=repository, branch="main")
    scan = scan_claim(Scan.objects.get().pk)
    assert scan is not None
    claimed_at = scan.heartbeat_at
    assert claimed_at is not None

    with scan_heartbeat(scan, interval=0.1):
        time.sleep(0.5)
        beating = Scan.objects.get(pk=scan.pk).heartbeat_at
    stopped = Scan.objects.get(pk=scan.pk).heartbeat_at
    time.sleep(0.3)

    assert beating is not None
    assert beating > claimed_at
    assert Scan.objects.get(pk=scan.pk).heartbeat_at == stopped


@pytest.mark.django_db
def test_the_reaper_fails_a_scan_silent_for_longer_than_a_scan_may_run(
    repository: Repository,
    settings,  # type: ignore[no-untyped-def]
) -> None:
    lost_long_ago = _running(repository, silent_for=settings.SCAN_HARD_TIME_LIMIT + 120)
    alive = _running(repository, silent_for=1)

    assert scans_reap_stale() == 1
    lost_long_ago.refresh_from_db()
    alive.refresh_from_db()
    assert (lost_long_ago.status, lost_long_ago.error_code) == (ScanStatus.FAILED, WORKER_LOST)
    assert (alive.status, alive.error_code) == (ScanStatus.SCANNING, "")
