"""The navigation reaches every section, marks the current page, and costs no query."""

from __future__ import annotations

import re

import pytest
from django.test import Client

from auditor.models import Repository
from tests.auditor.conftest import Personas

pytestmark = pytest.mark.django_db


def _client(user: object) -> Client:
    client = Client()
    client.force_login(user)  # type: ignore[arg-type]
    return client


def _current(html: str) -> list[str]:
    return re.findall(r'<a href="[^"]*" aria-current="page">([^<]+)</a>', html)


@pytest.mark.parametrize(
    ("path", "section"),
    [
        ("/", "Overview"),
        ("/repositories/", "Repositories"),
        ("/findings/", "Findings"),
        ("/reviews/", "Reviews"),
        ("/rules/", "Rules"),
        ("/teams/payments/members/", "Members"),
        ("/teams/payments/audit/", "Audit trail"),
        ("/teams/payments/contract/", "Contract"),
        ("/teams/payments/settings/", "Settings"),
        ("/settings/tokens/", "API tokens"),
    ],
)
def test_the_current_section_is_marked(personas: Personas, path: str, section: str) -> None:
    html = _client(personas.admin).get(path).content.decode()
    assert _current(html) == [section]


def test_a_repository_page_marks_repositories(personas: Personas, repository: Repository) -> None:
    html = _client(personas.viewer).get(f"/repositories/{repository.pk}/").content.decode()
    assert _current(html) == ["Repositories"]


def test_every_team_page_is_one_click_from_any_page(personas: Personas) -> None:
    client = _client(personas.viewer)
    html = client.get("/rules/").content.decode()
    for section, page in [
        ("members", "/teams/payments/members/"),
        ("audit", "/teams/payments/audit/"),
        ("contract", "/teams/payments/contract/"),
    ]:
        assert f'href="/team/{section}/"' in html
        response = client.get(f"/team/{section}/")
        assert (response.status_code, response["Location"]) == (302, page)
    assert client.get("/team/nope/").status_code == 404
    # Otto belongs to Search only: the nav takes him to his own team.
    assert _client(personas.outsider).get("/team/members/")["Location"] == "/teams/search/members/"
