"""The audit trail for people: what happened in words, the object by its name with a link
to it while it exists, instead of stored keys such as `repository.created` and
`auditor.review:1`. The stored event is unchanged (the CSV export keeps the keys)."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass

from django.urls import reverse

from auditor.models import AuditEvent, Membership, Repository, Review, Scan, Team, TrackedFinding

# What the actor did, as a phrase that follows his name.
ACTION_LABELS = {
    "auth.locked_out": "was locked out after failed sign-ins",
    "auth.login_failed": "failed to sign in",
    "contract.revised": "revised the review contract",
    "finding.triaged": "triaged a finding",
    "finding.untriaged": "re-opened a finding",
    "gate.passed": "recorded a gate result",
    "membership.added": "added a member",
    "membership.changed": "changed a member's role",
    "membership.invited": "invited a new member",
    "membership.removed": "removed a member",
    "repository.access_checked": "checked access to a repository",
    "repository.activated": "reactivated a repository",
    "repository.created": "added a repository",
    "repository.deactivated": "deactivated a repository",
    "repository.deleted": "deleted a repository",
    "repository.updated": "changed a repository's settings",
    "repository.webhook_secret_rotated": "rotated a repository's webhook secret",
    "review.approved": "approved a review",
    "review.signed": "signed a review",
    "scan.cancelled": "cancelled a scan",
    "scan.triggered": "queued a scan",
    "scan.uploaded": "uploaded a scan result from CI",
    "schedule.created": "set a scan schedule",
    "schedule.paused": "paused a scan schedule",
    "schedule.resumed": "resumed a scan schedule",
    "schedule.skipped": "skipped a scheduled scan",
    "schedule.updated": "changed a scan schedule",
    "settings.changed": "changed the team's settings",
    "webhook.push": "received a push webhook",
}
# The stored model label → what people call it.
OBJECT_NOUNS = {
    "auditor.repository": "Repository",
    "auditor.scan": "Scan",
    "auditor.review": "Review",
    "auditor.trackedfinding": "Finding",
    "auditor.membership": "Member",
    "auditor.reviewcontract": "Review contract",
    "auditor.teamsettings": "Team settings",
    "auditor.triage": "Triage",
    "auth.user": "Account",
}
DETAIL_LABELS = {
    "clone_url": "clone URL",
    "default_branch": "default branch",
    "interval_minutes": "interval (minutes)",
    "ok": "reachable",
}


@dataclass(frozen=True)
class AuditRow:
    event: AuditEvent
    action: str
    noun: str
    name: str
    url: str | None  # None once the object is gone (a deleted repository) or has no page
    details: list[tuple[str, object]]


def action_label(action: str) -> str:
    """`repository.created` → "added a repository"; unknown actions in plain words."""
    return ACTION_LABELS.get(action) or action.replace(".", " ").replace("_", " ")


def _ids(events: Iterable[AuditEvent], object_type: str) -> list[int]:
    return [int(e.object_id) for e in events if e.object_type == object_type and e.object_id.isdigit()]


def _links(events: list[AuditEvent], team: Team) -> dict[tuple[str, str], str]:
    """(object_type, object_id) → URL for the objects that still exist in `team`: one
    query per kind of object on the page, never per event."""
    links: dict[tuple[str, str], str] = {}

    def add(object_type: str, found: Iterable[tuple[int, str]]) -> None:
        links.update({(object_type, str(pk)): url for pk, url in found})

    lookups: dict[str, Callable[[list[int]], Iterable[tuple[int, str]]]] = {
        "auditor.repository": lambda ids: (
            (pk, reverse("repository-detail", args=[pk]))
            for pk in Repository.objects.filter(team=team, pk__in=ids).values_list("pk", flat=True)
        ),
        "auditor.scan": lambda ids: (
            (pk, reverse("scan-detail", args=[pk]))
            for pk in Scan.objects.filter(repository__team=team, pk__in=ids).values_list("pk", flat=True)
        ),
        "auditor.review": lambda ids: (
            (pk, reverse("review-detail", args=[scan_id]))
            for pk, scan_id in Review.objects.filter(scan__repository__team=team, pk__in=ids).values_list(
                "pk", "scan_id"
            )
        ),
        "auditor.trackedfinding": lambda ids: (
            (pk, reverse("finding-detail", args=[pk]))
            for pk in TrackedFinding.objects.filter(team=team, pk__in=ids).values_list("pk", flat=True)
        ),
        "auditor.membership": lambda ids: (
            (pk, reverse("member-list", args=[team.slug]))
            for pk in Membership.objects.filter(team=team, pk__in=ids).values_list("pk", flat=True)
        ),
    }
    for object_type, lookup in lookups.items():
        ids = _ids(events, object_type)
        if ids:
            add(object_type, lookup(ids))
    for object_type, name in (
        ("auditor.reviewcontract", "contract-detail"),
        ("auditor.teamsettings", "team-settings"),
    ):
        for e in events:
            if e.object_type == object_type:
                links[(object_type, e.object_id)] = reverse(name, args=[team.slug])
    return links


def audit_rows(events: Iterable[AuditEvent], team: Team) -> list[AuditRow]:
    """The page's events in words, each object named and linked while it exists."""
    events = list(events)
    links = _links(events, team)
    rows = []
    for e in events:
        noun = OBJECT_NOUNS.get(e.object_type, e.object_type.rpartition(".")[2].capitalize())
        name = e.object_repr
        if e.object_type == "auditor.scan":
            name = f"#{e.object_id}" + (
                f" of {e.details['repository']}" if e.details.get("repository") else ""
            )
        elif e.object_type == "auditor.membership" and e.details.get("user"):
            name = str(e.details["user"])
        details = [(DETAIL_LABELS.get(k, k.replace("_", " ")), v) for k, v in (e.details or {}).items()]
        rows.append(
            AuditRow(
                event=e,
                action=action_label(e.action),
                noun=noun,
                name=name,
                url=links.get((e.object_type, e.object_id)),
                details=details,
            )
        )
    return rows
