"""Repositories managed in the app by a team's admins: add, edit, check access,
deactivate, rotate the webhook secret, delete (with its data policy)."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods, require_POST

from auditor.models import Role, Team
from auditor.permissions import repository_for_user, teams_with_role
from auditor.services.repositories import (
    DELETE_POLICY_KEPT,
    DELETE_POLICY_REMOVED,
    branch_checked,
    repository_check_access,
    repository_create,
    repository_delete,
    repository_rotate_webhook_secret,
    repository_set_active,
    repository_update,
    url_checked,
)

URL_HELP = (
    "https://, ssh://, git:// or user@host:path. Local paths and file:// URLs only under the "
    "server's allowed local roots (AUDITOR_LOCAL_REPO_ROOTS)."
)
BRANCH_HELP = "Leave empty to use the branch the repository's HEAD names (read with git ls-remote)."


class RepositoryForm(forms.Form):
    """Name, URL and branch, each checked by the same rules as the services (inline errors)."""

    name = forms.CharField(max_length=120)
    clone_url = forms.CharField(label="Clone URL", max_length=1000, help_text=URL_HELP)
    default_branch = forms.CharField(
        label="Default branch", max_length=255, required=False, help_text=BRANCH_HELP
    )

    def clean_clone_url(self) -> str:
        return url_checked(self.cleaned_data["clone_url"].strip())

    def clean_default_branch(self) -> str:
        branch: str = self.cleaned_data["default_branch"].strip()
        return branch_checked(branch) if branch else ""


class RepositoryAddForm(RepositoryForm):
    team = forms.ModelChoiceField(queryset=Team.objects.none(), empty_label=None)
    field_order = ["team", "name", "clone_url", "default_branch"]

    def __init__(self, *args: object, teams: QuerySet[Team], **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.fields["team"].queryset = teams  # type: ignore[attr-defined]


@login_required
@require_http_methods(["GET", "POST"])
def repository_add(request: HttpRequest) -> HttpResponse:
    teams = teams_with_role(request.user, Role.ADMIN)
    if not teams.exists():
        return render(request, "auditor/repositories/not_admin.html", status=403)
    form = RepositoryAddForm(request.POST or None, teams=teams)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            repository = repository_create(
                team=data["team"],
                name=data["name"],
                clone_url=data["clone_url"],
                default_branch=data["default_branch"] or None,
                actor=request.user,
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(
                request,
                f"{repository.name} added (default branch {repository.default_branch}). "
                "Scan it when you are ready.",
            )
            return redirect("repository-detail", repository_id=repository.pk)
    return render(
        request,
        "auditor/repositories/add.html",
        {"form": form},
        status=400 if request.method == "POST" else 200,
    )


@login_required
@require_http_methods(["GET", "POST"])
def repository_edit(request: HttpRequest, repository_id: int) -> HttpResponse:
    repository = repository_for_user(request.user, repository_id, Role.ADMIN)
    initial = {
        "name": repository.name,
        "clone_url": repository.clone_url,
        "default_branch": repository.default_branch,
    }
    form = RepositoryForm(request.POST or None, initial=initial)
    form.fields["default_branch"].required = True
    form.fields["default_branch"].help_text = "The branch scans, schedules and webhooks use."
    if request.method == "POST" and form.is_valid():
        try:
            repository_update(repository=repository, actor=request.user, **form.cleaned_data)
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, "Repository saved.")
            return redirect("repository-edit", repository_id=repository.pk)
    return render(
        request,
        "auditor/repositories/edit.html",
        {"repository": repository, "form": form},
        status=400 if request.method == "POST" else 200,
    )


@login_required
@require_POST
def repository_access_check(request: HttpRequest, repository_id: int) -> HttpResponse:
    repository = repository_for_user(request.user, repository_id, Role.ADMIN)
    try:
        head = repository_check_access(repository=repository, actor=request.user)
    except ValidationError as exc:
        messages.error(request, f"The server cannot reach {repository.name}: {exc.messages[0]}")
    else:
        default = head.default_branch or "none"
        note = (
            ""
            if head.default_branch in (None, repository.default_branch)
            else " (not the branch scanned here)"
        )
        messages.success(
            request,
            f"Access works: {len(head.branches)} branch(es); the remote's default branch is {default}{note}.",
        )
    return redirect("repository-edit", repository_id=repository.pk)


@login_required
@require_POST
def repository_active(request: HttpRequest, repository_id: int) -> HttpResponse:
    repository = repository_for_user(request.user, repository_id, Role.ADMIN)
    active = request.POST.get("active") == "1"
    repository_set_active(repository=repository, actor=request.user, active=active)
    messages.success(
        request,
        f"{repository.name} reactivated."
        if active
        else f"{repository.name} deactivated: it is no longer scanned.",
    )
    return redirect("repository-edit", repository_id=repository.pk)


@login_required
@require_POST
def repository_secret_rotate(request: HttpRequest, repository_id: int) -> HttpResponse:
    repository = repository_for_user(request.user, repository_id, Role.ADMIN)
    repository_rotate_webhook_secret(repository=repository, actor=request.user)
    messages.success(
        request,
        "New webhook secret created: give it to the forge's webhook; the old one is refused from now on.",
    )
    return redirect("repository-edit", repository_id=repository.pk)


@login_required
@require_http_methods(["GET", "POST"])
def repository_remove(request: HttpRequest, repository_id: int) -> HttpResponse:
    repository = repository_for_user(request.user, repository_id, Role.ADMIN)
    error = ""
    typed = ""
    if request.method == "POST":
        typed = request.POST.get("confirm_name", "")
        name = repository.name
        try:
            repository_delete(repository=repository, actor=request.user, confirm_name=typed)
        except ValidationError as exc:
            error = exc.messages[0]
        else:
            messages.success(request, f"{name} and its data were deleted.")
            return redirect("repository-list")
    return render(
        request,
        "auditor/repositories/delete.html",
        {
            "repository": repository,
            "removed": DELETE_POLICY_REMOVED,
            "kept": DELETE_POLICY_KEPT,
            "error": error,
            "typed": typed,
        },
        status=400 if error else 200,
    )
