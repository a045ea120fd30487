"""Dashboard data derived at ingestion: finding identity across scans, triage, per-scan
rollups and the source of scanned files.

Design (see docs in templates/auditor/dashboard/help_risk.html for the risk formula):

* ``TrackedFinding`` is one row per (repository, branch, fingerprint): the identity of a
  finding across scans. It carries a copy of the latest occurrence's display fields so
  that the findings list reads one table (tens of thousands of rows even when the
  ``Finding`` table holds millions) with indexes that serve its filters and order.
* ``FindingChange`` records the transitions a scan caused (new / reopened / fixed);
  "unchanged" is everything else the scan contains, counted in the rollup. A finding's
  history is its changes, in order.
* ``Triage`` is keyed by (repository, fingerprint) and is the source of truth; its
  status is copied onto the tracked rows so the list can hide triaged findings with an
  index-friendly filter. Expiry is evaluated at read time from ``expires_at``.
* ``ScanRollup`` is written once per scan so that charts never recount findings.
* ``FindingTally`` counts a repository's default-branch identities per value of every
  attribute the findings list filters and counts by (all but the path), rewritten whenever
  those identities change: the list's counts add up a few hundred rows per repository
  instead of counting tens of thousands of identities.
* ``FileBlob`` stores a scanned file's text once per content hash: a file that did not
  change between scans costs nothing more, and the page never needs a checkout.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models

from auditor.models.findings import Finding
from auditor.models.repositories import Repository
from auditor.models.scans import Scan
from auditor.models.teams import Team


class Lifecycle(models.TextChoices):
    NEW = "new", "New"
    REOPENED = "reopened", "Reopened"
    UNCHANGED = "unchanged", "Unchanged"
    FIXED = "fixed", "Fixed"


class TriageStatus(models.TextChoices):
    FALSE_POSITIVE = "false_positive", "False positive"
    ACCEPTED_RISK = "accepted_risk", "Accepted risk"
    WONT_FIX = "wont_fix", "Won't fix"


class TrackedFinding(models.Model):
    """One finding's identity on one branch of one repository, across scans."""

    repository = models.ForeignKey(Repository, on_delete=models.CASCADE, related_name="tracked_findings")
    team = models.ForeignKey(Team, on_delete=models.CASCADE, related_name="+")  # list's team scope
    branch = models.CharField(max_length=255)
    fingerprint = models.CharField(max_length=64)
    # Copy of the latest occurrence, for the list and its filters.
    rule_id = models.CharField(max_length=32)
    category = models.CharField(max_length=32)
    severity = models.PositiveSmallIntegerField()
    confidence = models.PositiveSmallIntegerField()
    path = models.CharField(max_length=1000)
    line = models.PositiveIntegerField()
    message = models.TextField()
    # Indexed columns change only on a transition or when the display copy changes, never
    # just because a scan saw the finding again; the newest occurrence is the one column
    # every scan moves, and it is left unindexed so PostgreSQL updates it in place (HOT)
    # instead of bloating the table and its indexes at millions of findings.
    latest_finding = models.ForeignKey(
        Finding, null=True, on_delete=models.SET_NULL, related_name="+", db_index=False
    )
    first_seen_scan = models.ForeignKey(Scan, on_delete=models.CASCADE, related_name="+")
    # Meaningful once fixed (the last scan that had it); an open identity is in the
    # branch's latest scan.
    last_seen_scan = models.ForeignKey(Scan, on_delete=models.CASCADE, related_name="+")
    is_open = models.BooleanField(default=True)
    # The last transition (new / reopened / fixed) and the scan that caused it; it is
    # "new in the latest scan" when state_scan is the branch's latest scan.
    state = models.CharField(max_length=16, choices=Lifecycle.choices)
    state_scan = models.ForeignKey(Scan, on_delete=models.CASCADE, related_name="+")
    # Copied from Triage (empty = not triaged); expiry is checked at read time.
    triage_status = models.CharField(max_length=32, blank=True, default="")
    triage_expires_at = models.DateField(null=True, blank=True)

    class Meta:
        ordering = ["-severity", "path", "line", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["repository", "branch", "fingerprint"], name="tracked_unique_repo_branch_fp"
            )
        ]
        indexes = [
            # The list narrowed to one repository.
            models.Index(
                fields=["repository", "is_open", "-severity", "id"], name="tracked_repo_open_sev_idx"
            ),
            # "New only": the last transition and the scan that made it.
            models.Index(fields=["team", "state", "state_scan"], name="tracked_team_state_idx"),
            # First and last pages of the list, in its default order and sorted by path
            # (the last page is read backwards, see selectors/findings.py).
            models.Index(fields=["is_open", "-severity", "id"], name="tracked_open_sev_idx"),
            models.Index(fields=["is_open", "path", "line", "id"], name="tracked_open_path_idx"),
            # Hotspots: open findings per path of one repository.
            models.Index(fields=["repository", "is_open", "path"], name="tracked_repo_open_path_idx"),
            # Triage copies onto every branch of a repository.
            models.Index(fields=["repository", "fingerprint"], name="tracked_repo_fp_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.rule_id} {self.path}:{self.line}"


class FindingChange(models.Model):
    """A transition caused by a scan: the finding appeared, came back, or went away."""

    scan = models.ForeignKey(Scan, on_delete=models.CASCADE, related_name="finding_changes")
    tracked = models.ForeignKey(TrackedFinding, on_delete=models.CASCADE, related_name="changes")
    kind = models.CharField(max_length=16, choices=Lifecycle.choices)
    # The occurrence in this scan (new / reopened) or in the previous scan (fixed).
    finding = models.ForeignKey(Finding, null=True, on_delete=models.SET_NULL, related_name="+")

    class Meta:
        ordering = ["scan_id", "id"]
        constraints = [models.UniqueConstraint(fields=["scan", "tracked"], name="change_unique_scan_tracked")]
        indexes = [
            # The scan page's "new / fixed / reopened" lists.
            models.Index(fields=["scan", "kind"], name="change_scan_kind_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.kind} in scan {self.scan_id}"


class Triage(models.Model):
    """A reviewer's decision about one fingerprint of one repository."""

    repository = models.ForeignKey(Repository, on_delete=models.CASCADE, related_name="triages")
    fingerprint = models.CharField(max_length=64)
    status = models.CharField(max_length=32, choices=TriageStatus.choices)
    reason = models.TextField(blank=True)
    expires_at = models.DateField(null=True, blank=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["repository", "fingerprint"], name="triage_unique_repo_fp")
        ]

    def __str__(self) -> str:
        return f"{self.status} {self.fingerprint[:12]}"


class ScanRollup(models.Model):
    """What the trend charts need about one succeeded scan, written at ingestion."""

    scan = models.OneToOneField(Scan, primary_key=True, on_delete=models.CASCADE, related_name="rollup")
    repository = models.ForeignKey(Repository, on_delete=models.CASCADE, related_name="rollups")
    team = models.ForeignKey(Team, on_delete=models.CASCADE, related_name="+")
    branch = models.CharField(max_length=255)
    scanned_at = models.DateTimeField()
    previous_scan = models.ForeignKey(Scan, null=True, on_delete=models.SET_NULL, related_name="+")
    new_count = models.PositiveIntegerField(default=0)
    fixed_count = models.PositiveIntegerField(default=0)
    reopened_count = models.PositiveIntegerField(default=0)
    unchanged_count = models.PositiveIntegerField(default=0)
    open_total = models.PositiveIntegerField(default=0)
    severity_counts = models.JSONField(default=dict)
    category_counts = models.JSONField(default=dict)
    complexity_mean = models.FloatField(default=0)
    complexity_max = models.PositiveIntegerField(default=0)
    maintainability_mean = models.FloatField(null=True)
    risk_max = models.FloatField(default=0)
    risk_total = models.FloatField(default=0)

    class Meta:
        ordering = ["scanned_at"]
        indexes = [
            models.Index(fields=["repository", "branch", "scanned_at"], name="rollup_repo_time_idx"),
            models.Index(fields=["team", "scanned_at"], name="rollup_team_time_idx"),
        ]

    def __str__(self) -> str:
        return f"rollup of scan {self.scan_id}"


class FindingTally(models.Model):
    """How many of a repository's default-branch identities share these attributes
    (services/tally.py). `is_new`: new in the branch's latest scan. Triage expiry stays a
    column, so whether a triage is in force is decided at read time, as for the list."""

    repository = models.ForeignKey(Repository, on_delete=models.CASCADE, related_name="+")
    severity = models.PositiveSmallIntegerField()
    category = models.CharField(max_length=32)
    rule_id = models.CharField(max_length=32)
    is_open = models.BooleanField()
    is_new = models.BooleanField()
    triage_status = models.CharField(max_length=32, blank=True, default="")
    triage_expires_at = models.DateField(null=True, blank=True)
    n = models.PositiveIntegerField()

    class Meta:
        indexes = [models.Index(fields=["repository", "severity"], name="tally_repo_sev_idx")]

    def __str__(self) -> str:
        return f"{self.n} x {self.rule_id} (severity {self.severity}) in repository {self.repository_id}"


class FileBlob(models.Model):
    """A scanned file's text, stored once per content hash."""

    sha256 = models.CharField(max_length=64, primary_key=True)
    text = models.TextField()
    truncated = models.BooleanField(default=False)

    def __str__(self) -> str:
        return self.sha256
