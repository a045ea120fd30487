"""A person signs in, finds the repository, triggers a scan and reads its findings."""

from __future__ import annotations

from typing import Any

import pytest

from auditor.models import Finding, Membership, Repository, Role, Scan, ScanStatus, Team
from tests.browser.conftest import screenshot, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def scanned(django_user_model: Any) -> Scan:
    user = django_user_model.objects.create_user(username="rita", password="rita-pass")
    team = Team.objects.create(name="Payments", slug="payments")
    Membership.objects.create(user=user, team=team, role=Role.REVIEWER)
    repository = Repository.objects.create(
        team=team, name="billing", slug="billing", clone_url="https://example.com/billing.git"
    )
    scan = Scan.objects.create(
        repository=repository,
        branch="main",
        status=ScanStatus.SUCCEEDED,
        commit_sha="0123456789abcdef0123456789abcdef01234567",
        commit_message="Add billing export",
        files_scanned=12,
        lines_scanned=840,
        findings_total=3,
        severity_counts={"high": 2, "medium": 1},
        category_counts={"security": 1, "context": 1, "happy-path": 1},
    )
    rows = [
        ("B602", "security", 3, "billing/export.py", 41, "subprocess call with shell=True identified"),
        (
            "AI101",
            "context",
            3,
            "billing/api.py",
            3,
            "`billing.utils.validation` does not exist in this repository",
        ),
        ("AI303", "happy-path", 2, "billing/client.py", 17, "requests.get() without a timeout"),
    ]
    for i, (rule, category, severity, path, line, message) in enumerate(rows):
        Finding.objects.create(
            scan=scan,
            rule_id=rule,
            scanner="x",
            category=category,
            severity=severity,
            confidence=2,
            path=path,
            line=line,
            end_line=line,
            message=message,
            snippet="<b>not bold</b>",
            fingerprint=f"fp{i}",
        )
    return scan


def test_a_reviewer_reads_a_scan_and_narrows_its_findings(page: Any, scanned: Scan) -> None:
    sign_in(page, "rita", "rita-pass")
    page.goto("/repositories/")  # signing in lands on the team overview
    assert page.locator("h1").inner_text() == "Repositories"
    screenshot(page, "repositories")

    page.click("text=billing")
    page.click(f"a[href='/scans/{scanned.pk}/']")
    assert page.locator("h1").inner_text() == f"Scan #{scanned.pk}"
    assert page.locator("table.findings tbody tr").count() == 3
    # Repository content is shown as text, never as markup.
    assert page.locator("pre.snippet").first.inner_text() == "<b>not bold</b>"
    screenshot(page, "scan")

    page.select_option("select[name=category]", "context")
    page.click("form.filters button[type=submit]")
    rows = page.locator("table.findings tbody tr")
    assert rows.count() == 1
    assert "AI101" in rows.first.inner_text()
    assert "category=context" in page.url


def test_a_reviewer_triggers_a_scan_and_sees_it_queued(page: Any, scanned: Scan) -> None:
    sign_in(page, "rita", "rita-pass")
    page.goto(f"/repositories/{scanned.repository_id}/")
    page.click("text=Scan now")
    page.wait_for_load_state("networkidle")
    newest = Scan.objects.order_by("-id").first()
    assert newest is not None
    assert newest.pk != scanned.pk
    assert page.locator("h1").inner_text() == f"Scan #{newest.pk}"
    assert "queued" in page.locator(".message").inner_text()
    assert page.locator("#scan-status[data-poll-url]").count() == 1
