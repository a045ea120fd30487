"""Findings across scans: the filterable list, one finding's page, triage actions."""

from __future__ import annotations

from datetime import date

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.functional import SimpleLazyObject
from django.utils.http import urlencode
from django.views.decorators.http import require_GET, require_POST

from auditor.models import Category, Role, TrackedFinding, TriageStatus
from auditor.permissions import can, teams_with_role_for_user, tracked_finding_for_user
from auditor.selectors.finding_filters import STATUSES, TESTS_CHOICES, FindingFilters
from auditor.selectors.findings import SORTS, finding_history, finding_list, finding_list_queryset
from auditor.selectors.page_cache import page_cache_key
from auditor.services.triage import TriageDecision, TriageError, triage_bulk, triage_clear, triage_set

FINDINGS_PAGE_SIZE = 50
# The list's columns; those with a sort key are links that sort by it.
SORT_HEADERS = [
    ("severity", "Severity"),
    ("rule", "Rule"),
    ("", "Repository"),
    ("path", "Location"),
    ("", "Message"),
    ("newest", "State"),
]


# The findings list's provenance filter (selectors/finding_filters.py AI_ORIGINS).
AI_CHOICES = [("ai", "AI-written lines"), ("human", "Human-written lines"), ("unknown", "Origin unknown")]


@login_required
@require_GET
def finding_index(request: HttpRequest) -> HttpResponse:
    filters = FindingFilters.from_query(request.GET.dict())
    number = request.GET.get("page")
    listing = SimpleLazyObject(lambda: finding_list(request.user, filters, number, FINDINGS_PAGE_SIZE))
    # Its teams with the user's role in each: the section key's revisions and whether he
    # may triage here, in the one query the list always ran for the key.
    teams = teams_with_role_for_user(request.user)
    bulk = request.session.pop("bulk_triage", None) if "bulk_triage" in request.session else None
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
            "tests_choices": TESTS_CHOICES,
            "sorts": list(SORTS),
            "sort_headers": SORT_HEADERS,
            "can_triage": any(can(request.user, t.pk, Role.REVIEWER) for t in teams),
            "triage_choices": TriageStatus.choices,
            "bulk_form": (bulk or {}).get("form", {}),
            "bulk_errors": (bulk or {}).get("errors", {}),
            "hidden_filters": filters.as_query(),  # the bulk action returns to this very view
            "section_key": page_cache_key(
                "findings", teams, user_id=request.user.pk, path=request.build_absolute_uri()
            ),
        },
    )


def _detail(
    request: HttpRequest,
    tracked: TrackedFinding,
    form: dict[str, str] | None = None,
    errors: dict[str, str] | None = None,
) -> HttpResponse:
    """The finding's page; with `form`/`errors`, a failed triage drawn live (never from
    the section cache) with what was typed kept and each error beside its field."""
    history = SimpleLazyObject(lambda: finding_history(tracked))
    # Unless a failed submit is being shown again, the form holds the current triage
    # (read lazily: only when the cached section is drawn).
    shown = form if form is not None else SimpleLazyObject(lambda: _current(history))
    return render(
        request,
        "auditor/findings/detail.html",
        {
            "tracked": tracked,
            "repository": tracked.repository,
            "history": history,
            "can_triage": can(request.user, tracked.team_id, Role.REVIEWER),
            "triage_choices": TriageStatus.choices,
            "form": shown,
            "errors": errors or {},
            "section_key": ""
            if errors
            else page_cache_key(
                "finding", tracked.repository, user_id=request.user.pk, path=request.build_absolute_uri()
            ),
        },
        status=400 if errors else 200,
    )


def _current(history: object) -> dict[str, str]:
    triage = history.triage  # type: ignore[attr-defined]
    if triage is None:
        return {"status": "", "reason": "", "expires_at": ""}
    expires = triage.expires_at.isoformat() if triage.expires_at else ""
    return {"status": triage.status, "reason": triage.reason, "expires_at": expires}


@login_required
@require_GET
def finding_detail(request: HttpRequest, tracked_id: int) -> HttpResponse:
    tracked = tracked_finding_for_user(request.user, tracked_id)
    return _detail(request, tracked)


def _decision(post: dict[str, str]) -> TriageDecision:
    """The submitted decision; an unreadable date is an error of its own field."""
    raw = post.get("expires_at", "").strip()
    try:
        expires = date.fromisoformat(raw) if raw else None
    except ValueError as exc:
        raise TriageError({"expires_at": "The expiry date is not a valid date."}) from exc
    return TriageDecision(post.get("status", ""), post.get("reason", ""), expires)


@login_required
@require_POST
def finding_triage(request: HttpRequest, tracked_id: int) -> HttpResponse:
    tracked = tracked_finding_for_user(request.user, tracked_id, Role.REVIEWER)
    form = {k: request.POST.get(k, "") for k in ("status", "reason", "expires_at")}
    try:
        decision = _decision(form)
        triage_set(
            repository=tracked.repository,
            fingerprint=tracked.fingerprint,
            status=decision.status,
            reason=decision.reason,
            expires_at=decision.expires_at,
            actor=request.user,
        )
    except TriageError as exc:
        return _detail(request, tracked, form, exc.errors)
    messages.success(request, "Triage saved. It applies to this finding in every later scan.")
    return redirect("finding-detail", tracked_id=tracked.pk)


@login_required
@require_POST
def finding_triage_bulk(request: HttpRequest) -> HttpResponse:
    """Triage the ticked rows (`tracked` ids), or with `scope=filter` every finding the
    list's filters (the same query string, in hidden fields) select, with one decision."""
    filters = FindingFilters.from_query(request.POST.dict())
    listed = finding_list_queryset(request.user, filters)
    if request.POST.get("scope") != "filter":
        ids = [int(i) for i in request.POST.getlist("tracked") if i.isdigit()]
        listed = listed.filter(pk__in=ids)
    query = filters.as_query()
    back = reverse("finding-index") + (f"?{urlencode(query)}" if query else "")
    form = {k: request.POST.get(k, "") for k in ("status", "reason", "expires_at")}
    try:
        count = triage_bulk(identities=listed, decision=_decision(form), actor=request.user)
    except TriageError as exc:
        # Shown above the list once; the bulk form is drawn again with what was typed.
        request.session["bulk_triage"] = {"form": form, "errors": exc.errors}
        return redirect(back)
    messages.success(request, f"{count} finding{'s' if count != 1 else ''} triaged.")
    return redirect(back)


@login_required
@require_POST
def finding_untriage(request: HttpRequest, tracked_id: int) -> HttpResponse:
    tracked = tracked_finding_for_user(request.user, tracked_id, Role.REVIEWER)
    if triage_clear(repository=tracked.repository, fingerprint=tracked.fingerprint, actor=request.user):
        messages.success(request, "Finding re-opened.")
    return redirect("finding-detail", tracked_id=tracked.pk)
