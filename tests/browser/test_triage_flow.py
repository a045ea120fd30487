"""A reviewer triages in the browser: a failed triage keeps what he typed and says what is
wrong beside the field; bulk triage of ticked rows and of everything a search matches."""

from __future__ import annotations

from typing import Any

import pytest

from auditor.models import Membership, Role, Team, TrackedFinding, Triage
from tests.auditor.counts_fixture import CountsWorld, build_counts_world
from tests.browser.conftest import screenshot, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def world(django_user_model: Any) -> CountsWorld:
    team = Team.objects.create(name="Payments", slug="payments")
    rita = django_user_model.objects.create_user(username="rita", password="rita-pass")
    Membership.objects.create(user=rita, team=team, role=Role.REVIEWER)
    return build_counts_world(team, rita)


def test_a_failed_triage_keeps_its_values(page: Any, world: CountsWorld) -> None:
    tracked = TrackedFinding.objects.get(repository=world.billing, branch="main", fingerprint="fp-A")
    sign_in(page, "rita", "rita-pass")
    page.goto(f"/findings/{tracked.pk}/")
    form = page.locator("[data-testid=triage-form]")
    assert form.locator("select[name=status]").input_value() == ""  # no dismissal preselected
    form.locator("select[name=status]").select_option("false_positive")
    form.locator("input[name=expires_at]").fill("2031-01-31")
    form.locator("button[type=submit]").click()
    page.wait_for_load_state("networkidle")
    screenshot(page, "triage-failed-form")
    form = page.locator("[data-testid=triage-form]")
    assert form.locator("select[name=status]").input_value() == "false_positive"
    assert form.locator("input[name=expires_at]").input_value() == "2031-01-31"
    assert "Give the reason" in page.locator("[data-testid=error-reason]").inner_text()
    assert "Only an accepted risk can expire" in page.locator("[data-testid=error-expires_at]").inner_text()
    assert not Triage.objects.filter(fingerprint="fp-A").exists()
    # Corrected, it saves.
    form.locator("input[name=expires_at]").fill("")
    form.locator("textarea[name=reason]").fill("The key is a documented test fixture")
    form.locator("button[type=submit]").click()
    page.wait_for_load_state("networkidle")
    assert Triage.objects.get(fingerprint="fp-A").reason == "The key is a documented test fixture"


def test_bulk_triage_of_ticked_rows_and_of_a_search(page: Any, world: CountsWorld) -> None:
    sign_in(page, "rita", "rita-pass")
    page.goto(f"/findings/?repository={world.billing.pk}&sort=path")
    rows = page.locator("[data-testid=findings-table] tbody tr")
    assert rows.count() == world.open_billing
    rows.nth(0).locator("input[type=checkbox]").check()  # app/a.py
    rows.nth(1).locator("input[type=checkbox]").check()  # app/d.py
    bulk = page.locator("[data-testid=bulk-triage]")
    bulk.locator("select[name=status]").select_option("wont_fix")
    screenshot(page, "bulk-triage-ticked")
    bulk.locator("button[value=selected]").click()
    page.wait_for_load_state("networkidle")
    # Nothing without a reason; the decision is kept.
    assert "Give the reason" in page.locator("[data-testid=error-reason]").inner_text()
    assert page.locator("[data-testid=bulk-triage] select[name=status]").input_value() == "wont_fix"
    assert not Triage.objects.filter(fingerprint__in=["fp-A", "fp-D"], status="wont_fix").exists()
    rows = page.locator("[data-testid=findings-table] tbody tr")
    rows.nth(0).locator("input[type=checkbox]").check()
    rows.nth(1).locator("input[type=checkbox]").check()
    page.locator("[data-testid=bulk-triage] input[name=reason]").fill("Legacy module, removed in Q3")
    page.locator("[data-testid=bulk-triage] button[value=selected]").click()
    page.wait_for_load_state("networkidle")
    assert "2 findings triaged." in page.content()
    assert set(
        Triage.objects.filter(reason="Legacy module, removed in Q3").values_list("fingerprint", flat=True)
    ) == {
        "fp-A",
        "fp-D",
    }
    assert page.locator("[data-testid=findings-table] tbody tr").count() == world.open_billing - 2

    # Everything a search matches, across repositories.
    page.goto("/findings/?q=src/")
    assert page.locator("[data-testid=findings-table] tbody tr").count() == 2
    bulk = page.locator("[data-testid=bulk-triage]")
    bulk.locator("select[name=status]").select_option("false_positive")
    bulk.locator("input[name=reason]").fill("Generated client code")
    bulk.locator("[data-testid=bulk-all]").click()
    page.wait_for_load_state("networkidle")
    screenshot(page, "bulk-triage-search")
    assert "2 findings triaged." in page.content()
    assert set(
        Triage.objects.filter(reason="Generated client code").values_list("fingerprint", flat=True)
    ) == {
        "fp-P",
        "fp-Q",
    }
    assert page.url.endswith("/findings/?q=src%2F")
