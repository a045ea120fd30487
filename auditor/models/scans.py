from __future__ import annotations

from django.conf import settings
from django.db import models

from auditor.models.repositories import Repository


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
    trigger = models.CharField(max_length=16, choices=ScanTrigger.choices, default=ScanTrigger.MANUAL)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    status = models.CharField(max_length=16, choices=ScanStatus.choices, default=ScanStatus.QUEUED)

    created_at = models.DateTimeField(auto_now_add=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    # Refreshed at every phase; the reaper fails scans whose worker went silent.
    heartbeat_at = models.DateTimeField(null=True, blank=True)
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
