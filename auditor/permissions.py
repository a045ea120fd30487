"""Who may see or change what, defined once. Every view starts here.

Objects of teams the user does not belong to do not exist for him (404); a member
whose role is too low for the action gets 403.
"""

from __future__ import annotations

from django.contrib.auth.models import AnonymousUser
from django.contrib.auth.models import User as AuthUser
from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import Http404

from auditor.models import Membership, Repository, Role, Scan, Team, TrackedFinding

User = AuthUser | AnonymousUser


def teams_for_user(user: User) -> QuerySet[Team]:
    if not user.is_authenticated:
        return Team.objects.none()
    return Team.objects.filter(memberships__user=user)


def role_in_team(user: User, team_id: int) -> str | None:
    if not user.is_authenticated:
        return None
    return Membership.objects.filter(user=user, team_id=team_id).values_list("role", flat=True).first()


def _require(user: User, team_id: int, role: str) -> str:
    member_role = role_in_team(user, team_id)
    if member_role is None:
        raise Http404("No such object.")
    membership = Membership(role=member_role)
    if not membership.allows(role):
        raise PermissionDenied(f"This action needs the {role} role in this team.")
    return member_role


def repository_for_user(user: User, repository_id: int, role: str = Role.VIEWER) -> Repository:
    """The repository if `user` is a member of its team with at least `role`."""
    repository = Repository.objects.select_related("team").filter(pk=repository_id).first()
    if repository is None:
        raise Http404("No such repository.")
    _require(user, repository.team_id, role)
    return repository


def scan_for_user(user: User, scan_id: int, role: str = Role.VIEWER) -> Scan:
    """The scan if `user` is a member of its repository's team with at least `role`."""
    scan = Scan.objects.select_related("repository", "repository__team").filter(pk=scan_id).first()
    if scan is None:
        raise Http404("No such scan.")
    _require(user, scan.repository.team_id, role)
    return scan


def can(user: User, team_id: int, role: str) -> bool:
    member_role = role_in_team(user, team_id)
    return member_role is not None and Membership(role=member_role).allows(role)


def tracked_finding_for_user(user: User, tracked_id: int, role: str = Role.VIEWER) -> TrackedFinding:
    """A finding's identity (dashboard) if `user` is a member of its team with at least `role`.

    Returns it with its repository, team and first/last scans loaded.
    """
    tracked = (
        TrackedFinding.objects.select_related(
            "repository", "repository__team", "first_seen_scan", "latest_finding"
        )
        .filter(pk=tracked_id)
        .first()
    )
    if tracked is None:
        raise Http404("No such finding.")
    _require(user, tracked.team_id, role)
    return tracked


def team_for_user(user: User, team_id: int | None) -> Team:
    """The team `team_id` if `user` belongs to it; without an id, his first team (by name).

    404 when he belongs to no team or not to this one.
    """
    teams = teams_for_user(user).order_by("name")
    team = teams.filter(pk=team_id).first() if team_id is not None else teams.first()
    if team is None:
        raise Http404("No such team.")
    return team


def team_by_slug_for_user(user: User, team_slug: str, role: str = Role.VIEWER) -> Team:
    """The team if `user` is a member of it with at least `role` (404 for non-members)."""
    team = Team.objects.filter(slug=team_slug).first()
    if team is None:
        raise Http404("No such team.")
    _require(user, team.pk, role)
    return team


def succeeded_scan_for_user(user: User, scan_id: int, role: str = Role.VIEWER) -> Scan:
    """`scan_for_user`, and 404 unless the scan succeeded: only those have a review."""
    scan = scan_for_user(user, scan_id, role)
    if scan.status != "succeeded":
        raise Http404("This scan has no results to review.")
    return scan


# --- Integrations (API tokens) -------------------------------------------------------


def token_owner(user: User) -> AuthUser:
    """The signed-in user, who may manage only his own tokens (a token's id of another
    user is filtered out by the service, so it reads as "no such token")."""
    if not isinstance(user, AuthUser) or not user.is_authenticated:
        raise PermissionDenied("Sign in to manage API tokens.")
    return user
