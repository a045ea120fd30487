"""Writes for repositories."""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.text import slugify

from auditor.git import CloneError, validate_clone_url
from auditor.models import Repository, Team


def repository_create(*, team: Team, name: str, clone_url: str, default_branch: str = "main") -> Repository:
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
    if Repository.objects.filter(team=team, name=name).exists():
        raise ValidationError(f"Team {team.name} already has a repository called {name!r}.")
    return Repository.objects.create(
        team=team,
        name=name,
        slug=slugify(name) or "repository",
        clone_url=clone_url,
        default_branch=branch,
    )
