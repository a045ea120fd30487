"""Every kind of page works under the site's Content-Security-Policy (the `page` fixture
fails a test on any violation chromium reports)."""

from __future__ import annotations

from typing import Any

import pytest
from django.contrib.auth.models import User

from auditor.models import Membership, Repository, Role, Team
from tests.auditor.dashboard_factories import ingest
from tests.browser.conftest import screenshot, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def scanned() -> dict[str, Any]:
    user = User.objects.create_user(username="lena", password="lena-pass")
    team = Team.objects.create(name="Payments", slug="payments")
    Membership.objects.create(user=user, team=team, role=Role.ADMIN)
    repository = Repository.objects.create(
        team=team, name="billing", slug="billing", clone_url="https://git.example.com/billing.git"
    )
    scan = ingest(
        repository, [("B602", "app/api.py", 12, "fp-shell", 4), ("AI303", "app/net.py", 3, "fp-t", 2)]
    )
    return {"team": team, "repository": repository, "scan": scan}


def test_the_pages_and_their_scripts_work_under_the_policy(page: Any, scanned: dict[str, Any]) -> None:
    sign_in(page, "lena", "lena-pass")
    repository, scan, team = scanned["repository"], scanned["scan"], scanned["team"]
    for url in [
        "/",
        "/findings/",
        "/trends/",
        f"/repositories/{repository.pk}/",
        f"/repositories/{repository.pk}/hotspots/",
        f"/scans/{scan.pk}/",
        f"/scans/{scan.pk}/file/?path=app/api.py",
        f"/scans/{scan.pk}/review/",
        f"/teams/{team.slug}/audit/",
        f"/teams/{team.slug}/settings/",
        "/rules/",
        f"/scans/{scan.pk}/report/",
    ]:
        response = page.goto(url)
        assert response.status == 200, url
        assert "script-src 'self'" in response.headers["content-security-policy"]
        page.wait_for_load_state("networkidle")

    # The team report's period picker submits itself: a script file, not an inline handler.
    page.goto(f"/reports/?team={team.pk}")
    with page.expect_navigation():
        page.select_option("select[name=days]", "7")
    assert "days=7" in page.url


def test_the_api_docs_load_swagger_ui_from_files(page: Any, scanned: dict[str, Any]) -> None:
    sign_in(page, "lena", "lena-pass")
    page.goto("/api/docs/")
    page.wait_for_selector(".swagger-ui .opblock", timeout=20_000)
    assert page.locator(".swagger-ui .opblock").count() > 5
    screenshot(page, "api-docs")


def test_the_django_admin_works_under_the_policy(page: Any) -> None:
    User.objects.create_superuser("root", "root@example.com", "root-pass-1")
    page.goto("/admin/login/")
    page.fill("#id_username", "root")
    page.fill("#id_password", "root-pass-1")
    page.click("input[type=submit]")
    page.wait_for_load_state("networkidle")
    for url in [
        "/admin/",
        "/admin/auditor/repository/",
        "/admin/auditor/repository/add/",
        "/admin/auth/user/1/change/",
    ]:
        assert page.goto(url).status == 200, url
        page.wait_for_load_state("networkidle")
