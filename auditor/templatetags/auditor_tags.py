"""Small widgets shared by several pages."""

from __future__ import annotations

from typing import Any

from django import template
from django.core.paginator import Page
from django.utils.http import urlencode

from auditor.models import Scan, ScanStatus, Severity

register = template.Library()


@register.inclusion_tag("auditor/components/status_badge.html")
def status_badge(status: str) -> dict[str, str]:
    return {"status": status, "label": ScanStatus(status).label}


@register.inclusion_tag("auditor/components/severity_badge.html")
def severity_badge(value: int | str) -> dict[str, str]:
    """A severity pill from the stored integer or from its label."""
    return {"label": value if isinstance(value, str) else Severity(value).label}


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
    return {"page": page, "query": query or {}}


@register.simple_tag
def query_with(query: dict[str, str], **changes: Any) -> str:
    """The current filters as a query string, with `changes` applied (pagination links)."""
    merged = {**query, **{k: v for k, v in changes.items() if v not in (None, "")}}
    return urlencode(merged)


@register.filter
def seconds(value: float | None) -> str:
    if value is None:
        return "—"
    if value < 60:
        return f"{value:.1f} s"
    minutes, rest = divmod(int(value), 60)
    return f"{minutes} min {rest} s"
