"""Cancel: a compare-and-set from queued/running phases; the worker stops at the next phase."""

from __future__ import annotations

import pytest
from django.test import Client

from auditor.models import AuditEvent, Repository, Scan, ScanStatus
from auditor.services import scan_pipeline
from auditor.services.scans import scan_cancel
from tests.auditor.conftest import Personas


def _client(user: object) -> Client:
    client = Client()
    client.force_login(user)  # type: ignore[arg-type]
    return client


@pytest.mark.parametrize("status", [ScanStatus.QUEUED, ScanStatus.CLONING, ScanStatus.SCANNING])
def test_a_reviewer_cancels_an_active_scan(personas: Personas, repository: Repository, status: str) -> None:
    scan = Scan.objects.create(repository=repository, branch="main", status=status)
    response = _client(personas.reviewer).post(f"/scans/{scan.pk}/cancel/")
    assert response.status_code == 302
    scan.refresh_from_db()
    assert scan.status == ScanStatus.CANCELLED
    assert scan.finished_at is not None
    assert AuditEvent.objects.filter(action="scan.cancelled").count() == 1


def test_a_finished_scan_is_not_cancelled(personas: Personas, repository: Repository) -> None:
    scan = Scan.objects.create(repository=repository, branch="main", status=ScanStatus.SUCCEEDED)
    assert scan_cancel(scan=scan, actor=personas.reviewer) is False  # type: ignore[arg-type]
    scan.refresh_from_db()
    assert scan.status == ScanStatus.SUCCEEDED
    assert not AuditEvent.objects.exists()


def test_viewers_and_outsiders_cannot_cancel(personas: Personas, repository: Repository) -> None:
    scan = Scan.objects.create(repository=repository, branch="main")
    assert _client(personas.viewer).post(f"/scans/{scan.pk}/cancel/").status_code == 403
    assert _client(personas.outsider).post(f"/scans/{scan.pk}/cancel/").status_code == 404
    scan.refresh_from_db()
    assert scan.status == ScanStatus.QUEUED


def test_the_scan_page_offers_cancel_only_while_active(personas: Personas, repository: Repository) -> None:
    scan = Scan.objects.create(repository=repository, branch="main", status=ScanStatus.SCANNING)
    assert "Cancel scan" in _client(personas.reviewer).get(f"/scans/{scan.pk}/").content.decode()
    assert "Cancel scan" not in _client(personas.viewer).get(f"/scans/{scan.pk}/").content.decode()
    assert scan_cancel(scan=scan, actor=personas.reviewer) is True  # type: ignore[arg-type]
    assert "Cancel scan" not in _client(personas.reviewer).get(f"/scans/{scan.pk}/").content.decode()


def test_the_worker_stops_at_the_next_phase_boundary(
    personas: Personas, repository: Repository, git_repo_factory: object, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = git_repo_factory("cancelled", {"app.py": "x = 1\n"})  # type: ignore[operator]
    repository.clone_url = str(path)
    repository.save()
    scan = Scan.objects.create(repository=repository, branch="main")
    real_clone = scan_pipeline.clone_repository
    engine_calls: list[object] = []

    def clone_then_cancel(*args: object, **kwargs: object) -> object:
        result = real_clone(*args, **kwargs)  # type: ignore[arg-type]
        scan_cancel(scan=Scan.objects.get(pk=scan.pk), actor=personas.reviewer)
        return result

    monkeypatch.setattr(scan_pipeline, "clone_repository", clone_then_cancel)
    monkeypatch.setattr(scan_pipeline, "scan_directory", lambda *a, **k: engine_calls.append(a))
    outcome = scan_pipeline.scan_execute(scan.pk)
    assert outcome == scan_pipeline.Outcome.ABANDONED
    assert engine_calls == []  # the engine never ran
    scan.refresh_from_db()
    assert scan.status == ScanStatus.CANCELLED
    assert scan.commit_sha == ""
