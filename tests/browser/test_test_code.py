"""A reviewer sees which findings are in test code and narrows the scan page to them."""

from __future__ import annotations

from typing import Any

import pytest

from auditor.models import Finding, Membership, Repository, Role, Scan, ScanStatus, Team
from tests.browser.conftest import screenshot, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_scan_page_marks_counts_and_filters_test_code(page: Any, django_user_model: Any) -> None:
    user = django_user_model.objects.create_user(username="rita", password="rita-pass")
    team = Team.objects.create(name="Payments", slug="payments")
    Membership.objects.create(user=user, team=team, role=Role.REVIEWER)
    repository = Repository.objects.create(team=team, name="billing", slug="billing", clone_url="https://x/b")
    scan = Scan.objects.create(
        repository=repository,
        branch="main",
        status=ScanStatus.SUCCEEDED,
        commit_sha="a" * 40,
        findings_total=2,
    )
    for i, (path, in_tests) in enumerate([("billing/client.py", False), ("tests/test_client.py", True)]):
        Finding.objects.create(
            scan=scan,
            rule_id="AI303",
            scanner="ai-rules",
            category="happy-path",
            severity=2 - in_tests,
            confidence=2,
            path=path,
            line=7,
            end_line=7,
            message="requests.get() without a timeout",
            snippet="requests.get(url)",
            fingerprint=f"fp{i}",
            in_tests=in_tests,
        )
    sign_in(page, "rita", "rita-pass")
    page.goto(f"/scans/{scan.pk}/")
    assert page.get_by_text("1 in test code").is_visible()
    assert page.locator("table.findings .badge", has_text="test code").count() == 1
    screenshot(page, "scan-test-code")
    page.select_option("select[name=tests]", "only")
    page.click("form.filters button[type=submit]")
    page.wait_for_load_state("networkidle")
    rows = page.locator("table.findings tbody tr")
    assert rows.count() == 1
    assert "tests/test_client.py:7" in rows.first.inner_text()
