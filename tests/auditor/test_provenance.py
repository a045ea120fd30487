"""AI provenance through the worker: clone (with the Git AI notes ref) → engine → stored
fields, and every surface that shows, filters or exports them."""

from __future__ import annotations

import csv
import io
import json
import re
from pathlib import Path

import pytest
from django.test import Client

from auditor.models import FileMetric, Finding, Repository, Scan, TrackedFinding
from auditor.services.api_tokens import api_token_create
from auditor.services.scan_pipeline import Outcome, scan_execute
from tests.auditor.conftest import Personas
from tests.scanners.provenance.repo_support import build_provenance_repo

pytestmark = pytest.mark.django_db

# (path, line) → (ai_authored, ai_tool) of the fixture's B307 findings (tests/scanners/provenance).
EXPECTED = {
    ("app.py", 5): (True, "cursor"),  # a Git AI note on a human commit: only reaches us if fetched
    ("app.py", 9): (False, ""),
    ("app.py", 13): (False, ""),
    ("claude.py", 2): (True, "Claude Code"),
    ("kernel.py", 2): (True, "Gemini"),
    ("aider.py", 2): (True, "aider"),
    ("generated/schema.py", 2): (True, "declared"),
}


@pytest.fixture(autouse=True)
def _single_process_engine(settings) -> None:  # type: ignore[no-untyped-def]
    settings.SCAN_ENGINE_WORKERS = 1


@pytest.fixture
def scan(personas: Personas, repos_root: Path) -> Scan:
    source = repos_root / "prov"
    build_provenance_repo(source)
    repository = Repository.objects.create(
        team=personas.team, name="prov", slug="prov", clone_url=str(source), default_branch="main"
    )
    scan = Scan.objects.create(repository=repository, branch="main")
    assert scan_execute(scan.pk) is Outcome.SUCCEEDED
    scan.refresh_from_db()
    return scan


def _client(user: object) -> Client:
    client = Client()
    client.force_login(user)  # type: ignore[arg-type]
    return client


def _body(response) -> str:  # type: ignore[no-untyped-def]
    assert response.status_code == 200
    return b"".join(response.streaming_content).decode("utf-8-sig")


def test_the_worker_stores_each_findings_origin_and_each_files_share(scan: Scan) -> None:
    stored = {(f.path, f.line): (f.ai_authored, f.ai_tool) for f in Finding.objects.filter(scan=scan)}
    assert stored == EXPECTED
    assert Finding.objects.get(scan=scan, path="app.py", line=5).ai_model == "claude-4.5-opus"
    shares = dict(FileMetric.objects.filter(scan=scan).values_list("path", "ai_share"))
    assert shares == {
        "app.py": round(2 / 13, 4),
        "claude.py": 1.0,
        "kernel.py": 1.0,
        "aider.py": 1.0,
        "generated/schema.py": 1.0,
    }
    app = FileMetric.objects.get(scan=scan, path="app.py")
    assert (app.ai_lines, app.human_lines, app.unknown_lines, app.ai_spans) == (2, 11, 0, [[4, 5, "cursor"]])
    assert scan.provenance["sources"] == ["git-ai", "signature", "ai-paths"]
    assert (scan.provenance["ai_lines"], scan.provenance["human_lines"]) == (10, 11)
    assert scan.provenance["findings"]["ai"]["total"] == 5
    assert scan.provenance["findings"]["human"]["severity"] == {"medium": 2}
    tracked = {(t.path, t.line): (t.ai_authored, t.ai_tool) for t in TrackedFinding.objects.all()}
    assert tracked == EXPECTED


def test_the_findings_list_badges_and_filters_by_origin(scan: Scan, personas: Personas) -> None:
    client = _client(personas.viewer)
    page = client.get("/findings/?ai=ai").content.decode()
    assert page.count('data-testid="ai-badge"') == 5
    assert "app.py:9" not in page
    assert 'title="Written by AI: Claude Code"' in page
    human = client.get("/findings/?ai=human").content.decode()
    assert "app.py:9" in human
    assert "app.py:13" in human
    assert 'data-testid="ai-badge"' not in human
    assert "claude.py" not in human
    assert "2 findings" in human


def test_the_api_carries_and_filters_by_origin(scan: Scan, personas: Personas) -> None:
    issued = api_token_create(user=personas.viewer, name="ci")  # type: ignore[arg-type]
    api = Client(HTTP_AUTHORIZATION=f"Bearer {issued.clear}")
    rows = api.get(f"/api/v1/scans/{scan.pk}/findings/?ai=unknown").json()["results"]
    assert rows == []
    rows = api.get(f"/api/v1/scans/{scan.pk}/findings/?ai=ai").json()["results"]
    assert {(r["path"], r["line"], r["ai_authored"], r["ai_tool"]) for r in rows} == {
        (p, line, ai, tool) for (p, line), (ai, tool) in EXPECTED.items() if ai
    }
    detail = api.get(f"/api/v1/scans/{scan.pk}/").json()
    assert detail["provenance"]["ai_lines"] == 10


def test_csv_and_json_exports_carry_the_provenance_columns(scan: Scan, personas: Personas) -> None:
    client = _client(personas.viewer)
    table = list(csv.DictReader(io.StringIO(_body(client.get(f"/scans/{scan.pk}/export.csv")))))
    got = {(r["path"], r["line"]): (r["ai_authored"], r["ai_tool"], r["ai_share"]) for r in table}
    assert got[("app.py", "5")] == ("True", "cursor", str(round(2 / 13, 4)))
    assert got[("app.py", "9")] == ("False", "", str(round(2 / 13, 4)))
    assert got[("claude.py", "2")] == ("True", "Claude Code", "1.0")
    data = json.loads(_body(client.get(f"/scans/{scan.pk}/export.json")))
    assert all({"ai_authored", "ai_tool", "ai_share"} <= set(f) for f in data["findings"])
    assert {(f["path"], f["line"]): (f["ai_authored"], f["ai_tool"]) for f in data["findings"]} == EXPECTED
    assert {f["path"]: f["ai_share"] for f in data["files"]}["app.py"] == round(2 / 13, 4)
    assert len(data["files"]) == 5
    assert data["scan"]["provenance"]["sources"] == ["git-ai", "signature", "ai-paths"]


def test_sarif_results_carry_provenance_in_properties(scan: Scan, personas: Personas) -> None:
    log = json.loads(_body(_client(personas.viewer).get(f"/scans/{scan.pk}/export.sarif")))
    props = {
        (
            r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"],
            r["locations"][0]["physicalLocation"]["region"]["startLine"],
        ): (r["properties"]["ai_authored"], r["properties"]["ai_tool"])
        for r in log["runs"][0]["results"]
    }
    assert props == EXPECTED


def test_the_file_page_marks_ai_lines_in_its_gutter(scan: Scan, personas: Personas) -> None:
    page = _client(personas.viewer).get(f"/scans/{scan.pk}/file/?path=app.py").content.decode()
    marked = [int(n) for n in re.findall(r'<tr id="L(\d+)" class="[^"]*\bai-line\b', page)]
    assert marked == [4, 5]
    assert re.findall(r'<tr id="L(\d+)" class="flagged', page) == ["5", "9", "13"]
    assert 'title="Written by AI: cursor"' in page
    assert "15% · 2 of 13 attributed lines" in page
