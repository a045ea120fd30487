"""The Celery application; configuration comes from Django settings (CELERY_*)."""

from __future__ import annotations

import os

from celery import Celery
from celery.signals import worker_init

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "auditor.settings")

app = Celery("auditor")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


@worker_init.connect
def _refuse_unsafe_configuration(**_: object) -> None:
    # Workers do not run Django's system checks; fail closed here as the web does.
    from auditor.checks import fail_closed

    fail_closed()
