"""Issue 12's "done when", in a real browser: on a fresh embedded set-up (the demo), the
demo user adds a second repository whose default branch is `master` and invites a
colleague, who sets a password from the one-time link and signs in; all in the browser."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from auditor.models import AuditEvent, Membership, Repository, Role
from auditor.services.demo import DEMO_PASSWORD, DEMO_USERNAME, demo_create
from tests.browser.conftest import screenshot, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def demo(repos_root: Path, settings: Any) -> Repository:
    settings.DATABASE_URL = ""  # the embedded default's demo, here on the test database
    return demo_create().repository


def test_a_new_user_adds_a_master_repository_and_a_colleague_in_the_browser(
    page: Any, demo: Repository, git_repo_factory: Any
) -> None:
    legacy = git_repo_factory(
        "legacy", {"app.py": "import requests\nrequests.get('https://x')\n"}, branch="master"
    )
    sign_in(page, DEMO_USERNAME, DEMO_PASSWORD)

    # A repository: from the list, the branch left empty so that it is read from HEAD.
    page.click("nav.topnav >> text=Repositories")
    page.click("text=Add repository")
    page.fill("#id_name", "legacy")
    page.fill("#id_clone_url", "http://example.com/legacy.git")
    page.click("button:has-text('Add repository')")
    assert "plain http:// is not allowed; use https://" in page.inner_text("main form")
    assert page.input_value("#id_name") == "legacy"  # the failed form kept its values
    screenshot(page, "admin-add-repository-error")
    page.fill("#id_clone_url", str(legacy))
    page.click("button:has-text('Add repository')")
    page.wait_for_url("**/repositories/*/")
    assert "legacy added (default branch master)" in page.inner_text(".messages")
    assert "branch master" in page.inner_text(".page-head")
    screenshot(page, "admin-repository-added")
    repository = Repository.objects.get(name="legacy")
    assert (repository.default_branch, repository.team_id) == ("master", demo.team_id)

    page.click(".page-head >> text=Settings")
    page.click("button:has-text('Check access')")
    assert "Access works: 1 branch(es); the remote's default branch is master." in page.inner_text(
        ".messages"
    )
    screenshot(page, "admin-repository-settings")

    # A colleague: invited from the team's members page, reached from the nav.
    page.click("nav.topnav >> text=Members")
    page.fill("#invite_username", "nora")
    page.select_option("#invite_role", Role.REVIEWER)
    page.click("button:has-text('Create account and invite')")
    link = page.inner_text("[data-testid=invite-link]")
    assert "/accounts/set-password/" in link
    screenshot(page, "admin-member-invited")
    page.click("button:has-text('Sign out')")

    page.goto(link)
    page.fill("#id_new_password1", "correct-horse-battery")
    page.fill("#id_new_password2", "correct-horse-battery")
    screenshot(page, "admin-set-password")
    page.click("button:has-text('Set password')")
    assert "Password set" in page.inner_text(".messages")
    sign_in(page, "nora", "correct-horse-battery")
    page.click("nav.topnav >> text=Repositories")
    assert page.locator("table >> text=legacy").count() == 1
    assert Membership.objects.get(user__username="nora").role == Role.REVIEWER
    assert {"repository.created", "repository.access_checked", "membership.invited"} <= set(
        AuditEvent.objects.values_list("action", flat=True)
    )
