"""Store an engine result computed elsewhere (a CI job) as a scan of one commit.

The payload is the engine's own JSON (`python -m scanners . --format json`), parsed
defensively: a wrong shape is a ResultRejected with a message saying where, never a
500. The scan goes through the same ingest service as a worker's, so pre-merge CI and
the dashboard share one engine and one history.
"""

from __future__ import annotations

import logging
import re
from typing import Any

from django.conf import settings
from django.contrib.auth.models import AnonymousUser, User
from django.db import transaction
from django.utils import timezone

from auditor.git import CloneError, remote_tips
from auditor.models import Repository, Scan, ScanStatus, ScanTrigger
from auditor.models.paths import MAX_PATH_CHARS
from auditor.services.audit import audit_record
from auditor.services.ingest import scan_ingest
from scanners.model import (
    Category,
    Confidence,
    FileMetrics,
    Finding,
    FunctionMetric,
    ProvenanceSummary,
    ScanResult,
    ScanWarning,
    Severity,
)

log = logging.getLogger(__name__)

MAX_FINDINGS = 200_000  # a request body bigger than this is not a CI result
PATH_REFUSED = "upload:path-refused"
_WINDOWS_DRIVE = re.compile(r"^[A-Za-z]:[\\/]")


class ResultRejected(ValueError):
    """The uploaded result is not the engine's JSON; the message says what is wrong."""


def repository_path(raw: str) -> tuple[str | None, str]:
    """`raw` as a relative POSIX path inside the repository, or (None, why not).

    The engine writes such paths; a result from elsewhere may not. `./` and empty
    segments are dropped; absolute paths, drive letters, any `..` segment (even one that
    would stay inside), NUL characters and paths longer than the columns hold are
    refused rather than guessed at, so nothing outside the repository is ever named.
    """
    if "\x00" in raw:
        return None, "the path contains a NUL character"
    if raw.startswith("/") or _WINDOWS_DRIVE.match(raw):
        return None, "the path is absolute; paths must be relative to the repository's root"
    segments = [s for s in raw.split("/") if s not in ("", ".")]
    if ".." in segments:
        return None, "the path contains '..'; paths must stay inside the repository"
    if not segments:
        return None, "the path is empty"
    path = "/".join(segments)
    if len(path) > MAX_PATH_CHARS:
        return None, f"the path is longer than {MAX_PATH_CHARS} characters"
    return path, ""


def _field(data: dict[str, Any], name: str, kind: type | tuple[type, ...], where: str) -> Any:
    value = data.get(name)
    if not isinstance(value, kind) or (isinstance(value, bool) and kind is not bool):
        raise ResultRejected(f"{where}.{name}: expected {getattr(kind, '__name__', kind)}")
    return value


class _PathRefused(Exception):
    def __init__(self, raw: str, reason: str) -> None:
        super().__init__(reason)
        self.warning = ScanWarning(PATH_REFUSED, raw[:MAX_PATH_CHARS], f"Not stored: {reason}.")


def _path(data: dict[str, Any], where: str) -> str:
    raw = _field(data, "path", str, where)
    path, reason = repository_path(raw)
    if path is None:
        raise _PathRefused(raw, reason)
    return path


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
            path=_path(data, where),
            line=max(_field(data, "line", int, where), 0),
            end_line=max(_field(data, "end_line", int, where), 0),
            column=max(_field(data, "column", int, where), 0),
            message=_field(data, "message", str, where),
            snippet=str(data.get("snippet") or ""),
            fingerprint=_field(data, "fingerprint", str, where)[:64],
            in_tests=data.get("in_tests") is True,
            ai_authored=authored if isinstance(authored := data.get("ai_authored"), bool) else None,
            ai_tool=str(data.get("ai_tool") or "")[:64],
            ai_model=str(data.get("ai_model") or "")[:128],
        )
    except ValueError as exc:
        if isinstance(exc, ResultRejected):
            raise
        raise ResultRejected(f"{where}: {exc}") from None


def _kept(parse: Any, items: list[Any], where: str, refused: list[ScanWarning]) -> tuple[Any, ...]:
    """Each of `items` parsed, but for those whose path is refused: a warning each instead."""
    kept = []
    for i, item in enumerate(items):
        try:
            kept.append(parse(item, f"{where}[{i}]"))
        except _PathRefused as exc:
            refused.append(exc.warning)
    return tuple(kept)


def _file(data: Any, where: str) -> FileMetrics:
    if not isinstance(data, dict):
        raise ResultRejected(f"{where}: expected an object")
    functions = data.get("functions") or []
    if not isinstance(functions, list):
        raise ResultRejected(f"{where}.functions: expected a list")
    maintainability = data.get("maintainability")
    return FileMetrics(
        path=_path(data, where),
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
        **_file_provenance(data, max(_field(data, "lines", int, where), 0)),
    )


def _count(value: Any) -> int:
    return max(value, 0) if isinstance(value, int) and not isinstance(value, bool) else 0


def _file_provenance(data: dict[str, Any], lines: int) -> dict[str, Any]:
    """A file's provenance fields as uploaded; a result without them has every line unknown."""
    if "ai_lines" not in data:
        return {"unknown_lines": lines}
    raw_spans = data.get("ai_spans")
    spans: list[Any] = raw_spans if isinstance(raw_spans, list) else []
    return {
        "ai_lines": _count(data.get("ai_lines")),
        "human_lines": _count(data.get("human_lines")),
        "unknown_lines": _count(data.get("unknown_lines")),
        "ai_spans": tuple(
            (s[0], s[1], str(s[2])[:64])
            for s in spans
            if isinstance(s, list) and len(s) == 3 and _count(s[0]) and _count(s[1]) >= s[0]
        ),
    }


def _provenance(data: Any) -> ProvenanceSummary | None:
    """The uploaded provenance summary's totals (what the AI pages chart), or None."""
    if not isinstance(data, dict):
        return None
    raw_tools = data.get("by_tool")
    tools: list[Any] = raw_tools if isinstance(raw_tools, list) else []
    new = data.get("new_lines")
    return ProvenanceSummary(
        sources=tuple(str(s)[:32] for s in data.get("sources") or () if isinstance(s, str))[:8],
        ai_lines=_count(data.get("ai_lines")),
        human_lines=_count(data.get("human_lines")),
        unknown_lines=_count(data.get("unknown_lines")),
        history_commits=_count(data.get("history_commits")),
        by_tool=tuple(
            (str(t.get("tool", ""))[:64], str(t.get("model", ""))[:128], _count(t.get("lines")))
            for t in tools[:200]
            if isinstance(t, dict)
        ),
        new_lines=tuple((k, _count(new.get(k))) for k in ("ai", "human", "unknown"))
        if isinstance(new, dict)
        else None,
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
    refused: list[ScanWarning] = []
    try:
        return ScanResult(
            root=str(payload.get("root") or ""),
            engine_version=str(payload.get("engine_version") or "")[:32],
            scanner_versions={str(k): str(v) for k, v in dict(payload.get("scanner_versions") or {}).items()},
            files=_kept(_file, files, "result.files", refused),
            findings=_kept(_finding, findings, "result.findings", refused),
            warnings=tuple(
                ScanWarning(str(w.get("code", "")), str(w.get("path", "")), str(w.get("message", "")))
                for w in warnings
                if isinstance(w, dict)
            )
            + tuple(refused),
            suppressed=max(int(payload.get("suppressed") or 0), 0),
            provenance=_provenance(payload.get("provenance")),
        )
    except (TypeError, ValueError) as exc:
        if isinstance(exc, ResultRejected):
            raise
        raise ResultRejected(f"result: {exc}") from None


def commit_known(repository: Repository, commit: str) -> bool:
    """Whether `commit` (full or abbreviated) is one the repository has: a worker has
    cloned it, or the remote advertises it as a branch or tag (`git ls-remote` through the
    hardened runner; a remote that cannot be asked counts as not knowing it)."""
    commit = commit.lower()
    cloned = Scan.objects.filter(
        repository=repository, status=ScanStatus.SUCCEEDED, commit_sha__startswith=commit
    )
    if cloned.exclude(trigger=ScanTrigger.API).exists():
        return True
    if not settings.CI_UPLOAD_VERIFY_WITH_REMOTE:
        return False
    try:
        tips = remote_tips(repository.clone_url, local_roots=settings.AUDITOR_LOCAL_REPO_ROOTS)
    except CloneError as exc:
        log.warning("repository %s: could not verify commit %s: %s", repository.pk, commit[:12], exc.message)
        return False
    return any(sha.startswith(commit) for sha in tips.values())


def scan_ingest_uploaded(
    *, repository: Repository, actor: User | AnonymousUser | None, commit: str, branch: str, payload: Any
) -> Scan:
    """Create an `api` scan of `commit` and ingest the uploaded result into it.

    A commit the repository does not know is stored as an unverified scan: visible, but
    outside the branch's history, so a result for a made-up commit can neither mark the
    branch's findings fixed nor pass its gate.
    """
    result = result_from_payload(payload)
    verified = commit_known(repository, commit)  # git I/O: before the transaction
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
            commit_verified=verified,
        )
        scan_ingest(scan, result)
        # After the ingestion, which locks the repository's row: the audit event locks the
        # team's, and every writer takes the two in that order.
        audit_record(
            team=repository.team,
            actor=actor,
            action="scan.uploaded",
            obj=scan,
            details={
                "commit": scan.commit_sha,
                "branch": branch,
                "findings": len(result.findings),
                "commit_verified": verified,
            },
        )
    return scan
