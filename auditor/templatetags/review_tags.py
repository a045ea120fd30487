"""Widgets of the review area: gate verdicts, review state, trust badges.

The scan and repository pages call the section tags directly, so the data comes from this
area's selectors without touching those pages' views. The dashboard's
file pages can use `file_trust` and `trust_badge`.
"""

from __future__ import annotations

from typing import Any

from django import template
from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe

from auditor.models import FileTrust, Repository, Scan, TrustLevel
from auditor.permissions import role_in_team
from auditor.selectors.contracts import team_settings_for
from auditor.selectors.gate import gate_latest_for_repository, gate_result_for
from auditor.selectors.reviews import review_for_scan
from auditor.selectors.trust import trust_for_file, trust_summary_for_repository

register = template.Library()


@register.inclusion_tag("auditor/reviews/components/scan_section.html")
def scan_review_section(scan: Scan) -> dict[str, Any]:
    """Gate verdict and review state on the scan page (three queries)."""
    return {
        "scan": scan,
        "gate": gate_result_for(scan),
        "review": review_for_scan(scan),
        "settings": team_settings_for(scan.repository.team),
    }


@register.inclusion_tag("auditor/reviews/components/repository_section.html")
def repository_review_section(repository: Repository) -> dict[str, Any]:
    """Latest gate verdict and files per trust level on the repository page (four queries)."""
    gate = gate_latest_for_repository(repository.pk)
    return {
        "repository": repository,
        "gate": gate,
        # Asked only without a gate: "Not scanned yet" rather than a verdict.
        "scanned": gate is not None or repository.scans.exists(),
        "trust": trust_summary_for_repository(repository),
    }


# Badges are simple tags (format_html escapes every argument) rather than inclusion tags,
# which render a template per call; each ends with the newline its old template had.


@register.simple_tag
def trust_badge(level: int | None) -> SafeString:
    """A pill for a trust level (1 Quarantine, 2 Monitored, 3 Trusted); nothing for None."""
    if not level:
        return mark_safe("\n")
    value = int(level)
    return format_html(
        '<span class="badge trust-{}" title="Trust level {}">L{} · {}</span>\n',
        value,
        value,
        value,
        TrustLevel(value).label,
    )


@register.simple_tag
def file_trust(scan: Scan, path: str) -> FileTrust | None:
    """The trust row of one file as of `scan`: `{% file_trust scan path as trust %}`."""
    return trust_for_file(scan, path)


_GATE_BADGES = {
    None: mark_safe('<span class="badge gate-none">Gate not evaluated</span>\n'),
    True: mark_safe('<span class="badge gate-pass">Gate passed</span>\n'),
    False: mark_safe('<span class="badge gate-fail">Gate failed</span>\n'),
}


@register.simple_tag
def gate_badge(passed: bool | str | None) -> SafeString:
    """The gate's verdict. A missing gate reaches here as None or, through a template
    variable of a gate that does not exist (`gate.passed`), as "": neither is a failure
    (before, a never-scanned repository showed a red "Gate failed")."""
    return _GATE_BADGES[None if passed is None or passed == "" else bool(passed)]


@register.filter
def lookup(mapping: Any, key: Any) -> Any:
    """`mapping[key]` for dicts and QueryDicts keyed by strings or ints; "" when missing."""
    if not mapping:
        return ""
    for candidate in (key, str(key)):
        try:
            return mapping[candidate]
        except (KeyError, TypeError):
            continue
    return ""


@register.simple_tag
def posted(data: Any, field: str, item_id: int) -> str:
    """The value a rejected sign-off form carried for `<field>_<item_id>`, to refill it."""
    if not data:
        return ""
    return str(data.get(f"{field}_{item_id}", ""))


@register.simple_tag(takes_context=True)
def team_role(context: template.Context, team: Any) -> str:
    """The signed-in user's role in `team` ("" if none), for showing admin-only links."""
    request = context.get("request")
    if request is None:
        return ""
    return role_in_team(request.user, team.pk) or ""


@register.filter
def audit_value(value: Any) -> str:
    """An audit detail for people: `{"from": a, "to": b}` as `a → b`, lists comma-joined."""
    if isinstance(value, dict) and set(value) == {"from", "to"}:
        return f"{value['from']} → {value['to']}"
    if isinstance(value, list):
        return ", ".join(str(v) for v in value)
    if isinstance(value, dict):
        return ", ".join(f"{k}: {v}" for k, v in value.items())
    return str(value)
