"""Writes for reviews: starting one and appending sign-offs (never editing them)."""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from auditor.models import ContractItem, Decision, Repository, Review, Scan, ScanStatus, SignOff, Team
from auditor.selectors.contracts import team_settings_for
from auditor.selectors.gate import scan_latest_successful
from auditor.selectors.reviews import approval_compute, evidence_for_items
from auditor.services.audit import audit_record
from auditor.services.contracts import contract_ensure
from auditor.services.gate import gate_refresh
from auditor.services.trust import trust_apply_review


@dataclass(frozen=True)
class ItemDecision:
    item_id: int
    decision: str
    comment: str = ""
    justification: str = ""


class SignOffRejected(ValidationError):
    """Nothing was recorded; `item_errors` maps item ids to what is missing."""

    def __init__(self, message: str, item_errors: dict[int, str] | None = None) -> None:
        super().__init__(message)
        self.item_errors = item_errors or {}


def review_start(*, scan: Scan, actor: User) -> Review:
    """The scan's review, created against the team's current contract version if missing.
    The review keeps that version even if the contract is edited later."""
    review = Review.objects.filter(scan=scan).first()
    if review is not None:
        return review
    contract = contract_ensure(scan.repository.team)
    review, _ = Review.objects.get_or_create(scan=scan, defaults={"contract": contract, "started_by": actor})
    return review


def review_sign(*, scan: Scan, reviewer: User, decisions: list[ItemDecision]) -> Review:
    """Append one sign-off per decided item, then recompute approval, trust and the gate.

    All or nothing: a pass on an item whose evidence contradicts it needs a written
    justification, and any such gap rejects the whole submission (SignOffRejected).
    """
    if scan.status != ScanStatus.SUCCEEDED:
        raise SignOffRejected("Only a succeeded scan can be reviewed.")
    decisions = [d for d in decisions if d.decision]
    if not decisions:
        raise SignOffRejected("Choose pass, fail or not applicable for at least one item.")
    with transaction.atomic():
        # One writer at a time per repository: approval is computed from a stable set of rows,
        # and a scan being ingested meanwhile cannot copy the files' trust before it counts.
        Repository.objects.select_for_update().filter(pk=scan.repository_id).first()
        Scan.objects.select_for_update().filter(pk=scan.pk).first()
        review = review_start(scan=scan, actor=reviewer)
        items = {i.pk: i for i in ContractItem.objects.filter(section__contract_id=review.contract_id)}
        errors: dict[int, str] = {}
        for d in decisions:
            if d.item_id not in items:
                raise SignOffRejected("An item does not belong to this review's contract.")
            if d.decision not in Decision.values:
                errors[d.item_id] = "Unknown decision."
        settings = team_settings_for(scan.repository.team)
        evidence = evidence_for_items(scan, [items[d.item_id] for d in decisions], settings)
        for d in decisions:
            if (
                d.decision == Decision.PASS
                and evidence[d.item_id].contradicts
                and not d.justification.strip()
            ):
                errors[d.item_id] = (
                    f"The scanners report {evidence[d.item_id].count} contradicting result(s): "
                    "explain why this item passes anyway."
                )
        if errors:
            raise SignOffRejected("Nothing was recorded: some items need attention.", errors)
        name = reviewer.get_username()
        SignOff.objects.bulk_create(
            [
                SignOff(
                    review=review,
                    item_id=d.item_id,
                    reviewer=reviewer,
                    reviewer_name=name,
                    decision=d.decision,
                    comment=d.comment.strip()[:5000],
                    justification=d.justification.strip()[:5000] if d.decision == Decision.PASS else "",
                    evidence_count=evidence[d.item_id].count,
                )
                for d in decisions
            ]
        )
        audit_record(
            team=scan.repository.team,
            actor=reviewer,
            action="review.signed",
            obj=review,
            details={
                "scan": scan.pk,
                "commit": scan.commit_sha,
                "decisions": {items[d.item_id].key: d.decision for d in decisions},
                "justified": [items[d.item_id].key for d in decisions if d.justification.strip()],
            },
        )
        review_refresh_approval(review, scan=scan, settings_required=settings.required_reviewers)
    return review


def review_refresh_approval(review: Review, *, scan: Scan, settings_required: int) -> bool:
    """Recompute the stored approval from the sign-offs; on a change, record it, count it
    in the files' trust and refresh the gate. Returns the approval."""

    items = ContractItem.objects.filter(section__contract_id=review.contract_id)
    signoffs = SignOff.objects.filter(review=review).order_by("created_at", "id")
    approval = approval_compute(items, signoffs, settings_required)
    if approval.approved != review.approved:
        review.approved = approval.approved
        review.approved_at = timezone.now() if approval.approved else None
        review.save(update_fields=["approved", "approved_at"])
        audit_record(
            team=scan.repository.team,
            actor=None,
            action="review.approved" if approval.approved else "review.unapproved",
            obj=review,
            details={"scan": scan.pk, "signers": approval.signers, "blockers": approval.blockers},
        )
        trust_apply_review(scan, 1 if approval.approved else -1)
    gate_refresh(scan)
    return approval.approved


def reviews_reapprove_latest(team: Team, settings_required: int) -> int:
    """Recompute the stored approval of each repository's latest reviewed scan on its
    default branch, after the team's required number of reviewers changed; older scans
    keep the verdict of their time, as their gates do. Returns the number of reviews."""
    latest_scan_ids = [
        scan.pk for repository in team.repositories.all() if (scan := scan_latest_successful(repository))
    ]
    reviews = Review.objects.filter(scan_id__in=latest_scan_ids).select_related("scan__repository__team")
    for review in reviews:
        review_refresh_approval(review, scan=review.scan, settings_required=settings_required)
    return len(reviews)
