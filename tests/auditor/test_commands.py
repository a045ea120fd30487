"""Management commands: add_repo, scan, createdemo."""

from __future__ import annotations

from io import StringIO
from pathlib import Path

import pytest
from django.contrib.auth import authenticate
from django.core.management import CommandError, call_command
from django.test import RequestFactory

from auditor.models import Membership, Repository, Role, Scan, ScanStatus

pytestmark = pytest.mark.django_db


def _call(*args: str) -> str:
    out = StringIO()
    call_command(*args, stdout=out)
    return out.getvalue()


def test_add_repo_registers_a_repository_and_creates_the_team(repos_root: Path, git_repo_factory) -> None:  # type: ignore[no-untyped-def]
    source = git_repo_factory("svc", {"a.py": "x = 1\n"})
    output = _call("add_repo", "svc", str(source), "--team", "Payments", "--branch", "main")
    repository = Repository.objects.select_related("team").get()
    assert (repository.name, repository.team.name, repository.clone_url) == ("svc", "Payments", str(source))
    assert f"Registered svc (id {repository.pk}, branch main) for team Payments." in output


def test_add_repo_reads_the_default_branch_from_the_remote(repos_root: Path, git_repo_factory) -> None:  # type: ignore[no-untyped-def]
    # Before: --branch defaulted to main, and the first scan of a `master` repository
    # failed with "branch does not exist".
    source = git_repo_factory("legacy", {"a.py": "x = 1\n"}, branch="master")
    output = _call("add_repo", "legacy", str(source))
    repository = Repository.objects.get()
    assert repository.default_branch == "master"
    assert "branch master" in output


def test_add_repo_of_an_unreachable_repository_says_why(repos_root: Path) -> None:
    with pytest.raises(CommandError, match="does not exist or is not reachable"):
        _call("add_repo", "ghost", str(repos_root / "missing"))
    assert not Repository.objects.exists()


@pytest.mark.parametrize(
    ("url", "message"),
    [
        ("ext::sh -c touch% /tmp/pwned", "remote-helper URLs (such as ext::) are not allowed"),
        ("http://example.com/repo.git", "plain http:// is not allowed; use https://"),
        ("/etc", "the local path is outside the allowed local repository roots"),
    ],
)
def test_add_repo_refuses_unsafe_urls_with_a_clear_error(repos_root: Path, url: str, message: str) -> None:
    with pytest.raises(CommandError) as error:
        _call("add_repo", "bad", url)
    assert message in str(error.value)
    assert not Repository.objects.exists()


def test_add_repo_refuses_a_duplicate_name(repos_root: Path, git_repo_factory) -> None:  # type: ignore[no-untyped-def]
    source = git_repo_factory("svc", {"a.py": "x = 1\n"})
    _call("add_repo", "svc", str(source))
    with pytest.raises(CommandError, match="already has a repository called 'svc'"):
        _call("add_repo", "svc", str(source))


def test_scan_queues_a_scan_like_the_ui(repos_root: Path, git_repo_factory) -> None:  # type: ignore[no-untyped-def]
    _call("add_repo", "svc", str(git_repo_factory("svc", {"a.py": "x = 1\n"})))
    output = _call("scan", "svc")
    scan = Scan.objects.get()
    assert (scan.status, scan.trigger, scan.branch) == (ScanStatus.QUEUED, "cli", "main")
    assert f"Queued scan #{scan.pk} of svc (main)." in output


def test_scan_of_an_unknown_repository_is_an_error() -> None:
    with pytest.raises(CommandError, match="No repository called 'nope'"):
        _call("scan", "nope")


@pytest.mark.parametrize("command", ["export", "gate"])
def test_commands_naming_an_unknown_scan_say_which(command: str) -> None:
    with pytest.raises(CommandError, match=r"^No scan #999999\.$"):
        call_command(command, "999999", stdout=StringIO())


def test_createdemo_builds_the_demo_and_queues_one_scan(repos_root: Path, settings) -> None:  # type: ignore[no-untyped-def]
    settings.DATABASE_URL = ""
    first = _call("createdemo")
    second = _call("createdemo")
    repository = Repository.objects.get()
    assert repository.name == "demo-service"
    assert Path(repository.clone_url).parent == repos_root
    assert (Path(repository.clone_url) / ".git").is_dir()
    assert Scan.objects.filter(repository=repository).count() == 1
    assert "Queued its first scan" in first
    assert "Queued its first scan" not in second
    user = authenticate(RequestFactory().post("/accounts/login/"), username="demo", password="demo")
    assert user is not None
    assert Membership.objects.get(user=user).role == Role.ADMIN


def test_createdemo_refuses_on_a_server_database(repos_root: Path, settings) -> None:  # type: ignore[no-untyped-def]
    settings.DATABASE_URL = "postgres://u@db/x"
    with pytest.raises(CommandError, match="only created in the embedded default"):
        _call("createdemo")
    assert not Repository.objects.exists()
