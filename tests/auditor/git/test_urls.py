"""Which URLs, paths and refs may reach git at all."""

from __future__ import annotations

from pathlib import Path

import pytest

from auditor import git as auditor_git
from auditor.git import (
    CLONE_REFUSED,
    INVALID_REF,
    CloneError,
    clone_repository,
    validate_clone_url,
)
from tests.auditor.git.conftest import clone, make_repo

# --------------------------------------------------------------------------- refused URLs


@pytest.mark.parametrize(
    ("url", "reason"),
    [
        ("", "empty"),
        ("-uhello", "starts with '-'"),
        ("--upload-pack=touch /tmp/x", "starts with '-'"),
        ("ext::sh -c touch% /tmp/pwned", "remote-helper"),
        ("fd::3", "remote-helper"),
        ("http://example.com/repo.git", "use https://"),
        ("ftp://example.com/repo.git", "not supported"),
        ("https://example.com/repo\n.git", "control characters"),
        ("https://example.com/re\x00po.git", "control characters"),
        ("https://exa mple.com/repo.git", "whitespace"),
        ("ssh://-oProxyCommand=touch%20x/repo", "host"),
        ("ssh://-user@example.com/repo", "user name"),
        ("https:///repo.git", "host"),
        ("relative/path", "not a recognised"),
        ("file://otherhost/srv/repo", "local path"),
    ],
)
def test_it_refuses_dangerous_or_unsupported_urls(url: str, reason: str, root: Path) -> None:
    with pytest.raises(CloneError) as caught:
        validate_clone_url(url, [root])

    assert caught.value.code == CLONE_REFUSED
    assert not caught.value.transient
    assert reason in caught.value.message


@pytest.mark.parametrize(
    "url",
    [
        "https://github.com/org/repo.git",
        "https://user:token@gitlab.example.com:8443/group/repo.git",
        "ssh://git@github.com/org/repo.git",
        "ssh://git@[::1]:2222/repo.git",
        "git://example.org/repo.git",
        "git@github.com:org/repo.git",
        "example.org:repo.git",
    ],
)
def test_it_accepts_network_urls(url: str, root: Path) -> None:
    validate_clone_url(url, [root])


def test_it_refuses_the_ext_transport_and_runs_nothing(tmp_path: Path, dest: Path, root: Path) -> None:
    marker = tmp_path / "pwned"

    with pytest.raises(CloneError) as caught:
        clone(f"ext::sh -c touch% {marker}", dest, root)

    assert caught.value.code == CLONE_REFUSED
    assert not marker.exists()
    assert not dest.exists()


def test_git_refuses_other_transports_even_if_validation_were_bypassed(
    tmp_path: Path, dest: Path, root: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    marker = tmp_path / "pwned"
    url = f"ext::sh -c touch% {marker}"
    monkeypatch.setattr(
        auditor_git.clone,
        "checked_url",
        lambda *_: auditor_git.urls.ValidatedUrl(git_url=url, protocol="https"),
    )

    with pytest.raises(CloneError) as caught:
        clone(url, dest, root)

    assert "not allowed" in caught.value.message
    assert not marker.exists()
    assert not dest.exists()


def test_it_refuses_a_file_url_outside_the_allowed_roots(tmp_path: Path, dest: Path, root: Path) -> None:
    outside = make_repo(tmp_path / "outside", [{"secret.txt": "x\n"}])

    for url in (f"file://{outside}", str(outside), f"{root}/../outside"):
        with pytest.raises(CloneError) as caught:
            clone(url, dest, root)
        assert caught.value.code == CLONE_REFUSED
        assert "outside the allowed local repository roots" in caught.value.message
    assert not dest.exists()


def test_it_judges_a_symlink_by_where_it_points(tmp_path: Path, dest: Path, root: Path) -> None:
    outside = make_repo(tmp_path / "outside", [{"secret.txt": "x\n"}])
    (root / "link").symlink_to(outside)

    with pytest.raises(CloneError) as caught:
        clone(root / "link", dest, root)

    assert caught.value.code == CLONE_REFUSED


def test_it_refuses_local_paths_when_no_root_is_configured(source: Path) -> None:
    with pytest.raises(CloneError, match="AUDITOR_LOCAL_REPO_ROOTS"):
        validate_clone_url(str(source), [])


@pytest.mark.parametrize("branch", ["-x", "a..b", "a b", "", "refs/heads/x~1", "x.lock"])
def test_it_refuses_invalid_branch_names(branch: str, source: Path, dest: Path, root: Path) -> None:
    with pytest.raises(CloneError) as caught:
        clone_repository(str(source), branch, dest, local_roots=[root])

    assert caught.value.code == INVALID_REF


def test_it_refuses_an_abbreviated_commit(source: Path, dest: Path, root: Path) -> None:
    with pytest.raises(CloneError) as caught:
        clone(source, dest, root, commit="abc123")

    assert caught.value.code == INVALID_REF
