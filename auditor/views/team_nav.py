"""`/team/<section>/`: the navigation's way to a team page without knowing the team."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.views.decorators.http import require_GET

from auditor.permissions import team_for_user

# The nav's team sections → the team pages' url names.
TEAM_PAGES = {
    "members": "member-list",
    "audit": "audit-trail",
    "contract": "contract-detail",
    "settings": "team-settings",
}


@login_required
@require_GET
def team_section(request: HttpRequest, section: str) -> HttpResponse:
    """Redirect to `section` of the user's team (his first by name; `?team=ID` picks another).
    404 for an unknown section or a user in no team."""
    if section not in TEAM_PAGES:
        raise Http404("No such team page.")
    raw = request.GET.get("team", "")
    team = team_for_user(request.user, int(raw) if raw.isdigit() else None)
    return redirect(TEAM_PAGES[section], team_slug=team.slug)
