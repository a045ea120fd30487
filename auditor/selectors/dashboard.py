"""Reads for the team overview, the scan page's lifecycle section and the repository
page's dashboard section. All from rollups, tracked findings and file metrics; none
recounts findings."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

from django.db.models import F, OuterRef, Subquery, Window
from django.db.models.functions import RowNumber
from django.utils import timezone

from auditor.models import (
    FileMetric,
    FindingChange,
    GateResult,
    Lifecycle,
    Repository,
    Scan,
    ScanRollup,
    Team,
)
from auditor.selectors.counts import FindingCounts, finding_counts
from auditor.selectors.trends import ROLLUP_FIELDS, rollups_daily_sum

SEVERE = ("critical", "high")
# A scan's JSON columns (per-file warnings can run to thousands of entries): the overview
# shows none of them, so they are not loaded with its scans.
_SCAN_JSON = ("warnings", "scanner_versions", "severity_counts", "category_counts")


@dataclass
class ScanLifecycle:
    rollup: ScanRollup | None
    new: list[FindingChange] = field(default_factory=list)
    reopened: list[FindingChange] = field(default_factory=list)
    fixed: list[FindingChange] = field(default_factory=list)


def scan_lifecycle(scan: Scan, limit: int = 8) -> ScanLifecycle:
    """The scan's counts against the previous scan of its branch, and the first few
    new / reopened / fixed findings (most severe first). Two queries."""
    rollup = ScanRollup.objects.filter(scan=scan).first()
    if rollup is None:
        return ScanLifecycle(None)
    rank = Window(RowNumber(), partition_by=[F("kind")], order_by=[F("tracked__severity").desc(), F("id")])
    changes = (
        FindingChange.objects.filter(scan=scan)
        .select_related("tracked")
        .annotate(rank=rank)
        .filter(rank__lte=limit)
        .order_by("-tracked__severity", "tracked__path", "id")
    )
    lists: dict[str, list[FindingChange]] = {kind: [] for kind in Lifecycle.values}
    for change in changes:
        lists[change.kind].append(change)
    return ScanLifecycle(rollup, lists[Lifecycle.NEW], lists[Lifecycle.REOPENED], lists[Lifecycle.FIXED])


def _latest_rollup_ids(repositories: Any, before: Any = None) -> Any:
    rollups = ScanRollup.objects.filter(repository=OuterRef("pk"), branch=OuterRef("default_branch"))
    if before is not None:
        rollups = rollups.filter(scanned_at__lt=before)
    return Subquery(rollups.order_by("-scanned_at").values("scan_id")[:1])


@dataclass
class RepositoryDashboard:
    rollup: ScanRollup | None
    hotspots: list[FileMetric]
    open_series: list[float]
    new_series: list[float]
    counts: FindingCounts = field(default_factory=FindingCounts)  # open / triaged now


def repository_dashboard(repository: Repository) -> RepositoryDashboard:
    """Latest rollup, open and triaged findings now, five riskiest files and 30 scans of
    sparkline. Four queries."""
    recent = list(
        ScanRollup.objects.filter(repository=repository, branch=repository.default_branch).order_by(
            "-scanned_at"
        )[:30]
    )
    recent.reverse()
    latest = recent[-1] if recent else None
    hotspots = (
        list(
            FileMetric.objects.filter(scan_id=latest.scan_id)
            .defer("functions")
            .order_by("-risk_score", "path")[:5]
        )
        if latest
        else []
    )
    return RepositoryDashboard(
        latest,
        hotspots,
        [float(r.open_total) for r in recent],
        [float(r.new_count) for r in recent],
        finding_counts([repository.pk])[repository.pk],
    )


@dataclass
class RepositoryStatus:
    repository: Repository
    rollup: ScanRollup | None
    last_scan: Scan | None
    gate: GateResult | None
    counts: FindingCounts = field(default_factory=FindingCounts)  # open / triaged now


@dataclass
class TeamOverview:
    team: Team
    headline: dict[str, dict[str, int]]
    repositories: list[RepositoryStatus]
    riskiest: list[FileMetric]
    latest_scans: list[Scan]
    open_series: list[float]
    severe_series: list[float]
    new_series: list[float]
    fixed_series: list[float]


def _headline(
    current: FindingCounts,
    now: list[ScanRollup],
    before: list[ScanRollup],
    week: Sequence[Mapping[str, Any]],
    week_before: Sequence[Mapping[str, Any]],
) -> dict[str, Any]:
    """Headline numbers: open and severe findings now (`current`, triage applied, as the
    findings list counts them), with their change since a week ago measured on the code
    (each repository's latest scan now against its latest scan then: what triage cannot
    be known for in the past); new/reopened and fixed summed over each week."""

    def severe(rows: list[ScanRollup]) -> int:
        return sum(r.severity_counts.get(s, 0) for r in rows for s in SEVERE)

    def arrived(rows: Sequence[Mapping[str, Any]]) -> int:
        return sum(r["new_count"] + r["reopened_count"] for r in rows)

    def fixed(rows: Sequence[Mapping[str, Any]]) -> int:
        return sum(r["fixed_count"] for r in rows)

    in_code = {
        "open": (sum(r.open_total for r in now), sum(r.open_total for r in before) if before else None),
        "severe": (severe(now), severe(before) if before else None),
    }
    headline = {
        k: {"value": value, "change": (v - b) if b is not None else None}
        for k, value, (v, b) in (
            ("open", current.open, in_code["open"]),
            ("severe", current.severe, in_code["severe"]),
        )
    }
    for k, (v, b) in {
        "new": (arrived(week), arrived(week_before)),
        "fixed": (fixed(week), fixed(week_before)),
    }.items():
        headline[k] = {"value": v, "change": v - b}
    return headline


def _gate(scan: Scan | None) -> GateResult | None:
    try:
        return scan.gate_result if scan is not None else None
    except GateResult.DoesNotExist:
        return None


def team_overview(team: Team) -> TeamOverview:
    """Everything on the landing page of `team`, in a fixed number of queries."""
    now = timezone.now()
    week_ago = now - timedelta(days=7)
    repositories = list(
        Repository.objects.filter(team=team)
        .annotate(
            rollup_now=_latest_rollup_ids(None),
            rollup_before=_latest_rollup_ids(None, week_ago),
            last_scan_id=Subquery(
                Scan.objects.filter(repository=OuterRef("pk")).order_by("-created_at", "-id").values("pk")[:1]
            ),
        )
        .order_by("name")
    )
    ids_now = [r.rollup_now for r in repositories if r.rollup_now]
    ids_before = [r.rollup_before for r in repositories if r.rollup_before]
    rollups = ScanRollup.objects.in_bulk(set(ids_now) | set(ids_before))
    scans = {
        s.pk: s
        for s in Scan.objects.filter(pk__in=[r.last_scan_id for r in repositories if r.last_scan_id])
        .select_related("gate_result")
        .defer(*_SCAN_JSON)
    }
    counts = finding_counts(r.pk for r in repositories)
    statuses = [
        RepositoryStatus(
            r,
            rollups.get(r.rollup_now),
            scans.get(r.last_scan_id),
            _gate(scans.get(r.last_scan_id)),
            counts[r.pk],
        )
        for r in repositories
    ]
    current = FindingCounts()
    for c in counts.values():
        current.add(c)
    month = list(
        ScanRollup.objects.filter(
            team=team, branch=F("repository__default_branch"), scanned_at__gte=now - timedelta(days=30)
        )
        .order_by("scanned_at")
        .values(*ROLLUP_FIELDS)
    )
    daily = rollups_daily_sum(month)
    # The eight are picked first and only they are joined to their scan and repository:
    # joining before the LIMIT made PostgreSQL hash the whole scan table.
    top = (
        FileMetric.objects.filter(scan_id__in=ids_now, risk_score__gt=0)
        .order_by("-risk_score", "path")
        .values("pk")[:8]
    )
    riskiest = list(
        FileMetric.objects.filter(pk__in=Subquery(top))
        .defer("functions", *(f"scan__{name}" for name in _SCAN_JSON))  # JSON: large, unused here
        .select_related("scan", "scan__repository")
        .order_by("-risk_score", "path")
    )
    latest_scans = list(
        Scan.objects.filter(repository__team=team)
        .select_related("repository")
        .defer(*_SCAN_JSON)
        .order_by("-created_at", "-id")[:8]
    )
    return TeamOverview(
        team=team,
        headline=_headline(
            current,
            [rollups[i] for i in ids_now],
            [rollups[i] for i in ids_before],
            [r for r in month if r["scanned_at"] >= week_ago],
            [r for r in month if week_ago - timedelta(days=7) <= r["scanned_at"] < week_ago],
        ),
        repositories=statuses,
        riskiest=riskiest,
        latest_scans=latest_scans,
        open_series=[float(d["open_total"]) for _, d in daily],
        severe_series=[float(sum(d["severity_counts"].get(s, 0) for s in SEVERE)) for _, d in daily],
        new_series=[float(r["new_count"] + r["reopened_count"]) for r in month],
        fixed_series=[float(r["fixed_count"]) for r in month],
    )
