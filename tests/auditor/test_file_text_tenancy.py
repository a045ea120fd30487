"""File texts are read only by the repositories whose own checkouts held them."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.test import Client
from django.urls import reverse

from auditor.models import FileBlob, FileBlobOwner, FileMetric, Repository, Scan
from auditor.services.ci_ingest import scan_ingest_uploaded
from auditor.services.scan_pipeline import Outcome, scan_execute
from tests.auditor.conftest import Personas

pytestmark = pytest.mark.django_db

SECRET_SOURCE = "API_TOKEN = 'team-a-only-9f8e7d'\n"
SHA = "abcdef0123456789abcdef0123456789abcdef01"


def _worker_scan(repository: Repository) -> Scan:
    scan = Scan.objects.create(repository=repository, branch="main")
    assert scan_execute(scan.pk) is Outcome.SUCCEEDED
    return scan


def _file_page(user: object, scan: Scan, path: str) -> str:
    client = Client()
    client.force_login(user)  # type: ignore[arg-type]
    response = client.get(reverse("file-detail", args=[scan.pk]) + f"?path={path}")
    assert response.status_code == 200
    return response.content.decode()


@pytest.fixture
def team_a_scan(personas: Personas, git_repo_factory: Callable[..., Path]) -> Scan:
    source = git_repo_factory("a-app", {"app.py": SECRET_SOURCE})
    repository = Repository.objects.create(
        team=personas.team, name="a-app", slug="a-app", clone_url=str(source)
    )
    return _worker_scan(repository)


def _sha_of(scan: Scan, path: str) -> str:
    return FileMetric.objects.get(scan=scan, path=path).content_sha256


def test_an_upload_naming_another_teams_hash_shows_no_text(personas: Personas, team_a_scan: Scan) -> None:
    stolen = _sha_of(team_a_scan, "app.py")
    other = Repository.objects.create(
        team=personas.other_team, name="b-app", slug="b-app", clone_url="https://example.com/b.git"
    )
    payload = {
        "findings": [],
        "files": [{"path": "app.py", "language": "python", "lines": 1, "sha256": stolen}],
    }
    uploaded = scan_ingest_uploaded(
        repository=other, actor=personas.outsider, commit=SHA, branch="main", payload=payload
    )

    body = _file_page(personas.outsider, uploaded, "app.py")
    assert "team-a-only-9f8e7d" not in body
    assert "The source of this file was not stored for this scan" in body
    assert "team-a-only-9f8e7d" in _file_page(personas.viewer, team_a_scan, "app.py")
    assert not FileBlobOwner.objects.filter(repository=other).exists()


def test_the_same_bytes_in_two_teams_repositories_are_owned_by_both(
    personas: Personas, team_a_scan: Scan, git_repo_factory: Callable[..., Path]
) -> None:
    source = git_repo_factory("b-app", {"app.py": SECRET_SOURCE})
    other = Repository.objects.create(
        team=personas.other_team, name="b-app", slug="b-app", clone_url=str(source)
    )
    scan = _worker_scan(other)

    assert _sha_of(scan, "app.py") == _sha_of(team_a_scan, "app.py")
    assert FileBlob.objects.count() == 1  # still stored once
    assert "team-a-only-9f8e7d" in _file_page(personas.outsider, scan, "app.py")
    assert set(FileBlobOwner.objects.values_list("repository__slug", flat=True)) == {"a-app", "b-app"}


@pytest.mark.django_db(transaction=True)
def test_the_migration_gives_existing_texts_to_the_repositories_whose_workers_stored_them() -> None:
    before, after = [("auditor", "0006_finding_tally")], [("auditor", "0007_file_blob_owner")]
    executor = MigrationExecutor(connection)
    executor.migrate(before)
    old = executor.loader.project_state(before).apps
    team = old.get_model("auditor", "Team").objects.create(name="T", slug="t")
    repository_model = old.get_model("auditor", "Repository")
    scanned = repository_model.objects.create(team=team, name="w", slug="w", clone_url="https://e.com/w.git")
    uploaded = repository_model.objects.create(team=team, name="u", slug="u", clone_url="https://e.com/u.git")
    old.get_model("auditor", "FileBlob").objects.create(sha256="h1", text="x\n")
    scan_model, metric_model = old.get_model("auditor", "Scan"), old.get_model("auditor", "FileMetric")
    for repository, trigger in ((scanned, "manual"), (uploaded, "api")):
        scan = scan_model.objects.create(repository=repository, branch="main", trigger=trigger)
        metric_model.objects.create(scan=scan, path="a.py", language="python", content_sha256="h1")

    executor = MigrationExecutor(connection)
    executor.migrate(after)
    owners = executor.loader.project_state(after).apps.get_model("auditor", "FileBlobOwner")
    stored = list(owners.objects.values_list("blob_id", "repository_id"))
    # Back to the latest schema, or every later test would run on 0007's.
    executor = MigrationExecutor(connection)
    executor.migrate(executor.loader.graph.leaf_nodes())
    assert stored == [("h1", scanned.pk)]
