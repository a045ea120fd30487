"""Who may see or change what, defined once. Every view starts here.

Objects of teams the user does not belong to do not exist for him (404); a member
whose role is too low for the action gets 403.
"""

from __future__ import annotations

from typing import Any, TypeVar, cast

from django.contrib.auth.models import AnonymousUser
from django.contrib.auth.models import User as AuthUser
from django.core.exceptions import PermissionDenied
from django.db.models import Model, OuterRef, QuerySet, Subquery
from django.http import Http404

from auditor.models import Membership, Repository, Role, Scan, Team, TrackedFinding

User = AuthUser | AnonymousUser
_M = TypeVar("_M", bound=Model)


def team_ids_for_user(user: User) -> QuerySet[Membership, Any]:
    """The ids of the teams `user` belongs to, as a subquery: what he may see, defined
    here once. Every selector that lists across teams scopes by it (or by the helpers
    below), never by its own join on memberships."""
    return Membership.objects.filter(user_id=user.pk or 0).values("team_id")


def teams_for_user(user: User) -> QuerySet[Team]:
    if not user.is_authenticated:
        return Team.objects.none()
    return Team.objects.filter(pk__in=team_ids_for_user(user))


def teams_with_role_for_user(user: User) -> list[Team]:
    """The user's teams, each with his role in it (`member_role`), in one query; seeds
    `role_in_team`'s memo so later checks of these teams cost nothing."""
    teams = list(_with_role(teams_for_user(user), user, "pk"))
    for team in teams:
        _remember_role(user, team.pk, team)
    return teams


def repositories_for_user(user: User) -> QuerySet[Repository]:
    """Every repository of the user's teams."""
    if not user.is_authenticated:
        return Repository.objects.none()
    return Repository.objects.filter(team_id__in=team_ids_for_user(user))


def scans_for_user(user: User) -> QuerySet[Scan]:
    """Every scan of the user's teams' repositories."""
    if not user.is_authenticated:
        return Scan.objects.none()
    return Scan.objects.filter(repository__team_id__in=team_ids_for_user(user))


def tracked_findings_for_user(user: User) -> QuerySet[TrackedFinding]:
    """Every finding identity of the user's teams (all branches)."""
    return TrackedFinding.objects.filter(team_id__in=team_ids_for_user(user))


def teams_with_role(user: User, role: str) -> QuerySet[Team]:
    """The teams in which `user` has at least `role` (e.g. where he may add repositories)."""
    if not user.is_authenticated:
        return Team.objects.none()
    allowed = [r for r in Role.values if Membership(role=r).allows(role)]
    return Team.objects.filter(memberships__user=user, memberships__role__in=allowed).order_by("name")


def _roles_memo(user: User) -> dict[int, str | None]:
    roles: dict[int, str | None] | None = getattr(user, "_auditor_roles", None)
    if roles is None:
        roles = {}
        user._auditor_roles = roles  # type: ignore[union-attr]
    return roles


def role_in_team(user: User, team_id: int) -> str | None:
    """The user's role in the team, or None. Remembered on the user object: a request's
    `request.user` is loaded afresh for each request, and a page asks several times (the
    view's check, then its section widgets), so one query per team per request."""
    if not user.is_authenticated:
        return None
    roles = _roles_memo(user)
    if team_id not in roles:
        roles[team_id] = (
            Membership.objects.filter(user=user, team_id=team_id).values_list("role", flat=True).first()
        )
    return roles[team_id]


def _with_role(objects: QuerySet[_M], user: User, team_field: str) -> QuerySet[_M]:
    """`objects` annotated with the user's role in their team (`member_role`): the
    object and the membership check in one query."""
    if not user.is_authenticated:
        return objects
    role = Membership.objects.filter(user_id=user.pk, team_id=OuterRef(team_field)).order_by("id")
    return cast("QuerySet[_M]", objects.annotate(member_role=Subquery(role.values("role")[:1])))


def _remember_role(user: User, team_id: int, obj: Any) -> None:
    """Seed `role_in_team`'s memo with the role `_with_role` loaded."""
    if user.is_authenticated and hasattr(obj, "member_role"):
        _roles_memo(user)[team_id] = obj.member_role


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
    repository = _with_role(
        Repository.objects.select_related("team").filter(pk=repository_id), user, "team_id"
    ).first()
    if repository is None:
        raise Http404("No such repository.")
    _remember_role(user, repository.team_id, repository)
    _require(user, repository.team_id, role)
    return repository


def scan_for_user(user: User, scan_id: int, role: str = Role.VIEWER) -> Scan:
    """The scan if `user` is a member of its repository's team with at least `role`."""
    scan = _with_role(
        Scan.objects.select_related("repository", "repository__team").filter(pk=scan_id),
        user,
        "repository__team_id",
    ).first()
    if scan is None:
        raise Http404("No such scan.")
    _remember_role(user, scan.repository.team_id, scan)
    _require(user, scan.repository.team_id, role)
    return scan


def can(user: User, team_id: int, role: str) -> bool:
    member_role = role_in_team(user, team_id)
    return member_role is not None and Membership(role=member_role).allows(role)


def tracked_finding_for_user(user: User, tracked_id: int, role: str = Role.VIEWER) -> TrackedFinding:
    """A finding's identity (dashboard) if `user` is a member of its team with at least `role`.

    Returns it with its repository and team loaded (its scans and latest occurrence come
    with its history, `selectors.findings.finding_history`, when a page draws them).
    """
    tracked = _with_role(
        TrackedFinding.objects.select_related("repository", "repository__team").filter(pk=tracked_id),
        user,
        "team_id",
    ).first()
    if tracked is None:
        raise Http404("No such finding.")
    _remember_role(user, tracked.team_id, tracked)
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


LOCAL_URL_HIDDEN = "a repository on the server's disk (its path is shown to admins)"


def repository_url_for(user: User, repository: Repository) -> str:
    """The repository's clone URL as `user` may see it: credentials never, and a local
    path on the server only for the team's admins (it says where the server keeps data)."""
    if repository.is_local and not can(user, repository.team_id, Role.ADMIN):
        return LOCAL_URL_HIDDEN
    return repository.display_url
