"""The findings list: filters in the URL, counts per filter, sort, pagination, scope."""

from __future__ import annotations

import html
import re
from datetime import timedelta

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from auditor.models import Repository, ScanRollup, TrackedFinding
from auditor.selectors.finding_filters import FindingFilters
from auditor.selectors.findings import (
    TwoEndedPaginator,
    _scoped_to,
    _user_repositories,
    finding_list,
)
from auditor.services.triage import triage_set
from tests.auditor.conftest import Personas
from tests.auditor.dashboard_factories import ingest

pytestmark = pytest.mark.django_db


def _client(user: object) -> Client:
    client = Client()
    client.force_login(user)  # type: ignore[arg-type]
    return client


@pytest.fixture
def two_repos(personas: Personas, repository: Repository) -> Repository:
    ingest(
        repository,
        [
            ("B602", "app/a.py", 1, "a1", 4),
            ("AI101", "app/b.py", 2, "a2", 2),
            ("B404", "lib/c.py", 3, "a3", 1),
        ],
    )
    ingest(
        repository,
        [
            ("B602", "app/a.py", 1, "a1", 4),
            ("AI101", "app/b.py", 2, "a2", 2),
            ("B101", "lib/d.py", 1, "a4", 0),
        ],
    )
    ledger = Repository.objects.create(
        team=personas.team, name="ledger", slug="ledger", clone_url="https://x/l"
    )
    ingest(ledger, [("B602", "core/x.py", 9, "l1", 3)])
    secret = Repository.objects.create(
        team=personas.other_team, name="secret", slug="secret", clone_url="https://x/s"
    )
    ingest(secret, [("B602", "s.py", 1, "s1", 4)])
    return ledger


def _rows(body: str) -> int:
    table = body.split('data-testid="findings-table"', 1)
    return table[1].split("<tbody>", 1)[1].split("</tbody>", 1)[0].count("<tr>") if len(table) == 2 else 0


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("", 4),  # a3 fixed in the second scan; secret is another team's
        ("?severity=critical", 1),
        ("?rule=AI101", 1),
        ("?path=app/", 2),
        ("?new=1", 2),  # a4 (new in billing's 2nd scan) and l1 (first scan of ledger)
        ("?status=fixed", 1),
        ("?status=all", 5),
        ("?category=context", 0),
    ],
)
def test_filters_narrow_the_list(
    personas: Personas, two_repos: Repository, query: str, expected: int
) -> None:
    response = _client(personas.viewer).get(reverse("finding-index") + query)
    assert response.status_code == 200
    assert _rows(response.content.decode()) == expected


def test_repository_filter_and_counts_per_status(personas: Personas, two_repos: Repository) -> None:
    body = (
        _client(personas.viewer)
        .get(reverse("finding-index") + f"?repository={two_repos.pk}")
        .content.decode()
    )
    assert _rows(body) == 1
    assert "core/x.py" in body


def test_filters_round_trip_through_the_url() -> None:
    query = {
        "repository": "3",
        "severity": "high",
        "rule": "B602",
        "path": "app/",
        "status": "fixed",
        "new": "1",
        "sort": "path",
    }
    parsed = FindingFilters.from_query(query)
    assert FindingFilters.from_query(parsed.as_query()) == parsed
    assert (
        FindingFilters.from_query({"severity": "nope", "status": "x", "sort": "drop table"})
        == FindingFilters()
    )


def test_pages_and_the_last_page_within_a_fixed_query_budget(
    personas: Personas, repository: Repository, django_assert_max_num_queries
) -> None:  # type: ignore[no-untyped-def]
    ingest(repository, [("R1", f"m{i:03}.py", i + 1, f"fp{i}", i % 5) for i in range(130)])
    client = _client(personas.viewer)
    for query in ["", "?page=2", "?page=3&sort=path", "?page=last"]:
        # session, user, the teams' revisions (the section's cache key), repositories
        # (with what the cached counts depend on), counts (when not cached), page
        with django_assert_max_num_queries(6):
            response = client.get(reverse("finding-index") + query)
        assert response.status_code == 200
    body = client.get(reverse("finding-index") + "?page=3&sort=path").content.decode()
    assert _rows(body) == 30
    assert "m129.py" in body
    assert TrackedFinding.objects.count() == 130


def test_pages_read_from_the_end_hold_the_same_rows_as_from_the_start(
    personas: Personas, repository: Repository
) -> None:

    ingest(repository, [("R1", f"m{i:03}.py", i + 1, f"fp{i}", i % 5) for i in range(23)])
    rows = TrackedFinding.objects.order_by("-severity", "id")
    expected = list(rows.values_list("pk", flat=True))
    paginator = TwoEndedPaginator(rows, 5)
    seen = [t.pk for n in paginator.page_range for t in paginator.page(n).object_list]
    assert seen == expected
    assert len(paginator.page(5).object_list) == 3


def test_after_a_triage_only_that_repositorys_counts_are_taken_again(
    personas: Personas, two_repos: Repository
) -> None:

    other = Repository.objects.filter(team=personas.team).exclude(pk=two_repos.pk).get()
    client = _client(personas.viewer)
    url = reverse("finding-index") + "?status=all"

    def count_queries() -> list[str]:
        with CaptureQueriesContext(connection) as ctx:
            response = client.get(url)
        assert response.status_code == 200
        return [q["sql"] for q in ctx.captured_queries if "auditor_findingtally" in q["sql"]]

    first = count_queries()
    assert len(first) == 1  # both repositories, one query
    triage_set(
        repository=other,
        fingerprint=TrackedFinding.objects.filter(repository=other).values_list("fingerprint", flat=True)[0],
        status="wont_fix",
        reason="Checked by hand: not reachable",
        expires_at=None,
        actor=personas.reviewer,  # type: ignore[arg-type]
    )
    (again,) = count_queries()
    assert f"IN ({other.pk})" in again.replace('"', "")
    tabs = client.get(url).context["listing"].status_counts
    mine = TrackedFinding.objects.filter(team=personas.team)
    total, fixed = mine.count(), mine.filter(is_open=False).count()
    assert (total, fixed) == (5, 1)
    assert tabs == {"open": total - fixed - 1, "triaged": 1, "fixed": fixed, "all": total}


def test_the_tally_counts_exactly_what_the_identities_hold(
    personas: Personas, repository: Repository, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The list's counts come from the tally; an independent count over the identities
    (in Python) must agree for every filter combination, through new / fixed / reopened
    transitions, a feature branch, and triages in force, expired and without expiry."""

    rules = {"B602": ("security", "shell"), "AI101": ("context", "import"), "AI303": ("happy-path", "t")}
    ingest(
        repository,
        [("B602", "a.py", 1, "f1", 4), ("AI101", "b.py", 2, "f2", 2), ("AI303", "c.py", 3, "f3", 3)],
        rules=rules,
    )
    ingest(repository, [("B602", "a.py", 1, "f1", 4), ("AI303", "c.py", 3, "f3", 3)], rules=rules)  # f2 fixed
    ingest(
        repository,
        [("B602", "a.py", 1, "f1", 4), ("AI101", "b.py", 2, "f2", 2), ("AI303", "d.py", 1, "f4", 3)],
        rules=rules,
    )
    ingest(repository, [("B602", "z.py", 1, "fz", 4)], branch="feature", rules=rules)
    ledger = Repository.objects.create(
        team=personas.team, name="ledger", slug="ledger", clone_url="https://x/l"
    )
    ingest(ledger, [("B602", "p.py", 1, "l1", 3), ("AI303", "q.py", 1, "l2", 1)], rules=rules)
    today = timezone.localdate()
    for fingerprint, expires in [
        ("f1", None),
        ("f4", today + timedelta(days=1)),
        ("l2", today + timedelta(days=2)),
    ]:
        triage_set(
            repository=Repository.objects.get(tracked_findings__fingerprint=fingerprint),
            fingerprint=fingerprint,
            status="accepted_risk",
            reason="known",
            expires_at=expires,
            actor=personas.reviewer,  # type: ignore[arg-type]
        )
    monkeypatch.setattr(timezone, "localdate", lambda *args: today + timedelta(days=2))  # f4 expired; l2 not

    def oracle(f: FindingFilters) -> dict[str, int]:
        day = timezone.localdate()
        latest = {
            r.pk: ScanRollup.objects.filter(repository=r, branch=r.default_branch)
            .order_by("-scanned_at")[0]
            .scan_id
            for r in Repository.objects.filter(team=personas.team)
        }
        counts = {"open": 0, "triaged": 0, "fixed": 0}
        for t in TrackedFinding.objects.filter(team=personas.team, branch="main"):
            if f.repository and str(t.repository_id) != f.repository:
                continue
            if (f.category and t.category != f.category) or (f.rule and t.rule_id != f.rule):
                continue
            if f.new and not (t.state == "new" and t.state_scan_id == latest[t.repository_id]):
                continue
            active = bool(t.triage_status) and (t.triage_expires_at is None or t.triage_expires_at >= day)
            counts["fixed" if not t.is_open else "triaged" if active else "open"] += 1
        return counts

    combos = [
        {},
        {"category": "security"},
        {"rule": "AI303"},
        {"new": "1"},
        {"repository": str(ledger.pk)},
        {"repository": str(repository.pk), "category": "happy-path", "new": "1"},
        {"rule": "AI101", "status": "fixed"},
    ]
    assert _scoped_to(_user_repositories(personas.viewer)).count() == 6  # feature branch excluded
    for query in combos:
        f = FindingFilters.from_query(query)
        counts = finding_list(personas.viewer, f, 1).status_counts  # type: ignore[arg-type]
        expected = oracle(f)
        assert counts == {**expected, "all": sum(expected.values())}, query


def test_the_list_links_to_exports_of_exactly_what_it_shows(
    personas: Personas, two_repos: Repository
) -> None:
    client = _client(personas.viewer)
    body = client.get(reverse("finding-index") + "?path=app/").content.decode()
    links = re.findall(r'href="(/findings/export\.(?:csv|json|sarif)[^"]*)"', body)

    assert [link.split("?")[0] for link in links] == [
        f"/findings/export.{f}" for f in ("csv", "json", "sarif")
    ]
    exported = b"".join(client.get(html.unescape(links[0])).streaming_content).decode("utf-8-sig")
    shown = _rows(body)
    assert shown == 2
    assert len(exported.strip().splitlines()) - 1 == shown  # the header, then one line per row shown
