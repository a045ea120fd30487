"""Triage: applies to later scans by fingerprint, survives line moves, expires, is audited."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from auditor.models import AuditEvent, Repository, TrackedFinding, Triage, TriageStatus
from auditor.selectors.finding_filters import FindingFilters
from auditor.selectors.findings import finding_list
from auditor.selectors.scans import finding_queryset
from auditor.services.triage import TriageError, triage_clear, triage_set
from tests.auditor.conftest import Personas
from tests.auditor.dashboard_factories import ingest

pytestmark = pytest.mark.django_db


def _listed(user: object, **query: str) -> list[str]:
    listing = finding_list(user, FindingFilters.from_query(query), 1)  # type: ignore[arg-type]
    return [t.fingerprint for t in listing.page.object_list]


def test_a_triage_survives_a_line_shift_and_hides_the_finding_in_later_scans(
    personas: Personas, repository: Repository
) -> None:
    ingest(repository, [("B602", "a.py", 5, "fp1", 3), ("B404", "a.py", 1, "fp2", 1)])
    triage_set(
        repository=repository,
        fingerprint="fp1",
        status=TriageStatus.FALSE_POSITIVE,
        reason="test input only",
        expires_at=None,
        actor=personas.reviewer,
    )
    later = ingest(repository, [("B602", "a.py", 25, "fp1", 3), ("B404", "a.py", 1, "fp2", 1)])

    assert _listed(personas.viewer) == ["fp2"]
    assert _listed(personas.viewer, status="triaged") == ["fp1"]
    assert list(finding_queryset(later, FindingFilters()).values_list("fingerprint", flat=True)) == ["fp2"]
    shown = finding_queryset(later, FindingFilters(triaged="1")).values_list("fingerprint", flat=True)
    assert set(shown) == {"fp1", "fp2"}


def test_an_accepted_risk_expires_on_time_and_reopens(
    personas: Personas, repository: Repository, monkeypatch: pytest.MonkeyPatch
) -> None:
    ingest(repository, [("B602", "a.py", 5, "fp1", 3)])
    today = timezone.localdate()
    triage_set(
        repository=repository,
        fingerprint="fp1",
        status=TriageStatus.ACCEPTED_RISK,
        reason="legacy, tracked",
        expires_at=today + timedelta(days=3),
        actor=personas.reviewer,
    )
    assert _listed(personas.viewer) == []
    # Read time decides: on the expiry day it still holds, the day after it is open again,
    # with nothing written in between (the cached counts are keyed by the day too).
    monkeypatch.setattr(timezone, "localdate", lambda *args: today + timedelta(days=3))
    assert _listed(personas.viewer) == []
    monkeypatch.setattr(timezone, "localdate", lambda *args: today + timedelta(days=4))
    assert _listed(personas.viewer) == ["fp1"]
    later = ingest(repository, [("B602", "a.py", 6, "fp1", 3)])
    assert list(finding_queryset(later, FindingFilters()).values_list("fingerprint", flat=True)) == ["fp1"]


@pytest.mark.parametrize(
    ("status", "reason", "expires"),
    [
        (TriageStatus.ACCEPTED_RISK, "  ", None),
        (TriageStatus.FALSE_POSITIVE, "x", date(2100, 1, 1)),
        (TriageStatus.ACCEPTED_RISK, "x", date(2000, 1, 1)),
        ("bogus", "x", None),
    ],
)
def test_invalid_triage_is_refused(
    personas: Personas, repository: Repository, status: str, reason: str, expires: date | None
) -> None:
    with pytest.raises(TriageError):
        triage_set(
            repository=repository,
            fingerprint="fp",
            status=status,
            reason=reason,
            expires_at=expires,
            actor=personas.reviewer,
        )
    assert not Triage.objects.exists()


def test_every_change_is_an_audit_event_with_from_to_and_reason(
    personas: Personas, repository: Repository
) -> None:
    ingest(repository, [("B602", "a.py", 5, "fp1", 3)])
    triage_set(
        repository=repository,
        fingerprint="fp1",
        status=TriageStatus.WONT_FIX,
        reason="vendored",
        expires_at=None,
        actor=personas.reviewer,
    )
    triage_set(
        repository=repository,
        fingerprint="fp1",
        status=TriageStatus.ACCEPTED_RISK,
        reason="until rewrite",
        expires_at=timezone.localdate() + timedelta(days=30),
        actor=personas.admin,
    )
    assert triage_clear(repository=repository, fingerprint="fp1", actor=personas.admin)
    events = list(AuditEvent.objects.order_by("id").values_list("actor_name", "action", "details"))
    assert [(a, act, d["from"], d["to"], d["reason"]) for a, act, d in events] == [
        ("rita", "finding.triaged", "open", "wont_fix", "vendored"),
        ("adam", "finding.triaged", "wont_fix", "accepted_risk", "until rewrite"),
        ("adam", "finding.untriaged", "accepted_risk", "open", ""),
    ]
    assert TrackedFinding.objects.get().triage_status == ""


def test_only_reviewers_and_admins_can_triage(
    personas: Personas, repository: Repository, client: Client
) -> None:
    ingest(repository, [("B602", "a.py", 5, "fp1", 3)])
    tracked = TrackedFinding.objects.get()
    url = reverse("finding-triage", args=[tracked.pk])
    body = {"status": TriageStatus.FALSE_POSITIVE, "reason": "no"}
    client.force_login(personas.viewer)
    assert client.post(url, body).status_code == 403
    client.force_login(personas.outsider)
    assert client.post(url, body).status_code == 404
    client.force_login(personas.reviewer)
    response = client.post(url, body)
    assert response.status_code == 302
    assert Triage.objects.get().status == TriageStatus.FALSE_POSITIVE
    response = client.post(url, {"status": TriageStatus.ACCEPTED_RISK, "reason": ""})
    assert response.status_code == 400
    assert "Give the reason for this decision" in response.content.decode()
    assert Triage.objects.get().status == TriageStatus.FALSE_POSITIVE  # nothing was saved
