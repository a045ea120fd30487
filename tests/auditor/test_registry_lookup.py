"""The team's opt-in package-registry lookup (AI116) through the scan pipeline, against a
local HTTP server standing in for npm (tests never reach the internet)."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from django.test import Client

from auditor.models import Finding, Repository, Scan, TeamSettings
from auditor.services.scan_pipeline import Outcome, scan_execute
from tests.auditor.conftest import Personas
from tests.conftest import make_git_repo

pytestmark = pytest.mark.django_db


def _created(days_ago: int) -> dict[str, object]:
    created = (datetime.now(UTC) - timedelta(days=days_ago)).isoformat().replace("+00:00", "Z")
    return {"time": {"created": created}, "versions": {"1.0.0": {}}}


DOCUMENTS = {"/leftpad-ai": _created(3), "/express": _created(5000)}


class _Npm(BaseHTTPRequestHandler):
    requests: list[str] = []

    def do_GET(self) -> None:
        self.requests.append(self.path)
        document = DOCUMENTS.get(self.path)
        self.send_response(200 if document is not None else 404)
        self.send_header("Content-Type", "application/json")
        self.end_headers()
        self.wfile.write(json.dumps(document).encode() if document is not None else b"{}")

    def log_message(self, format: str, *args: object) -> None:
        return


@pytest.fixture
def npm(settings) -> Iterator[type[_Npm]]:  # type: ignore[no-untyped-def]
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Npm)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    _Npm.requests = []
    settings.SCAN_REGISTRY_NPM_URL = f"http://127.0.0.1:{server.server_address[1]}"
    settings.SCAN_REGISTRY_PYPI_URL = f"http://127.0.0.1:{server.server_address[1]}"
    settings.SCAN_ENGINE_WORKERS = 1
    yield _Npm
    server.shutdown()


def _scan(personas: Personas, repos_root: Path) -> Scan:
    manifest = {"name": "web", "dependencies": {"express": "^4.21.0", "leftpad-ai": "^1.0.0"}}
    source = make_git_repo(
        repos_root / "web",
        {"package.json": json.dumps(manifest, indent=2) + "\n", "index.js": "module.exports = 1;\n"},
    )
    repository = Repository.objects.create(
        team=personas.team, name="web", slug="web", clone_url=str(source), default_branch="main"
    )
    scan = Scan.objects.create(repository=repository, branch="main")
    assert scan_execute(scan.pk) is Outcome.SUCCEEDED
    return scan


def test_a_team_that_opted_in_gets_young_packages_reported(
    personas: Personas, repos_root: Path, npm: type[_Npm]
) -> None:
    TeamSettings.objects.create(team=personas.team, registry_lookup=True)
    scan = _scan(personas, repos_root)
    [finding] = Finding.objects.filter(scan=scan, rule_id="AI116")
    assert (finding.path, finding.line) == ("package.json", 5)
    assert finding.message.startswith("`leftpad-ai` was first published on npm 3 days ago")
    assert sorted(npm.requests) == ["/express", "/leftpad-ai"]


def test_by_default_no_registry_is_asked(personas: Personas, repos_root: Path, npm: type[_Npm]) -> None:
    scan = _scan(personas, repos_root)
    assert not Finding.objects.filter(scan=scan, rule_id="AI116").exists()
    assert npm.requests == []


def test_the_settings_page_turns_it_on(personas: Personas) -> None:
    client = Client()
    client.force_login(personas.admin)
    url = f"/teams/{personas.team.slug}/settings/"
    assert "Ask the package registries about declared packages" in client.get(url).content.decode()
    form = {
        "required_reviewers": 1,
        "trust_monitored_after": 5,
        "trust_trusted_after": 50,
        "complexity_threshold": 10,
        "gate_new_severity": 3,
        "provenance_history_commits": 1000,
        "ai_quarantine_share": 50,
        "registry_lookup": "on",
    }
    assert client.post(url, form).status_code == 302
    assert TeamSettings.objects.get(team=personas.team).registry_lookup is True
