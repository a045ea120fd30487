"""Dashboard pages: team overview (landing page), trends, hotspots, the risk help page."""

from __future__ import annotations

from collections.abc import Callable, Sequence

from django.contrib.auth.decorators import login_required
from django.core.cache import cache
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.functional import SimpleLazyObject
from django.utils.safestring import SafeString
from django.views.decorators.http import require_GET

from auditor.models import Severity, Team
from auditor.permissions import repository_for_user, teams_for_user
from auditor.selectors.dashboard import team_overview
from auditor.selectors.files import HOTSPOT_SORTS, hotspots
from auditor.selectors.page_cache import page_cache_key
from auditor.selectors.trends import (
    DEFAULT_RANGE,
    RANGES,
    Chart,
    range_since,
    repository_trends,
    repository_trends_version,
    team_trends,
    team_trends_version,
    trends_cache_key,
)
from auditor.services import risk
from auditor.templatetags.dashboard_tags import trend_charts_html

TRENDS_CACHE_SECONDS = 3600

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
                "overview", team, user_id=request.user.pk, path=request.get_full_path()
            ),
        },
    )


def _charts_html(key: str, build: Callable[[], dict[str, Chart]]) -> SafeString:
    """The rendered charts under `key` (which carries the rollups' version), drawn on a miss.
    Drawing a year of points costs milliseconds; the rollups change only at ingestion."""
    html: SafeString | None = cache.get(key)
    if html is None:
        html = trend_charts_html(build())
        cache.set(key, html, TRENDS_CACHE_SECONDS)
    return html


@login_required
@require_GET
def team_trends_page(request: HttpRequest) -> HttpResponse:
    range_key = _range(request)
    since = range_since(range_key)
    teams = list(teams_for_user(request.user).order_by("name"))
    team = _pick_team(teams, _team_id(request))

    def charts() -> SafeString:
        version = (
            Team.objects.filter(pk=team.pk).annotate(v=team_trends_version(since)).values_list("v", flat=True)
        )
        key = trends_cache_key("team", team.pk, range_key, str(version.get()))
        return _charts_html(key, lambda: team_trends(team, range_key, since))

    return render(
        request,
        "auditor/dashboard/trends.html",
        {
            "team": team,
            "teams": teams,
            "charts_html": SimpleLazyObject(charts),
            "range": range_key,
            "ranges": list(RANGES),
            "subject": team.name,
            "section_key": page_cache_key(
                "trends", team, user_id=request.user.pk, path=request.get_full_path()
            ),
        },
    )


@login_required
@require_GET
def repository_trends_page(request: HttpRequest, repository_id: int) -> HttpResponse:
    repository = repository_for_user(request.user, repository_id)
    range_key = _range(request)
    since = range_since(range_key)

    def charts() -> SafeString:
        key = trends_cache_key(
            "repository", repository.pk, range_key, repository_trends_version(repository, since)
        )
        return _charts_html(key, lambda: repository_trends(repository, range_key, since))

    return render(
        request,
        "auditor/dashboard/trends.html",
        {
            "repository": repository,
            "charts_html": SimpleLazyObject(charts),
            "range": range_key,
            "ranges": list(RANGES),
            "subject": repository.name,
            "section_key": page_cache_key(
                "trends", repository, user_id=request.user.pk, path=request.get_full_path()
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
                "hotspots", repository, user_id=request.user.pk, path=request.get_full_path()
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
