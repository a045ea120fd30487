"""Which repository URLs and refs may reach git, and credentials kept out of every message.

A URL comes from a user: it may try to make git run a command (``ext::``), smuggle an
option (``-u…``) or read a file on the worker (``file://``).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import unquote, urlsplit

from auditor.git.errors import CLONE_REFUSED, INVALID_REF, CloneError

_CONTROL_OR_SPACE = re.compile(r"[\x00-\x20\x7f]")
# git treats "<transport>::<address>" as "run git-remote-<transport>": ext:: runs a
# shell command, fd:: talks to file descriptors. Never acceptable from a user.
_REMOTE_HELPER = re.compile(r"^[A-Za-z0-9+.-]+::")
_SCHEME = re.compile(r"^([A-Za-z][A-Za-z0-9+.-]*)://")
_HOST = re.compile(r"^(?:[A-Za-z0-9](?:[A-Za-z0-9.-]*[A-Za-z0-9])?|\[[0-9A-Fa-f:.]+\])$")
_SCP_LIKE = re.compile(r"^(?:(?P<user>[A-Za-z0-9._~+-]+)@)?(?P<host>\[[^\]/]+\]|[^@/:\[\]]+):(?P<path>.+)$")
_NETWORK_PROTOCOLS = {"https": "https", "ssh": "ssh", "git": "git"}


@dataclass(frozen=True)
class ValidatedUrl:
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
    checked_url(url, local_roots)


def checked_url(url: str, local_roots: Sequence[Path]) -> ValidatedUrl:
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
        return ValidatedUrl(git_url=url, protocol=_NETWORK_PROTOCOLS[scheme])

    if url.startswith("/"):
        return _check_local_path(url, local_roots)

    scp = _SCP_LIKE.match(url)
    if scp:
        user, host = scp.group("user"), scp.group("host")
        if (user is not None and user.startswith("-")) or not _HOST.match(host):
            raise CloneError(CLONE_REFUSED, "the host or user name is not valid")
        return ValidatedUrl(git_url=url, protocol="ssh")

    raise CloneError(
        CLONE_REFUSED,
        "not a recognised repository URL (use https://, ssh://, git://, user@host:path, "
        "or an absolute path under an allowed local root)",
    )


def _check_file_url(url: str, local_roots: Sequence[Path]) -> ValidatedUrl:
    parts = urlsplit(url)
    if parts.netloc not in ("", "localhost") or parts.query or parts.fragment:
        raise CloneError(CLONE_REFUSED, "file:// URLs must name a local path and nothing else")
    return _check_local_path(unquote(parts.path), local_roots)


def _check_local_path(raw_path: str, local_roots: Sequence[Path]) -> ValidatedUrl:
    if not local_roots:
        raise CloneError(
            CLONE_REFUSED, "local repositories are disabled (AUDITOR_LOCAL_REPO_ROOTS is not set)"
        )
    # resolve() follows symlinks, so a link under a root that points elsewhere is
    # judged by where it points. git is given the resolved path, not the original.
    resolved = Path(raw_path).resolve()
    for root in local_roots:
        if resolved.is_relative_to(Path(root).resolve()):
            return ValidatedUrl(git_url=str(resolved), protocol="file")
    raise CloneError(CLONE_REFUSED, "the local path is outside the allowed local repository roots")


def scrub_credentials(text: str, url: str | None = None) -> str:
    """Remove credentials from ``text``: ``scheme://user:token@host`` → ``scheme://***@host``.

    Also masks ``?access_token=…``-style query values and, when ``url`` is given,
    any bare occurrence of its password (or of a token used as the user name).
    """
    for secret in url_secrets(url):
        text = text.replace(secret, "***")
    text = re.sub(r"\b([A-Za-z][A-Za-z0-9+.-]*://)[^/\s@]*(?:@[^/\s@]*)*@", r"\1***@", text)
    return re.sub(
        r"([?&](?:access_token|private_token|token|password|key)=)[^&\s'\"]+", r"\1***", text, flags=re.I
    )


def url_secrets(url: str | None) -> set[str]:
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


def check_ref(branch: str, commit: str | None) -> None:
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
