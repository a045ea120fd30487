"""Reads for per-file trust: one file, and a repository's summary."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Count

from auditor.models import FileTrust, Repository, Scan, TrustLevel
from auditor.selectors.gate import scan_latest_successful


def trust_for_file(scan: Scan, path: str) -> FileTrust | None:
    """The trust row of `path` as of `scan` (None for scans ingested before trust existed)."""
    return FileTrust.objects.filter(scan=scan, path=path).first()


@dataclass(frozen=True)
class TrustSummary:
    scan: Scan | None
    counts: list[tuple[int, str, int]]  # (level, label, files)
    quarantined: list[FileTrust]
    total: int


def trust_summary_for_repository(repository: Repository, limit: int = 15) -> TrustSummary:
    """Files per trust level on the default branch's latest successful scan, and the
    quarantined files with the shortest clean streak first (three queries)."""
    scan = scan_latest_successful(repository)
    if scan is None:
        return TrustSummary(None, [(lv.value, lv.label, 0) for lv in TrustLevel], [], 0)
    counted = dict(FileTrust.objects.filter(scan=scan).values_list("level").annotate(n=Count("id")))
    quarantined = list(
        FileTrust.objects.filter(scan=scan, level=TrustLevel.QUARANTINE).order_by("clean_streak", "path")[
            :limit
        ]
    )
    counts = [(lv.value, lv.label, int(counted.get(lv.value, 0))) for lv in TrustLevel]
    return TrustSummary(scan, counts, quarantined, sum(c for _, _, c in counts))
