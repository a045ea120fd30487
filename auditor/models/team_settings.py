"""Per-team policy: reviewers needed, trust thresholds, complexity threshold, gate conditions."""

from __future__ import annotations

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models

from auditor.models.findings import Severity
from auditor.models.teams import Team


class TeamSettings(models.Model):
    """One row per team, created with the defaults on first use (services/team_settings.py)."""

    team = models.OneToOneField(Team, on_delete=models.CASCADE, related_name="review_settings")
    required_reviewers = models.PositiveSmallIntegerField(
        default=1, validators=[MinValueValidator(1), MaxValueValidator(10)]
    )
    # Gradual trust: clean successful scans in a row before a file leaves Quarantine / becomes Trusted.
    trust_monitored_after = models.PositiveIntegerField(default=10, validators=[MinValueValidator(1)])
    trust_trusted_after = models.PositiveIntegerField(default=100, validators=[MinValueValidator(1)])
    # A file whose most complex function exceeds this contradicts "Code complexity is acceptable".
    complexity_threshold = models.PositiveIntegerField(default=10, validators=[MinValueValidator(1)])
    # Gate conditions.
    gate_block_new_findings = models.BooleanField(default=True)
    gate_new_severity = models.PositiveSmallIntegerField(choices=Severity.choices, default=Severity.HIGH)
    gate_block_new_context = models.BooleanField(default=True)
    gate_require_review = models.BooleanField(default=False)
    # Findings in test code are always stored and counted; this hides them from the
    # findings pages unless a reader asks for them (the `tests` filter).
    hide_test_findings = models.BooleanField(default=False)
    # Ask npm and PyPI about every declared package (AI116: younger than 30 days, or a
    # placeholder entry). Off by default: it is a network call per package from the worker.
    registry_lookup = models.BooleanField(default=False)
    # AI provenance (docs: the help page's "AI provenance" section).
    # Lines last touched before the newest N commits are "unknown"; the clone fetches N.
    provenance_history_commits = models.PositiveIntegerField(
        default=1000, validators=[MinValueValidator(1), MaxValueValidator(100_000)]
    )
    # The team's own signatures (scanners/provenance/signatures.toml shape), validated on save.
    provenance_patterns = models.JSONField(default=list, blank=True)
    # A file whose AI share (percent) is above this starts in Quarantine, whatever its history.
    ai_quarantine_share = models.PositiveSmallIntegerField(
        default=50, validators=[MinValueValidator(0), MaxValueValidator(100)]
    )
    # The new-findings gate counts only findings on AI-written lines.
    gate_ai_new_only = models.BooleanField(default=False)
    # An approved review is required when more than this percent of the scan's new (changed)
    # lines are AI-written; None: never by this rule.
    ai_review_above_percent = models.PositiveSmallIntegerField(
        null=True, blank=True, validators=[MaxValueValidator(100)]
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name_plural = "team settings"

    def __str__(self) -> str:
        return f"Settings of {self.team}"
