"""The triage decision: a reason for every decision, in the service (so the bulk action and
any script are held to it), and a form that keeps what was typed and says what is wrong
beside each field instead of resetting to a dismissal."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from auditor.models import AuditEvent, Repository, TrackedFinding, Triage, TriageStatus
from auditor.services.triage import TriageDecision, TriageError, triage_bulk, triage_set
from tests.auditor.conftest import Personas
from tests.auditor.counts_fixture import CountsWorld, signed_in
from tests.auditor.dashboard_factories import ingest


@pytest.mark.parametrize("status", TriageStatus.values)
def test_every_decision_needs_a_reason(personas: Personas, repository: Repository, status: str) -> None:
    ingest(repository, [("B602", "a.py", 5, "fp1", 3)])
    with pytest.raises(TriageError) as raised:
        triage_set(
            repository=repository,
            fingerprint="fp1",
            status=status,
            reason="  ",
            expires_at=None,
            actor=personas.reviewer,
        )
    assert set(raised.value.errors) == {"reason"}
    assert not Triage.objects.exists()
    assert TrackedFinding.objects.get().triage_status == ""


def test_no_decision_is_an_error_not_a_default(personas: Personas, repository: Repository) -> None:
    with pytest.raises(TriageError) as raised:
        triage_set(
            repository=repository,
            fingerprint="fp1",
            status="",
            reason="x",
            expires_at=None,
            actor=personas.reviewer,
        )
    assert raised.value.errors == {"status": "Choose a decision."}


def test_a_failed_triage_keeps_what_was_typed(personas: Personas, repository: Repository) -> None:
    ingest(repository, [("B602", "a.py", 5, "fp1", 3)])
    tracked = TrackedFinding.objects.get()
    client = signed_in(personas.reviewer)
    page = client.get(reverse("finding-detail", args=[tracked.pk])).content.decode()
    # Nothing preselected on an untriaged finding: the empty choice is the selected one.
    assert re.search(r'<option value="" selected>Choose a decision', page)
    assert not re.search(r'<option value="(false_positive|accepted_risk|wont_fix)" selected', page)

    past = (timezone.localdate() - timedelta(days=2)).isoformat()
    response = client.post(
        reverse("finding-triage", args=[tracked.pk]),
        {"status": "wont_fix", "reason": "Vendored <code>, upstream owns it", "expires_at": past},
    )
    assert response.status_code == 400
    body = response.content.decode()
    assert '<option value="wont_fix" selected>' in body
    assert "Vendored &lt;code&gt;, upstream owns it</textarea>" in body  # kept, escaped
    assert f'value="{past}"' in body
    assert re.search(r'data-testid="error-expires_at">Only an accepted risk can expire\.<', body)
    assert 'aria-invalid="true" aria-describedby="err-expires"' in body
    assert not Triage.objects.exists()


def test_bulk_triage_of_selected_rows_and_of_a_filter(personas: Personas, counts_world: CountsWorld) -> None:
    client = signed_in(personas.reviewer)
    billing = counts_world.billing
    a, d = (
        TrackedFinding.objects.get(repository=billing, branch="main", fingerprint=fp)
        for fp in ("fp-A", "fp-D")
    )
    events = AuditEvent.objects.filter(action="finding.triaged").count()
    response = client.post(
        reverse("finding-triage-bulk"),
        {
            "tracked": [a.pk, d.pk],
            "scope": "selected",
            "status": "false_positive",
            "reason": "Test fixtures only",
        },
    )
    assert response.status_code == 302
    assert set(Triage.objects.filter(reason="Test fixtures only").values_list("fingerprint", flat=True)) == {
        "fp-A",
        "fp-D",
    }
    assert AuditEvent.objects.filter(action="finding.triaged").count() == events + 2
    # All the ledger's open findings through its filter, one reason.
    response = client.post(
        reverse("finding-triage-bulk"),
        {
            "repository": counts_world.ledger.pk,
            "scope": "filter",
            "status": "wont_fix",
            "reason": "Retired service",
        },
    )
    assert response["Location"] == f"/findings/?repository={counts_world.ledger.pk}"
    assert set(
        Triage.objects.filter(repository=counts_world.ledger).values_list("fingerprint", flat=True)
    ) == {
        "fp-P",
        "fp-Q",
    }
    listing = client.get(response["Location"]).content.decode()
    assert re.search(r'data-testid="status-open">\s*0\s*<', listing)
    assert "2 findings triaged." in listing


def test_bulk_triage_is_all_or_nothing(personas: Personas, counts_world: CountsWorld) -> None:
    client = signed_in(personas.reviewer)
    before = Triage.objects.count()
    response = client.post(
        reverse("finding-triage-bulk"),
        {"scope": "filter", "status": "false_positive", "reason": ""},
        follow=True,
    )
    body = response.content.decode()
    assert '<option value="false_positive" selected>' in body  # the bulk form keeps the decision
    assert 'data-testid="error-reason"' in body
    assert Triage.objects.count() == before
    # A viewer cannot, whatever he selects.
    viewer = signed_in(personas.viewer)
    viewer.post(reverse("finding-triage-bulk"), {"scope": "filter", "status": "wont_fix", "reason": "x"})
    assert Triage.objects.count() == before


def test_bulk_triage_never_reaches_another_team(personas: Personas, counts_world: CountsWorld) -> None:
    other = Repository.objects.create(
        team=personas.other_team, name="search", slug="search", clone_url="https://example.com/s.git"
    )
    ingest(other, [("B602", "s.py", 1, "fp-S", 3)])
    outsider_row = TrackedFinding.objects.get(repository=other)
    with pytest.raises(TriageError):
        triage_bulk(
            identities=TrackedFinding.objects.filter(pk=outsider_row.pk),
            decision=TriageDecision("wont_fix", "x"),
            actor=personas.reviewer,
        )
    signed_in(personas.reviewer).post(
        reverse("finding-triage-bulk"),
        {"tracked": [outsider_row.pk], "scope": "selected", "status": "wont_fix", "reason": "x"},
    )
    assert not Triage.objects.filter(repository=other).exists()
