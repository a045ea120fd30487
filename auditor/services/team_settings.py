"""Writes for a team's review settings (reviewers needed, trust thresholds, gate conditions)."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.models import AnonymousUser, User
from django.core.exceptions import ValidationError
from django.db import transaction

from auditor.models import Repository, Team, TeamSettings
from auditor.services.audit import audit_record
from auditor.services.gate import gate_refresh_latest
from auditor.services.reviews import reviews_reapprove_latest
from auditor.services.trust import trust_relevel_team

EDITABLE_FIELDS = (
    "required_reviewers",
    "trust_monitored_after",
    "trust_trusted_after",
    "complexity_threshold",
    "gate_block_new_findings",
    "gate_new_severity",
    "gate_block_new_context",
    "gate_require_review",
    "hide_test_findings",
    "registry_lookup",
    "provenance_history_commits",
    "ai_quarantine_share",
    "gate_ai_new_only",
    "ai_review_above_percent",
)


def team_settings_update(
    *, team: Team, actor: User | AnonymousUser | None, values: dict[str, Any]
) -> TeamSettings:
    """Save changed settings, re-level stored trust if thresholds moved, re-evaluate the
    gate of each repository's latest scan if the gate changed, and record the diff.

    Raises ValidationError for out-of-range values or an unknown field name.
    """

    unknown = set(values) - set(EDITABLE_FIELDS)
    if unknown:
        raise ValidationError(f"Unknown settings: {', '.join(sorted(unknown))}.")
    with transaction.atomic():
        row, _ = TeamSettings.objects.select_for_update().get_or_create(team=team)
        changes = {
            name: {"from": getattr(row, name), "to": value}
            for name, value in values.items()
            if getattr(row, name) != value
        }
        for name, value in values.items():
            setattr(row, name, value)
        row.full_clean()
        if row.trust_trusted_after < row.trust_monitored_after:
            raise ValidationError("The Trusted threshold must not be below the Monitored threshold.")
        if not changes:
            return row
        # Every repository of the team, in one order, before the re-levelling, approvals and
        # gate flips below touch them: an ingestion locks its repository first and the team
        # last (services/revisions.py), so taking them one by one after the team's row could
        # deadlock with it.
        list(Repository.objects.select_for_update().filter(team=team).order_by("pk").values_list("pk"))
        row.save()
        if {"trust_monitored_after", "trust_trusted_after"} & set(changes):
            trust_relevel_team(team, row)
        audit_record(team=team, actor=actor, action="settings.changed", obj=row, details=changes)
        if "required_reviewers" in changes:
            # Stored approvals were computed with the old number; the gate reads them.
            reviews_reapprove_latest(team, row.required_reviewers)
        if any(
            name.startswith("gate_") or name in ("required_reviewers", "ai_review_above_percent")
            for name in changes
        ):
            gate_refresh_latest(team)
    return row
