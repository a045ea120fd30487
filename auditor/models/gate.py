"""The quality gate's verdict for one scan, recomputed when its review changes."""

from __future__ import annotations

from django.db import models

from auditor.models.scans import Scan


class GateResult(models.Model):
    scan = models.OneToOneField(Scan, on_delete=models.CASCADE, related_name="gate_result")
    passed = models.BooleanField()
    # [{"code": "new-severe-findings", "message": "..."}]: the failing conditions, in order.
    failures = models.JSONField(default=list, blank=True)
    # Every condition evaluated, passing or not: [{"code", "label", "passed", "message"}].
    conditions = models.JSONField(default=list, blank=True)
    computed_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return f"Gate of scan #{self.scan_id}: {'pass' if self.passed else 'fail'}"
