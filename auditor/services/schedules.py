"""Repository scan schedules, stored as django-celery-beat periodic tasks.

Beat calls `auditor.run_scheduled_scan(repository_id)`; `scheduled_scan_run` skips (and
says so) while a scan of the same repository and branch is queued or running. The
check and the insert happen under a row lock on the repository, so two ticks cannot
both see "nothing running" and both queue.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime, timedelta

from celery.schedules import crontab
from cron_descriptor import get_description
from django.conf import settings
from django.contrib.auth.models import AnonymousUser, User
from django.db import transaction
from django.utils import timezone
from django_celery_beat.models import CrontabSchedule, IntervalSchedule, PeriodicTask

from auditor.models import ACTIVE_STATUSES, Repository, RepositorySchedule, Scan, ScanTrigger, ScheduleKind
from auditor.services.audit import audit_record
from auditor.services.scans import scan_request

TASK_NAME = "auditor.run_scheduled_scan"
MIN_INTERVAL_MINUTES = 5
CRON_FIELDS = ("minute", "hour", "day_of_month", "month_of_year", "day_of_week")


class ScheduleInvalid(ValueError):
    """A cron expression or interval that cannot be scheduled; the message is for the user."""


def cron_parse(expression: str) -> dict[str, str]:
    """The five cron fields of `expression`, validated the way beat will read them."""
    parts = expression.split()
    if len(parts) != 5:
        raise ScheduleInvalid(
            f"A cron expression has 5 fields (minute hour day-of-month month day-of-week); got {len(parts)}."
        )
    fields = dict(zip(CRON_FIELDS, parts, strict=True))
    try:
        crontab(**fields)
    except (ValueError, KeyError, IndexError) as exc:
        raise ScheduleInvalid(f"Invalid cron expression {expression!r}: {exc}") from None
    return fields


def cron_describe(expression: str) -> str:
    """The expression in plain words ("At 02:00 AM, only on Monday")."""
    try:
        return str(get_description(expression))
    except Exception:  # the describer's own error types vary by version; it is display only
        return expression


@dataclass(frozen=True)
class ScheduleView:
    """What the repository page shows about a schedule."""

    schedule: RepositorySchedule
    description: str
    next_run: datetime | None


def schedule_describe(schedule: RepositorySchedule, now: datetime | None = None) -> ScheduleView:
    """Plain words and the next run time of `schedule` (None while paused)."""
    now = now or timezone.now()
    if schedule.kind == ScheduleKind.CRON:
        description = cron_describe(schedule.cron)
        fields = cron_parse(schedule.cron)
        tz = timezone.get_default_timezone()
        entry = crontab(**fields, nowfun=lambda: now.astimezone(tz))
        next_run = now + entry.remaining_estimate(now.astimezone(tz))
    else:
        minutes = schedule.interval_minutes or 0
        description = f"Every {minutes} minutes" if minutes != 60 else "Every hour"
        base = schedule.last_run_at or schedule.updated_at or now
        next_run = max(base + timedelta(minutes=minutes), now)
    return ScheduleView(schedule, description, next_run if schedule.enabled else None)


def _beat_schedule(kind: str, cron: str, interval_minutes: int | None) -> dict[str, object]:
    if kind == ScheduleKind.CRON:
        crontab_row, _ = CrontabSchedule.objects.get_or_create(
            **cron_parse(cron), timezone=settings.TIME_ZONE
        )
        return {"crontab": crontab_row, "interval": None}
    if not interval_minutes or interval_minutes < MIN_INTERVAL_MINUTES:
        raise ScheduleInvalid(f"The interval must be at least {MIN_INTERVAL_MINUTES} minutes.")
    interval_row, _ = IntervalSchedule.objects.get_or_create(
        every=interval_minutes, period=IntervalSchedule.MINUTES
    )
    return {"crontab": None, "interval": interval_row}


def schedule_save(
    *,
    repository: Repository,
    actor: User | AnonymousUser | None,
    kind: str,
    cron: str = "",
    interval_minutes: int | None = None,
    branch: str = "",
) -> RepositorySchedule:
    """Create or update the repository's schedule and its periodic task (enabled)."""
    kind = ScheduleKind(kind)
    cron = " ".join(cron.split()) if kind == ScheduleKind.CRON else ""
    with transaction.atomic():
        beat = _beat_schedule(kind, cron, interval_minutes)
        task, _ = PeriodicTask.objects.update_or_create(
            name=f"repository-{repository.pk}-scan",
            defaults={
                "task": TASK_NAME,
                "kwargs": json.dumps({"repository_id": repository.pk}),
                "enabled": True,
                "description": f"Scheduled scan of {repository.name}",
                **beat,
            },
        )
        schedule, created = RepositorySchedule.objects.update_or_create(
            repository=repository,
            defaults={
                "periodic_task": task,
                "kind": kind,
                "cron": cron,
                "interval_minutes": interval_minutes if kind == ScheduleKind.INTERVAL else None,
                "branch": branch.strip(),
                "enabled": True,
            },
        )
        audit_record(
            team=repository.team,
            actor=actor,
            action="schedule.created" if created else "schedule.updated",
            obj=repository,
            details={
                "kind": kind,
                "cron": cron,
                "interval_minutes": schedule.interval_minutes,
                "branch": branch,
            },
        )
    return schedule


def schedule_set_enabled(
    *, repository: Repository, actor: User | AnonymousUser | None, enabled: bool
) -> RepositorySchedule | None:
    """Pause (`enabled=False`) or resume the schedule; None when there is none."""
    with transaction.atomic():
        schedule = RepositorySchedule.objects.select_for_update().filter(repository=repository).first()
        if schedule is None:
            return None
        schedule.enabled = enabled
        schedule.save(update_fields=["enabled", "updated_at"])
        if schedule.periodic_task_id:
            # Saving the row (not a queryset update) bumps beat's change marker so it reloads.
            task = PeriodicTask.objects.get(pk=schedule.periodic_task_id)
            task.enabled = enabled
            task.save()
        audit_record(
            team=repository.team,
            actor=actor,
            action="schedule.resumed" if enabled else "schedule.paused",
            obj=repository,
        )
    return schedule


def scheduled_scan_run(repository_id: int) -> str:
    """Beat's tick: queue a scan unless one of the same repository and branch is active."""
    with transaction.atomic():
        repository = (
            Repository.objects.select_for_update().select_related("team").filter(pk=repository_id).first()
        )
        if repository is None:
            return "skipped: repository deleted"
        schedule = RepositorySchedule.objects.filter(repository=repository).first()
        if schedule is None or not schedule.enabled or not repository.active:
            return "skipped: schedule paused or repository inactive"
        branch = schedule.branch or repository.default_branch
        busy = (
            Scan.objects.filter(repository=repository, branch=branch, status__in=ACTIVE_STATUSES)
            .order_by("-created_at")
            .values_list("pk", flat=True)
            .first()
        )
        if busy is not None:
            outcome = f"skipped: scan #{busy} of {branch} is still queued or running"
            audit_record(
                team=repository.team,
                actor=None,
                action="schedule.skipped",
                obj=repository,
                details={"branch": branch, "active_scan": busy},
            )
        else:
            scan = scan_request(repository=repository, trigger=ScanTrigger.SCHEDULE, branch=branch)
            outcome = f"queued scan #{scan.pk}"
        RepositorySchedule.objects.filter(pk=schedule.pk).update(
            last_run_at=timezone.now(), last_outcome=outcome
        )
    return outcome
