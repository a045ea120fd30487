"""Dashboard pages: overview (landing), trends, hotspots, help, scan and repository
sections. Team scoping, escaping, and query budgets that do not grow with the data."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from auditor.models import Repository, Scan, TrackedFinding
from tests.auditor.conftest import Personas
from tests.auditor.dashboard_factories import ingest

pytestmark = pytest.mark.django_db


EVIL = "<script>alert(1)</script>"


def _client(user: object) -> Client:
    client = Client()
    client.force_login(user)  # type: ignore[arg-type]
    return client


def _history(repository: Repository, scans: int) -> Scan:
    last = None
    for i in range(scans):
        rows = [(f"R{j}", f"pkg/m{j % 4}.py", 3 + j, f"fp{j}", j % 5) for j in range(i, i + 6)]
        rows.append(("B602", f"pkg/{EVIL}.py", 1, "evil", 4))
        last = ingest(
            repository, rows, files={**{f"pkg/m{k}.py": 3 + 4 * k for k in range(4)}, f"pkg/{EVIL}.py": 12}
        )
    assert last is not None
    return last


def _pages(repository: Repository, scan: Scan) -> list[tuple[str, int]]:
    """(url, query budget) of a page drawn afresh (its cached section missing). Session +
    user are 2 of each; the repository and scan pages also carry other feature areas'
    sections; the findings list reads its user's teams' revisions; the team trends read
    their charts' version apart from the teams; the overview and repository page read
    the current open / triaged counts (selectors/counts.py). A cached section runs
    none of these (tests/auditor/test_page_cache.py)."""
    return [
        (reverse("team-overview"), 10),
        (reverse("team-trends") + "?range=90d", 5),
        (reverse("repository-trends", args=[repository.pk]), 5),
        (reverse("repository-hotspots", args=[repository.pk]) + "?sort=findings", 7),
        (reverse("repository-detail", args=[repository.pk]), 16),
        (reverse("scan-detail", args=[scan.pk]), 12),
        (reverse("help-risk"), 2),
        (reverse("finding-index") + "?status=all", 6),
        (reverse("file-detail", args=[scan.pk]) + "?path=pkg/" + EVIL + ".py", 9),
        (
            reverse(
                "finding-detail",
                args=[TrackedFinding.objects.get(repository=repository, fingerprint="evil").pk],
            ),
            9,
        ),
    ]


@pytest.mark.parametrize("scans", [2, 6])
def test_pages_render_within_a_query_budget_independent_of_history(
    personas: Personas, repository: Repository, scans: int, django_assert_max_num_queries
) -> None:  # type: ignore[no-untyped-def]
    scan = _history(repository, scans)
    other = Repository.objects.create(
        team=personas.team, name="ledger", slug="ledger", clone_url="https://x/l"
    )
    _history(other, scans)
    client = _client(personas.viewer)
    for url, budget in _pages(repository, scan):
        with django_assert_max_num_queries(budget):
            response = client.get(url)
        assert response.status_code == 200, url
        body = response.content.decode()
        assert EVIL not in body, url


def test_the_landing_page_is_the_team_overview(personas: Personas, repository: Repository) -> None:
    _history(repository, 3)
    body = _client(personas.viewer).get("/").content.decode()
    assert "Open findings" in body
    assert "billing" in body
    assert "Riskiest files" in body
    assert "<svg" in body  # sparklines


def test_outsiders_see_none_of_it(personas: Personas, repository: Repository) -> None:
    scan = _history(repository, 2)
    client = _client(personas.outsider)
    for url, _ in _pages(repository, scan)[2:6]:
        assert client.get(url).status_code == 404, url
    assert "billing" not in client.get("/").content.decode()
    assert client.get(reverse("team-trends") + f"?team={personas.team.pk}").status_code == 404


def test_trend_charts_draw_one_point_per_scan(personas: Personas, repository: Repository) -> None:
    _history(repository, 4)
    body = _client(personas.viewer).get(reverse("repository-trends", args=[repository.pk])).content.decode()
    assert body.count('class="point"') >= 4 * 3  # severity series x scans, at least
    assert "New vs fixed per scan" in body


def test_scan_page_shows_new_fixed_reopened_unchanged(personas: Personas, repository: Repository) -> None:
    ingest(repository, [("R1", "a.py", 1, "fp1", 3), ("R2", "a.py", 2, "fp2", 2)])
    ingest(repository, [("R1", "a.py", 1, "fp1", 3)])
    third = ingest(
        repository, [("R1", "a.py", 1, "fp1", 3), ("R2", "a.py", 8, "fp2", 2), ("R3", "b.py", 1, "fp3", 1)]
    )
    body = _client(personas.viewer).get(reverse("scan-detail", args=[third.pk])).content.decode()
    assert 'data-testid="lc-new">1<' in body
    assert 'data-testid="lc-reopened">1<' in body
    assert 'data-testid="lc-fixed">0<' in body
    assert 'data-testid="lc-unchanged">1<' in body


def test_headline_numbers_compare_with_a_week_ago(personas: Personas, repository: Repository) -> None:
    from datetime import timedelta

    from django.utils import timezone

    from auditor.selectors.dashboard import team_overview

    now = timezone.now()
    rows = [("R1", "a.py", 1, "fp1", 4), ("R2", "a.py", 2, "fp2", 3), ("R3", "b.py", 3, "fp3", 1)]
    ingest(repository, rows, at=now - timedelta(days=9))
    ingest(repository, [*rows[:1], ("R4", "c.py", 1, "fp4", 0)], at=now - timedelta(hours=2))
    headline = team_overview(personas.team).headline
    assert headline["open"] == {"value": 2, "change": -1}
    assert headline["severe"] == {"value": 1, "change": -1}
    assert headline["new"] == {"value": 1, "change": -2}  # 3 arrived in the first scan, 9 days ago
    assert headline["fixed"] == {"value": 2, "change": 2}
