"""Integrations in a real browser: token page, schedule card, exports and cancel, report."""

from __future__ import annotations

from typing import Any

import pytest

from auditor.models import FileMetric, Membership, Repository, Role, Scan, ScanStatus, Team
from auditor.services.schedules import schedule_save
from tests.auditor.integration_factories import make_scan
from tests.browser.conftest import screenshot, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def admin_repository(django_user_model: Any) -> Repository:
    user = django_user_model.objects.create_user(username="adam", password="adam-pass")
    team = Team.objects.create(name="Payments", slug="payments")
    Membership.objects.create(user=user, team=team, role=Role.ADMIN)
    return Repository.objects.create(
        team=team, name="billing", slug="billing", clone_url="https://example.com/billing.git"
    )


def test_a_user_creates_and_revokes_an_api_token(page: Any, admin_repository: Repository) -> None:
    sign_in(page, "adam", "adam-pass")
    page.click("text=API tokens")
    page.fill("input[name=name]", "GitHub Actions")
    page.click("text=Create token")
    token = page.inner_text("#token-value")
    assert token.startswith("aud_")
    screenshot(page, "integrations-token-created")
    page.reload()
    assert page.locator("#token-value").count() == 0
    page.click("text=Revoke")
    assert page.locator("text=revoked").count() >= 1
    screenshot(page, "integrations-token-list")


def test_an_admin_sets_and_pauses_a_schedule(page: Any, admin_repository: Repository) -> None:
    sign_in(page, "adam", "adam-pass")
    page.goto(f"/repositories/{admin_repository.pk}/")
    page.fill("input[name=cron]", "61 * * * *")
    page.click("text=Save schedule")
    assert "Invalid cron expression" in page.inner_text("#schedule")
    assert page.input_value("input[name=cron]") == "61 * * * *"  # kept, not reset to 0 2 * * *
    page.fill("input[name=cron]", "30 2 * * 1-5")
    page.click("text=Save schedule")
    assert "At 02:30 AM, Monday through Friday" in page.inner_text("#schedule")
    screenshot(page, "integrations-schedule")
    page.click("#schedule button:has-text('Pause')")
    assert "paused" in page.inner_text("#schedule")


def test_scan_page_exports_report_and_cancel(page: Any, admin_repository: Repository) -> None:
    make_scan(admin_repository, findings=3)
    scan = make_scan(admin_repository, findings=25, files_scanned=7, lines_scanned=1234)
    FileMetric.objects.create(
        scan=scan, path="app/module_3.py", language="python", sloc=321, complexity_max=27
    )
    sign_in(page, "adam", "adam-pass")
    page.goto(f"/scans/{scan.pk}/?severity=critical")
    href = page.get_attribute("#scan-actions a:has-text('CSV')", "href")
    assert href.endswith("export.csv?severity=critical")
    with page.expect_download() as download:
        page.click("#scan-actions a:has-text('SARIF')")
    assert download.value.suggested_filename == f"scan-{scan.pk}-findings.sarif.json"
    screenshot(page, "integrations-scan-actions")
    page.click("text=Printable report")
    assert page.locator("h2:has-text('Riskiest files')").count() == 1
    screenshot(page, "integrations-report")

    running = Scan.objects.create(repository=admin_repository, branch="main", status=ScanStatus.SCANNING)
    page.goto(f"/scans/{running.pk}/")
    screenshot(page, "integrations-scan-running")
    page.click("text=Cancel scan")
    page.wait_for_load_state("networkidle")
    assert "cancelled" in page.inner_text("#scan-status").lower()
    running.refresh_from_db()
    assert running.status == ScanStatus.CANCELLED


def test_the_api_docs_page_renders(page: Any, admin_repository: Repository) -> None:
    sign_in(page, "adam", "adam-pass")
    page.goto("/api/docs/")
    page.wait_for_selector("text=/api/v1/repositories/", timeout=15_000)
    screenshot(page, "integrations-api-docs")
    schedule_save(repository=admin_repository, actor=None, kind="interval", interval_minutes=30)


def test_the_team_report_page(page: Any, admin_repository: Repository) -> None:
    from auditor.services.lifecycle import scan_lifecycle_compute

    for count in (6, 14):
        scan_lifecycle_compute(make_scan(admin_repository, findings=count))
    sign_in(page, "adam", "adam-pass")
    page.click("text=Reports")
    page.wait_for_load_state()  # the period picker's script runs once the page has loaded
    assert page.locator("h1:has-text('Payments — last 30 days')").count() == 1
    page.select_option("select[name=days]", "90")
    page.wait_for_selector("h1:has-text('last 90 days')")
    screenshot(page, "integrations-team-report")
