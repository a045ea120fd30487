"""Scan control from the pages: the repository's schedule (save, pause, resume) and cancel."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from auditor.models import Role, ScheduleKind
from auditor.permissions import repository_for_user, scan_for_user
from auditor.services.scans import scan_cancel
from auditor.services.schedules import (
    MIN_INTERVAL_MINUTES,
    ScheduleInvalid,
    cron_parse,
    schedule_save,
    schedule_set_enabled,
)


class ScheduleForm(forms.Form):
    kind = forms.ChoiceField(choices=ScheduleKind.choices, initial=ScheduleKind.CRON)
    cron = forms.CharField(required=False, max_length=120, help_text="e.g. 0 2 * * 1-5")
    interval_minutes = forms.IntegerField(
        required=False, min_value=MIN_INTERVAL_MINUTES, max_value=60 * 24 * 31
    )
    branch = forms.CharField(required=False, max_length=255)

    def clean(self) -> dict[str, object]:
        data = super().clean() or {}
        if data.get("kind") == ScheduleKind.CRON:
            try:
                cron_parse(str(data.get("cron") or ""))
            except ScheduleInvalid as exc:
                self.add_error("cron", str(exc))
        elif data.get("kind") == ScheduleKind.INTERVAL and not data.get("interval_minutes"):
            self.add_error("interval_minutes", "Give the interval in minutes.")
        return data


@login_required
@require_POST
def schedule_update(request: HttpRequest, repository_id: int) -> HttpResponse:
    repository = repository_for_user(request.user, repository_id, Role.ADMIN)
    form = ScheduleForm(request.POST)
    if not form.is_valid():
        # The schedule card again, with what was typed and why it was refused (before, a
        # redirect reset a bad cron to the default `0 2 * * *`).
        return render(
            request,
            "auditor/schedules/edit.html",
            {"repository": repository, "schedule_form": form},
            status=400,
        )
    schedule_save(repository=repository, actor=request.user, **form.cleaned_data)
    messages.success(request, "Schedule saved.")
    return redirect("repository-detail", repository_id=repository.pk)


@login_required
@require_POST
def schedule_toggle(request: HttpRequest, repository_id: int) -> HttpResponse:
    repository = repository_for_user(request.user, repository_id, Role.ADMIN)
    enabled = request.POST.get("enabled") == "1"
    if schedule_set_enabled(repository=repository, actor=request.user, enabled=enabled) is None:
        messages.error(request, "This repository has no schedule.")
    else:
        messages.success(request, "Schedule resumed." if enabled else "Schedule paused.")
    return redirect("repository-detail", repository_id=repository.pk)


@login_required
@require_POST
def scan_cancel_view(request: HttpRequest, scan_id: int) -> HttpResponse:
    scan = scan_for_user(request.user, scan_id, Role.REVIEWER)
    if scan_cancel(scan=scan, actor=request.user):
        messages.success(request, f"Scan #{scan.pk} cancelled; the worker stops at its next step.")
    else:
        messages.error(request, f"Scan #{scan.pk} had already {scan.status}.")
    return redirect("scan-detail", scan_id=scan.pk)
