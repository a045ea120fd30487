"""Garbage in any filter is a clear 400 or an ignored value, never a 500 or a broken export."""

from __future__ import annotations

import pytest
from django.test import Client

from auditor.models import Repository, Scan
from tests.auditor.conftest import Personas
from tests.auditor.dashboard_factories import ingest

pytestmark = pytest.mark.django_db

FILTERS = ["path", "rule", "repository", "severity", "category", "status", "page", "sort", "team", "actor"]


def _pages(personas: Personas, repository: Repository, scan: Scan) -> list[str]:
    team = personas.team.slug
    return [
        "/findings/",
        "/findings/export.csv",
        "/trends/",
        "/reports/",
        "/reviews/",
        "/rules/",
        f"/repositories/{repository.pk}/",
        f"/repositories/{repository.pk}/hotspots/",
        f"/scans/{scan.pk}/",
        f"/scans/{scan.pk}/file/",
        f"/scans/{scan.pk}/export.csv",
        f"/scans/{scan.pk}/export.sarif",
        f"/teams/{team}/audit/",
        f"/teams/{team}/audit.csv",
        f"/api/v1/scans/{scan.pk}/findings/",
        "/api/v1/findings/export/csv/",
    ]


@pytest.fixture
def admin_client(personas: Personas) -> Client:
    client = Client(raise_request_exception=False)
    client.force_login(personas.admin)
    return client


def test_a_nul_character_in_any_filter_is_a_400(
    personas: Personas, repository: Repository, admin_client: Client
) -> None:
    scan = ingest(repository, [("B404", "app/x.py", 1, "fp1", 1)])
    for page in _pages(personas, repository, scan):
        for name in FILTERS:
            response = admin_client.get(f"{page}?{name}=a%00b")
            assert response.status_code == 400, (page, name, response.status_code)
            assert b"NUL character" in response.content
    api = admin_client.get("/api/v1/findings/export/csv/?path=%00")
    assert api.json()["detail"].startswith("The request contains a NUL")
    assert admin_client.get("/findings/?a%00=1").status_code == 400  # in a parameter's name too


@pytest.mark.parametrize("value", ["abc", "-1", "9" * 30, "%FF", "1e3", "%E2%80%AE"])
def test_other_garbage_never_breaks_a_page_or_an_export(
    personas: Personas, repository: Repository, admin_client: Client, value: str
) -> None:
    scan = ingest(repository, [("B404", "app/x.py", 1, "fp1", 1)])
    for page in _pages(personas, repository, scan):
        for name in FILTERS:
            response = admin_client.get(f"{page}?{name}={value}")
            assert response.status_code < 500, (page, name, response.status_code)
            if response.status_code == 200 and response.streaming:
                b"".join(response.streaming_content)  # type: ignore[attr-defined]
