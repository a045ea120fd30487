"""The trend charts selector: the charts are kept in the cache under their rollups' version."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from auditor.models import Repository
from auditor.selectors.trends import repository_trend_charts, team_trend_charts
from tests.auditor.conftest import Personas
from tests.auditor.dashboard_factories import ingest

pytestmark = pytest.mark.django_db


def _points(charts: object) -> int:
    return sum(len(s.points) for c in charts.charts for s in c.series)  # type: ignore[attr-defined]


def test_the_charts_come_from_the_cache_until_a_scan_changes_them(
    personas: Personas, repository: Repository
) -> None:
    ingest(repository, [("B602", "app.py", 1, "fp1", 3)])
    assert _points(repository_trend_charts(repository, "30d")) > 0

    with CaptureQueriesContext(connection) as queries:
        again = repository_trend_charts(repository, "30d")
        before = _points(again)
    assert len(queries) == 1  # the version only: the charts are cached

    ingest(repository, [("B602", "app.py", 1, "fp1", 3), ("B105", "app.py", 2, "fp2", 2)])
    after = repository_trend_charts(repository, "30d")
    assert after.section_key != again.section_key
    assert _points(after) > before


def test_each_team_gets_its_own_charts(personas: Personas, repository: Repository) -> None:
    ingest(repository, [("B602", "app.py", 1, "fp1", 3)])

    ours, theirs = team_trend_charts(personas.team, "30d"), team_trend_charts(personas.other_team, "30d")

    assert ours.section_key != theirs.section_key
    assert _points(ours) > 0
    assert _points(theirs) == 0


def test_a_second_member_gets_the_charts_as_drawn_for_the_first(
    personas: Personas, repository: Repository
) -> None:
    ingest(repository, [("B602", "app.py", 1, "fp1", 3)])
    chart = "auditor/dashboard/partials/line_chart.html"

    first = _client(personas.viewer).get(reverse("team-trends"))
    second = _client(personas.admin).get(reverse("team-trends"))

    assert chart in [t.name for t in first.templates]
    assert chart not in [t.name for t in second.templates]  # the drawing is shared
    assert second.content.count(b'data-testid="chart"') == 5


def _client(user: object) -> Client:
    client = Client()
    client.force_login(user)  # type: ignore[arg-type]
    return client
