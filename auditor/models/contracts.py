"""Review contracts: the checklist a reviewer signs, versioned per team.

A contract version is never edited once written: an admin's edit writes a whole new
version (see services/contracts.py), so a review keeps exactly the items it started with.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models

from auditor.models.teams import Team


class EvidenceKind(models.TextChoices):
    """Where an item's automatic evidence comes from."""

    NONE = "none", "Manual check"
    FINDINGS = "findings", "Scanner findings"
    COMPLEXITY = "complexity", "Files over the complexity threshold"


class ReviewContract(models.Model):
    team = models.ForeignKey(Team, on_delete=models.CASCADE, related_name="contracts")
    version = models.PositiveIntegerField()
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    change_note = models.CharField(max_length=300, blank=True)

    class Meta:
        ordering = ["team", "-version"]
        constraints = [
            # Also the index behind "the team's current contract" (highest version).
            models.UniqueConstraint(fields=["team", "version"], name="contract_unique_team_version"),
        ]

    def __str__(self) -> str:
        return f"{self.team} contract v{self.version}"


class ContractSection(models.Model):
    contract = models.ForeignKey(ReviewContract, on_delete=models.CASCADE, related_name="sections")
    title = models.CharField(max_length=200)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["contract", "position", "id"]

    def __str__(self) -> str:
        return self.title


class ContractItem(models.Model):
    section = models.ForeignKey(ContractSection, on_delete=models.CASCADE, related_name="items")
    # Items keep a key across versions so that history ("this item was reworded") can be followed.
    key = models.SlugField(max_length=80)
    text = models.CharField(max_length=300)
    position = models.PositiveSmallIntegerField(default=0)
    # Required items must be passed (or marked not applicable) for approval; optional ones may be
    # left unanswered, but an explicit fail on any item still blocks approval.
    required = models.BooleanField(default=True)
    evidence = models.CharField(max_length=16, choices=EvidenceKind.choices, default=EvidenceKind.NONE)
    rule_ids = models.JSONField(default=list, blank=True)
    categories = models.JSONField(default=list, blank=True)

    class Meta:
        ordering = ["section__position", "position", "id"]

    def __str__(self) -> str:
        return self.text
