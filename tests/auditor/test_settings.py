"""Settings come from the environment and fail closed (checked in fresh processes)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PROBE = (
    "import django, json; django.setup(); from django.conf import settings as s; "
    "print(json.dumps([s.DATABASES['default']['ENGINE'], str(s.DATABASES['default']['NAME']), "
    "s.CELERY_BROKER_URL, s.DEBUG]))"
)


def _env(tmp_path: Path, **extra: str) -> dict[str, str]:
    keep = {k: v for k, v in os.environ.items() if k in {"PATH", "HOME", "LANG", "SYSTEMROOT"}}
    return {
        **keep,
        "AUDITOR_VAR_DIR": str(tmp_path / "var"),
        "DJANGO_SETTINGS_MODULE": "auditor.settings",
        **extra,
    }


def _run(args: list[str], env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(args, cwd=ROOT, env=env, capture_output=True, text=True, timeout=120)


def test_it_uses_sqlite_and_the_filesystem_broker_without_any_variables(tmp_path: Path) -> None:
    done = _run([sys.executable, "-c", PROBE], _env(tmp_path, SECRET_KEY="k"))
    assert done.returncode == 0, done.stderr
    engine, name, broker, debug = __import__("json").loads(done.stdout)
    assert engine == "django.db.backends.sqlite3"
    assert name == str(tmp_path / "var" / "auditor.sqlite3")
    assert broker == "filesystem://"
    assert debug is False
    assert (tmp_path / "var" / "broker" / "out").is_dir()


def test_it_switches_to_postgres_and_redis_from_urls(tmp_path: Path) -> None:
    env = _env(
        tmp_path,
        SECRET_KEY="k",
        DATABASE_URL="postgres://u@db.example:5432/audits",
        CELERY_BROKER_URL="redis://cache.example:6379/3",
    )
    done = _run([sys.executable, "-c", PROBE], env)
    assert done.returncode == 0, done.stderr
    engine, name, broker, _ = __import__("json").loads(done.stdout)
    assert (engine, name, broker) == (
        "django.db.backends.postgresql",
        "audits",
        "redis://cache.example:6379/3",
    )


SERVER_DATABASE = {"DATABASE_URL": "postgres://u@db.example:5432/audits"}


def test_it_refuses_to_start_without_secret_key_with_a_server_database(tmp_path: Path) -> None:
    done = _run([sys.executable, "manage.py", "check"], _env(tmp_path, **SERVER_DATABASE))
    assert done.returncode != 0
    assert "auditor.E001" in done.stderr
    assert "SECRET_KEY is not set (a server database is configured and DEBUG is off)" in done.stderr


def test_the_wsgi_entry_point_refuses_too(tmp_path: Path) -> None:
    done = _run([sys.executable, "-c", "import auditor.wsgi"], _env(tmp_path, **SERVER_DATABASE))
    assert done.returncode != 0
    assert "auditor refuses to start" in done.stderr
    assert "SECRET_KEY" in done.stderr


def test_debug_without_secret_key_generates_one_kept_under_var(tmp_path: Path) -> None:
    probe = "import django; django.setup(); from django.conf import settings; print(settings.SECRET_KEY)"
    first = _run([sys.executable, "-c", probe], _env(tmp_path, DEBUG="1"))
    second = _run([sys.executable, "-c", probe], _env(tmp_path, DEBUG="1"))
    assert first.returncode == 0, first.stderr
    assert first.stdout == second.stdout
    assert len(first.stdout.strip()) >= 50
    assert (tmp_path / "var" / "secret_key").stat().st_mode & 0o077 == 0


def test_a_malformed_boolean_is_an_error_not_a_guess(tmp_path: Path) -> None:
    done = _run([sys.executable, "-c", PROBE], _env(tmp_path, SECRET_KEY="k", DEBUG="maybe"))
    assert done.returncode != 0
    assert "DEBUG='maybe' is not a boolean" in done.stderr


def test_the_cache_is_shared_through_redis_only_when_asked(tmp_path: Path) -> None:
    probe = (
        "import django; django.setup(); from django.conf import settings; "
        "c = settings.CACHES['default']; print(c['BACKEND'], c.get('LOCATION', ''))"
    )
    local = _run([sys.executable, "-c", probe], _env(tmp_path, SECRET_KEY="k"))
    shared = _run(
        [sys.executable, "-c", probe], _env(tmp_path, SECRET_KEY="k", REDIS_CACHE_URL="redis://cache:6379/1")
    )
    assert local.stdout.split() == ["django.core.cache.backends.locmem.LocMemCache"]
    assert shared.stdout.split() == ["django.core.cache.backends.redis.RedisCache", "redis://cache:6379/1"]


def test_the_embedded_default_without_debug_finds_its_generated_key(tmp_path: Path) -> None:
    # `make run` serves without DEBUG; the README's `manage.py add_repo/scan/export` then run
    # in the same checkout without any variable and must find the same key (issue 12).
    probe = "import django; django.setup(); from django.conf import settings; print(settings.SECRET_KEY)"
    check = _run([sys.executable, "manage.py", "check"], _env(tmp_path))
    first = _run([sys.executable, "-c", probe], _env(tmp_path))
    second = _run([sys.executable, "-c", probe], _env(tmp_path, DEBUG="1"))
    assert check.returncode == 0, check.stderr
    assert first.returncode == 0, first.stderr
    assert first.stdout == second.stdout
    assert first.stdout.strip() == (tmp_path / "var" / "secret_key").read_text()
    assert (tmp_path / "var" / "secret_key").stat().st_mode & 0o077 == 0
    assert [p.name for p in (tmp_path / "var").iterdir() if p.name.startswith(".secret_key")] == []
