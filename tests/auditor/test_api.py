"""REST API: token auth, team scoping, pagination, trigger → status, schema."""

from __future__ import annotations

import pytest
from django.test import Client

from auditor.models import ApiToken, AuditEvent, Repository, Scan, ScanStatus, ScanTrigger
from auditor.services.api_tokens import api_token_create, api_token_revoke
from tests.auditor.conftest import Personas
from tests.auditor.integration_factories import make_scan


def _api(user: object) -> Client:
    issued = api_token_create(user=user, name="ci")  # type: ignore[arg-type]
    return Client(HTTP_AUTHORIZATION=f"Bearer {issued.clear}")


@pytest.fixture
def other_repository(personas: Personas) -> Repository:
    return Repository.objects.create(team=personas.other_team, name="search", slug="search", clone_url="x")


def test_it_stores_only_the_hash_of_a_token(personas: Personas) -> None:
    issued = api_token_create(user=personas.viewer, name="laptop")  # type: ignore[arg-type]
    stored = ApiToken.objects.get()
    assert issued.clear.startswith("aud_")
    assert issued.clear not in (stored.token_hash, stored.prefix)
    assert issued.clear.startswith(stored.prefix)


def test_it_rejects_missing_bad_and_revoked_tokens(personas: Personas, repository: Repository) -> None:
    assert Client().get("/api/v1/repositories/").status_code in (401, 403)
    bad = Client(HTTP_AUTHORIZATION="Bearer aud_not-a-real-token")
    assert bad.get("/api/v1/repositories/").status_code == 401
    issued = api_token_create(user=personas.viewer, name="ci")  # type: ignore[arg-type]
    client = Client(HTTP_AUTHORIZATION=f"Bearer {issued.clear}")
    assert client.get("/api/v1/repositories/").status_code == 200
    api_token_revoke(user=personas.viewer, token_id=issued.token.pk)  # type: ignore[arg-type]
    assert client.get("/api/v1/repositories/").status_code == 401


def test_it_lists_only_the_callers_team_repositories(
    personas: Personas, repository: Repository, other_repository: Repository
) -> None:
    data = _api(personas.viewer).get("/api/v1/repositories/").json()
    assert [r["name"] for r in data["results"]] == ["billing"]
    assert data["count"] == 1


def test_another_teams_objects_are_404(personas: Personas, other_repository: Repository) -> None:
    scan = make_scan(other_repository)
    client = _api(personas.admin)
    assert client.get(f"/api/v1/scans/{scan.pk}/").status_code == 404
    assert client.get(f"/api/v1/scans/{scan.pk}/findings/").status_code == 404
    assert client.get(f"/api/v1/scans/{scan.pk}/export/csv/").status_code == 404
    assert client.post(f"/api/v1/repositories/{other_repository.pk}/scans/").status_code == 404


def test_a_viewer_cannot_trigger_a_scan(personas: Personas, repository: Repository) -> None:
    response = _api(personas.viewer).post(f"/api/v1/repositories/{repository.pk}/scans/")
    assert response.status_code == 403
    assert not Scan.objects.exists()


def test_trigger_then_status(personas: Personas, repository: Repository) -> None:
    client = _api(personas.reviewer)
    response = client.post(
        f"/api/v1/repositories/{repository.pk}/scans/", {"branch": "main"}, content_type="application/json"
    )
    assert response.status_code == 202
    scan_id = response.json()["id"]
    scan = Scan.objects.get(pk=scan_id)
    assert scan.trigger == ScanTrigger.API
    assert scan.requested_by == personas.reviewer
    status = client.get(f"/api/v1/scans/{scan_id}/").json()
    assert status["status"] == "queued"
    assert "gate" in status
    assert status["gate"] is None
    assert AuditEvent.objects.filter(action="scan.triggered").count() == 1


def test_findings_are_paginated_and_filtered(
    personas: Personas, repository: Repository, django_assert_max_num_queries: object
) -> None:
    scan = make_scan(repository, findings=120)
    client = _api(personas.viewer)
    with django_assert_max_num_queries(8):  # type: ignore[operator]
        page = client.get(f"/api/v1/scans/{scan.pk}/findings/?page_size=50").json()
    assert page["count"] == 120
    assert len(page["results"]) == 50
    assert page["next"]
    assert page["results"][0]["severity"] == "critical"
    high = client.get(f"/api/v1/scans/{scan.pk}/findings/?severity=high").json()
    assert high["count"] == 40
    assert {f["rule_id"] for f in high["results"]} == {"B602"}


def test_cancel_through_the_api(personas: Personas, repository: Repository) -> None:
    scan = Scan.objects.create(repository=repository, branch="main", status=ScanStatus.SCANNING)
    client = _api(personas.reviewer)
    assert client.post(f"/api/v1/scans/{scan.pk}/cancel/").json()["status"] == "cancelled"
    assert client.post(f"/api/v1/scans/{scan.pk}/cancel/").status_code == 409


def test_the_openapi_schema_and_docs_are_served_to_signed_in_users_only(personas: Personas) -> None:
    anonymous = Client()
    assert anonymous.get("/api/schema/?format=json").status_code == 401
    docs = anonymous.get("/api/docs/")
    assert (docs.status_code, docs["Location"]) == (302, "/accounts/login/?next=/api/docs/")
    assert _api(personas.viewer).get("/api/schema/?format=json").status_code == 200  # a CI token works too
    signed_in = Client()
    signed_in.force_login(personas.viewer)
    response = signed_in.get("/api/schema/?format=json")
    assert response.status_code == 200
    paths = response.json()["paths"]
    assert "/api/v1/scans/{scan_id}/findings/" in paths
    assert "/api/v1/repositories/{repository_id}/results/" in paths
    # The gate's shape is documented, not an untyped object.
    gate = response.json()["components"]["schemas"]["Scan"]["properties"]["gate"]
    assert gate["nullable"] is True
    assert response.json()["components"]["schemas"]["Gate"]["required"] == ["failures", "passed"]
    client = Client()
    client.force_login(personas.viewer)
    assert client.get("/api/docs/").status_code == 200


def test_the_token_page_shows_a_new_token_once(personas: Personas) -> None:
    client = Client()
    client.force_login(personas.viewer)
    response = client.post("/settings/tokens/", {"name": "GitHub Actions"}, follow=True)
    token = ApiToken.objects.get()
    body = response.content.decode()
    assert "shown <strong>only once</strong>" in body
    assert token.prefix in body
    again = client.get("/settings/tokens/").content.decode()
    assert "only once" not in again
    client.post(f"/settings/tokens/{token.pk}/revoke/")
    token.refresh_from_db()
    assert token.revoked_at is not None


def test_a_user_cannot_revoke_someone_elses_token(personas: Personas) -> None:
    issued = api_token_create(user=personas.viewer, name="mine")  # type: ignore[arg-type]
    client = Client()
    client.force_login(personas.outsider)
    client.post(f"/settings/tokens/{issued.token.pk}/revoke/")
    issued.token.refresh_from_db()
    assert issued.token.revoked_at is None


def test_exports_through_the_api(
    personas: Personas, repository: Repository, other_repository: Repository
) -> None:
    scan = make_scan(repository, findings=4)
    make_scan(other_repository, findings=3)
    client = _api(personas.viewer)
    response = client.get(f"/api/v1/scans/{scan.pk}/export/sarif/")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/sarif+json"
    listed = b"".join(client.get(f"/api/v1/findings/export/json/?scan={scan.pk}").streaming_content)
    assert b'"count": 4' in listed
    other = b"".join(client.get("/api/v1/findings/export/csv/?status=all").streaming_content)
    assert b"search" not in other  # another team's repository never appears
