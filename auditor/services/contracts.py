"""Writes for review contracts: seeding the default, and revising (every edit = new version)."""

from __future__ import annotations

import secrets
from dataclasses import dataclass, field

from django.contrib.auth.models import AnonymousUser, User
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils.text import slugify

from auditor.models import (
    Category,
    ContractItem,
    ContractSection,
    EvidenceKind,
    ReviewContract,
    Team,
)
from auditor.selectors.rules import rule_catalogue
from auditor.services.audit import audit_record
from auditor.services.revisions import team_changed


@dataclass(frozen=True)
class ItemSpec:
    """One checklist item as data: what a contract version is copied from and edited through."""

    text: str
    required: bool = True
    evidence: str = EvidenceKind.NONE
    rule_ids: tuple[str, ...] = ()
    categories: tuple[str, ...] = ()
    key: str = ""


@dataclass(frozen=True)
class SectionSpec:
    title: str
    items: tuple[ItemSpec, ...] = field(default_factory=tuple)


_F = EvidenceKind.FINDINGS

# The source text's "AI Code Review Contract", verbatim, with the rules and categories whose
# open findings contradict each item. Items no scanner can judge are manual checks.
DEFAULT_CONTRACT: tuple[SectionSpec, ...] = (
    SectionSpec(
        "Critical checks (must pass all)",
        (
            ItemSpec(
                "All imports resolve to existing modules", True, _F, ("AI101", "AI102", "AI111", "AI112")
            ),
            ItemSpec("No deprecated APIs are used", True, _F, categories=("temporal",)),
            ItemSpec(
                "Error handling covers network failures, timeouts, and null values",
                True,
                _F,
                categories=("happy-path",),
            ),
            ItemSpec(
                "Input validation exists for all external data",
                True,
                _F,
                ("AI312", "B307", "B506", "B602", "B608"),
            ),
            ItemSpec("Sensitive data is not logged", True, _F, categories=("observability",)),
            ItemSpec(
                "No hardcoded credentials or secrets", True, _F, ("AI502", "AI512", "B105", "B106", "B107")
            ),
        ),
    ),
    SectionSpec(
        "Production readiness checks",
        (
            ItemSpec("Code handles concurrent access correctly", False, _F, categories=("concurrency",)),
            ItemSpec("Retry logic exists for transient failures", False, _F, ("AI303", "AI304", "B113")),
            ItemSpec("Circuit breakers protect against cascading failures", False),
            ItemSpec("Metrics/logging enable production debugging", False, _F, ("AI302", "B110", "B112")),
            ItemSpec("Resource cleanup (connections, file handles) is guaranteed", False),
        ),
    ),
    SectionSpec(
        "Style checks",
        (
            ItemSpec("Naming conventions match codebase", False, _F, ("AI103", "AI113")),
            ItemSpec(
                "Code complexity is acceptable", False, EvidenceKind.COMPLEXITY, categories=("complexity",)
            ),
            ItemSpec("Tests cover edge cases, not just happy path", False),
        ),
    ),
)


def _key_for(text: str) -> str:
    return slugify(text)[:60] or secrets.token_hex(4)


def _write_version(
    team: Team, version: int, sections: tuple[SectionSpec, ...], actor: User | None, note: str
) -> ReviewContract:
    contract = ReviewContract.objects.create(team=team, version=version, created_by=actor, change_note=note)
    items: list[ContractItem] = []
    for s_pos, spec in enumerate(sections):
        section = ContractSection.objects.create(contract=contract, title=spec.title, position=s_pos)
        items.extend(
            ContractItem(
                section=section,
                key=item.key or _key_for(item.text),
                text=item.text,
                position=i_pos,
                required=item.required,
                evidence=item.evidence,
                rule_ids=list(item.rule_ids),
                categories=list(item.categories),
            )
            for i_pos, item in enumerate(spec.items)
        )
    ContractItem.objects.bulk_create(items)
    return contract


def contract_ensure(team: Team) -> ReviewContract:
    """The team's current contract, seeding version 1 (the default contract) on first use.

    Idempotent and safe under concurrency: a second writer hits the (team, version)
    constraint and reads the winner's row.
    """
    current = ReviewContract.objects.filter(team=team).order_by("-version").first()
    if current is not None:
        return current
    try:
        with transaction.atomic():
            team_changed(team.pk)
            return _write_version(team, 1, DEFAULT_CONTRACT, None, "Default contract")
    except IntegrityError:
        return ReviewContract.objects.filter(team=team).order_by("-version").first()  # type: ignore[return-value]


def contract_as_specs(contract: ReviewContract) -> list[SectionSpec]:
    """A stored version as editable data (two queries)."""
    sections = list(contract.sections.prefetch_related("items").order_by("position", "id"))
    return [
        SectionSpec(
            s.title,
            tuple(
                ItemSpec(i.text, i.required, i.evidence, tuple(i.rule_ids), tuple(i.categories), i.key)
                for i in sorted(s.items.all(), key=lambda i: (i.position, i.id))
            ),
        )
        for s in sections
    ]


def _clean_item(spec: ItemSpec) -> ItemSpec:
    """Validate an edited item against the rule registry and the category list."""
    text = " ".join(spec.text.split())
    if not text:
        raise ValidationError("An item needs a text.")
    if len(text) > 300:
        raise ValidationError("An item's text is limited to 300 characters.")
    known_rules = {r.id for r in rule_catalogue()}
    rule_ids = tuple(dict.fromkeys(r.strip().upper() for r in spec.rule_ids if r.strip()))
    unknown = [r for r in rule_ids if r not in known_rules]
    if unknown:
        raise ValidationError(f"Unknown rule id(s): {', '.join(unknown)}.")
    categories = tuple(dict.fromkeys(c for c in spec.categories if c))
    bad = [c for c in categories if c not in Category.values]
    if bad:
        raise ValidationError(f"Unknown categories: {', '.join(bad)}.")
    evidence = EvidenceKind(spec.evidence)
    if evidence == EvidenceKind.FINDINGS and not (rule_ids or categories):
        # Evidence from nothing would always read "no contradicting findings": a false ✓.
        evidence = EvidenceKind.NONE
    return ItemSpec(text, spec.required, evidence, rule_ids, categories, spec.key or _key_for(text))


def contract_revise(
    *,
    team: Team,
    actor: User | AnonymousUser | None,
    section_index: int,
    item_key: str | None,
    item: ItemSpec | None,
    note: str = "",
) -> ReviewContract:
    """Write a new contract version: the current one with one item replaced, added or removed.

    `item_key` None + `item` = add to the section; `item_key` + `item` = replace that item;
    `item_key` + None = remove it. Reviews already started keep their version.
    """
    user = actor if isinstance(actor, User) else None
    with transaction.atomic():
        # Lock the team row so two admins' edits become two versions, not a constraint error.
        Team.objects.select_for_update().get(pk=team.pk)
        current = contract_ensure(team)
        sections = contract_as_specs(current)
        if not 0 <= section_index < len(sections):
            raise ValidationError("No such section.")
        section = sections[section_index]
        items = list(section.items)
        if item is not None:
            item = _clean_item(item)
        if item_key is None:
            if item is None:
                raise ValidationError("Nothing to change.")
            if any(i.key == item.key for s in sections for i in s.items):
                item = ItemSpec(**{**item.__dict__, "key": f"{item.key[:50]}-{secrets.token_hex(3)}"})
            items.append(item)
            action, summary = "added", item.text
        else:
            index = next((n for n, i in enumerate(items) if i.key == item_key), None)
            if index is None:
                raise ValidationError("No such item in this section.")
            summary = items[index].text
            if item is None:
                del items[index]
                action = "removed"
            else:
                items[index] = ItemSpec(**{**item.__dict__, "key": item_key})
                action = "changed"
        sections[section_index] = SectionSpec(section.title, tuple(items))
        note = note or f"Item {action}: {summary}"[:300]
        contract = _write_version(team, current.version + 1, tuple(sections), user, note)
        audit_record(
            team=team,
            actor=actor,
            action="contract.revised",
            obj=contract,
            details={
                "version": contract.version,
                "previous_version": current.version,
                "change": action,
                "item": summary,
                "section": section.title,
            },
        )
    return contract
