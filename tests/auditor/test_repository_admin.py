"""Repositories managed in the app: default branch from the remote, add, edit, check
access, deactivate, rotate the webhook secret, delete with its data policy (issue 12b)."""

from __future__ import annotations

import hashlib
import hmac
import subprocess
from collections.abc import Callable
from pathlib import Path

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from django_celery_beat.models import PeriodicTask

from auditor.git import remote_head
from auditor.models import (
    AuditEvent,
    ContractItem,
    FileBlob,
    FileBlobOwner,
    Repository,
    RepositorySchedule,
    Scan,
    SignOff,
    Team,
)
from auditor.services.api_tokens import api_token_create
from auditor.services.repositories import (
    repository_create,
    repository_delete,
    repository_rotate_webhook_secret,
    repository_set_active,
)
from auditor.services.reviews import review_start
from auditor.services.schedules import schedule_save
from tests.auditor.conftest import Personas

pytestmark = pytest.mark.django_db

RepoFactory = Callable[..., Path]


def _client(user: object) -> Client:
    client = Client()
    client.force_login(user)  # type: ignore[arg-type]
    return client


# --- Default branch, read from the remote -------------------------------------------------


def test_remote_head_reads_master_from_a_real_repository(
    git_repo_factory: RepoFactory, repos_root: Path
) -> None:
    source = git_repo_factory("legacy", {"a.py": "x = 1\n"}, branch="master")
    head = remote_head(str(source), local_roots=[repos_root])
    assert (head.default_branch, head.branches) == ("master", ("master",))


def test_remote_head_follows_head_not_the_name_main(git_repo_factory: RepoFactory, repos_root: Path) -> None:
    # The repository has a `main` branch, but its HEAD names `trunk`: trunk is the default.
    source = git_repo_factory("svc", {"a.py": "x = 1\n"})
    subprocess.run(["git", "-C", str(source), "branch", "trunk"], check=True)
    subprocess.run(["git", "-C", str(source), "symbolic-ref", "HEAD", "refs/heads/trunk"], check=True)
    head = remote_head(str(source), local_roots=[repos_root])
    assert (head.default_branch, head.branches) == ("trunk", ("main", "trunk"))


def test_an_empty_repository_has_no_default_branch_to_detect(repos_root: Path, personas: Personas) -> None:
    empty = repos_root / "empty"
    subprocess.run(["git", "init", "--quiet", "--initial-branch=main", str(empty)], check=True)
    assert remote_head(str(empty), local_roots=[repos_root]).default_branch is None
    with pytest.raises(ValidationError, match="names no branch with commits"):
        repository_create(team=personas.team, name="empty", clone_url=str(empty), default_branch=None)


def test_create_without_a_branch_registers_the_remotes_default(
    git_repo_factory: RepoFactory, personas: Personas
) -> None:
    source = git_repo_factory("legacy", {"a.py": "x = 1\n"}, branch="master")
    repository = repository_create(
        team=personas.team, name="legacy", clone_url=str(source), default_branch=None, actor=personas.admin
    )
    assert repository.default_branch == "master"
    event = AuditEvent.objects.get(action="repository.created")
    assert event.details == {"clone_url": str(source), "default_branch": "master"}


# --- Add in the app ----------------------------------------------------------------------


def test_an_admin_adds_a_repository_and_its_branch_is_detected(
    git_repo_factory: RepoFactory, personas: Personas
) -> None:
    source = git_repo_factory("legacy", {"a.py": "x = 1\n"}, branch="master")
    response = _client(personas.admin).post(
        "/repositories/new/",
        {"team": personas.team.pk, "name": "legacy", "clone_url": str(source), "default_branch": ""},
    )
    repository = Repository.objects.get(name="legacy")
    assert response.status_code == 302
    assert response["Location"] == f"/repositories/{repository.pk}/"
    assert (repository.team, repository.default_branch) == (personas.team, "master")


@pytest.mark.parametrize(
    ("url", "message"),
    [
        ("http://example.com/repo.git", "plain http:// is not allowed; use https://"),
        ("ext::sh -c touch% /tmp/pwned", "remote-helper URLs (such as ext::) are not allowed"),
        ("/etc", "the local path is outside the allowed local repository roots"),
    ],
)
def test_a_refused_url_is_an_inline_error_and_the_values_stay(
    personas: Personas, repos_root: Path, url: str, message: str
) -> None:
    response = _client(personas.admin).post(
        "/repositories/new/",
        {"team": personas.team.pk, "name": "my-service", "clone_url": url, "default_branch": "develop"},
    )
    body = response.content.decode()
    assert response.status_code == 400
    assert message in body
    assert 'value="my-service"' in body
    assert 'value="develop"' in body
    assert not Repository.objects.filter(name="my-service").exists()


def test_an_unreachable_repository_is_not_registered(personas: Personas, repos_root: Path) -> None:
    response = _client(personas.admin).post(
        "/repositories/new/",
        {
            "team": personas.team.pk,
            "name": "ghost",
            "clone_url": str(repos_root / "nope"),
            "default_branch": "",
        },
    )
    assert response.status_code == 400
    assert "The repository does not exist or is not reachable" in response.content.decode()
    assert not Repository.objects.filter(name="ghost").exists()


def test_only_admins_add_and_only_to_their_teams(personas: Personas, git_repo_factory: RepoFactory) -> None:
    source = git_repo_factory("svc", {"a.py": "x = 1\n"})
    assert _client(personas.reviewer).get("/repositories/new/").status_code == 403
    # adam is admin of Payments, not of Search: Search is not a choice.
    response = _client(personas.admin).post(
        "/repositories/new/", {"team": personas.other_team.pk, "name": "svc", "clone_url": str(source)}
    )
    assert response.status_code == 400
    assert not Repository.objects.filter(team=personas.other_team).exists()


# --- Edit, check access, deactivate, rotate, delete --------------------------------------


def test_edit_keeps_the_values_of_a_failed_form(personas: Personas, repository: Repository) -> None:
    response = _client(personas.admin).post(
        f"/repositories/{repository.pk}/edit/",
        {"name": "billing-2", "clone_url": "http://example.com/x.git", "default_branch": "release"},
    )
    body = response.content.decode()
    assert response.status_code == 400
    assert "plain http:// is not allowed" in body
    assert 'value="billing-2"' in body
    assert 'value="release"' in body
    repository.refresh_from_db()
    assert repository.name == "billing"


def test_edit_records_what_changed(personas: Personas, repository: Repository) -> None:
    response = _client(personas.admin).post(
        f"/repositories/{repository.pk}/edit/",
        {
            "name": "billing",
            "clone_url": "https://user:s3cr3t-token@example.com/billing.git",
            "default_branch": "release",
        },
    )
    assert response.status_code == 302
    repository.refresh_from_db()
    assert repository.default_branch == "release"
    event = AuditEvent.objects.get(action="repository.updated")
    assert event.details == {"clone_url": "https://***@example.com/billing.git", "default_branch": "release"}


def test_a_reviewer_cannot_manage_a_repository(personas: Personas, repository: Repository) -> None:
    client = _client(personas.reviewer)
    for url in ("edit/", "delete/"):
        assert client.get(f"/repositories/{repository.pk}/{url}").status_code == 403
    for url in ("check-access/", "active/", "webhook-secret/", "delete/"):
        assert (
            client.post(f"/repositories/{repository.pk}/{url}", {"confirm_name": "billing"}).status_code
            == 403
        )
    assert _client(personas.outsider).get(f"/repositories/{repository.pk}/edit/").status_code == 404
    assert Repository.objects.filter(pk=repository.pk, active=True).exists()


def test_check_access_runs_ls_remote_and_says_what_it_found(
    personas: Personas, git_repo_factory: RepoFactory
) -> None:
    source = git_repo_factory("legacy", {"a.py": "x = 1\n"}, branch="master")
    repository = Repository.objects.create(
        team=personas.team, name="legacy", slug="legacy", clone_url=str(source), default_branch="main"
    )
    response = _client(personas.admin).post(f"/repositories/{repository.pk}/check-access/", follow=True)
    assert (
        "Access works: 1 branch(es); the remote&#x27;s default branch is master "
        "(not the branch scanned here)." in (response.content.decode())
    )
    event = AuditEvent.objects.get(action="repository.access_checked")
    assert event.details == {"ok": True, "default_branch": "master", "branches": 1}


def test_check_access_of_an_unreachable_repository_says_why(personas: Personas, repos_root: Path) -> None:
    repository = Repository.objects.create(
        team=personas.team, name="gone", slug="gone", clone_url=str(repos_root / "gone")
    )
    response = _client(personas.admin).post(f"/repositories/{repository.pk}/check-access/", follow=True)
    assert "The server cannot reach gone: The repository does not exist" in response.content.decode()
    assert AuditEvent.objects.get(action="repository.access_checked").details["ok"] is False


def test_a_deactivated_repository_is_not_scanned_from_the_page(
    personas: Personas, repository: Repository
) -> None:
    repository_set_active(repository=repository, actor=personas.admin, active=False)
    response = _client(personas.reviewer).post(f"/repositories/{repository.pk}/scan/", follow=True)
    assert "billing is deactivated" in response.content.decode()
    assert not Scan.objects.exists()
    assert list(AuditEvent.objects.values_list("action", flat=True)) == ["repository.deactivated"]
    repository_set_active(repository=repository, actor=personas.admin, active=True)
    assert Repository.objects.get(pk=repository.pk).active is True


def test_rotating_the_webhook_secret_refuses_the_old_one(personas: Personas, repository: Repository) -> None:
    old = repository.webhook_secret
    assert old in _client(personas.admin).get(f"/repositories/{repository.pk}/edit/").content.decode()
    new = repository_rotate_webhook_secret(repository=repository, actor=personas.admin)
    repository.refresh_from_db()
    assert repository.webhook_secret == new != old
    assert len(new) >= 40
    event = AuditEvent.objects.get(action="repository.webhook_secret_rotated")
    assert new not in str(event.details)
    assert old not in str(event.details)
    body = b'{"ref": "refs/heads/main", "after": "' + b"a" * 40 + b'"}'
    signature = "sha256=" + hmac.new(old.encode(), body, hashlib.sha256).hexdigest()
    response = Client().post(
        f"/webhooks/github/{repository.pk}/",
        body,
        content_type="application/json",
        headers={"X-GitHub-Event": "push", "X-Hub-Signature-256": signature},
    )
    assert response.status_code == 403


def test_delete_needs_the_name_and_removes_the_repositorys_data(
    personas: Personas, repository: Repository
) -> None:
    schedule_save(repository=repository, actor=personas.admin, kind="cron", cron="0 3 * * *")
    task_id = RepositorySchedule.objects.get(repository=repository).periodic_task_id
    Scan.objects.create(repository=repository, branch="main")
    shared = FileBlob.objects.create(sha256="a" * 64, text="shared")
    own = FileBlob.objects.create(sha256="b" * 64, text="own")
    other = Repository.objects.create(
        team=personas.team, name="other", slug="other", clone_url="https://x.org/o"
    )
    FileBlobOwner.objects.create(blob=shared, repository=repository)
    FileBlobOwner.objects.create(blob=shared, repository=other)
    FileBlobOwner.objects.create(blob=own, repository=repository)
    client = _client(personas.admin)

    page = client.get(f"/repositories/{repository.pk}/delete/").content.decode()
    refused = client.post(f"/repositories/{repository.pk}/delete/", {"confirm_name": "Billing"})
    kept = Repository.objects.filter(pk=repository.pk).exists()
    done = client.post(f"/repositories/{repository.pk}/delete/", {"confirm_name": "billing"})

    assert "What is deleted" in page
    assert "Its scans, findings, finding history and triage decisions" in page
    assert "including the events about this repository" in page
    assert refused.status_code == 400
    assert kept
    assert 'value="Billing"' in refused.content.decode()
    assert done.status_code == 302
    assert not Repository.objects.filter(pk=repository.pk).exists()
    assert not Scan.objects.filter(repository_id=repository.pk).exists()
    assert sorted(FileBlob.objects.values_list("sha256", flat=True)) == ["a" * 64]
    assert not PeriodicTask.objects.filter(pk=task_id).exists()
    event = AuditEvent.objects.get(action="repository.deleted")
    assert (event.object_repr, event.details["name"]) == ("billing", "billing")
    assert Team.objects.filter(pk=personas.team.pk).exists()


def test_a_repository_with_sign_offs_cannot_be_deleted(personas: Personas, repository: Repository) -> None:
    scan = Scan.objects.create(repository=repository, branch="main", status="succeeded")
    review = review_start(scan=scan, actor=personas.reviewer)
    item = (
        ContractItem.objects.filter(section__contract=review.contract).first() or ContractItem.objects.first()
    )
    SignOff.objects.create(
        review=review, item=item, reviewer=personas.reviewer, reviewer_name="rita", decision="pass"
    )
    with pytest.raises(ValidationError, match="sign-offs, which are an append-only record"):
        repository_delete(repository=repository, actor=personas.admin, confirm_name="billing")
    assert Repository.objects.filter(pk=repository.pk).exists()


# --- The API -----------------------------------------------------------------------------


def _api(user: object) -> Client:
    issued = api_token_create(user=user, name="ci")  # type: ignore[arg-type]
    return Client(HTTP_AUTHORIZATION=f"Bearer {issued.clear}")


def test_the_api_registers_a_repository_with_the_remotes_default_branch(
    personas: Personas, git_repo_factory: RepoFactory
) -> None:
    source = git_repo_factory("legacy", {"a.py": "x = 1\n"}, branch="master")
    response = _api(personas.admin).post(
        "/api/v1/repositories/",
        {"team": "payments", "name": "legacy", "clone_url": str(source)},
        content_type="application/json",
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert (body["name"], body["default_branch"], body["team"]) == ("legacy", "master", "payments")
    assert AuditEvent.objects.get(action="repository.created").actor == personas.admin


def test_the_api_refuses_bad_urls_and_non_admins(personas: Personas, repos_root: Path) -> None:
    bad = _api(personas.admin).post(
        "/api/v1/repositories/",
        {"team": "payments", "name": "x", "clone_url": "http://example.com/x.git"},
        content_type="application/json",
    )
    assert bad.status_code == 400
    assert "plain http:// is not allowed" in bad.json()["detail"]
    body = {
        "team": "payments",
        "name": "x",
        "clone_url": "https://example.com/x.git",
        "default_branch": "main",
    }
    assert (
        _api(personas.reviewer)
        .post("/api/v1/repositories/", body, content_type="application/json")
        .status_code
        == 403
    )
    assert (
        _api(personas.outsider)
        .post("/api/v1/repositories/", body, content_type="application/json")
        .status_code
        == 404
    )
    assert not Repository.objects.exists()


def test_the_api_does_not_scan_a_deactivated_repository(personas: Personas, repository: Repository) -> None:
    repository_set_active(repository=repository, actor=personas.admin, active=False)
    response = _api(personas.reviewer).post(
        f"/api/v1/repositories/{repository.pk}/scans/", {}, content_type="application/json"
    )
    assert response.status_code == 409
    assert not Scan.objects.exists()
