"""auditor: the Django side (persistence, tasks, pages and people).

The Celery app is imported here so that `@shared_task` binds to it whenever
Django starts (web, worker, beat, management commands).
"""

from auditor.celery import app as celery_app

__all__ = ("celery_app",)
