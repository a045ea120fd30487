"""The one way to write to the audit log."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.models import AnonymousUser, User
from django.db import models

from auditor.models import AuditEvent, Team
from auditor.services.revisions import team_changed


def audit_record(
    *,
    team: Team,
    actor: User | AnonymousUser | None,
    action: str,
    obj: models.Model,
    details: dict[str, Any] | None = None,
) -> AuditEvent:
    """Append one event: `actor` did `action` to `obj` in `team`. Call it inside the
    transaction of the change it records, so that both land or neither does."""
    user = actor if isinstance(actor, User) else None
    team_changed(team.pk)  # what is worth an audit event is shown on some page
    return AuditEvent.objects.create(
        team=team,
        actor=user,
        actor_name=user.get_username() if user else "system",
        action=action,
        object_type=obj._meta.label_lower,
        object_id=str(obj.pk),
        object_repr=str(obj)[:300],
        details=details or {},
    )
