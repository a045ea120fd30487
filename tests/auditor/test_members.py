"""Membership management by admins, with every change in the audit trail."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse

from auditor.models import AuditEvent, Membership, Role
from auditor.services.memberships import membership_add, membership_change_role, membership_remove
from tests.auditor.conftest import Personas

pytestmark = pytest.mark.django_db


def test_admin_adds_changes_and_removes_a_member_through_the_pages(personas: Personas) -> None:
    c = Client()
    c.force_login(personas.admin)
    slug = personas.team.slug
    assert (
        c.post(reverse("member-add", args=[slug]), {"username": "otto", "role": "viewer"}).status_code == 302
    )
    m = Membership.objects.get(team=personas.team, user=personas.outsider)
    c.post(reverse("member-role", args=[slug, m.pk]), {"role": "reviewer"})
    m.refresh_from_db()
    assert m.role == Role.REVIEWER
    c.post(reverse("member-remove", args=[slug, m.pk]))
    assert not Membership.objects.filter(pk=m.pk).exists()
    actions = list(
        AuditEvent.objects.filter(team=personas.team).order_by("id").values_list("action", "details")
    )
    assert actions == [
        ("membership.added", {"user": "otto", "role": "viewer"}),
        ("membership.changed", {"user": "otto", "from": "viewer", "to": "reviewer"}),
        ("membership.removed", {"user": "otto", "role": "reviewer"}),
    ]


def test_the_last_admin_cannot_be_demoted_or_removed(personas: Personas) -> None:
    admin = Membership.objects.get(team=personas.team, user=personas.admin)
    with pytest.raises(ValidationError, match="at least one admin"):
        membership_change_role(
            team=personas.team, actor=personas.admin, membership_id=admin.pk, role="viewer"
        )
    with pytest.raises(ValidationError, match="at least one admin"):
        membership_remove(team=personas.team, actor=personas.admin, membership_id=admin.pk)
    assert not AuditEvent.objects.exists()


def test_unknown_users_duplicates_and_foreign_memberships_are_refused(personas: Personas) -> None:
    with pytest.raises(ValidationError, match="No account"):
        membership_add(team=personas.team, actor=personas.admin, username="ghost", role="viewer")
    with pytest.raises(ValidationError, match="already a member"):
        membership_add(team=personas.team, actor=personas.admin, username="vera", role="viewer")
    foreign = Membership.objects.get(user=personas.outsider)
    with pytest.raises(ValidationError, match="No such member"):
        membership_remove(team=personas.team, actor=personas.admin, membership_id=foreign.pk)
    c = Client()
    c.force_login(personas.admin)
    c.post(reverse("member-remove", args=[personas.team.slug, foreign.pk]))
    assert Membership.objects.filter(pk=foreign.pk).exists()


def test_members_page_lists_members_and_shows_controls_to_admins_only(personas: Personas) -> None:
    url = reverse("member-list", args=[personas.team.slug])
    c = Client()
    c.force_login(personas.viewer)
    body = c.get(url).content.decode()
    assert "adam" in body
    assert "otto" not in body
    assert "Add an existing account" not in body
    c.force_login(personas.admin)
    assert "Add an existing account" in c.get(url).content.decode()
