from __future__ import annotations

from django.db import models

from auditor.models.scans import Scan


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


class FileMetric(models.Model):
    scan = models.ForeignKey(Scan, on_delete=models.CASCADE, related_name="file_metrics")
    path = models.CharField(max_length=1000)
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

    class Meta:
        ordering = ["path"]
        constraints = [models.UniqueConstraint(fields=["scan", "path"], name="filemetric_unique_scan_path")]

    def __str__(self) -> str:
        return self.path


class Finding(models.Model):
    scan = models.ForeignKey(Scan, on_delete=models.CASCADE, related_name="findings")
    rule_id = models.CharField(max_length=32)
    scanner = models.CharField(max_length=32)
    category = models.CharField(max_length=32, choices=Category.choices)
    severity = models.PositiveSmallIntegerField(choices=Severity.choices)
    confidence = models.PositiveSmallIntegerField(choices=Confidence.choices)
    path = models.CharField(max_length=1000)
    line = models.PositiveIntegerField()
    end_line = models.PositiveIntegerField()
    column = models.PositiveIntegerField(default=0)
    message = models.TextField()
    snippet = models.TextField(blank=True)
    # Stable across line moves (see scanners/fingerprint.py); links occurrences across scans.
    fingerprint = models.CharField(max_length=64)

    class Meta:
        ordering = ["-severity", "path", "line"]
        indexes = [
            # The scan page's default order and severity filter.
            models.Index(fields=["scan", "-severity", "path", "line"], name="finding_scan_sev_idx"),
            models.Index(fields=["scan", "category"], name="finding_scan_category_idx"),
            models.Index(fields=["scan", "fingerprint"], name="finding_scan_fp_idx"),
        ]
        constraints = [
            # One row per occurrence: the fingerprint includes an occurrence index.
            models.UniqueConstraint(fields=["scan", "fingerprint"], name="finding_unique_scan_fp"),
        ]

    def __str__(self) -> str:
        return f"{self.rule_id} {self.path}:{self.line}"
