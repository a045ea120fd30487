"""Git for untrusted repositories: URL checks, the hardened runner, clones, history, workspaces.

Every git command the app runs goes through ``runner.Git`` (isolated configuration and
environment, deadline, bounded output). The package has no Django imports: settings such
as ``AUDITOR_LOCAL_REPO_ROOTS`` are parsed by the caller and passed in.
"""

from auditor.git.clone import (
    DEFAULT_DEPTH,
    DEFAULT_MAX_BYTES,
    DEFAULT_TIMEOUT_SECONDS,
    CloneResult,
    clone_repository,
)
from auditor.git.errors import (
    AUTH_FAILED,
    BRANCH_NOT_FOUND,
    CLONE_FAILED,
    CLONE_REFUSED,
    CLONE_TIMEOUT,
    COMMIT_NOT_FOUND,
    ERROR_MESSAGES,
    GIT_UNAVAILABLE,
    INVALID_REF,
    NETWORK_ERROR,
    REPO_NOT_FOUND,
    REPO_TOO_LARGE,
    TRANSIENT_CODES,
    CloneError,
)
from auditor.git.history import checkout_churn
from auditor.git.remote import RemoteHead, remote_head, remote_tips
from auditor.git.urls import scrub_credentials, validate_clone_url
from auditor.git.workspace import remove_tree, workspace

__all__ = [
    "AUTH_FAILED",
    "BRANCH_NOT_FOUND",
    "CLONE_FAILED",
    "CLONE_REFUSED",
    "CLONE_TIMEOUT",
    "COMMIT_NOT_FOUND",
    "DEFAULT_DEPTH",
    "DEFAULT_MAX_BYTES",
    "DEFAULT_TIMEOUT_SECONDS",
    "ERROR_MESSAGES",
    "GIT_UNAVAILABLE",
    "INVALID_REF",
    "NETWORK_ERROR",
    "REPO_NOT_FOUND",
    "REPO_TOO_LARGE",
    "TRANSIENT_CODES",
    "CloneError",
    "CloneResult",
    "RemoteHead",
    "checkout_churn",
    "clone_repository",
    "remote_head",
    "remote_tips",
    "remove_tree",
    "scrub_credentials",
    "validate_clone_url",
    "workspace",
]
