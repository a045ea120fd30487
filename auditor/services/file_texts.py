"""The text of a scan's files, stored before its checkout is removed.

File text is stored (``FileBlob``, one row per content hash) rather than kept in a cache
of checkouts: the pipeline deletes every checkout in ``finally`` (a cache would outlive
that contract and need its own eviction and locking across workers), the file page must
work for any past scan without a clone, and unchanged files across scans are stored once
because the key is the content hash the engine already computed.
"""

from __future__ import annotations

from pathlib import Path

from auditor.models import FileBlob, FileMetric, Scan

MAX_BLOB_BYTES = 512 * 1024


def scan_file_texts_store(scan: Scan, checkout: Path) -> int:
    """Store the text of every file of the ingested `scan` not stored yet; how many were new.

    Reads the disk outside any transaction; each row is independent (keyed by content
    hash), so a partial run loses nothing a retry would not add.
    """
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
