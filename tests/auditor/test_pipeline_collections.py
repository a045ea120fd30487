"""The scan pipeline ingests with the worker's objects kept out of collections (scanners/collector.py)."""

from __future__ import annotations

import gc
from pathlib import Path

import pytest

from auditor.models import Repository, Scan, ScanStatus
from auditor.services import scan_pipeline
from auditor.services.scan_pipeline import Outcome, scan_execute
from scanners.collector import GC_THRESHOLD
from tests.auditor.conftest import Personas


@pytest.mark.django_db
def test_the_pipeline_ingests_with_the_workers_objects_frozen(  # type: ignore[no-untyped-def]
    personas: Personas, git_repo_factory, settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    settings.SCAN_ENGINE_WORKERS = 1
    source = git_repo_factory("svc", {"app/service.py": "import os\n"})
    repository = Repository.objects.create(
        team=personas.team, name="svc", slug="svc", clone_url=str(Path(source)), default_branch="main"
    )
    scan = Scan.objects.create(repository=repository, branch="main")
    seen: list[tuple[int, int]] = []
    real = scan_pipeline.scan_ingest

    def ingest(*args, **kwargs):  # type: ignore[no-untyped-def]
        seen.append((gc.get_threshold()[0], gc.get_freeze_count()))
        return real(*args, **kwargs)

    monkeypatch.setattr(scan_pipeline, "scan_ingest", ingest)
    assert scan_execute(scan.pk) is Outcome.SUCCEEDED
    scan.refresh_from_db()
    assert scan.status == ScanStatus.SUCCEEDED
    assert len(seen) == 1
    assert seen[0][0] == GC_THRESHOLD
    assert seen[0][1] > 10_000  # Django, the app, the engine: what a worker holds
    assert gc.get_freeze_count() == 0
    assert gc.get_threshold()[0] != GC_THRESHOLD
