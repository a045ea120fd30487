"""Pull-request scans through the API: a branch scanned against its base marks exactly the
findings on the lines it changed (a real git repository, the real pipeline and mirror)."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.test import Client

from auditor.models import Finding, Repository, Scan, ScanStatus
from auditor.services.api_tokens import api_token_create
from auditor.services.repositories import repository_create
from auditor.services.scan_pipeline import Outcome, scan_execute
from tests.auditor.conftest import Personas
from tests.conftest import git

SERVICE = "import pickle\nimport subprocess\n\n\ndef run(cmd):\n    subprocess.call(cmd, shell=True)\n"


def _api(user: object) -> Client:
    issued = api_token_create(user=user, name="ci")  # type: ignore[arg-type]
    return Client(HTTP_AUTHORIZATION=f"Bearer {issued.clear}")


@pytest.fixture
def pull_request(personas: Personas, git_repo_factory) -> Repository:  # type: ignore[no-untyped-def]
    """main: two files with findings; `feature` rewrites line 6 of one and adds lines 7-10."""
    source: Path = git_repo_factory("svc", {"app/service.py": SERVICE, "app/other.py": "import pickle\n"})
    git(source, "checkout", "--quiet", "-b", "feature")
    changed = (
        SERVICE.replace("shell=True)", "shell=True)  # still")
        + "\n\ndef load(data):\n    return pickle.loads(data)\n"
    )
    (source / "app/service.py").write_text(changed)
    git(source, "commit", "--quiet", "-am", "one-file change")
    git(source, "checkout", "--quiet", "main")
    return repository_create(team=personas.team, name="svc", clone_url=str(source))


def _trigger(client: Client, repository: Repository, body: dict[str, str]) -> Scan:
    response = client.post(
        f"/api/v1/repositories/{repository.pk}/scans/", body, content_type="application/json"
    )
    assert response.status_code == 202, response.content
    scan = Scan.objects.get(pk=response.json()["id"])
    assert scan_execute(scan.pk) is Outcome.SUCCEEDED
    scan.refresh_from_db()
    return scan


def test_a_pull_request_scan_marks_exactly_the_findings_on_changed_lines(
    personas: Personas, pull_request: Repository
) -> None:
    client = _api(personas.reviewer)
    base = _trigger(client, pull_request, {"branch": "main"})  # the base's scan warms the caches
    assert base.base_branch == ""

    scan = _trigger(client, pull_request, {"branch": "feature", "base": "main"})

    assert scan.status == ScanStatus.SUCCEEDED
    assert scan.base_branch == "main"
    assert scan.base_commit_sha == base.commit_sha
    listed = client.get(f"/api/v1/scans/{scan.pk}/findings/", {"changed": "1"}).json()["results"]
    on_changed = {(f["scanner"], f["rule_id"], f["path"], f["line"]) for f in listed}
    assert {(rule, line) for scanner, rule, _, line in on_changed if scanner == "bandit"} == {
        ("B602", 6),
        ("B301", 10),
    }
    # Whatever other rules say, only about the changed lines 6-10 of the one changed file.
    assert {(path, 6 <= line <= 10) for _, _, path, line in on_changed} == {("app/service.py", True)}
    everything = set(Finding.objects.filter(scan=scan).values_list("rule_id", "path", "line"))
    assert {
        ("B403", "app/service.py", 1),
        ("B404", "app/service.py", 2),
        ("B403", "app/other.py", 1),
    } <= everything
    detail = client.get(f"/api/v1/scans/{scan.pk}/").json()
    assert detail["base_commit_sha"] == base.commit_sha
    assert detail["changed_line_findings"]["high"] == sum(1 for f in listed if f["severity"] == "high")
    assert sum(detail["changed_line_findings"].values()) == len(listed)
    assert client.get(f"/api/v1/scans/{base.pk}/").json()["changed_line_findings"] is None
    assert not Finding.objects.filter(scan=base, on_changed_line=True).exists()


def test_a_missing_base_fails_the_scan_as_a_missing_branch(
    personas: Personas, pull_request: Repository
) -> None:
    client = _api(personas.reviewer)
    response = client.post(
        f"/api/v1/repositories/{pull_request.pk}/scans/",
        {"branch": "feature", "base": "no-such-base"},
        content_type="application/json",
    )
    failed = Scan.objects.get(pk=response.json()["id"])
    assert scan_execute(failed.pk) is Outcome.FAILED
    failed.refresh_from_db()
    assert failed.error_code == "scan:user:branch-not-found"
