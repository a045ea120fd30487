"""PostgreSQL and Redis instances of the fault tests' own, on free ports.

A test that kills or restarts a service does it to one of these: the machine's own
PostgreSQL (5432) and Redis (6379) are never touched.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import socket
import subprocess
import tempfile
import time
from pathlib import Path

import redis

REDIS_SERVER = shutil.which("redis-server")
_PG_CTL = shutil.which("pg_ctl")
# The server's own bin directory (pg_ctl on PATH is often a symlink into it).
PG_BIN = Path(_PG_CTL).resolve().parent if _PG_CTL else None
# PostgreSQL refuses to run as root; as root, run it as the `postgres` OS user.
AS_POSTGRES = ["runuser", "-u", "postgres", "--"] if os.geteuid() == 0 else []


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class Postgres:
    """initdb + pg_ctl in a temporary directory the server's user owns."""

    def __init__(self) -> None:
        assert PG_BIN is not None
        self.port = free_port()
        self.home = Path(tempfile.mkdtemp(prefix="auditor-faults-pg-"))
        if AS_POSTGRES:
            shutil.chown(self.home, "postgres")
        self.data = self.home / "data"
        self._run(PG_BIN / "initdb", "-D", self.data, "-U", "postgres", "-A", "trust", "--no-sync")

    def _run(self, *args: object) -> None:
        subprocess.run([*AS_POSTGRES, *map(str, args)], check=True, capture_output=True, timeout=120)

    def _ctl(self, *args: object) -> None:
        assert PG_BIN is not None
        self._run(PG_BIN / "pg_ctl", "-D", self.data, "-w", *args)

    @property
    def url(self) -> str:
        return f"postgres://postgres@127.0.0.1:{self.port}/auditor"

    def start(self) -> None:
        # fsync off: the data is thrown away, and the tests wait on it.
        options = f"-p {self.port} -k {self.home} -c listen_addresses=127.0.0.1 -c fsync=off"
        self._ctl("-o", options, "-l", self.home / "server.log", "start")

    def stop(self) -> None:
        # fast: roll back open transactions and close every session, as a restart does.
        self._ctl("-m", "fast", "stop")

    def restart(self) -> None:
        self.stop()
        self.start()

    def remove(self) -> None:
        with contextlib.suppress(subprocess.CalledProcessError):  # already stopped
            self._ctl("-m", "immediate", "stop")
        shutil.rmtree(self.home, ignore_errors=True)


class Redis:
    """redis-server without persistence: a restart loses every queued message."""

    def __init__(self, log_path: Path) -> None:
        self.port = free_port()
        self.log_path = log_path
        self.process: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self) -> None:
        assert REDIS_SERVER is not None
        with self.log_path.open("a") as log:
            self.process = subprocess.Popen(
                [
                    REDIS_SERVER,
                    "--port",
                    str(self.port),
                    "--bind",
                    "127.0.0.1",
                    "--save",
                    "",
                    "--appendonly",
                    "no",
                ],
                stdout=log,
                stderr=subprocess.STDOUT,
            )
        client = redis.Redis(port=self.port)
        deadline = time.monotonic() + 10
        while True:
            try:
                client.ping()
                return
            except redis.ConnectionError:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.05)

    def flush(self) -> None:
        redis.Redis(port=self.port).flushall()

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            self.process.wait(timeout=10)

    def restart(self) -> None:
        self.stop()
        self.start()
