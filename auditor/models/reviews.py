"""Reviews of one scan against one contract version, and their append-only sign-offs."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models

from auditor.models.audit import AppendOnlyError
from auditor.models.contracts import ContractItem, ReviewContract
from auditor.models.scans import Scan


class Review(models.Model):
    """A contract applied to one scan, hence to one commit: a new commit never inherits it."""

    scan = models.OneToOneField(Scan, on_delete=models.CASCADE, related_name="review")
    contract = models.ForeignKey(ReviewContract, on_delete=models.PROTECT, related_name="reviews")
    started_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    # Derived from the sign-offs by services/reviews.py after each one; kept for lists and the gate.
    approved = models.BooleanField(default=False)
    approved_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"Review of scan #{self.scan_id}"


class Decision(models.TextChoices):
    PASS = "pass", "Pass"
    FAIL = "fail", "Fail"
    NOT_APPLICABLE = "n/a", "Not applicable"


class SignOffQuerySet(models.QuerySet["SignOff"]):
    def update(self, **kwargs: Any) -> int:
        raise AppendOnlyError("sign-offs are append-only")

    def delete(self) -> tuple[int, dict[str, int]]:
        raise AppendOnlyError("sign-offs are append-only")


class SignOff(models.Model):
    """One reviewer's decision on one item. A correction is a new row, never an edit."""

    review = models.ForeignKey(Review, on_delete=models.PROTECT, related_name="signoffs")
    item = models.ForeignKey(ContractItem, on_delete=models.PROTECT, related_name="signoffs")
    reviewer = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    reviewer_name = models.CharField(max_length=150)
    decision = models.CharField(max_length=8, choices=Decision.choices)
    comment = models.TextField(blank=True)
    # Required when passing an item whose evidence contradicts it; shown beside the decision.
    justification = models.TextField(blank=True)
    # How many contradicting findings/files the reviewer had in front of him when signing.
    evidence_count = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = SignOffQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [
            # The review page's timeline and the approval computation.
            models.Index(fields=["review", "created_at"], name="signoff_review_created_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.reviewer_name} {self.decision} item {self.item_id}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.pk is not None:
            raise AppendOnlyError("sign-offs are append-only")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> tuple[int, dict[str, int]]:
        raise AppendOnlyError("sign-offs are append-only")
