"""Writes for teams and memberships."""

from __future__ import annotations

from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction
from django.utils.text import slugify

from auditor.models import Membership, Role, Team
from auditor.services.revisions import team_changed


def team_get_or_create(name: str) -> Team:
    """The team called `name`, created if missing."""
    team, _ = Team.objects.get_or_create(name=name, defaults={"slug": slugify(name) or "team"})
    return team


@transaction.atomic
def membership_set(*, user: AbstractBaseUser, team: Team, role: str = Role.VIEWER) -> Membership:
    """Make `user` a member of `team` with `role` (updating an existing membership)."""
    Role(role)  # unknown roles fail loudly rather than silently granting nothing
    membership, _ = Membership.objects.update_or_create(user=user, team=team, defaults={"role": role})
    team_changed(team.pk)
    return membership
