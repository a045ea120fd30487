"""Writes for team membership by admins: add an existing user, change a role, remove."""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.contrib.auth.models import AnonymousUser, User
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from auditor.models import Membership, Role, Team
from auditor.services.audit import audit_record


def _admins_left_after(team: Team, membership: Membership) -> int:
    return Membership.objects.filter(team=team, role=Role.ADMIN).exclude(pk=membership.pk).count()


def membership_add(*, team: Team, actor: User | AnonymousUser | None, username: str, role: str) -> Membership:
    """Give an existing account `role` in `team`. ValidationError for an unknown user,
    an unknown role or someone already a member."""
    if role not in Role.values:
        raise ValidationError("Unknown role.")
    user = get_user_model().objects.filter(username=username.strip()).first()
    if user is None:
        raise ValidationError(f"No account is called {username.strip()!r}.")
    already = f"{user.get_username()} is already a member of {team.name}."
    if Membership.objects.filter(team=team, user=user).exists():
        raise ValidationError(already)
    try:
        with transaction.atomic():
            membership = Membership.objects.create(team=team, user=user, role=role)
            audit_record(
                team=team,
                actor=actor,
                action="membership.added",
                obj=membership,
                details={"user": user.get_username(), "role": role},
            )
    except IntegrityError as exc:
        # A concurrent add of the same person won between the check and the insert.
        raise ValidationError(already) from exc
    return membership


def membership_change_role(
    *, team: Team, actor: User | AnonymousUser | None, membership_id: int, role: str
) -> Membership:
    """Change a member's role; the team always keeps at least one admin."""
    if role not in Role.values:
        raise ValidationError("Unknown role.")
    with transaction.atomic():
        # Lock the team's admin rows so two concurrent demotions cannot leave it without one.
        list(Membership.objects.select_for_update().filter(team=team, role=Role.ADMIN))
        membership = Membership.objects.select_related("user").filter(team=team, pk=membership_id).first()
        if membership is None:
            raise ValidationError("No such member.")
        old = membership.role
        if old == role:
            return membership
        if old == Role.ADMIN and _admins_left_after(team, membership) == 0:
            raise ValidationError("A team needs at least one admin.")
        membership.role = role
        membership.save(update_fields=["role"])
        audit_record(
            team=team,
            actor=actor,
            action="membership.changed",
            obj=membership,
            details={"user": membership.user.get_username(), "from": old, "to": role},
        )
    return membership


def membership_remove(*, team: Team, actor: User | AnonymousUser | None, membership_id: int) -> None:
    """Remove a member; the team always keeps at least one admin."""
    with transaction.atomic():
        list(Membership.objects.select_for_update().filter(team=team, role=Role.ADMIN))
        membership = Membership.objects.select_related("user").filter(team=team, pk=membership_id).first()
        if membership is None:
            raise ValidationError("No such member.")
        if membership.role == Role.ADMIN and _admins_left_after(team, membership) == 0:
            raise ValidationError("A team needs at least one admin.")
        audit_record(
            team=team,
            actor=actor,
            action="membership.removed",
            obj=membership,
            details={"user": membership.user.get_username(), "role": membership.role},
        )
        membership.delete()
