"""Regression tests for defects found in review: each would have caught its bug."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from auditor.models import Repository, Scan, ScanStatus
from auditor.services.repositories import repository_create
from auditor.services.scans import scans_requeue_lost
from auditor.tasks import run_scan
from tests.auditor.conftest import Personas

pytestmark = pytest.mark.django_db

TOKEN = "ghp_0123456789abcdefghijABCDEFGHIJ012345"


def test_credentials_in_a_clone_url_are_shown_to_nobody(personas: Personas) -> None:
    repository = Repository.objects.create(
        team=personas.team,
        name="private",
        slug="private",
        clone_url=f"https://x-access-token:{TOKEN}@github.com/acme/private.git",
    )
    client = Client()
    client.force_login(personas.viewer)
    page = client.get(reverse("repository-detail", args=[repository.pk])).content.decode()
    assert TOKEN not in page
    assert "github.com/acme/private.git" in page
    assert TOKEN not in repository.display_url


def test_a_name_whose_slug_is_taken_is_a_validation_error_not_a_crash(
    personas: Personas,
    git_repo_factory,  # type: ignore[no-untyped-def]
) -> None:
    source = git_repo_factory("svc", {"a.py": "x = 1\n"})
    repository_create(team=personas.team, name="api-service", clone_url=str(source))
    with pytest.raises(ValidationError, match="URL name is 'api-service'"):
        repository_create(team=personas.team, name="api service", clone_url=str(source))
    assert Repository.objects.filter(team=personas.team).count() == 1


def test_scans_left_queued_are_sent_again_once_per_period(
    repository: Repository,
    settings,  # type: ignore[no-untyped-def]
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    settings.SCAN_REQUEUE_AFTER = 600
    old = Scan.objects.create(repository=repository, branch="main")
    Scan.objects.filter(pk=old.pk).update(created_at=timezone.now() - timedelta(hours=1))
    fresh = Scan.objects.create(repository=repository, branch="main")
    running = Scan.objects.create(
        repository=repository, branch="main", status=ScanStatus.SCANNING, heartbeat_at=timezone.now()
    )
    sent: list[int] = []
    # Which scans get re-sent is under test here; the real broker path is in the worker test.
    monkeypatch.setattr(run_scan, "delay", sent.append)
    assert scans_requeue_lost() == 1
    assert scans_requeue_lost() == 0  # its heartbeat was refreshed: not re-sent every run
    assert sent == [old.pk]
    assert fresh.pk not in sent
    assert running.pk not in sent
