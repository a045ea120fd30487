"""Printable reports of a scan or of a team over a period: HTML with print CSS, and the
same HTML as PDF (WeasyPrint)."""

from __future__ import annotations

from datetime import datetime, timedelta

from django.template.loader import render_to_string
from django.utils import timezone
from weasyprint import HTML

from auditor.models import Scan, Team
from auditor.selectors.exports_report import scan_report
from auditor.selectors.exports_team_report import team_report


def report_html_for_scan(scan: Scan, *, for_pdf: bool = False) -> str:
    """The report page; `for_pdf` drops the screen-only toolbar."""
    return render_to_string(
        "auditor/reports/scan.html",
        {"report": scan_report(scan), "for_pdf": for_pdf, "generated_at": timezone.now()},
    )


def report_pdf_for_scan(scan: Scan) -> bytes:
    """The report as PDF bytes (WeasyPrint lays out the same HTML and print CSS)."""
    pdf = HTML(string=report_html_for_scan(scan, for_pdf=True)).write_pdf()
    return bytes(pdf or b"")


def report_period(days: str | None, now: datetime | None = None) -> tuple[datetime, datetime, int]:
    """[start, end) of the last `days` days (default 30, 1 to 366) ending now."""
    end = now or timezone.now()
    number = int(days) if days and days.isdigit() else 30
    number = min(max(number, 1), 366)
    return end - timedelta(days=number), end, number


def report_html_for_team(team: Team, days: str | None, *, for_pdf: bool = False) -> str:
    """The team report over the last `days` days."""
    start, end, number = report_period(days)
    return render_to_string(
        "auditor/reports/team.html",
        {
            "report": team_report(team, start, end),
            "days": number,
            "for_pdf": for_pdf,
            "generated_at": timezone.now(),
        },
    )


def report_pdf_for_team(team: Team, days: str | None) -> bytes:
    pdf = HTML(string=report_html_for_team(team, days, for_pdf=True)).write_pdf()
    return bytes(pdf or b"")
