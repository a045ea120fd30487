"""Admins create accounts for colleagues: a user without a password, a membership, and
a one-time link to set the password (Django's password-reset tokens)."""

from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import AnonymousUser, User
from django.contrib.auth.tokens import default_token_generator
from django.contrib.auth.validators import UnicodeUsernameValidator
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from auditor.models import Membership, Role, Team
from auditor.services.audit import audit_record


@dataclass(frozen=True)
class Invitation:
    """A new account and how its owner sets a password: `link` is a path (the view makes
    it absolute); `emailed` says whether it was sent, or must be handed over by the admin."""

    membership: Membership
    link: str
    emailed: bool


def set_password_path(user: User) -> str:
    """The one-time set-password path of `user`. The token depends on the password hash
    and the last sign-in, so it stops working once the password is set (or the person
    signs in), and after PASSWORD_RESET_TIMEOUT seconds in any case."""
    uid = urlsafe_base64_encode(force_bytes(user.pk))
    return reverse("password-set", kwargs={"uidb64": uid, "token": default_token_generator.make_token(user)})


def membership_invite(
    *,
    team: Team,
    actor: User | AnonymousUser | None,
    username: str,
    email: str,
    role: str,
    base_url: str,
) -> Invitation:
    """Create an account `username` (no usable password) with `role` in `team`, and a
    one-time link to set its password. The link is emailed through Django's email
    backend when a mail server is configured (EMAIL_HOST); otherwise the page shows it
    to the admin. ValidationError for a taken username, a bad e-mail or role."""
    username = username.strip()
    email = email.strip()
    if role not in Role.values:
        raise ValidationError("Unknown role.")
    if not username:
        raise ValidationError("Give the new account a username.")
    user_model = get_user_model()
    UnicodeUsernameValidator()(username)  # Django's own rule for usernames
    if email:
        validate_email(email)
    taken = f"An account called {username!r} exists already: add it under Add an existing account."
    if user_model.objects.filter(username=username).exists():
        raise ValidationError(taken)
    try:
        with transaction.atomic():
            user = user_model.objects.create_user(username=username, email=email)  # unusable password
            membership = Membership.objects.create(team=team, user=user, role=role)
            audit_record(
                team=team,
                actor=actor,
                action="membership.invited",
                obj=membership,
                details={"user": username, "role": role, "email": email},
            )
    except IntegrityError as exc:
        raise ValidationError(taken) from exc
    link = set_password_path(user)
    emailed = bool(email) and settings.EMAIL_CONFIGURED
    if emailed:
        inviter = actor.get_username() if isinstance(actor, User) else "An admin"
        send_mail(
            subject=f"You have an account on auditor ({team.name})",
            message=(
                f"{inviter} created the account {username} for you in the team {team.name}.\n\n"
                f"Set your password here (the link works once):\n{base_url}{link}\n"
            ),
            from_email=None,  # DEFAULT_FROM_EMAIL
            recipient_list=[email],
        )
    return Invitation(membership=membership, link=link, emailed=emailed)
