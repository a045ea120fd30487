"""The rule catalogue: what each rule flags, why AI code does it, and what to write instead."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from auditor.models import Category
from auditor.selectors.rules import rule_counts_by_category, rule_get, rule_list


@login_required
@require_GET
def rule_index(request: HttpRequest) -> HttpResponse:
    category = request.GET.get("category", "")
    category = category if category in Category.values else ""
    scanner = request.GET.get("scanner", "")
    rules = rule_list(category=category, scanner=scanner)
    return render(
        request,
        "auditor/rules/list.html",
        {
            "rules": rules,
            "category": category,
            "scanner": scanner,
            "category_counts": rule_counts_by_category(),
            "category_labels": dict(Category.choices),
        },
    )


@login_required
@require_GET
def rule_detail(request: HttpRequest, rule_id: str) -> HttpResponse:
    rule = rule_get(rule_id)
    if rule is None:
        raise Http404("No such rule.")
    return render(request, "auditor/rules/detail.html", {"rule": rule})
