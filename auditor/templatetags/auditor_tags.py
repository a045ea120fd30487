"""Small widgets shared by several pages."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from django import template
from django.contrib.staticfiles import finders
from django.core.paginator import Page
from django.utils.html import escape, format_html
from django.utils.http import urlencode
from django.utils.safestring import SafeString, mark_safe

from auditor.models import Scan, ScanStatus, Severity

register = template.Library()


# A single badge is a simple tag with format_html (every argument escaped); the trailing
# newline is what the old templates ended with.


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


@register.inclusion_tag("auditor/components/pagination.html")
def pagination(page: Page[Any], query: dict[str, str] | None = None) -> dict[str, Any]:
    """Previous / next links keeping the filters."""
    return {"page": page, "query": query or {}}


@register.inclusion_tag("auditor/components/choice_options.html")
def choice_options(choices: list[Any], selected: str, prefix: str = "") -> dict[str, Any]:
    """`<option>`s of a filter's select: `choices` are (value, label) pairs or plain
    values (value = label); `prefix` goes before each label."""
    pairs = [(c, c) if isinstance(c, str) else (c[0], c[1]) for c in choices]
    return {"pairs": pairs, "selected": selected, "prefix": prefix}


@register.simple_tag
def query_with(query: dict[str, str], **changes: Any) -> str:
    """The current filters as a query string, with `changes` applied (pagination links)."""
    merged = {**query, **{k: v for k, v in changes.items() if v not in (None, "")}}
    return urlencode(merged)


@register.inclusion_tag("auditor/repositories/partials/scan_rows.html")
def scan_rows(scans: list[Scan]) -> dict[str, Any]:
    """The repository page's scans table rows."""
    return {"scans": scans}


@register.filter
def seconds(value: float | None) -> str:
    if value is None:
        return "—"
    if value < 60:
        return f"{value:.1f} s"
    minutes, rest = divmod(int(value), 60)
    return f"{minutes} min {rest} s"


@register.simple_tag
def static_text(path: str) -> SafeString:
    """The text of one of our own static files, for documents that must carry their styles
    inline (the PDF report: WeasyPrint renders it without fetching URLs)."""
    found = finders.find(path)
    if not found or isinstance(found, list):
        raise template.TemplateSyntaxError(f"no static file {path!r}")
    return mark_safe(Path(found).read_text(encoding="utf-8"))  # noqa: S308 - our own file, not input


_INLINE_CODE = re.compile(r"`([^`\n]+)`")


@register.filter(is_safe=True)
def inline_code(value: object) -> SafeString:
    """Rule messages and documentation write code as `name` (Markdown's inline code).

    The one part of Markdown rendered: the whole text is escaped first (a message quotes
    names from the scanned repository, which is hostile), then each pair of backticks on
    one line becomes <code>. Nothing else of the text can become markup."""
    return mark_safe(_INLINE_CODE.sub(r"<code>\1</code>", str(escape(value))))  # noqa: S308 - escaped above
