"""The team's audit trail page: filters, pagination, CSV export that spreadsheets cannot abuse."""

from __future__ import annotations

import csv
import io

import pytest
from django.test import Client
from django.urls import reverse

from auditor.models import Repository
from auditor.selectors.audit import csv_safe
from auditor.services.audit import audit_record
from auditor.services.repositories import repository_delete
from tests.auditor.conftest import Personas
from tests.auditor.reviews_factories import make_scan

pytestmark = pytest.mark.django_db


@pytest.fixture
def events(personas: Personas, repository: Repository) -> None:
    for n in range(60):
        audit_record(
            team=personas.team,
            actor=personas.admin,
            action="repository.changed",
            obj=repository,
            details={"n": n},
        )
    audit_record(
        team=personas.team,
        actor=personas.reviewer,
        action="review.signed",
        obj=repository,
        details={"note": '=HYPERLINK("http://evil")'},
    )
    audit_record(team=personas.other_team, actor=personas.outsider, action="review.signed", obj=repository)


def _client(user: object) -> Client:
    c = Client()
    c.force_login(user)  # type: ignore[arg-type]
    return c


def test_page_lists_the_teams_events_newest_first_and_paginates(personas: Personas, events: None) -> None:
    response = _client(personas.viewer).get(reverse("audit-trail", args=[personas.team.slug]))
    body = response.content.decode()
    assert "Page 1 of 2" in body
    page = response.context["page"]
    assert page.paginator.count == 61  # another team's event is not there
    assert [e.action for e in page][:2] == ["review.signed", "repository.changed"]
    assert "otto" not in body


def test_filters_by_action_namespace_actor_and_date(personas: Personas, events: None) -> None:
    url = reverse("audit-trail", args=[personas.team.slug])
    c = _client(personas.viewer)
    only_reviews = c.get(url, {"action": "review"}).context["page"]
    assert [e.action for e in only_reviews] == ["review.signed"]
    by_actor = c.get(url, {"actor": "rita"}).context["page"]
    assert by_actor.paginator.count == 1
    none = c.get(url, {"until": "2000-01-01"}).context["page"]
    assert none.paginator.count == 0
    assert c.get(url, {"since": "not-a-date"}).status_code == 200


def test_csv_export_streams_every_matching_event_with_formulas_defused(
    personas: Personas, events: None
) -> None:
    response = _client(personas.viewer).get(reverse("audit-csv", args=[personas.team.slug]))
    assert response.streaming
    assert response["Content-Disposition"] == 'attachment; filename="audit-payments.csv"'
    rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode())))
    assert rows[0][:3] == ["time", "actor", "action"]
    assert len(rows) == 62
    signed = next(r for r in rows if r[2] == "review.signed")
    assert signed[6].startswith('{"note"')  # JSON cell starts with { so it stays as is
    assert [csv_safe(v) for v in ("=1+1", "+x", "-2", "@SUM(A1)", "plain")] == [
        "'=1+1",
        "'+x",
        "'-2",
        "'@SUM(A1)",
        "plain",
    ]


def test_csv_cells_from_users_are_defused(
    personas: Personas, repository: Repository, django_user_model
) -> None:  # type: ignore[no-untyped-def]
    evil = django_user_model.objects.create_user(username="=cmd|calc", password="x")
    audit_record(team=personas.team, actor=evil, action="repository.changed", obj=repository)
    response = _client(personas.viewer).get(reverse("audit-csv", args=[personas.team.slug]))
    rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode())))
    assert rows[1][1] == "'=cmd|calc"


def test_page_query_count_does_not_grow_with_events(
    personas: Personas, events: None, django_assert_max_num_queries
) -> None:  # type: ignore[no-untyped-def]
    c = _client(personas.viewer)
    with django_assert_max_num_queries(9):
        c.get(reverse("audit-trail", args=[personas.team.slug]))


def test_events_read_as_words_with_the_object_named_and_linked(
    personas: Personas, repository: Repository
) -> None:
    # Before: `repository.created` and `billing auditor.repository:1`, `auditor.review:1`.
    scan = make_scan(repository)
    audit_record(
        team=personas.team,
        actor=personas.admin,
        action="scan.triggered",
        obj=scan,
        details={"repository": "billing", "branch": "main"},
    )
    audit_record(team=personas.team, actor=personas.admin, action="repository.created", obj=repository)
    gone = Repository.objects.create(
        team=personas.team, name="old-service", slug="old", clone_url="https://x.org/o"
    )
    gone_id = gone.pk
    repository_delete(repository=gone, actor=personas.admin, confirm_name="old-service")
    body = _client(personas.viewer).get(reverse("audit-trail", args=[personas.team.slug])).content.decode()
    assert "Queued a scan" in body
    assert f'<a href="/scans/{scan.pk}/">#{scan.pk} of billing</a>' in body
    assert "Deleted a repository" in body
    assert "old-service" in body
    assert f'href="/repositories/{gone_id}/"' not in body  # no link to what is gone
    assert f'<a href="/repositories/{repository.pk}/">billing</a>' in body
    assert "auditor.repository:" not in body
    assert "auditor.scan:" not in body
    assert "<code>scan.triggered</code>" not in body
