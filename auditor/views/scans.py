"""Scan pages: trigger, detail, live status partial."""

from __future__ import annotations

import dataclasses
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.functional import SimpleLazyObject
from django.views.decorators.http import require_GET, require_POST

from auditor.models import Category, Role, ScanStatus, ScanTrigger
from auditor.permissions import repository_for_user, scan_for_user
from auditor.selectors.page_cache import page_cache_key
from auditor.selectors.scans import (
    SEVERITY_ORDER,
    TESTS_CHOICES,
    FindingFilters,
    category_breakdown,
    finding_page,
    severity_breakdown,
    team_hides_test_findings,
    tests_filter_value,
)
from auditor.services.scans import scan_request


@login_required
@require_POST
def scan_create(request: HttpRequest, repository_id: int) -> HttpResponse:
    repository = repository_for_user(request.user, repository_id, Role.REVIEWER)
    if not repository.active:
        messages.error(request, f"{repository.name} is deactivated: an admin reactivates it in its settings.")
        return redirect("repository-detail", repository_id=repository.pk)
    scan = scan_request(repository=repository, trigger=ScanTrigger.MANUAL, requested_by=request.user)
    messages.success(request, f"Scan #{scan.pk} of {repository.name} queued.")
    return redirect("scan-detail", scan_id=scan.pk)


@login_required
@require_GET
def scan_detail(request: HttpRequest, scan_id: int) -> HttpResponse:
    scan = scan_for_user(request.user, scan_id)
    requested = FindingFilters.from_query(request.GET.dict())
    # Lazy: the team's default is read only when the findings section renders (a cached
    # page costs no query for it).
    filters: Any = SimpleLazyObject(
        lambda: dataclasses.replace(
            requested,
            tests=tests_filter_value(requested.tests, team_hides_test_findings(scan.repository.team_id)),
        )
    )
    number = request.GET.get("page")
    size = settings.SCAN_FINDINGS_PAGE_SIZE
    return render(
        request,
        "auditor/scans/detail.html",
        {
            "scan": scan,
            "repository": scan.repository,
            "page": SimpleLazyObject(lambda: finding_page(scan, filters, number, size)),
            "filters": filters,
            "filter_query": requested.as_query(),
            "tests_choices": TESTS_CHOICES,
            "severities": severity_breakdown(scan),
            "categories": category_breakdown(scan),
            "severity_choices": SEVERITY_ORDER,
            "category_choices": Category.choices,
            "section_key": page_cache_key(
                "scan", scan.repository, user_id=request.user.pk, path=request.build_absolute_uri()
            ),
        },
    )


@login_required
@require_GET
def scan_status(request: HttpRequest, scan_id: int) -> HttpResponse:
    """The status block alone; the scan page polls it while the scan runs."""
    scan = scan_for_user(request.user, scan_id)
    response = render(request, "auditor/partials/scan_status.html", {"scan": scan})
    # Tells the poller to reload the whole page once the scan is done.
    response["X-Scan-Finished"] = "1" if scan.is_finished else "0"
    return response


@login_required
@require_POST
def scan_retry(request: HttpRequest, scan_id: int) -> HttpResponse:
    """Queue a new scan of a failed or cancelled scan's branch."""
    failed = scan_for_user(request.user, scan_id, Role.REVIEWER)
    repository = failed.repository
    if failed.status not in (ScanStatus.FAILED, ScanStatus.CANCELLED):
        messages.error(request, f"Scan #{failed.pk} has not failed; nothing to retry.")
        return redirect("scan-detail", scan_id=failed.pk)
    if not repository.active:
        messages.error(request, f"{repository.name} is deactivated: an admin reactivates it in its settings.")
        return redirect("scan-detail", scan_id=failed.pk)
    scan = scan_request(
        repository=repository, trigger=ScanTrigger.MANUAL, requested_by=request.user, branch=failed.branch
    )
    messages.success(request, f"Scan #{scan.pk} queued again (retry of #{failed.pk}).")
    return redirect("scan-detail", scan_id=scan.pk)
