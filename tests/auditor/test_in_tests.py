"""Findings in test code: stored, shown, filterable, exported, hidden by a team setting."""

from __future__ import annotations

import json

import pytest
from django.test import Client
from django.urls import reverse

from auditor.models import Finding, Repository, Scan, ScanStatus, TeamSettings, TrackedFinding
from auditor.services.ingest import scan_ingest
from scanners.engine import EngineConfig, scan_directory
from tests.auditor.conftest import Personas
from tests.auditor.dashboard_factories import ingest

pytestmark = pytest.mark.django_db

ROWS = [("B602", "app/a.py", 1, "p1", 3), ("B602", "tests/test_a.py", 4, "t1", 3)]
TESTS = frozenset({"tests/test_a.py"})


def _client(user: object) -> Client:
    client = Client()
    client.force_login(user)  # type: ignore[arg-type]
    return client


def test_ingest_stores_the_engines_mark(repository: Repository, tmp_path) -> None:  # type: ignore[no-untyped-def]
    (tmp_path / "tests").mkdir()
    (tmp_path / "tests/test_net.py").write_text("import subprocess\nsubprocess.call('x', shell=True)\n")
    (tmp_path / "net.py").write_text("import subprocess\nsubprocess.call('x', shell=True)\n")
    result = scan_directory(tmp_path, EngineConfig(workers=1))
    scan = Scan.objects.create(
        repository=repository, branch="main", status=ScanStatus.INGESTING, commit_sha="b" * 40
    )
    scan_ingest(scan, result)
    stored = set(Finding.objects.filter(scan=scan, rule_id="B602").values_list("path", "in_tests"))
    assert stored == {("net.py", False), ("tests/test_net.py", True)}
    tracked = set(TrackedFinding.objects.filter(rule_id="B602").values_list("path", "in_tests"))
    assert tracked == stored


def test_scan_page_counts_and_marks_test_findings(personas: Personas, repository: Repository) -> None:
    scan = ingest(repository, ROWS, test_paths=TESTS)
    page = _client(personas.viewer).get(reverse("scan-detail", args=[scan.pk])).content.decode()
    assert "1 in test code" in page
    assert page.count('<span class="badge muted">test code</span>') == 1


def test_team_setting_hides_test_findings_until_asked(personas: Personas, repository: Repository) -> None:
    scan = ingest(repository, ROWS, test_paths=TESTS)
    TeamSettings.objects.update_or_create(team=personas.team, defaults={"hide_test_findings": True})
    client = _client(personas.viewer)
    url = reverse("scan-detail", args=[scan.pk])
    hidden = client.get(url).content.decode()
    assert "tests/test_a.py:4" not in hidden
    assert "app/a.py:1" in hidden
    assert "1 in test code (hidden" in hidden
    shown = client.get(url, {"tests": "all"}).content.decode()
    assert "tests/test_a.py:4" in shown
    listing = client.get(reverse("finding-index")).content.decode()
    assert "tests/test_a.py" not in listing
    assert "app/a.py" in listing
    assert "tests/test_a.py" in client.get(reverse("finding-index"), {"tests": "all"}).content.decode()


def test_findings_list_filters_by_test_code(personas: Personas, repository: Repository) -> None:
    ingest(repository, ROWS, test_paths=TESTS)
    client = _client(personas.viewer)
    only = client.get(reverse("finding-index"), {"tests": "only"}).content.decode()
    assert "tests/test_a.py" in only
    assert "app/a.py" not in only
    excluded = client.get(reverse("finding-index"), {"tests": "exclude"}).content.decode()
    assert "tests/test_a.py" not in excluded
    assert "app/a.py" in excluded
    assert "tests/test_a.py" in client.get(reverse("finding-index")).content.decode()  # default: all


def test_exports_and_api_carry_and_filter_in_tests(personas: Personas, repository: Repository) -> None:
    scan = ingest(repository, ROWS, test_paths=TESTS)
    client = _client(personas.viewer)
    body = client.get(reverse("findings-export", args=["json"]), {"scan": scan.pk})
    exported = json.loads(b"".join(body.streaming_content))  # type: ignore[attr-defined]
    assert {(f["path"], f["in_tests"]) for f in exported["findings"]} == {
        ("app/a.py", False),
        ("tests/test_a.py", True),
    }
    csv = b"".join(
        client.get(
            reverse("findings-export", args=["csv"]), {"scan": scan.pk, "tests": "only"}
        ).streaming_content  # type: ignore[attr-defined]
    ).decode()
    assert "in_tests" in csv.splitlines()[0].split(",")
    assert [line.split(",")[9] for line in csv.splitlines()[1:]] == ["tests/test_a.py"]


def test_rule_page_documents_how_the_rule_treats_test_code(personas: Personas) -> None:
    page = _client(personas.viewer).get(reverse("rule-detail", args=["AI303"])).content.decode()
    assert "<h2>In test code</h2>" in page
    assert "at most low" in page


def test_api_findings_carry_and_filter_in_tests(personas: Personas, repository: Repository) -> None:
    from auditor.services.api_tokens import api_token_create

    scan = ingest(repository, ROWS, test_paths=TESTS)
    issued = api_token_create(user=personas.viewer, name="ci")
    api = Client(HTTP_AUTHORIZATION=f"Bearer {issued.clear}")
    url = reverse("api-finding-list", args=[scan.pk])
    listed = api.get(url).json()["results"]
    assert {(f["path"], f["in_tests"]) for f in listed} == {("app/a.py", False), ("tests/test_a.py", True)}
    only = api.get(url, {"tests": "exclude"}).json()["results"]
    assert [f["path"] for f in only] == ["app/a.py"]
