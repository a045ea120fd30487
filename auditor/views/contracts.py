"""The team's review contract: read it (any member), revise it (admins; each edit = new version)."""

from __future__ import annotations

from dataclasses import replace

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_POST

from auditor.models import Category, EvidenceKind, ReviewContract, Role
from auditor.permissions import can, team_by_slug_for_user
from auditor.selectors.contracts import contract_sections, contract_versions
from auditor.selectors.rules import rule_catalogue
from auditor.services.contracts import ItemSpec, contract_ensure, contract_revise


@login_required
@require_GET
def contract_detail(request: HttpRequest, team_slug: str) -> HttpResponse:
    team = team_by_slug_for_user(request.user, team_slug)
    current = contract_ensure(team)
    versions = contract_versions(team)
    contract: ReviewContract = current
    version = request.GET.get("version", "")
    if version.isdigit() and int(version) != current.version:
        contract = next((v for v in versions if v.version == int(version)), None) or _missing()
    return render(
        request,
        "auditor/contracts/detail.html",
        {
            "team": team,
            "contract": contract,
            "is_current": contract.pk == current.pk,
            "sections": contract_sections(contract),
            "versions": versions,
            "can_edit": can(request.user, team.pk, Role.ADMIN) and contract.pk == current.pk,
            "evidence_choices": EvidenceKind.choices,
            "category_choices": Category.choices,
            "rule_ids": [r.id for r in rule_catalogue()],
        },
    )


def _missing() -> ReviewContract:
    raise Http404("No such contract version.")


@login_required
@require_POST
def contract_edit(request: HttpRequest, team_slug: str) -> HttpResponse:
    team = team_by_slug_for_user(request.user, team_slug, Role.ADMIN)
    post = request.POST
    section = post.get("section", "")
    item = None
    if post.get("op") != "remove":
        item = ItemSpec(
            text=post.get("text", ""),
            required=post.get("required") == "on",
            evidence=post.get("evidence", EvidenceKind.NONE)
            if post.get("evidence") in EvidenceKind.values
            else EvidenceKind.NONE,
            rule_ids=tuple(post.get("rule_ids", "").replace(",", " ").split()),
            categories=tuple(post.getlist("categories")),
        )
    try:
        contract = contract_revise(
            team=team,
            actor=request.user,
            section_index=int(section) if section.isdigit() else -1,
            item_key=post.get("item_key") or None,
            item=item,
        )
    except ValidationError as exc:
        if item is None:  # a removal: nothing typed to keep
            messages.error(request, exc.messages[0])
            return redirect("contract-detail", team_slug=team.slug)
        # The item form again with what was typed and why it was refused (a redirect lost it).
        return render(
            request,
            "auditor/contracts/item_refused.html",
            {
                "team": team,
                "error": exc.messages[0],
                "section_index": section,
                "item": replace(item, key=post.get("item_key", "")),
                "evidence_choices": EvidenceKind.choices,
                "category_choices": Category.choices,
                "rule_ids": [r.id for r in rule_catalogue()],
            },
            status=400,
        )
    messages.success(request, f"Contract version {contract.version} saved: {contract.change_note}")
    return redirect("contract-detail", team_slug=team.slug)
