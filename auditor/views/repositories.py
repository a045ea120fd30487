"""Repository pages."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.functional import SimpleLazyObject
from django.views.decorators.http import require_GET

from auditor.models import Role
from auditor.permissions import can, repository_for_user, repository_url_for, teams_with_role_for_user
from auditor.selectors.page_cache import page_cache_key
from auditor.selectors.repositories import repository_list_for_user
from auditor.selectors.scans import scan_page_for_repository


@login_required
@require_GET
def repository_list(request: HttpRequest) -> HttpResponse:
    # Cached like the findings list: under the user's teams' revisions (moved by every scan
    # and triage), so a repeated view runs no count.
    teams = teams_with_role_for_user(request.user)
    return render(
        request,
        "auditor/repositories/list.html",
        {
            "repositories": SimpleLazyObject(lambda: repository_list_for_user(request.user)),
            # The roles come with the teams: no query of its own.
            "can_add": any(can(request.user, t.pk, Role.ADMIN) for t in teams),
            "section_key": page_cache_key(
                "repositories", teams, user_id=request.user.pk, path=request.build_absolute_uri()
            ),
        },
    )


@login_required
@require_GET
def repository_detail(request: HttpRequest, repository_id: int) -> HttpResponse:
    repository = repository_for_user(request.user, repository_id)
    number = request.GET.get("page")
    return render(
        request,
        "auditor/repositories/detail.html",
        {
            "repository": repository,
            "clone_url": repository_url_for(request.user, repository),
            "page": SimpleLazyObject(lambda: scan_page_for_repository(repository, number)),
            "can_scan": repository.active and can(request.user, repository.team_id, Role.REVIEWER),
            "can_admin": can(request.user, repository.team_id, Role.ADMIN),
            "section_key": page_cache_key(
                "repository", repository, user_id=request.user.pk, path=request.build_absolute_uri()
            ),
        },
    )
