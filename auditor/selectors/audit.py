"""Reads for the audit trail page and its CSV export."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from django.core.paginator import Page, Paginator
from django.db.models import QuerySet

from auditor.models import AuditEvent, Team

CSV_HEADER = ["time", "actor", "action", "object_type", "object_id", "object", "details"]
# Spreadsheet apps run cells starting with these as formulas (CSV injection).
_FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


@dataclass(frozen=True)
class AuditFilters:
    action: str = ""
    actor: str = ""
    since: dt.date | None = None
    until: dt.date | None = None

    @classmethod
    def from_query(cls, query: dict[str, str]) -> AuditFilters:
        def day(value: str) -> dt.date | None:
            try:
                return dt.date.fromisoformat(value) if value else None
            except ValueError:
                return None

        return cls(
            action=query.get("action", "")[:64],
            actor=query.get("actor", "")[:150],
            since=day(query.get("since", "")),
            until=day(query.get("until", "")),
        )

    def as_query(self) -> dict[str, str]:
        raw = {"action": self.action, "actor": self.actor, "since": self.since, "until": self.until}
        return {k: str(v) for k, v in raw.items() if v}


def audit_events(team: Team, filters: AuditFilters) -> QuerySet[AuditEvent]:
    """The team's events, newest first; served by audit_team_created_idx / audit_team_action_idx."""
    events = AuditEvent.objects.filter(team=team)
    if filters.action:
        # A namespace ("review") matches all its actions ("review.signed", "review.approved").
        events = (
            events.filter(action=filters.action)
            if "." in filters.action
            else events.filter(action__startswith=filters.action + ".")
        )
    if filters.actor:
        events = events.filter(actor_name=filters.actor)
    if filters.since:
        events = events.filter(created_at__date__gte=filters.since)
    if filters.until:
        events = events.filter(created_at__date__lte=filters.until)
    return events.order_by("-created_at", "-id")


def audit_page(team: Team, filters: AuditFilters, page_number: str | None, per_page: int = 50) -> Page[Any]:
    return Paginator(audit_events(team, filters), per_page).get_page(page_number)


def audit_action_choices(team: Team) -> list[str]:
    """Distinct actions the team's log holds, for the filter (one query)."""
    return sorted(set(AuditEvent.objects.filter(team=team).values_list("action", flat=True).distinct()))


def csv_safe(value: object) -> str:
    """A cell value that a spreadsheet shows as text, never evaluates."""
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(_FORMULA_PREFIXES) else text


def audit_csv_rows(team: Team, filters: AuditFilters) -> Iterator[list[str]]:
    """Header then one row per event, streamed from the database in chunks."""
    yield CSV_HEADER
    for e in audit_events(team, filters).iterator(chunk_size=2000):
        yield [
            csv_safe(v)
            for v in (
                e.created_at.isoformat(),
                e.actor_name,
                e.action,
                e.object_type,
                e.object_id,
                e.object_repr,
                json.dumps(e.details, sort_keys=True),
            )
        ]
