"""Re-ingestion writes what changed: the findings list's tally is left alone by a re-scan
that changes nothing it counts, and rewritten by one that does (real git, real pipeline)."""

from __future__ import annotations

from pathlib import Path

import pytest

from auditor.models import FindingTally, Repository, Scan, TrackedFinding
from auditor.services.scan_pipeline import Outcome, scan_execute
from auditor.services.tally import finding_tally_refresh
from tests.auditor.conftest import Personas
from tests.conftest import git

pytestmark = pytest.mark.django_db

RISKY = "import subprocess\n\n\ndef run(cmd):\n    return subprocess.call(cmd, shell=True)\n"


@pytest.fixture(autouse=True)
def _single_process_engine(settings) -> None:  # type: ignore[no-untyped-def]
    settings.SCAN_ENGINE_WORKERS = 1


def _scan(repository: Repository) -> Scan:
    scan = Scan.objects.create(repository=repository, branch="main")
    assert scan_execute(scan.pk) is Outcome.SUCCEEDED
    return scan


def _tally(repository: Repository) -> list[tuple[int, str, str, bool, bool, int]]:
    return sorted(
        FindingTally.objects.filter(repository=repository).values_list(
            "pk", "rule_id", "category", "is_open", "is_new", "n"
        )
    )


def _counts(rows: list[tuple[int, str, str, bool, bool, int]]) -> list[tuple[str, bool, bool, int]]:
    return sorted((rule, is_open, is_new, n) for _, rule, _, is_open, is_new, n in rows)


def test_the_tally_is_rewritten_only_when_what_it_counts_changes(
    personas: Personas, git_repo_factory
) -> None:  # type: ignore[no-untyped-def]
    source: Path = git_repo_factory("svc", {"app/service.py": RISKY, "README.md": "v1\n"})
    repository = Repository.objects.create(
        team=personas.team, name="svc", slug="svc", clone_url=str(source), default_branch="main"
    )
    _scan(repository)
    first = _tally(repository)
    assert ("B602", True, True, 1) in _counts(first)  # new in the first scan

    (source / "README.md").write_text("v2\n")
    git(source, "commit", "--quiet", "-am", "docs")
    _scan(repository)
    second = _tally(repository)
    # The first scan's findings are no longer new: rewritten.
    assert ("B602", True, False, 1) in _counts(second)
    assert {pk for pk, *_ in second}.isdisjoint(pk for pk, *_ in first)

    (source / "README.md").write_text("v3\n")
    git(source, "commit", "--quiet", "-am", "docs again")
    _scan(repository)
    third = _tally(repository)
    # Nothing it counts changed: the same rows, not rewritten…
    assert third == second
    # …and exactly what a full recount gives.
    finding_tally_refresh(repository)
    assert _counts(_tally(repository)) == _counts(third)
    assert TrackedFinding.objects.filter(repository=repository, is_open=True).count() == sum(
        n for _, is_open, _, n in _counts(third) if is_open
    )
