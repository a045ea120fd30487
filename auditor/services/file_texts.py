"""The text of a scan's files, stored before its checkout is removed.

File text is stored (``FileBlob``, one row per content hash) rather than kept in a cache
of checkouts: the pipeline deletes every checkout in ``finally`` (a cache would outlive
that contract and need its own eviction and locking across workers), the file page must
work for any past scan without a clone, and unchanged files across scans are stored once
because the key is the content hash the engine already computed.
"""

from __future__ import annotations

from pathlib import Path

from auditor.models import FileBlob, FileBlobOwner, FileMetric, Scan
from scanners.paths import read_inside

MAX_BLOB_BYTES = 512 * 1024


def scan_file_texts_store(scan: Scan, checkout: Path) -> int:
    """Store the text of every file of the ingested `scan` not stored yet, and record that
    its repository owns each text its checkout holds; how many texts were new.

    Only a worker's own checkout proves a repository holds a text (the hashes are the
    engine's, computed here); a CI upload names hashes but sends no text, and never
    calls this. Reads the disk outside any transaction; each row is independent (keyed
    by content hash), so a partial run loses nothing a retry would not add.
    """
    wanted = dict(FileMetric.objects.filter(scan=scan).values_list("content_sha256", "path"))
    wanted.pop("", None)
    known = set(FileBlob.objects.filter(sha256__in=list(wanted)).values_list("sha256", flat=True))
    blobs = []
    owned = [sha for sha in wanted if sha in known]
    for sha, path in wanted.items():
        if sha in known:
            continue
        try:
            # By the engine's text path, never following a link out of the checkout.
            raw = read_inside(checkout, path, MAX_BLOB_BYTES + 1)
        except OSError:
            continue
        owned.append(sha)
        truncated = len(raw) > MAX_BLOB_BYTES
        text = raw[:MAX_BLOB_BYTES].decode("utf-8", errors="replace").replace("\x00", "\ufffd")
        blobs.append(FileBlob(sha256=sha, text=text, truncated=truncated))
    FileBlob.objects.bulk_create(blobs, batch_size=200, ignore_conflicts=True)
    # Only the texts the repository does not own yet: a re-scan after a one-file change
    # writes one row, not one per file.
    already = set(
        FileBlobOwner.objects.filter(repository_id=scan.repository_id, blob_id__in=owned).values_list(
            "blob_id", flat=True
        )
    )
    FileBlobOwner.objects.bulk_create(
        [FileBlobOwner(blob_id=sha, repository_id=scan.repository_id) for sha in owned if sha not in already],
        batch_size=2000,
        ignore_conflicts=True,
    )
    return len(blobs)
