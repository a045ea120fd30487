"""Triage: a reviewer's decision about a fingerprint, applied to every later scan."""

from __future__ import annotations

from datetime import date

from django.contrib.auth.models import AnonymousUser, User
from django.db import transaction
from django.utils import timezone

from auditor.models import Repository, TrackedFinding, Triage, TriageStatus
from auditor.services.audit import audit_record
from auditor.services.tally import finding_tally_refresh


class TriageError(ValueError):
    """The request cannot be applied; the text is shown to the user."""


def _validate(status: str, reason: str, expires_at: date | None, today: date) -> None:
    if status not in TriageStatus.values:
        raise TriageError("Unknown triage status.")
    if status == TriageStatus.ACCEPTED_RISK and not reason.strip():
        raise TriageError("Accepting a risk needs a reason.")
    if expires_at is not None:
        if status != TriageStatus.ACCEPTED_RISK:
            raise TriageError("Only an accepted risk can expire.")
        if expires_at <= today:
            raise TriageError("The expiry date must be in the future.")


def _lock_repository(repository: Repository) -> None:
    """Lock the repository's row before the identities' rows, the order ingestion takes
    them in (the audit event moves the repository's revision, which would otherwise lock
    it after them and could deadlock with an ingestion). A triage also never interleaves
    with the lifecycle computation of the same repository."""
    Repository.objects.select_for_update().filter(pk=repository.pk).first()


def triage_set(
    *,
    repository: Repository,
    fingerprint: str,
    status: str,
    reason: str,
    expires_at: date | None,
    actor: User | AnonymousUser,
    today: date | None = None,
) -> Triage:
    """Mark `fingerprint` of `repository` as `status`; audited with from / to / reason.

    Raises TriageError for an invalid request (accepted risk without a reason, expiry in
    the past or on another status).
    """
    _validate(status, reason, expires_at, today or timezone.localdate())
    with transaction.atomic():
        _lock_repository(repository)
        triage = (
            Triage.objects.select_for_update().filter(repository=repository, fingerprint=fingerprint).first()
        )
        before = {"status": triage.status, "expires_at": str(triage.expires_at or "")} if triage else None
        if triage is None:
            triage = Triage(repository=repository, fingerprint=fingerprint)
        triage.status, triage.reason, triage.expires_at = status, reason.strip(), expires_at
        triage.updated_by = actor if isinstance(actor, User) else None
        triage.save()
        TrackedFinding.objects.filter(repository=repository, fingerprint=fingerprint).update(
            triage_status=status, triage_expires_at=expires_at
        )
        finding_tally_refresh(repository)
        audit_record(
            team=repository.team,
            actor=actor,
            action="finding.triaged",
            obj=triage,
            details={
                "fingerprint": fingerprint,
                "from": before["status"] if before else "open",
                "to": status,
                "reason": triage.reason,
                "expires_at": str(expires_at or ""),
            },
        )
    return triage


def triage_clear(*, repository: Repository, fingerprint: str, actor: User | AnonymousUser) -> bool:
    """Re-open a triaged fingerprint; False when it was not triaged. Audited."""
    with transaction.atomic():
        _lock_repository(repository)
        triage = (
            Triage.objects.select_for_update().filter(repository=repository, fingerprint=fingerprint).first()
        )
        if triage is None:
            return False
        audit_record(
            team=repository.team,
            actor=actor,
            action="finding.untriaged",
            obj=triage,
            details={"fingerprint": fingerprint, "from": triage.status, "to": "open", "reason": ""},
        )
        triage.delete()
        TrackedFinding.objects.filter(repository=repository, fingerprint=fingerprint).update(
            triage_status="", triage_expires_at=None
        )
        finding_tally_refresh(repository)
    return True
