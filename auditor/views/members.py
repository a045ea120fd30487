"""A team's members: listed to every member, managed by admins."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_POST

from auditor.models import Role
from auditor.permissions import can, team_by_slug_for_user
from auditor.selectors.contracts import team_members
from auditor.services.memberships import membership_add, membership_change_role, membership_remove


@login_required
@require_GET
def member_list(request: HttpRequest, team_slug: str) -> HttpResponse:
    team = team_by_slug_for_user(request.user, team_slug)
    members = team_members(team)
    return render(
        request,
        "auditor/team/members.html",
        {
            "team": team,
            "members": members,
            "roles": Role.choices,
            "can_manage": can(request.user, team.pk, Role.ADMIN),
        },
    )


@login_required
@require_POST
def member_add(request: HttpRequest, team_slug: str) -> HttpResponse:
    team = team_by_slug_for_user(request.user, team_slug, Role.ADMIN)
    try:
        m = membership_add(
            team=team,
            actor=request.user,
            username=request.POST.get("username", ""),
            role=request.POST.get("role", ""),
        )
    except ValidationError as exc:
        messages.error(request, exc.messages[0])
    else:
        messages.success(request, f"{m.user.get_username()} added as {m.get_role_display().lower()}.")
    return redirect("member-list", team_slug=team.slug)


@login_required
@require_POST
def member_role(request: HttpRequest, team_slug: str, membership_id: int) -> HttpResponse:
    team = team_by_slug_for_user(request.user, team_slug, Role.ADMIN)
    try:
        m = membership_change_role(
            team=team, actor=request.user, membership_id=membership_id, role=request.POST.get("role", "")
        )
    except ValidationError as exc:
        messages.error(request, exc.messages[0])
    else:
        messages.success(request, f"{m.user.get_username()} is now {m.get_role_display().lower()}.")
    return redirect("member-list", team_slug=team.slug)


@login_required
@require_POST
def member_remove(request: HttpRequest, team_slug: str, membership_id: int) -> HttpResponse:
    team = team_by_slug_for_user(request.user, team_slug, Role.ADMIN)
    try:
        membership_remove(team=team, actor=request.user, membership_id=membership_id)
    except ValidationError as exc:
        messages.error(request, exc.messages[0])
    else:
        messages.success(request, "Member removed.")
    return redirect("member-list", team_slug=team.slug)
