"""Moving revisions takes row locks; these tests hold writers against an ingestion on
PostgreSQL (SQLite serialises writers and has no row locks) and check that none deadlocks.

An ingestion locks its repository's row first, then the identities' rows, and moves the
repository's and team's revisions last. A triage, a cancellation or a team settings change
that locked rows in another order would wait for the ingestion while holding a row the
ingestion needs: PostgreSQL would then abort one of them with a deadlock error.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable

import pytest
from django.db import connection, connections, transaction

from auditor.models import Repository, Scan, ScanStatus, TeamSettings, TrackedFinding
from auditor.services.revisions import repository_changed_by_scan
from auditor.services.scans import scan_cancel
from auditor.services.team_settings import team_settings_update
from auditor.services.triage import triage_set
from tests.auditor.conftest import Personas
from tests.auditor.dashboard_factories import ingest

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(connection.vendor != "postgresql", reason="row locks need PostgreSQL"),
]


def _waiting_on_a_lock() -> int:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM pg_stat_activity"
            " WHERE datname = current_database() AND wait_event_type = 'Lock'"
        )
        return int(cursor.fetchone()[0])


def _in_thread(work: Callable[[], None], errors: list[BaseException]) -> threading.Thread:
    def run() -> None:
        try:
            work()
        except BaseException as exc:
            errors.append(exc)
        finally:
            connections.close_all()

    thread = threading.Thread(target=run)
    thread.start()
    return thread


def _against_an_ingestion(scan: Scan, writer: Callable[[], None]) -> None:
    """Run `writer` while an ingestion of `scan` holds its repository's row; once the writer
    waits on a lock, the ingestion goes on to lock the scan, touch the identities and move
    the revisions, as the real one does, and commits. Both must succeed: a writer that took
    the scan or an identity before the repository would deadlock here."""
    holding, errors = threading.Event(), []
    proceed = threading.Event()

    def ingestion() -> None:
        with transaction.atomic():
            Repository.objects.select_for_update().filter(pk=scan.repository_id).first()
            holding.set()
            proceed.wait(10)
            Scan.objects.select_for_update().filter(pk=scan.pk).first()
            TrackedFinding.objects.filter(repository_id=scan.repository_id).update(line=7)
            repository_changed_by_scan(scan.pk)

    first = _in_thread(ingestion, errors)
    assert holding.wait(10)
    second = _in_thread(writer, errors)
    deadline = time.monotonic() + 10
    while _waiting_on_a_lock() == 0 and time.monotonic() < deadline:
        time.sleep(0.02)
    assert _waiting_on_a_lock() == 1, "the writer should wait for the ingestion"
    proceed.set()
    first.join(15)
    second.join(15)
    assert errors == []


def _scan(repository: Repository) -> Scan:
    ingest(repository, [("B602", "app/api.py", 12, "fp-shell", 4)])
    return Scan.objects.create(repository=repository, branch="main", status=ScanStatus.INGESTING)


def test_a_triage_waits_for_an_ingestion_without_deadlock(personas: Personas, repository: Repository) -> None:
    scan = _scan(repository)
    _against_an_ingestion(
        scan,
        lambda: triage_set(
            repository=Repository.objects.select_related("team").get(pk=repository.pk),
            fingerprint="fp-shell",
            status="wont_fix",
            reason="Checked by hand: not reachable",
            expires_at=None,
            actor=personas.reviewer,  # type: ignore[arg-type]
        ),
    )
    assert TrackedFinding.objects.get(fingerprint="fp-shell").triage_status == "wont_fix"


def test_a_cancellation_waits_for_an_ingestion_without_deadlock(
    personas: Personas, repository: Repository
) -> None:
    scan = _scan(repository)
    _against_an_ingestion(
        scan,
        lambda: scan_cancel(
            scan=Scan.objects.select_related("repository__team").get(pk=scan.pk),
            actor=personas.reviewer,  # type: ignore[arg-type]
        ),
    )
    assert Scan.objects.get(pk=scan.pk).status == ScanStatus.CANCELLED


def test_a_team_settings_change_waits_for_an_ingestion_without_deadlock(
    personas: Personas, repository: Repository
) -> None:
    scan = _scan(repository)
    _against_an_ingestion(
        scan,
        lambda: team_settings_update(
            team=personas.team,
            actor=personas.admin,  # type: ignore[arg-type]
            values={"required_reviewers": 2, "gate_require_review": True},
        ),
    )
    assert TeamSettings.objects.get(team=personas.team).required_reviewers == 2
