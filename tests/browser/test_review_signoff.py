"""A reviewer signs a scan's checklist end to end; an admin looks after contract, members,
settings and the audit trail."""

from __future__ import annotations

from typing import Any

import pytest

from auditor.models import (
    Category,
    Membership,
    Repository,
    Review,
    Role,
    Scan,
    Severity,
    SignOff,
    Team,
)
from tests.auditor.reviews_factories import F, make_scan
from tests.browser.conftest import screenshot, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def scanned(django_user_model: Any) -> Scan:
    team = Team.objects.create(name="Payments", slug="payments")
    for name, role in (("rita", Role.REVIEWER), ("adam", Role.ADMIN), ("vera", Role.VIEWER)):
        user = django_user_model.objects.create_user(username=name, password=f"{name}-pass")
        Membership.objects.create(user=user, team=team, role=role)
    repository = Repository.objects.create(
        team=team, name="billing", slug="billing", clone_url="https://example.com/billing.git"
    )
    files = [
        ("billing/api.py", 6),
        ("billing/export.py", 23),
        ("billing/client.py", 4),
        ("billing/models.py", 2),
    ]
    # An earlier clean scan, so that only part of the latest one is new.
    make_scan(repository, [], files=files, commit="1111111111aaaaaaaaaa")
    scan = make_scan(
        repository,
        [
            F("AI101", Category.CONTEXT, Severity.HIGH, "billing/api.py", "imp"),
            F("AI303", Category.HAPPY_PATH, Severity.MEDIUM, "billing/client.py", "timeout"),
            F("AI501", Category.OBSERVABILITY, Severity.MEDIUM, "billing/export.py", "log"),
        ],
        files=files,
        commit="0123456789abcdef0123456789abcdef01234567",
    )
    Scan.objects.filter(pk=scan.pk).update(
        files_scanned=4,
        findings_total=3,
        severity_counts={"high": 1, "medium": 2},
        category_counts={"context": 1, "happy-path": 1, "observability": 1},
        finished_at=scan.created_at,
        started_at=scan.created_at,
    )
    return scan


def _decide(page: Any, item_text: str, decision: str) -> None:
    item = page.locator(".check-item", has_text=item_text)
    item.locator(f"input[type=radio][value='{decision}']").check()


def test_a_reviewer_signs_the_checklist_end_to_end(page: Any, scanned: Scan) -> None:
    sign_in(page, "rita", "rita-pass")
    page.goto(f"/scans/{scanned.pk}/")
    assert page.locator(".review-strip").get_by_text("Gate failed").is_visible()
    screenshot(page, "review-01-scan-page-gate")

    page.click("text=Open review checklist")
    page.wait_for_load_state("networkidle")
    imports = page.locator(".check-item", has_text="All imports resolve to existing modules")
    assert "1 open finding contradicts this" in imports.inner_text()
    assert "billing/api.py:1" in imports.inner_text()
    complexity = page.locator(".check-item", has_text="Code complexity is acceptable")
    assert "1 file over the complexity threshold" in complexity.inner_text()
    screenshot(page, "review-02-checklist")

    critical = [
        "All imports resolve to existing modules",
        "No deprecated APIs are used",
        "Error handling covers network failures, timeouts, and null values",
        "Input validation exists for all external data",
        "Sensitive data is not logged",
        "No hardcoded credentials or secrets",
    ]
    for text in critical:
        _decide(page, text, "pass")
    _decide(page, "Circuit breakers protect against cascading failures", "n/a")
    page.click("button:has-text('Record sign-offs')")
    page.wait_for_load_state("networkidle")
    # Three passes contradict the evidence: nothing recorded, each item says what is missing.
    assert page.locator(".check-item.has-error").count() == 3
    assert SignOff.objects.count() == 0
    screenshot(page, "review-03-justification-required")

    page.locator(".check-item", has_text=critical[0]).locator("textarea").fill(
        "billing.utils.validation is generated at build time (see ADR-12)."
    )
    page.locator(".check-item", has_text=critical[2]).locator("textarea").fill(
        "The client is only called from a job with its own timeout."
    )
    page.locator(".check-item", has_text=critical[4]).locator("textarea").fill(
        "The logged value is a masked card suffix."
    )
    page.click("button:has-text('Record sign-offs')")
    page.wait_for_load_state("networkidle")
    assert page.locator("#approval").inner_text().startswith("Approved")
    assert "generated at build time" in page.locator("#timeline").inner_text()
    assert Review.objects.get(scan=scanned).approved
    assert SignOff.objects.count() == 7
    screenshot(page, "review-04-approved")

    page.goto(f"/repositories/{scanned.repository_id}/")
    assert page.locator("#trust").is_visible()
    screenshot(page, "review-05-repository-trust")


def test_an_admin_edits_the_contract_and_reads_the_audit_trail(page: Any, scanned: Scan) -> None:
    sign_in(page, "adam", "adam-pass")
    page.goto("/reviews/")
    screenshot(page, "review-06-index")
    page.goto("/teams/payments/contract/")
    section = page.locator("section.card", has_text="Style checks")
    section.locator("summary:has-text('Add an item')").click()
    form = section.locator("details[open] form.item-form")
    form.locator("input[name=text]").fill("Generated code is marked with an AI-authored comment")
    form.locator("button[type=submit]").click()
    page.wait_for_load_state("networkidle")
    assert "Contract version 2 saved" in page.locator(".messages").inner_text()
    screenshot(page, "review-07-contract")

    page.goto("/teams/payments/members/")
    page.fill("#add_username", "nobody")
    page.click("button:has-text('Add')")
    page.wait_for_load_state("networkidle")
    # Inline, beside the field, with what was typed kept.
    assert "No account is called" in page.locator("form[action$='/members/add/']").inner_text()
    assert page.input_value("#add_username") == "nobody"
    screenshot(page, "review-08-members")

    page.goto("/teams/payments/settings/")
    page.fill("input[name=required_reviewers]", "2")
    page.click("button:has-text('Save settings')")
    page.wait_for_load_state("networkidle")
    screenshot(page, "review-09-settings")

    page.goto("/teams/payments/audit/")
    body = page.locator("table.audit").inner_text()
    assert "Revised the review contract" in body
    assert "Changed the team's settings" in body
    screenshot(page, "review-10-audit-trail")
