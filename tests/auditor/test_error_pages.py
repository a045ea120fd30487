"""The app's own error pages (no Django debug page, no bare "Not Found")."""

from __future__ import annotations

import pytest
from django.test import Client, RequestFactory
from django.views.defaults import server_error

from auditor.models import Repository
from tests.auditor.conftest import Personas

pytestmark = pytest.mark.django_db


def test_an_unknown_address_shows_our_404_with_the_nav(personas: Personas) -> None:
    client = Client()
    client.force_login(personas.viewer)
    response = client.get("/no/such/page/")
    body = response.content.decode()
    assert response.status_code == 404
    assert "Page not found" in body
    assert 'href="/repositories/"' in body  # the nav: the way back
    assert "Using the URLconf" not in body  # Django's debug page


def test_a_role_too_low_shows_our_403(personas: Personas, repository: Repository) -> None:
    client = Client()
    client.force_login(personas.viewer)
    response = client.get(f"/repositories/{repository.pk}/edit/")
    assert response.status_code == 403
    assert "Your role does not allow this" in response.content.decode()
    assert "This action needs the admin role in this team." in response.content.decode()


def test_a_server_error_shows_our_500_without_any_context() -> None:
    response = server_error(RequestFactory().get("/"))
    body = response.content.decode()
    assert response.status_code == 500
    assert "Something went wrong on our side" in body
    assert "/static/css/app.css" in body


def test_a_never_scanned_repository_is_not_scanned_yet_not_failed(
    personas: Personas, repository: Repository
) -> None:
    client = Client()
    client.force_login(personas.viewer)
    body = client.get(f"/repositories/{repository.pk}/").content.decode()
    assert "Not scanned yet" in body
    assert "Gate failed" not in body
    assert "gate-fail" not in body
