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
    process = multiprocessing.current_process()
    process._config["daemon"] = False  # type: ignore[attr-defined]
    # The pool's workers are spawned, and spawning pickles this process's authkey, which
    # billiard (whose process this is) keeps as its own AuthenticationString, whose
    # pickling is refused outside billiard's spawning ("Pickling an AuthenticationString
    # object is disallowed"). The same key as multiprocessing's own type pickles.
    key = multiprocessing.process.AuthenticationString(bytes(process.authkey))  # type: ignore[attr-defined]
    process._config["authkey"] = key  # type: ignore[attr-defined]
