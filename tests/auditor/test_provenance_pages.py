"""The AI pages: AI share over time, AI-vs-human defect density, tools and models."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from django.test import Client

from auditor.models import Repository, Scan
from tests.auditor.conftest import Personas
from tests.auditor.provenance_factories import scanned_twice

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _single_process_engine(settings) -> None:  # type: ignore[no-untyped-def]
    settings.SCAN_ENGINE_WORKERS = 1


@pytest.fixture
def scans(personas: Personas, repos_root: Path) -> tuple[Repository, Scan, Scan]:
    return scanned_twice(personas.team, repos_root)


def _page(user: object, url: str) -> str:
    client = Client()
    client.force_login(user)  # type: ignore[arg-type]
    response = client.get(url)
    assert response.status_code == 200
    return response.content.decode()


def _points(page: str) -> list[str]:
    return re.findall(r"<title>([^<]*?): ([0-9.]+) · ", page)


def test_the_second_scan_stores_new_code_per_origin(scans: tuple[Repository, Scan, Scan]) -> None:
    _, first, second = scans
    assert first.provenance["new_lines"] is None  # no previous scan: nothing is "new"
    assert second.provenance["new_lines"] == {"ai": 2, "human": 0, "unknown": 0}


def test_the_repository_page_charts_real_points(
    scans: tuple[Repository, Scan, Scan], personas: Personas
) -> None:
    repository, _, _ = scans
    page = _page(personas.viewer, f"/repositories/{repository.pk}/ai/")
    points = _points(page)
    assert [v for name, v in points if name == "AI share"] == ["47.6", "52.2"]
    assert [v for name, v in points if name == "Unknown"] == ["0", "0"]
    assert [v for name, v in points if name == "AI-written"] == ["500", "500"]
    assert [v for name, v in points if name == "Human-written"] == ["181.82", "181.82"]
    assert "Latest point: 0 of 23 lines unknown (0.0%), 0 findings on unknown lines" in page
    assert "sources: ai-paths, git-ai, signature." in page
    assert page.count("Unknown at the latest point: 0 of 23 lines") == 4  # under each chart
    # AI lines by tool over time: Claude Code goes from 2 lines (the fixture) to 4 (extra.py).
    assert [v for name, v in points if name == "Claude Code"] == ["2", "4"]
    assert [v for name, v in points if name == "aider"] == ["2", "2"]
    tools = re.findall(r"<tr><td>([^<]+)</td><td>([^<]+)</td><td class=\"num\">(\d+)</td>", page)
    assert tools[:2] == [("Claude Code", "—", "2"), ("Claude Code", "Sonnet 4", "2")]
    assert len(tools) == 6


def test_density_can_be_sliced_by_severity(scans: tuple[Repository, Scan, Scan], personas: Personas) -> None:
    repository, _, _ = scans
    page = _page(personas.viewer, f"/repositories/{repository.pk}/ai/?slice=severity:high")
    assert [v for name, v in _points(page) if name in ("AI-written", "Human-written")] == ["0", "0", "0", "0"]
    assert "Findings per 1,000 lines: AI vs human (severity high)" in page


def test_the_team_page_sums_its_repositories(
    scans: tuple[Repository, Scan, Scan], personas: Personas
) -> None:
    page = _page(personas.viewer, f"/ai/?team={personas.team.pk}")
    # Both scans ran today: one point per day, the repository's latest scan.
    assert [v for name, v in _points(page) if name == "AI share"] == ["52.2"]
    assert "AI provenance · Payments" in page


def test_other_teams_cannot_see_a_repositorys_ai_page(
    scans: tuple[Repository, Scan, Scan], personas: Personas
) -> None:
    repository, _, _ = scans
    client = Client()
    client.force_login(personas.outsider)
    assert client.get(f"/repositories/{repository.pk}/ai/").status_code == 404
    assert "No scan in this range" in _page(personas.outsider, "/ai/")


def test_the_help_page_lists_every_signature(personas: Personas) -> None:
    page = _page(personas.viewer, "/help/provenance/")
    assert page.count("<tr><td>") == 26
    assert "Signatures undercount." in page
