"""Per-file trust history, one row per file per successful scan (written at ingestion)."""

from __future__ import annotations

from django.db import models
from django.db.models import F

from auditor.models.paths import path_digest
from auditor.models.scans import Scan


class TrustLevel(models.IntegerChoices):
    """The source text's gradual trust levels."""

    QUARANTINE = 1, "Quarantine"
    MONITORED = 2, "Monitored"
    TRUSTED = 3, "Trusted"


class FileTrust(models.Model):
    scan = models.ForeignKey(Scan, on_delete=models.CASCADE, related_name="file_trust")
    path = models.TextField()  # any length (models/paths.py)
    # Consecutive successful scans (this one included) without an open high/critical finding here.
    clean_streak = models.PositiveIntegerField(default=0)
    # Approved reviews of scans that contained this file, since it was first seen.
    approved_reviews = models.PositiveIntegerField(default=0)
    # Stored for filtering (hotspots); recomputed when thresholds or approvals change.
    level = models.PositiveSmallIntegerField(choices=TrustLevel.choices, default=TrustLevel.QUARANTINE)

    class Meta:
        ordering = ["path"]
        constraints = [models.UniqueConstraint(F("scan"), path_digest(), name="filetrust_unique_scan_path")]
        indexes = [models.Index(fields=["scan", "level"], name="filetrust_scan_level_idx")]

    def __str__(self) -> str:
        return f"{self.path}: {TrustLevel(self.level).label}"
