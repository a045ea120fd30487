"""A re-scan through the worker: Django's tree scanned, one file committed, scanned again.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/django_rescan \\
        CELERY_BROKER_URL=redis://127.0.0.1:6379/8 .venv/bin/python bench/django_worker_rescan.py [--rounds 3]

Commits Django 6.1.3's sdist (bench/data/) as a git repository, recreates the (throw-away)
database, registers the repository and starts one Celery worker with the shipped defaults
(provenance on, engine cache and git mirror under a fresh directory). Then: one first
scan (empty cache, no mirror), and `--rounds` times a one-file commit followed by a scan.
Prints each scan's wall time (started → finished, as the scan page shows it) and its
clone, engine and ingest phases, and the median re-scan as a share of the first scan.
Exit status 1 when that share is above 15% (issue "Re-scans at the speed of the change").
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench._common import DATA, RESULTS, fetch_sdist  # noqa: E402

GIT_USER = ["-c", "user.name=Bench", "-c", "user.email=bench@example.com"]
SETTLE_SECONDS = 10


def _manage(*args: str, env: dict[str, str]) -> str:
    done = subprocess.run(
        [sys.executable, "manage.py", *args], cwd=ROOT, env=env, check=True, capture_output=True, text=True
    )
    return done.stdout.strip().splitlines()[-1] if done.stdout.strip() else ""


def _scan(env: dict[str, str], timeout: int) -> dict[str, object]:
    subprocess.run([sys.executable, "manage.py", "scan", "django", "--wait", "--timeout", str(timeout)],
                   cwd=ROOT, env=env, check=True, capture_output=True, text=True)  # fmt: skip
    time.sleep(SETTLE_SECONDS)  # file texts are stored after the scan says succeeded
    code = (
        "import json; from auditor.models import Scan; s = Scan.objects.order_by('-id').first(); "
        "print(json.dumps({'status': s.status, 'error': s.error_text, 'wall_s': s.duration_seconds, "
        "'clone_s': s.clone_seconds, 'scan_s': s.scan_seconds, 'ingest_s': s.ingest_seconds, "
        "'files': s.files_scanned, 'findings': s.findings_total}))"
    )
    return dict(json.loads(_manage("shell", "-c", code, env=env)))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--timeout", type=int, default=1800)
    args = parser.parse_args(argv)
    database = os.environ.get("DATABASE_URL", "")
    if not database.startswith("postgres"):
        parser.error("set DATABASE_URL to a throw-away PostgreSQL database (it is dropped and recreated)")
    work = Path(tempfile.mkdtemp(prefix="django-rescan-", dir=DATA))
    source = work / "django"
    shutil.copytree(fetch_sdist("django==6.1.3"), source)
    subprocess.run(["git", "init", "-q", "-b", "main"], cwd=source, check=True)
    subprocess.run(["git", "add", "-A"], cwd=source, check=True)
    subprocess.run(["git", *GIT_USER, "commit", "-qm", "Django 6.1.3 sdist"], cwd=source, check=True)

    name = urlsplit(database).path.lstrip("/")
    admin_url = database.rsplit("/", 1)[0] + "/postgres"
    for sql in (f'DROP DATABASE IF EXISTS "{name}"', f'CREATE DATABASE "{name}"'):
        subprocess.run(["psql", admin_url, "-qc", sql], check=True)
    env = {
        **os.environ,
        "SECRET_KEY": "bench-only",
        "AUDITOR_LOCAL_REPO_ROOTS": str(work),
        "AUDITOR_WORKSPACE_DIR": str(work / "ws"),
        "SCAN_ENGINE_CACHE_DIR": str(work / "cache"),
        "SCAN_MIRROR_DIR": str(work / "mirrors"),
        "SCAN_SOFT_TIME_LIMIT": str(args.timeout - 60),
        "SCAN_HARD_TIME_LIMIT": str(args.timeout),
        "CELERY_QUEUE": "bench-django-rescan",
    }
    _manage("migrate", "--noinput", "-v", "0", env=env)
    _manage("add_repo", "django", str(source), "--team", "Bench", env=env)
    RESULTS.mkdir(exist_ok=True)
    log = (RESULTS / "django_worker_rescan.log").open("w")
    worker = subprocess.Popen(
        [sys.executable, "-m", "celery", "-A", "auditor", "worker", "-Q", "bench-django-rescan",
         "--concurrency=1", "--loglevel=WARNING", "-n", "django-rescan@%h"],
        cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT,
    )  # fmt: skip
    scans: list[dict[str, object]] = []
    try:
        scans.append(_scan(env, args.timeout))
        print(f"first: {scans[0]}")
        for r in range(args.rounds):
            target = source / "django" / "utils" / "text.py"
            target.write_text(target.read_text() + f"\n\ndef bench_added_{r}(value):\n    return value\n")
            subprocess.run(["git", *GIT_USER, "commit", "-qam", f"Edit {r}"], cwd=source, check=True)
            scans.append(_scan(env, args.timeout))
            print(f"re-scan {r + 1}: {scans[-1]}")
    finally:
        worker.terminate()
        worker.wait(timeout=60)
        shutil.rmtree(work, ignore_errors=True)
    if any(s["status"] != "succeeded" for s in scans):
        print("a scan did not succeed")
        return 1
    first = float(scans[0]["wall_s"])  # type: ignore[arg-type]
    again = statistics.median(float(s["wall_s"]) for s in scans[1:])  # type: ignore[arg-type]
    summary = {"first_wall_s": first, "rescan_wall_s_median": again, "rescan_share": round(again / first, 3)}
    print(json.dumps(summary, indent=2))
    report = json.dumps({"summary": summary, "scans": scans}, indent=2)
    (RESULTS / "django_worker_rescan.json").write_text(report)
    return 0 if summary["rescan_share"] <= 0.15 else 1


if __name__ == "__main__":
    sys.exit(main())
