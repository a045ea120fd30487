"""Cached page sections: a hit runs no section query, every change shows at once, and
each request gets its own CSRF token."""

from __future__ import annotations

import re
from types import SimpleNamespace

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from auditor.models import Repository, Scan, ScanStatus, Team, TrackedFinding
from auditor.selectors import page_cache as page_cache_selectors
from auditor.selectors.page_cache import page_cache_key
from auditor.services.scans import scan_advance, scan_claim, scan_fail
from auditor.services.triage import triage_set
from auditor.templatetags.page_cache import csrf_placeholder
from tests.auditor.conftest import Personas
from tests.auditor.dashboard_factories import ingest

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _one_minute(monkeypatch: pytest.MonkeyPatch) -> None:
    """Keys carry the current minute (so relative times stay right); a test that crossed a
    minute boundary between two requests would see a miss that says nothing about the
    revisions under test. The keys' clock stands still here; the pages' own does not."""
    still = timezone.localtime()
    clock = SimpleNamespace(
        localtime=lambda: still, get_current_timezone_name=timezone.get_current_timezone_name
    )
    monkeypatch.setattr(page_cache_selectors, "timezone", clock)


ROWS = [("B602", "app/api.py", 12, "fp-shell", 4), ("AI303", "app/net.py", 3, "fp-timeout", 2)]


def _client(user: object, **kwargs: object) -> Client:
    client = Client(**kwargs)
    client.force_login(user)  # type: ignore[arg-type]
    return client


def _revision(team: Team) -> int:
    return Team.objects.values_list("revision", flat=True).get(pk=team.pk)


def _pages(scan: Scan, tracked: TrackedFinding) -> list[str]:
    return [
        reverse("team-overview") + f"?team={scan.repository.team_id}",
        reverse("repository-detail", args=[scan.repository_id]),
        reverse("repository-hotspots", args=[scan.repository_id]),
        reverse("scan-detail", args=[scan.pk]),
        reverse("finding-detail", args=[tracked.pk]),
        reverse("file-detail", args=[scan.pk]) + "?path=app/api.py",
        reverse("finding-index") + "?status=all&sort=path",
        reverse("team-trends") + f"?team={scan.repository.team_id}&range=90d",
        reverse("repository-trends", args=[scan.repository_id]),
    ]


def _scanned(repository: Repository) -> tuple[Scan, TrackedFinding]:
    """A succeeded scan of `repository` holding ROWS, and the identity of its first row."""
    scan = ingest(repository, ROWS)
    return scan, TrackedFinding.objects.get(fingerprint="fp-shell")


def _without_tokens(response: object) -> str:
    """The page with its CSRF tokens blanked: each response masks the token afresh."""
    html = response.content.decode()
    return re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", html)


def test_a_second_request_runs_only_the_session_user_and_permission_queries(
    personas: Personas, repository: Repository, django_assert_max_num_queries
) -> None:
    scan, tracked = _scanned(repository)
    client = _client(personas.reviewer)
    for url in _pages(scan, tracked):
        first = client.get(url)
        assert first.status_code == 200, url
        # session, user, the object with the member's role (the overview and the findings
        # list: his teams)
        with django_assert_max_num_queries(3):
            second = client.get(url)
        assert _without_tokens(second) == _without_tokens(first), url


def test_a_triage_shows_at_once_on_every_page(personas: Personas, repository: Repository) -> None:
    scan, tracked = _scanned(repository)
    client = _client(personas.reviewer)
    before = {url: client.get(url).content.decode() for url in _pages(scan, tracked)}
    revision = _revision(personas.team)
    response = client.post(
        reverse("finding-triage", args=[tracked.pk]),
        {"status": "false_positive", "reason": "fixture", "expires_at": ""},
    )
    assert response.status_code == 302
    assert _revision(personas.team) == revision + 1
    finding_page = client.get(reverse("finding-detail", args=[tracked.pk])).content.decode()
    assert "Not triaged" in before[reverse("finding-detail", args=[tracked.pk])]
    assert "Not triaged" not in finding_page
    assert "False positive" in finding_page
    scan_page = client.get(reverse("scan-detail", args=[scan.pk])).content.decode()
    assert "1 triaged finding hidden below" in scan_page
    assert "1 triaged finding hidden below" not in before[reverse("scan-detail", args=[scan.pk])]


def test_each_phase_of_a_scan_moves_the_revision_and_the_repository_page_follows(
    personas: Personas, repository: Repository
) -> None:
    client = _client(personas.viewer)
    url = reverse("repository-detail", args=[repository.pk])
    scan = Scan.objects.create(repository=repository, branch="main")
    seen = [_revision(personas.team)]
    claimed = scan_claim(scan.pk)
    assert claimed is not None
    seen.append(_revision(personas.team))
    assert "Cloning" in client.get(url).content.decode()
    assert scan_advance(claimed, ScanStatus.SCANNING)
    seen.append(_revision(personas.team))
    assert "Scanning" in client.get(url).content.decode()
    scan_fail(scan.pk, "clone_failed", "The repository could not be cloned.")
    seen.append(_revision(personas.team))
    assert "Failed" in client.get(url).content.decode()
    assert seen == sorted(set(seen)), seen  # strictly increasing
    assert Repository.objects.get(pk=repository.pk).revision == 3  # claim, scanning, failed
    scan_fail(scan.pk, "clone_failed", "again")  # already finished: nothing changes
    assert _revision(personas.team) == seen[-1]


def test_another_teams_change_leaves_this_teams_revision(personas: Personas, repository: Repository) -> None:
    other = Repository.objects.create(
        team=personas.other_team, name="search", slug="search", clone_url="https://example.com/s.git"
    )
    before = _revision(personas.team)
    ingest(other, ROWS)
    triage_set(
        repository=other,
        fingerprint="fp-shell",
        status="wont_fix",
        reason="Checked by hand: not reachable",
        expires_at=None,
        actor=personas.outsider,  # type: ignore[arg-type]
    )
    assert _revision(personas.team) == before
    assert _revision(personas.other_team) >= 2


def _token(html: str) -> str:
    match = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html)
    assert match, "no form on the page"
    return match.group(1)


def test_a_cached_form_carries_each_browsers_own_csrf_token(
    personas: Personas, repository: Repository
) -> None:
    ingest(repository, ROWS)
    tracked = TrackedFinding.objects.get(fingerprint="fp-shell")
    url = reverse("finding-detail", args=[tracked.pk])
    # The same person in two browsers: two CSRF cookies, one cached section.
    laptop = _client(personas.reviewer, enforce_csrf_checks=True)
    phone = _client(personas.reviewer, enforce_csrf_checks=True)
    laptop_token = _token(laptop.get(url).content.decode())
    phone_page = phone.get(url).content.decode()
    phone_token = _token(phone_page)
    assert csrf_placeholder() not in phone_page
    assert phone_token != laptop_token
    triage = reverse("finding-triage", args=[tracked.pk])
    data = {"status": "wont_fix", "reason": "Legacy module, replaced next quarter", "expires_at": ""}
    assert phone.post(triage, {**data, "csrfmiddlewaretoken": phone_token}).status_code == 302
    assert laptop.post(triage, {**data, "csrfmiddlewaretoken": laptop_token}).status_code == 302


def test_viewers_and_reviewers_get_their_own_section(personas: Personas, repository: Repository) -> None:
    ingest(repository, ROWS)
    tracked = TrackedFinding.objects.get(fingerprint="fp-shell")
    url = reverse("finding-detail", args=[tracked.pk])
    assert 'data-testid="triage-form"' in _client(personas.reviewer).get(url).content.decode()
    assert 'data-testid="triage-form"' not in _client(personas.viewer).get(url).content.decode()


def test_a_scan_of_another_repository_leaves_this_repositorys_pages_cached(
    personas: Personas, repository: Repository, django_assert_max_num_queries
) -> None:
    scan, tracked = _scanned(repository)
    client = _client(personas.viewer)
    pages = [url for url in _pages(scan, tracked) if "team" not in url and "findings/?" not in url]
    overview = reverse("team-overview")
    for url in [*pages, overview]:
        client.get(url)
    ledger = Repository.objects.create(
        team=personas.team, name="ledger", slug="ledger", clone_url="https://example.com/l.git"
    )
    before = Repository.objects.get(pk=repository.pk).revision
    ingest(ledger, [("B105", "pay.py", 4, "fp-ledger", 3)])
    assert Repository.objects.get(pk=repository.pk).revision == before
    for url in pages:
        with django_assert_max_num_queries(3):
            assert client.get(url).status_code == 200, url
    assert "ledger" in client.get(overview).content.decode()  # the team's pages are redrawn


def test_a_team_setting_redraws_every_repositorys_pages(personas: Personas, repository: Repository) -> None:
    from auditor.services.team_settings import team_settings_update

    scan = ingest(repository, ROWS)
    client = _client(personas.viewer)
    url = reverse("scan-detail", args=[scan.pk])
    assert "required by the gate" not in client.get(url).content.decode()
    shared = Team.objects.get(pk=personas.team.pk).shared_revision
    own = Repository.objects.get(pk=repository.pk).revision
    team_settings_update(team=personas.team, actor=personas.admin, values={"gate_require_review": True})  # type: ignore[arg-type]
    assert Team.objects.get(pk=personas.team.pk).shared_revision == shared + 1
    assert Repository.objects.get(pk=repository.pk).revision == own  # the team's revision did it
    assert "required by the gate" in client.get(url).content.decode()


def test_the_key_names_the_user_and_the_full_path(personas: Personas, repository: Repository) -> None:
    key = page_cache_key("scan", repository, user_id=personas.viewer.pk, path="/scans/1/?page=2")

    assert key != page_cache_key("scan", repository, user_id=personas.admin.pk, path="/scans/1/?page=2")
    assert key != page_cache_key("scan", repository, user_id=personas.viewer.pk, path="/scans/1/")
    assert key == page_cache_key("scan", repository, user_id=personas.viewer.pk, path="/scans/1/?page=2")


def test_a_section_with_links_built_from_the_host_is_cached_per_host(
    personas: Personas, repository: Repository
) -> None:
    url = reverse("repository-detail", args=[repository.pk])
    hook = f"/webhooks/github/{repository.pk}/"
    client = _client(personas.admin)

    first = client.get(url, HTTP_HOST="localhost").content.decode()
    second = client.get(url, HTTP_HOST="127.0.0.1").content.decode()

    assert f"http://localhost{hook}" in first
    assert f"http://127.0.0.1{hook}" in second
    assert "http://localhost" not in second
