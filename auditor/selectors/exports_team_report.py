"""Reads for a team's printable report over a period: scans, gate, trend, riskiest files, sign-offs."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from django.db.models import Count, OuterRef, Subquery

from auditor.models import FileMetric, GateResult, Repository, Scan, ScanRollup, SignOff, Team
from auditor.selectors.counts import FindingCounts, finding_counts

RISKY_FILES = 15
MAX_ROLLUPS = 5000  # a period's weekly trend reads at most this many scan rollups
RECENT_SIGNOFFS = 30


@dataclass
class RepositoryLine:
    repository: Repository
    latest: Scan | None
    gate_passed: bool | None
    scans_in_period: int
    counts: FindingCounts  # open / triaged now, as on every other surface
    gate_failures: list[str]


@dataclass
class TeamReport:
    team: Team
    start: datetime
    end: datetime
    repositories: list[RepositoryLine]
    status_counts: dict[str, int]
    counts: FindingCounts
    open_by_severity: list[tuple[str, int]]
    triaged_by_severity: list[tuple[str, int]]
    weeks: list[dict[str, Any]]
    risky_files: list[dict[str, Any]]
    signoff_counts: dict[str, int]
    signoffs: list[dict[str, Any]]


def _weeks(team: Team, start: datetime, end: datetime) -> list[dict[str, Any]]:
    rows = ScanRollup.objects.filter(team=team, scanned_at__gte=start, scanned_at__lt=end).values(
        "scanned_at", "new_count", "fixed_count"
    )[:MAX_ROLLUPS]
    buckets: dict[date, dict[str, Any]] = defaultdict(lambda: {"scans": 0, "new": 0, "fixed": 0})
    for row in rows:
        day = row["scanned_at"].date()
        week = day - timedelta(days=day.weekday())
        bucket = buckets[week]
        bucket["scans"] += 1
        bucket["new"] += row["new_count"]
        bucket["fixed"] += row["fixed_count"]
    return [{"week": week, **buckets[week]} for week in sorted(buckets)]


def team_report(team: Team, start: datetime, end: datetime) -> TeamReport:
    """The team's report for [start, end): a fixed number of queries per report.

    Each repository's latest scan is the latest ingested one of its default branch (a
    feature branch's scan is not the state of the code); the open and triaged counts are
    those of now, read as every page reads them (selectors/counts.py)."""
    in_period = Scan.objects.filter(repository__team=team, created_at__gte=start, created_at__lt=end)
    latest_id = (
        ScanRollup.objects.filter(
            repository=OuterRef("pk"), branch=OuterRef("default_branch"), scanned_at__lt=end
        )
        .order_by("-scanned_at")
        .values("scan_id")[:1]
    )
    repositories = list(
        Repository.objects.filter(team=team).annotate(latest_id=Subquery(latest_id)).order_by("name")
    )
    latest = Scan.objects.in_bulk([r.latest_id for r in repositories if r.latest_id])
    gates = {
        row["scan_id"]: row
        for row in GateResult.objects.filter(scan_id__in=latest).values("scan_id", "passed", "failures")
    }
    counts = finding_counts(r.pk for r in repositories)
    per_repo = dict(
        in_period.values_list("repository_id").annotate(n=Count("id")).values_list("repository_id", "n")
    )
    lines = [
        RepositoryLine(
            repository=r,
            latest=latest.get(r.latest_id),
            gate_passed=gates[r.latest_id]["passed"] if r.latest_id in gates else None,
            scans_in_period=per_repo.get(r.pk, 0),
            counts=counts[r.pk],
            gate_failures=[f["message"] for f in gates[r.latest_id]["failures"]]
            if r.latest_id in gates
            else [],
        )
        for r in repositories
    ]
    total = FindingCounts()
    for c in counts.values():
        total.add(c)
    risky = [
        dict(row)
        for row in FileMetric.objects.filter(scan_id__in=latest)
        .order_by("-risk_score", "-complexity_max", "path")
        .values("path", "scan__repository__name", "sloc", "complexity_max", "risk_score")[:RISKY_FILES]
    ]
    period = SignOff.objects.filter(
        review__scan__repository__team=team, created_at__gte=start, created_at__lt=end
    )
    signoff_counts = dict(period.values_list("decision").annotate(n=Count("id")).values_list("decision", "n"))
    signoffs = [
        dict(row)
        for row in period.order_by("-created_at", "-id").values(
            "created_at",
            "reviewer_name",
            "decision",
            "comment",
            "justification",
            "item__text",
            "review__scan_id",
            "review__scan__commit_sha",
            "review__approved",
            "review__scan__repository__name",
        )[:RECENT_SIGNOFFS]
    ]
    return TeamReport(
        team=team,
        start=start,
        end=end,
        repositories=lines,
        status_counts=dict(
            in_period.values_list("status").annotate(n=Count("id")).values_list("status", "n")
        ),
        counts=total,
        open_by_severity=total.by_label("open"),
        triaged_by_severity=total.by_label("triaged"),
        weeks=_weeks(team, start, end),
        risky_files=risky,
        signoff_counts=signoff_counts,
        signoffs=signoffs,
    )
