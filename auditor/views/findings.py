"""Findings across scans: the filterable list, one finding's page, triage actions."""

from __future__ import annotations

from datetime import date

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.functional import SimpleLazyObject
from django.views.decorators.http import require_GET, require_POST

from auditor.models import Category, Role, TriageStatus
from auditor.permissions import can, teams_for_user, tracked_finding_for_user
from auditor.selectors.findings import (
    SORTS,
    STATUSES,
    FindingListFilters,
    finding_history,
    finding_list,
)
from auditor.selectors.page_cache import page_cache_key
from auditor.services.triage import TriageError, triage_clear, triage_set

FINDINGS_PAGE_SIZE = 50


# The findings list's provenance filter (selectors/findings.py AI_ORIGINS).
AI_CHOICES = [("ai", "AI-written lines"), ("human", "Human-written lines"), ("unknown", "Origin unknown")]


@login_required
@require_GET
def finding_index(request: HttpRequest) -> HttpResponse:
    filters = FindingListFilters.from_query(request.GET.dict())
    number = request.GET.get("page")
    listing = SimpleLazyObject(lambda: finding_list(request.user, filters, number, FINDINGS_PAGE_SIZE))
    return render(
        request,
        "auditor/findings/list.html",
        {
            "listing": listing,
            "page": SimpleLazyObject(lambda: listing.page),  # type: ignore[attr-defined]
            "filters": filters,
            "filter_query": filters.as_query(),
            "category_choices": Category.choices,
            "ai_choices": AI_CHOICES,
            "statuses": STATUSES,
            "sorts": list(SORTS),
            # The list spans all of the user's teams: one small query for their revisions.
            "section_key": page_cache_key(
                "findings",
                teams_for_user(request.user).only("revision"),
                user_id=request.user.pk,
                path=request.build_absolute_uri(),
            ),
        },
    )


@login_required
@require_GET
def finding_detail(request: HttpRequest, tracked_id: int) -> HttpResponse:
    tracked = tracked_finding_for_user(request.user, tracked_id)
    return render(
        request,
        "auditor/findings/detail.html",
        {
            "tracked": tracked,
            "repository": tracked.repository,
            "history": SimpleLazyObject(lambda: finding_history(tracked)),
            "can_triage": can(request.user, tracked.team_id, Role.REVIEWER),
            "triage_choices": TriageStatus.choices,
            "section_key": page_cache_key(
                "finding", tracked.repository, user_id=request.user.pk, path=request.build_absolute_uri()
            ),
        },
    )


def _parse_date(raw: str) -> date | None:
    try:
        return date.fromisoformat(raw) if raw else None
    except ValueError as exc:
        raise TriageError("The expiry date is not a valid date.") from exc


@login_required
@require_POST
def finding_triage(request: HttpRequest, tracked_id: int) -> HttpResponse:
    tracked = tracked_finding_for_user(request.user, tracked_id, Role.REVIEWER)
    try:
        triage_set(
            repository=tracked.repository,
            fingerprint=tracked.fingerprint,
            status=request.POST.get("status", ""),
            reason=request.POST.get("reason", "")[:2000],
            expires_at=_parse_date(request.POST.get("expires_at", "").strip()),
            actor=request.user,
        )
        messages.success(request, "Triage saved. It applies to this finding in every later scan.")
    except TriageError as exc:
        messages.error(request, str(exc))
    return redirect("finding-detail", tracked_id=tracked.pk)


@login_required
@require_POST
def finding_untriage(request: HttpRequest, tracked_id: int) -> HttpResponse:
    tracked = tracked_finding_for_user(request.user, tracked_id, Role.REVIEWER)
    if triage_clear(repository=tracked.repository, fingerprint=tracked.fingerprint, actor=request.user):
        messages.success(request, "Finding re-opened.")
    return redirect("finding-detail", tracked_id=tracked.pk)
