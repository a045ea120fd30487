"""Builders shared by the dashboard tests: ingest hand-made findings
through the real lifecycle computation, without running the engine."""

from __future__ import annotations

from datetime import datetime

from django.utils import timezone

from auditor.models import FileMetric, Finding, Repository, Scan, ScanStatus
from auditor.services.lifecycle import scan_lifecycle_compute
from auditor.services.revisions import repository_changed_by_scan

# (rule, path, line, fingerprint, severity)
Row = tuple[str, str, int, str, int]


def ingest(
    repository: Repository,
    rows: list[Row],
    branch: str = "main",
    files: dict[str, int] | None = None,
    rules: dict[str, tuple[str, str]] | None = None,
    at: datetime | None = None,
    test_paths: frozenset[str] = frozenset(),
) -> Scan:
    """A succeeded scan of `repository` holding `rows`, with its lifecycle computed as
    ingestion would. `files` maps path → max complexity for its FileMetric rows, `rules`
    rule → (category, message), `at` backdates the scan (for trends); findings in
    `test_paths` are marked `in_tests`."""
    rules = rules or {}
    scan = Scan.objects.create(
        repository=repository, branch=branch, status=ScanStatus.INGESTING, commit_sha="a" * 40
    )
    if at is not None:
        Scan.objects.filter(pk=scan.pk).update(created_at=at, started_at=at)
        scan.refresh_from_db()
        scan.finished_at = at
    paths = files or {path: 1 for _, path, _, _, _ in rows}
    FileMetric.objects.bulk_create(
        [
            FileMetric(
                scan=scan,
                path=p,
                language="python",
                lines=30 + 18 * cc,
                sloc=20 + 15 * cc,
                complexity_max=cc,
                complexity_mean=max(1.0, cc / 3),
                maintainability=max(20.0, 95.0 - 3 * cc),
            )
            for p, cc in paths.items()
        ]
    )
    Finding.objects.bulk_create(
        [
            Finding(
                scan=scan,
                rule_id=rule,
                scanner="test",
                category=rules.get(rule, ("security", ""))[0],
                severity=sev,
                confidence=2,
                path=path,
                line=line,
                end_line=line,
                message=rules.get(rule, ("", f"{rule} at {path}"))[1],
                snippet="x = 1",
                fingerprint=fp,
                in_tests=path in test_paths,
            )
            for rule, path, line, fp, sev in rows
        ]
    )
    scan_lifecycle_compute(scan)
    now = at or timezone.now()
    Scan.objects.filter(pk=scan.pk).update(
        status=ScanStatus.SUCCEEDED,
        finished_at=now,
        findings_total=len(rows),
        files_scanned=len(paths),
        severity_counts=scan.rollup.severity_counts,
        category_counts=scan.rollup.category_counts,
    )
    repository_changed_by_scan(scan.pk)  # as ingestion does
    scan.refresh_from_db()
    return scan
