"""What a failed scan says to whom: a reason every member can read, the details for admins.

A clone's error text carries git's own words (its stderr, the server's workspace path);
those are for the team's admins, who can act on them. Everyone else reads the reason that
goes with the error id (auditor/git/errors.py, auditor/errors.py), plus what to do next.
"""

from __future__ import annotations

from dataclasses import dataclass

from auditor.errors import USER_TEXT
from auditor.git import BRANCH_NOT_FOUND, CLONE_REFUSED, ERROR_MESSAGES, REPO_NOT_FOUND
from auditor.models import Scan

GENERIC = "The scan failed."
# What to do next, for the failures a team can fix itself.
NEXT_STEP = {
    BRANCH_NOT_FOUND: "Check the repository's default branch in its settings, then retry.",
    REPO_NOT_FOUND: (
        "Check the clone URL and the server's access to it (Check access in the repository's settings)."
    ),
    CLONE_REFUSED: "An admin can change the clone URL in the repository's settings.",
}


@dataclass(frozen=True)
class ScanFailure:
    reason: str  # for every member
    next_step: str
    details: str  # git's own words and paths; empty unless the viewer is an admin
    code: str


def _sentence(text: str) -> str:
    text = text.strip()
    return text if text.endswith((".", "!", "?")) else f"{text}."


def scan_failure(scan: Scan, *, for_admin: bool) -> ScanFailure:
    """The failure of `scan` as `for_admin` (an admin of its team, or not) may read it."""
    code = scan.error_code
    known = ERROR_MESSAGES.get(code) or USER_TEXT.get(code)
    reason = _sentence(known) if known else GENERIC
    details = scan.error_text.strip() if for_admin else ""
    if details and _sentence(details) == reason:
        details = ""
    if not known and not for_admin:
        # An id without a text of its own (CI upload reasons and the like): its stored text
        # was written for users, without paths.
        reason = _sentence(scan.error_text) if scan.error_text.strip() else GENERIC
    return ScanFailure(reason=reason, next_step=NEXT_STEP.get(code, ""), details=details, code=code)
