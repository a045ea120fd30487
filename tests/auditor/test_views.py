"""Pages: sign-in, team scoping, roles, escaping of repository content, health."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from auditor.models import Finding, Repository, Scan, ScanStatus
from tests.auditor.conftest import Personas


def _client_for(user: object) -> Client:
    client = Client()
    client.force_login(user)  # type: ignore[arg-type]
    return client


@pytest.fixture
def finished_scan(repository: Repository) -> Scan:
    scan = Scan.objects.create(
        repository=repository,
        branch="main",
        status=ScanStatus.SUCCEEDED,
        commit_sha="a" * 40,
        commit_message="<b>bold</b> commit",
        findings_total=2,
        severity_counts={"high": 1, "low": 1},
        category_counts={"security": 1, "context": 1},
    )
    Finding.objects.create(
        scan=scan,
        rule_id="B602",
        scanner="bandit",
        category="security",
        severity=3,
        confidence=2,
        path="app/<script>alert(1)</script>.py",
        line=7,
        end_line=7,
        message="shell=True",
        snippet="<img src=x onerror=alert(2)>",
        fingerprint="f1",
    )
    Finding.objects.create(
        scan=scan,
        rule_id="AI101",
        scanner="ai-rules",
        category="context",
        severity=1,
        confidence=2,
        path="app/views.py",
        line=3,
        end_line=3,
        message="unresolved",
        snippet="import nothing",
        fingerprint="f2",
    )
    return scan


@pytest.mark.django_db
@pytest.mark.parametrize("name", ["repository-list", "healthz"])
def test_anonymous_users_are_sent_to_sign_in_except_for_health(client: Client, name: str) -> None:
    response = client.get(reverse(name))
    if name == "healthz":
        assert response.status_code in (200, 503)
    else:
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("login"))


def test_a_member_sees_his_teams_repositories_only(personas: Personas, repository: Repository) -> None:
    Repository.objects.create(
        team=personas.other_team, name="secret-search", slug="s", clone_url="https://x/y"
    )
    body = _client_for(personas.viewer).get(reverse("repository-list")).content.decode()
    assert "billing" in body
    assert "secret-search" not in body


def test_another_teams_repository_and_scan_do_not_exist_for_an_outsider(
    personas: Personas, finished_scan: Scan
) -> None:
    client = _client_for(personas.outsider)
    assert client.get(reverse("repository-detail", args=[finished_scan.repository_id])).status_code == 404
    assert client.get(reverse("scan-detail", args=[finished_scan.pk])).status_code == 404
    assert client.get(reverse("scan-status", args=[finished_scan.pk])).status_code == 404
    assert client.post(reverse("scan-create", args=[finished_scan.repository_id])).status_code == 404
    assert Scan.objects.count() == 1


def test_a_viewer_cannot_trigger_a_scan(personas: Personas, repository: Repository) -> None:
    response = _client_for(personas.viewer).post(reverse("scan-create", args=[repository.pk]))
    assert response.status_code == 403
    assert not Scan.objects.exists()
    page = _client_for(personas.viewer).get(reverse("repository-detail", args=[repository.pk]))
    assert b"Scan now" not in page.content


@pytest.mark.parametrize("role", ["reviewer", "admin"])
def test_reviewers_and_admins_queue_a_scan(
    personas: Personas, repository: Repository, role: str, django_capture_on_commit_callbacks
) -> None:
    user = getattr(personas, role)
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        response = _client_for(user).post(reverse("scan-create", args=[repository.pk]))
    scan = Scan.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("scan-detail", args=[scan.pk])
    assert (scan.status, scan.trigger, scan.branch, scan.requested_by) == ("queued", "manual", "main", user)
    # the task is sent only once the row is committed, and only once
    assert [c.__qualname__ for c in callbacks] == ["scan_request.<locals>.<lambda>"]


def test_triggering_a_scan_needs_post(personas: Personas, repository: Repository) -> None:
    response = _client_for(personas.admin).get(reverse("scan-create", args=[repository.pk]))
    assert response.status_code == 405


def test_the_scan_page_escapes_everything_from_the_repository(
    personas: Personas, finished_scan: Scan
) -> None:
    body = _client_for(personas.viewer).get(reverse("scan-detail", args=[finished_scan.pk])).content.decode()
    assert "<script>alert(1)</script>" not in body
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in body
    assert "<img src=x" not in body
    assert "<b>bold</b>" not in body
    assert "&lt;b&gt;bold&lt;/b&gt; commit" in body


def test_the_scan_page_filters_findings_by_severity_and_category(
    personas: Personas, finished_scan: Scan
) -> None:
    client = _client_for(personas.viewer)
    url = reverse("scan-detail", args=[finished_scan.pk])
    high = client.get(url, {"severity": "high"}).context["page"].object_list
    context = client.get(url, {"category": "context"}).context["page"].object_list
    bogus = client.get(url, {"severity": "nonsense"}).context["page"].object_list
    assert [f.rule_id for f in high] == ["B602"]
    assert [f.rule_id for f in context] == ["AI101"]
    assert [f.rule_id for f in bogus] == ["B602", "AI101"]  # unknown filter values are ignored


def test_the_scan_page_paginates_findings(personas: Personas, finished_scan: Scan, settings) -> None:  # type: ignore[no-untyped-def]
    settings.SCAN_FINDINGS_PAGE_SIZE = 1
    client = _client_for(personas.viewer)
    url = reverse("scan-detail", args=[finished_scan.pk])
    first = client.get(url)
    second = client.get(url, {"page": 2})
    assert [f.rule_id for f in first.context["page"].object_list] == ["B602"]
    assert [f.rule_id for f in second.context["page"].object_list] == ["AI101"]
    assert "page=2" in first.content.decode()


def test_the_status_partial_tells_the_poller_when_the_scan_is_done(
    personas: Personas, repository: Repository
) -> None:
    running = Scan.objects.create(repository=repository, branch="main", status=ScanStatus.SCANNING)
    client = _client_for(personas.viewer)
    response = client.get(reverse("scan-status", args=[running.pk]))
    assert response["X-Scan-Finished"] == "0"
    assert b"data-poll-url" in response.content
    Scan.objects.filter(pk=running.pk).update(status=ScanStatus.FAILED, error_text="git said <no>")
    response = client.get(reverse("scan-status", args=[running.pk]))
    assert response["X-Scan-Finished"] == "1"
    assert b"git said &lt;no&gt;" in response.content


def test_repository_list_costs_a_fixed_number_of_queries(
    personas: Personas, django_assert_max_num_queries
) -> None:
    for i in range(15):
        repo = Repository.objects.create(
            team=personas.team, name=f"r{i}", slug=f"r{i}", clone_url="https://x/y"
        )
        Scan.objects.create(repository=repo, branch="main", status=ScanStatus.SUCCEEDED)
    client = _client_for(personas.viewer)
    with django_assert_max_num_queries(6):
        response = client.get(reverse("repository-list"))
    assert response.content.decode().count("status-succeeded") == 15


@pytest.mark.django_db
def test_health_reports_database_and_broker(client: Client) -> None:
    response = client.get(reverse("healthz"))
    data = response.json()
    assert data["database"]["ok"] is True
    assert response.status_code == (200 if data["broker"]["ok"] else 503)
    assert data["ok"] is data["broker"]["ok"]


def test_a_local_repositorys_path_on_the_server_is_shown_to_admins_only(personas: Personas) -> None:
    local = Repository.objects.create(
        team=personas.team, name="internal", slug="internal", clone_url="/srv/repos/internal-secret-name"
    )
    url = reverse("repository-detail", args=[local.pk])
    api = "/api/v1/repositories/"

    seen = {}
    for user in (personas.viewer, personas.reviewer, personas.admin):
        client = Client()
        client.force_login(user)
        page = client.get(url).content.decode()
        listed = {r["name"]: r["display_url"] for r in client.get(api).json()["results"]}
        seen[user.username] = ("/srv/repos/internal-secret-name" in page, listed["internal"])

    hidden = "a repository on the server&#x27;s disk (its path is shown to admins)"
    assert (
        seen["vera"]
        == seen["rita"]
        == (False, "a repository on the server's disk (its path is shown to admins)")
    )
    assert seen["adam"] == (True, "/srv/repos/internal-secret-name")
    viewer = Client()
    viewer.force_login(personas.viewer)
    assert hidden in viewer.get(url).content.decode()
