"""Reads for the reviews index: succeeded scans of the user's teams with review and gate state."""

from __future__ import annotations

from typing import Any

from django.core.paginator import Paginator
from django.db.models import Q

from auditor.models import Membership, Scan, ScanStatus

STATES = {
    "": "All",
    "pending": "Not approved",
    "approved": "Approved",
}


def review_index_page(
    user_id: int, state: str, page_number: str | None, per_page: int = 25
) -> dict[str, Any]:
    """Succeeded scans newest first with their review and gate joined (one query per page),
    and the user's teams with his role in each (for the team links)."""
    memberships = list(
        Membership.objects.filter(user_id=user_id).select_related("team").order_by("team__name")
    )
    scans = (
        Scan.objects.filter(
            repository__team_id__in=[m.team_id for m in memberships], status=ScanStatus.SUCCEEDED
        )
        .select_related("repository", "repository__team", "review", "gate_result")
        .order_by("-created_at", "-id")
    )
    state = state if state in STATES else ""
    if state == "approved":
        scans = scans.filter(review__approved=True)
    elif state == "pending":
        scans = scans.filter(Q(review__isnull=True) | Q(review__approved=False))
    return {
        "page": Paginator(scans, per_page).get_page(page_number),
        "memberships": memberships,
        "state": state,
        "states": STATES,
        "query": {"state": state} if state else {},
    }
