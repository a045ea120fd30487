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

from django.db import connection
from django.utils import timezone

from auditor.models import FileMetric, Finding, Scan, ScanRollup, Triage

SEVERITY_WEIGHT = {0: 0.5, 1: 1.0, 2: 3.0, 3: 7.0, 4: 12.0}  # info, low, medium, high, critical
CONFIDENCE_WEIGHT = {0: 0.4, 1: 0.7, 2: 1.0}  # low, medium, high
COMPLEXITY_FLOOR = 5
MAINTAINABILITY_CEILING = 65.0
CHURN_WINDOW_DAYS = 90
WRITE_BATCH = 5000  # risk scores written per UPDATE


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


def triaged_fingerprints(repository_id: int, fingerprints: list[str] | None, today: date) -> set[str]:
    """Fingerprints among `fingerprints` (None: all of the repository's) with a triage in
    force on `today` (an expiry date is the last day it holds, as in the gate)."""
    triages = Triage.objects.filter(repository_id=repository_id)
    if fingerprints is not None:
        triages = triages.filter(fingerprint__in=fingerprints)
    return set(triages.in_force(today).values_list("fingerprint", flat=True))


def scan_risk_compute(scan: Scan) -> None:
    """Score every file of `scan` from its stored findings, metrics and churn; update its rollup.

    Runs once, inside ingestion: churn is read from the checkout before it (the pipeline)
    and stored with the file metrics. Reads plain tuples and writes the scores in a few
    statements, so a scan of 100,000 files neither builds 100,000 model objects nor pays
    Django's per-row CASE of `bulk_update`.
    """
    rows = list(
        Finding.objects.filter(scan=scan).values_list("path", "severity", "confidence", "fingerprint")
    )
    # The repository's triages in force, not a lookup of every fingerprint of the scan:
    # a handful of rows against a list as long as the scan.
    hidden = triaged_fingerprints(scan.repository_id, None, timezone.localdate())
    by_path: dict[str, list[tuple[int, int]]] = defaultdict(list)
    for path, severity, confidence, fingerprint in rows:
        if fingerprint not in hidden:
            by_path[path].append((severity, confidence))
    metrics = FileMetric.objects.filter(scan=scan).values_list(
        "pk", "path", "complexity_max", "maintainability", "churn"
    )
    scores = [
        (pk, file_risk_score(by_path.get(path, []), complexity, maintainability, churn))
        for pk, path, complexity, maintainability, churn in metrics.iterator(chunk_size=WRITE_BATCH)
    ]
    _scores_write(scores)
    _rollup_risk(scan, [score for _, score in scores])


def scan_risk_rollup(scan: Scan) -> None:
    """The rollup's risk figures from scores already stored with the file metrics."""
    scores = FileMetric.objects.filter(scan=scan).values_list("risk_score", flat=True)
    _rollup_risk(scan, [score for score in scores if score is not None])


def _rollup_risk(scan: Scan, values: list[float]) -> None:
    ScanRollup.objects.filter(scan=scan).update(
        risk_max=max(values, default=0.0), risk_total=round(sum(values), 1)
    )


def _scores_write(scores: list[tuple[int, float]]) -> None:
    table = FileMetric._meta.db_table
    for start in range(0, len(scores), WRITE_BATCH):
        batch = scores[start : start + WRITE_BATCH]
        if connection.vendor == "postgresql":
            # One UPDATE joined to a VALUES list per batch.
            values = ", ".join(["(%s, %s)"] * len(batch))
            with connection.cursor() as cursor:
                cursor.execute(
                    f"UPDATE {table} SET risk_score = v.risk FROM (VALUES {values}) AS v(id, risk) "  # noqa: S608 - our table name, values bound
                    f"WHERE {table}.id = v.id",
                    [x for pair in batch for x in pair],
                )
        else:
            FileMetric.objects.bulk_update(
                [FileMetric(pk=pk, risk_score=score) for pk, score in batch], ["risk_score"], batch_size=500
            )
