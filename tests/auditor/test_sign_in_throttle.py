"""Sign-in throttling: five failures from one address lock that account there, with audit events."""

from __future__ import annotations

import pytest
from django.test import Client

from auditor.models import AuditEvent
from tests.auditor.conftest import Personas

pytestmark = pytest.mark.django_db


def _sign_in(
    username: str, password: str, address: str = "198.51.100.7", url: str = "/accounts/login/"
) -> int:
    response = Client(REMOTE_ADDR=address).post(url, {"username": username, "password": password})
    return response.status_code


def test_five_failures_lock_the_account_from_that_address_even_for_the_right_password(
    personas: Personas,
) -> None:
    statuses = [_sign_in("vera", f"wrong-{i}") for i in range(5)]
    locked = Client(REMOTE_ADDR="198.51.100.7").post(
        "/accounts/login/", {"username": "vera", "password": "pw-vera"}
    )

    assert statuses[:4] == [200, 200, 200, 200]  # the form again, with its error
    assert statuses[4] == 429
    assert locked.status_code == 429
    assert "Too many failed sign-ins for <strong>vera</strong>" in locked.content.decode()
    assert "_auth_user_id" not in locked.client.session
    failed = AuditEvent.objects.filter(team=personas.team, action="auth.login_failed")
    assert failed.count() == 6  # five wrong passwords and the right one, refused while locked
    assert (
        AuditEvent.objects.filter(team=personas.team, action="auth.locked_out").count() == 2
    )  # the lockout, and the attempt refused during it
    assert failed.first().details == {"ip": "198.51.100.7"}  # type: ignore[union-attr]


def test_the_lockout_holds_for_that_account_and_address_only(personas: Personas) -> None:
    for i in range(5):
        _sign_in("vera", f"wrong-{i}")

    assert _sign_in("vera", "pw-vera", address="203.0.113.9") == 302  # the same account elsewhere
    assert _sign_in("rita", "pw-rita") == 302  # another account from the same address


def test_the_admin_site_is_throttled_too(personas: Personas) -> None:
    for i in range(5):
        _sign_in("adam", f"wrong-{i}", url="/admin/login/")

    assert _sign_in("adam", "pw-adam", url="/admin/login/") == 429


def test_a_success_before_the_limit_starts_the_count_again(personas: Personas) -> None:
    for i in range(4):
        _sign_in("vera", f"wrong-{i}")
    assert _sign_in("vera", "pw-vera") == 302
    for i in range(4):
        _sign_in("vera", f"again-{i}")

    assert _sign_in("vera", "pw-vera") == 302
    assert not AuditEvent.objects.filter(action="auth.locked_out").exists()


def test_unknown_usernames_leave_no_audit_event(personas: Personas) -> None:
    _sign_in("nobody", "x")

    assert not AuditEvent.objects.filter(action__startswith="auth.").exists()
