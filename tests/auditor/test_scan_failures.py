"""A failed scan says why in words a member can read; git's own words and the server's
paths only to admins; reviewers can retry it (issue 12b)."""

from __future__ import annotations

import pytest
from django.test import Client

from auditor.git import BRANCH_NOT_FOUND
from auditor.models import AuditEvent, Repository, Scan, ScanStatus
from tests.auditor.conftest import Personas

pytestmark = pytest.mark.django_db

RAW = (
    "The branch does not exist in the repository: "
    "Cloning into '/srv/auditor/var/workspaces/scan-7/checkout'... "
    "/ warning: Could not find remote branch main to clone. "
    "/ fatal: Remote branch main not found in upstream origin"
)


def _client(user: object) -> Client:
    client = Client()
    client.force_login(user)  # type: ignore[arg-type]
    return client


@pytest.fixture
def failed(repository: Repository) -> Scan:
    return Scan.objects.create(
        repository=repository,
        branch="main",
        status=ScanStatus.FAILED,
        error_code=BRANCH_NOT_FOUND,
        error_text=RAW,
    )


def test_a_viewer_reads_the_reason_without_paths_or_git_stderr(personas: Personas, failed: Scan) -> None:
    for url in (f"/scans/{failed.pk}/", f"/scans/{failed.pk}/status/"):
        body = _client(personas.viewer).get(url).content.decode()
        assert (
            "Scan failed.</strong> The branch does not exist in the repository. Check the repository" in body
        )
        assert "/srv/auditor" not in body
        assert "fatal:" not in body
        assert "Retry" not in body  # viewers read only


def test_an_admin_also_sees_the_details(personas: Personas, failed: Scan) -> None:
    body = _client(personas.admin).get(f"/scans/{failed.pk}/").content.decode()
    assert "Details (admins)" in body
    assert "fatal: Remote branch main not found in upstream origin" in body
    assert "scan:user:branch-not-found" in body


def test_a_reviewer_retries_a_failed_scan(personas: Personas, failed: Scan) -> None:
    client = _client(personas.reviewer)
    assert "Retry" in client.get(f"/scans/{failed.pk}/").content.decode()
    response = client.post(f"/scans/{failed.pk}/retry/")
    retry = Scan.objects.exclude(pk=failed.pk).get()
    assert response["Location"] == f"/scans/{retry.pk}/"
    assert (retry.status, retry.branch, retry.requested_by) == (ScanStatus.QUEUED, "main", personas.reviewer)
    assert AuditEvent.objects.filter(action="scan.triggered", object_id=str(retry.pk)).exists()


def test_only_failed_scans_of_active_repositories_are_retried(
    personas: Personas, failed: Scan, repository: Repository
) -> None:
    client = _client(personas.reviewer)
    running = Scan.objects.create(repository=repository, branch="main", status=ScanStatus.SCANNING)
    client.post(f"/scans/{running.pk}/retry/")
    assert _client(personas.viewer).post(f"/scans/{failed.pk}/retry/").status_code == 403
    repository.active = False
    repository.save()
    client.post(f"/scans/{failed.pk}/retry/")
    assert Scan.objects.count() == 2


def test_the_api_gives_the_same_reason_and_the_details_to_admins_only(
    personas: Personas, failed: Scan
) -> None:
    from auditor.services.api_tokens import api_token_create

    def api(user: object) -> Client:
        return Client(HTTP_AUTHORIZATION=f"Bearer {api_token_create(user=user, name='ci').clear}")  # type: ignore[arg-type]

    viewer = api(personas.viewer).get(f"/api/v1/scans/{failed.pk}/").json()
    admin = api(personas.admin).get(f"/api/v1/scans/{failed.pk}/").json()
    assert viewer["error_text"] == "The branch does not exist in the repository."
    assert viewer["error_code"] == "scan:user:branch-not-found"
    assert admin["error_text"] == RAW
