"""The scan pipeline on real git repositories: claim → clone → engine → ingest."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest
from django.utils import timezone

from auditor.errors import WORKER_LOST, TransientScanError
from auditor.models import FileMetric, Finding, Repository, Scan, ScanStatus
from auditor.services import scan_pipeline
from auditor.services.ingest import scan_ingest
from auditor.services.scan_pipeline import Outcome, scan_execute
from auditor.services.scans import scans_reap_stale
from scanners.engine import EngineConfig, scan_directory
from tests.auditor.conftest import Personas
from tests.conftest import git

SERVICE = """import subprocess


def run(cmd):
    return subprocess.call(cmd, shell=True)
"""

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _single_process_engine(settings) -> None:  # type: ignore[no-untyped-def]
    settings.SCAN_ENGINE_WORKERS = 1


def _scan_of(personas: Personas, url: Path | str, branch: str = "main") -> Scan:
    repository = Repository.objects.create(
        team=personas.team, name="svc", slug="svc", clone_url=str(url), default_branch=branch
    )
    return Scan.objects.create(repository=repository, branch=branch)


def _stored(scan: Scan) -> set[tuple[str, str, int, str]]:
    return set(Finding.objects.filter(scan=scan).values_list("rule_id", "path", "line", "fingerprint"))


def test_it_stores_exactly_the_engines_findings_and_metrics(personas: Personas, git_repo_factory) -> None:  # type: ignore[no-untyped-def]
    source = git_repo_factory("svc", {"app/service.py": SERVICE, "app/__init__.py": ""})
    scan = _scan_of(personas, source)

    assert scan_execute(scan.pk) is Outcome.SUCCEEDED

    scan.refresh_from_db()
    expected = scan_directory(source, EngineConfig(workers=1))
    assert _stored(scan) == {(f.rule_id, f.path, f.line, f.fingerprint) for f in expected.findings}
    assert {("B404", "app/service.py", 1), ("B602", "app/service.py", 5)} <= {
        (rule, path, line) for rule, path, line, _ in _stored(scan)
    }
    assert scan.status == ScanStatus.SUCCEEDED
    assert scan.commit_sha == git(source, "rev-parse", "HEAD")
    assert scan.commit_message == "Initial commit"
    assert scan.findings_total == len(expected.findings)
    assert sum(scan.severity_counts.values()) == scan.findings_total
    assert scan.category_counts["security"] >= 2
    assert set(FileMetric.objects.filter(scan=scan).values_list("path", flat=True)) == {
        "app/service.py",
        "app/__init__.py",
    }
    assert scan.clone_seconds is not None
    assert scan.scan_seconds is not None
    assert scan.ingest_seconds is not None
    assert scan.scanner_versions["bandit"] == "1.9.4"
    assert scan.scanner_versions["radon"] == "6.0.1"


def test_a_second_delivery_of_the_same_scan_does_nothing(personas: Personas, git_repo_factory) -> None:  # type: ignore[no-untyped-def]
    scan = _scan_of(personas, git_repo_factory("svc", {"app/service.py": SERVICE}))
    assert scan_execute(scan.pk) is Outcome.SUCCEEDED
    before = _stored(scan)

    assert scan_execute(scan.pk) is Outcome.NOT_CLAIMED
    assert _stored(scan) == before
    assert Finding.objects.filter(scan=scan).count() == len(before)


def test_ingesting_the_same_result_twice_keeps_one_copy(personas: Personas, git_repo_factory) -> None:  # type: ignore[no-untyped-def]
    source = git_repo_factory("svc", {"app/service.py": SERVICE})
    scan = _scan_of(personas, source)
    result = scan_directory(source, EngineConfig(workers=1))
    for _ in range(2):
        Scan.objects.filter(pk=scan.pk).update(status=ScanStatus.INGESTING)
        scan_ingest(scan, result)
    assert Finding.objects.filter(scan=scan).count() == len(result.findings)
    assert FileMetric.objects.filter(scan=scan).count() == len(result.files)


def test_a_rescan_after_one_commit_fetches_only_that_commit_through_the_mirror(
    personas: Personas, git_repo_factory, settings, caplog: pytest.LogCaptureFixture
) -> None:  # type: ignore[no-untyped-def]
    source = git_repo_factory("svc", {"app/service.py": SERVICE, "app/__init__.py": ""})
    first = _scan_of(personas, source)
    assert scan_execute(first.pk) is Outcome.SUCCEEDED
    (source / "app/__init__.py").write_text("VERSION = 2\n")
    git(source, "commit", "--quiet", "-am", "bump")
    second = Scan.objects.create(repository=first.repository, branch="main")

    with caplog.at_level("INFO", logger="auditor.git.clone"):
        assert scan_execute(second.pk) is Outcome.SUCCEEDED

    # A commit, the root tree, app/ and the changed blob: not the repository again, and
    # written into the repository's kept checkout, not a new one.
    assert "through its mirror (4 objects fetched, kept checkout updated)" in caplog.text
    second.refresh_from_db()
    assert second.commit_sha == git(source, "rev-parse", "HEAD")
    assert FileMetric.objects.get(scan=second, path="app/__init__.py").lines == 1
    assert list(Path(settings.SCAN_MIRROR_DIR).glob("*.git"))
    [kept] = Path(settings.SCAN_MIRROR_DIR).glob("*.work")
    assert git(kept, "rev-parse", "HEAD") == second.commit_sha
    assert not any(Path(settings.AUDITOR_WORKSPACE_DIR).iterdir())  # per-scan workspaces removed


def test_with_mirrors_disabled_every_scan_clones_afresh(
    personas: Personas, git_repo_factory, settings, caplog: pytest.LogCaptureFixture
) -> None:  # type: ignore[no-untyped-def]
    settings.SCAN_MIRROR_DIR = ""
    source = git_repo_factory("svc", {"app/service.py": SERVICE})
    first = _scan_of(personas, source)
    with caplog.at_level("INFO", logger="auditor.git.clone"):
        assert scan_execute(first.pk) is Outcome.SUCCEEDED
        second = Scan.objects.create(repository=first.repository, branch="main")
        assert scan_execute(second.pk) is Outcome.SUCCEEDED
    assert "mirror" not in caplog.text


def test_a_missing_branch_fails_with_a_readable_reason(personas: Personas, git_repo_factory) -> None:  # type: ignore[no-untyped-def]
    scan = _scan_of(personas, git_repo_factory("svc", {"a.py": "x = 1\n"}), branch="does-not-exist")
    assert scan_execute(scan.pk) is Outcome.FAILED
    scan.refresh_from_db()
    assert scan.status == ScanStatus.FAILED
    assert scan.error_code.startswith("scan:user:")
    assert "does-not-exist" in scan.error_text
    assert not Finding.objects.filter(scan=scan).exists()


@pytest.mark.parametrize("url", ["ext::sh -c touch% /tmp/auditor-pwned", "file:///etc", "/etc"])
def test_a_refused_url_fails_before_git_runs(personas: Personas, repos_root: Path, url: str) -> None:
    scan = _scan_of(personas, url)
    assert scan_execute(scan.pk) is Outcome.FAILED
    scan.refresh_from_db()
    assert scan.error_code == "scan:user:clone-refused"
    assert not Path("/tmp/auditor-pwned").exists()


def test_the_workspace_is_removed_after_success_and_failure(
    personas: Personas,
    git_repo_factory,
    settings,  # type: ignore[no-untyped-def]
) -> None:
    ok = _scan_of(personas, git_repo_factory("svc", {"a.py": "x = 1\n"}))
    scan_execute(ok.pk)
    bad = Scan.objects.create(repository=ok.repository, branch="nope")
    scan_execute(bad.pk)
    assert list(Path(settings.AUDITOR_WORKSPACE_DIR).iterdir()) == []


def test_hostile_files_are_recorded_and_the_scan_succeeds(
    personas: Personas,
    git_repo_factory,
    tmp_path: Path,  # type: ignore[no-untyped-def]
) -> None:
    outside = tmp_path / "outside-secret.py"
    outside.write_text('API_TOKEN = "OUTSIDE-CHECKOUT-SECRET"\n')
    source = git_repo_factory(
        "svc",
        {
            "ok.py": "def f():\n    return 1\n",
            "broken.py": "def f(:\n    pass\n",
            "latin1.py": "s = '\xe9t\xe9'\n".encode("latin-1"),
            "blob.py": b"\x00\x01\x02binary\x00",
            "huge.py": "x = 1\n" * 400_000,
            # A NUL past the binary-detection window: PostgreSQL text refuses it.
            "nul.py": "x = 1\n" * 3000 + 'y = "\x00"\n',
        },
    )
    (source / "leak.py").symlink_to(outside)
    git(source, "add", "leak.py")
    git(source, "commit", "--quiet", "-m", "add a symlink")
    scan = _scan_of(personas, source)

    assert scan_execute(scan.pk) is Outcome.SUCCEEDED
    scan.refresh_from_db()
    warned = {(w["code"], w["path"]) for w in scan.warnings}
    assert ("file:undecodable", "latin1.py") in warned
    assert ("file:binary", "blob.py") in warned
    assert ("file:too-large", "huge.py") in warned
    assert any(path == "leak.py" for _, path in warned)
    assert Finding.objects.filter(scan=scan, path="broken.py", rule_id="E001").exists()
    nul_finding = Finding.objects.get(scan=scan, path="nul.py", rule_id="E001")
    assert "\x00" not in nul_finding.snippet + nul_finding.message
    assert FileMetric.objects.get(scan=scan, path="broken.py").parse_ok is False
    for snippet, message in Finding.objects.filter(scan=scan).values_list("snippet", "message"):
        assert "OUTSIDE-CHECKOUT-SECRET" not in snippet + message
    assert not FileMetric.objects.filter(scan=scan, path="leak.py").exists()


def test_a_transient_clone_failure_requeues_then_fails_on_the_last_attempt(
    personas: Personas,
    git_repo_factory,
    settings,  # type: ignore[no-untyped-def]
) -> None:
    settings.SCAN_CLONE_TIMEOUT = 0.000001
    scan = _scan_of(personas, git_repo_factory("svc", {"a.py": "x = 1\n"}))

    with pytest.raises(TransientScanError):
        scan_execute(scan.pk, final_attempt=False)
    scan.refresh_from_db()
    assert scan.status == ScanStatus.QUEUED

    assert scan_execute(scan.pk, final_attempt=True) is Outcome.FAILED
    scan.refresh_from_db()
    assert (scan.status, scan.error_code) == (ScanStatus.FAILED, "scan:system:clone-timeout")


def test_the_reaper_fails_scans_whose_worker_went_silent(personas: Personas, settings) -> None:  # type: ignore[no-untyped-def]
    repository = Repository.objects.create(team=personas.team, name="r", slug="r", clone_url="https://x/y")
    long_ago = timezone.now() - timedelta(seconds=settings.SCAN_HARD_TIME_LIMIT + 120)
    stale = Scan.objects.create(
        repository=repository, branch="main", status=ScanStatus.SCANNING, heartbeat_at=long_ago
    )
    fresh = Scan.objects.create(
        repository=repository, branch="main", status=ScanStatus.SCANNING, heartbeat_at=timezone.now()
    )
    assert scans_reap_stale() == 1
    stale.refresh_from_db()
    fresh.refresh_from_db()
    assert (stale.status, stale.error_code) == (ScanStatus.FAILED, WORKER_LOST)
    assert fresh.status == ScanStatus.SCANNING


def test_a_failure_after_ingestion_does_not_report_a_stored_scan_as_failed(
    personas: Personas,
    git_repo_factory,
    monkeypatch: pytest.MonkeyPatch,  # type: ignore[no-untyped-def]
) -> None:

    def broken(scan: Scan, checkout: Path) -> None:
        raise RuntimeError("blob storage down")

    monkeypatch.setattr(scan_pipeline, "scan_file_texts_store", broken)
    scan = _scan_of(personas, git_repo_factory("svc", {"app/service.py": SERVICE}))

    assert scan_execute(scan.pk) is Outcome.SUCCEEDED
    scan.refresh_from_db()
    assert scan.status == ScanStatus.SUCCEEDED
    assert Finding.objects.filter(scan=scan).exists()
