"""Review contracts: the source text's default, versioned edits, and who may make them."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse

from auditor.models import AuditEvent, ContractItem, EvidenceKind, Repository, ReviewContract
from auditor.selectors.contracts import contract_sections
from auditor.selectors.rules import rule_catalogue
from auditor.services.contracts import DEFAULT_CONTRACT, ItemSpec, contract_ensure, contract_revise
from auditor.services.reviews import ItemDecision, review_sign
from tests.auditor.conftest import Personas
from tests.auditor.reviews_factories import make_scan

pytestmark = pytest.mark.django_db

SOURCE_TEXT = {
    "Critical checks (must pass all)": [
        "All imports resolve to existing modules",
        "No deprecated APIs are used",
        "Error handling covers network failures, timeouts, and null values",
        "Input validation exists for all external data",
        "Sensitive data is not logged",
        "No hardcoded credentials or secrets",
    ],
    "Production readiness checks": [
        "Code handles concurrent access correctly",
        "Retry logic exists for transient failures",
        "Circuit breakers protect against cascading failures",
        "Metrics/logging enable production debugging",
        "Resource cleanup (connections, file handles) is guaranteed",
    ],
    "Style checks": [
        "Naming conventions match codebase",
        "Code complexity is acceptable",
        "Tests cover edge cases, not just happy path",
    ],
}


def test_the_default_contract_is_the_source_texts_every_item_verbatim(personas: Personas) -> None:
    contract = contract_ensure(personas.team)
    got = {s.section.title: [i.text for i in s.items] for s in contract_sections(contract)}
    assert got == SOURCE_TEXT
    required = set(
        ContractItem.objects.filter(section__contract=contract, required=True).values_list("text", flat=True)
    )
    assert required == set(SOURCE_TEXT["Critical checks (must pass all)"])


def test_default_evidence_links_name_only_rules_the_engine_has() -> None:
    known = {r.id for r in rule_catalogue()}
    linked = {r for s in DEFAULT_CONTRACT for i in s.items for r in i.rule_ids}
    assert linked <= known
    by_text = {i.text: i for s in DEFAULT_CONTRACT for i in s.items}
    assert by_text["All imports resolve to existing modules"].rule_ids == ("AI101", "AI102", "AI111", "AI112")
    assert by_text["Sensitive data is not logged"].categories == ("observability",)
    assert {"AI502", "AI512", "B105", "B106", "B107"} <= set(
        by_text["No hardcoded credentials or secrets"].rule_ids
    )
    assert by_text["Code complexity is acceptable"].evidence == EvidenceKind.COMPLEXITY


def test_seeding_is_idempotent(personas: Personas) -> None:
    assert contract_ensure(personas.team).pk == contract_ensure(personas.team).pk
    assert ReviewContract.objects.filter(team=personas.team).count() == 1


def test_each_edit_writes_a_new_version_and_records_it(personas: Personas) -> None:
    v1 = contract_ensure(personas.team)
    item = contract_sections(v1)[2].items[0]
    v2 = contract_revise(
        team=personas.team,
        actor=personas.admin,
        section_index=2,
        item_key=item.key,
        item=ItemSpec("Names follow the codebase's conventions", True, EvidenceKind.FINDINGS, ("AI103",)),
    )
    v3 = contract_revise(
        team=personas.team,
        actor=personas.admin,
        section_index=1,
        item_key=None,
        item=ItemSpec("Feature flag guards the rollout", False),
    )
    assert (v1.version, v2.version, v3.version) == (1, 2, 3)
    assert contract_sections(v1)[2].items[0].text == "Naming conventions match codebase"
    edited = contract_sections(v3)[2].items[0]
    assert (edited.text, edited.required, edited.rule_ids, edited.key) == (
        "Names follow the codebase's conventions",
        True,
        ["AI103"],
        item.key,
    )
    assert contract_sections(v3)[1].items[-1].text == "Feature flag guards the rollout"
    events = list(AuditEvent.objects.filter(action="contract.revised").order_by("id"))
    assert [e.details["version"] for e in events] == [2, 3]
    assert events[0].actor == personas.admin


def test_removing_an_item_and_rejecting_unknown_rules(personas: Personas) -> None:
    v1 = contract_ensure(personas.team)
    key = contract_sections(v1)[1].items[2].key
    v2 = contract_revise(team=personas.team, actor=personas.admin, section_index=1, item_key=key, item=None)
    assert len(contract_sections(v2)[1].items) == 4
    with pytest.raises(ValidationError, match="Unknown rule"):
        contract_revise(
            team=personas.team,
            actor=personas.admin,
            section_index=0,
            item_key=None,
            item=ItemSpec("x", rule_ids=("NOPE1",)),
        )
    assert ReviewContract.objects.filter(team=personas.team).count() == 2


def test_a_started_review_keeps_its_contract_version(personas: Personas, repository: Repository) -> None:
    scan = make_scan(repository)
    v1 = contract_ensure(personas.team)
    first = contract_sections(v1)[0].items[0]
    review = review_sign(scan=scan, reviewer=personas.reviewer, decisions=[ItemDecision(first.pk, "pass")])
    contract_revise(team=personas.team, actor=personas.admin, section_index=0, item_key=first.key, item=None)
    review.refresh_from_db()
    assert review.contract_id == v1.pk
    page = Client()
    page.force_login(personas.reviewer)
    response = page.get(reverse("review-detail", args=[scan.pk]))
    assert "contract v1" in response.content.decode()
    assert "has edited its contract since" in response.content.decode()


def test_only_admins_edit_and_the_edit_page_shows_forms_only_to_them(personas: Personas) -> None:
    url = reverse("contract-edit", args=[personas.team.slug])
    data = {"section": "0", "text": "Extra check", "evidence": "none"}
    for user in (personas.viewer, personas.reviewer):
        c = Client()
        c.force_login(user)
        assert c.post(url, data).status_code == 403
        assert (
            "Save as new version"
            not in c.get(reverse("contract-detail", args=[personas.team.slug])).content.decode()
        )
    c = Client()
    c.force_login(personas.admin)
    assert c.post(url, data).status_code == 302
    assert ReviewContract.objects.filter(team=personas.team).count() == 2
    assert (
        "Save as new version" in c.get(reverse("contract-detail", args=[personas.team.slug])).content.decode()
    )
    old = c.get(reverse("contract-detail", args=[personas.team.slug]) + "?version=1").content.decode()
    assert "an old version" in old
    assert "Save as new version" not in old


def test_contract_and_reviews_index_query_budgets(
    personas: Personas, repository: Repository, django_assert_max_num_queries
) -> None:  # type: ignore[no-untyped-def]
    for n in range(30):
        make_scan(repository, commit=f"c{n}")
    c = Client()
    c.force_login(personas.admin)
    c.get(reverse("contract-detail", args=[personas.team.slug]))  # seeds the default
    with django_assert_max_num_queries(11):
        c.get(reverse("contract-detail", args=[personas.team.slug]))
    with django_assert_max_num_queries(6):
        c.get(reverse("review-index"))


def test_a_refused_item_comes_back_with_what_was_typed(personas: Personas) -> None:
    # Before: a redirect to the contract page with a message, and the typed item lost.
    client = Client()
    client.force_login(personas.admin)
    client.get(f"/teams/{personas.team.slug}/contract/")  # the default contract exists
    response = client.post(
        f"/teams/{personas.team.slug}/contract/edit/",
        {
            "section": "0",
            "text": "Every query is parameterised",
            "rule_ids": "AI101 NOPE9",
            "evidence": "rules",
        },
    )
    body = response.content.decode()
    assert response.status_code == 400
    assert "Unknown rule id(s): NOPE9." in body
    assert 'value="Every query is parameterised"' in body
    assert 'value="AI101 NOPE9"' in body
