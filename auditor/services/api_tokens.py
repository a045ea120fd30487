"""Writes for personal API tokens: create (the clear token is returned once), revoke, authenticate."""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass

from django.contrib.auth.models import User
from django.utils import timezone

from auditor.models import ApiToken

TOKEN_PREFIX = "aud_"  # noqa: S105 (a public marker, not a secret)
# Refresh last_used_at at most this often, so API calls do not write on every request.
LAST_USED_RESOLUTION_SECONDS = 60


@dataclass(frozen=True)
class IssuedToken:
    token: ApiToken
    clear: str  # shown to the user once, never stored


def token_hash(clear: str) -> str:
    return hashlib.sha256(clear.encode("utf-8")).hexdigest()


def api_token_create(*, user: User, name: str) -> IssuedToken:
    """A new token for `user`; the clear text is in the result and nowhere else."""
    clear = TOKEN_PREFIX + secrets.token_urlsafe(32)
    token = ApiToken.objects.create(
        user=user, name=name.strip()[:100] or "token", prefix=clear[:12], token_hash=token_hash(clear)
    )
    return IssuedToken(token=token, clear=clear)


def api_token_revoke(*, user: User, token_id: int) -> bool:
    """Revoke one of `user`'s tokens; False when it is not his or already revoked."""
    return bool(
        ApiToken.objects.filter(pk=token_id, user=user, revoked_at__isnull=True).update(
            revoked_at=timezone.now()
        )
    )


def api_token_authenticate(clear: str) -> User | None:
    """The active user owning the active token `clear`, or None."""
    if not clear.startswith(TOKEN_PREFIX) or len(clear) > 200:
        return None
    token = (
        ApiToken.objects.select_related("user")
        .filter(token_hash=token_hash(clear), revoked_at__isnull=True, user__is_active=True)
        .first()
    )
    if token is None:
        return None
    now = timezone.now()
    if (
        token.last_used_at is None
        or (now - token.last_used_at).total_seconds() > LAST_USED_RESOLUTION_SECONDS
    ):
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
    return token.user
