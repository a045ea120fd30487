"""A team's audit trail: filterable page and streamed CSV export."""

from __future__ import annotations

import csv
from collections.abc import Iterator

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from auditor.permissions import team_by_slug_for_user
from auditor.selectors.audit import AuditFilters, audit_action_choices, audit_csv_rows, audit_page
from auditor.selectors.audit_display import action_label, audit_rows


@login_required
@require_GET
def audit_trail(request: HttpRequest, team_slug: str) -> HttpResponse:
    team = team_by_slug_for_user(request.user, team_slug)
    filters = AuditFilters.from_query(request.GET.dict())
    page = audit_page(team, filters, request.GET.get("page"))
    return render(
        request,
        "auditor/audit/trail.html",
        {
            "team": team,
            "page": page,
            "rows": audit_rows(page.object_list, team),
            "filters": filters,
            "filter_query": filters.as_query(),
            "actions": [(a, action_label(a)) for a in audit_action_choices(team)],
        },
    )


class _Echo:
    """csv.writer wants a file; this one hands each written line straight back."""

    def write(self, value: str) -> str:
        return value


@login_required
@require_GET
def audit_csv(request: HttpRequest, team_slug: str) -> StreamingHttpResponse:
    team = team_by_slug_for_user(request.user, team_slug)
    filters = AuditFilters.from_query(request.GET.dict())
    writer = csv.writer(_Echo())

    def lines() -> Iterator[str]:
        for row in audit_csv_rows(team, filters):
            yield writer.writerow(row)

    response = StreamingHttpResponse(lines(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="audit-{team.slug}.csv"'
    return response
