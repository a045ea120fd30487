"""Store an engine result computed elsewhere (a CI job) as a scan of one commit.

The payload is the engine's own JSON (`python -m scanners . --format json`), parsed
defensively: a wrong shape is a ResultRejected with a message saying where, never a
500. The scan goes through the same ingest service as a worker's, so pre-merge CI and
the dashboard share one engine and one history.
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth.models import AnonymousUser, User
from django.db import transaction
from django.utils import timezone

from auditor.models import Repository, Scan, ScanStatus, ScanTrigger
from auditor.services.audit import audit_record
from auditor.services.ingest import scan_ingest
from scanners.model import (
    Category,
    Confidence,
    FileMetrics,
    Finding,
    FunctionMetric,
    ScanResult,
    ScanWarning,
    Severity,
)

MAX_FINDINGS = 200_000  # a request body bigger than this is not a CI result


class ResultRejected(ValueError):
    """The uploaded result is not the engine's JSON; the message says what is wrong."""


def _field(data: dict[str, Any], name: str, kind: type | tuple[type, ...], where: str) -> Any:
    value = data.get(name)
    if not isinstance(value, kind) or (isinstance(value, bool) and kind is not bool):
        raise ResultRejected(f"{where}.{name}: expected {getattr(kind, '__name__', kind)}")
    return value


def _finding(data: Any, where: str) -> Finding:
    if not isinstance(data, dict):
        raise ResultRejected(f"{where}: expected an object")
    try:
        return Finding(
            rule_id=_field(data, "rule_id", str, where)[:32],
            scanner=_field(data, "scanner", str, where)[:32],
            category=Category(_field(data, "category", str, where)),
            severity=Severity.parse(_field(data, "severity", str, where)),
            confidence=Confidence.parse(_field(data, "confidence", str, where)),
            path=_field(data, "path", str, where)[:1000],
            line=max(_field(data, "line", int, where), 0),
            end_line=max(_field(data, "end_line", int, where), 0),
            column=max(_field(data, "column", int, where), 0),
            message=_field(data, "message", str, where),
            snippet=str(data.get("snippet") or ""),
            fingerprint=_field(data, "fingerprint", str, where)[:64],
        )
    except ValueError as exc:
        if isinstance(exc, ResultRejected):
            raise
        raise ResultRejected(f"{where}: {exc}") from None


def _file(data: Any, where: str) -> FileMetrics:
    if not isinstance(data, dict):
        raise ResultRejected(f"{where}: expected an object")
    functions = data.get("functions") or []
    if not isinstance(functions, list):
        raise ResultRejected(f"{where}.functions: expected a list")
    maintainability = data.get("maintainability")
    return FileMetrics(
        path=_field(data, "path", str, where)[:1000],
        language=_field(data, "language", str, where)[:32],
        lines=max(_field(data, "lines", int, where), 0),
        sloc=max(int(data.get("sloc") or 0), 0),
        comments=max(int(data.get("comments") or 0), 0),
        blank=max(int(data.get("blank") or 0), 0),
        complexity_max=max(int(data.get("complexity_max") or 0), 0),
        complexity_mean=float(data.get("complexity_mean") or 0),
        maintainability=float(maintainability) if isinstance(maintainability, int | float) else None,
        parse_ok=bool(data.get("parse_ok", True)),
        functions=tuple(
            FunctionMetric(
                str(f.get("name", "")),
                int(f.get("line", 0)),
                int(f.get("complexity", 0)),
                str(f.get("rank", "")),
            )
            for f in functions
            if isinstance(f, dict)
        ),
        sha256=str(data.get("sha256") or "")[:64],
    )


def result_from_payload(payload: Any) -> ScanResult:
    """The ScanResult in `payload` (ScanResult.to_dict()'s shape); ResultRejected if malformed."""
    if not isinstance(payload, dict):
        raise ResultRejected("result: expected an object")
    findings = payload.get("findings")
    files = payload.get("files", [])
    warnings = payload.get("warnings", [])
    if not isinstance(findings, list) or not isinstance(files, list) or not isinstance(warnings, list):
        raise ResultRejected("result: findings, files and warnings must be lists")
    if len(findings) > MAX_FINDINGS:
        raise ResultRejected(f"result: more than {MAX_FINDINGS} findings")
    try:
        return ScanResult(
            root=str(payload.get("root") or ""),
            engine_version=str(payload.get("engine_version") or "")[:32],
            scanner_versions={str(k): str(v) for k, v in dict(payload.get("scanner_versions") or {}).items()},
            files=tuple(_file(f, f"result.files[{i}]") for i, f in enumerate(files)),
            findings=tuple(_finding(f, f"result.findings[{i}]") for i, f in enumerate(findings)),
            warnings=tuple(
                ScanWarning(str(w.get("code", "")), str(w.get("path", "")), str(w.get("message", "")))
                for w in warnings
                if isinstance(w, dict)
            ),
            suppressed=max(int(payload.get("suppressed") or 0), 0),
        )
    except (TypeError, ValueError) as exc:
        if isinstance(exc, ResultRejected):
            raise
        raise ResultRejected(f"result: {exc}") from None


def scan_ingest_uploaded(
    *, repository: Repository, actor: User | AnonymousUser | None, commit: str, branch: str, payload: Any
) -> Scan:
    """Create an `api` scan of `commit` and ingest the uploaded result into it."""
    result = result_from_payload(payload)
    now = timezone.now()
    with transaction.atomic():
        # Created in the ingesting phase: no clone or engine run follows, no task is queued.
        scan = Scan.objects.create(
            repository=repository,
            branch=branch,
            commit_sha=commit.lower(),
            requested_commit=commit.lower(),
            trigger=ScanTrigger.API,
            requested_by=actor if isinstance(actor, User) else None,
            status=ScanStatus.INGESTING,
            started_at=now,
            heartbeat_at=now,
        )
        scan_ingest(scan, result)
        # After the ingestion, which locks the repository's row: the audit event locks the
        # team's, and every writer takes the two in that order.
        audit_record(
            team=repository.team,
            actor=actor,
            action="scan.uploaded",
            obj=scan,
            details={"commit": scan.commit_sha, "branch": branch, "findings": len(result.findings)},
        )
    return scan
