"""Widgets of the integrations area: scan actions (exports, cancel) and the schedule card."""

from __future__ import annotations

from typing import Any

from django import template
from django.utils.http import urlencode

from auditor.models import Repository, RepositorySchedule, Role, Scan, ScheduleKind
from auditor.permissions import can
from auditor.selectors.finding_filters import FindingFilters
from auditor.services.schedules import schedule_describe

register = template.Library()


@register.inclusion_tag("auditor/exports/scan_actions.html", takes_context=True)
def scan_actions(context: dict[str, Any], scan: Scan) -> dict[str, Any]:
    """Export links that keep the page's filters, the report, and Cancel while it runs."""
    request = context.get("request")
    filters = FindingFilters.from_query(request.GET.dict() if request else {})
    query = urlencode(filters.without("scan", "repository", "status", "sort", "new").as_query())
    return {
        "scan": scan,
        "query": query,
        "formats": [("csv", "CSV"), ("json", "JSON"), ("sarif", "SARIF")],
        "can_cancel": request is not None
        and not scan.is_finished
        and can(request.user, scan.repository.team_id, Role.REVIEWER),
        "csrf_token": context.get("csrf_token"),
    }


@register.inclusion_tag("auditor/schedules/card.html", takes_context=True)
def repository_schedule(context: dict[str, Any], repository: Repository) -> dict[str, Any]:
    """The schedule in plain words with its next run, and (admins) the form to change it."""
    request = context.get("request")
    schedule = RepositorySchedule.objects.filter(repository=repository).first()
    hook = f"/webhooks/{{}}/{repository.pk}/"
    # A refused form comes back with what was typed and why (views/schedules.py).
    form = context.get("schedule_form")
    return {
        "posted": form.data if form is not None else None,
        "errors": form.errors if form is not None else {},
        "repository": repository,
        "view": schedule_describe(schedule) if schedule else None,
        "can_edit": request is not None and can(request.user, repository.team_id, Role.ADMIN),
        "kinds": ScheduleKind.choices,
        "csrf_token": context.get("csrf_token"),
        "webhook_github": request.build_absolute_uri(hook.format("github"))
        if request
        else hook.format("github"),
        "webhook_gitlab": request.build_absolute_uri(hook.format("gitlab"))
        if request
        else hook.format("gitlab"),
    }


@register.inclusion_tag("auditor/exports/list_links.html")
def findings_export_links(filter_query: dict[str, str] | None = None) -> dict[str, Any]:
    """Export links for a findings list, carrying the list's own query string.

    Usage on a list page: `{% load integration_tags %}{% findings_export_links filter_query %}`.
    """
    return {
        "query": urlencode(filter_query or {}),
        "formats": [("csv", "CSV"), ("json", "JSON"), ("sarif", "SARIF")],
    }
