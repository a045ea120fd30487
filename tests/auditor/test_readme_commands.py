"""The README's "Using it" commands, run as written on a fresh embedded set-up (issue 12).

The checkout is copied into a temporary directory with `.venv` pointing at this
interpreter's environment, so `.venv/bin/python manage.py …` and `$PWD/var/…` mean there
what they mean in a fresh clone after `make run`: no variables at all (no DEBUG, no
SECRET_KEY, no DATABASE_URL), SQLite and the filesystem broker under `var/`, and a Celery
worker beside it as `make run` starts one. Before the fix, every manage.py line stopped
with `auditor.E001 SECRET_KEY is not set`.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import signal
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
CHECKOUT = ("manage.py", "auditor", "scanners", "templates", "static")
# What each line of the README should end with: the engine alone exits 1 on the sample,
# which has high findings (the README says so).
EXPECTED_EXIT = [0, 0, 0, 1]


def readme_commands() -> list[str]:
    """The command lines of the first ```sh block under "## Using it", comments kept."""
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    section = text.split("\n## Using it\n", 1)[1].split("\n## ", 1)[0]
    block = re.search(r"```sh\n(.*?)```", section, re.DOTALL)
    assert block is not None, "README's Using it section has no ```sh block"
    return [line for line in block.group(1).splitlines() if line.strip() and not line.startswith("#")]


def _environment() -> dict[str, str]:
    return {k: v for k, v in os.environ.items() if k in {"PATH", "HOME", "LANG", "TMPDIR"}}


@pytest.fixture
def fresh_checkout(tmp_path: Path) -> Iterator[Path]:
    """A copy of the checkout after `make run`'s set-up steps, with its worker running."""
    checkout = tmp_path / "auditor"
    checkout.mkdir()
    for name in CHECKOUT:
        source = ROOT / name
        if source.is_dir():
            shutil.copytree(source, checkout / name, ignore=shutil.ignore_patterns("__pycache__"))
        else:
            shutil.copy2(source, checkout / name)
    (checkout / ".venv").symlink_to(Path(sys.prefix))
    env = _environment()
    python = str(checkout / ".venv" / "bin" / "python")
    for step in (["manage.py", "migrate", "--noinput"], ["manage.py", "createdemo"]):  # as `make run`
        done = subprocess.run(
            [python, *step], cwd=checkout, env=env, capture_output=True, text=True, timeout=300
        )
        assert done.returncode == 0, done.stdout + done.stderr
    worker = subprocess.Popen(
        [python, "-m", "celery", "-A", "auditor", "worker", "--concurrency=1", "--loglevel=WARNING"],
        cwd=checkout,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    try:
        yield checkout
    finally:
        os.killpg(worker.pid, signal.SIGTERM)
        try:
            worker.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(worker.pid, signal.SIGKILL)
            worker.wait()


def test_the_readme_lists_the_commands_this_test_expects() -> None:
    commands = readme_commands()
    assert len(commands) == len(EXPECTED_EXIT), commands
    assert all(c.startswith(".venv/bin/python ") for c in commands)


def test_the_readme_commands_run_as_written(fresh_checkout: Path) -> None:
    outputs = []
    for command, expected in zip(readme_commands(), EXPECTED_EXIT, strict=True):
        done = subprocess.run(
            ["bash", "-c", command],
            cwd=fresh_checkout,
            env=_environment(),
            capture_output=True,
            text=True,
            timeout=600,
        )
        assert done.returncode == expected, f"{command}\n{done.stdout}\n{done.stderr}"
        assert "auditor.E001" not in done.stderr
        outputs.append(done.stdout)

    assert re.search(r"Registered sample \(id \d+, branch main\) for team Payments\.", outputs[0])
    assert "Scan #2 succeeded" in outputs[1]
    sarif = json.loads((fresh_checkout / "sample.sarif").read_text(encoding="utf-8-sig"))
    assert sarif["version"] == "2.1.0"
    assert sarif["runs"][0]["results"]
    engine = json.loads((fresh_checkout / "audit.sarif").read_text(encoding="utf-8-sig"))
    assert {r["level"] for r in engine["runs"][0]["results"]} >= {"error"}
    key = fresh_checkout / "var" / "secret_key"
    assert key.stat().st_mode & 0o077 == 0
