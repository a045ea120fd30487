"""Dashboard pages: team overview (landing page), trends, hotspots, the risk help page."""

from __future__ import annotations

from collections.abc import Sequence

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.functional import SimpleLazyObject
from django.views.decorators.http import require_GET

from auditor.models import Severity, Team
from auditor.permissions import repository_for_user, teams_for_user
from auditor.selectors.dashboard import team_overview
from auditor.selectors.files import HOTSPOT_SORTS, hotspots
from auditor.selectors.page_cache import page_cache_key
from auditor.selectors.trends import DEFAULT_RANGE, RANGES, repository_trend_charts, team_trend_charts
from auditor.services import risk

HOTSPOT_COLUMNS = [
    ("path", "File"),
    ("risk", "Risk"),
    ("findings", "Open findings"),
    ("complexity", "Max complexity"),
    ("maintainability", "Maintainability"),
    ("churn", "Churn (90 d)"),
]


def _team_id(request: HttpRequest) -> int | None:
    raw = request.GET.get("team", "")
    return int(raw) if raw.isdigit() else None


def _pick_team(teams: Sequence[Team], wanted: int | None) -> Team:
    """`wanted` among the user's `teams` (already loaded by the permission helper), or
    his first team; 404 for any other team."""
    team = next((t for t in teams if t.pk == wanted), None) if wanted is not None else next(iter(teams), None)
    if team is None:
        raise Http404("No such team.")
    return team


def _range(request: HttpRequest) -> str:
    key = request.GET.get("range", DEFAULT_RANGE)
    return key if key in RANGES else DEFAULT_RANGE


@login_required
@require_GET
def overview(request: HttpRequest) -> HttpResponse:
    teams = list(teams_for_user(request.user).order_by("name"))
    if not teams:
        return render(request, "auditor/dashboard/no_team.html")
    team = _pick_team(teams, _team_id(request))
    return render(
        request,
        "auditor/dashboard/overview.html",
        {
            "overview": SimpleLazyObject(lambda: team_overview(team)),
            "team": team,
            "teams": teams,
            "section_key": page_cache_key(
                "overview", team, user_id=request.user.pk, path=request.build_absolute_uri()
            ),
        },
    )


@login_required
@require_GET
def team_trends_page(request: HttpRequest) -> HttpResponse:
    range_key = _range(request)
    teams = list(teams_for_user(request.user).order_by("name"))
    team = _pick_team(teams, _team_id(request))
    return render(
        request,
        "auditor/dashboard/trends.html",
        {
            "team": team,
            "teams": teams,
            "trends": SimpleLazyObject(lambda: team_trend_charts(team, range_key)),
            "range": range_key,
            "ranges": list(RANGES),
            "subject": team.name,
            "section_key": page_cache_key(
                "trends", team, user_id=request.user.pk, path=request.build_absolute_uri()
            ),
        },
    )


@login_required
@require_GET
def repository_trends_page(request: HttpRequest, repository_id: int) -> HttpResponse:
    repository = repository_for_user(request.user, repository_id)
    range_key = _range(request)
    return render(
        request,
        "auditor/dashboard/trends.html",
        {
            "repository": repository,
            "trends": SimpleLazyObject(lambda: repository_trend_charts(repository, range_key)),
            "range": range_key,
            "ranges": list(RANGES),
            "subject": repository.name,
            "section_key": page_cache_key(
                "trends", repository, user_id=request.user.pk, path=request.build_absolute_uri()
            ),
        },
    )


@login_required
@require_GET
def repository_hotspots(request: HttpRequest, repository_id: int) -> HttpResponse:
    repository = repository_for_user(request.user, repository_id)
    sort = request.GET.get("sort", "risk")
    sort = sort if sort in HOTSPOT_SORTS else "risk"
    return render(
        request,
        "auditor/dashboard/hotspots.html",
        {
            "repository": repository,
            "hot": SimpleLazyObject(lambda: hotspots(repository, sort)),
            "section_key": page_cache_key(
                "hotspots", repository, user_id=request.user.pk, path=request.build_absolute_uri()
            ),
            "sort": sort,
            "hotspot_columns": HOTSPOT_COLUMNS,
        },
    )


@login_required
@require_GET
def risk_help(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "auditor/dashboard/help_risk.html",
        {
            "severity_weights": [
                (Severity(k).label, w) for k, w in sorted(risk.SEVERITY_WEIGHT.items(), reverse=True)
            ],
            "complexity_floor": risk.COMPLEXITY_FLOOR,
            "mi_ceiling": risk.MAINTAINABILITY_CEILING,
            "window": risk.CHURN_WINDOW_DAYS,
        },
    )
