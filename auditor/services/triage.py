"""Triage: a reviewer's decision about a fingerprint, applied to every later scan, for one
finding or for many at once (the findings list's bulk action)."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date

from django.contrib.auth.models import AnonymousUser, User
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone

from auditor.models import Repository, Role, TrackedFinding, Triage, TriageStatus
from auditor.permissions import can
from auditor.services.audit import audit_record, audit_record_many
from auditor.services.tally import finding_tally_refresh

REASON_MAX = 2000
BULK_MAX = 5000  # identities one bulk triage may change; more is a filter to narrow first


class TriageError(ValueError):
    """The request cannot be applied; nothing was written. `errors` maps each form field
    (status, reason, expires_at, selection) to what is wrong with it, shown beside it."""

    def __init__(self, errors: dict[str, str]) -> None:
        super().__init__(" ".join(errors.values()))
        self.errors = errors


@dataclass(frozen=True)
class TriageDecision:
    """What a reviewer decided: status, reason (required for every decision), expiry."""

    status: str
    reason: str
    expires_at: date | None = None


def triage_validate(decision: TriageDecision, today: date) -> None:
    """Every rule a decision must meet, all reported at once (TriageError). Here, not in
    a form, so a bulk triage, the API or a script is held to the same rules."""
    errors: dict[str, str] = {}
    if decision.status not in TriageStatus.values:
        errors["status"] = "Choose a decision."
    if not decision.reason.strip():
        errors["reason"] = "Give the reason for this decision; it is shown wherever the finding is."
    elif len(decision.reason) > REASON_MAX:
        errors["reason"] = f"Keep the reason under {REASON_MAX} characters."
    if decision.expires_at is not None:
        if decision.status != TriageStatus.ACCEPTED_RISK:
            errors["expires_at"] = "Only an accepted risk can expire."
        elif decision.expires_at <= today:
            errors["expires_at"] = "The expiry date must be in the future."
    if errors:
        raise TriageError(errors)


def _lock_repository(repository: Repository) -> None:
    """Lock the repository's row before the identities' rows, the order ingestion takes
    them in (the audit event moves the repository's revision, which would otherwise lock
    it after them and could deadlock with an ingestion). A triage also never interleaves
    with the lifecycle computation of the same repository."""
    Repository.objects.select_for_update().filter(pk=repository.pk).first()


def _apply(
    repository: Repository, fingerprints: list[str], decision: TriageDecision, actor: User | AnonymousUser
) -> list[tuple[Triage, dict[str, str]]]:
    """Write `decision` for `fingerprints` of `repository` (its row locked by the caller):
    the Triage rows, their copy on the identities and the tally. Returns each triage with
    the audit details of its change."""
    reason = decision.reason.strip()
    existing = {
        t.fingerprint: t
        for t in Triage.objects.select_for_update().filter(
            repository=repository, fingerprint__in=fingerprints
        )
    }
    user = actor if isinstance(actor, User) else None
    now = timezone.now()
    created: list[Triage] = []
    changed: list[tuple[Triage, dict[str, str]]] = []
    for fingerprint in fingerprints:
        triage = existing.get(fingerprint)
        before = triage.status if triage else "open"
        if triage is None:
            triage = Triage(repository=repository, fingerprint=fingerprint)
            created.append(triage)
        triage.status, triage.reason, triage.expires_at = decision.status, reason, decision.expires_at
        triage.updated_by, triage.updated_at = user, now
        details = {
            "fingerprint": fingerprint,
            "from": before,
            "to": decision.status,
            "reason": reason,
            "expires_at": str(decision.expires_at or ""),
        }
        changed.append((triage, details))
    # Two statements whatever the number (a bulk triage of thousands stays one request).
    Triage.objects.bulk_create(created, batch_size=1000)
    Triage.objects.bulk_update(
        list(existing.values()),
        ["status", "reason", "expires_at", "updated_by", "updated_at"],
        batch_size=1000,
    )
    TrackedFinding.objects.filter(repository=repository, fingerprint__in=fingerprints).update(
        triage_status=decision.status, triage_expires_at=decision.expires_at
    )
    finding_tally_refresh(repository)
    return changed


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

    Raises TriageError for an invalid request (no decision, no reason, expiry in the past
    or on another status than accepted risk).
    """
    decision = TriageDecision(status, reason, expires_at)
    triage_validate(decision, today or timezone.localdate())
    with transaction.atomic():
        _lock_repository(repository)
        ((triage, details),) = _apply(repository, [fingerprint], decision, actor)
        audit_record(team=repository.team, actor=actor, action="finding.triaged", obj=triage, details=details)
    return triage


def triage_bulk(
    *,
    identities: QuerySet[TrackedFinding],
    decision: TriageDecision,
    actor: User | AnonymousUser,
    today: date | None = None,
) -> int:
    """Apply one `decision` to every identity in `identities` (the rows a reviewer ticked,
    or all rows matching the list's filter, already scoped to what `actor` may see).

    All or nothing: the decision is validated first, the actor must be a reviewer in every
    team concerned, and at most BULK_MAX identities change. Each repository is locked and
    written in turn, inside one transaction, with one audit event per finding (its page's
    trail) and one revision move per repository. Returns the number of findings triaged.
    """
    triage_validate(decision, today or timezone.localdate())
    rows = list(identities.order_by().values_list("repository_id", "fingerprint").distinct()[: BULK_MAX + 1])
    if not rows:
        raise TriageError({"selection": "Select at least one finding."})
    if len(rows) > BULK_MAX:
        raise TriageError({"selection": f"More than {BULK_MAX:,} findings match: narrow the filter first."})
    by_repository: dict[int, list[str]] = defaultdict(list)
    for repository_id, fingerprint in rows:
        by_repository[repository_id].append(fingerprint)
    repositories = Repository.objects.select_related("team").in_bulk(list(by_repository))
    if not all(can(actor, r.team_id, Role.REVIEWER) for r in repositories.values()):
        raise TriageError({"selection": "Triage needs the reviewer role in every team of the selection."})
    total = 0
    with transaction.atomic():
        for repository_id in sorted(by_repository):  # a fixed order: no deadlock between two bulks
            repository = repositories[repository_id]
            _lock_repository(repository)
            fingerprints = sorted(set(by_repository[repository_id]))
            changed = _apply(repository, fingerprints, decision, actor)
            total += audit_record_many(
                team=repository.team,
                actor=actor,
                action="finding.triaged",
                records=[(t, {**d, "bulk": str(len(rows))}) for t, d in changed],
            )
    return total


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
