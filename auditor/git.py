"""Safe cloning of untrusted git repositories.

Everything a scan checks out comes from a user, so every repository is treated as
hostile: its URL may try to make git run a command (``ext::``), smuggle an option
(``-u…``) or read a file on the worker (``file://``); its content may be huge or
slow to serve. This module validates the URL, runs git with an isolated
configuration and environment, and enforces a time limit and a size cap.

It has no Django imports: settings such as ``AUDITOR_LOCAL_REPO_ROOTS`` are parsed
by the caller and passed in, so the module is testable on its own.
"""

from __future__ import annotations

import contextlib
import logging
import os
import re
import shutil
import signal
import stat
import subprocess
import tempfile
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import IO, Any
from urllib.parse import unquote, urlsplit

logger = logging.getLogger(__name__)

DEFAULT_TIMEOUT_SECONDS = 300
DEFAULT_MAX_BYTES = 1024**3  # 1 GiB on disk: pack + working tree
DEFAULT_DEPTH = 1

# Error ids. The user-facing text for each lives here, in one place; ``transient``
# errors are the only ones the Celery task may retry.
CLONE_REFUSED = "scan:user:clone-refused"
INVALID_REF = "scan:user:invalid-ref"
REPO_NOT_FOUND = "scan:user:repo-not-found"
BRANCH_NOT_FOUND = "scan:user:branch-not-found"
COMMIT_NOT_FOUND = "scan:user:commit-not-found"
AUTH_FAILED = "scan:user:auth-failed"
REPO_TOO_LARGE = "scan:user:repo-too-large"
CLONE_FAILED = "scan:user:clone-failed"
CLONE_TIMEOUT = "scan:system:clone-timeout"
NETWORK_ERROR = "scan:system:network"
GIT_UNAVAILABLE = "scan:system:git-unavailable"

ERROR_MESSAGES: dict[str, str] = {
    CLONE_REFUSED: "This repository URL is not allowed",
    INVALID_REF: "The branch or commit name is not valid",
    REPO_NOT_FOUND: "The repository does not exist or is not reachable with the configured access",
    BRANCH_NOT_FOUND: "The branch does not exist in the repository",
    COMMIT_NOT_FOUND: "The commit could not be fetched (it does not exist, or the server "
    "does not allow fetching a commit by its id)",
    AUTH_FAILED: "The git server refused the credentials (or none were given)",
    REPO_TOO_LARGE: "The repository is larger than the configured size limit",
    CLONE_FAILED: "git could not clone the repository",
    CLONE_TIMEOUT: "Cloning the repository took longer than the time limit",
    NETWORK_ERROR: "The git server could not be reached",
    GIT_UNAVAILABLE: "git is not installed or could not be started on the worker",
}

TRANSIENT_CODES = frozenset({CLONE_TIMEOUT, NETWORK_ERROR})


class CloneError(Exception):
    """A clone that failed or was refused.

    ``code`` is a namespaced id (``scan:user:…`` for the user's fault,
    ``scan:system:…`` for ours), ``message`` is user-readable and already scrubbed of
    credentials, ``transient`` says whether retrying may help.
    """

    def __init__(self, code: str, detail: str = "") -> None:
        self.code = code
        self.detail = detail
        self.transient = code in TRANSIENT_CODES
        base = ERROR_MESSAGES[code]
        self.message = f"{base}: {detail}" if detail else f"{base}."
        super().__init__(self.message)


@dataclass(frozen=True)
class CloneResult:
    """A checkout on disk, at ``commit_sha``, with what the scan records about it."""

    path: Path
    branch: str
    commit_sha: str
    commit_message: str
    author_name: str
    committed_at: datetime
    size_bytes: int


# --------------------------------------------------------------------------- URLs

_CONTROL_OR_SPACE = re.compile(r"[\x00-\x20\x7f]")
# git treats "<transport>::<address>" as "run git-remote-<transport>": ext:: runs a
# shell command, fd:: talks to file descriptors. Never acceptable from a user.
_REMOTE_HELPER = re.compile(r"^[A-Za-z0-9+.-]+::")
_SCHEME = re.compile(r"^([A-Za-z][A-Za-z0-9+.-]*)://")
_HOST = re.compile(r"^(?:[A-Za-z0-9](?:[A-Za-z0-9.-]*[A-Za-z0-9])?|\[[0-9A-Fa-f:.]+\])$")
_SCP_LIKE = re.compile(r"^(?:(?P<user>[A-Za-z0-9._~+-]+)@)?(?P<host>\[[^\]/]+\]|[^@/:\[\]]+):(?P<path>.+)$")
_NETWORK_PROTOCOLS = {"https": "https", "ssh": "ssh", "git": "git"}


@dataclass(frozen=True)
class _ValidatedUrl:
    """What git is given: the URL (or resolved local path) and its one allowed protocol."""

    git_url: str
    protocol: str  # the name git uses in protocol.<name>.allow


def validate_clone_url(url: str, local_roots: Sequence[Path]) -> None:
    """Raise ``CloneError(scan:user:clone-refused)`` unless ``url`` may be cloned.

    Allowed: ``https://``, ``ssh://``, ``git://`` and scp-like ``user@host:path``.
    Local repositories (``file://`` URLs and absolute paths) only when the resolved
    path lies under one of ``local_roots`` (``AUDITOR_LOCAL_REPO_ROOTS``).
    Refused: ``http://`` (it would send any credentials in the URL in clear text,
    and every forge that serves http also serves https), remote-helper syntax
    (``ext::…``, ``fd::…``), other schemes, anything starting with ``-``, and
    anything containing whitespace or control characters.
    """
    _check_url(url, local_roots)


def _check_url(url: str, local_roots: Sequence[Path]) -> _ValidatedUrl:
    if not isinstance(url, str) or not url:
        raise CloneError(CLONE_REFUSED, "the URL is empty")
    if url.startswith("-"):
        raise CloneError(CLONE_REFUSED, "the URL starts with '-' (it would be read as a git option)")
    if _REMOTE_HELPER.match(url):
        raise CloneError(CLONE_REFUSED, "'<transport>::' remote-helper URLs (such as ext::) are not allowed")
    if _CONTROL_OR_SPACE.search(url):
        raise CloneError(CLONE_REFUSED, "the URL contains whitespace or control characters")

    scheme_match = _SCHEME.match(url)
    if scheme_match:
        scheme = scheme_match.group(1).lower()
        if scheme == "file":
            return _check_file_url(url, local_roots)
        if scheme == "http":
            raise CloneError(CLONE_REFUSED, "plain http:// is not allowed; use https://")
        if scheme not in _NETWORK_PROTOCOLS:
            raise CloneError(CLONE_REFUSED, f"the scheme '{scheme}://' is not supported")
        try:
            parts = urlsplit(url)
            parts.port  # noqa: B018 - evaluated to reject a malformed port
        except ValueError as exc:
            raise CloneError(CLONE_REFUSED, "the URL is malformed") from exc
        host = parts.netloc.rpartition("@")[2]
        if parts.port is not None:
            host = host.rsplit(":", 1)[0]
        if not host or not _HOST.match(host):
            raise CloneError(CLONE_REFUSED, "the URL has no valid host name")
        if parts.username is not None and parts.username.startswith("-"):
            raise CloneError(CLONE_REFUSED, "the user name starts with '-'")
        return _ValidatedUrl(git_url=url, protocol=_NETWORK_PROTOCOLS[scheme])

    if url.startswith("/"):
        return _check_local_path(url, local_roots)

    scp = _SCP_LIKE.match(url)
    if scp:
        user, host = scp.group("user"), scp.group("host")
        if (user is not None and user.startswith("-")) or not _HOST.match(host):
            raise CloneError(CLONE_REFUSED, "the host or user name is not valid")
        return _ValidatedUrl(git_url=url, protocol="ssh")

    raise CloneError(
        CLONE_REFUSED,
        "not a recognised repository URL (use https://, ssh://, git://, user@host:path, "
        "or an absolute path under an allowed local root)",
    )


def _check_file_url(url: str, local_roots: Sequence[Path]) -> _ValidatedUrl:
    parts = urlsplit(url)
    if parts.netloc not in ("", "localhost") or parts.query or parts.fragment:
        raise CloneError(CLONE_REFUSED, "file:// URLs must name a local path and nothing else")
    return _check_local_path(unquote(parts.path), local_roots)


def _check_local_path(raw_path: str, local_roots: Sequence[Path]) -> _ValidatedUrl:
    if not local_roots:
        raise CloneError(
            CLONE_REFUSED, "local repositories are disabled (AUDITOR_LOCAL_REPO_ROOTS is not set)"
        )
    # resolve() follows symlinks, so a link under a root that points elsewhere is
    # judged by where it points. git is given the resolved path, not the original.
    resolved = Path(raw_path).resolve()
    for root in local_roots:
        if resolved.is_relative_to(Path(root).resolve()):
            return _ValidatedUrl(git_url=str(resolved), protocol="file")
    raise CloneError(CLONE_REFUSED, "the local path is outside the allowed local repository roots")


def scrub_credentials(text: str, url: str | None = None) -> str:
    """Remove credentials from ``text``: ``scheme://user:token@host`` → ``scheme://***@host``.

    Also masks ``?access_token=…``-style query values and, when ``url`` is given,
    any bare occurrence of its password (or of a token used as the user name).
    """
    for secret in _url_secrets(url):
        text = text.replace(secret, "***")
    text = re.sub(r"\b([A-Za-z][A-Za-z0-9+.-]*://)[^/\s@]*(?:@[^/\s@]*)*@", r"\1***@", text)
    return re.sub(
        r"([?&](?:access_token|private_token|token|password|key)=)[^&\s'\"]+", r"\1***", text, flags=re.I
    )


def _url_secrets(url: str | None) -> set[str]:
    if not url or "://" not in url:
        return set()
    try:
        parts = urlsplit(url)
        username, password = parts.username, parts.password
    except ValueError:
        return set()
    secrets = {password} if password else set()
    if username and not password and len(username) >= 16:  # a token used as the user name
        secrets.add(username)
    # Both as typed and percent-decoded: git may print either.
    return {s for secret in secrets for s in (secret, unquote(secret)) if s}


def _check_ref(branch: str, commit: str | None) -> None:
    # Mirrors git check-ref-format for a branch name; the leading '-' check also
    # stops option injection, although every ref is passed after its option anyway.
    bad = (
        not branch
        or branch.startswith(("-", "/", "."))
        or branch.endswith(("/", ".", ".lock"))
        or _CONTROL_OR_SPACE.search(branch)
        or re.search(r"[~^:?*\[\\]|\.\.|@\{|//|/\.", branch)
        or branch == "@"
    )
    if bad:
        raise CloneError(INVALID_REF, f"{branch!r} is not a valid branch name")
    if commit is not None and not re.fullmatch(r"[0-9a-f]{40}|[0-9a-f]{64}", commit):
        raise CloneError(INVALID_REF, "a commit must be given as its full lower-case hexadecimal id")


# --------------------------------------------------------------------------- git


def _git_config(protocol: str) -> list[str]:
    """``-c`` options given to every git command we run.

    Deliberately not set: ``transfer.fsckObjects`` (it rejects many real-world
    repositories over cosmetic object defects, and checkout itself already refuses
    dangerous paths such as ``.git/`` or ``../``).
    """
    return [
        # No hook runs, wherever it comes from (a template, an inherited
        # core.hooksPath, a hook in the local source): post-checkout runs on clone.
        "-c", "core.hooksPath=/dev/null",
        # An fsmonitor setting names a command that git runs on checkout/status.
        "-c", "core.fsmonitor=false",
        # Check symlinks out as links, whatever git would probe on this filesystem:
        # the engine lstat()s and never follows them out of the checkout.
        "-c", "core.symlinks=true",
        # Deny every transport by default…
        "-c", "protocol.allow=never",
        # …and allow only the one the URL was validated for. This also covers
        # redirects (https → http or file) and any transport a helper would chain to.
        "-c", f"protocol.{protocol}.allow=always",
        # Submodules would fetch further URLs we never validated.
        "-c", "submodule.recurse=false",
        # Keep stderr to the point, it is shown to the user on failure: no advice
        # after a detached checkout (commit path)…
        "-c", "advice.detachedHead=false",
        # …and no hint about the default branch name from git init (commit path).
        "-c", "init.defaultBranch=main",
    ]  # fmt: skip


_PASSTHROUGH_ENV = (
    # Corporate proxies and private certificate authorities must keep working.
    "http_proxy", "https_proxy", "no_proxy", "all_proxy",
    "HTTP_PROXY", "HTTPS_PROXY", "NO_PROXY", "ALL_PROXY",
    "SSL_CERT_FILE", "SSL_CERT_DIR", "GIT_SSL_CAINFO",
    # Deploy keys held by the worker's ssh-agent.
    "SSH_AUTH_SOCK",
)  # fmt: skip


def _git_env(home: Path, protocol: str) -> dict[str, str]:
    """A fresh environment: nothing else of the worker's reaches git.

    Built from scratch so that GIT_DIR, GIT_TEMPLATE_DIR, GIT_CONFIG_PARAMETERS,
    GIT_CONFIG_COUNT/KEY/VALUE, GIT_SSH_COMMAND, GIT_ASKPASS, SSH_ASKPASS, DISPLAY or
    GIT_EXEC_PATH set around the worker cannot change what git does.
    """
    env = {name: os.environ[name] for name in _PASSTHROUGH_ENV if name in os.environ}
    env.update(
        {
            # To find git and ssh.
            "PATH": os.environ.get("PATH", os.defpath),
            # An empty home: the worker user's ~/.gitconfig, ~/.git-credentials and
            # ~/.config/git/* (attributes, ignore) are not read. (OpenSSH takes ~/.ssh
            # from the passwd entry, not $HOME, so the operator's keys still work.)
            "HOME": str(home),
            "XDG_CONFIG_HOME": str(home),
            # No system-wide config (/etc/gitconfig): it may set hooks, helpers, filters.
            "GIT_CONFIG_NOSYSTEM": "1",
            "GIT_CONFIG_SYSTEM": os.devnull,
            # No global config even if HOME were ignored (git ≥ 2.32).
            "GIT_CONFIG_GLOBAL": os.devnull,
            # Never wait for a user name or password on a terminal; fail at once.
            # GIT_ASKPASS is deliberately unset (not /bin/true): with no askpass and
            # no prompt git says "terminal prompts disabled", which we report as an
            # authentication failure instead of a confusing empty-credential 401.
            "GIT_TERMINAL_PROMPT": "0",
            # ssh must not prompt for a passphrase, password or unknown host key either.
            "GIT_SSH_COMMAND": "ssh -o BatchMode=yes -o ConnectTimeout=30",
            # Transports with the "user" policy count as not user-initiated.
            "GIT_PROTOCOL_FROM_USER": "0",
            # The allow-list again, in the form that overrides every config file.
            "GIT_ALLOW_PROTOCOL": protocol,
            # If git-lfs were configured anyway, do not download LFS objects.
            "GIT_LFS_SKIP_SMUDGE": "1",
            # English messages: errors are classified by matching git's stderr.
            "LC_ALL": "C",
            "LANG": "C",
        }
    )
    return env


@dataclass(frozen=True)
class _Run:
    returncode: int
    stdout: str
    stderr: str


_STDERR_TAIL = 4000
_STDOUT_LIMIT = 64 * 1024


def _run_git(
    args: Sequence[str],
    *,
    git: str,
    env: dict[str, str],
    deadline: float,
    cwd: Path | None = None,
    watch: Path | None = None,
    max_bytes: int | None = None,
) -> _Run:
    """Run git with a deadline; kill its whole process group on timeout or size cap.

    Output goes to temporary files, not pipes, so a chatty server can neither fill a
    pipe and stall git nor make us hold unbounded output in memory.
    """
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        try:
            proc = subprocess.Popen(
                [git, *args],
                cwd=cwd,
                env=env,
                stdin=subprocess.DEVNULL,
                stdout=out,
                stderr=err,
                # Own process group, so that ssh, git-remote-https and upload-pack
                # children are killed with git.
                start_new_session=True,
            )
        except OSError as exc:
            raise CloneError(GIT_UNAVAILABLE, str(exc)) from exc
        interval = 0.05
        try:
            while True:
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    raise CloneError(CLONE_TIMEOUT)
                try:
                    proc.wait(timeout=min(interval, remaining))
                    break
                except subprocess.TimeoutExpired:
                    pass
                interval = min(interval * 2, 0.5)
                if watch is not None and max_bytes is not None:
                    walk_started = time.monotonic()
                    if _tree_size(watch) > max_bytes:
                        raise CloneError(REPO_TOO_LARGE, f"more than {_human(max_bytes)} while cloning")
                    # Walking a big checkout costs time: never spend more than ~10% on it.
                    interval = max(interval, min(10 * (time.monotonic() - walk_started), 5.0))
        finally:
            if proc.returncode is None:
                with contextlib.suppress(ProcessLookupError):
                    os.killpg(proc.pid, signal.SIGKILL)
                proc.wait()
        return _Run(proc.returncode, _read(out, head=_STDOUT_LIMIT), _read(err, tail=_STDERR_TAIL))


def _read(f: IO[bytes], *, head: int | None = None, tail: int | None = None) -> str:
    size = f.seek(0, os.SEEK_END)
    if tail is not None and size > tail:
        f.seek(size - tail)
    else:
        f.seek(0)
    return f.read(head if head is not None else -1).decode("utf-8", errors="replace")


def _tree_size(root: Path) -> int:
    """Bytes under ``root``, counting links as links (never following them)."""
    total = 0
    for dirpath, _dirnames, filenames in os.walk(root):
        for name in filenames:
            with contextlib.suppress(FileNotFoundError):  # git renames temp files as it goes
                total += os.lstat(os.path.join(dirpath, name)).st_size
    return total


def _human(n: int) -> str:
    value = float(n)
    for unit in ("bytes", "KiB", "MiB", "GiB"):
        if value < 1024 or unit == "GiB":
            return f"{value:.0f} {unit}" if unit == "bytes" else f"{value:.1f} {unit}"
        value /= 1024
    raise AssertionError("unreachable")


# Ordered: the first matching pattern decides. Authentication comes before the
# generic "could not read from remote" / "hung up" lines that follow it.
_FAILURE_PATTERNS: tuple[tuple[str, str], ...] = (
    (AUTH_FAILED, r"authentication failed|terminal prompts disabled|could not read (username|password)"
     r"|permission denied \(|host key verification failed|returned error: 40[13]"),
    (BRANCH_NOT_FOUND, r"remote branch .* not found|couldn't find remote ref"),
    (COMMIT_NOT_FOUND, r"not our ref|unadvertised object|no such remote ref"),
    (REPO_NOT_FOUND, r"repository .* (not found|does not exist)|does not appear to be a git repository"
     r"|repository not found|not exported|no such repository|returned error: 404"),
    (NETWORK_ERROR, r"could not resolve host|unable to connect|connection (refused|timed out|reset)"
     r"|failed to connect|couldn't connect to server"
     r"|network is unreachable|no route to host|temporary failure in name resolution"
     r"|remote end hung up|early eof|rpc failed|returned error: 5\d\d|operation timed out"
     r"|ssl_error|gnutls_handshake"),
)  # fmt: skip


def _classify(stderr: str) -> str:
    lowered = stderr.lower()
    for code, pattern in _FAILURE_PATTERNS:
        if re.search(pattern, lowered):
            return code
    return CLONE_FAILED


def _failure(run: _Run, url: str) -> CloneError:
    lines = [line for line in run.stderr.strip().splitlines() if line.strip()]
    detail = scrub_credentials(" / ".join(lines[-6:]), url) or f"git exited with status {run.returncode}"
    return CloneError(_classify(run.stderr), detail)


# --------------------------------------------------------------------------- API


def clone_repository(
    url: str,
    branch: str,
    dest: Path,
    *,
    local_roots: Sequence[Path],
    commit: str | None = None,
    timeout_seconds: float = DEFAULT_TIMEOUT_SECONDS,
    max_bytes: int = DEFAULT_MAX_BYTES,
    depth: int | None = DEFAULT_DEPTH,
    git_executable: str = "git",
) -> CloneResult:
    """Clone ``branch`` of ``url`` into ``dest`` (which must not exist or be empty).

    Shallow (``depth`` commits; ``None`` for full history), one branch, no tags, no
    submodules, no hooks, no inherited configuration. With ``commit`` (a full SHA)
    that commit is fetched directly at ``depth`` and checked out detached (``branch``
    is then only recorded, not checked); servers that refuse fetching by id fail
    with ``scan:user:commit-not-found``.

    The whole operation is bounded by ``timeout_seconds`` (``scan:system:clone-timeout``,
    transient) and by ``max_bytes`` on disk, watched while git runs and checked after
    (``scan:user:repo-too-large``). On any failure ``dest`` is removed. Errors are
    ``CloneError``s whose text never contains the URL's credentials.
    """
    validated = _check_url(url, local_roots)
    _check_ref(branch, commit)
    if depth is not None and depth < 1:
        raise ValueError("depth must be a positive number of commits, or None")
    dest = Path(dest)
    existed = dest.exists()
    if existed and (not dest.is_dir() or any(dest.iterdir())):
        raise ValueError(f"clone destination {dest} must be absent or an empty directory")

    try:
        with tempfile.TemporaryDirectory(prefix="auditor-git-home-") as home:
            git = _Git(
                executable=git_executable,
                protocol=validated.protocol,
                home=Path(home),
                deadline=time.monotonic() + timeout_seconds,
                dest=dest,
                max_bytes=max_bytes,
            )
            depth_args = [f"--depth={depth}"] if depth is not None else []
            if commit is None:
                _clone_branch(git, url, validated.git_url, branch, depth_args)
            else:
                _fetch_commit(git, url, validated.git_url, commit, depth_args)
            size = _tree_size(dest)
            if size > max_bytes:
                raise CloneError(REPO_TOO_LARGE, f"{_human(size)} on disk, limit {_human(max_bytes)}")
            return _read_head(git, url, branch, size)
    except BaseException:
        remove_tree(dest)
        if existed:
            dest.mkdir(parents=True, exist_ok=True)
        raise


@dataclass(frozen=True)
class _Git:
    """Runs git in ``dest`` with the isolated config and environment and shared limits."""

    executable: str
    protocol: str
    home: Path
    deadline: float
    dest: Path
    max_bytes: int

    def __call__(self, *args: str, in_dest: bool = True, watch: bool = False) -> _Run:
        return _run_git(
            [*_git_config(self.protocol), *args],
            git=self.executable,
            env=_git_env(self.home, self.protocol),
            deadline=self.deadline,
            cwd=self.dest if in_dest else None,
            watch=self.dest if watch else None,
            max_bytes=self.max_bytes,
        )


def _clone_branch(git: _Git, url: str, git_url: str, branch: str, depth_args: list[str]) -> None:
    run = git(
        "clone",
        # No template directory: nothing (sample hooks, info/exclude) is copied
        # from GIT_TEMPLATE_DIR, init.templateDir or the system's templates.
        "--template=",
        # Local sources go through upload-pack like remote ones: no hard links into
        # the source's objects (our cleanup chmods what it removes), no copy of its
        # .git internals, and --depth applies (it is ignored by local clones).
        "--no-local",
        # Scanners need the tree, not the history.
        *depth_args,
        # Only the branch asked for: other branches are not fetched at all.
        "--single-branch",
        f"--branch={branch}",
        # Tags would fetch objects outside the branch.
        "--no-tags",
        # Submodule URLs come from the repository and are not validated.
        "--no-recurse-submodules",
        # Everything after this is a URL and a path, never an option.
        "--",
        git_url,
        str(git.dest),
        in_dest=False,
        watch=True,
    )
    if run.returncode != 0:
        raise _failure(run, url)
    if _url_secrets(url):
        # Do not leave a token in the checkout's .git/config.
        git("remote", "set-url", "origin", scrub_credentials(url))


def _fetch_commit(git: _Git, url: str, git_url: str, commit: str, depth_args: list[str]) -> None:
    git.dest.mkdir(parents=True, exist_ok=True)
    run = git("init", "--quiet", "--template=", "--", str(git.dest), in_dest=False)
    if run.returncode != 0:
        raise _failure(run, url)
    # The URL is given on the command line, never stored as a remote. Fetching an
    # unadvertised commit needs protocol v2 or uploadpack.allow*SHA1InWant on the
    # server; most forges allow it for reachable commits.
    run = git("fetch", "--quiet", *depth_args, "--no-tags", "--no-recurse-submodules", "--", git_url, commit,
              watch=True)  # fmt: skip
    if run.returncode != 0:
        error = _failure(run, url)
        raise CloneError(COMMIT_NOT_FOUND, error.detail) if error.code == BRANCH_NOT_FOUND else error
    run = git("checkout", "--quiet", "--detach", commit, watch=True)
    if run.returncode != 0:
        raise _failure(run, url)


def _read_head(git: _Git, url: str, branch: str, size: int) -> CloneResult:
    run = git("log", "-1", "--format=%H%x00%an%x00%ct%x00%s", "HEAD")
    if run.returncode != 0:
        raise _failure(run, url)
    sha, author, timestamp, subject = [*run.stdout.rstrip("\n").split("\x00", 3), "", "", ""][:4]
    if not re.fullmatch(r"[0-9a-f]{40}|[0-9a-f]{64}", sha) or not timestamp.isdigit():
        raise CloneError(CLONE_FAILED, "the checkout has no valid HEAD commit")
    return CloneResult(
        path=git.dest,
        branch=branch,
        commit_sha=sha,
        commit_message=subject.splitlines()[0][:500] if subject else "",
        author_name=author[:200],
        committed_at=datetime.fromtimestamp(int(timestamp), tz=UTC),
        size_bytes=size,
    )


# --------------------------------------------------------------------------- workspaces


@contextlib.contextmanager
def workspace(base_dir: Path) -> Iterator[Path]:
    """Yield a fresh, private directory under ``base_dir``; remove it whatever happens."""
    base_dir = Path(base_dir)
    base_dir.mkdir(parents=True, exist_ok=True)
    path = Path(tempfile.mkdtemp(prefix="scan-", dir=base_dir))
    try:
        yield path
    finally:
        remove_tree(path)


def remove_tree(path: Path) -> None:
    """Delete ``path`` recursively, fixing permissions that get in the way.

    git writes pack files read-only and a hostile tree may contain directories
    without write or search permission. Symlinks are removed, never followed or
    chmod-ed (chmod would act on their target). Failures are logged, not raised, so
    that cleanup in a ``finally`` never hides the error that got us there.
    """
    if not os.path.lexists(path):
        return
    if os.path.islink(path) or not os.path.isdir(path):
        with contextlib.suppress(FileNotFoundError):
            os.unlink(path)
        return
    try:
        shutil.rmtree(path, onerror=_fix_and_retry)
    except OSError:
        logger.exception("could not remove %s", path)


def _fix_and_retry(func: Callable[..., Any], path: str, exc_info: Any) -> None:
    if not os.path.lexists(path):
        return
    _make_owner_writable(os.path.dirname(path))
    if os.path.isdir(path) and not os.path.islink(path):
        # Opening or listing the directory failed: open it up and start again there.
        # Only keep fixing if something changed, so a mode we cannot alter ends in an
        # error (logged by remove_tree) rather than endless recursion.
        changed = _make_owner_writable(path)
        shutil.rmtree(path, onerror=_fix_and_retry if changed else None)
        return
    func(path)


def _make_owner_writable(path: str) -> bool:
    """Give the owner rwx on ``path`` (never through a symlink); return whether it changed."""
    if os.path.islink(path):
        return False
    mode = stat.S_IMODE(os.lstat(path).st_mode)
    if mode & stat.S_IRWXU == stat.S_IRWXU:
        return False
    os.chmod(path, mode | stat.S_IRWXU)
    return True
