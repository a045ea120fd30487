"""Findings: each scan's occurrences, their identity across scans, triage and the list's tally.

* ``Finding`` is one occurrence in one scan, as the engine reported it.
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
* ``FindingTally`` counts a repository's default-branch identities per value of every
  attribute the findings list filters and counts by (all but the path), rewritten whenever
  those identities change: the list's counts add up a few hundred rows per repository
  instead of counting tens of thousands of identities.
"""

from __future__ import annotations

from datetime import date
from typing import TypeVar

from django.conf import settings
from django.db import models
from django.db.models import F, Q

from auditor.models.paths import path_key
from auditor.models.repositories import Repository
from auditor.models.scans import Scan
from auditor.models.teams import Team

_M = TypeVar("_M", bound=models.Model)


class Severity(models.IntegerChoices):
    """Stored as integers so that ordering and `>=` filters are index-friendly."""

    INFO = 0, "info"
    LOW = 1, "low"
    MEDIUM = 2, "medium"
    HIGH = 3, "high"
    CRITICAL = 4, "critical"


class Confidence(models.IntegerChoices):
    LOW = 0, "low"
    MEDIUM = 1, "medium"
    HIGH = 2, "high"


class Category(models.TextChoices):
    CONTEXT = "context", "Context"
    TEMPORAL = "temporal", "Temporal"
    HAPPY_PATH = "happy-path", "Happy path"
    CONCURRENCY = "concurrency", "Concurrency"
    SECURITY = "security", "Security"
    COMPLEXITY = "complexity", "Complexity"
    OBSERVABILITY = "observability", "Observability"


class Finding(models.Model):
    scan = models.ForeignKey(Scan, on_delete=models.CASCADE, related_name="findings")
    rule_id = models.CharField(max_length=32)
    scanner = models.CharField(max_length=32)
    category = models.CharField(max_length=32, choices=Category.choices)
    severity = models.PositiveSmallIntegerField(choices=Severity.choices)
    confidence = models.PositiveSmallIntegerField(choices=Confidence.choices)
    path = models.TextField()  # any length; indexed by its key (models/paths.py)
    line = models.PositiveIntegerField()
    end_line = models.PositiveIntegerField()
    column = models.PositiveIntegerField(default=0)
    message = models.TextField()
    snippet = models.TextField(blank=True)
    # Stable across line moves (see scanners/fingerprint.py); links occurrences across scans.
    fingerprint = models.CharField(max_length=64)
    # In a pull-request scan (Scan.base_branch): the finding's lines meet a line the branch
    # changed since it left its base. Always false in other scans.
    on_changed_line = models.BooleanField(default=False)
    # In test code by the engine's one policy (scanners/project/testcode.py).
    in_tests = models.BooleanField(default=False)
    # Provenance of the finding's line (scanners/provenance/): True AI, False human, None unknown.
    ai_authored = models.BooleanField(null=True, blank=True)
    ai_tool = models.CharField(max_length=64, blank=True, default="")
    ai_model = models.CharField(max_length=128, blank=True, default="")
    # A taint finding's path from source to sink: [{"line", "column", "message"}, …]
    # (scanners.model.Finding.flow); empty for every other finding.
    flow = models.JSONField(default=list, blank=True)

    class Meta:
        ordering = ["-severity", "path", "line"]
        indexes = [
            # The scan page's default order and severity filter.
            models.Index(F("scan"), F("severity").desc(), path_key(), F("line"), name="finding_scan_sev_idx"),
            models.Index(fields=["scan", "category"], name="finding_scan_category_idx"),
            models.Index(fields=["scan", "fingerprint"], name="finding_scan_fp_idx"),
        ]
        constraints = [
            # One row per occurrence: the fingerprint includes an occurrence index.
            models.UniqueConstraint(fields=["scan", "fingerprint"], name="finding_unique_scan_fp"),
        ]

    def __str__(self) -> str:
        return f"{self.rule_id} {self.path}:{self.line}"


class Lifecycle(models.TextChoices):
    NEW = "new", "New"
    REOPENED = "reopened", "Reopened"
    UNCHANGED = "unchanged", "Unchanged"
    FIXED = "fixed", "Fixed"


class TriageStatus(models.TextChoices):
    FALSE_POSITIVE = "false_positive", "False positive"
    ACCEPTED_RISK = "accepted_risk", "Accepted risk"
    WONT_FIX = "wont_fix", "Won't fix"


def triage_in_force_q(today: date, prefix: str = "") -> Q:
    """Rows whose copied triage (`triage_status`, `triage_expires_at`) is in force on
    `today`, the expiry day included. The one definition: every surface that tells open
    from triaged reads it through the querysets below."""
    status, expires = f"{prefix}triage_status", f"{prefix}triage_expires_at"
    return Q(**{f"{status}__gt": ""}) & (Q(**{f"{expires}__isnull": True}) | Q(**{f"{expires}__gte": today}))


def triage_in_force(status: str, expires_at: date | None, today: date) -> bool:
    """`triage_in_force_q` for one row already in memory."""
    return bool(status) and (expires_at is None or expires_at >= today)


def open_q(today: date) -> Q:
    """The condition behind `FindingStateQuerySet.open`, for conditional aggregates."""
    return Q(is_open=True) & ~triage_in_force_q(today)


def triaged_q(today: date) -> Q:
    """The condition behind `FindingStateQuerySet.triaged`."""
    return Q(is_open=True) & triage_in_force_q(today)


class FindingStateQuerySet(models.QuerySet[_M]):
    """Open / triaged / fixed for the two tables that carry an identity's state
    (`TrackedFinding` and its `FindingTally`): *open* is present in the latest scan and
    not triaged away; *triaged* is present with a triage in force; *fixed* is gone."""

    def open(self, today: date) -> FindingStateQuerySet[_M]:
        return self.filter(open_q(today))

    def triaged(self, today: date) -> FindingStateQuerySet[_M]:
        return self.filter(triaged_q(today))

    def fixed(self) -> FindingStateQuerySet[_M]:
        return self.filter(is_open=False)

    def in_status(self, status: str, today: date) -> FindingStateQuerySet[_M]:
        """`status` one of open / triaged / fixed; anything else (all) leaves them be."""
        if status == "open":
            return self.open(today)
        if status == "triaged":
            return self.triaged(today)
        if status == "fixed":
            return self.fixed()
        return self

    def on_default_branch(self) -> FindingStateQuerySet[_M]:
        """Identities of each repository's default branch: what "the code" means on every
        team-wide surface (feature branches are judged on their scan pages)."""
        return self.filter(branch=F("repository__default_branch"))


class TriageQuerySet(models.QuerySet["Triage"]):
    def in_force(self, today: date) -> TriageQuerySet:
        """Triages that apply on `today` (no expiry, or expiring today or later)."""
        return self.filter(Q(expires_at__isnull=True) | Q(expires_at__gte=today))


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
    path = models.TextField()  # any length; indexed by its key (models/paths.py)
    line = models.PositiveIntegerField()
    message = models.TextField()
    in_tests = models.BooleanField(default=False)  # copy of the latest occurrence's
    ai_authored = models.BooleanField(null=True, blank=True)  # the list's "AI" badge and filter
    ai_tool = models.CharField(max_length=64, blank=True, default="")
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

    objects = FindingStateQuerySet["TrackedFinding"].as_manager()

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
            models.Index(F("is_open"), path_key(), F("line"), F("id"), name="tracked_open_path_idx"),
            # Hotspots: open findings per path of one repository.
            models.Index(F("repository"), F("is_open"), path_key(), name="tracked_repo_open_path_idx"),
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

    objects = TriageQuerySet.as_manager()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["repository", "fingerprint"], name="triage_unique_repo_fp")
        ]

    def __str__(self) -> str:
        return f"{self.status} {self.fingerprint[:12]}"

    def in_force_on(self, today: date) -> bool:
        return triage_in_force(self.status, self.expires_at, today)


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

    objects = FindingStateQuerySet["FindingTally"].as_manager()

    class Meta:
        indexes = [models.Index(fields=["repository", "severity"], name="tally_repo_sev_idx")]

    def __str__(self) -> str:
        return f"{self.n} x {self.rule_id} (severity {self.severity}) in repository {self.repository_id}"
