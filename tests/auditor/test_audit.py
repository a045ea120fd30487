"""The audit log is append-only and records the state changes made so far."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from auditor.models import AppendOnlyError, AuditEvent, Repository
from auditor.services.audit import audit_record
from tests.auditor.conftest import Personas

pytestmark = pytest.mark.django_db


def test_events_cannot_be_updated_or_deleted_through_any_orm_path(
    personas: Personas, repository: Repository
) -> None:
    event = audit_record(
        team=personas.team, actor=personas.admin, action="repository.changed", obj=repository
    )
    event.action = "rewritten"
    with pytest.raises(AppendOnlyError):
        event.save()
    with pytest.raises(AppendOnlyError):
        event.delete()
    with pytest.raises(AppendOnlyError):
        AuditEvent.objects.filter(pk=event.pk).update(action="rewritten")
    with pytest.raises(AppendOnlyError):
        AuditEvent.objects.filter(pk=event.pk).delete()
    stored = AuditEvent.objects.get(pk=event.pk)
    assert (stored.action, stored.actor_name, stored.object_type) == (
        "repository.changed",
        "adam",
        "auditor.repository",
    )


def test_triggering_a_scan_from_the_page_is_recorded(personas: Personas, repository: Repository) -> None:
    client = Client()
    client.force_login(personas.reviewer)
    client.post(reverse("scan-create", args=[repository.pk]))
    event = AuditEvent.objects.get()
    assert (event.team, event.actor, event.action) == (personas.team, personas.reviewer, "scan.triggered")
    assert event.details == {"trigger": "manual", "branch": "main", "repository": "billing"}


def test_a_refused_scan_trigger_records_nothing(personas: Personas, repository: Repository) -> None:
    client = Client()
    client.force_login(personas.viewer)
    client.post(reverse("scan-create", args=[repository.pk]))
    assert not AuditEvent.objects.exists()
