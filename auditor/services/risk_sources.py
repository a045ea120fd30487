"""What the dashboard reads from a checkout before it is removed: churn and file text.

File text is stored (``FileBlob``, one row per content hash) rather than kept in a cache
of checkouts: the pipeline deletes every checkout in ``finally`` (a cache would outlive
that contract and need its own eviction and locking across workers), the file page must
work for any past scan without a clone, and unchanged files across scans are stored once
because the key is the content hash the engine already computed.
"""

from __future__ import annotations

import logging
import subprocess
from collections import Counter
from pathlib import Path

from django.db import transaction

from auditor.models import FileBlob, FileMetric, Scan
from auditor.services.risk import CHURN_WINDOW_DAYS, scan_risk_compute

log = logging.getLogger(__name__)

# Commits of history to fetch so that 90 days of churn can be counted on busy repositories.
HISTORY_DEPTH = 1000
MAX_BLOB_BYTES = 512 * 1024


def checkout_churn(checkout: Path, days: int = CHURN_WINDOW_DAYS) -> dict[str, int]:
    """Commits touching each path in the `days` before the checked-out commit.

    The window ends at the commit's date, not today, so re-scanning an old commit gives
    the same answer. Errors (no history, git missing) give no churn rather than failing.
    """
    try:
        head_time = subprocess.run(
            ["git", "log", "-1", "--format=%ct"],
            cwd=checkout,
            capture_output=True,
            text=True,
            check=True,
            timeout=60,
        ).stdout.strip()
        since = int(head_time) - days * 86400
        out = subprocess.run(
            # --no-renames: count the path as it is named in each commit; empty format: names only.
            ["git", "log", f"--since={since}", "--no-renames", "--name-only", "--format="],
            cwd=checkout,
            capture_output=True,
            text=True,
            check=True,
            timeout=120,
        ).stdout
    except (OSError, ValueError, subprocess.SubprocessError) as exc:
        log.warning("churn unavailable for %s: %s", checkout, exc)
        return {}
    return dict(Counter(line for line in out.splitlines() if line))


def _blobs_store(scan: Scan, checkout: Path) -> int:
    wanted = dict(FileMetric.objects.filter(scan=scan).values_list("content_sha256", "path"))
    wanted.pop("", None)
    known = set(FileBlob.objects.filter(sha256__in=list(wanted)).values_list("sha256", flat=True))
    blobs = []
    for sha, path in wanted.items():
        if sha in known:
            continue
        try:
            raw = (checkout / path).read_bytes()
        except OSError:
            continue
        truncated = len(raw) > MAX_BLOB_BYTES
        text = raw[:MAX_BLOB_BYTES].decode("utf-8", errors="replace").replace("\x00", "\ufffd")
        blobs.append(FileBlob(sha256=sha, text=text, truncated=truncated))
    FileBlob.objects.bulk_create(blobs, batch_size=200, ignore_conflicts=True)
    return len(blobs)


def scan_checkout_record(scan: Scan, checkout: Path) -> None:
    """Store churn, risk and file text of the ingested `scan` from its `checkout`.

    Called by the pipeline after ingestion, before the checkout is removed. Reads the
    disk and runs git outside any transaction; the writes are short.
    """
    churn = checkout_churn(checkout)
    _blobs_store(scan, checkout)
    with transaction.atomic():
        scan_risk_compute(scan, churn)
