"""Writes for repositories."""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth.models import AnonymousUser, User
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils.text import slugify
from django_celery_beat.models import PeriodicTask

from auditor.git import CloneError, RemoteHead, remote_head, scrub_credentials, validate_clone_url
from auditor.git.urls import check_ref
from auditor.models import FileBlob, FileBlobOwner, Repository, RepositorySchedule, SignOff, Team
from auditor.models.repositories import _new_webhook_secret
from auditor.services.audit import audit_record

# How long registering or "check access" waits for the remote (`git ls-remote`): a
# person is waiting on the page.
REMOTE_CHECK_TIMEOUT = 20

# What deleting a repository removes and keeps; the confirmation page shows it as is.
DELETE_POLICY_REMOVED = (
    "its scans, findings, finding history and triage decisions",
    "its file texts (unless another repository of the server has the same file)",
    "its schedule and its webhook deliveries",
    "its trends, hotspots and gate results",
)
DELETE_POLICY_KEPT = (
    "the team's audit trail, including the events about this repository (it is append-only)",
)
DELETE_REFUSED_SIGNED = (
    "This repository has review sign-offs, which are an append-only record: it cannot be "
    "deleted. Deactivate it instead (its history stays, it is no longer scanned)."
)


def repository_create(
    *,
    team: Team,
    name: str,
    clone_url: str,
    default_branch: str | None = "main",
    actor: User | AnonymousUser | None = None,
) -> Repository:
    """Register a repository after validating its URL against the clone policy.

    With `default_branch=None` the branch is the one the remote's HEAD names
    (`repository_remote_head`), never assumed. Raises ValidationError with a
    user-readable message for a refused URL, an unreachable remote, a bad branch or a
    duplicate name, so callers (forms, commands, API) show it as it is.
    """
    name = name.strip()
    if not name:
        raise ValidationError("A repository needs a name.")
    clone_url = clone_url.strip()
    url_checked(clone_url)
    if default_branch is None or not default_branch.strip():
        default_branch = repository_detect_branch(clone_url)
    branch = branch_checked(default_branch)
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


def url_checked(clone_url: str) -> str:
    """`clone_url` if the clone policy allows it (the same rules as the clone itself,
    `auditor.git.urls`), else ValidationError with the policy's reason."""
    try:
        validate_clone_url(clone_url, settings.AUDITOR_LOCAL_REPO_ROOTS)
    except CloneError as exc:
        raise ValidationError(str(exc.message)) from exc
    return clone_url


def branch_checked(branch: str) -> str:
    """`branch` stripped, if git would accept it as a branch name."""
    try:
        check_ref(branch.strip(), None)
    except CloneError as exc:
        raise ValidationError(f"{branch!r} is not a valid branch name.") from exc
    return branch.strip()


def repository_remote_head(clone_url: str) -> RemoteHead:
    """Ask the remote (`git ls-remote --symref`, through the hardened runner) for its
    default branch and branches. ValidationError with a readable reason (credentials
    scrubbed) when the URL is refused or the server cannot reach it."""
    try:
        return remote_head(
            clone_url, local_roots=settings.AUDITOR_LOCAL_REPO_ROOTS, timeout_seconds=REMOTE_CHECK_TIMEOUT
        )
    except CloneError as exc:
        raise ValidationError(exc.message) from exc


def repository_detect_branch(clone_url: str) -> str:
    """The branch the remote's HEAD names; ValidationError when there is none to read."""
    head = repository_remote_head(clone_url)
    if head.default_branch is None:
        raise ValidationError(
            "The repository's HEAD names no branch with commits (is it empty?); give the branch to scan."
        )
    return head.default_branch


def repository_check_access(*, repository: Repository, actor: User | AnonymousUser | None) -> RemoteHead:
    """Check access: can the server reach the repository with its configured access,
    and which branch is its default there. Recorded in the audit trail either way."""
    failure: ValidationError | None = None
    try:
        head = repository_remote_head(repository.clone_url)
    except ValidationError as exc:
        failure = exc
        details: dict[str, object] = {"ok": False, "reason": exc.messages[0]}
    else:
        details = {"ok": True, "default_branch": head.default_branch, "branches": len(head.branches)}
    with transaction.atomic():
        audit_record(
            team=repository.team,
            actor=actor,
            action="repository.access_checked",
            obj=repository,
            details=details,
        )
    if failure is not None:
        raise failure
    return head


def repository_update(
    *,
    repository: Repository,
    actor: User | AnonymousUser | None,
    name: str,
    clone_url: str,
    default_branch: str,
) -> Repository:
    """Rename a repository, change its URL or default branch (each checked like at
    registration). The audit event lists what changed, URLs without credentials."""
    name = name.strip()
    if not name:
        raise ValidationError("A repository needs a name.")
    clone_url = url_checked(clone_url.strip())
    branch = branch_checked(default_branch)
    slug = slugify(name) or "repository"
    taken = Repository.objects.filter(Q(name=name) | Q(slug=slug), team_id=repository.team_id)
    if taken.exclude(pk=repository.pk).exists():
        raise ValidationError(
            f"Team {repository.team.name} already has a repository called {name!r} "
            f"(or one whose URL name is {slug!r})."
        )
    new = {"name": name, "slug": slug, "clone_url": clone_url, "default_branch": branch}
    changed = {field: value for field, value in new.items() if getattr(repository, field) != value}
    if not changed:
        return repository
    shown = {
        field: scrub_credentials(value) if field == "clone_url" else value
        for field, value in changed.items()
        if field != "slug"
    }
    with transaction.atomic():
        for field, value in changed.items():
            setattr(repository, field, value)
        repository.save(update_fields=list(changed))
        audit_record(
            team=repository.team, actor=actor, action="repository.updated", obj=repository, details=shown
        )
    return repository


def repository_set_active(
    *, repository: Repository, actor: User | AnonymousUser | None, active: bool
) -> None:
    """Deactivate (no scans from schedules, webhooks, the UI or the API; history kept and
    shown) or reactivate a repository."""
    if repository.active == active:
        return
    with transaction.atomic():
        repository.active = active
        repository.save(update_fields=["active"])
        audit_record(
            team=repository.team,
            actor=actor,
            action="repository.activated" if active else "repository.deactivated",
            obj=repository,
        )


def repository_rotate_webhook_secret(*, repository: Repository, actor: User | AnonymousUser | None) -> str:
    """A new webhook secret: deliveries signed with the old one are refused from now on
    (403), so the forge's webhook must be given the new one. The secret itself is never
    written to the audit trail."""
    with transaction.atomic():
        repository.webhook_secret = _new_webhook_secret()
        repository.save(update_fields=["webhook_secret"])
        audit_record(
            team=repository.team, actor=actor, action="repository.webhook_secret_rotated", obj=repository
        )
    return repository.webhook_secret


def repository_delete(
    *, repository: Repository, actor: User | AnonymousUser | None, confirm_name: str
) -> None:
    """Delete a repository and everything scanned of it (`DELETE_POLICY_REMOVED`); the
    audit trail keeps its events. `confirm_name` must repeat the repository's name.
    Refused (ValidationError) when its reviews have sign-offs, which are append-only."""
    if confirm_name.strip() != repository.name:
        raise ValidationError("Type the repository's name exactly to confirm.")
    if SignOff.objects.filter(review__scan__repository=repository).exists():
        raise ValidationError(DELETE_REFUSED_SIGNED)
    with transaction.atomic():
        # Lock the row (repository first, like everywhere else) so a scan cannot be
        # ingested into it while it goes.
        Repository.objects.select_for_update().filter(pk=repository.pk).first()
        audit_record(
            team=repository.team,
            actor=actor,
            action="repository.deleted",
            obj=repository,
            details={"name": repository.name, "clone_url": repository.display_url},
        )
        # Beat's row of its schedule (the schedule itself goes with the repository).
        task_ids = RepositorySchedule.objects.filter(repository=repository).values("periodic_task_id")
        PeriodicTask.objects.filter(pk__in=task_ids).delete()
        owned = list(FileBlobOwner.objects.filter(repository=repository).values_list("blob_id", flat=True))
        repository.delete()
        # Its file texts that no other repository owns (the file page reads a text only
        # through an owner, so they would be unreachable anyway).
        for start in range(0, len(owned), 1000):
            FileBlob.objects.filter(pk__in=owned[start : start + 1000], owners__isnull=True).delete()
