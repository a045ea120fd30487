"""Real Celery worker processes for the integration tests, and what a test does to them."""

from __future__ import annotations

import contextlib
import os
import re
import signal
import subprocess
import sys
import time
from collections.abc import Mapping
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def child_pids(pid: int) -> list[int]:
    """The processes whose parent is `pid`, read from /proc."""
    found = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            # "pid (comm) state ppid ...": comm may hold spaces and parentheses.
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except (OSError, IndexError):
            continue
        if int(fields[1]) == pid:
            found.append(int(stat.parent.name))
    return sorted(found)


class Worker:
    """`celery worker` in a process group of its own, logging to `log_path`."""

    def __init__(self, env: Mapping[str, str], log_path: Path, *, name: str, concurrency: int) -> None:
        self.log_path = log_path
        with log_path.open("w") as log:
            self.process = subprocess.Popen(
                [
                    sys.executable,
                    "-m",
                    "celery",
                    "-A",
                    "auditor",
                    "worker",
                    f"--concurrency={concurrency}",
                    "--hostname",
                    f"{name}@%h",
                    "--without-gossip",
                    "--without-mingle",
                    "--loglevel=INFO",
                ],
                cwd=ROOT,
                env=dict(env),
                stdout=log,
                stderr=subprocess.STDOUT,
                # Its own group, so that stop() also ends whatever a killed worker left.
                start_new_session=True,
            )

    @property
    def pid(self) -> int:
        return self.process.pid

    def log(self) -> str:
        return self.log_path.read_text(errors="replace")

    def wait_for(self, pattern: str, count: int = 1, timeout: float = 60) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if len(re.findall(pattern, self.log())) >= count:
                return
            if self.process.poll() is not None:
                break
            time.sleep(0.1)
        raise AssertionError(f"worker log never showed {pattern!r} x{count}:\n{self.log()[-3000:]}")

    def wait_ready(self) -> Worker:
        self.wait_for(r"ready\.")
        return self

    def children(self) -> list[int]:
        """The pool's processes (prefork children)."""
        return child_pids(self.pid)

    def kill_children(self) -> list[int]:
        """SIGKILL every pool process, as the OOM killer would; the worker replaces them."""
        children = self.children()
        assert children, "the worker has no pool processes"
        for pid in children:
            os.kill(pid, signal.SIGKILL)
        return children

    def kill(self) -> None:
        """SIGKILL the pool processes, then the worker itself."""
        self.kill_children()
        self.process.kill()
        self.process.wait(timeout=30)

    def terminate(self) -> None:
        """Ask the worker for a warm shutdown (SIGTERM), without waiting for it."""
        if self.process.poll() is None:
            self.process.terminate()

    def stop(self) -> None:
        """End the worker and anything left of its process group."""
        if self.process.poll() is None:
            self.terminate()
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=30)
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.pid, signal.SIGKILL)
