"""The printable report: HTML with the expected sections, and a PDF whose text has them."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest
from django.core.management import call_command
from django.test import Client

from auditor.models import FileMetric, Repository
from auditor.services.exports_report import report_html_for_scan
from auditor.services.lifecycle import scan_lifecycle_compute
from tests.auditor.conftest import Personas
from tests.auditor.integration_factories import make_scan

HEADINGS = (
    "Summary",
    "Trend",
    "Riskiest files",
    "Review sign-offs",
    "Most severe open findings",
    "Triaged findings",
)


def _client(user: object) -> Client:
    client = Client()
    client.force_login(user)  # type: ignore[arg-type]
    return client


@pytest.fixture
def reported_scan(repository: Repository) -> object:
    make_scan(repository, findings=4)
    scan = make_scan(repository, findings=12)
    FileMetric.objects.create(
        scan=scan, path="app/module_3.py", language="python", sloc=321, complexity_max=27
    )
    return scan


def test_the_report_page_has_every_section(personas: Personas, reported_scan: object) -> None:
    response = _client(personas.viewer).get(f"/scans/{reported_scan.pk}/report/")  # type: ignore[attr-defined]
    body = response.content.decode()
    for heading in HEADINGS:
        assert f"<h2>{heading}</h2>" in body
    assert "app/module_3.py" in body
    assert '<link rel="stylesheet" href="/static/css/report.css">' in body  # the CSP allows no inline style
    assert "@media print" in report_html_for_scan(reported_scan, for_pdf=True)  # type: ignore[arg-type]


def test_the_report_is_team_scoped(personas: Personas, reported_scan: object) -> None:
    pk = reported_scan.pk  # type: ignore[attr-defined]
    assert _client(personas.outsider).get(f"/scans/{pk}/report/").status_code == 404
    assert _client(personas.outsider).get(f"/scans/{pk}/report.pdf").status_code == 404


@pytest.mark.skipif(shutil.which("pdftotext") is None, reason="poppler-utils not installed")
def test_the_pdf_contains_the_headings_and_numbers(
    personas: Personas, reported_scan: object, tmp_path: Path
) -> None:
    response = _client(personas.viewer).get(f"/scans/{reported_scan.pk}/report.pdf")  # type: ignore[attr-defined]
    assert response["Content-Type"] == "application/pdf"
    pdf = tmp_path / "report.pdf"
    pdf.write_bytes(response.content)
    text = subprocess.run(
        ["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True, check=True
    ).stdout
    for heading in HEADINGS:
        assert heading in text
    assert "billing — scan #" in text
    assert "12" in text
    assert "findings" in text
    assert "321" in text
    assert "27" in text


def test_the_export_command_writes_a_pdf(reported_scan: object, tmp_path: Path) -> None:
    out = tmp_path / "r.pdf"
    call_command("export", str(reported_scan.pk), "--format", "pdf", "--output", str(out))  # type: ignore[attr-defined]
    assert out.read_bytes().startswith(b"%PDF-")


TEAM_HEADINGS = ("Summary", "Trend", "Riskiest files", "Review sign-offs")


@pytest.fixture
def team_scans(repository: Repository) -> list[object]:

    scans = []
    for count in (4, 9):
        scan = make_scan(repository, findings=count)
        scan_lifecycle_compute(scan)
        scans.append(scan)
    FileMetric.objects.create(
        scan=scans[-1], path="app/hot.py", language="python", sloc=555, complexity_max=31, risk_score=87.5
    )
    return scans


def test_the_team_report_covers_the_period(
    personas: Personas, team_scans: list[object], django_assert_max_num_queries: object
) -> None:
    client = _client(personas.viewer)
    with django_assert_max_num_queries(20):  # type: ignore[operator]
        body = client.get(f"/reports/?team={personas.team.pk}&days=30").content.decode()
    for heading in TEAM_HEADINGS:
        assert f"<h2>{heading}</h2>" in body
    assert "Payments — last 30 days" in body
    assert "app/hot.py" in body
    assert "87.5" in body


def test_the_team_report_is_for_members_only(personas: Personas, team_scans: list[object]) -> None:
    assert _client(personas.outsider).get(f"/reports/?team={personas.team.pk}").status_code == 404


@pytest.mark.skipif(shutil.which("pdftotext") is None, reason="poppler-utils not installed")
def test_the_team_pdf_has_the_headings_and_numbers(
    personas: Personas, team_scans: list[object], tmp_path: Path
) -> None:
    response = _client(personas.viewer).get(f"/reports/?team={personas.team.pk}&days=7&format=pdf")
    pdf = tmp_path / "team.pdf"
    pdf.write_bytes(response.content)
    text = subprocess.run(
        ["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True, check=True
    ).stdout
    for heading in TEAM_HEADINGS:
        assert heading in text
    assert "Payments — last 7 days" in text
    assert "555" in text
    assert "31" in text
