"""Persist an engine result: one short transaction of bulk writes."""

from __future__ import annotations

import logging
import re
import time
from collections import Counter, defaultdict
from collections.abc import Iterator, Mapping

from django.db import transaction
from django.utils import timezone

from auditor.models import FileMetric, Finding, Repository, Scan, ScanStatus, Severity
from auditor.services.bulk import rows_insert
from auditor.services.gate import scan_review_derive
from auditor.services.lifecycle import scan_lifecycle_compute
from auditor.services.provenance import scan_provenance_summary
from auditor.services.revisions import repository_changed_by_scan
from auditor.services.risk import file_risk_score, triaged_fingerprints
from scanners.diff import ChangedLines, on_changed_lines
from scanners.model import ScanResult
from scanners.paths import escape_unsafe

log = logging.getLogger(__name__)

_SURROGATE = re.compile("[\ud800-\udfff]")


def pg_text(text: str) -> str:
    """`text` storable in PostgreSQL, whose text and jsonb types refuse NUL characters.

    Scanned files can hold a NUL anywhere past the binary-detection window; it shows
    as U+FFFD (the replacement character) rather than failing the whole scan. So does a
    lone surrogate, which no UTF-8 text can hold: a file decoded with a lenient codec its
    coding cookie names (utf-7, unicode_escape) can produce one.
    """
    if "\x00" in text:
        text = text.replace("\x00", "\ufffd")
    return _SURROGATE.sub("\ufffd", text) if _SURROGATE.search(text) else text


def pg_path(path: str) -> str:
    """`path` storable and safe to show. The engine's paths are in its text form already
    (scanners/paths.py) and pass unchanged; a path from elsewhere (an uploaded result)
    gets the same escapes for what that form never holds (NUL, controls, bidi marks, lone
    surrogates from `os.fsdecode`), so it is stored losslessly rather than refused."""
    return escape_unsafe(path)


class ScanNoLongerRunning(Exception):
    """The scan was cancelled or reaped while we worked; its result is dropped."""


def _file_metric_rows(
    scan: Scan, result: ScanResult, churn: Mapping[str, int] | None, risk: Mapping[str, float] | None = None
) -> Iterator[FileMetric]:
    # A generator: rows_insert holds one batch of model instances at a time.
    return (
        FileMetric(
            # By id: assigning the instance costs a related-object check per row.
            scan_id=scan.pk,
            path=pg_path(f.path),
            language=f.language,
            lines=f.lines,
            sloc=f.sloc,
            comments=f.comments,
            blank=f.blank,
            complexity_max=f.complexity_max,
            complexity_mean=f.complexity_mean,
            maintainability=f.maintainability,
            parse_ok=f.parse_ok,
            functions=[
                {"name": fn.name, "line": fn.line, "complexity": fn.complexity, "rank": fn.rank}
                for fn in f.functions
            ],
            content_sha256=f.sha256,
            churn=None if churn is None else churn.get(f.path, 0),
            risk_score=None if risk is None else risk.get(pg_path(f.path)),
            ai_lines=f.ai_lines,
            human_lines=f.human_lines,
            unknown_lines=f.unknown_lines,
            ai_share=f.ai_share,
            ai_spans=[[first, last, pg_text(tool)] for first, last, tool in f.ai_spans],
        )
        for f in result.files
    )


def _risk_scores(
    scan: Scan, result: ScanResult, findings: list[Finding], churn: Mapping[str, int] | None
) -> dict[str, float]:
    """Each file's risk (services/risk.py), scored from the engine's result before the rows
    are written, so the file metrics are inserted once with it instead of inserted and then
    updated one by one: what `scan_risk_compute` would store, row for row. Read in the
    ingestion transaction, after the repository's lock (the triages in force)."""
    hidden = triaged_fingerprints(scan.repository_id, None, timezone.localdate())
    by_path: dict[str, list[tuple[int, int]]] = defaultdict(list)
    for finding in findings:
        if finding.fingerprint not in hidden:
            by_path[finding.path].append((finding.severity, finding.confidence))
    return {
        pg_path(f.path): file_risk_score(
            by_path.get(pg_path(f.path), []),
            f.complexity_max,
            f.maintainability,
            None if churn is None else churn.get(f.path, 0),
        )
        for f in result.files
    }


def _finding_rows(
    scan: Scan, result: ScanResult, changed: ChangedLines | None = None
) -> tuple[list[Finding], int]:
    rows: list[Finding] = []
    seen: set[str] = set()
    duplicates = 0
    for f in result.findings:
        if f.fingerprint in seen:
            # The engine promises unique fingerprints per scan; a breach must not lose the scan.
            duplicates += 1
            continue
        seen.add(f.fingerprint)
        rows.append(
            Finding(
                scan_id=scan.pk,
                rule_id=f.rule_id,
                scanner=f.scanner,
                category=f.category.value,
                severity=int(f.severity),
                confidence=int(f.confidence),
                path=pg_path(f.path),
                line=f.line,
                end_line=max(f.end_line, f.line),
                column=f.column,
                message=pg_text(f.message),
                snippet=pg_text(f.snippet),
                fingerprint=f.fingerprint,
                on_changed_line=changed is not None and on_changed_lines(f, changed),
                in_tests=f.in_tests,
                ai_authored=f.ai_authored,
                ai_tool=pg_text(f.ai_tool)[:64],
                ai_model=pg_text(f.ai_model)[:128],
                flow=[
                    {"line": line, "column": column, "message": pg_text(message)}
                    for line, column, message in f.flow
                ],
            )
        )
    return rows, duplicates


def scan_ingest(
    scan: Scan,
    result: ScanResult,
    *,
    churn: Mapping[str, int] | None = None,
    changed: ChangedLines | None = None,
) -> Scan:
    """Store `result` for `scan` and mark it succeeded, atomically.

    `churn` (commits per path in the churn window, read from the checkout) is stored with
    the file metrics, so risk is scored once, here; None when there is no history to read
    (a CI upload). `changed` (a pull-request scan's changed lines, scanners/diff.py)
    marks the findings on them. A scan of an unverified commit stores its findings and metrics only:
    it is not linked into the branch's history (lifecycle, rollup, trust, gate).
    Idempotent: rows a previous attempt may have left are replaced. Raises
    ScanNoLongerRunning (and writes nothing) when the scan is no longer ingesting.
    """
    started = time.monotonic()
    findings, duplicates = _finding_rows(scan, result, changed)
    if duplicates:
        log.warning("scan %s: engine returned %d duplicate fingerprints", scan.pk, duplicates)
    severity_counts = Counter(Severity(f.severity).label for f in findings)
    category_counts = Counter(f.category for f in findings)
    warnings = [
        {"code": pg_text(w.code), "path": pg_path(w.path), "message": pg_text(w.message)}
        for w in result.warnings
    ]

    with transaction.atomic():
        # Same lock order as review_sign (repository, then scan): trust copied from the
        # previous scan below cannot miss an approval committed meanwhile.
        Repository.objects.select_for_update().filter(pk=scan.repository_id).first()
        locked = Scan.objects.select_for_update().filter(pk=scan.pk).first()
        if locked is None or locked.status != ScanStatus.INGESTING:
            raise ScanNoLongerRunning(scan.pk)
        FileMetric.objects.filter(scan=scan).delete()
        Finding.objects.filter(scan=scan).delete()
        # Risk is part of the branch's history: scored for verified commits only, as before.
        risk = _risk_scores(scan, result, findings, churn) if scan.commit_verified else None
        rows_insert(FileMetric, _file_metric_rows(scan, result, churn, risk))
        rows_insert(Finding, findings)
        if scan.commit_verified:
            scan_lifecycle_compute(scan, risk_scored=True)
        now = timezone.now()
        fields = {
            "status": ScanStatus.SUCCEEDED,
            "finished_at": now,
            "heartbeat_at": now,
            "engine_version": result.engine_version,
            "scanner_versions": dict(result.scanner_versions),
            "files_scanned": len(result.files),
            "lines_scanned": sum(f.lines for f in result.files),
            "findings_total": len(findings),
            "suppressed_total": result.suppressed,
            "severity_counts": dict(severity_counts),
            "category_counts": dict(category_counts),
            "warnings": warnings,
            "provenance": scan_provenance_summary(result, findings),
            "ingest_seconds": round(time.monotonic() - started, 3),
        }
        Scan.objects.filter(pk=scan.pk).update(**fields)
        if scan.commit_verified:
            scan_review_derive(scan)  # trust levels and the quality gate (services/gate.py)
        repository_changed_by_scan(scan.pk)  # last: it holds the team's row until the commit
    for name, value in fields.items():
        setattr(scan, name, value)
    return scan
