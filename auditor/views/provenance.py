"""AI provenance pages: the help page, per-team and per-repository AI figures, and the
team's own signature patterns (with a live preview against a repository's commits)."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from auditor.permissions import repository_for_user, teams_for_user
from auditor.selectors.provenance import ProvenancePage, repository_provenance, slices, team_provenance
from auditor.selectors.trends import RANGES, range_since
from scanners.provenance.signatures import table_entries


@login_required
@require_GET
def provenance_help(request: HttpRequest) -> HttpResponse:
    """Where AI attribution comes from, in which order, and what it cannot see."""
    return render(request, "auditor/provenance/help.html", {"signatures": table_entries()})


def _slice(request: HttpRequest) -> str:
    wanted = request.GET.get("slice", "total")
    return wanted if wanted in dict(slices()) else "total"


def _range(request: HttpRequest) -> str:
    key = request.GET.get("range", "90d")
    return key if key in RANGES else "90d"


@login_required
@require_GET
def repository_ai(request: HttpRequest, repository_id: int) -> HttpResponse:
    """The repository's AI share, AI-vs-human defect density and tools over time."""
    repository = repository_for_user(request.user, repository_id)
    range_key, slice_key = _range(request), _slice(request)
    return _render(request, repository_provenance(repository, range_since(range_key), slice_key),
                   {"repository": repository, "subject": repository.name}, range_key, slice_key)  # fmt: skip


@login_required
@require_GET
def team_ai(request: HttpRequest) -> HttpResponse:
    """The team's AI figures (its repositories' default branches, one point per day)."""
    teams = list(teams_for_user(request.user).order_by("name"))
    raw = request.GET.get("team", "")
    team = next((t for t in teams if str(t.pk) == raw), None) if raw else next(iter(teams), None)
    if team is None:
        raise Http404("No such team.")
    range_key, slice_key = _range(request), _slice(request)
    return _render(request, team_provenance(team, range_since(range_key), slice_key),
                   {"team": team, "subject": team.name}, range_key, slice_key)  # fmt: skip


def _render(
    request: HttpRequest, page: ProvenancePage, context: dict[str, Any], range_key: str, slice_key: str
) -> HttpResponse:
    return render(
        request,
        "auditor/provenance/page.html",
        {
            **context,
            "page": page,
            "range": range_key,
            "ranges": list(RANGES),
            "slice": slice_key,
            "slices": slices(),
        },
    )
