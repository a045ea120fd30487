"""Small widgets shared by several pages."""

from __future__ import annotations

from typing import Any

from django import template
from django.contrib.humanize.templatetags.humanize import naturaltime
from django.core.paginator import Page
from django.urls import reverse
from django.utils.formats import localize
from django.utils.html import format_html, format_html_join
from django.utils.http import urlencode
from django.utils.safestring import SafeString, mark_safe
from django.utils.timezone import template_localtime  # type: ignore[attr-defined]

from auditor.models import Scan, ScanStatus, Severity

register = template.Library()


# Badges appear once per table row: a simple tag building the markup with format_html
# (which escapes every argument) costs a fraction of an inclusion tag, which loads and
# renders a template each time. The trailing newline is what the old templates ended with.


@register.simple_tag
def status_badge(status: str) -> SafeString:
    return format_html('<span class="badge status-{}">{}</span>\n', status, ScanStatus(status).label)


@register.simple_tag
def severity_badge(value: int | str) -> SafeString:
    """A severity pill from the stored integer or from its label."""
    label = value if isinstance(value, str) else Severity(value).label
    return format_html('<span class="badge sev-{}">{}</span>\n', label, label)


_PHASES = (ScanStatus.QUEUED, ScanStatus.CLONING, ScanStatus.SCANNING, ScanStatus.INGESTING)


@register.simple_tag
def scan_phases(scan: Scan) -> list[tuple[str, str, str]]:
    """(phase, label, state) with state done / current / pending / failed, for the progress strip."""
    if scan.status == ScanStatus.SUCCEEDED:
        return [(p.value, p.label, "done") for p in _PHASES]
    if scan.status in _PHASES:
        current = _PHASES.index(ScanStatus(scan.status))
    else:
        # Failed or cancelled: the recorded timings say how far it got.
        reached = [ScanStatus.QUEUED]
        if scan.clone_seconds is not None:
            reached.append(ScanStatus.CLONING)
        if scan.scan_seconds is not None:
            reached.append(ScanStatus.SCANNING)
        return [(p.value, p.label, "done") for p in reached] + [
            (scan.status, ScanStatus(scan.status).label, "failed")
        ]
    states = ["done"] * current + ["current"] + ["pending"] * (len(_PHASES) - current - 1)
    return [(p.value, p.label, state) for p, state in zip(_PHASES, states, strict=True)]


@register.simple_tag
def pagination(page: Page[Any], query: dict[str, str] | None = None) -> SafeString:
    """Previous / next links keeping the filters (the markup its old template produced)."""
    pages = page.paginator.num_pages
    if pages <= 1:
        return mark_safe("\n")
    query = query or {}
    previous = (
        format_html('<a href="?{}">← Previous</a>', query_with(query, page=page.previous_page_number()))
        if page.has_previous()
        else ""
    )
    following = (
        format_html('<a href="?{}">Next →</a>', query_with(query, page=page.next_page_number()))
        if page.has_next()
        else ""
    )
    return format_html(
        '\n<nav class="pagination" aria-label="Pages">\n  {}\n  <span>Page {} of {}</span>\n  {}\n</nav>\n\n',
        previous,
        page.number,
        pages,
        following,
    )


@register.simple_tag
def choice_options(choices: list[Any], selected: str, prefix: str = "") -> SafeString:
    """`<option>`s of a filter's select: `choices` are (value, label) pairs or plain
    values (value = label); `prefix` goes before each label."""
    pairs = ((c, c) if isinstance(c, str) else (c[0], c[1]) for c in choices)
    return format_html_join(
        "",
        '<option value="{}" {}>{}{}</option>',
        ((value, "selected" if selected == value else "", prefix, label) for value, label in pairs),
    )


@register.simple_tag
def query_with(query: dict[str, str], **changes: Any) -> str:
    """The current filters as a query string, with `changes` applied (pagination links)."""
    merged = {**query, **{k: v for k, v in changes.items() if v not in (None, "")}}
    return urlencode(merged)


@register.simple_tag
def scan_rows(scans: list[Scan]) -> SafeString:
    """The repository page's scans table rows: a page of 25 scans through template
    variables and url tags costs milliseconds; the same markup from Python a fraction.
    Every value goes through format_html's escaping, as the template escaped it."""
    url = reverse("scan-detail", args=[987654321])
    out = []
    for scan in scans:
        created = scan.created_at
        commit = (
            format_html('<code title="{}">{}</code>', scan.commit_message, scan.commit_sha[:10])
            if scan.commit_sha
            else mark_safe('<span class="muted">—</span>')
        )
        out.append(
            format_html(
                "\n    <tr>\n"
                '      <td><a href="{}">#{}</a></td>\n'
                '      <td title="{}">{}</td>\n'
                "      <td>{}</td>\n"
                "      <td>{}</td>\n"
                "      <td>{}</td>\n"
                '      <td class="num">{}</td>\n'
                '      <td class="num">{}</td>\n'
                '      <td class="num">{}</td>\n'
                "    </tr>\n  ",
                url.replace("987654321", str(scan.pk)),
                scan.pk,
                localize(template_localtime(created)),
                naturaltime(created),
                scan.get_trigger_display(),
                commit,
                status_badge(scan.status),
                scan.files_scanned,
                scan.findings_total if scan.status == "succeeded" else "—",
                seconds(scan.duration_seconds),
            )
        )
    return mark_safe("".join(out))  # noqa: S308 - joined format_html output


@register.filter
def seconds(value: float | None) -> str:
    if value is None:
        return "—"
    if value < 60:
        return f"{value:.1f} s"
    minutes, rest = divmod(int(value), 60)
    return f"{minutes} min {rest} s"
