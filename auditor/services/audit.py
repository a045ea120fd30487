"""The one way to write to the audit log."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.models import AnonymousUser, User
from django.db import models

from auditor.models import AuditEvent, Repository, Team
from auditor.services.revisions import repository_changed, repository_changed_by_scan, team_changed


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
    event = AuditEvent.objects.create(
        team=team,
        actor=user,
        actor_name=user.get_username() if user else "system",
        action=action,
        object_type=obj._meta.label_lower,
        object_id=str(obj.pk),
        object_repr=str(obj)[:300],
        details=details or {},
    )
    _pages_changed(team, obj)
    return event


def audit_record_many(
    *,
    team: Team,
    actor: User | AnonymousUser | None,
    action: str,
    records: list[tuple[models.Model, dict[str, Any]]],
) -> int:
    """`audit_record` for many objects of one change (a bulk triage): one event per
    object in one INSERT, and each page revision moved once, not once per event."""
    user = actor if isinstance(actor, User) else None
    name = user.get_username() if user else "system"
    AuditEvent.objects.bulk_create(
        [
            AuditEvent(
                team=team,
                actor=user,
                actor_name=name,
                action=action,
                object_type=obj._meta.label_lower,
                object_id=str(obj.pk),
                object_repr=str(obj)[:300],
                details=details,
            )
            for obj, details in records
        ],
        batch_size=1000,
    )
    for obj in {getattr(o, "repository_id", None): o for o, _ in records}.values():
        _pages_changed(team, obj)
    return len(records)


def _pages_changed(team: Team, obj: models.Model) -> None:
    """What is worth an audit event is shown on some page: move the revisions of the
    repository the object belongs to (a repository, or anything with a repository or a
    scan), or of the whole team (settings, contract, members)."""
    if isinstance(obj, Repository):
        repository_changed(obj.pk)
    elif getattr(obj, "repository_id", None) is not None:
        repository_changed(obj.repository_id)  # type: ignore[attr-defined]
    elif getattr(obj, "scan_id", None) is not None:
        repository_changed_by_scan(obj.scan_id)  # type: ignore[attr-defined]
    else:
        team_changed(team.pk)
