"""Reads for the AI pages: AI share over time, defect density of AI-written vs
human-written lines, and the breakdown by tool and model.

Everything comes from each scan's stored summary (Scan.provenance, written once at
ingestion), one query per page: lines per origin, the sources, AI lines per tool/model,
findings per origin by severity and category. Unknown lines and findings are carried
along and shown apart, never folded into either side.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from django.db.models import F, QuerySet
from django.utils import timezone

from auditor.models import Category, Repository, ScanRollup, Severity, Team
from auditor.selectors.trends import Chart, Series

AI_COLOUR, HUMAN_COLOUR, UNKNOWN_COLOUR = "#7c3aed", "#0f766e", "#64748b"
PER_LINES = 1000


@dataclass
class Totals:
    """One scan's (or one day's, summed over repositories) provenance figures."""

    ai: int = 0
    human: int = 0
    unknown: int = 0
    sources: set[str] = field(default_factory=set)
    tools: Counter[tuple[str, str]] = field(default_factory=Counter)
    # origin → "severity:<label>" / "category:<value>" / "total" → findings
    findings: dict[str, Counter[str]] = field(default_factory=lambda: defaultdict(Counter))
    scans: int = 0

    @property
    def share(self) -> float | None:
        attributed = self.ai + self.human
        return round(100 * self.ai / attributed, 1) if attributed else None

    def density(self, origin: str, key: str = "total") -> float | None:
        """Findings per 1,000 lines of `origin` ("ai" / "human"), or None without lines."""
        lines = self.ai if origin == "ai" else self.human
        return round(PER_LINES * self.findings[origin][key] / lines, 2) if lines else None

    def add(self, summary: Mapping[str, Any]) -> None:
        self.ai += int(summary.get("ai_lines") or 0)
        self.human += int(summary.get("human_lines") or 0)
        self.unknown += int(summary.get("unknown_lines") or 0)
        self.sources.update(str(s) for s in summary.get("sources") or ())
        for row in summary.get("by_tool") or ():
            self.tools[(str(row.get("tool", "")), str(row.get("model", "")))] += int(row.get("lines") or 0)
        for origin, counts in (summary.get("findings") or {}).items():
            into = self.findings[origin]
            into["total"] += int(counts.get("total") or 0)
            for label, n in (counts.get("severity") or {}).items():
                into[f"severity:{label}"] += int(n)
            for value, n in (counts.get("category") or {}).items():
                into[f"category:{value}"] += int(n)
        self.scans += 1


def slices() -> list[tuple[str, str]]:
    """(key, label) of every slice density is shown for: all findings, each severity, each category."""
    return [
        ("total", "All findings"),
        *((f"severity:{s.label}", f"Severity {s.label}") for s in sorted(Severity, reverse=True)),
        *((f"category:{c.value}", f"Category {c.label}") for c in Category),
    ]


@dataclass
class ProvenancePage:
    latest: Totals | None
    charts: list[Chart]
    unknown_note: str  # how many lines (and findings) the latest point leaves unknown, and the sources
    chart_note: str  # the same, short, under each chart
    density_rows: list[dict[str, Any]]
    tools: list[dict[str, Any]]
    points: int

    @property
    def sources(self) -> list[str]:
        return sorted(self.latest.sources) if self.latest is not None else []


def _rows(rollups: QuerySet[ScanRollup]) -> list[dict[str, Any]]:
    rows = (
        rollups.filter(scan__provenance__has_key="ai_lines")
        .order_by("scanned_at")
        .values("scan_id", "repository_id", "scanned_at", "scan__provenance")
    )
    return [dict(r) for r in rows]


def _daily(rows: Sequence[Mapping[str, Any]]) -> list[tuple[datetime, Totals]]:
    """One Totals per day: each repository counts with its latest scan up to that day."""
    tz = timezone.get_current_timezone()
    latest: dict[int, Mapping[str, Any]] = {}
    days: dict[Any, dict[int, Mapping[str, Any]]] = {}
    for i, r in enumerate(rows):
        latest[r["repository_id"]] = r["scan__provenance"]
        day = r["scanned_at"].astimezone(tz).date()
        if i + 1 == len(rows) or rows[i + 1]["scanned_at"].astimezone(tz).date() != day:
            days[day] = dict(latest)
    out = []
    for day, per_repo in days.items():
        totals = Totals()
        for summary in per_repo.values():
            totals.add(summary)
        out.append((timezone.make_aware(datetime.combine(day, datetime.min.time())), totals))
    return out


def _per_scan(rows: Iterable[Mapping[str, Any]]) -> list[tuple[datetime, Totals]]:
    out = []
    for r in rows:
        totals = Totals()
        totals.add(r["scan__provenance"])
        out.append((r["scanned_at"], totals))
    return out


def _points(samples: list[tuple[datetime, Totals]], value: Any) -> list[tuple[datetime, float]]:
    return [(t, v) for t, totals in samples if (v := value(totals)) is not None]


def _page(samples: list[tuple[datetime, Totals]], slice_key: str) -> ProvenancePage:
    label = dict(slices()).get(slice_key, "All findings")
    charts = [
        Chart(
            "AI share of attributed lines (%)",
            [Series("AI share", AI_COLOUR, _points(samples, lambda t: t.share))],
        ),
        Chart(
            "Lines by origin",
            [
                Series("AI", AI_COLOUR, _points(samples, lambda t: t.ai)),
                Series("Human", HUMAN_COLOUR, _points(samples, lambda t: t.human)),
                Series("Unknown", UNKNOWN_COLOUR, _points(samples, lambda t: t.unknown)),
            ],
        ),
        Chart(
            f"Findings per 1,000 lines: AI vs human ({label.lower()})",
            [
                Series("AI-written", AI_COLOUR, _points(samples, lambda t: t.density("ai", slice_key))),
                Series(
                    "Human-written", HUMAN_COLOUR, _points(samples, lambda t: t.density("human", slice_key))
                ),
            ],
        ),
    ]
    charts.append(_tools_chart(samples))
    latest = samples[-1][1] if samples else None
    if latest is None:
        return ProvenancePage(None, charts, "", "", [], [], 0)
    total = latest.ai + latest.human + latest.unknown
    sources = ", ".join(sorted(latest.sources)) or "none found (every attributed line is human by default)"
    note = (
        f"Latest point: {latest.unknown:,} of {total:,} lines unknown "
        f"({round(100 * latest.unknown / total, 1) if total else 0}%), "
        f"{latest.findings['unknown']['total']:,} findings on unknown lines; "
        f"sources: {sources}."
    )
    density_rows = [
        {
            "label": text,
            "ai": latest.density("ai", key),
            "human": latest.density("human", key),
            "ai_findings": latest.findings["ai"][key],
            "human_findings": latest.findings["human"][key],
            "unknown_findings": latest.findings["unknown"][key],
        }
        for key, text in slices()
        if key == "total" or any(latest.findings[o][key] for o in ("ai", "human", "unknown"))
    ]
    tools = [
        {"tool": tool or "unnamed", "model": model, "lines": n, "share": round(100 * n / latest.ai, 1)}
        for (tool, model), n in sorted(latest.tools.items(), key=lambda kv: (-kv[1], kv[0]))
        if latest.ai
    ]
    chart_note = (
        f"Unknown at the latest point: {latest.unknown:,} of {total:,} lines (not counted on either side)."
    )
    return ProvenancePage(latest, charts, note, chart_note, density_rows, tools, len(samples))


TOOL_COLOURS = ("#7c3aed", "#db2777", "#0891b2", "#ca8a04", "#16a34a", "#4b5563")


def _tools_chart(samples: list[tuple[datetime, Totals]]) -> Chart:
    """AI lines per tool over time: the tools with most lines at the latest point (up to six)."""
    latest: Counter[str] = Counter()
    if samples:
        for (tool, _model), n in samples[-1][1].tools.items():
            latest[tool or "unnamed"] += n
    series = []
    for colour, (tool, _n) in zip(TOOL_COLOURS, latest.most_common(len(TOOL_COLOURS)), strict=False):
        points = [
            (t, float(sum(n for (name, _m), n in totals.tools.items() if (name or "unnamed") == tool)))
            for t, totals in samples
        ]
        series.append(Series(tool, colour, points))
    return Chart("AI lines by tool", series)


def repository_provenance(
    repository: Repository, since: datetime, slice_key: str = "total"
) -> ProvenancePage:
    """The repository's AI figures (default branch, one point per scan). One query."""
    rollups = ScanRollup.objects.filter(
        repository=repository, branch=repository.default_branch, scanned_at__gte=since
    )
    return _page(_per_scan(_rows(rollups)), slice_key)


def team_provenance(team: Team, since: datetime, slice_key: str = "total") -> ProvenancePage:
    """The team's AI figures over its repositories' default branches, one point per day. One query."""
    rollups = ScanRollup.objects.filter(
        team=team, branch=F("repository__default_branch"), scanned_at__gte=since
    )
    return _page(_daily(_rows(rollups)), slice_key)
