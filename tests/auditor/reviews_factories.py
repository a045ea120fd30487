"""State builders for the review-area tests: succeeded scans with chosen findings and files,
derived through the same hook ingestion calls."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from auditor.models import Category, FileMetric, Finding, Repository, Scan, ScanStatus, Severity
from auditor.services.gate import scan_review_derive
from auditor.services.lifecycle import scan_lifecycle_compute


@dataclass(frozen=True)
class F:
    """A finding to plant: rule, category, severity, path, fingerprint."""

    rule: str
    category: str
    severity: int
    path: str = "app.py"
    fp: str = ""


def unresolved_import(path: str = "app.py", fp: str = "fp-import") -> F:
    return F("AI101", Category.CONTEXT, Severity.HIGH, path, fp)


def make_scan(
    repository: Repository,
    findings: Iterable[F] = (),
    files: Iterable[tuple[str, int]] = (("app.py", 3),),
    *,
    commit: str = "c0ffee",
    branch: str = "main",
    derive: bool = True,
) -> Scan:
    """A succeeded scan with `files` (path, max complexity) and `findings`, then the review
    area's ingestion hook (trust rows + gate verdict)."""
    findings = list(findings)
    scan = Scan.objects.create(
        repository=repository,
        branch=branch,
        commit_sha=commit,
        status=ScanStatus.SUCCEEDED,
        findings_total=len(findings),
    )
    FileMetric.objects.bulk_create(
        FileMetric(scan=scan, path=path, language="python", complexity_max=cc) for path, cc in files
    )
    Finding.objects.bulk_create(
        Finding(
            scan=scan,
            rule_id=f.rule,
            scanner="ai-rules",
            category=f.category,
            severity=f.severity,
            confidence=2,
            path=f.path,
            line=n + 1,
            end_line=n + 1,
            message=f"{f.rule} at {f.path}",
            fingerprint=f.fp or f"{f.rule}-{f.path}-{n}",
        )
        for n, f in enumerate(findings)
    )
    if derive:
        scan_lifecycle_compute(scan)  # what is new comes from the lifecycle, as at ingestion
        scan_review_derive(scan)
    return scan
