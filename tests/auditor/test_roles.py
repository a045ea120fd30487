"""The role-by-action matrix: anonymous, another team's member, viewer, reviewer and admin
against every view of the foundation and of the review area, and a sweep of the whole
URLconf so views added later by any area are held to the same rules.

Allowed actions succeed; refused ones get a redirect to login (anonymous), 404 (another
team's objects), 403 (too low a role), and change nothing.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

import pytest
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse

import auditor.urls
from auditor.models import (
    AuditEvent,
    ContractItem,
    Membership,
    Repository,
    ReviewContract,
    Scan,
    SignOff,
    Team,
    TeamSettings,
)
from auditor.services.contracts import contract_ensure
from tests.auditor.conftest import Personas
from tests.auditor.reviews_factories import make_scan

pytestmark = pytest.mark.django_db

ANON, OUTSIDER, VIEWER, REVIEWER, ADMIN = "anonymous", "outsider", "viewer", "reviewer", "admin"
PERSONAS = [ANON, OUTSIDER, VIEWER, REVIEWER, ADMIN]
RANK = {VIEWER: 0, REVIEWER: 1, ADMIN: 2}


@dataclass
class World:
    personas: Personas
    repository: Repository
    scan: Scan

    def user(self, persona: str) -> Any:
        return None if persona == ANON else getattr(self.personas, persona)


@dataclass(frozen=True)
class Endpoint:
    name: str
    kwargs: Callable[[World], dict[str, Any]]
    method: str = "get"
    # Minimum role in the object's team; None = any signed-in user (not team-scoped).
    role: str | None = VIEWER
    ok: int = 200
    data: Callable[[World], dict[str, Any]] = field(default=lambda w: {})


def _scan(w: World) -> dict[str, Any]:
    return {"scan_id": w.scan.pk}


def _failed_scan(w: World) -> dict[str, Any]:
    return {"scan_id": Scan.objects.create(repository=w.repository, branch="main", status="failed").pk}


def _repo(w: World) -> dict[str, Any]:
    return {"repository_id": w.repository.pk}


def _team(w: World) -> dict[str, Any]:
    return {"team_slug": w.personas.team.slug}


def _vera(w: World) -> dict[str, Any]:
    return {**_team(w), "membership_id": Membership.objects.get(user=w.personas.viewer).pk}


def _first_item(w: World) -> dict[str, Any]:
    item = ContractItem.objects.filter(section__contract__team=w.personas.team).order_by("id").first()
    return {f"decision_{item.pk}": "fail", f"comment_{item.pk}": "matrix"}  # type: ignore[union-attr]


ENDPOINTS = [
    # The foundation's views.
    Endpoint("repository-list", lambda w: {}, role=None),
    Endpoint("repository-detail", _repo),
    Endpoint("scan-create", _repo, "post", REVIEWER, 302),
    # Repositories managed in the app (admins).
    Endpoint("repository-edit", _repo, "get", ADMIN),
    Endpoint("repository-delete", _repo, "get", ADMIN),
    Endpoint("repository-active", _repo, "post", ADMIN, 302, lambda w: {"active": "0"}),
    Endpoint("repository-secret-rotate", _repo, "post", ADMIN, 302),
    Endpoint("scan-detail", _scan),
    Endpoint("scan-retry", _failed_scan, "post", REVIEWER, 302),
    Endpoint("scan-status", _scan),
    Endpoint("rule-index", lambda w: {}, role=None),
    Endpoint("rule-detail", lambda w: {"rule_id": "AI101"}, role=None),
    # The review area's views.
    Endpoint("review-index", lambda w: {}, role=None),
    Endpoint("review-detail", _scan),
    Endpoint("review-signoff", _scan, "post", REVIEWER, 302, _first_item),
    Endpoint("contract-detail", _team),
    Endpoint("contract-edit", _team, "post", ADMIN, 302, lambda w: {"section": "0", "text": "Matrix item"}),
    Endpoint("team-settings", _team, "get", ADMIN),
    Endpoint(
        "team-settings",
        _team,
        "post",
        ADMIN,
        302,
        lambda w: {
            "required_reviewers": 2,
            "trust_monitored_after": 5,
            "trust_trusted_after": 50,
            "complexity_threshold": 12,
            "gate_new_severity": 3,
            "provenance_history_commits": 1000,
            "ai_quarantine_share": 50,
        },
    ),
    Endpoint("team-ai-patterns", _team, "get", ADMIN),
    Endpoint(
        "team-ai-patterns",
        _team,
        "post",
        ADMIN,
        302,
        lambda w: {
            "action": "add",
            "id": "house-bot",
            "tool": "House bot",
            "where": "message",
            "pattern": "^bot:",
        },
    ),
    Endpoint("member-list", _team),
    Endpoint("team-section", lambda w: {"section": "members"}, role=None, ok=302),
    Endpoint("member-add", _team, "post", ADMIN, 302, lambda w: {"username": "otto", "role": "viewer"}),
    Endpoint("member-invite", _team, "post", ADMIN, 302, lambda w: {"username": "newbie", "role": "viewer"}),
    Endpoint("member-role", _vera, "post", ADMIN, 302, lambda w: {"role": "reviewer"}),
    Endpoint("member-remove", _vera, "post", ADMIN, 302),
    Endpoint("audit-trail", _team),
    Endpoint("audit-csv", _team),
]


@pytest.fixture
def world(personas: Personas, repository: Repository) -> World:
    contract_ensure(personas.team)
    return World(personas, repository, make_scan(repository))


def _state() -> tuple[int, ...]:
    """Everything a refused request must leave untouched."""
    return (
        AuditEvent.objects.count(),
        SignOff.objects.count(),
        ReviewContract.objects.count(),
        TeamSettings.objects.count(),
        Scan.objects.count(),
        *Membership.objects.order_by("id").values_list("role", flat=True),
        Membership.objects.count(),
        *Team.objects.order_by("id").values_list("revision", flat=True),
    )


def _expected(endpoint: Endpoint, persona: str) -> int:
    if persona == ANON:
        return 302
    if endpoint.role is None:
        return endpoint.ok
    if persona == OUTSIDER:
        return 404
    return endpoint.ok if RANK[persona] >= RANK[endpoint.role] else 403


@pytest.mark.parametrize("persona", PERSONAS)
@pytest.mark.parametrize("endpoint", ENDPOINTS, ids=[f"{e.method.upper()} {e.name}" for e in ENDPOINTS])
def test_role_matrix(world: World, endpoint: Endpoint, persona: str) -> None:
    client = Client()
    if persona != ANON:
        client.force_login(world.user(persona))
    url = reverse(endpoint.name, kwargs=endpoint.kwargs(world))
    before = _state()
    revision = Team.objects.get(pk=world.personas.team.pk).revision
    response = getattr(client, endpoint.method)(url, endpoint.data(world))
    expected = _expected(endpoint, persona)
    assert response.status_code == expected, (persona, endpoint.name, response.status_code)
    if persona == ANON:
        assert response["Location"].startswith(reverse("login"))
    if expected != endpoint.ok or persona == ANON:
        assert _state() == before, "a refused request changed something"
    elif endpoint.method == "post":
        assert _state() != before, "an allowed POST changed nothing"
        # ... and moved the team's revision, or its cached pages would not show the change
        assert Team.objects.get(pk=world.personas.team.pk).revision > revision


def test_users_see_only_their_teams_in_lists(world: World) -> None:
    outsider = Client()
    outsider.force_login(world.personas.outsider)
    assert "billing" not in outsider.get(reverse("repository-list")).content.decode()
    assert f"#{world.scan.pk}" not in outsider.get(reverse("review-index")).content.decode()
    member = Client()
    member.force_login(world.personas.viewer)
    assert f"#{world.scan.pk}" in member.get(reverse("review-index")).content.decode()


# --- The whole URLconf ---------------------------------------------------------------

# Public on purpose: sign-in/out, liveness, Django admin (its own login), push webhooks
# (authenticated by signature), and the token-authenticated API (checked in its own tests).
# The set-password link of an invitation is authenticated by its one-time token.
PUBLIC_PREFIXES = (
    "accounts/login/",
    "accounts/logout/",
    "accounts/set-password/",
    "healthz",
    "admin/",
    "webhooks/",
    "api/",
)


def _walk(patterns: list[URLPattern | URLResolver], prefix: str = "") -> Iterator[tuple[str, URLPattern]]:
    for p in patterns:
        if isinstance(p, URLResolver):
            yield from _walk(p.url_patterns, prefix + str(p.pattern))
        else:
            yield prefix + str(p.pattern), p


def _fill(route: str, w: World) -> str:
    """A concrete path for `route`, pointing at the world's objects where the name says which."""

    values = {
        "scan_id": w.scan.pk,
        "repository_id": w.repository.pk,
        "team_slug": w.personas.team.slug,
        "team_id": w.personas.team.pk,
        "fmt": "csv",
        "rule_id": "AI101",
    }

    def sub(match: re.Match[str]) -> str:
        converter, name = (match.group(1) or "str"), match.group(2)
        return str(values.get(name, 1 if converter == "int" else "x"))

    return "/" + re.sub(r"<(?:(\w+):)?(\w+)>", sub, route)


def _routes(w: World, keyed_by: tuple[str, ...] = ()) -> list[tuple[str, str]]:
    """(name, concrete path) of every non-public route; with `keyed_by`, only the routes
    taking one of those parameters."""
    found = []
    for route, pattern in _walk(get_resolver().url_patterns):
        if route.startswith(PUBLIC_PREFIXES) or route.startswith("^") or "(?P" in route:
            continue
        if keyed_by and not any(f":{k}>" in route or f"<{k}>" in route for k in keyed_by):
            continue
        found.append((pattern.name or route, _fill(route, w)))
    return found


def test_every_view_outside_the_allow_list_requires_sign_in(world: World) -> None:
    client = Client()
    routes = _routes(world)
    assert len(routes) >= len({e.name for e in ENDPOINTS})
    for name, path in routes:
        for method in ("get", "post"):
            response = getattr(client, method)(path)
            assert response.status_code in (302, 401, 403, 405), (name, method, path, response.status_code)
            if response.status_code == 302:
                assert response["Location"].startswith(reverse("login")), (name, path)
    assert not AuditEvent.objects.exists()


def test_no_view_shows_or_changes_another_teams_scan_or_repository(world: World) -> None:
    """Any route keyed by this team's scan, repository or team is a 404/403 for an outsider."""
    client = Client()
    client.force_login(world.personas.outsider)
    keyed = _routes(world, keyed_by=("scan_id", "repository_id", "team_slug"))
    assert {"review-detail", "scan-detail", "repository-detail", "contract-detail"} <= {n for n, _ in keyed}
    before = _state()
    for name, path in keyed:
        for method in ("get", "post"):
            status = getattr(client, method)(path).status_code
            assert status in (403, 404, 405), (name, method, path, status)
    assert _state() == before


def test_the_matrix_covers_every_route_of_the_review_area_and_the_foundation() -> None:
    routes = auditor.urls.review_routes + auditor.urls.team_routes
    mine = {p.name for p in routes if isinstance(p, URLPattern)}
    foundation = {"repository-list", "repository-detail", "scan-create", "scan-detail", "scan-status"}
    assert mine | foundation | {"rule-index", "rule-detail"} <= {e.name for e in ENDPOINTS}


def test_a_viewer_changes_nothing_through_any_post_route_of_his_team(world: World) -> None:
    """Viewers read. Any POST to a route keyed by his team's scan, repository or team, from
    any feature area, is refused and leaves no trace."""
    client = Client()
    client.force_login(world.personas.viewer)
    before = _state()
    for name, path in _routes(world, keyed_by=("scan_id", "repository_id", "team_slug")):
        status = client.post(path, {"role": "admin", "text": "x", "section": "0"}).status_code
        assert status in (403, 404, 405), (name, path, status)
    assert _state() == before
