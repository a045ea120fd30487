"""The site's navigation: every section, the current one marked (aria-current).

It runs no query: the team pages are reached through `/team/<section>/`, which sends the
user to his team's page (views/team_nav.py), so the repeated-view budget of every page
(session, user, permission) stays what it was.
"""

from __future__ import annotations

from typing import Any

from django import template
from django.urls import reverse

register = template.Library()

# (label, url name, the url names, or prefixes ending in "-", of the pages in that section)
SECTIONS: tuple[tuple[str, str, tuple[str, ...]], ...] = (
    ("Overview", "team-overview", ("team-overview", "help-risk")),
    ("Repositories", "repository-list", ("repository-", "scan-", "file-detail", "schedule-")),
    ("Findings", "finding-index", ("finding-",)),
    ("Trends", "team-trends", ("team-trends",)),
    ("Reviews", "review-index", ("review-",)),
    ("Reports", "team-report", ("team-report",)),
    ("Rules", "rule-index", ("rule-",)),
)
TEAM_SECTIONS: tuple[tuple[str, str, tuple[str, ...]], ...] = (
    ("Members", "members", ("member-",)),
    ("Audit trail", "audit", ("audit-",)),
    ("Contract", "contract", ("contract-",)),
    ("Settings", "settings", ("team-settings",)),
)
ACCOUNT_SECTIONS: tuple[tuple[str, str, tuple[str, ...]], ...] = (
    ("API tokens", "token-list", ("token-",)),
    ("API", "api-docs", ("api-docs",)),
)


def _matches(current: str, names: tuple[str, ...]) -> bool:
    return any(current.startswith(n) if n.endswith("-") else current == n for n in names)


def section_of(url_name: str) -> str | None:
    """The label of the nav section a page (by its url name) belongs to."""
    for label, _, names in (*SECTIONS, *TEAM_SECTIONS, *ACCOUNT_SECTIONS):
        if _matches(url_name, names):
            return label
    return None


@register.inclusion_tag("components/main_nav.html", takes_context=True)
def main_nav(context: dict[str, Any]) -> dict[str, Any]:
    request = context.get("request")
    match = getattr(request, "resolver_match", None)
    current = section_of(match.url_name or "") if match else None
    if match and match.url_name == "team-section":
        current = next((label for label, key, _ in TEAM_SECTIONS if key == match.kwargs.get("section")), None)

    def links(
        sections: tuple[tuple[str, str, tuple[str, ...]], ...], team: bool = False
    ) -> list[dict[str, Any]]:
        return [
            {
                "label": label,
                "url": reverse("team-section", args=[target]) if team else reverse(target),
                "current": label == current,
            }
            for label, target, _ in sections
        ]

    return {
        "main": links(SECTIONS),
        "team": links(TEAM_SECTIONS, team=True),
        "account": links(ACCOUNT_SECTIONS),
    }
