"""AI provenance pages: the help page, per-team and per-repository AI figures, and the
team's own signature patterns (with a live preview against a repository's commits)."""

from __future__ import annotations

from typing import Any, cast

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods

from auditor.models import Role
from auditor.permissions import repository_for_user, team_by_slug_for_user, teams_for_user
from auditor.selectors.contracts import team_settings_for
from auditor.selectors.provenance import ProvenancePage, repository_provenance, slices, team_provenance
from auditor.selectors.trends import RANGES, range_since
from auditor.services.provenance import (
    PREVIEW_COMMITS,
    pattern_preview,
    pattern_validate,
    team_patterns_update,
)
from scanners.provenance.signatures import WHERE, table_entries


@login_required
@require_GET
def provenance_help(request: HttpRequest) -> HttpResponse:
    """Where AI attribution comes from, in which order, and what it cannot see."""
    return render(request, "auditor/provenance/help.html", {"signatures": table_entries()})


def _slice(request: HttpRequest) -> str:
    wanted = request.GET.get("slice", "total")
    return wanted if wanted in dict(slices()) else "total"


def _range(request: HttpRequest) -> str:
    key = request.GET.get("range", "90d")
    return key if key in RANGES else "90d"


@login_required
@require_GET
def repository_ai(request: HttpRequest, repository_id: int) -> HttpResponse:
    """The repository's AI share, AI-vs-human defect density and tools over time."""
    repository = repository_for_user(request.user, repository_id)
    range_key, slice_key = _range(request), _slice(request)
    return _render(request, repository_provenance(repository, range_since(range_key), slice_key),
                   {"repository": repository, "subject": repository.name}, range_key, slice_key)  # fmt: skip


@login_required
@require_GET
def team_ai(request: HttpRequest) -> HttpResponse:
    """The team's AI figures (its repositories' default branches, one point per day)."""
    teams = list(teams_for_user(request.user).order_by("name"))
    raw = request.GET.get("team", "")
    team = next((t for t in teams if str(t.pk) == raw), None) if raw else next(iter(teams), None)
    if team is None:
        raise Http404("No such team.")
    range_key, slice_key = _range(request), _slice(request)
    return _render(request, team_provenance(team, range_since(range_key), slice_key),
                   {"team": team, "subject": team.name}, range_key, slice_key)  # fmt: skip


def _render(
    request: HttpRequest, page: ProvenancePage, context: dict[str, Any], range_key: str, slice_key: str
) -> HttpResponse:
    return render(
        request,
        "auditor/provenance/page.html",
        {
            **context,
            "page": page,
            "range": range_key,
            "ranges": list(RANGES),
            "slice": slice_key,
            "slices": slices(),
        },
    )


class PatternForm(forms.Form):
    """One signature pattern (the shape of scanners/provenance/signatures.toml's entries)."""

    id = forms.CharField(max_length=64, label="Id", help_text="kebab-case, e.g. house-bot")
    tool = forms.CharField(max_length=64, required=False, label="Tool", help_text="or a (?P<tool>…) group")
    where = forms.ChoiceField(choices=[(w, w) for w in WHERE], label="Where")
    key = forms.CharField(max_length=64, required=False, label="Trailer key", help_text="for where = trailer")
    # Not stripped: whitespace is part of a regular expression.
    pattern = forms.CharField(
        max_length=500, strip=False, label="Pattern", help_text="Python regex, case-insensitive"
    )
    repository = forms.TypedChoiceField(coerce=int, required=False, label="Preview against")


@login_required
@require_http_methods(["GET", "POST"])
def team_ai_patterns(request: HttpRequest, team_slug: str) -> HttpResponse:
    """The team's own AI signatures: add (after a preview against a repository's last 200
    commits), remove. Admins only."""
    team = team_by_slug_for_user(request.user, team_slug, Role.ADMIN)
    repositories = list(team.repositories.order_by("name"))
    form = PatternForm(request.POST if request.POST.get("action") in ("preview", "add") else None)
    cast(forms.TypedChoiceField, form.fields["repository"]).choices = [(r.pk, r.name) for r in repositories]
    preview: list[dict[str, str]] | None = None
    if request.method == "POST" and request.POST.get("action") == "remove":
        try:
            team_patterns_update(team=team, actor=request.user, remove=request.POST.get("id", ""))
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        return redirect("team-ai-patterns", team_slug=team.slug)
    if request.method == "POST" and form.is_valid():
        try:
            if request.POST["action"] == "add":
                team_patterns_update(team=team, actor=request.user, add=form.cleaned_data)
                messages.success(request, "Pattern added; it applies from the next scan.")
                return redirect("team-ai-patterns", team_slug=team.slug)
            entry = pattern_validate(form.cleaned_data)
            chosen = next((r for r in repositories if r.pk == form.cleaned_data.get("repository")), None)
            preview = pattern_preview(entry, chosen) if chosen is not None else []
        except ValidationError as exc:
            form.add_error("pattern", exc)
    return render(
        request,
        "auditor/provenance/patterns.html",
        {
            "team": team,
            "form": form,
            "patterns": team_settings_for(team).provenance_patterns,
            "preview": preview,
            "sample_size": PREVIEW_COMMITS,
        },
        status=400 if request.method == "POST" and not form.is_valid() else 200,
    )
