"""A taint finding's flow: stored by ingestion from a real scan, shown escaped on the
finding and file pages, source first and sink last."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from auditor.models import (
    FileBlob,
    FileBlobOwner,
    FileMetric,
    Finding,
    Repository,
    Scan,
    ScanStatus,
    TrackedFinding,
)
from auditor.services.ingest import scan_ingest
from scanners.engine import EngineConfig, scan_directory
from tests.auditor.conftest import Personas

pytestmark = pytest.mark.django_db
# The source's text is hostile: the flow's messages quote it, so pages must escape them.
VIEW = (
    "const { exec } = require('child_process');\n"
    "app.get('/x', (req, res) => {\n"
    "  const name = req.query['<img src=x onerror=alert(1)>'];\n"
    "  exec('ls ' + name);\n"
    "});\n"
)


def _ingested(personas: Personas, git_repo_factory) -> Scan:  # type: ignore[no-untyped-def]
    source = git_repo_factory("web", {"app/server.js": VIEW})
    repository = Repository.objects.create(
        team=personas.team, name="web", slug="web", clone_url=str(source), default_branch="main"
    )
    scan = Scan.objects.create(
        repository=repository, branch="main", status=ScanStatus.INGESTING, commit_sha="a" * 40
    )
    result = scan_directory(source, EngineConfig(workers=1, scanners=frozenset({"ai-rules"})))
    return scan_ingest(scan, result)


def test_ingestion_stores_the_flow_of_a_taint_finding(personas: Personas, git_repo_factory) -> None:  # type: ignore[no-untyped-def]
    scan = _ingested(personas, git_repo_factory)
    finding = Finding.objects.get(scan=scan, rule_id="AI611")
    assert finding.line == 4
    assert [(s["line"], s["column"]) for s in finding.flow] == [(3, 16), (3, 9), (4, 3)]
    assert finding.flow[-1]["message"] == "`exec()` runs a shell command"


def test_the_finding_and_file_pages_show_the_flow_escaped(personas: Personas, git_repo_factory) -> None:  # type: ignore[no-untyped-def]
    scan = _ingested(personas, git_repo_factory)
    tracked = TrackedFinding.objects.get(repository=scan.repository, rule_id="AI611")
    client = Client()
    client.force_login(personas.viewer)

    detail = client.get(reverse("finding-detail", args=[tracked.pk])).content.decode()
    flow = detail.split('data-testid="taint-flow"', 1)[1].split("</ol>", 1)[0]
    assert flow.index("3:16") < flow.index("3:9") < flow.index("4:3")
    assert "(source)" in flow
    assert "(sink)" in flow
    assert "<img src=x" not in detail
    assert "&lt;img src=x onerror=alert(1)&gt;" in flow

    FileMetric.objects.filter(scan=scan).update(content_sha256="h1")
    blob = FileBlob.objects.create(sha256="h1", text=VIEW)
    FileBlobOwner.objects.create(blob=blob, repository=scan.repository)
    page = client.get(reverse("file-detail", args=[scan.pk]) + "?path=app/server.js").content.decode()
    assert "flow: 3 steps" in page
    assert 'href="#L3"' in page
    assert "<img src=x" not in page
