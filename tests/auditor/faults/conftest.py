"""The fault tests' world: their own PostgreSQL and Redis, this test process pointed at
them, two repositories with the counts of a clean scan of each, and workers to kill.

Liveness settings are short here (heartbeat every second, stale after four), the same in
this process (which runs the reaper, as beat would) and in the workers.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import psycopg
import pytest
from celery import Celery
from django.core.management import call_command
from django.db import connection, connections
from django.test import override_settings

from auditor.models import FileMetric, Finding, Repository, Scan, Team
from auditor.services.scan_pipeline import Outcome, scan_execute
from tests.auditor.faults.services import PG_BIN, REDIS_SERVER, Postgres, Redis
from tests.auditor.workers import Worker
from tests.conftest import make_git_repo

HEARTBEAT_INTERVAL = 1
HEARTBEAT_STALE = 4
MAX_ATTEMPTS = 3
# Above HEARTBEAT_STALE, as settings.py asks: a message redelivered after a worker's death
# finds the scan's heartbeat stale and takes the scan over.
VISIBILITY_TIMEOUT = 6
REQUEUE_AFTER = 3
# Files of the big repository: a scan of it spends seconds in the engine on two cores.
BIG_FILES = 500

LIVENESS = {
    "SCAN_HEARTBEAT_INTERVAL": HEARTBEAT_INTERVAL,
    "SCAN_HEARTBEAT_STALE": HEARTBEAT_STALE,
    "SCAN_MAX_ATTEMPTS": MAX_ATTEMPTS,
    "SCAN_REQUEUE_AFTER": REQUEUE_AFTER,
    "SCAN_RETRY_BACKOFF": 1,
    "SCAN_VISIBILITY_TIMEOUT": VISIBILITY_TIMEOUT,
    "SCAN_ENGINE_WORKERS": 2,
    "SCAN_ENGINE_CACHE_DIR": "",  # every scan does the whole work again
}


def _module(i: int) -> str:
    """A module with real work for the engine (a dozen branchy functions) and three findings."""
    lines = [f'"""Module {i}."""', "import hashlib", "import subprocess", ""]
    for j in range(12):
        lines += [
            f"def handler_{j}(value, flag=False):",
            "    total = 0",
            "    for k in range(value):",
            f"        if k % {j + 2} == 0 and flag:",
            "            total += k",
            "        elif k > 10:",
            "            total -= 1",
            f"    return total + {j}",
            "",
        ]
    lines += [
        "def digest(data):",
        "    return hashlib.md5(data).hexdigest()",
        "",
        "def run(cmd):",
        "    return subprocess.call(cmd, shell=True)",
        "",
    ]
    return "\n".join(lines)


@dataclass(frozen=True)
class Counts:
    file_metrics: int
    findings: int
    fingerprints: frozenset[str]


def counts_of(scan: Scan) -> Counts:
    fingerprints = list(Finding.objects.filter(scan=scan).values_list("fingerprint", flat=True))
    return Counts(FileMetric.objects.filter(scan=scan).count(), len(fingerprints), frozenset(fingerprints))


@dataclass
class Faults:
    pg: Postgres
    redis: Redis
    root: Path
    big: Repository  # a scan spends seconds in the engine: long enough to be killed mid-way
    small: Repository
    clean: dict[int, Counts]  # repository id -> a clean scan of its commit


def _require_tools() -> None:
    missing = []
    if PG_BIN is None:
        missing.append("PostgreSQL's initdb/pg_ctl")
    if REDIS_SERVER is None:
        missing.append("redis-server")
    if connection.vendor != "postgresql":
        missing.append("DATABASE_URL=postgres://…")
    if not missing:
        return
    reason = "the fault tests need " + ", ".join(missing)
    if os.environ.get("AUDITOR_REQUIRE_SERVICES") == "1":
        pytest.fail(reason)
    pytest.skip(reason)


def _drop_broker_pools(app: Celery) -> None:
    app._pool = None
    app.amqp._producer_pool = None


@contextmanager
def _this_process_on(pg: Postgres, redis: Redis) -> Iterator[None]:
    """Point this process's database connection and Celery producer at `pg` and `redis`."""
    with psycopg.connect(host="127.0.0.1", port=pg.port, user="postgres", dbname="postgres") as admin:
        admin.autocommit = True
        admin.execute("CREATE DATABASE auditor")
    from auditor.celery import app

    db = connections["default"]
    saved = dict(db.settings_dict)
    db.close()
    db.settings_dict.update(NAME="auditor", USER="postgres", PASSWORD="", HOST="127.0.0.1", PORT=str(pg.port))
    env = pytest.MonkeyPatch()
    # Celery reads CELERY_BROKER_URL before its own configuration, but keeps the pools
    # made for the broker it used first: dropped here, made again on next use.
    env.setenv("CELERY_BROKER_URL", redis.url)
    _drop_broker_pools(app)
    try:
        yield
    finally:
        env.undo()
        _drop_broker_pools(app)
        db.close()
        db.settings_dict.clear()
        db.settings_dict.update(saved)


@pytest.fixture(scope="module")
def faults(django_db_blocker, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Faults]:  # type: ignore[no-untyped-def]
    _require_tools()
    root = tmp_path_factory.mktemp("faults")
    pg, redis = Postgres(), Redis(root / "redis.log")
    try:
        pg.start()
        redis.start()
        liveness = override_settings(
            **LIVENESS,
            AUDITOR_LOCAL_REPO_ROOTS=[root / "repos"],
            AUDITOR_WORKSPACE_DIR=root / "workspaces",
        )
        with django_db_blocker.unblock(), _this_process_on(pg, redis), liveness:
            call_command("migrate", verbosity=0)
            team = Team.objects.create(name="Faults", slug="faults")
            big_source = make_git_repo(
                root / "repos" / "big", {f"pkg{i % 10}/mod{i}.py": _module(i) for i in range(BIG_FILES)}
            )
            small_source = make_git_repo(
                root / "repos" / "small", {f"app/mod{i}.py": _module(i) for i in range(12)}
            )
            big = Repository.objects.create(team=team, name="big", slug="big", clone_url=str(big_source))
            small = Repository.objects.create(
                team=team, name="small", slug="small", clone_url=str(small_source)
            )
            clean = {}
            for repository in (big, small):
                # In this process, without a fault: what every faulted scan must end up storing.
                reference = Scan.objects.create(repository=repository, branch="main")
                assert scan_execute(reference.pk) is Outcome.SUCCEEDED
                clean[repository.pk] = counts_of(reference)
                assert clean[repository.pk].findings > 0
            yield Faults(pg, redis, root, big, small, clean)
    finally:
        redis.stop()
        pg.remove()


@pytest.fixture
def start_workers(faults: Faults, tmp_path: Path) -> Iterator[Callable[..., list[Worker]]]:
    """Start workers against the private services; each is ready when returned, and ended after the test."""
    started: list[Worker] = []
    # Messages an earlier test's killed workers left unacknowledged would come back to
    # this test's workers: each test starts from an empty broker.
    faults.redis.flush()
    env = {
        **{k: v for k, v in os.environ.items() if k not in {"CELERY_QUEUE", "REDIS_CACHE_URL"}},
        **{name: str(value) for name, value in LIVENESS.items()},
        "DJANGO_SETTINGS_MODULE": "auditor.settings_test",
        "DATABASE_URL": faults.pg.url,
        "CELERY_BROKER_URL": faults.redis.url,
        "AUDITOR_VAR_DIR": str(tmp_path / "var"),
        "AUDITOR_LOCAL_REPO_ROOTS": str(faults.root / "repos"),
        "AUDITOR_WORKSPACE_DIR": str(tmp_path / "workspaces"),
    }

    def start(*names: str, concurrency: int = 1, **overrides: object) -> list[Worker]:
        worker_env = {**env, **{name: str(value) for name, value in overrides.items()}}
        # All started before any is waited for: they boot side by side.
        workers = [
            Worker(worker_env, tmp_path / f"{name}.log", name=name, concurrency=concurrency) for name in names
        ]
        started.extend(workers)
        return [worker.wait_ready() for worker in workers]

    try:
        yield start
    finally:
        for worker in started:
            worker.terminate()  # all at once: their warm shutdowns overlap
        for worker in started:
            worker.stop()
