"""Printable reports (a scan, a team over a period), as a page and as a PDF download."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.views.decorators.http import require_GET

from auditor.permissions import scan_for_user, team_for_user
from auditor.services.exports_report import (
    report_html_for_scan,
    report_html_for_team,
    report_pdf_for_scan,
    report_pdf_for_team,
)


@login_required
@require_GET
def scan_report(request: HttpRequest, scan_id: int) -> HttpResponse:
    scan = scan_for_user(request.user, scan_id)
    return HttpResponse(report_html_for_scan(scan))


@login_required
@require_GET
def scan_report_pdf(request: HttpRequest, scan_id: int) -> HttpResponse:
    scan = scan_for_user(request.user, scan_id)
    response = HttpResponse(report_pdf_for_scan(scan), content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="scan-{scan.pk}-report.pdf"'
    return response


@login_required
@require_GET
def team_report_page(request: HttpRequest) -> HttpResponse:
    """`?team=ID&days=N`: the team report (his first team without an id)."""
    team_id = request.GET.get("team", "")
    team = team_for_user(request.user, int(team_id) if team_id.isdigit() else None)
    if request.GET.get("format") == "pdf":
        response = HttpResponse(
            report_pdf_for_team(team, request.GET.get("days")), content_type="application/pdf"
        )
        response["Content-Disposition"] = f'attachment; filename="{team.slug}-report.pdf"'
        return response
    return HttpResponse(report_html_for_team(team, request.GET.get("days")))
