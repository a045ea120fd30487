"""Dashboard widgets: lifecycle and triage badges, the scan and repository sections,
server-rendered SVG charts (inclusion tags drawing templates/auditor/dashboard/partials/).
The long tables are in dashboard_tables."""

from __future__ import annotations

from typing import Any

from django import template
from django.utils import dateformat, timezone
from django.utils.html import format_html
from django.utils.http import urlencode
from django.utils.safestring import SafeString, mark_safe

from auditor.models import (
    FindingChange,
    Lifecycle,
    Repository,
    Scan,
    TrackedFinding,
    TriageStatus,
)
from auditor.selectors.dashboard import repository_dashboard, scan_lifecycle
from auditor.selectors.scans import triaged_count
from auditor.selectors.trends import Chart

register = template.Library()

_TRIAGE_LABEL = dict(TriageStatus.choices)


@register.filter
def get_item(mapping: dict[str, Any], key: str) -> Any:
    return mapping.get(key, "")


@register.simple_tag
def query_without(query: dict[str, str], *names: str) -> str:
    """The current filters as a query string without `names`."""
    return urlencode({k: v for k, v in query.items() if k not in names})


# A single badge is a simple tag with format_html (every argument escaped); each ends with
# the newline its old template had.


@register.simple_tag
def lifecycle_badge(state: str) -> SafeString:
    label = Lifecycle(state).label if state in Lifecycle.values else state
    return format_html('<span class="badge lc-{}">{}</span>\n', state, label)


@register.simple_tag
def triage_badge(tracked: TrackedFinding) -> SafeString:
    """The triage pill; an expired accepted risk says so (the finding is open again)."""
    expires = tracked.triage_expires_at
    expired = expires is not None and expires < timezone.localdate()
    label = TriageStatus(tracked.triage_status).label if tracked.triage_status in TriageStatus.values else ""
    if not label:
        return mark_safe("\n")
    title = f"{'expired' if expired else 'until'} {dateformat.format(expires, 'Y-m-d')}" if expires else ""
    return format_html(
        '<span class="badge triage{}" title="{}">{}{}</span>\n',
        " expired" if expired else "",
        title,
        label,
        " · expired" if expired else "",
    )


@register.simple_tag
def delta(change: int | None, good_when_up: bool = False) -> SafeString:
    """A headline number's change since last week, coloured by whether it is good news."""
    if change is None:
        return mark_safe('<span class="muted small">no baseline a week ago</span>\n')
    if change == 0:
        return mark_safe('<span class="delta flat">= since last week</span>\n')
    up = change > 0
    return format_html(
        '<span class="delta {}" title="change since last week">{} {} since last week</span>\n',
        "down" if up == good_when_up else "up",
        "▲" if up else "▼",
        abs(change),
    )


@register.inclusion_tag("auditor/dashboard/partials/change_list.html")
def change_list(title: str, items: list[FindingChange], total: int) -> dict[str, Any]:
    """One column of the scan page's new / reopened / fixed lists."""
    return {"title": title, "items": items, "more": total if total > len(items) else None}


@register.inclusion_tag("auditor/dashboard/components/scan_section.html")
def scan_lifecycle_section(scan: Scan, findings_page: Any = None) -> dict[str, Any]:
    """New / fixed / reopened / unchanged for the scan page. The number of findings a
    triage hides is counted with the page's findings (`finding_page`) when it is given."""
    hidden = getattr(findings_page, "triaged_hidden", None)
    return {
        "scan": scan,
        "lifecycle": scan_lifecycle(scan),
        "hidden": triaged_count(scan) if hidden is None else hidden,
    }


@register.inclusion_tag("auditor/dashboard/components/repository_section.html")
def repository_dashboard_section(repository: Repository) -> dict[str, Any]:
    """Trend sparklines and the riskiest files for the repository page."""
    return {"repository": repository, "dash": repository_dashboard(repository)}


@register.inclusion_tag("auditor/dashboard/partials/line_chart.html")
def line_chart(chart: Chart, height: int = 180) -> dict[str, Any]:
    """An SVG chart drawn on the server (no chart library): lines with a dot per data
    point (each with a tooltip), or bars for per-scan counts; a legend below. The numbers
    are formatted here, the template only places them."""
    c = chart.layout(width=560, height=height)
    if c["empty"]:
        return {"c": c}
    bars = c["kind"] == "bars"
    tz = timezone.get_current_timezone()
    series = []
    for n, s in enumerate(c["series"]):
        offset = (n - (len(c["series"]) - 1) / 2) * 4 if bars else 0
        points = [
            (round(x + offset, 1), y, f"{value:g}", stamp.astimezone(tz).strftime("%Y-%m-%d %H:%M"))
            for x, y, value, stamp in s["points"]
        ]
        series.append({**s, "points": points})
    return {
        "c": c,
        "bars": bars,
        "series": series,
        "radius": 2 if bars else 2.6,
        "tick_x": c["x0"] - 6,
        "label_y": c["height"] - 4,
        "start": c["start"].strftime("%b %-d"),
        "end": c["end"].strftime("%b %-d"),
    }


def _sparkline(values: list[float], label: str) -> dict[str, Any]:
    width, height = 120, 28
    if not values:
        return {"label": label, "points": ""}
    low, high = min(values), max(values)
    span = (high - low) or 1
    step = width / max(len(values) - 1, 1)
    points = " ".join(
        f"{i * step:.1f},{height - 3 - (v - low) / span * (height - 6):.1f}" for i, v in enumerate(values)
    )
    return {"label": label, "points": points}


@register.inclusion_tag("auditor/dashboard/partials/sparkline.html")
def sparkline(values: list[float], label: str = "") -> dict[str, Any]:
    """A 120x28 SVG sparkline of `values`."""
    return _sparkline(values, label)


@register.inclusion_tag("auditor/dashboard/partials/sparkline.html")
def file_risk_sparkline(history: list[dict[str, Any]]) -> dict[str, Any]:
    """Sparkline of a file's risk over its scans (oldest first)."""
    return _sparkline([float(h["risk_score"] or 0) for h in history], "risk across scans")


@register.filter
def triage_label(value: str) -> str:
    """A triage status as people read it ("open" for none)."""
    return str(_TRIAGE_LABEL.get(value, value))
