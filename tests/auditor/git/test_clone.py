"""Cloning hostile repositories: real git, real repositories built in tmp_path (success, hooks, failures)."""

from __future__ import annotations

import os
import socket
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from auditor.git import (
    AUTH_FAILED,
    BRANCH_NOT_FOUND,
    CLONE_TIMEOUT,
    COMMIT_NOT_FOUND,
    NETWORK_ERROR,
    REPO_NOT_FOUND,
    REPO_TOO_LARGE,
    CloneError,
    clone_repository,
    scrub_credentials,
)
from tests.auditor.git.conftest import clone, make_repo, run_git

# --------------------------------------------------------------------------- success


def test_it_clones_a_local_repository_shallow_without_tags(source: Path, dest: Path, root: Path) -> None:
    result = clone(source, dest, root)

    assert result.path == dest
    assert result.branch == "main"
    assert result.commit_sha == run_git("rev-parse", "HEAD", cwd=source)
    assert result.commit_message == "commit 2"
    assert result.author_name == "Fixture Author"
    assert result.committed_at.isoformat() == "2024-01-02T03:04:05+00:00"
    assert result.size_bytes > 0
    assert (dest / "README.md").read_text() == "first\n"
    assert (dest / "app/main.py").read_text() == "print('v2')\n"
    assert run_git("rev-list", "--count", "HEAD", cwd=dest) == "1"
    assert run_git("tag", "--list", cwd=dest) == ""
    assert not (dest / ".git/hooks").exists()


def test_it_accepts_a_file_url_under_an_allowed_root(source: Path, dest: Path, root: Path) -> None:
    result = clone(f"file://{source}", dest, root)

    assert result.commit_sha == run_git("rev-parse", "HEAD", cwd=source)


def test_it_keeps_full_history_when_depth_is_none(source: Path, dest: Path, root: Path) -> None:
    clone(source, dest, root, depth=None)

    assert run_git("rev-list", "--count", "HEAD", cwd=dest) == "2"


def test_it_checks_out_a_given_commit(source: Path, dest: Path, root: Path) -> None:
    first = run_git("rev-parse", "HEAD~1", cwd=source)

    result = clone(source, dest, root, commit=first)

    assert result.commit_sha == first
    assert result.commit_message == "commit 1"
    assert (dest / "app/main.py").read_text() == "print('v1')\n"
    assert run_git("rev-list", "--count", "HEAD", cwd=dest) == "1"
    assert str(source) not in (dest / ".git/config").read_text()


def test_it_fails_clearly_for_a_commit_the_server_does_not_have(source: Path, dest: Path, root: Path) -> None:
    with pytest.raises(CloneError) as caught:
        clone(source, dest, root, commit="0" * 40)

    assert caught.value.code == COMMIT_NOT_FOUND
    assert not caught.value.transient
    assert not dest.exists()


# --------------------------------------------------------------------------- hooks


def _hook(path: Path, marker: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(f'#!/bin/sh\necho "$0" >> "{marker}"\n')
    path.chmod(0o755)


@pytest.mark.parametrize(
    "vector",
    ["GIT_TEMPLATE_DIR", "init.templateDir", "core.hooksPath", "GIT_CONFIG_COUNT", "GIT_CONFIG_PARAMETERS"],
)
def test_it_runs_no_hook_from_the_environment_config_or_source(
    vector: str, source: Path, dest: Path, root: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    marker = tmp_path / "hook-ran"
    evil = tmp_path / "evil"
    _hook(evil / "template/hooks/post-checkout", marker)
    _hook(evil / "hooks/post-checkout", marker)
    # The source repository's own hooks and hooksPath must not matter either.
    _hook(source / ".git/hooks/post-checkout", marker)
    run_git("config", "core.hooksPath", str(evil / "hooks"), cwd=source)
    global_config = evil / "gitconfig"
    vectors = {
        "GIT_TEMPLATE_DIR": {"GIT_TEMPLATE_DIR": str(evil / "template")},
        "init.templateDir": {"GIT_CONFIG_GLOBAL": str(global_config)},
        "core.hooksPath": {"GIT_CONFIG_GLOBAL": str(global_config)},
        "GIT_CONFIG_COUNT": {
            "GIT_CONFIG_COUNT": "1",
            "GIT_CONFIG_KEY_0": "core.hooksPath",
            "GIT_CONFIG_VALUE_0": str(evil / "hooks"),
        },
        "GIT_CONFIG_PARAMETERS": {"GIT_CONFIG_PARAMETERS": f"'core.hooksPath'='{evil / 'hooks'}'"},
    }
    section = {"init.templateDir": f"[init]\n\ttemplateDir = {evil / 'template'}\n"}
    global_config.write_text(section.get(vector, f"[core]\n\thooksPath = {evil / 'hooks'}\n"))
    for name, value in {"GIT_CONFIG_GLOBAL": os.devnull, **vectors[vector]}.items():
        monkeypatch.setenv(name, value)

    # Control: a plain clone in this environment does run the planted hook.
    subprocess.run(["git", "clone", "--quiet", "--", str(source), str(tmp_path / "control")], check=True)
    assert marker.exists(), f"the {vector} attack is not live, so the test would prove nothing"
    marker.unlink()

    clone(source, dest, root)

    assert (dest / "README.md").exists()
    assert not marker.exists()


def test_it_does_not_clone_submodules(root: Path, dest: Path) -> None:
    library = make_repo(root / "library", [{"lib.py": "SECRET = 1\n"}])
    app = make_repo(root / "app", [{"main.py": "import lib\n"}])
    run_git(
        "-c", "protocol.file.allow=always", "submodule", "add", "--quiet", str(library), "vendor/lib", cwd=app
    )
    run_git("commit", "--quiet", "-m", "add submodule", cwd=app)

    clone(app, dest, root)

    assert (dest / ".gitmodules").exists()
    assert (dest / "vendor/lib").is_dir()
    assert list((dest / "vendor/lib").iterdir()) == []
    assert not (dest / ".git/modules").exists()


# --------------------------------------------------------------------------- failures


def test_a_missing_repository_is_a_user_error(root: Path, dest: Path) -> None:
    with pytest.raises(CloneError) as caught:
        clone(root / "does-not-exist", dest, root)

    assert caught.value.code == REPO_NOT_FOUND
    assert caught.value.code.startswith("scan:user:")
    assert not caught.value.transient
    assert not dest.exists()


def test_a_missing_branch_is_a_user_error(source: Path, dest: Path, root: Path) -> None:
    with pytest.raises(CloneError) as caught:
        clone_repository(str(source), "no-such-branch", dest, local_roots=[root])

    assert caught.value.code == BRANCH_NOT_FOUND
    assert not caught.value.transient
    assert "no-such-branch" in caught.value.message
    assert not dest.exists()


@pytest.fixture
def stalled_server() -> Iterator[int]:
    """A TCP port that accepts connections (in the kernel backlog) and never answers."""
    with socket.socket() as server:
        server.bind(("127.0.0.1", 0))
        server.listen(8)
        yield server.getsockname()[1]


def test_a_stalled_server_times_out_as_a_transient_error(stalled_server: int, dest: Path, root: Path) -> None:
    started = time.monotonic()

    with pytest.raises(CloneError) as caught:
        clone(f"git://127.0.0.1:{stalled_server}/repo.git", dest, root, timeout_seconds=1)

    assert time.monotonic() - started < 10
    assert caught.value.code == CLONE_TIMEOUT
    assert caught.value.transient
    assert not dest.exists()


def test_a_timeout_kills_the_whole_process_group(tmp_path: Path, dest: Path, root: Path) -> None:
    pid_file = tmp_path / "child.pid"
    fake_git = tmp_path / "fake-git"
    fake_git.write_text(f'#!/bin/sh\nsleep 60 &\necho $! > "{pid_file}"\nwait\n')
    fake_git.chmod(0o755)

    with pytest.raises(CloneError) as caught:
        clone("https://example.com/r.git", dest, root, timeout_seconds=1, git_executable=str(fake_git))

    assert caught.value.code == CLONE_TIMEOUT
    child = int(pid_file.read_text())
    for _ in range(50):
        status = Path(f"/proc/{child}/status")
        if not status.exists() or "\nState:\tZ" in status.read_text():
            break
        time.sleep(0.05)
    else:
        pytest.fail("the grandchild of git survived the timeout")


def test_an_unreachable_server_is_a_transient_error(dest: Path, root: Path) -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]  # closed again before git connects: refused

    with pytest.raises(CloneError) as caught:
        clone(f"https://user:s3cr3t-t0ken@127.0.0.1:{port}/repo.git", dest, root)

    assert caught.value.code == NETWORK_ERROR
    assert caught.value.transient
    assert "s3cr3t-t0ken" not in str(caught.value)


def test_credentials_in_git_errors_are_scrubbed(tmp_path: Path, dest: Path, root: Path) -> None:
    fake_git = tmp_path / "fake-git"
    # Echo every argument back, as a careless git or helper would, and fail.
    fake_git.write_text(
        '#!/bin/sh\nfor a in "$@"; do echo "fatal: unable to access \'$a\'" >&2; done\nexit 128\n'
    )
    fake_git.chmod(0o755)
    url = "https://alice:ghp_abcdef0123456789@github.com/org/repo.git"

    with pytest.raises(CloneError) as caught:
        clone(url, dest, root, git_executable=str(fake_git))

    assert "ghp_abcdef0123456789" not in str(caught.value)
    assert "alice" not in str(caught.value)
    assert "https://***@github.com/org/repo.git" in str(caught.value)


def test_it_reports_authentication_failures_as_user_errors(tmp_path: Path, dest: Path, root: Path) -> None:
    fake_git = tmp_path / "fake-git"
    fake_git.write_text(
        "#!/bin/sh\necho \"fatal: could not read Username for 'https://github.com': "
        'terminal prompts disabled" >&2\nexit 128\n'
    )
    fake_git.chmod(0o755)

    with pytest.raises(CloneError) as caught:
        clone("https://github.com/org/private.git", dest, root, git_executable=str(fake_git))

    assert caught.value.code == AUTH_FAILED
    assert not caught.value.transient


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("fatal: unable to access 'https://bob:tok@host/x'", "fatal: unable to access 'https://***@host/x'"),
        ("https://tok@host/x and https://a:b@c:8443/y", "https://***@host/x and https://***@c:8443/y"),
        ("https://u:p@ss@host/x", "https://***@host/x"),
        ("https://host/x?access_token=abc&b=1", "https://host/x?access_token=***&b=1"),
        ("https://host/path@v1", "https://host/path@v1"),
        ("git@github.com:org/repo.git", "git@github.com:org/repo.git"),
    ],
)
def test_scrub_credentials(text: str, expected: str) -> None:
    assert scrub_credentials(text) == expected


def test_scrub_credentials_masks_a_bare_password_from_the_url() -> None:
    text = "remote: invalid token p%40ss / p@ss"

    assert scrub_credentials(text, "https://user:p%40ss@host/repo") == "remote: invalid token *** / ***"


def test_a_repository_over_the_size_cap_is_refused_and_removed(root: Path, dest: Path) -> None:
    big = make_repo(root / "big", [{"blob.bin": os.urandom(2_000_000)}])

    with pytest.raises(CloneError) as caught:
        clone(big, dest, root, max_bytes=500_000)

    assert caught.value.code == REPO_TOO_LARGE
    assert caught.value.code.startswith("scan:user:")
    assert not caught.value.transient
    assert not dest.exists()


def test_it_refuses_a_destination_that_is_not_empty(source: Path, dest: Path, root: Path) -> None:
    dest.mkdir(parents=True)
    (dest / "keep.txt").write_text("x")

    with pytest.raises(ValueError, match="empty directory"):
        clone(source, dest, root)

    assert (dest / "keep.txt").exists()
