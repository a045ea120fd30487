"""The engine cache makes re-scans cheap and is pruned by age."""

from __future__ import annotations

import os
import time
from pathlib import Path

import pytest

from auditor.models import Finding, Repository, Scan
from auditor.services.engine_cache import engine_cache_prune
from auditor.services.scan_pipeline import Outcome, scan_execute
from tests.auditor.conftest import Personas

pytestmark = pytest.mark.django_db


def test_a_rescan_reuses_cached_results_and_stores_the_same_findings(
    personas: Personas,
    git_repo_factory,
    settings,
    tmp_path: Path,  # type: ignore[no-untyped-def]
) -> None:
    settings.SCAN_ENGINE_WORKERS = 1
    settings.SCAN_ENGINE_CACHE_DIR = str(tmp_path / "cache")
    source = git_repo_factory("svc", {"app.py": "import subprocess\nsubprocess.call('x', shell=True)\n"})
    repository = Repository.objects.create(team=personas.team, name="svc", slug="svc", clone_url=str(source))
    first = Scan.objects.create(repository=repository, branch="main")
    second = Scan.objects.create(repository=repository, branch="main")

    assert scan_execute(first.pk) is Outcome.SUCCEEDED
    # The per-file outcomes (??/), not the context and file-digest indexes beside them.
    entries = sorted(p.name for p in (tmp_path / "cache").glob("??/*.pkl"))
    assert len(entries) == 1
    assert scan_execute(second.pk) is Outcome.SUCCEEDED

    def stored(scan: Scan) -> list[tuple[str, int, str]]:
        return list(
            Finding.objects.filter(scan=scan)
            .order_by("rule_id")
            .values_list("rule_id", "line", "fingerprint")
        )

    assert stored(first) == stored(second)
    assert [(rule, line) for rule, line, _ in stored(first)] == [("B404", 1), ("B602", 2), ("B607", 2)]
    assert sorted(p.name for p in (tmp_path / "cache").glob("??/*.pkl")) == entries


def test_prune_removes_only_old_entries(tmp_path: Path) -> None:
    old = tmp_path / "ab" / "old.pkl"
    new = tmp_path / "cd" / "new.pkl"
    for entry in (old, new):
        entry.parent.mkdir()
        entry.write_bytes(b"x")
    twenty_days_ago = time.time() - 20 * 86400
    os.utime(old, (twenty_days_ago, twenty_days_ago))

    assert engine_cache_prune(max_age_days=14, directory=tmp_path) == 1
    assert not old.exists()
    assert new.exists()
