"""Personas for the Django side: one team, its viewer/reviewer/admin, and an outsider."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.core.cache import cache

from auditor.models import Membership, Repository, Role, Team


@pytest.fixture(autouse=True)
def _empty_cache() -> None:
    """Each test starts with an empty cache: ids repeat across tests whose rows were rolled
    back, so a page section cached by one test could otherwise be served to the next."""
    cache.clear()


@dataclass
class Personas:
    team: Team
    other_team: Team
    viewer: User
    reviewer: User
    admin: User
    outsider: User  # member of other_team only


@pytest.fixture
def personas(db: None, django_user_model: type[User]) -> Personas:
    team = Team.objects.create(name="Payments", slug="payments")
    other = Team.objects.create(name="Search", slug="search")
    users: dict[str, User] = {}
    for name, role, member_of in [
        ("vera", Role.VIEWER, team),
        ("rita", Role.REVIEWER, team),
        ("adam", Role.ADMIN, team),
        ("otto", Role.ADMIN, other),
    ]:
        user = django_user_model.objects.create_user(username=name, password="pw-" + name)
        Membership.objects.create(user=user, team=member_of, role=role)
        users[name] = user
    return Personas(team, other, users["vera"], users["rita"], users["adam"], users["otto"])


@pytest.fixture
def repository(personas: Personas) -> Repository:
    return Repository.objects.create(
        team=personas.team, name="billing", slug="billing", clone_url="https://example.com/billing.git"
    )


@pytest.fixture
def counts_world(personas: Personas) -> Any:
    """tests/auditor/counts_fixture.py: findings in every state a count can get wrong."""
    from tests.auditor.counts_fixture import build_counts_world

    return build_counts_world(personas.team, personas.reviewer)
