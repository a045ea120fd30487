"""A team's review settings: reviewers needed, trust thresholds, complexity, gate conditions."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from auditor.models import Role, TeamSettings
from auditor.permissions import team_by_slug_for_user
from auditor.selectors.contracts import team_settings_for
from auditor.services.team_settings import EDITABLE_FIELDS, team_settings_update


class TeamSettingsForm(forms.ModelForm):  # type: ignore[type-arg]
    class Meta:
        model = TeamSettings
        fields = EDITABLE_FIELDS
        labels = {
            "required_reviewers": "Distinct reviewers needed to approve",
            "trust_monitored_after": "Clean scans before a file is Monitored",
            "trust_trusted_after": "Clean scans before a file is Trusted",
            "complexity_threshold": "Complexity threshold (max per function)",
            "gate_block_new_findings": "Fail on new findings at or above the severity floor",
            "gate_new_severity": "Severity floor for new findings",
            "gate_block_new_context": "Fail on open context findings in new code",
            "gate_require_review": "Require an approved review",
            "hide_test_findings": "Hide findings in test code from finding lists by default",
            "registry_lookup": "Ask the package registries about declared packages",
            "provenance_history_commits": "History window for AI attribution (commits)",
            "ai_quarantine_share": "AI share (%) above which a file starts in Quarantine",
            "gate_ai_new_only": "Count only new findings on AI-written lines",
            "ai_review_above_percent": "Require an approved review above this % of AI-written new lines",
        }


@login_required
@require_http_methods(["GET", "POST"])
def team_settings(request: HttpRequest, team_slug: str) -> HttpResponse:
    team = team_by_slug_for_user(request.user, team_slug, Role.ADMIN)
    current = team_settings_for(team)
    form = TeamSettingsForm(
        request.POST or None,
        instance=TeamSettings(**{"team": team, **{name: getattr(current, name) for name in EDITABLE_FIELDS}}),
    )
    if request.method == "POST" and form.is_valid():
        try:
            team_settings_update(
                team=team, actor=request.user, values={f: form.cleaned_data[f] for f in EDITABLE_FIELDS}
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, "Settings saved.")
            return redirect("team-settings", team_slug=team.slug)
    return render(
        request,
        "auditor/team/settings.html",
        {"team": team, "form": form},
        status=400 if request.method == "POST" else 200,
    )
