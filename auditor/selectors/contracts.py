"""Reads for a team's review administration: contract versions, settings, members."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import QuerySet

from auditor.models import ContractItem, ContractSection, Membership, ReviewContract, Team, TeamSettings


def team_settings_for(team: Team) -> TeamSettings:
    """The team's settings, or an unsaved row holding the defaults when none was saved yet."""
    found = TeamSettings.objects.filter(team=team).first()
    return found if found is not None else TeamSettings(team=team)


def contract_current(team: Team) -> ReviewContract | None:
    """The team's newest contract version (None before the default is seeded)."""
    return ReviewContract.objects.filter(team=team).order_by("-version").first()


def contract_versions(team: Team) -> list[ReviewContract]:
    """Every version of the team's contract, newest first, with who wrote it."""
    return list(ReviewContract.objects.filter(team=team).select_related("created_by").order_by("-version"))


@dataclass(frozen=True)
class SectionView:
    section: ContractSection
    index: int
    items: list[ContractItem]


def contract_sections(contract: ReviewContract) -> list[SectionView]:
    """A contract's sections with their items in order (two queries)."""
    sections = contract.sections.prefetch_related("items").order_by("position", "id")
    return [
        SectionView(s, n, sorted(s.items.all(), key=lambda i: (i.position, i.id)))
        for n, s in enumerate(sections)
    ]


def team_members(team: Team) -> QuerySet[Membership]:
    """The team's memberships with their users, by username (one query)."""
    return Membership.objects.filter(team=team).select_related("user").order_by("user__username")
