"""What sign-in failures leave in the audit trail of every team the account belongs to."""

from __future__ import annotations

from django.contrib.auth.models import User
from django.db import transaction

from auditor.models import Team
from auditor.services.audit import audit_record


def sign_in_failure_record(*, username: str, ip_address: str | None, locked_out: bool) -> int:
    """Record a failed sign-in (or the lockout it caused) of `username` in each of its teams;
    how many events were written. Unknown usernames have no team and leave none."""
    user = User.objects.filter(username=username).first()
    if user is None:
        return 0
    teams = list(Team.objects.filter(memberships__user=user).order_by("pk"))
    action = "auth.locked_out" if locked_out else "auth.login_failed"
    with transaction.atomic():
        for team in teams:
            audit_record(team=team, actor=None, action=action, obj=user, details={"ip": ip_address or ""})
    return len(teams)
