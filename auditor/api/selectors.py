"""Reads for the API (team scoping is decided here and in auditor/permissions.py)."""

from __future__ import annotations

from typing import Any

from django.apps import apps
from django.contrib.auth.models import AnonymousUser, User
from django.db.models import QuerySet

from auditor.models import Repository, Scan


def repository_list_for_api(user: User | AnonymousUser) -> QuerySet[Repository]:
    """Repositories of the user's teams, by team then name."""
    if not user.is_authenticated:
        return Repository.objects.none()
    return (
        Repository.objects.filter(team__memberships__user=user)
        .select_related("team")
        .order_by("team__name", "name", "id")
    )


def scan_gate(scan: Scan) -> dict[str, Any] | None:
    """The gate verdict of `scan` (auditor.GateResult), or None until one is computed."""
    try:
        gate_model = apps.get_model("auditor", "GateResult")
    except LookupError:  # the gate feature is not installed
        return None
    row = gate_model.objects.filter(scan_id=scan.pk).values("passed", "failures").first()
    return dict(row) if row else None
