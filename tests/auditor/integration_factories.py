"""Factories for the integrations tests: succeeded scans with generated findings."""

from __future__ import annotations

from auditor.models import Finding, Repository, Scan, ScanStatus


def make_scan(repository: Repository, findings: int = 3, **fields: object) -> Scan:
    """A succeeded scan of `repository` with `findings` generated findings (severity cycles)."""
    defaults: dict[str, object] = {
        "branch": repository.default_branch,
        "status": ScanStatus.SUCCEEDED,
        "commit_sha": "c0ffee" + "0" * 34,
        "engine_version": "0.1.0",
        "files_scanned": 2,
        "lines_scanned": 120,
    }
    defaults.update(fields)
    scan = Scan.objects.create(repository=repository, **defaults)
    rows = [
        Finding(
            scan=scan,
            rule_id=("B602", "AI101", "AI201")[i % 3],
            scanner=("bandit", "ai-rules", "ai-rules")[i % 3],
            category=("security", "context", "temporal")[i % 3],
            severity=(3, 1, 4)[i % 3],
            confidence=2,
            path=f"app/module_{i % 7}.py",
            line=i + 1,
            end_line=i + 1,
            column=4,
            message=f"message {i}",
            snippet=f"call({i})",
            fingerprint=f"fp{i:08d}",
        )
        for i in range(findings)
    ]
    Finding.objects.bulk_create(rows, batch_size=2000)
    counts: dict[str, int] = {}
    for row in rows:
        label = ("info", "low", "medium", "high", "critical")[row.severity]
        counts[label] = counts.get(label, 0) + 1
    Scan.objects.filter(pk=scan.pk).update(findings_total=len(rows), severity_counts=counts)
    scan.refresh_from_db()
    return scan
