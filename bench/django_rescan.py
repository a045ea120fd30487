"""A re-scan through the worker against the first scan: Django's source tree, PostgreSQL, Redis.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/throwaway_db \\
    CELERY_BROKER_URL=redis://127.0.0.1:6379/9 .venv/bin/python bench/django_rescan.py [--rescans 3]

Makes a git repository of the Django 6.1.3 sdist (bench/data/, see _common.fetch_sdist),
starts one Celery worker (concurrency 1) with a git mirror directory and an engine cache
of its own (both empty), and scans the repository once (fresh clone, cold cache), then
`--rescans` times after a one-file commit each (a function added to a different module
every time). Each scan's wall time runs from the request to its last write (the file
texts, stored after the scan reads succeeded), so it includes queueing, clone or fetch,
engine, ingestion and file texts. Prints each scan's phases and the ratio of each
re-scan to the first; the goal is ≤ 0.15. Summary in bench/results/django_rescan.json.

The database is dropped and re-created (it must be a throw-away one). The machine may be
shared: the script prints the load average; compare ratios, and repeat.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

BENCH = Path(__file__).resolve().parent
ROOT = BENCH.parent
sys.path.insert(0, str(ROOT))

from bench._common import RESULTS, fetch_sdist  # noqa: E402

GIT_ENV = {
    **os.environ,
    "GIT_AUTHOR_NAME": "bench",
    "GIT_AUTHOR_EMAIL": "bench@example.com",
    "GIT_COMMITTER_NAME": "bench",
    "GIT_COMMITTER_EMAIL": "bench@example.com",
    "GIT_CONFIG_GLOBAL": os.devnull,
    "GIT_CONFIG_NOSYSTEM": "1",
}
CHANGED = [
    "django/utils/text.py",
    "django/db/models/query.py",
    "django/http/request.py",
    "django/forms/forms.py",
]


def git(repo: Path, *args: str) -> str:
    return subprocess.run(
        ["git", *args], cwd=repo, env=GIT_ENV, check=True, capture_output=True, text=True
    ).stdout.strip()


def one_file_commit(repo: Path, n: int) -> None:
    path = repo / CHANGED[n % len(CHANGED)]
    with path.open("a") as handle:
        handle.write(
            f"\n\ndef bench_added_{n}(value):\n    try:\n        return int(value)\n"
            "    except:\n        pass\n"
        )
    git(repo, "commit", "--quiet", "-am", f"one-file change {n}")


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rescans", type=int, default=3)
    args = parser.parse_args()
    if "DATABASE_URL" not in os.environ:
        parser.error("set DATABASE_URL to a throw-away PostgreSQL database")
    database = os.environ["DATABASE_URL"].rsplit("/", 1)[1]
    work = Path(tempfile.mkdtemp(prefix="django-rescan-"))
    queue = f"bench-rescan-{os.getpid()}"
    env = {
        **os.environ,
        "SECRET_KEY": "bench-only",
        "DJANGO_SETTINGS_MODULE": "auditor.settings",
        "CELERY_QUEUE": queue,
        "AUDITOR_LOCAL_REPO_ROOTS": str(work),
        "AUDITOR_WORKSPACE_DIR": str(work / "ws"),
        "SCAN_MIRROR_DIR": str(work / "mirrors"),
        "SCAN_ENGINE_CACHE_DIR": str(work / "engine-cache"),
    }
    os.environ.update(env)
    subprocess.run(
        ["psql", "-h", "127.0.0.1", "-U", "postgres", "-qc", f"DROP DATABASE IF EXISTS {database}",
         "-c", f"CREATE DATABASE {database}"], check=True,
    )  # fmt: skip
    subprocess.run(
        [sys.executable, "manage.py", "migrate", "--noinput", "-v", "0"], cwd=ROOT, check=True, env=env
    )
    repo = work / "django"
    shutil.copytree(fetch_sdist("django==6.1.3"), repo)
    git(repo, "init", "-q", "-b", "main")
    git(repo, "add", "-A")
    git(repo, "commit", "-qm", "Django 6.1.3 sdist")

    import django

    django.setup()
    from auditor.models import Scan, Team
    from auditor.services.repositories import repository_create
    from auditor.services.scans import scan_request

    repository = repository_create(team=Team.objects.create(name="Bench"), name="django", clone_url=str(repo))
    log = (work / "worker.log").open("w")
    worker = subprocess.Popen(
        [sys.executable, "-m", "celery", "-A", "auditor", "worker", "-Q", queue, "--concurrency=1",
         "--loglevel=INFO"], cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True,
    )  # fmt: skip
    runs = []
    try:
        for n in range(args.rescans + 1):
            if n:
                one_file_commit(repo, n)
            texts_before = (work / "worker.log").read_text().count("succeeded in")
            started = time.monotonic()
            scan = scan_request(repository=repository)
            while not Scan.objects.get(pk=scan.pk).is_finished:
                time.sleep(0.05)
            # What the scan page, the API and `manage.py scan --wait` see as the scan's end.
            to_succeeded = time.monotonic() - started
            # The task ends after the file texts: its "succeeded in" line in the log.
            while (work / "worker.log").read_text().count("succeeded in") <= texts_before:
                time.sleep(0.05)
            wall = time.monotonic() - started
            scan = Scan.objects.get(pk=scan.pk)
            if scan.status != "succeeded":
                print((work / "worker.log").read_text()[-4000:])
                raise SystemExit(f"scan {scan.pk} {scan.status}: {scan.error_text}")
            run = {
                "scan": "first" if n == 0 else f"rescan {n}",
                "wall": round(wall, 2),
                "to_succeeded": round(to_succeeded, 2),
                "clone": scan.clone_seconds,
                "engine": scan.scan_seconds,
                "ingest": scan.ingest_seconds,
                "findings": scan.findings_total,
                "files": scan.files_scanned,
                "load": os.getloadavg()[0],
            }
            runs.append(run)
            ratio = (
                f", {run['wall'] / runs[0]['wall']:.3f} of the first (to succeeded: "
                f"{run['to_succeeded'] / runs[0]['to_succeeded']:.3f})"
                if n
                else ""
            )
            print(
                f"{run['scan']:>9}: wall {run['wall']:.1f} s (clone {run['clone']:.2f}, "
                f"engine {run['engine']:.2f}, "
                f"ingest {run['ingest']:.2f}){ratio}; {run['files']} files, {run['findings']} findings, "
                f"load {run['load']:.1f}",
                flush=True,
            )
    finally:
        os.killpg(worker.pid, 15)
        worker.wait()
        log.close()
        shutil.rmtree(work, ignore_errors=True)
    ratios = sorted(r["wall"] / runs[0]["wall"] for r in runs[1:])
    median = ratios[len(ratios) // 2] if ratios else None
    succeeded = sorted(r["to_succeeded"] / runs[0]["to_succeeded"] for r in runs[1:])
    median_succeeded = succeeded[len(succeeded) // 2] if succeeded else None
    if median is not None and median_succeeded is not None:
        print(
            f"median re-scan / first: {median:.3f} to the task's end, "
            f"{median_succeeded:.3f} to succeeded (goal <= 0.15)"
        )
    RESULTS.mkdir(parents=True, exist_ok=True)
    summary = {"runs": runs, "median_ratio": median, "median_ratio_to_succeeded": median_succeeded}
    (RESULTS / "django_rescan.json").write_text(json.dumps(summary, indent=2))
    return 0 if median is not None and median <= 0.15 else 1


if __name__ == "__main__":
    raise SystemExit(main())
