from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models

from auditor.models.teams import Team


class AppendOnlyError(Exception):
    """Raised on any attempt to change or delete a row of an append-only log."""


class AppendOnlyQuerySet(models.QuerySet["AuditEvent"]):
    def update(self, **kwargs: Any) -> int:
        raise AppendOnlyError("audit events are append-only")

    def delete(self) -> tuple[int, dict[str, int]]:
        raise AppendOnlyError("audit events are append-only")


class AuditEvent(models.Model):
    """Who did what to which object, when. Never updated, never deleted."""

    team = models.ForeignKey(Team, on_delete=models.PROTECT, related_name="audit_events")
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    # The actor's username at the time, kept even if the account is renamed.
    actor_name = models.CharField(max_length=150, blank=True)
    action = models.CharField(max_length=64)  # namespaced: "repository.created", "finding.triaged", …
    object_type = models.CharField(max_length=64)
    object_id = models.CharField(max_length=64)
    object_repr = models.CharField(max_length=300, blank=True)
    details = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    objects = AppendOnlyQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [
            # The team's audit page, newest first, optionally filtered by action.
            models.Index(fields=["team", "-created_at"], name="audit_team_created_idx"),
            models.Index(fields=["team", "action", "-created_at"], name="audit_team_action_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.actor_name or 'system'} {self.action} {self.object_type}:{self.object_id}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.pk is not None:
            raise AppendOnlyError("audit events are append-only")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> tuple[int, dict[str, int]]:
        raise AppendOnlyError("audit events are append-only")
