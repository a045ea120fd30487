"""Reads for the file page (annotated source, metrics, risk history) and hotspots."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from django.db.models import Count, OuterRef, Q, Subquery
from django.http import Http404
from django.utils import timezone
from django.utils.safestring import SafeString, mark_safe

from auditor.models import (
    FileBlob,
    FileMetric,
    Finding,
    Repository,
    Scan,
    ScanRollup,
    ScanStatus,
    TrackedFinding,
)
from auditor.models.findings import triage_in_force
from auditor.selectors.highlight import highlight_lines

HOTSPOT_SORTS = {
    "risk": "-risk_score",
    "complexity": "-complexity_max",
    "maintainability": "maintainability",
    "churn": "-churn",
    "path": "path",
    "findings": "findings",  # sorted in Python: counts come from the tracked findings
}
HOTSPOT_LIMIT = 100


@dataclass
class SourceLine:
    number: int
    text: str
    findings: list[Any]
    html: SafeString | None = None  # highlighted (selectors/highlight.py); None → plain text
    ai: str = ""  # the AI tool that wrote the line ("AI" when unnamed); "" when not AI-written


def _ai_lines(spans: Any) -> dict[int, str]:
    """Line → tool, from a metric's stored [first, last, tool] runs (bounded by the file)."""
    lines: dict[int, str] = {}
    for span in spans if isinstance(spans, list) else []:
        if isinstance(span, list) and len(span) == 3 and all(isinstance(n, int) for n in span[:2]):
            for number in range(max(span[0], 1), min(span[1], span[0] + 1_000_000) + 1):
                lines[number] = str(span[2]) or "AI"
    return lines


@dataclass
class FileView:
    metric: FileMetric
    lines: list[SourceLine]
    truncated: bool
    available: bool
    findings: list[Finding]
    history: Sequence[Mapping[str, Any]]
    beyond: list[Finding]


def file_view(scan: Scan, path: str) -> FileView:
    """The file `path` as `scan` saw it, each line with its findings. Four queries."""
    # The file's text comes with its metric (content-addressed, no foreign key to join),
    # and only when this repository owns it: a hash alone opens nothing.
    blobs = FileBlob.objects.filter(
        sha256=OuterRef("content_sha256"), owners__repository_id=scan.repository_id
    )
    metric = (
        FileMetric.objects.filter(scan=scan, path=path)
        .annotate(
            blob_text=Subquery(blobs.values("text")[:1]),
            blob_truncated=Subquery(blobs.values("truncated")[:1]),
        )
        .first()
    )
    if metric is None:
        raise Http404("No such file in this scan.")
    has_blob = bool(metric.content_sha256) and metric.blob_text is not None
    findings = list(Finding.objects.filter(scan=scan, path=path).order_by("line", "-severity", "id"))
    # One read of the branch's identities for both questions: which identity each finding
    # is (for its history link) and which of this file's identities are triaged away.
    fingerprints = [f.fingerprint for f in findings]
    today = timezone.localdate()
    identities = TrackedFinding.objects.filter(
        Q(fingerprint__in=fingerprints) | Q(path=path), repository_id=scan.repository_id, branch=scan.branch
    ).values_list("fingerprint", "pk", "path", "triage_status", "triage_expires_at")
    wanted = set(fingerprints)
    tracked: dict[str, int] = {}
    triaged: set[str] = set()
    for fingerprint, pk, tracked_path, status, expires in identities:
        if fingerprint in wanted:
            tracked[fingerprint] = pk
        if tracked_path == path and triage_in_force(status, expires, today):
            triaged.add(fingerprint)
    by_line: dict[int, list[Any]] = defaultdict(list)
    for f in findings:
        f.tracked_id = tracked.get(f.fingerprint)  # type: ignore[attr-defined]
        f.triaged = f.fingerprint in triaged  # type: ignore[attr-defined]
        by_line[f.line].append(f)
    text = metric.blob_text if has_blob else ""
    ai = _ai_lines(metric.ai_spans)
    lines = [
        SourceLine(i, line, by_line.get(i, []), ai=ai.get(i, ""))
        for i, line in enumerate(text.splitlines(), start=1)
    ]
    for line, html in zip(lines, highlight_lines(path, text, len(lines)) or [], strict=False):
        line.html = mark_safe(html)  # noqa: S308 - every token escaped by highlight_lines
    history = list(
        FileMetric.objects.filter(
            scan__repository_id=scan.repository_id,
            scan__branch=scan.branch,
            scan__status=ScanStatus.SUCCEEDED,
            path=path,
        )
        .order_by("-scan__created_at")
        .values("scan_id", "scan__created_at", "risk_score", "complexity_max", "maintainability", "churn")[
            :30
        ]
    )
    history.reverse()
    # Findings past the stored text (a truncated file) are listed below it, not lost.
    beyond = [f for f in findings if f.line > len(lines)] if has_blob else []
    truncated = has_blob and bool(metric.blob_truncated)
    return FileView(metric, lines, truncated, has_blob, findings, history, beyond)


@dataclass
class Hotspots:
    rollup: ScanRollup | None
    files: list[FileMetric]
    tiles: list[tuple[str, list[FileMetric]]]
    max_risk: float


def hotspots(repository: Repository, sort: str) -> Hotspots:
    """The riskiest files of the repository's latest scan of its default branch, with
    their open (untriaged) finding counts, and the heatmap tiles by directory. Three queries."""
    rollup = (
        ScanRollup.objects.filter(repository=repository, branch=repository.default_branch)
        .order_by("-scanned_at")
        .first()
    )
    if rollup is None:
        return Hotspots(None, [], [], 0.0)
    order = HOTSPOT_SORTS.get(sort, "-risk_score")
    # Only the columns the map and the table show (a repository has thousands of files).
    metrics = FileMetric.objects.filter(scan_id=rollup.scan_id).only(
        "id", "scan_id", "path", "sloc", "complexity_max", "maintainability", "churn", "risk_score"
    )
    files = list(
        metrics.order_by("-risk_score", "path") if order == "findings" else metrics.order_by(order, "path")
    )
    counts = dict(
        TrackedFinding.objects.filter(repository=repository, branch=repository.default_branch)
        .open(timezone.localdate())
        .order_by()
        .values_list("path")
        .annotate(n=Count("id"))
    )
    for f in files:
        f.open_findings = counts.get(f.path, 0)  # type: ignore[attr-defined]
    if order == "findings":
        files.sort(key=lambda f: (-f.open_findings, f.path))  # type: ignore[attr-defined]
    by_dir: dict[str, list[FileMetric]] = defaultdict(list)
    for f in sorted(files, key=lambda f: -(f.risk_score or 0))[:200]:
        by_dir[f.path.split("/", 1)[0] if "/" in f.path else "."].append(f)
    tiles = sorted(by_dir.items(), key=lambda kv: -sum(f.risk_score or 0 for f in kv[1]))
    return Hotspots(
        rollup, files[:HOTSPOT_LIMIT], tiles, max((f.risk_score or 0) for f in files) if files else 0.0
    )
