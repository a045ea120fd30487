"""The documented production environment passes Django's deployment checks."""

from __future__ import annotations

import os
import secrets
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def _example_environment() -> dict[str, str]:
    env = {}
    for line in (ROOT / ".env.example").read_text().splitlines():
        if line.strip() and not line.startswith("#"):
            name, _, value = line.partition("=")
            env[name.strip()] = value.strip()
    return env


def _manage(env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    base = {"PATH": os.environ["PATH"], "HOME": os.environ.get("HOME", "/tmp")}
    return subprocess.run(
        [sys.executable, "manage.py", *args], cwd=ROOT, env={**base, **env}, capture_output=True, text=True
    )


def test_check_deploy_is_clean_with_the_example_production_environment() -> None:
    env = {**_example_environment(), "SECRET_KEY": secrets.token_urlsafe(50)}  # the one value to set

    done = _manage(env, "check", "--deploy", "--fail-level", "WARNING")

    assert done.returncode == 0, done.stdout + done.stderr
    assert "System check identified no issues" in done.stdout


def test_the_https_settings_are_what_check_deploy_asks_for() -> None:
    env = {**_example_environment(), "SECRET_KEY": secrets.token_urlsafe(50), "SECURE_SSL_REDIRECT": "0"}

    done = _manage(env, "check", "--deploy", "--fail-level", "WARNING")

    assert done.returncode != 0
    assert "security.W008" in done.stdout + done.stderr
