"""A repository of many small files, scanned end to end through a real Celery worker.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/big_bench CELERY_BROKER_URL=redis://127.0.0.1:6379/9 \\
        .venv/bin/python bench/big_repository.py [--files 100000]

Generates (once, under bench/data/) a git repository of N small Python and JavaScript
files in nested directories, one file in ten with a finding; recreates the database
(a throw-away one: it is dropped first), registers the repository, starts a worker with
one process for scans, queues one scan and waits for it. Prints the clone, engine and
ingest times the scan recorded and the peak summed RSS of the worker's process tree
(worker, its child and the engine's pool, sampled from /proc). Exit status 1 when the
scan does not succeed or the peak RSS is above --max-rss-mib (default 500).
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench._common import DATA, RESULTS, TreeRss  # noqa: E402

PY_PLAIN = "def f{i}(x):\n    return x + {i}\n"
PY_FINDING = "import subprocess\n\n\ndef run{i}(cmd):\n    return subprocess.call(cmd, shell=True)\n"
JS_PLAIN = "export function f{i}(x) {{\n  return x + {i};\n}}\n"


def build_repository(files: int) -> Path:
    """bench/data/big-N: a committed repository of `files` files (built once)."""
    path = DATA / f"big-{files}"
    if (path / ".git").is_dir():
        return path
    path.mkdir(parents=True, exist_ok=True)
    for i in range(files):
        folder = path / f"pkg{i // 10_000:02}" / f"mod{(i // 100) % 100:02}"
        folder.mkdir(parents=True, exist_ok=True)
        if i % 5 == 4:
            (folder / f"f{i}.js").write_text(JS_PLAIN.format(i=i))
        else:
            (folder / f"f{i}.py").write_text((PY_FINDING if i % 10 == 3 else PY_PLAIN).format(i=i))
    env = {**os.environ, "GIT_AUTHOR_NAME": "bench", "GIT_AUTHOR_EMAIL": "bench@example.com"}
    env |= {"GIT_COMMITTER_NAME": "bench", "GIT_COMMITTER_EMAIL": "bench@example.com"}
    for args in (["init", "-q", "-b", "main"], ["add", "-A"], ["commit", "-qm", f"{files} files"]):
        subprocess.run(["git", *args], cwd=path, env=env, check=True)
    return path


def _manage(*args: str, env: dict[str, str]) -> str:
    done = subprocess.run(
        [sys.executable, "manage.py", *args], cwd=ROOT, env=env, check=True, capture_output=True, text=True
    )
    return done.stdout


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--files", type=int, default=100_000)
    parser.add_argument("--max-rss-mib", type=int, default=500)
    parser.add_argument("--timeout", type=int, default=3000)
    args = parser.parse_args(argv)
    database = os.environ.get("DATABASE_URL", "")
    if not database.startswith("postgres"):
        parser.error("set DATABASE_URL to a throw-away PostgreSQL database (it is dropped and recreated)")
    started = time.monotonic()
    repository = build_repository(args.files)
    print(f"repository: {args.files} files in {time.monotonic() - started:.1f} s ({repository})")

    name = urlsplit(database).path.lstrip("/")
    admin_url = database.rsplit("/", 1)[0] + "/postgres"
    for sql in (f'DROP DATABASE IF EXISTS "{name}"', f'CREATE DATABASE "{name}"'):
        subprocess.run(["psql", admin_url, "-qc", sql], check=True)
    workspace = DATA / "big-workspaces"
    env = {
        **os.environ,
        "SECRET_KEY": "bench-only",
        "AUDITOR_LOCAL_REPO_ROOTS": str(DATA),
        "AUDITOR_WORKSPACE_DIR": str(workspace),
        "SCAN_ENGINE_CACHE_DIR": "",
        "CELERY_QUEUE": "bench-big",
        "SCAN_SOFT_TIME_LIMIT": str(args.timeout - 60),
        "SCAN_HARD_TIME_LIMIT": str(args.timeout),
    }
    _manage("migrate", "--noinput", "-v", "0", env=env)
    _manage("add_repo", "big", str(repository), "--team", "Bench", env=env)
    log = (RESULTS / "big_repository_worker.log").open("w") if RESULTS.mkdir(exist_ok=True) is None else None
    worker = subprocess.Popen(
        [sys.executable, "-m", "celery", "-A", "auditor", "worker", "-Q", "bench-big", "--concurrency=1",
         "--loglevel=WARNING"],
        cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT,
    )  # fmt: skip
    try:
        with TreeRss(worker.pid, interval=0.2, pss=True) as rss:
            waited = subprocess.run(
                [sys.executable, "manage.py", "scan", "big", "--wait", "--timeout", str(args.timeout)],
                cwd=ROOT, env=env, capture_output=True, text=True,
            )  # fmt: skip
    finally:
        worker.terminate()
        try:
            worker.wait(timeout=60)
        except subprocess.TimeoutExpired:  # a loaded machine: the summary matters more
            worker.kill()
            worker.wait()
    summary = json.loads(
        _manage(
            "shell", "-c",
            "import json; from auditor.models import Scan; s = Scan.objects.get(); print(json.dumps({"
            "'status': s.status, 'error': s.error_text, 'clone_s': s.clone_seconds, 'scan_s': s.scan_seconds,"
            "'ingest_s': s.ingest_seconds, 'files': s.files_scanned, 'findings': s.findings_total,"
            "'warnings': len(s.warnings)}))",
            env=env,
        ).strip().splitlines()[-1]  # the shell may print its auto-imports first
    )  # fmt: skip
    summary["worker_peak_rss_mib"] = round(rss.peak_bytes / 2**20)
    summary["worker_peak_pss_mib"] = round(rss.peak_pss_bytes / 2**20)
    summary["rss_mib_at_peak"] = dict(rss.peak_breakdown)
    summary["wall_s"] = round(time.monotonic() - started, 1)
    print(waited.stdout.strip())
    print(json.dumps(summary, indent=2))
    (RESULTS / "big_repository.json").write_text(json.dumps(summary, indent=2))
    return 0 if summary["status"] == "succeeded" and summary["worker_peak_rss_mib"] <= args.max_rss_mib else 1


if __name__ == "__main__":
    sys.exit(main())
