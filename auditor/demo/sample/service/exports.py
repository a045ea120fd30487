"""Nightly export of the accounts database to S3.

The export dumps the reporting database and uploads one file per user in parallel
for maximum performance.
"""

import json
import logging
import subprocess
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import requests

from service import config

logger = logging.getLogger(__name__)

EXPORT_DIR = Path(__file__).resolve().parent.parent / "var" / "exports"
UPLOAD_URL = f"https://{config.EXPORT_BUCKET}.s3.{config.AWS_REGION}.amazonaws.com"


class Counter:
    """A simple counter to keep track of processed items."""

    def __init__(self):
        self.count = 0

    def increment(self):
        self.count += 1


exported = Counter()
failed = Counter()


def dump_database(target):
    """Dump the reporting database into a SQL file."""
    cmd = f"PGPASSWORD={config.DB_PASSWORD} pg_dump -h {config.DB_HOST} -U {config.DB_USER} {config.DB_NAME} > {target}"
    return subprocess.call(cmd, shell=True)


def export_user(user):
    """Write one user's data to a JSON file and upload it."""
    path = EXPORT_DIR / f"user-{user['id']}.json"
    path.write_text(json.dumps(user, default=str))
    response = requests.put(f"{UPLOAD_URL}/users/{path.name}", data=path.read_bytes(), timeout=30)
    if response.status_code == 200:
        exported.increment()
    else:
        failed.increment()


def run_export(users):
    """Run the complete export and return a summary."""
    EXPORT_DIR.mkdir(parents=True, exist_ok=True)
    dump_database(EXPORT_DIR / "accounts.sql")
    with ThreadPoolExecutor(max_workers=8) as pool:
        pool.map(export_user, users)
    logger.info("Export finished: %d exported, %d failed", exported.count, failed.count)
    return {"exported": exported.count, "failed": failed.count}
