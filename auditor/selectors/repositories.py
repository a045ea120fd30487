"""Reads for repositories."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.models import AnonymousUser, User
from django.db.models import OuterRef, QuerySet, Subquery

from auditor.models import Repository, Scan
from auditor.permissions import repositories_for_user
from auditor.selectors.counts import finding_counts


def repository_list_for_user(user: User | AnonymousUser) -> list[Any]:
    """The user's teams' repositories, each with `.last_scan` (or None) and `.counts`
    (open and triaged findings of its default branch now). Three queries."""
    if not user.is_authenticated:
        return []
    last_scan_id = (
        Scan.objects.filter(repository=OuterRef("pk")).order_by("-created_at", "-id").values("pk")[:1]
    )
    repositories: list[Any] = list(
        repositories_for_user(user)
        .select_related("team")
        .annotate(last_scan_id=Subquery(last_scan_id))
        .order_by("team__name", "name")
    )
    scans = Scan.objects.in_bulk([r.last_scan_id for r in repositories if r.last_scan_id])
    counts = finding_counts(r.pk for r in repositories)
    for repository in repositories:
        repository.last_scan = scans.get(repository.last_scan_id)
        repository.counts = counts[repository.pk]
    return repositories


def repository_list_for_api(user: User | AnonymousUser) -> QuerySet[Repository]:
    """Repositories of the user's teams, by team then name (the API's paginated list)."""
    if not user.is_authenticated:
        return Repository.objects.none()
    return repositories_for_user(user).select_related("team").order_by("team__name", "name", "id")
