"""The Celery path for real: a worker process on Redis and PostgreSQL runs the scan.

Skipped unless DATABASE_URL is PostgreSQL and CELERY_BROKER_URL is Redis; `.ci/run`
sets AUDITOR_REQUIRE_SERVICES=1 so that a missing service fails instead.
"""

from __future__ import annotations

import os
import re
import time
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from django.db import connection

from auditor.celery import app
from auditor.models import Finding, Scan, ScanStatus, ScanTrigger
from auditor.services.repositories import repository_create
from auditor.services.scans import scan_request
from auditor.tasks import run_scan
from scanners.engine import EngineConfig, scan_directory
from tests.auditor.conftest import Personas
from tests.auditor.workers import Worker

pytestmark = [pytest.mark.integration, pytest.mark.django_db(transaction=True)]

SERVICE = """import hashlib
import subprocess


def run(cmd):
    return subprocess.call(cmd, shell=True)


def digest(data):
    return hashlib.md5(data).hexdigest()
"""


def _require_services() -> None:
    database = os.environ.get("DATABASE_URL", "")
    broker = os.environ.get("CELERY_BROKER_URL", "")
    if database.startswith("postgres") and broker.startswith("redis"):
        return
    reason = "needs DATABASE_URL=postgres://… and CELERY_BROKER_URL=redis://…"
    if os.environ.get("AUDITOR_REQUIRE_SERVICES") == "1":
        pytest.fail(reason)
    pytest.skip(reason)


@pytest.fixture
def worker(personas: Personas, repos_root: Path, tmp_path: Path) -> Iterator[Worker]:
    _require_services()
    queue = f"test-{uuid.uuid4().hex[:10]}"
    db = connection.settings_dict
    password = f":{db['PASSWORD']}" if db.get("PASSWORD") else ""
    database_url = f"postgres://{db['USER']}{password}@{db['HOST']}:{db['PORT']}/{db['NAME']}"
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "auditor.settings_test",
        "DATABASE_URL": database_url,
        "CELERY_QUEUE": queue,
        "AUDITOR_LOCAL_REPO_ROOTS": str(repos_root),
        "AUDITOR_WORKSPACE_DIR": str(tmp_path / "workspaces"),
        # Every scan after a repository's first goes through its mirror (auditor/git/mirror.py).
        "SCAN_MIRROR_DIR": str(tmp_path / "mirrors"),
        "SCAN_ENGINE_WORKERS": "2",
    }
    process = Worker(env, tmp_path / "worker.log", name=queue, concurrency=2)
    previous_queue = app.conf.task_default_queue
    app.conf.task_default_queue = queue
    try:
        yield process.wait_ready()
    finally:
        app.conf.task_default_queue = previous_queue
        process.stop()


def _wait_finished(scan: Scan, timeout: float = 120) -> Scan:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        scan.refresh_from_db()
        if scan.is_finished:
            return scan
        time.sleep(0.25)
    raise AssertionError(f"scan #{scan.pk} still {scan.status} after {timeout} s")


def test_a_worker_scans_a_repository_end_to_end_and_duplicates_store_nothing(
    personas: Personas,
    git_repo_factory,
    worker: Worker,  # type: ignore[no-untyped-def]
) -> None:
    # Enough files that the engine really spreads them over its two processes.
    filler = {f"app/mod{i}.py": f"def f{i}(x):\n    return x + {i}\n" for i in range(8)}
    source = git_repo_factory("svc", {"app/service.py": SERVICE, "app/__init__.py": "", **filler})
    repository = repository_create(team=personas.team, name="svc", clone_url=str(source))

    scan = scan_request(repository=repository, trigger=ScanTrigger.API, requested_by=personas.reviewer)
    # Two more deliveries of the same scan, as a broker redelivery would make.
    run_scan.delay(scan.pk)
    run_scan.delay(scan.pk)

    scan = _wait_finished(scan)
    assert scan.status == ScanStatus.SUCCEEDED, (scan.error_code, scan.error_text, worker.log()[-3000:])
    worker.wait_for(r"Task auditor\.run_scan\[[^\]]+\] succeeded", count=3)
    outcomes = re.findall(r"Task auditor\.run_scan\[[^\]]+\] succeeded in [\d.]+s: '([a-z-]+)'", worker.log())
    assert sorted(outcomes) == ["not-claimed", "not-claimed", "succeeded"]

    expected = scan_directory(source, EngineConfig(workers=1))
    stored = set(Finding.objects.filter(scan=scan).values_list("rule_id", "path", "line", "fingerprint"))
    assert stored == {(f.rule_id, f.path, f.line, f.fingerprint) for f in expected.findings}
    assert Finding.objects.filter(scan=scan).count() == len(expected.findings)
    rules_at = {(rule, line) for rule, path, line, _ in stored if path == "app/service.py"}
    assert {("B404", 2), ("B602", 6), ("B324", 10)} <= rules_at
    assert scan.commit_sha
    assert scan.files_scanned == 10
    assert scan.warnings == []  # in particular, the engine's process pool ran inside the worker
