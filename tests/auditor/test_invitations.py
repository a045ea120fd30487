"""People in the app: admins invite colleagues (one-time set-password link), change
roles and remove members, never the last admin (issue 12b)."""

from __future__ import annotations

import re

import pytest
from django.contrib.auth.models import User
from django.core import mail
from django.core.exceptions import ValidationError
from django.test import Client

from auditor.models import AuditEvent, Membership, Role
from auditor.services.memberships import membership_change_role, membership_remove
from tests.auditor.conftest import Personas

pytestmark = pytest.mark.django_db

LINK = re.compile(r"http://testserver(/accounts/set-password/[^/]+/[^/]+/)")


def _client(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _invite(personas: Personas, **fields: str) -> tuple[Client, str]:
    client = _client(personas.admin)
    data = {"username": "nora", "email": "", "role": Role.REVIEWER, **fields}
    response = client.post(f"/teams/{personas.team.slug}/members/invite/", data, follow=True)
    return client, response.content.decode()


def test_an_invited_colleague_sets_a_password_once_and_signs_in(personas: Personas) -> None:
    _, page = _invite(personas)
    link = LINK.search(page)
    assert link is not None, page
    nora = User.objects.get(username="nora")
    assert not nora.has_usable_password()
    assert Membership.objects.get(user=nora).role == Role.REVIEWER
    assert "invited" in page
    event = AuditEvent.objects.get(action="membership.invited")
    assert event.details == {"user": "nora", "role": "reviewer", "email": ""}

    visitor = Client()
    form_page = visitor.get(link.group(1), follow=True)
    set_url = form_page.redirect_chain[-1][0]
    done = visitor.post(
        set_url, {"new_password1": "a-long-pass-phrase", "new_password2": "a-long-pass-phrase"}
    )
    assert done.status_code == 302
    assert done["Location"] == "/accounts/login/"
    signed_in = visitor.post("/accounts/login/", {"username": "nora", "password": "a-long-pass-phrase"})
    assert signed_in.status_code == 302
    assert visitor.get("/").status_code == 200

    again = Client().get(link.group(1), follow=True)
    assert "This link no longer works" in again.content.decode()


def test_the_link_is_shown_once_to_the_admin(personas: Personas) -> None:
    client, page = _invite(personas)
    assert LINK.search(page)
    assert not LINK.search(client.get(f"/teams/{personas.team.slug}/members/").content.decode())


def test_with_a_mail_server_the_link_is_emailed_not_shown(personas: Personas, settings) -> None:  # type: ignore[no-untyped-def]
    settings.EMAIL_CONFIGURED = True
    _, page = _invite(personas, email="nora@example.com")
    assert "the set-password link was e-mailed" in page
    assert not LINK.search(page)
    [message] = mail.outbox
    assert message.to == ["nora@example.com"]
    assert LINK.search(message.body)
    assert "adam created the account nora for you in the team Payments" in message.body


def test_a_failed_invitation_keeps_its_values_and_says_why(personas: Personas) -> None:
    response = _client(personas.admin).post(
        f"/teams/{personas.team.slug}/members/invite/",
        {"username": "rita", "email": "not-an-address", "role": Role.ADMIN},
    )
    page = response.content.decode()
    assert response.status_code == 400
    assert "Enter a valid email address." in page
    assert 'value="not-an-address"' in page
    assert 'value="rita"' in page
    assert '<option value="admin" selected>' in page
    taken = _client(personas.admin).post(
        f"/teams/{personas.team.slug}/members/invite/", {"username": "rita", "role": Role.VIEWER}
    )
    assert "An account called &#x27;rita&#x27; exists already" in taken.content.decode()
    assert User.objects.filter(username="rita").count() == 1


def test_only_admins_invite(personas: Personas) -> None:
    response = _client(personas.reviewer).post(
        f"/teams/{personas.team.slug}/members/invite/", {"username": "nora", "role": Role.ADMIN}
    )
    assert response.status_code == 403
    assert not User.objects.filter(username="nora").exists()
    assert _client(personas.outsider).get(f"/teams/{personas.team.slug}/members/").status_code == 404


def test_the_last_admin_can_be_neither_demoted_nor_removed(personas: Personas) -> None:
    admin = Membership.objects.get(user=personas.admin)
    with pytest.raises(ValidationError, match="A team needs at least one admin"):
        membership_change_role(
            team=personas.team, actor=personas.admin, membership_id=admin.pk, role=Role.VIEWER
        )
    with pytest.raises(ValidationError, match="A team needs at least one admin"):
        membership_remove(team=personas.team, actor=personas.admin, membership_id=admin.pk)
    response = _client(personas.admin).post(
        f"/teams/{personas.team.slug}/members/{admin.pk}/remove/", follow=True
    )
    assert "A team needs at least one admin" in response.content.decode()
    assert Membership.objects.get(pk=admin.pk).role == Role.ADMIN
    # With a second admin, the first may go.
    rita = Membership.objects.get(user=personas.reviewer)
    membership_change_role(team=personas.team, actor=personas.admin, membership_id=rita.pk, role=Role.ADMIN)
    membership_remove(team=personas.team, actor=personas.reviewer, membership_id=admin.pk)
    assert list(AuditEvent.objects.order_by("id").values_list("action", flat=True)) == [
        "membership.changed",
        "membership.removed",
    ]
