"""The Celery application; configuration comes from Django settings (CELERY_*)."""

from __future__ import annotations

import multiprocessing
import os

from celery import Celery
from celery.signals import worker_init, worker_process_init

from auditor.checks import fail_closed

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "auditor.settings")

app = Celery("auditor")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


@worker_init.connect
def _refuse_unsafe_configuration(**_: object) -> None:
    # Workers do not run Django's system checks; fail closed here as the web does.
    fail_closed()


@worker_process_init.connect
def _allow_engine_process_pool(**_: object) -> None:
    # Prefork children are marked daemonic, and daemonic processes may not start
    # children; the engine runs each scan on a process pool of its own, which it shuts
    # down when the scan ends (and whose workers exit if this child is killed).
    multiprocessing.current_process()._config["daemon"] = False  # type: ignore[attr-defined]
