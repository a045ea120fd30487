"""Re-ingest after a one-file change: `scan_ingest` of Django's findings, again and again.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/throwaway_db .venv/bin/python bench/reingest.py \\
        [--cache-dir DIR] [--repeat 5] [--profile]

Runs the engine on the Django 6.1.3 sdist (bench/data/) and on a copy with one function
appended to one module (a result cache in `--cache-dir` makes later runs cheap), then, in
a throw-away database (dropped and re-created), ingests the first result as a repository's
first scan and alternates the two results `--repeat` times: each re-ingest is a scan of
the branch whose findings differ from the previous one's by one file. Prints the first
ingest and the median re-ingest in seconds (ingestion's own transaction, as
Scan.ingest_seconds measures it) and, with `--profile`, the top of a cProfile of one
re-ingest. The machine may be shared: compare runs made one after the other.
"""

from __future__ import annotations

import argparse
import cProfile
import os
import pstats
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

BENCH = Path(__file__).resolve().parent
sys.path.insert(0, str(BENCH.parent))

from bench._common import DATA, fetch_sdist  # noqa: E402


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--cache-dir", type=Path, default=DATA / "reingest-engine-cache")
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--profile", action="store_true")
    args = parser.parse_args()
    url = os.environ.get("DATABASE_URL")
    if not url:
        parser.error("set DATABASE_URL to a throw-away PostgreSQL database")
    os.environ.setdefault("SECRET_KEY", "bench-only")
    os.environ["DJANGO_SETTINGS_MODULE"] = "auditor.settings"
    database = url.rsplit("/", 1)[1]

    from scanners.engine import EngineConfig, scan_directory

    tree = fetch_sdist("django==6.1.3")
    changed = DATA / "django-6.1.3-one-file-change"
    if not changed.exists():
        shutil.copytree(tree, changed)
        with (changed / "django/utils/text.py").open("a") as handle:
            handle.write(
                "\n\ndef bench_added(value):\n    try:\n        return int(value)\n"
                "    except:\n        pass\n"
            )
    config = EngineConfig(cache_dir=args.cache_dir)
    results = [scan_directory(tree, config), scan_directory(changed, config)]
    print(f"engine results: {len(results[0].findings)} and {len(results[1].findings)} findings, "
          f"{len(results[0].files)} files")  # fmt: skip

    subprocess.run(
        ["psql", "-h", "127.0.0.1", "-U", "postgres", "-qc", f"DROP DATABASE IF EXISTS {database}",
         "-c", f"CREATE DATABASE {database}"], check=True,
    )  # fmt: skip
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    from django.db import connection, transaction

    from auditor.models import Repository, Scan, ScanStatus, Team
    from auditor.services.ingest import scan_ingest

    team = Team.objects.create(name="Bench", slug="bench")
    repository = Repository.objects.create(
        team=team, name="django", slug="django", clone_url="https://example.com/d.git"
    )

    written: dict[str, int] = {}
    cpu: list[float] = []

    def ingest(n: int, profile: cProfile.Profile | None = None) -> float:
        scan = Scan.objects.create(repository=repository, branch="main", status=ScanStatus.INGESTING,
                                   commit_sha=f"{n:040x}")  # fmt: skip
        started, cpu_started = time.perf_counter(), time.process_time()
        if profile:
            profile.enable()
        # One outer transaction (ingestion's own becomes a savepoint) so that PostgreSQL's
        # per-transaction counters say how many rows this ingestion wrote, table by table.
        with transaction.atomic():
            scan_ingest(scan, results[n % 2], churn={})
            with connection.cursor() as cursor:
                cursor.execute(
                    "SELECT relname, n_tup_ins + n_tup_upd + n_tup_del FROM pg_stat_xact_user_tables "
                    "WHERE n_tup_ins + n_tup_upd + n_tup_del > 0"
                )
                written.clear()
                written.update(dict(cursor.fetchall()))
        if profile:
            profile.disable()
        cpu.append(time.process_time() - cpu_started)
        return time.perf_counter() - started

    first = ingest(0)
    first_written = dict(written)
    again = [ingest(n) for n in range(1, args.repeat + 1)]
    print(f"first ingest {first:.2f} s; re-ingest after a one-file change: "
          f"median {statistics.median(again):.2f} s (runs {', '.join(f'{t:.2f}' for t in again)}), "
          f"client CPU median {statistics.median(cpu[1:]):.2f} s; "
          f"load {os.getloadavg()[0]:.1f}")  # fmt: skip
    tables = ", ".join(f"{table.removeprefix('auditor_')} {n}" for table, n in sorted(written.items()))
    print(f"rows written: first {sum(first_written.values())}, re-ingest {sum(written.values())} ({tables})")
    if args.profile:
        profile = cProfile.Profile()
        ingest(args.repeat + 1, profile)
        pstats.Stats(profile).sort_stats("cumulative").print_stats(35)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
