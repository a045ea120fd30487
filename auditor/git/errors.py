"""Why a clone failed or was refused: namespaced ids and the user-facing text of each."""

from __future__ import annotations

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
