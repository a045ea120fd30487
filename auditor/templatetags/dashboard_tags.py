"""Dashboard widgets: lifecycle and triage badges, the scan and repository sections,
server-rendered SVG charts. The long tables are in dashboard_tables."""

from __future__ import annotations

from typing import Any

from django import template
from django.utils import dateformat, timezone
from django.utils.html import escape, format_html, format_html_join
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
from auditor.templatetags.dashboard_tables import (
    _TRIAGE_LABEL,
    _clip,
    _severity,
    _url_maker,
    basename,
    heat_style,
)

register = template.Library()


@register.filter
def get_item(mapping: dict[str, Any], key: str) -> Any:
    return mapping.get(key, "")


@register.simple_tag
def query_without(query: dict[str, str], *names: str) -> str:
    """The current filters as a query string without `names`."""
    return urlencode({k: v for k, v in query.items() if k not in names})


# Badges and sparklines are simple tags building their markup with format_html (every
# argument escaped) instead of inclusion tags: an inclusion tag renders a template per
# call, which adds up in table rows. Each ends with the newline its old template had.


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


@register.simple_tag
def change_list(title: str, items: list[FindingChange], total: int) -> SafeString:
    """One column of the scan page's new / reopened / fixed lists."""
    if not items:
        return format_html(
            '<div class="change-list">\n  <h3>{}</h3>\n  <p class="muted small">None.</p>\n</div>\n', title
        )
    finding_url = _url_maker("finding-detail")
    rows = format_html_join(
        "",
        '<li>{}\n <a href="{}"><code>{}</code> {}</a></li>',
        (
            (
                _severity(c.tracked.severity),
                finding_url(c.tracked_id),
                c.tracked.rule_id,
                _clip(c.tracked.path, 42),
            )
            for c in items
        ),
    )
    more = format_html('<p class="muted small">{} in all</p>', total) if total > len(items) else ""
    return format_html(
        '<div class="change-list">\n  <h3>{}</h3>\n  <ul>{}</ul>\n  {}\n  \n</div>\n', title, rows, more
    )


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


TREND_CHARTS = ("severity", "category", "new_fixed", "complexity", "maintainability")


def trend_charts_html(charts: dict[str, Chart]) -> SafeString:
    """The trends page's five charts, as its template lays them out (the view caches it)."""
    return mark_safe("\n  ".join(line_chart(charts[name]) for name in TREND_CHARTS))  # noqa: S308 - format_html output


@register.simple_tag
def line_chart(chart: Chart, height: int = 180) -> SafeString:
    """An SVG chart drawn on the server (no chart library): lines with a dot per data
    point (each with a tooltip), or bars for per-scan counts; a legend below."""
    c = chart.layout(width=560, height=height)
    if c["empty"]:
        return format_html(
            '<figure class="chart card" data-testid="chart"><figcaption>{}</figcaption>'
            '<p class="muted empty-chart">No scans in this range.</p></figure>',
            c["title"],
        )
    parts: list[str] = [
        format_html(
            '<line x1="{}" x2="{}" y1="{}" y2="{}" class="grid"/><text x="{}" y="{}" class="tick" '
            'text-anchor="end" dominant-baseline="middle">{}</text>',
            c["x0"],
            c["x1"],
            y,
            y,
            c["x0"] - 6,
            y,
            label,
        )
        for y, label in c["ticks"]
    ]
    bars = c["kind"] == "bars"
    tz = timezone.get_current_timezone()
    for n, series in enumerate(c["series"]):
        # Numbers are formatted directly (nothing to escape); names are escaped once. The
        # hundreds of points of a year-long chart would cost ~10 ms through format_html.
        colour, name = escape(series["colour"]), escape(series["name"])
        offset = (n - (len(c["series"]) - 1) / 2) * 4 if bars else 0
        if not bars:
            parts.append(
                f'<polyline fill="none" stroke="{colour}" stroke-width="2" points="{series["polyline"]}"/>'
            )
        radius = 2 if bars else 2.6
        for x, y, value, stamp in series["points"]:
            cx = round(x + offset, 1)
            if bars:
                parts.append(
                    f'<line x1="{cx}" x2="{cx}" y1="{c["base"]}" y2="{y}" stroke="{colour}" '
                    'stroke-width="3" class="bar"/>'
                )
            when = stamp.astimezone(tz).strftime("%Y-%m-%d %H:%M")
            parts.append(
                f'<circle class="point" cx="{cx}" cy="{y}" r="{radius}" fill="{colour}">'
                f"<title>{name}: {value:g} · {when}</title></circle>"
            )
    legend = format_html_join(
        "",
        '<li><span class="swatch" style="background: {}"></span>{}</li>',
        ((s["colour"], s["name"]) for s in c["series"]),
    )
    return format_html(
        '<figure class="chart card" data-testid="chart"><figcaption>{}</figcaption>'
        '<svg viewBox="0 0 {} {}" width="100%" role="img" aria-label="{}">{}'
        '<text x="{}" y="{}" class="tick">{}</text>'
        '<text x="{}" y="{}" class="tick" text-anchor="end">{}</text>'
        '</svg><ul class="legend">{}</ul></figure>',
        c["title"],
        c["width"],
        c["height"],
        c["title"],
        mark_safe("".join(parts)),  # noqa: S308 - format_html output
        c["x0"],
        c["height"] - 4,
        c["start"].strftime("%b %-d"),
        c["x1"],
        c["height"] - 4,
        c["end"].strftime("%b %-d"),
        legend,
    )


@register.simple_tag
def sparkline(values: list[float], label: str = "") -> SafeString:
    """A 120x28 SVG sparkline of `values`."""
    width, height = 120, 28
    if not values:
        return format_html(
            '<span class="spark" title="{}"><span class="muted small">no data</span></span>\n', label
        )
    low, high = min(values), max(values)
    span = (high - low) or 1
    step = width / max(len(values) - 1, 1)
    points = " ".join(
        f"{i * step:.1f},{height - 3 - (v - low) / span * (height - 6):.1f}" for i, v in enumerate(values)
    )
    return format_html(
        '<span class="spark" title="{}"><svg width="{}" height="{}" viewBox="0 0 {} {}" role="img" '
        'aria-label="{} trend"><polyline fill="none" stroke="currentColor" stroke-width="1.6" '
        'points="{}"/></svg></span>\n',
        label,
        width,
        height,
        width,
        height,
        label,
        points,
    )


# Defined with the tables that use them; templates load them from this library.
register.filter("basename", basename)
register.simple_tag(heat_style, name="heat_style")


@register.simple_tag
def file_risk_sparkline(history: list[dict[str, Any]]) -> SafeString:
    """Sparkline of a file's risk over its scans (oldest first)."""
    return sparkline([float(h["risk_score"] or 0) for h in history], "risk across scans")


@register.filter
def triage_label(value: str) -> str:
    """A triage status as people read it ("open" for none)."""
    return _TRIAGE_LABEL.get(value, value)
