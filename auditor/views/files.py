"""The file page: source at the scanned commit, annotated with its findings."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.functional import SimpleLazyObject
from django.views.decorators.http import require_GET

from auditor.models.paths import MAX_PATH_CHARS
from auditor.permissions import scan_for_user
from auditor.selectors.files import file_view
from auditor.selectors.page_cache import page_cache_key


@login_required
@require_GET
def file_detail(request: HttpRequest, scan_id: int) -> HttpResponse:
    scan = scan_for_user(request.user, scan_id)
    path = request.GET.get("path", "")[:MAX_PATH_CHARS]
    return render(
        request,
        "auditor/files/detail.html",
        {
            "scan": scan,
            "repository": scan.repository,
            "path": path,
            "view": SimpleLazyObject(lambda: file_view(scan, path)),
            "section_key": page_cache_key(
                "file", scan.repository, user_id=request.user.pk, path=request.build_absolute_uri()
            ),
        },
    )
