"""Schedules: the form creates, updates, pauses the periodic task; cron validation; the
skip-while-running rule."""

from __future__ import annotations

import json

import pytest
from django.test import Client
from django_celery_beat.models import PeriodicTask

from auditor.models import AuditEvent, Repository, RepositorySchedule, Scan, ScanStatus, ScanTrigger
from auditor.services.schedules import (
    schedule_describe,
    schedule_save,
    schedule_set_enabled,
    scheduled_scan_run,
)
from auditor.tasks import run_scheduled_scan
from tests.auditor.conftest import Personas


def _client(user: object) -> Client:
    client = Client()
    client.force_login(user)  # type: ignore[arg-type]
    return client


def test_the_form_creates_then_updates_the_periodic_task(personas: Personas, repository: Repository) -> None:
    client = _client(personas.admin)
    url = f"/repositories/{repository.pk}/schedule/"
    client.post(url, {"kind": "cron", "cron": "0 2 * * 1-5", "branch": ""})
    task = PeriodicTask.objects.get(name=f"repository-{repository.pk}-scan")
    assert task.enabled
    assert task.task == "auditor.run_scheduled_scan"
    assert json.loads(task.kwargs) == {"repository_id": repository.pk}
    assert (task.crontab.minute, task.crontab.hour, task.crontab.day_of_week) == ("0", "2", "1-5")

    client.post(url, {"kind": "interval", "interval_minutes": "30"})
    task.refresh_from_db()
    assert task.crontab is None
    assert task.interval.every == 30
    assert PeriodicTask.objects.filter(task="auditor.run_scheduled_scan").count() == 1
    assert AuditEvent.objects.filter(action__startswith="schedule.").count() == 2


def test_pause_and_resume_toggle_the_periodic_task(personas: Personas, repository: Repository) -> None:
    schedule_save(repository=repository, actor=personas.admin, kind="cron", cron="*/30 * * * *")  # type: ignore[arg-type]
    client = _client(personas.admin)
    client.post(f"/repositories/{repository.pk}/schedule/toggle/", {"enabled": "0"})
    schedule = RepositorySchedule.objects.get()
    assert not schedule.enabled
    assert not PeriodicTask.objects.get().enabled
    assert schedule_describe(schedule).next_run is None
    client.post(f"/repositories/{repository.pk}/schedule/toggle/", {"enabled": "1"})
    assert PeriodicTask.objects.get().enabled


@pytest.mark.parametrize(
    ("cron", "message"),
    [("61 * * * *", "Invalid cron expression"), ("every day", "has 5 fields"), ("* * * *", "has 5 fields")],
)
def test_a_bad_cron_expression_gets_a_clear_message(
    personas: Personas, repository: Repository, cron: str, message: str
) -> None:
    response = _client(personas.admin).post(
        f"/repositories/{repository.pk}/schedule/", {"kind": "cron", "cron": cron}, follow=True
    )
    assert message in response.content.decode()
    assert not PeriodicTask.objects.exists()


def test_a_refused_schedule_keeps_what_was_typed(personas: Personas, repository: Repository) -> None:
    # Before: a redirect to the repository page, whose form showed `0 2 * * *` again.
    response = _client(personas.admin).post(
        f"/repositories/{repository.pk}/schedule/",
        {"kind": "cron", "cron": "61 * * * *", "branch": "release"},
    )
    body = response.content.decode()
    assert response.status_code == 400
    assert 'name="cron" value="61 * * * *"' in body
    assert 'name="branch" value="release"' in body
    assert "0 2 * * *" not in body.split('name="cron"', 1)[1].split(">", 1)[0]
    assert "Schedule not saved: Invalid cron expression" in body


def test_only_admins_edit_schedules(personas: Personas, repository: Repository) -> None:
    url = f"/repositories/{repository.pk}/schedule/"
    assert _client(personas.reviewer).post(url, {"kind": "cron", "cron": "0 2 * * *"}).status_code == 403
    assert _client(personas.outsider).post(url, {"kind": "cron", "cron": "0 2 * * *"}).status_code == 404


def test_the_repository_page_shows_the_schedule_in_plain_words(
    personas: Personas, repository: Repository
) -> None:
    schedule_save(repository=repository, actor=personas.admin, kind="cron", cron="0 2 * * 1-5")  # type: ignore[arg-type]
    body = _client(personas.viewer).get(f"/repositories/{repository.pk}/").content.decode()
    assert "At 02:00 AM, Monday through Friday" in body
    assert "Next run" in body
    assert "Save schedule" not in body  # viewers see it, admins change it


def test_a_tick_queues_a_scheduled_scan(personas: Personas, repository: Repository) -> None:
    schedule_save(repository=repository, actor=None, kind="interval", interval_minutes=60)
    outcome = scheduled_scan_run(repository.pk)
    scan = Scan.objects.get()
    assert outcome == f"queued scan #{scan.pk}"
    assert scan.trigger == ScanTrigger.SCHEDULE
    assert RepositorySchedule.objects.get().last_outcome == outcome


@pytest.mark.parametrize("status", [ScanStatus.QUEUED, ScanStatus.CLONING, ScanStatus.INGESTING])
def test_a_tick_is_skipped_while_a_scan_of_the_branch_is_active(
    personas: Personas, repository: Repository, status: str
) -> None:
    schedule_save(repository=repository, actor=None, kind="interval", interval_minutes=60)
    busy = Scan.objects.create(repository=repository, branch="main", status=status)
    outcome = scheduled_scan_run(repository.pk)
    assert outcome.startswith("skipped")
    assert f"#{busy.pk}" in outcome
    assert Scan.objects.count() == 1
    assert AuditEvent.objects.filter(action="schedule.skipped").exists()


def test_an_active_scan_of_another_branch_does_not_block(personas: Personas, repository: Repository) -> None:
    schedule_save(repository=repository, actor=None, kind="interval", interval_minutes=60)
    Scan.objects.create(repository=repository, branch="develop", status=ScanStatus.SCANNING)
    assert scheduled_scan_run(repository.pk).startswith("queued")


def test_a_paused_schedule_does_not_scan(personas: Personas, repository: Repository) -> None:

    schedule_save(repository=repository, actor=None, kind="interval", interval_minutes=60)
    schedule_set_enabled(repository=repository, actor=None, enabled=False)
    assert scheduled_scan_run(repository.pk).startswith("skipped")
    assert not Scan.objects.exists()


def test_the_beat_task_is_a_thin_wrapper(personas: Personas, repository: Repository) -> None:

    schedule_save(repository=repository, actor=None, kind="cron", cron="0 * * * *")
    assert PeriodicTask.objects.get().task == run_scheduled_scan.name
    assert run_scheduled_scan(repository.pk).startswith("queued scan #")
    assert run_scheduled_scan(repository.pk).startswith("skipped")  # the first is still queued
