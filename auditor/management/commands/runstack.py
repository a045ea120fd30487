"""Web, worker and beat in one foreground process group (the embedded default)."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from typing import Any

from django.core.management.base import BaseCommand, CommandParser


class Command(BaseCommand):
    help = "Run the web server, a Celery worker and Celery beat together; Ctrl-C stops all three."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--addr", default="127.0.0.1:8000")
        parser.add_argument("--concurrency", type=int, default=1, help="worker processes")

    def handle(self, *args: Any, **options: Any) -> None:
        python = sys.executable
        commands = {
            "web": [python, "manage.py", "runserver", options["addr"], "--noreload"],
            "worker": [
                python,
                "-m",
                "celery",
                "-A",
                "auditor",
                "worker",
                "--loglevel=INFO",
                f"--concurrency={options['concurrency']}",
            ],
            "beat": [python, "-m", "celery", "-A", "auditor", "beat", "--loglevel=INFO"],
        }
        children = {name: subprocess.Popen(cmd, env=os.environ.copy()) for name, cmd in commands.items()}
        self.stdout.write(f"web on http://{options['addr']}, worker and beat started; Ctrl-C stops all.")

        stopping = False

        def stop(signum: int, _frame: Any) -> None:
            nonlocal stopping
            stopping = True

        signal.signal(signal.SIGINT, stop)
        signal.signal(signal.SIGTERM, stop)
        exit_code = 0
        while not stopping:
            for name, child in children.items():
                if child.poll() is not None:
                    self.stderr.write(f"{name} exited with {child.returncode}; stopping the others.")
                    exit_code = child.returncode or 1
                    stopping = True
                    break
            time.sleep(0.5)
        for child in children.values():
            if child.poll() is None:
                child.send_signal(signal.SIGTERM)
        deadline = time.monotonic() + 15
        for child in children.values():
            try:
                child.wait(timeout=max(0.1, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                child.kill()
        if exit_code:
            raise SystemExit(exit_code)
