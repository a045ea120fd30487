"""The review page of a scan (checklist with evidence, sign-off form, timeline) and the
reviews index (scans awaiting review across the user's teams)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.models import User
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_POST

from auditor.models import Decision, Role
from auditor.permissions import can, succeeded_scan_for_user
from auditor.selectors.contracts import contract_current, team_settings_for
from auditor.selectors.reviews import review_for_scan, review_page_data
from auditor.selectors.reviews_index import review_index_page
from auditor.services.contracts import contract_ensure
from auditor.services.reviews import ItemDecision, SignOffRejected, review_sign


@login_required
@require_GET
def review_index(request: HttpRequest) -> HttpResponse:
    assert isinstance(request.user, User)  # login_required
    page = review_index_page(request.user.pk, request.GET.get("state", ""), request.GET.get("page"))
    return render(request, "auditor/reviews/index.html", page)


def _render_review(
    request: HttpRequest, scan_id: int, errors: dict[int, str] | None = None, status: int = 200
) -> HttpResponse:
    scan = succeeded_scan_for_user(request.user, scan_id)
    team = scan.repository.team
    review = review_for_scan(scan)
    # Seeding the default contract on first sight is idempotent; a started review keeps its own.
    current = contract_current(team) or contract_ensure(team)
    contract = review.contract if review is not None else current
    data = review_page_data(scan, review, contract, team_settings_for(team), current.version)
    return render(
        request,
        "auditor/reviews/review.html",
        {
            "scan": scan,
            "repository": scan.repository,
            "team": team,
            "data": data,
            "can_sign": can(request.user, team.pk, Role.REVIEWER),
            "errors": errors or {},
            "submitted": request.POST if errors else {},
            "decisions": Decision.choices,
        },
        status=status,
    )


@login_required
@require_GET
def review_detail(request: HttpRequest, scan_id: int) -> HttpResponse:
    return _render_review(request, scan_id)


@login_required
@require_POST
def review_signoff(request: HttpRequest, scan_id: int) -> HttpResponse:
    scan = succeeded_scan_for_user(request.user, scan_id, Role.REVIEWER)
    assert isinstance(request.user, User)  # login_required
    decisions = [
        ItemDecision(
            item_id=int(key.removeprefix("decision_")),
            decision=request.POST.get(key, ""),
            comment=request.POST.get(f"comment_{key.removeprefix('decision_')}", ""),
            justification=request.POST.get(f"justification_{key.removeprefix('decision_')}", ""),
        )
        for key in request.POST
        if key.startswith("decision_") and key.removeprefix("decision_").isdigit()
    ]
    try:
        review = review_sign(scan=scan, reviewer=request.user, decisions=decisions)
    except SignOffRejected as exc:
        messages.error(request, exc.messages[0])
        return _render_review(request, scan_id, errors=exc.item_errors, status=400)
    recorded = sum(1 for d in decisions if d.decision)
    state = "approved" if review.approved else "not approved yet"
    messages.success(request, f"{recorded} sign-off{'s' if recorded != 1 else ''} recorded; review {state}.")
    return redirect("review-detail", scan_id=scan.pk)
