"""Finding identity across scans: new / fixed / reopened / unchanged by fingerprint."""

from __future__ import annotations

from pathlib import Path

import pytest

from auditor.models import FileBlob, FindingChange, Lifecycle, Repository, Scan, ScanRollup, TrackedFinding
from auditor.selectors.findings import current_state, finding_history
from auditor.services.risk import file_risk_score
from auditor.services.scan_pipeline import Outcome, scan_execute
from tests.auditor.conftest import Personas
from tests.auditor.dashboard_factories import ingest
from tests.conftest import git

pytestmark = pytest.mark.django_db

HEADER = "import subprocess\n\n\n"
RISKY = "def run(cmd):\n    return subprocess.call(cmd, shell=True)\n"
SAFE = "def run(cmd):\n    return subprocess.call(cmd)\n"


@pytest.fixture(autouse=True)
def _single_process_engine(settings) -> None:  # type: ignore[no-untyped-def]
    settings.SCAN_ENGINE_WORKERS = 1


def _commit(source: Path, text: str, message: str) -> None:
    (source / "app" / "service.py").write_text(text)
    git(source, "commit", "--quiet", "-am", message)


def _scan(repository: Repository) -> Scan:
    scan = Scan.objects.create(repository=repository, branch="main")
    assert scan_execute(scan.pk) is Outcome.SUCCEEDED
    scan.refresh_from_db()
    return scan


def _kinds(scan: Scan, rule: str) -> list[str]:
    return list(FindingChange.objects.filter(scan=scan, tracked__rule_id=rule).values_list("kind", flat=True))


def test_a_finding_moved_fixed_and_back_is_unchanged_then_fixed_then_reopened(
    personas: Personas, git_repo_factory
) -> None:  # type: ignore[no-untyped-def]
    source = git_repo_factory("svc", {"app/service.py": HEADER + RISKY, "app/__init__.py": ""})
    repository = Repository.objects.create(
        team=personas.team, name="svc", slug="svc", clone_url=str(source), default_branch="main"
    )
    first = _scan(repository)
    assert _kinds(first, "B602") == [Lifecycle.NEW]
    b602 = TrackedFinding.objects.get(repository=repository, rule_id="B602")
    assert b602.line == 5

    _commit(source, HEADER + "# padding\n" * 20 + RISKY, "move the call 20 lines down")
    moved = _scan(repository)
    b602.refresh_from_db()
    assert _kinds(moved, "B602") == []  # unchanged: no transition recorded
    assert (b602.line, b602.is_open, b602.first_seen_scan_id) == (25, True, first.pk)
    assert current_state(b602, moved.pk) == Lifecycle.UNCHANGED
    assert moved.rollup.previous_scan_id == first.pk
    assert moved.rollup.new_count == 0
    assert moved.rollup.unchanged_count == moved.findings_total

    _commit(source, HEADER + SAFE, "drop shell=True")
    fixed = _scan(repository)
    b602.refresh_from_db()
    assert _kinds(fixed, "B602") == [Lifecycle.FIXED]
    assert (b602.is_open, b602.state, b602.last_seen_scan_id) == (False, Lifecycle.FIXED, moved.pk)
    assert fixed.rollup.fixed_count == 1

    _commit(source, HEADER + RISKY, "bring it back")
    back = _scan(repository)
    b602.refresh_from_db()
    assert _kinds(back, "B602") == [Lifecycle.REOPENED]
    assert (b602.is_open, b602.state, b602.state_scan_id) == (True, Lifecycle.REOPENED, back.pk)
    assert current_state(b602, back.pk) == Lifecycle.REOPENED
    assert back.rollup.reopened_count == 1

    history = finding_history(b602)
    assert [c.kind for c in history.changes] == [Lifecycle.NEW, Lifecycle.FIXED, Lifecycle.REOPENED]
    assert [s.pk for s in history.appearances] == [back.pk, moved.pk, first.pk]
    assert history.last_seen == back


def test_the_pipeline_stores_churn_risk_and_file_text(personas: Personas, git_repo_factory) -> None:  # type: ignore[no-untyped-def]
    source = git_repo_factory("svc", {"app/service.py": HEADER + RISKY})
    _commit(source, HEADER + "# edit\n" + RISKY, "second edit")
    repository = Repository.objects.create(team=personas.team, name="svc", slug="svc", clone_url=str(source))
    scan = _scan(repository)
    metric = scan.file_metrics.get(path="app/service.py")
    assert metric.churn == 2
    findings = [(f.severity, f.confidence) for f in scan.findings.filter(path="app/service.py")]
    assert findings
    # Scored once, at ingestion, with the churn read before it.
    assert metric.risk_score == file_risk_score(findings, metric.complexity_max, metric.maintainability, 2)
    assert metric.risk_score != file_risk_score(findings, metric.complexity_max, metric.maintainability, 0)
    assert ScanRollup.objects.get(scan=scan).risk_max == metric.risk_score
    assert "shell=True" in FileBlob.objects.get(sha256=metric.content_sha256).text


def test_lifecycle_is_per_branch_and_first_scan_is_all_new(
    personas: Personas, repository: Repository
) -> None:
    main = ingest(repository, [("R1", "a.py", 1, "fp1", 3), ("R2", "a.py", 2, "fp2", 2)])
    assert main.rollup.new_count == 2
    assert main.rollup.previous_scan_id is None
    other = ingest(repository, [("R1", "a.py", 1, "fp1", 3)], branch="feature")
    assert other.rollup.new_count == 1  # a branch has its own baseline
    again = ingest(repository, [("R1", "a.py", 9, "fp1", 3)])
    assert (again.rollup.unchanged_count, again.rollup.fixed_count, again.rollup.new_count) == (1, 1, 0)
    assert TrackedFinding.objects.filter(repository=repository).count() == 3
