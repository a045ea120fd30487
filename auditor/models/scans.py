"""Scans: one run of the engine over one commit, its files, their texts and its rollup.

* ``FileMetric`` holds the engine's metrics for one file of one scan, plus churn and risk.
* ``FileBlob`` stores a scanned file's text once per content hash: a file that did not
  change between scans costs nothing more, and the page never needs a checkout.
* ``FileBlobOwner`` says which repositories a text was read from. A page shows a text
  only to the repositories that own it: the same bytes in another team's repository, or
  a hash named by a CI upload that sent no text, reveal nothing.
* ``ScanRollup`` is written once per succeeded scan so that charts never recount findings.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import F

from auditor.models.paths import path_digest
from auditor.models.repositories import Repository
from auditor.models.teams import Team


class ScanStatus(models.TextChoices):
    QUEUED = "queued", "Queued"
    CLONING = "cloning", "Cloning"
    SCANNING = "scanning", "Scanning"
    INGESTING = "ingesting", "Ingesting"
    SUCCEEDED = "succeeded", "Succeeded"
    FAILED = "failed", "Failed"
    CANCELLED = "cancelled", "Cancelled"


RUNNING_STATUSES = (ScanStatus.CLONING, ScanStatus.SCANNING, ScanStatus.INGESTING)
ACTIVE_STATUSES = (ScanStatus.QUEUED, *RUNNING_STATUSES)
FINISHED_STATUSES = (ScanStatus.SUCCEEDED, ScanStatus.FAILED, ScanStatus.CANCELLED)


class ScanTrigger(models.TextChoices):
    MANUAL = "manual", "Manual"
    SCHEDULE = "schedule", "Schedule"
    WEBHOOK = "webhook", "Webhook"
    API = "api", "API"
    CLI = "cli", "Command line"


class Scan(models.Model):
    repository = models.ForeignKey(Repository, on_delete=models.CASCADE, related_name="scans")
    branch = models.CharField(max_length=255)
    commit_sha = models.CharField(max_length=64, blank=True)
    requested_commit = models.CharField(max_length=64, blank=True)  # a pushed SHA to scan (webhooks)
    commit_message = models.CharField(max_length=500, blank=True)
    # False for a CI upload whose commit the repository did not advertise and no worker
    # had cloned: it is stored and shown, but stays out of the branch's history (no
    # lifecycle, trust or gate; never the "previous scan" of a later one).
    commit_verified = models.BooleanField(default=True)
    # A pull-request scan: the branch it is compared with (empty: an ordinary scan) and that
    # branch's tip when the scan ran. Its findings on lines the scanned branch changed since
    # it left the base are marked (Finding.on_changed_line).
    base_branch = models.CharField(max_length=255, blank=True)
    base_commit_sha = models.CharField(max_length=64, blank=True)
    trigger = models.CharField(max_length=16, choices=ScanTrigger.choices, default=ScanTrigger.MANUAL)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    status = models.CharField(max_length=16, choices=ScanStatus.choices, default=ScanStatus.QUEUED)

    created_at = models.DateTimeField(auto_now_add=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    # Refreshed at every phase and, while a worker runs the scan, every
    # SCAN_HEARTBEAT_INTERVAL seconds; a running scan whose heartbeat is older than
    # SCAN_HEARTBEAT_STALE has lost its worker (services/scans.py).
    heartbeat_at = models.DateTimeField(null=True, blank=True)
    # Times a worker claimed the scan (transient retries and take-overs included). It is
    # also the claim's fencing token: a worker writes only while the count is still its own.
    attempts = models.PositiveSmallIntegerField(default=0)
    clone_seconds = models.FloatField(null=True, blank=True)
    scan_seconds = models.FloatField(null=True, blank=True)
    ingest_seconds = models.FloatField(null=True, blank=True)

    error_code = models.CharField(max_length=64, blank=True)
    error_text = models.TextField(blank=True)

    engine_version = models.CharField(max_length=32, blank=True)
    scanner_versions = models.JSONField(default=dict, blank=True)
    files_scanned = models.PositiveIntegerField(default=0)
    lines_scanned = models.PositiveIntegerField(default=0)
    findings_total = models.PositiveIntegerField(default=0)
    suppressed_total = models.PositiveIntegerField(default=0)
    # {"high": 3, ...} and {"security": 5, ...}: written once at ingestion so pages never recount.
    severity_counts = models.JSONField(default=dict, blank=True)
    category_counts = models.JSONField(default=dict, blank=True)
    warnings = models.JSONField(default=list, blank=True)
    # What the AI attribution rests on and its totals, with findings per origin by severity
    # and category (services/provenance.py); {} when the scan had none (not a git checkout).
    provenance = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [
            # Repository page and "last scan" lookups.
            models.Index(fields=["repository", "-created_at"], name="scan_repo_created_idx"),
            # Reaper and "is one already running" checks.
            models.Index(fields=["status"], name="scan_status_idx"),
        ]

    def __str__(self) -> str:
        return f"Scan #{self.pk} of {self.repository_id} ({self.status})"

    @property
    def is_finished(self) -> bool:
        return self.status in FINISHED_STATUSES

    @property
    def duration_seconds(self) -> float | None:
        if self.started_at and self.finished_at:
            return (self.finished_at - self.started_at).total_seconds()
        return None


class FileMetric(models.Model):
    scan = models.ForeignKey(Scan, on_delete=models.CASCADE, related_name="file_metrics")
    path = models.TextField()  # any length (models/paths.py)
    language = models.CharField(max_length=32)
    lines = models.PositiveIntegerField(default=0)
    sloc = models.PositiveIntegerField(default=0)
    comments = models.PositiveIntegerField(default=0)
    blank = models.PositiveIntegerField(default=0)
    complexity_max = models.PositiveIntegerField(default=0)
    complexity_mean = models.FloatField(default=0)
    maintainability = models.FloatField(null=True, blank=True)
    parse_ok = models.BooleanField(default=True)
    functions = models.JSONField(default=list, blank=True)
    content_sha256 = models.CharField(max_length=64, blank=True)
    # Filled by later stages (dashboard): commits touching the file in 90 days, risk, trust.
    churn = models.PositiveIntegerField(null=True, blank=True)
    risk_score = models.FloatField(null=True, blank=True)
    # Provenance (scanners/provenance/): lines per origin; ai_share = AI / (AI + human), None
    # when no line is attributed; AI lines as [first, last, tool] runs for the gutter.
    ai_lines = models.PositiveIntegerField(default=0)
    human_lines = models.PositiveIntegerField(default=0)
    unknown_lines = models.PositiveIntegerField(default=0)
    ai_share = models.FloatField(null=True, blank=True)
    ai_spans = models.JSONField(default=list, blank=True)

    class Meta:
        ordering = ["path"]
        constraints = [models.UniqueConstraint(F("scan"), path_digest(), name="filemetric_unique_scan_path")]

    def __str__(self) -> str:
        return self.path


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


class FileBlob(models.Model):
    """A scanned file's text, stored once per content hash."""

    sha256 = models.CharField(max_length=64, primary_key=True)
    text = models.TextField()
    truncated = models.BooleanField(default=False)

    def __str__(self) -> str:
        return self.sha256


class FileBlobOwner(models.Model):
    """`repository` had a file with this text in a checkout a worker scanned."""

    blob = models.ForeignKey(FileBlob, on_delete=models.CASCADE, related_name="owners")
    repository = models.ForeignKey(Repository, on_delete=models.CASCADE, related_name="+")

    class Meta:
        constraints = [
            # Also the file page's lookup: (blob, repository).
            models.UniqueConstraint(fields=["blob", "repository"], name="blobowner_unique_blob_repo")
        ]

    def __str__(self) -> str:
        return f"{self.blob_id[:12]} in repository {self.repository_id}"
