"""AI provenance pages: the help page, per-team and per-repository AI figures, and the
team's own signature patterns (with a live preview against a repository's commits)."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from scanners.provenance.signatures import table_entries


@login_required
@require_GET
def provenance_help(request: HttpRequest) -> HttpResponse:
    """Where AI attribution comes from, in which order, and what it cannot see."""
    return render(request, "auditor/provenance/help.html", {"signatures": table_entries()})
