"""A lead asks "how much did AI write, and is it worse?": the AI page and the file gutter."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from django.core.cache import cache

from auditor.models import Membership, Repository, Role, Scan, Team
from tests.auditor.provenance_factories import scanned_twice
from tests.browser.conftest import screenshot, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def scans(django_user_model: Any, repos_root: Path, settings: Any) -> tuple[Repository, Scan, Scan]:
    cache.clear()
    settings.SCAN_ENGINE_WORKERS = 1
    team = Team.objects.create(name="Payments", slug="payments")
    user = django_user_model.objects.create_user(username="lena", password="lena-pass")
    Membership.objects.create(user=user, team=team, role=Role.VIEWER)
    return scanned_twice(team, repos_root)


def test_the_ai_page_charts_ai_against_human_lines(page: Any, scans: tuple[Repository, Scan, Scan]) -> None:
    repository, _, _ = scans
    sign_in(page, "lena", "lena-pass")
    page.goto(f"/repositories/{repository.pk}/ai/")
    charts = page.locator("[data-testid=ai-charts] figure")
    assert charts.count() == 4
    share = charts.nth(0).locator("circle.point title")
    assert [share.nth(i).text_content().split(" · ")[0] for i in range(share.count())] == [
        "AI share: 47.6",
        "AI share: 52.2",
    ]
    density = charts.nth(2).locator("circle.point title")
    assert sorted(density.nth(i).text_content().split(" · ")[0] for i in range(density.count())) == [
        "AI-written: 500",
        "AI-written: 500",
        "Human-written: 181.82",
        "Human-written: 181.82",
    ]
    assert "0 of 23 lines unknown" in page.locator("[data-testid=ai-unknown-note]").text_content()
    screenshot(page, "provenance-repository")


def test_the_file_page_marks_ai_lines_in_the_gutter(page: Any, scans: tuple[Repository, Scan, Scan]) -> None:
    _, _, latest = scans
    sign_in(page, "lena", "lena-pass")
    page.goto(f"/scans/{latest.pk}/file/?path=app.py")
    marked = page.locator("table.source tr.ai-line")
    assert [marked.nth(i).get_attribute("id") for i in range(marked.count())] == ["L4", "L5"]
    assert marked.nth(0).locator("td.ln").get_attribute("title") == "Written by AI: cursor"
    # The gutter is drawn: a 3px purple bar inside the line-number cell.
    shadow = marked.nth(0).locator("td.ln").evaluate("cell => getComputedStyle(cell).boxShadow")
    assert "124, 58, 237" in shadow
    assert "15% · 2 of 13 attributed lines" in page.locator("[data-testid=ai-share]").text_content()
    screenshot(page, "provenance-file-gutter")
