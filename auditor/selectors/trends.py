"""Trends from per-scan rollups (never from findings): series and their SVG layout.

Charts are drawn on the server as inline SVG (layout here, markup in
templates/auditor/dashboard/partials/line_chart.html) rather than with a vendored chart library: the
charts are simple lines, bars and sparklines; server-side SVG needs no JavaScript, no
JSON endpoint and no vendored file to keep patched, prints and screenshots as it
looks, and each data point is a real element (with a tooltip) that tests can count.
"""

from __future__ import annotations

import hashlib
from collections import defaultdict
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from functools import cached_property
from typing import Any

from django.core.cache import cache
from django.db.models import CharField, Count, F, Max, OuterRef, QuerySet, Subquery, Sum, Value
from django.db.models.functions import Cast, Concat
from django.utils import timezone

from auditor.models import Category, Repository, ScanRollup, Severity, Team

RANGES = {"7d": 7, "30d": 30, "90d": 90, "365d": 365}
DEFAULT_RANGE = "30d"
SEVERITY_COLOURS = {
    "critical": "#7f1d1d",
    "high": "#c2410c",
    "medium": "#b45309",
    "low": "#2563eb",
    "info": "#9ca3af",
}
CATEGORY_COLOURS = {
    "context": "#7c3aed",
    "temporal": "#0891b2",
    "happy-path": "#ca8a04",
    "concurrency": "#db2777",
    "security": "#dc2626",
    "complexity": "#4b5563",
    "observability": "#16a34a",
}
# What `rollups_daily_sum` and the charts read of each rollup (the overview too).
ROLLUP_FIELDS = (
    "scan_id",
    "repository_id",
    "scanned_at",
    "new_count",
    "reopened_count",
    "fixed_count",
    "open_total",
    "severity_counts",
    "category_counts",
    "complexity_mean",
    "complexity_max",
    "maintainability_mean",
)


@dataclass
class Series:
    name: str
    colour: str
    points: list[tuple[datetime, float]] = field(default_factory=list)


@dataclass
class Chart:
    title: str
    series: list[Series]
    kind: str = "line"  # or "bars"

    def layout(self, width: int, height: int) -> dict[str, Any]:
        """Pixel coordinates for the template: polylines, points, axis labels."""
        pad_l, pad_r, pad_t, pad_b = 40, 10, 10, 22
        points = [p for s in self.series for p in s.points]
        if not points:
            return {"title": self.title, "empty": True, "width": width, "height": height}
        t0 = min(p[0] for p in points).timestamp()
        t1 = max(p[0] for p in points).timestamp()
        top = max(max(p[1] for p in points), 1.0)
        span = (t1 - t0) or 1.0

        def xy(t: datetime, v: float) -> tuple[float, float]:
            x = pad_l + (t.timestamp() - t0) / span * (width - pad_l - pad_r)
            y = pad_t + (1 - v / top) * (height - pad_t - pad_b)
            return round(x, 1), round(y, 1)

        drawn = []
        for s in self.series:
            coords = [(*xy(t, v), v, t) for t, v in _thin(s.points, MAX_POINTS)]
            drawn.append(
                {
                    "name": s.name,
                    "colour": s.colour,
                    "polyline": " ".join(f"{x},{y}" for x, y, _, _ in coords),
                    "points": coords,
                }
            )
        ticks = [(round(pad_t + (1 - f) * (height - pad_t - pad_b), 1), _fmt(top * f)) for f in (0, 0.5, 1)]
        return {
            "title": self.title,
            "empty": False,
            "width": width,
            "height": height,
            "series": drawn,
            "kind": self.kind,
            "ticks": ticks,
            "x0": pad_l,
            "x1": width - pad_r,
            "base": height - pad_b,
            "start": datetime.fromtimestamp(t0, tz=timezone.get_current_timezone()),
            "end": datetime.fromtimestamp(t1, tz=timezone.get_current_timezone()),
        }


MAX_POINTS = 120  # per series: a year of daily points is thinned to what 560 px can show


def _thin(points: list[tuple[datetime, float]], limit: int) -> list[tuple[datetime, float]]:
    """At most `limit` points, evenly picked, always keeping the last one."""
    if len(points) <= limit:
        return points
    step = len(points) / limit
    picked = [points[int(i * step)] for i in range(limit - 1)]
    return [*picked, points[-1]]


def _fmt(value: float) -> str:
    return f"{value:.0f}" if value >= 10 else f"{value:.1f}".rstrip("0").rstrip(".")


def range_since(key: str) -> datetime:
    return timezone.now() - timedelta(days=RANGES.get(key, RANGES[DEFAULT_RANGE]))


def _charts(
    samples: list[tuple[datetime, dict[str, Any]]], per_scan: list[dict[str, Any]]
) -> dict[str, Chart]:
    severities = [s.label for s in sorted(Severity, reverse=True)]
    by_sev = [
        Series(label, SEVERITY_COLOURS[label], [(t, r["severity_counts"].get(label, 0)) for t, r in samples])
        for label in severities
    ]
    by_cat = [
        Series(
            c.label,
            CATEGORY_COLOURS[c.value],
            [(t, r["category_counts"].get(c.value, 0)) for t, r in samples],
        )
        for c in Category
    ]
    churn = [
        Series("New", "#dc2626", [(r["scanned_at"], r["new_count"]) for r in per_scan]),
        Series("Fixed", "#16a34a", [(r["scanned_at"], r["fixed_count"]) for r in per_scan]),
    ]
    complexity = [
        Series("Mean complexity", "#2456d6", [(t, r["complexity_mean"]) for t, r in samples]),
        Series("Max complexity", "#c2410c", [(t, r["complexity_max"]) for t, r in samples]),
    ]
    mi = [Series("Maintainability", "#15803d", [(t, r["maintainability_mean"] or 0) for t, r in samples])]
    return {
        "severity": Chart("Open findings by severity", [s for s in by_sev if any(v for _, v in s.points)]),
        "category": Chart("Open findings by category", [s for s in by_cat if any(v for _, v in s.points)]),
        "new_fixed": Chart("New vs fixed per scan", churn, kind="bars"),
        "complexity": Chart("Cyclomatic complexity", complexity),
        "maintainability": Chart("Maintainability index (mean)", mi),
    }


def _version(rollups: QuerySet[ScanRollup], group: str) -> Any:
    """One string that changes whenever the rollups charted change: how many, the newest
    scan id, the sum of the ids (a rollup that leaves the range as time passes) and the
    newest scan time. Rollups are written once per scan and never change afterwards."""
    return (
        rollups.order_by()
        .values(group)
        .annotate(
            v=Concat(
                Cast(Count("scan_id"), CharField()),
                Value(":"),
                Cast(Max("scan_id"), CharField()),
                Value(":"),
                Cast(Sum("scan_id"), CharField()),
                Value(":"),
                Cast(Max("scanned_at"), CharField()),
                output_field=CharField(),
            )
        )
        .values("v")
    )


def team_trends_version(since: datetime) -> Subquery:
    """For annotating teams: the version of their trend charts since `since` (see `_version`)."""
    rollups = ScanRollup.objects.filter(
        team=OuterRef("pk"), branch=F("repository__default_branch"), scanned_at__gte=since
    )
    return Subquery(_version(rollups, "team_id")[:1], output_field=CharField())


def repository_trends_version(repository: Repository, since: datetime) -> str:
    """The version of the repository's trend charts since `since` (see `_version`). One query."""
    rollups = ScanRollup.objects.filter(
        repository=repository, branch=repository.default_branch, scanned_at__gte=since
    )
    rows = list(_version(rollups, "repository_id")[:1])
    return str(rows[0]["v"]) if rows else ""


def _trends_digest(subject: str, pk: int, range_key: str, version: str) -> str:
    """What a subject's charts depend on: they are laid out in the current time zone, from
    rollups that only change when a scan is ingested (the version)."""
    raw = f"{subject}:{pk}:{range_key}:{timezone.get_current_timezone_name()}:{version}"
    return hashlib.sha256(raw.encode()).hexdigest()


TREND_CHARTS = ("severity", "category", "new_fixed", "complexity", "maintainability")  # page order
TRENDS_CACHE_SECONDS = 3600


@dataclass
class TrendCharts:
    """A subject's trend charts, read from the cache or built from the rollups on first
    use (`charts`). `section_key` names their version, for caching them as drawn: the
    drawing is the same for every member of the team, so a page section redrawn for one
    person (a new minute, a triage) reuses it."""

    digest: str
    build: Callable[[], dict[str, Chart]]

    @property
    def section_key(self) -> str:
        return "dashboard:trend-section:" + self.digest

    @cached_property
    def charts(self) -> list[Chart]:
        """The five charts in page order; a year of rollups costs milliseconds to sum,
        and they change only at ingestion."""
        key = "dashboard:trend-charts:" + self.digest
        charts: list[Chart] | None = cache.get(key)
        if charts is None:
            built = self.build()
            charts = [built[name] for name in TREND_CHARTS]
            cache.set(key, charts, TRENDS_CACHE_SECONDS)
        return charts


def team_trend_charts(team: Team, range_key: str) -> TrendCharts:
    """The team's trend charts over the range. One query for their version, one more for
    the rollups when the charts are not in the cache."""
    since = range_since(range_key)
    version = (
        Team.objects.filter(pk=team.pk)
        .annotate(v=team_trends_version(since))
        .values_list("v", flat=True)
        .get()
    )
    digest = _trends_digest("team", team.pk, range_key, str(version))
    return TrendCharts(digest, lambda: team_trends(team, range_key, since))


def repository_trend_charts(repository: Repository, range_key: str) -> TrendCharts:
    """The repository's trend charts over the range (queries as for a team)."""
    since = range_since(range_key)
    version = repository_trends_version(repository, since)
    digest = _trends_digest("repository", repository.pk, range_key, version)
    return TrendCharts(digest, lambda: repository_trends(repository, range_key, since))


def repository_trends(
    repository: Repository, range_key: str, since: datetime | None = None
) -> dict[str, Chart]:
    """Charts of the repository's default branch over the range. One query."""
    rows = list(
        ScanRollup.objects.filter(
            repository=repository,
            branch=repository.default_branch,
            scanned_at__gte=since or range_since(range_key),
        )
        .order_by("scanned_at")
        .values(*ROLLUP_FIELDS)
    )
    return _charts([(r["scanned_at"], r) for r in rows], rows)


def team_trends(team: Team, range_key: str, since: datetime | None = None) -> dict[str, Chart]:
    """Charts of the team's repositories (default branches) over the range, one point per
    day: each repository contributes its latest scan up to that day. One query."""
    rows = list(
        ScanRollup.objects.filter(
            team=team, branch=F("repository__default_branch"), scanned_at__gte=since or range_since(range_key)
        )
        .order_by("scanned_at")
        .values(*ROLLUP_FIELDS)
    )
    return _charts(rollups_daily_sum(rows), rows)


def rollups_daily_sum(rows: Sequence[Mapping[str, Any]]) -> list[tuple[datetime, dict[str, Any]]]:
    """One total per day from rollups ordered by time: each repository counts with its
    latest scan up to the end of that day."""
    latest: dict[int, Mapping[str, Any]] = {}
    days: dict[Any, dict[int, Mapping[str, Any]]] = {}
    tz = timezone.get_current_timezone()  # once: localtime() per row costs a context lookup
    dates = [r["scanned_at"].astimezone(tz).date() for r in rows]
    for i, r in enumerate(rows):
        latest[r["repository_id"]] = r
        if i + 1 == len(rows) or dates[i + 1] != dates[i]:  # the day's last scan
            days[dates[i]] = dict(latest)
    out: list[tuple[datetime, dict[str, Any]]] = []
    for day, per_repo in days.items():
        total: dict[str, Any] = {"severity_counts": defaultdict(int), "category_counts": defaultdict(int)}
        for r in per_repo.values():
            for k, v in r["severity_counts"].items():
                total["severity_counts"][k] += v
            for k, v in r["category_counts"].items():
                total["category_counts"][k] += v
        repos = list(per_repo.values())
        total["complexity_mean"] = round(sum(r["complexity_mean"] for r in repos) / len(repos), 2)
        total["complexity_max"] = max(r["complexity_max"] for r in repos)
        mis = [r["maintainability_mean"] for r in repos if r["maintainability_mean"] is not None]
        total["maintainability_mean"] = round(sum(mis) / len(mis), 1) if mis else None
        total["open_total"] = sum(r["open_total"] for r in repos)
        stamp = timezone.make_aware(datetime.combine(day, datetime.min.time()))
        out.append((stamp, total))
    return out
