"""AI116 placeholder-package: the shipped list, and the optional registry lookup against a
local HTTP server standing in for npm and PyPI (tests never reach the internet)."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from scanners.engine import EngineConfig, scan_directory
from scanners.project.context import build_repo_context
from scanners.project.registry import RegistryConfig, lookup_packages
from scanners.rules.placeholder_rule import PlaceholderPackage

NOW = datetime(2026, 12, 3, tzinfo=UTC)


def _iso(days_ago: int) -> str:
    return (NOW - timedelta(days=days_ago)).isoformat().replace("+00:00", "Z")


DOCUMENTS = {
    "/leftpad-ai": {"time": {"created": _iso(3)}, "versions": {"1.0.0": {}}},
    "/express": {"time": {"created": _iso(5000)}, "versions": {"4.21.0": {}}},
    "/held": {"time": {"created": _iso(900)}, "versions": {"0.0.1-security": {}}},
    "/pypi/requests/json": {"releases": {"2.32.3": [{"upload_time_iso_8601": _iso(4000)}]}},
    "/pypi/empty-project/json": {"releases": {}},
    "/pypi/fresh-helper/json": {"releases": {"0.1": [{"upload_time_iso_8601": _iso(10)}]}},
}


class _Registry(BaseHTTPRequestHandler):
    requests: list[str] = []

    def do_GET(self) -> None:
        self.requests.append(self.path)
        document = DOCUMENTS.get(self.path)
        body = json.dumps(document).encode() if document is not None else b"not found"
        self.send_response(200 if document is not None else 404)
        self.send_header("Content-Type", "application/json")
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format: str, *args: object) -> None:
        return


@pytest.fixture
def registry_url() -> Iterator[str]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Registry)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    _Registry.requests = []
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


def _repo(tmp_path: Path) -> Path:
    (tmp_path / "package.json").write_text(
        json.dumps(
            {"name": "app", "dependencies": {"express": "^4", "leftpad-ai": "1", "held": "0", "gone": "1"}}
        ),
        encoding="utf-8",
    )
    (tmp_path / "requirements.txt").write_text(
        "requests==2.32.3\nempty-project==1.0\nfresh_helper==0.1\nsklearn\n", encoding="utf-8"
    )
    (tmp_path / "app.py").write_text("import requests\n", encoding="utf-8")
    (tmp_path / "index.js").write_text("require('express');\n", encoding="utf-8")
    return tmp_path


def test_the_lookup_reports_young_and_placeholder_packages_and_ignores_registry_failures(
    registry_url: str,
) -> None:
    config = RegistryConfig(npm_url=registry_url, pypi_url=registry_url, timeout_seconds=2)
    statuses = lookup_packages(
        config, ["express", "leftpad-ai", "held", "gone"], ["requests", "empty-project", "fresh-helper"], NOW
    )
    assert {(s.ecosystem, s.name): (s.age_days, s.placeholder) for s in statuses} == {
        ("npm", "express"): (5000, None),
        ("npm", "held"): (900, "an npm security holding package"),
        ("npm", "leftpad-ai"): (3, None),
        ("pypi", "empty-project"): (None, "a PyPI project with no released files"),
        ("pypi", "fresh-helper"): (10, None),
        ("pypi", "requests"): (4000, None),
    }


def test_ai116_flags_listed_placeholders_and_registry_findings_on_their_manifest_lines(
    tmp_path: Path, registry_url: str
) -> None:
    root = _repo(tmp_path)
    paths = ["app.py", "index.js", "package.json", "requirements.txt"]
    config = RegistryConfig(npm_url=registry_url, pypi_url=registry_url, timeout_seconds=2)
    context = build_repo_context(root, paths, registry=config)
    found = sorted(
        (path, hit.line, hit.message.split(" (")[0])
        for path, hit in PlaceholderPackage().conclude({}, context)
    )
    young = [(p, line) for p, line, message in found if "days ago" in message]
    assert [(p, line) for p, line, _ in found] == [
        ("package.json", 1),
        ("package.json", 1),
        ("requirements.txt", 2),
        ("requirements.txt", 3),
        ("requirements.txt", 4),
    ]
    assert young == [("package.json", 1), ("requirements.txt", 3)]
    assert found[-1][2] == "`sklearn` on pypi is a placeholder"


def test_without_the_lookup_no_request_is_made_and_only_the_shipped_list_applies(
    tmp_path: Path, registry_url: str
) -> None:
    root = _repo(tmp_path)
    result = scan_directory(root, EngineConfig(workers=1))
    assert [(f.path, f.line) for f in result.findings if f.rule_id == "AI116"] == [("requirements.txt", 4)]
    assert _Registry.requests == []
