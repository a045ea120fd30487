"""Start-up checks: configuration that would be unsafe stops the process."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.conf import settings
from django.core import checks

CONFIG_TAG = "auditor-config"


@checks.register(CONFIG_TAG, deploy=False)
def check_secret_key(app_configs: Sequence[Any] | None = None, **_: Any) -> list[checks.CheckMessage]:
    if not settings.SECRET_KEY_MISSING:
        return []
    return [
        checks.Error(
            "SECRET_KEY is not set (a server database is configured and DEBUG is off).",
            hint=(
                "Set SECRET_KEY in the environment (e.g. `python -c 'import secrets; "
                "print(secrets.token_urlsafe(50))'`), or unset DATABASE_URL for the embedded local set-up, "
                "which keeps a generated key under var/."
            ),
            id="auditor.E001",
        )
    ]


@checks.register(CONFIG_TAG)
def check_local_repo_roots(app_configs: Sequence[Any] | None = None, **_: Any) -> list[checks.CheckMessage]:
    relative = [str(p) for p in settings.AUDITOR_LOCAL_REPO_ROOTS if not p.is_absolute()]
    if not relative:
        return []
    return [
        checks.Error(
            f"AUDITOR_LOCAL_REPO_ROOTS must list absolute paths; got {', '.join(relative)}.",
            id="auditor.E002",
        )
    ]


def fail_closed() -> None:
    """Run our configuration checks outside manage.py (gunicorn, celery) and exit on error."""
    errors = [m for m in checks.run_checks(tags=[CONFIG_TAG]) if m.is_serious()]
    if errors:
        lines = "\n".join(f"  {m.id}: {m.msg} {m.hint or ''}".rstrip() for m in errors)
        raise SystemExit(f"auditor refuses to start:\n{lines}")
