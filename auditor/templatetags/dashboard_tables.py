"""The dashboard's long tables, built in Python.

A template loop of a hundred rows with url tags, filters and badge tags costs several
milliseconds in the template engine; the same markup from f-strings or format_html costs a
fraction. Every string that comes from a repository (paths, messages, rule ids, names) is
escaped here — with format_html, or with `_e` (what django's escape() does, minus its
lazy-string wrapper) in the hottest loops; only numbers and our own markup go in as is.
Each tag produces exactly the markup its template loop did.
"""

from __future__ import annotations

import html
from datetime import date
from typing import Any
from urllib.parse import quote_plus

from django import template
from django.contrib.humanize.templatetags.humanize import intcomma, naturaltime
from django.template.defaultfilters import truncatechars
from django.template.defaultfilters import urlencode as urlencode_filter
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html, format_html_join
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
from auditor.selectors.dashboard import RepositoryStatus
from auditor.selectors.files import FileView
from auditor.templatetags.auditor_tags import query_with, severity_badge, status_badge

register = template.Library()


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
    badge = _SEVERITY_BADGE.get(value)
    if badge is None:
        label = str(value)
        badge = format_html('<span class="badge sev-{}">{}</span>', label, label)
    return badge


_LIFECYCLE_BADGE = {
    state: format_html('<span class="badge lc-{}">{}</span>', state, label)
    for state, label in _LIFECYCLE_LABEL.items()
}


def _lifecycle(state: str) -> SafeString:
    badge = _LIFECYCLE_BADGE.get(state)
    if badge is None:
        badge = format_html('<span class="badge lc-{}">{}</span>', state, _LIFECYCLE_LABEL.get(state, state))
    return badge


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


# The overview's tables, built in Python with format_html (every value escaped, as the
# template did) and the template's own filters called directly, so the markup is the same.


@register.simple_tag
def overview_repository_rows(statuses: list[RepositoryStatus]) -> SafeString:
    repo_url, scan_url = _url_maker("repository-detail"), _url_maker("scan-detail")
    findings_url = reverse("finding-index")
    out = []
    for s in statuses:
        if s.gate:
            passed = s.gate.passed
            gate = format_html(
                '<span class="badge {}">{}</span>',
                "gate-pass" if passed else "gate-fail",
                "passed" if passed else "failed",
            )
        elif s.last_scan and s.last_scan.status != "succeeded":
            gate = status_badge(s.last_scan.status)
        else:
            gate = mark_safe('<span class="muted small">not evaluated</span>')
        rollup = s.rollup
        open_cell = (
            format_html(
                '<a href="{}?repository={}">{}</a>',
                findings_url,
                s.repository.pk,
                intcomma(rollup.open_total),
            )
            if rollup
            else "—"
        )
        last = (
            format_html('<a href="{}">{}</a>', scan_url(s.last_scan.pk), naturaltime(s.last_scan.created_at))
            if s.last_scan
            else mark_safe('<span class="muted">never</span>')
        )
        out.append(
            format_html(
                "\n        <tr>\n"
                '          <td><a href="{}">{}</a></td>\n'
                "          <td>{}</td>\n"
                '          <td class="num">{}</td>\n'
                '          <td class="num">{}</td>\n'
                "          <td>{}</td>\n"
                "        </tr>\n      ",
                repo_url(s.repository.pk),
                s.repository.name,
                gate,
                open_cell,
                rollup.new_count if rollup else "—",
                last,
            )
        )
    return mark_safe("".join(out))  # noqa: S308 - joined format_html output


@register.simple_tag
def overview_riskiest_rows(files: list[FileMetric]) -> SafeString:
    file_url = _url_maker("file-detail")
    return format_html_join(
        "",
        '\n        <tr><td><a href="{}?path={}"><code>{}</code></a></td><td>{}</td>'
        '<td class="num"><span class="risk-pill">{}</span></td></tr>\n      ',
        (
            (
                file_url(f.scan_id),
                urlencode_filter(f.path),
                truncatechars(f.path, 44),
                f.scan.repository.name,
                f.risk_score,
            )
            for f in files
        ),
    )


@register.simple_tag
def overview_scan_rows(scans: list[Scan]) -> SafeString:
    scan_url = _url_maker("scan-detail")
    out = []
    for scan in scans:
        commit = (
            format_html(
                '<code title="{}">{}</code> {}',
                scan.commit_message,
                scan.commit_sha[:8],
                truncatechars(scan.commit_message, 40),
            )
            if scan.commit_sha
            else ""
        )
        out.append(
            format_html(
                "\n      <tr>\n"
                '        <td><a href="{}">#{}</a></td>\n'
                "        <td>{}</td>\n"
                "        <td><code>{}</code></td>\n"
                "        <td>{}</td>\n"
                "        <td>{}</td>\n"
                '        <td class="num">{}</td>\n'
                "        <td>{}</td>\n"
                "      </tr>\n    ",
                scan_url(scan.pk),
                scan.pk,
                scan.repository.name,
                scan.branch,
                commit,
                status_badge(scan.status),
                intcomma(scan.findings_total) if scan.status == "succeeded" else "—",
                naturaltime(scan.created_at),
            )
        )
    return mark_safe("".join(out))  # noqa: S308 - joined format_html output


@register.simple_tag
def status_tabs(
    statuses: dict[str, str], counts: dict[str, int], current: str, query: dict[str, str]
) -> SafeString:
    """The findings list's status tabs with their counts."""
    return format_html_join(
        "",
        '\n    <a class="tab{}" href="?{}">{} <span class="count">{}</span></a>\n  ',
        (
            (
                " active" if current == value else "",
                query_with(query, status=value, page=""),
                label,
                intcomma(counts.get(value, "")),
            )
            for value, label in statuses.items()
        ),
    )


@register.simple_tag
def severity_chips(severity_counts: list[tuple[str, int]], current: str, query: dict[str, str]) -> SafeString:
    """The findings list's severity chips with their counts."""
    return format_html_join(
        "",
        '\n    <a class="chip{}" href="?{}">{} <span class="muted">{}</span></a>\n  ',
        (
            (
                " active" if current == label else "",
                query_with(query, severity=label, page=""),
                severity_badge(label),
                intcomma(count),
            )
            for label, count in severity_counts
        ),
    )


@register.simple_tag
def scan_links(scans: list[Scan]) -> SafeString:
    """`#id` links to scans, separated by middle dots (a finding's page lists up to 50)."""
    scan_url = _url_maker("scan-detail")
    return mark_safe(" · ".join(f'<a href="{scan_url(s.pk)}">#{int(s.pk)}</a>' for s in scans))  # noqa: S308 - ids only


@register.simple_tag
def repository_options(repositories: list[Repository], selected: str) -> SafeString:
    """The findings filter's repository options (one per repository of the user's teams)."""
    return mark_safe(  # noqa: S308 - names escaped, ids are integers
        "".join(
            f'<option value="{r.pk}" {"selected" if selected == str(r.pk) else ""}>{_e(r.name)}</option>'
            for r in repositories
        )
    )


@register.simple_tag
def tracked_rows(rows: list[TrackedFinding]) -> SafeString:
    """The findings list's table rows. The hottest loop of the dashboard: every string
    from the repository goes through _e() explicitly, badges are precomputed."""
    finding_url, rule_url = _url_maker("finding-detail"), reverse("rule-index")
    today = timezone.localdate()
    out = []
    for t in rows:
        rule = _e(t.rule_id)
        state = getattr(t, "current_state", t.state)
        out.append(
            f"<tr><td>{_SEVERITY_BADGE.get(t.severity, '')}</td>"
            f'<td><a href="{rule_url}{rule}/"><code>{rule}</code></a></td>'
            f"<td>{_e(t.repository.name)}</td>"
            f'<td class="loc"><a href="{finding_url(t.pk)}">'
            f"<code>{_e(_clip(t.path, 60))}:{t.line}</code></a></td>"
            f"<td>{_e(_clip(t.message, 160))}</td>"
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
    file_url = _e(reverse("file-detail", args=[scan.pk]))
    out = []
    for f in rows:
        tracked_id = getattr(f, "tracked_id", None)
        state = getattr(f, "lifecycle", None) or (Lifecycle.UNCHANGED if tracked_id else "")
        snippet = f'<pre class="snippet">{_e(f.snippet)}</pre>' if f.snippet else ""
        history = f' <a class="small" href="{finding_url(tracked_id)}">history</a>' if tracked_id else ""
        out.append(
            f"<tr><td>{_severity(f.severity)}</td><td><code>{_e(f.rule_id)}</code></td>"
            f"<td>{_e(f.get_category_display())}</td>"
            f'<td class="loc"><a href="{file_url}?{_path_query(f.path)}#L{f.line}">'
            f"<code>{_e(f.path)}:{f.line}</code></a></td><td>{_e(f.message)}{snippet}</td>"
            f"<td>{_lifecycle(state) if state else ''}{history}</td></tr>"
        )
    return mark_safe("\n".join(out))  # noqa: S308 - every repository string above is escaped


def _e(value: object) -> str:
    """What django's escape() returns, without its lazy-string wrapper and SafeString:
    these loops call it thousands of times per page."""
    return html.escape(str(value))


def _path_query(path: str) -> str:
    """`urlencode({"path": path})`, escaped for an attribute."""
    return "path=" + _e(quote_plus(path))


@register.simple_tag
def source_rows(view: FileView) -> SafeString:
    """The file page's source lines, each flagged line followed by its findings. Every
    line of the file is a row, so markup is built with f-strings and each string from the
    repository goes through _e() (the same escaping format_html applies)."""
    finding_url = _url_maker("finding-detail")
    out = []
    for line in view.lines:
        n = line.number
        flagged = ' class="flagged"' if line.findings else ""
        out.append(
            f'<tr id="L{n}"{flagged}><td class="ln"><a href="#L{n}">{n}</a></td>'
            f'<td class="code"><pre>{_e(line.text)}</pre></td></tr>'
        )
        for f in line.findings:
            link = (
                f' <a href="{finding_url(f.tracked_id)}">history &amp; triage →</a>' if f.tracked_id else ""
            )
            triaged = ' <span class="badge triage">triaged</span>' if f.triaged else ""
            out.append(
                f'<tr class="annotation{" triaged" if f.triaged else ""}" data-line="{n}"><td></td>'
                f"<td>{_severity(f.severity)} <code>{_e(f.rule_id)}</code> {_e(f.message)}"
                f"{triaged}{link}</td></tr>"
            )
    return mark_safe("\n".join(out))  # noqa: S308 - every repository string above is escaped


def _dash(value: object) -> str:
    return "—" if value is None else str(value)  # numbers: nothing to escape


@register.simple_tag
def hotspot_rows(files: list[FileMetric], max_risk: float) -> SafeString:
    """The hotspots table's rows (up to a hundred: f-strings; the path, the only string
    from the repository, is escaped; the rest are numbers)."""
    file_url = reverse("file-detail", args=[files[0].scan_id]) if files else ""
    out = []
    for f in files:
        mi = "—" if f.maintainability is None else f"{f.maintainability:.1f}"
        out.append(
            f'<tr><td><a href="{file_url}?{_path_query(f.path)}"><code>{_e(f.path)}</code></a></td>'
            f'<td class="num"><span class="risk-pill" style="{heat_style(f.risk_score, max_risk, 0)}">'
            f"{_dash(f.risk_score)}</span></td>"
            f'<td class="num">{int(getattr(f, "open_findings", 0))}</td>'
            f'<td class="num">{int(f.complexity_max)}</td>'
            f'<td class="num">{mi}</td><td class="num">{_dash(f.churn)}</td></tr>'
        )
    return mark_safe("\n".join(out))  # noqa: S308 - every repository string above is escaped


@register.simple_tag
def heat_tiles(files: list[FileMetric], max_risk: float) -> SafeString:
    """One directory's heatmap tiles."""
    file_url = reverse("file-detail", args=[files[0].scan_id]) if files else ""
    out = []
    for f in files:
        path = _e(f.path)
        out.append(
            f'<a class="tile" href="{file_url}?{_path_query(f.path)}" '
            f'style="{heat_style(f.risk_score, max_risk, f.sloc)}" title="{path} · risk {f.risk_score}">'
            f"<span>{_e(basename(f.path))}</span></a>"
        )
    return mark_safe("".join(out))  # noqa: S308 - every repository string above is escaped
