"""Per-file risk: the formula (policy, one function) and its computation for a scan.

The formula is documented for users on the help page (templates/auditor/dashboard/help_risk.html);
change both together.

    findings  = Σ over the file's open, untriaged findings of SEVERITY_WEIGHT x CONFIDENCE_WEIGHT
    structure = max(0, complexity_max - 5) / 5  +  max(0, 65 - maintainability) / 13
    churn     = 1 + log2(1 + commits touching the file in the last 90 days) / 3
    risk      = round((findings + structure) x churn, 1)

Findings dominate (one high-confidence high finding = 7), structure adds up to a few
points for files that are hard to change safely (cyclomatic complexity above 5, a
maintainability index under 65, radon's "moderate" band), and churn multiplies both:
a file edited often is where a latent problem is most likely to bite.
"""

from __future__ import annotations

import math
from collections import defaultdict
from datetime import date

from django.db.models import Q
from django.utils import timezone

from auditor.models import FileMetric, Finding, Scan, ScanRollup, Triage

SEVERITY_WEIGHT = {0: 0.5, 1: 1.0, 2: 3.0, 3: 7.0, 4: 12.0}  # info, low, medium, high, critical
CONFIDENCE_WEIGHT = {0: 0.4, 1: 0.7, 2: 1.0}  # low, medium, high
COMPLEXITY_FLOOR = 5
MAINTAINABILITY_CEILING = 65.0
CHURN_WINDOW_DAYS = 90


def file_risk_score(
    findings: list[tuple[int, int]],
    complexity_max: int,
    maintainability: float | None,
    churn: int | None,
) -> float:
    """The risk of one file from its (severity, confidence) findings and its metrics."""
    weight = sum(SEVERITY_WEIGHT[s] * CONFIDENCE_WEIGHT[c] for s, c in findings)
    structure = max(0, complexity_max - COMPLEXITY_FLOOR) / 5
    if maintainability is not None:
        structure += max(0.0, MAINTAINABILITY_CEILING - maintainability) / 13
    churn_factor = 1 + math.log2(1 + (churn or 0)) / 3
    return round((weight + structure) * churn_factor, 1)


def triaged_fingerprints(repository_id: int, fingerprints: list[str], today: date) -> set[str]:
    """Fingerprints among `fingerprints` with a triage in force on `today` (an expiry
    date is the last day it holds, as in the gate)."""
    return set(
        Triage.objects.filter(repository_id=repository_id, fingerprint__in=fingerprints)
        .filter(Q(expires_at__isnull=True) | Q(expires_at__gte=today))
        .values_list("fingerprint", flat=True)
    )


def scan_risk_compute(scan: Scan) -> None:
    """Score every file of `scan` from its stored findings, metrics and churn; update its rollup.

    Runs once, inside ingestion: churn is read from the checkout before it (the pipeline)
    and stored with the file metrics.
    """
    rows = list(
        Finding.objects.filter(scan=scan).values_list("path", "severity", "confidence", "fingerprint")
    )
    hidden = triaged_fingerprints(scan.repository_id, [r[3] for r in rows], timezone.localdate())
    by_path: dict[str, list[tuple[int, int]]] = defaultdict(list)
    for path, severity, confidence, fingerprint in rows:
        if fingerprint not in hidden:
            by_path[path].append((severity, confidence))
    metrics = list(
        FileMetric.objects.filter(scan=scan).only("pk", "path", "complexity_max", "maintainability", "churn")
    )
    for metric in metrics:
        metric.risk_score = file_risk_score(
            by_path.get(metric.path, []), metric.complexity_max, metric.maintainability, metric.churn
        )
    FileMetric.objects.bulk_update(metrics, ["risk_score"], batch_size=2000)
    scores = [m.risk_score or 0.0 for m in metrics]
    ScanRollup.objects.filter(scan=scan).update(
        risk_max=max(scores, default=0.0), risk_total=round(sum(scores), 1)
    )
