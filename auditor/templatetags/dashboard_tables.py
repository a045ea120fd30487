"""The dashboard's long tables: inclusion tags, each drawing its rows with its own small
template (autoescaped like any other). A page's data sections are cached whole
(`{% cached_section %}`), so these templates run on the first view of a page only."""

from __future__ import annotations

from typing import Any

from django import template
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode

from auditor.models import FileMetric, Finding, Lifecycle, Repository, Scan, Severity, TrackedFinding
from auditor.selectors.dashboard import RepositoryStatus
from auditor.selectors.files import FileView

register = template.Library()

_SEVERITY_LABEL = {s.value: s.label for s in Severity}
_LIFECYCLE_LABEL = dict(Lifecycle.choices)


def basename(path: str) -> str:
    return path.rsplit("/", 1)[-1]


def heat_style(risk: float | None, max_risk: float, sloc: int) -> str:
    """Inline style of a heatmap tile or risk pill: colour from green to red by risk
    relative to the repository's riskiest file, width by size (when `sloc` is given)."""
    share = (risk or 0) / max_risk if max_risk else 0.0
    hue = round(120 * (1 - share))  # 120 = green, 0 = red
    style = f"background: hsl({hue}, 70%, {88 - round(share * 40)}%);"
    if sloc:
        # Grow in proportion to size so each directory's row reads like a treemap strip.
        style += f" flex: {max(sloc, 1)} 1 {min(60 + sloc // 6, 180)}px;"
    return style


register.filter("basename", basename)
register.simple_tag(heat_style, name="heat_style")


@register.filter
def severity_label(value: int) -> str:
    """A stored severity as its label ("high")."""
    return _SEVERITY_LABEL.get(value, str(value))


@register.filter
def lifecycle_label(state: str) -> str:
    return str(_LIFECYCLE_LABEL.get(state, state))


@register.filter
def expired(day: Any) -> bool:
    """Whether an expiry date has passed (an accepted risk that is open again)."""
    return day is not None and day < timezone.localdate()


@register.filter
def path_query(path: str) -> str:
    """`path=…` for a file link (the template escapes it for the attribute)."""
    return urlencode({"path": path})


@register.inclusion_tag("auditor/dashboard/partials/overview_repository_rows.html")
def overview_repository_rows(statuses: list[RepositoryStatus]) -> dict[str, Any]:
    """The overview's repositories: gate verdict, open and new findings, last scan."""
    return {"statuses": statuses}


@register.inclusion_tag("auditor/dashboard/partials/overview_riskiest_rows.html")
def overview_riskiest_rows(files: list[FileMetric]) -> dict[str, Any]:
    """The overview's riskiest files across the team."""
    return {"files": files}


@register.inclusion_tag("auditor/dashboard/partials/overview_scan_rows.html")
def overview_scan_rows(scans: list[Scan]) -> dict[str, Any]:
    """The overview's latest scans."""
    return {"scans": scans}


@register.inclusion_tag("auditor/findings/partials/status_tabs.html")
def status_tabs(
    statuses: dict[str, str], counts: dict[str, int], current: str, query: dict[str, str]
) -> dict[str, Any]:
    """The findings list's status tabs with their counts."""
    return {"statuses": statuses, "counts": counts, "current": current, "query": query}


@register.inclusion_tag("auditor/findings/partials/severity_chips.html")
def severity_chips(
    severity_counts: list[tuple[str, int]], current: str, query: dict[str, str]
) -> dict[str, Any]:
    """The findings list's severity chips with their counts."""
    return {"severity_counts": severity_counts, "current": current, "query": query}


@register.inclusion_tag("auditor/findings/partials/repository_options.html")
def repository_options(repositories: list[Repository], selected: str) -> dict[str, Any]:
    """The findings filter's repository options (one per repository of the user's teams)."""
    return {"repositories": repositories, "selected": selected}


@register.inclusion_tag("auditor/findings/partials/tracked_rows.html")
def tracked_rows(rows: list[TrackedFinding], selectable: bool = False) -> dict[str, Any]:
    """The findings list's table rows; `selectable` adds each row's checkbox of the bulk
    triage form (which lives outside the cached rows, `form="bulk-triage"`)."""
    return {"rows": rows, "rule_index": reverse("rule-index"), "selectable": selectable}


@register.inclusion_tag("auditor/scans/partials/finding_rows.html")
def scan_finding_rows(rows: list[Finding], scan: Scan) -> dict[str, Any]:
    """The scan page's findings rows, with lifecycle and a link to the finding's history."""
    return {
        "rows": rows,
        "file_url": reverse("file-detail", args=[scan.pk]),
        "unchanged": Lifecycle.UNCHANGED,
    }


@register.inclusion_tag("auditor/files/partials/source_rows.html")
def source_rows(view: FileView) -> dict[str, Any]:
    """The file page's source lines, each flagged line followed by its findings."""
    return {"lines": view.lines}


@register.inclusion_tag("auditor/dashboard/partials/hotspot_rows.html")
def hotspot_rows(files: list[FileMetric], max_risk: float) -> dict[str, Any]:
    """The hotspots table's rows."""
    return {"files": files, "max_risk": max_risk, "file_url": _file_url(files)}


@register.inclusion_tag("auditor/dashboard/partials/heat_tiles.html")
def heat_tiles(files: list[FileMetric], max_risk: float) -> dict[str, Any]:
    """One directory's heatmap tiles."""
    return {"files": files, "max_risk": max_risk, "file_url": _file_url(files)}


def _file_url(files: list[FileMetric]) -> str:
    """The file page of the files' scan (they all come from one)."""
    return reverse("file-detail", args=[files[0].scan_id]) if files else ""
