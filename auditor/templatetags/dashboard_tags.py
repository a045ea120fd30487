"""Dashboard widgets: lifecycle and triage badges, the scan and repository sections,
server-rendered SVG charts."""

from __future__ import annotations

from datetime import date
from typing import Any

from django import template
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape, format_html, format_html_join
from django.utils.http import urlencode
from django.utils.safestring import SafeString, mark_safe

from auditor.models import (
    FileMetric,
    Finding,
    Lifecycle,
    Repository,
    Scan,
    Severity,
    TrackedFinding,
    TriageStatus,
)
from auditor.selectors.dashboard import repository_dashboard, scan_lifecycle
from auditor.selectors.files import FileView
from auditor.selectors.scans import triaged_count
from auditor.selectors.trends import Chart

register = template.Library()


@register.filter
def get_item(mapping: dict[str, Any], key: str) -> Any:
    return mapping.get(key, "")


@register.simple_tag
def query_without(query: dict[str, str], *names: str) -> str:
    """The current filters as a query string without `names`."""
    return urlencode({k: v for k, v in query.items() if k not in names})


@register.inclusion_tag("auditor/dashboard/components/lifecycle_badge.html")
def lifecycle_badge(state: str) -> dict[str, str]:
    return {"state": state, "label": Lifecycle(state).label if state in Lifecycle.values else state}


@register.inclusion_tag("auditor/dashboard/components/triage_badge.html")
def triage_badge(tracked: TrackedFinding) -> dict[str, Any]:
    """The triage pill; an expired accepted risk says so (the finding is open again)."""
    expires = tracked.triage_expires_at
    expired = expires is not None and expires < timezone.localdate()
    label = TriageStatus(tracked.triage_status).label if tracked.triage_status in TriageStatus.values else ""
    return {"label": label, "status": tracked.triage_status, "expired": expired, "expires": expires}


@register.inclusion_tag("auditor/dashboard/components/scan_section.html")
def scan_lifecycle_section(scan: Scan) -> dict[str, Any]:
    """New / fixed / reopened / unchanged for the scan page."""
    return {"scan": scan, "lifecycle": scan_lifecycle(scan), "hidden": triaged_count(scan)}


@register.inclusion_tag("auditor/dashboard/components/repository_section.html")
def repository_dashboard_section(repository: Repository) -> dict[str, Any]:
    """Trend sparklines and the riskiest files for the repository page."""
    return {"repository": repository, "dash": repository_dashboard(repository)}


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


@register.inclusion_tag("auditor/dashboard/components/sparkline.html")
def sparkline(values: list[float], label: str = "") -> dict[str, Any]:
    """A 120x28 SVG sparkline of `values`."""
    width, height = 120, 28
    if not values:
        return {"points": "", "label": label, "width": width, "height": height, "last": None}
    low, high = min(values), max(values)
    span = (high - low) or 1
    step = width / max(len(values) - 1, 1)
    points = " ".join(
        f"{i * step:.1f},{height - 3 - (v - low) / span * (height - 6):.1f}" for i, v in enumerate(values)
    )
    return {"points": points, "label": label, "width": width, "height": height, "last": values[-1]}


@register.filter
def basename(path: str) -> str:
    return path.rsplit("/", 1)[-1]


@register.simple_tag
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


@register.inclusion_tag("auditor/dashboard/components/sparkline.html")
def file_risk_sparkline(history: list[dict[str, Any]]) -> dict[str, Any]:
    """Sparkline of a file's risk over its scans (oldest first)."""
    return sparkline([float(h["risk_score"] or 0) for h in history], "risk across scans")


# --------------------------------------------------------------------------- fast rows
# Long tables are built here with format_html (which escapes every argument) rather than
# with a template loop of inclusion tags: a 50-row loop of badges costs ~10 ms in the
# template engine and well under 1 ms here. Repository data is never marked safe.

_SEVERITY_LABEL = {s.value: s.label for s in Severity}
_LIFECYCLE_LABEL = dict(Lifecycle.choices)
_TRIAGE_LABEL = dict(TriageStatus.choices)


def _url_maker(name: str) -> Any:
    """reverse() once with a placeholder; each row substitutes its id (reverse per row
    costs more than the row)."""
    template_url = reverse(name, args=[987654321])
    return lambda pk: template_url.replace("987654321", str(pk))


_SEVERITY_BADGE = {
    value: format_html('<span class="badge sev-{}">{}</span>', label, label)
    for value, label in _SEVERITY_LABEL.items()
}


def _severity(value: int) -> SafeString:
    label = _SEVERITY_LABEL.get(value, str(value))
    return format_html('<span class="badge sev-{}">{}</span>', label, label)


def _lifecycle(state: str) -> SafeString:
    return format_html('<span class="badge lc-{}">{}</span>', state, _LIFECYCLE_LABEL.get(state, state))


def _triage(status: str, expires: date | None, today: date) -> SafeString:
    if not status:
        return mark_safe("")
    expired = expires is not None and expires < today
    return format_html(
        ' <span class="badge triage{}">{}{}</span>',
        " expired" if expired else "",
        _TRIAGE_LABEL.get(status, status),
        " · expired" if expired else "",
    )


@register.simple_tag
def tracked_rows(rows: list[TrackedFinding]) -> SafeString:
    """The findings list's table rows. The hottest loop of the dashboard: every string
    from the repository goes through escape() explicitly, badges are precomputed."""
    finding_url, rule_url = _url_maker("finding-detail"), reverse("rule-index")
    today = timezone.localdate()
    out = []
    for t in rows:
        rule = escape(t.rule_id)
        state = getattr(t, "current_state", t.state)
        out.append(
            f"<tr><td>{_SEVERITY_BADGE.get(t.severity, '')}</td>"
            f'<td><a href="{rule_url}{rule}/"><code>{rule}</code></a></td>'
            f"<td>{escape(t.repository.name)}</td>"
            f'<td class="loc"><a href="{finding_url(t.pk)}">'
            f"<code>{escape(_clip(t.path, 60))}:{t.line}</code></a></td>"
            f"<td>{escape(_clip(t.message, 160))}</td>"
            f"<td>{_lifecycle(state)}{_triage(t.triage_status, t.triage_expires_at, today)}</td></tr>"
        )
    return mark_safe("\n".join(out))  # noqa: S308 - every repository string above is escaped


def _clip(text: str, limit: int) -> str:
    """`text` cut to `limit` characters with an ellipsis (Truncator's lazy translation
    lookup costs more than the rest of a row)."""
    return text if len(text) <= limit else text[: limit - 1] + "…"


@register.simple_tag
def scan_finding_rows(rows: list[Finding], scan: Scan) -> SafeString:
    """The scan page's findings rows, with lifecycle and a link to the finding's history."""
    finding_url = _url_maker("finding-detail")
    file_url = reverse("file-detail", args=[scan.pk])
    out = []
    for f in rows:
        tracked_id = getattr(f, "tracked_id", None)
        state = getattr(f, "lifecycle", None) or (Lifecycle.UNCHANGED if tracked_id else "")
        snippet = format_html('<pre class="snippet">{}</pre>', f.snippet) if f.snippet else ""
        history = (
            format_html(' <a class="small" href="{}">history</a>', finding_url(tracked_id))
            if tracked_id
            else ""
        )
        out.append(
            format_html(
                "<tr><td>{}</td><td><code>{}</code></td><td>{}</td>"
                '<td class="loc"><a href="{}?{}#L{}"><code>{}:{}</code>'
                "</a></td><td>{}{}</td><td>{}{}</td></tr>",
                _severity(f.severity),
                f.rule_id,
                f.get_category_display(),
                file_url,
                urlencode({"path": f.path}),
                f.line,
                f.path,
                f.line,
                f.message,
                snippet,
                _lifecycle(state) if state else "",
                history,
            )
        )
    return mark_safe("\n".join(out))  # noqa: S308 - joined format_html output


@register.simple_tag
def source_rows(view: FileView) -> SafeString:
    """The file page's source lines, each flagged line followed by its findings."""
    finding_url = _url_maker("finding-detail")
    out = []
    for line in view.lines:
        out.append(
            format_html(
                '<tr id="L{}"{}><td class="ln"><a href="#L{}">{}</a></td>'
                '<td class="code"><pre>{}</pre></td></tr>',
                line.number,
                mark_safe(' class="flagged"') if line.findings else "",
                line.number,
                line.number,
                line.text,
            )
        )
        for f in line.findings:
            link = (
                format_html(' <a href="{}">history &amp; triage →</a>', finding_url(f.tracked_id))
                if f.tracked_id
                else ""
            )
            out.append(
                format_html(
                    '<tr class="annotation{}" data-line="{}"><td></td>'
                    "<td>{} <code>{}</code> {}{}{}</td></tr>",
                    " triaged" if f.triaged else "",
                    line.number,
                    _severity(f.severity),
                    f.rule_id,
                    f.message,
                    mark_safe(' <span class="badge triage">triaged</span>') if f.triaged else "",
                    link,
                )
            )
    return mark_safe("\n".join(out))  # noqa: S308 - joined format_html output


@register.simple_tag
def hotspot_rows(files: list[FileMetric], max_risk: float) -> SafeString:
    """The hotspots table's rows."""
    file_url = reverse("file-detail", args=[files[0].scan_id]) if files else ""
    return format_html_join(
        "\n",
        '<tr><td><a href="{}?{}"><code>{}</code></a></td>'
        '<td class="num"><span class="risk-pill" style="{}">{}</span></td>'
        '<td class="num">{}</td><td class="num">{}</td><td class="num">{}</td><td class="num">{}</td></tr>',
        (
            (
                file_url,
                urlencode({"path": f.path}),
                f.path,
                heat_style(f.risk_score, max_risk, 0),
                "—" if f.risk_score is None else f.risk_score,
                getattr(f, "open_findings", 0),
                f.complexity_max,
                "—" if f.maintainability is None else f"{f.maintainability:.1f}",
                "—" if f.churn is None else f.churn,
            )
            for f in files
        ),
    )


@register.simple_tag
def heat_tiles(files: list[FileMetric], max_risk: float) -> SafeString:
    """One directory's heatmap tiles."""
    file_url = reverse("file-detail", args=[files[0].scan_id]) if files else ""
    return format_html_join(
        "",
        '<a class="tile" href="{}?{}" style="{}" title="{} · risk {}"><span>{}</span></a>',
        (
            (
                file_url,
                urlencode({"path": f.path}),
                heat_style(f.risk_score, max_risk, f.sloc),
                f.path,
                f.risk_score,
                basename(f.path),
            )
            for f in files
        ),
    )


@register.filter
def triage_label(value: str) -> str:
    """A triage status as people read it ("open" for none)."""
    return _TRIAGE_LABEL.get(value, value)
