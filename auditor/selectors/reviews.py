"""Reads for the review page: the checklist with each item's evidence, approval, timeline."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from django.db.models import Count, Q
from django.urls import reverse
from django.utils.http import urlencode

from auditor.models import (
    ContractItem,
    Decision,
    EvidenceKind,
    FileMetric,
    Finding,
    Review,
    ReviewContract,
    Scan,
    SignOff,
    TeamSettings,
)
from auditor.selectors.contracts import SectionView, contract_sections
from auditor.selectors.gate import open_findings

EVIDENCE_SAMPLES = 5


@dataclass(frozen=True)
class Evidence:
    """What the scanners say about one item: `count` contradicting findings or files."""

    kind: str
    count: int = 0
    findings: list[Finding] = field(default_factory=list)
    files: list[FileMetric] = field(default_factory=list)
    links: list[tuple[str, str]] = field(default_factory=list)  # (label, url) to the full list

    @property
    def automatic(self) -> bool:
        return self.kind != EvidenceKind.NONE

    @property
    def contradicts(self) -> bool:
        return self.count > 0


def _finding_links(scan: Scan, item: ContractItem) -> list[tuple[str, str]]:
    base = reverse("scan-detail", args=[scan.pk])
    links = [(rule, f"{base}?{urlencode({'rule': rule})}") for rule in item.rule_ids]
    links += [(cat, f"{base}?{urlencode({'category': cat})}") for cat in item.categories]
    return links


def evidence_for_items(
    scan: Scan, items: Sequence[ContractItem], settings: TeamSettings
) -> dict[int, Evidence]:
    """item id → Evidence. One grouped count for all finding-backed items, then one sample
    query per contradicted item: bounded by the contract's size, not by the findings'."""
    rule_ids = {r for i in items if i.evidence == EvidenceKind.FINDINGS for r in i.rule_ids}
    categories = {c for i in items if i.evidence == EvidenceKind.FINDINGS for c in i.categories}
    grouped: list[tuple[str, str, int]] = []
    if rule_ids or categories:
        grouped = list(
            open_findings(scan)
            .filter(Q(rule_id__in=rule_ids) | Q(category__in=categories))
            .values_list("rule_id", "category")
            .annotate(n=Count("id"))
        )
    result: dict[int, Evidence] = {}
    for item in items:
        if item.evidence == EvidenceKind.FINDINGS:
            matches = Q(rule_id__in=item.rule_ids) | Q(category__in=item.categories)
            count = sum(n for r, c, n in grouped if r in item.rule_ids or c in item.categories)
            samples = (
                list(
                    open_findings(scan)
                    .filter(matches)
                    .order_by("-severity", "path", "line")[:EVIDENCE_SAMPLES]
                )
                if count
                else []
            )
            result[item.pk] = Evidence(
                item.evidence, count, findings=samples, links=_finding_links(scan, item)
            )
        elif item.evidence == EvidenceKind.COMPLEXITY:
            over = FileMetric.objects.filter(scan=scan, complexity_max__gt=settings.complexity_threshold)
            count = over.count()
            files = list(over.order_by("-complexity_max", "path")[:EVIDENCE_SAMPLES]) if count else []
            result[item.pk] = Evidence(item.evidence, count, files=files, links=_finding_links(scan, item))
        else:
            result[item.pk] = Evidence(item.evidence)
    return result


@dataclass(frozen=True)
class ItemState:
    item: ContractItem
    evidence: Evidence
    # Each reviewer's latest decision on this item, oldest reviewer first.
    latest: list[SignOff]


@dataclass(frozen=True)
class Approval:
    approved: bool
    signers: list[str]  # reviewers whose latest decisions pass (or n/a) every required item
    required_reviewers: int
    blockers: list[str]  # human-readable reasons it is not approved


def approval_compute(
    items: Iterable[ContractItem], signoffs: Iterable[SignOff], required_reviewers: int
) -> Approval:
    """The approval rule, in one place. A reviewer signs the review when his latest decision
    on every required item is pass or not-applicable; the review is approved when at least
    `required_reviewers` distinct reviewers have signed and no reviewer's latest decision on
    any item is fail. `signoffs` in chronological order (a later one corrects an earlier one)."""
    items = list(items)
    latest: dict[tuple[int, int], SignOff] = {}
    for s in signoffs:
        latest[(s.reviewer_id, s.item_id)] = s
    reviewers = {reviewer: s.reviewer_name for (reviewer, _), s in latest.items()}
    required = [i for i in items if i.required]
    signers = [
        name
        for reviewer, name in sorted(reviewers.items(), key=lambda kv: kv[1])
        if all(
            (reviewer, i.pk) in latest and latest[(reviewer, i.pk)].decision != Decision.FAIL
            for i in required
        )
    ]
    blockers = [
        f"“{i.text}” failed by {s.reviewer_name}"
        for i in items
        for (reviewer, item_id), s in latest.items()
        if item_id == i.pk and s.decision == Decision.FAIL
    ]
    if len(signers) < required_reviewers:
        blockers.append(
            f"{len(signers)} of {required_reviewers} required "
            f"reviewer{'s' if required_reviewers != 1 else ''} signed every required item"
        )
    return Approval(not blockers, signers, required_reviewers, blockers)


def review_for_scan(scan: Scan) -> Review | None:
    return Review.objects.filter(scan=scan).select_related("contract").first()


def review_signoffs(review: Review | None) -> list[SignOff]:
    """All sign-offs of a review, oldest first (one query)."""
    if review is None:
        return []
    return list(SignOff.objects.filter(review=review).select_related("item").order_by("created_at", "id"))


@dataclass(frozen=True)
class SectionState:
    section: SectionView
    items: list[ItemState]


@dataclass(frozen=True)
class ReviewPage:
    contract: ReviewContract
    review: Review | None
    sections: list[SectionState]
    approval: Approval
    timeline: list[SignOff]  # newest first
    stale_contract: bool  # the team has edited its contract since this review started


def review_page_data(
    scan: Scan, review: Review | None, contract: ReviewContract, settings: TeamSettings, current_version: int
) -> ReviewPage:
    """Everything the review page shows, in a number of queries bounded by the contract size."""
    sections = contract_sections(contract)
    items = [i for s in sections for i in s.items]
    evidence = evidence_for_items(scan, items, settings)
    signoffs = review_signoffs(review)
    latest: dict[tuple[int, int], SignOff] = {}
    for s in signoffs:
        latest[(s.reviewer_id, s.item_id)] = s
    states = [
        SectionState(
            s,
            [
                ItemState(
                    i,
                    evidence[i.pk],
                    sorted(
                        (v for (_, item_id), v in latest.items() if item_id == i.pk),
                        key=lambda v: v.reviewer_name,
                    ),
                )
                for i in s.items
            ],
        )
        for s in sections
    ]
    return ReviewPage(
        contract=contract,
        review=review,
        sections=states,
        approval=approval_compute(items, signoffs, settings.required_reviewers),
        timeline=list(reversed(signoffs)),
        stale_contract=contract.version != current_version,
    )
