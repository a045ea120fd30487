"""The main pages at phone width (390 px) and on a desktop: nothing wider than the screen
(before, the overview overflowed at phone width), the current section marked in the nav.
Screenshots of both widths go to test-artifacts/screenshots/ (responsive-*.png)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from django.test import override_settings

from auditor.models import Repository, Scan
from auditor.services.demo import DEMO_PASSWORD, DEMO_USERNAME, demo_create
from auditor.services.scan_pipeline import scan_execute
from tests.browser.conftest import screenshot, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 900}
# The page's own width beyond the viewport; a table may scroll inside its own box.
OVERFLOW = "document.documentElement.scrollWidth - document.documentElement.clientWidth"
# What sticks out, to say so when the test fails.
WIDEST = """[...document.querySelectorAll('body *')]
  .filter(e => e.getBoundingClientRect().right > document.documentElement.clientWidth + 0.5)
  .slice(0, 5).map(e => e.tagName + '.' + e.className + ' ' + Math.round(e.getBoundingClientRect().right))"""


@pytest.fixture
def scanned_demo(repos_root: Path, settings: Any) -> Scan:
    """The embedded default's demo with its first scan run for real (no worker: in-process)."""
    settings.DATABASE_URL = ""
    setup = demo_create()
    assert setup.scan is not None
    with override_settings(SCAN_ENGINE_WORKERS=1):
        scan_execute(setup.scan.pk)
    scan = Scan.objects.get(pk=setup.scan.pk)
    assert scan.status == "succeeded", scan.error_text
    return scan


def _pages(scan: Scan) -> list[tuple[str, str, str | None]]:
    repository: Repository = scan.repository
    path = scan.file_metrics.order_by("-risk_score").values_list("path", flat=True).first()
    team = repository.team.slug
    return [
        ("overview", "/", "Overview"),
        ("repositories", "/repositories/", "Repositories"),
        ("repository", f"/repositories/{repository.pk}/", "Repositories"),
        ("scan", f"/scans/{scan.pk}/", "Repositories"),
        ("file", f"/scans/{scan.pk}/file/?path={path}", "Repositories"),
        ("findings", "/findings/", "Findings"),
        ("trends", "/trends/", "Trends"),
        ("reviews", "/reviews/", "Reviews"),
        ("rules", "/rules/", "Rules"),
        ("members", f"/teams/{team}/members/", "Members"),
        ("audit", f"/teams/{team}/audit/", "Audit trail"),
        ("add-repository", "/repositories/new/", "Repositories"),
        ("not-found", "/no/such/page/", None),
    ]


@pytest.mark.parametrize(("width", "viewport"), [("390", PHONE), ("desktop", DESKTOP)])
def test_main_pages_fit_the_screen(
    page: Any, scanned_demo: Scan, width: str, viewport: dict[str, int]
) -> None:
    page.set_viewport_size(viewport)
    sign_in(page, DEMO_USERNAME, DEMO_PASSWORD)
    too_wide = {}
    for name, url, section in _pages(scanned_demo):
        page.goto(url)
        page.wait_for_load_state("networkidle")
        screenshot(page, f"responsive-{name}-{width}")
        overflow = page.evaluate(OVERFLOW)
        if overflow > 0:
            too_wide[name] = (overflow, page.evaluate(WIDEST))
        current = page.locator("nav.topnav [aria-current=page]").all_inner_texts()
        assert current == ([section] if section else []), (name, current)
    assert too_wide == {}
