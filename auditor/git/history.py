"""What a checkout's history says about its files, read through the hardened runner."""

from __future__ import annotations

import logging
import tempfile
import time
from collections import Counter
from pathlib import Path

from auditor.git.errors import CloneError
from auditor.git.runner import Git
from scanners.paths import escape_path

log = logging.getLogger(__name__)

# A busy repository's 90 days of `--name-only` output runs to megabytes; past this the
# counts would be a lower bound, so the cap is generous and hitting it is logged.
_CHURN_OUTPUT_LIMIT = 64 * 1024 * 1024


def checkout_churn(checkout: Path, *, days: int, timeout_seconds: float = 120) -> dict[str, int]:
    """Commits touching each path in the `days` before the checked-out commit.

    The window ends at the commit's date, not today, so re-scanning an old commit gives
    the same answer. No history, no git or a timeout give no churn (logged) rather than
    a failed scan: churn only weights risk.
    """
    with tempfile.TemporaryDirectory(prefix="auditor-git-home-") as home:
        git = Git(
            executable="git",
            protocol=None,  # reads the checkout only: no transport at all
            home=Path(home),
            deadline=time.monotonic() + timeout_seconds,
            dest=checkout,
            max_bytes=0,  # unused: nothing is watched
        )
        try:
            head = git("log", "-1", "--format=%ct", "HEAD")
            if head.returncode != 0 or not head.stdout.strip().isdigit():
                log.warning("churn unavailable for %s: %s", checkout, head.stderr.strip()[-200:])
                return {}
            since = int(head.stdout.strip()) - days * 86400
            names = git(
                # Names as raw bytes (no quoting of unusual ones), NUL-separated (-z), so they
                # can be put in the engine's text form, the key file metrics have.
                "-c", "core.quotePath=false",
                # --no-renames: count the path as it is named in each commit; empty format: names only.
                "log", "-z", f"--since={since}", "--no-renames", "--name-only", "--format=", "HEAD", "--",
                stdout_limit=_CHURN_OUTPUT_LIMIT,
                stdout_errors="surrogateescape",
            )  # fmt: skip
        except CloneError as exc:
            log.warning("churn unavailable for %s: %s", checkout, exc.message)
            return {}
    if names.returncode != 0:
        log.warning("churn unavailable for %s: %s", checkout, names.stderr.strip()[-200:])
        return {}
    if len(names.stdout) >= _CHURN_OUTPUT_LIMIT:
        log.warning("churn of %s truncated at %d bytes of history", checkout, _CHURN_OUTPUT_LIMIT)
    counts = Counter(name for name in names.stdout.split("\0") if name)
    return {escape_path(name.encode("utf-8", "surrogateescape")): n for name, n in counts.items()}
