"""Writes for repositories."""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth.models import AnonymousUser, User
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils.text import slugify

from auditor.git import CloneError, scrub_credentials, validate_clone_url
from auditor.models import Repository, Team
from auditor.services.audit import audit_record


def repository_create(
    *,
    team: Team,
    name: str,
    clone_url: str,
    default_branch: str = "main",
    actor: User | AnonymousUser | None = None,
) -> Repository:
    """Register a repository after validating its URL against the clone policy.

    Raises ValidationError with a user-readable message for a refused URL or a
    duplicate name, so callers (forms, commands, API) show it as it is.
    """
    name = name.strip()
    if not name:
        raise ValidationError("A repository needs a name.")
    branch = default_branch.strip()
    if not branch or branch.startswith("-") or any(c in branch for c in " \t\n\x00~^:?*[\\"):
        raise ValidationError(f"{default_branch!r} is not a valid branch name.")
    try:
        validate_clone_url(clone_url, settings.AUDITOR_LOCAL_REPO_ROOTS)
    except CloneError as exc:
        raise ValidationError(str(exc.message)) from exc
    slug = slugify(name) or "repository"
    taken = f"Team {team.name} already has a repository called {name!r} (or one whose URL name is {slug!r})."
    if Repository.objects.filter(Q(name=name) | Q(slug=slug), team=team).exists():
        raise ValidationError(taken)
    try:
        with transaction.atomic():
            repository = Repository.objects.create(
                team=team, name=name, slug=slug, clone_url=clone_url, default_branch=branch
            )
            audit_record(
                team=team,
                actor=actor,
                action="repository.created",
                obj=repository,
                details={"clone_url": scrub_credentials(clone_url), "default_branch": branch},
            )
    except IntegrityError as exc:
        # Another request registered the same name between the check and the insert.
        raise ValidationError(taken) from exc
    return repository
