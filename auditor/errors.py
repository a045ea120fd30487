"""Scan failure reasons that are not the clone's (those live in auditor/git/errors.py).

Ids are namespaced: `scan:user:*` the user can fix, `scan:system:*` are ours.
"""

from __future__ import annotations

TIME_LIMIT = "scan:system:time-limit"
WORKER_LOST = "scan:system:worker-lost"
DATABASE_UNAVAILABLE = "scan:system:database-unavailable"
UNEXPECTED = "scan:system:unexpected"

USER_TEXT: dict[str, str] = {
    TIME_LIMIT: "The scan took longer than the time limit and was stopped.",
    WORKER_LOST: (
        "The worker running this scan stopped responding, and the scan could not be "
        "resumed on another; queue the scan again."
    ),
    DATABASE_UNAVAILABLE: (
        "The database was unavailable while the scan ran, and retrying did not help; "
        "nothing of it was stored. Queue the scan again."
    ),
    UNEXPECTED: (
        "The scan failed because of an internal error; "
        "the administrators can see the details in the worker log."
    ),
}


class TransientScanError(Exception):
    """A failure worth retrying (network, clone timeout); the task retries only these."""
