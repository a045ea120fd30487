"""Sign-offs and approval: who must sign what, evidence that needs justification,
append-only records, and reviews that never carry over to a new commit."""

from __future__ import annotations

import pathlib
import re

import pytest
from django.test import Client
from django.urls import reverse

from auditor.models import (
    AppendOnlyError,
    AuditEvent,
    ContractItem,
    Membership,
    Repository,
    Review,
    Role,
    SignOff,
    TeamSettings,
)
from auditor.services.contracts import contract_ensure
from auditor.services.reviews import ItemDecision, SignOffRejected, review_sign
from auditor.services.team_settings import team_settings_update
from tests.auditor.conftest import Personas
from tests.auditor.reviews_factories import make_scan, unresolved_import

pytestmark = pytest.mark.django_db


def _items(personas: Personas) -> dict[str, ContractItem]:
    contract = contract_ensure(personas.team)
    return {i.key: i for i in ContractItem.objects.filter(section__contract=contract)}


def _pass_required(items: dict[str, ContractItem], **justifications: str) -> list[ItemDecision]:
    return [
        ItemDecision(i.pk, "pass", justification=justifications.get(key.replace("-", "_"), ""))
        for key, i in items.items()
        if i.required
    ]


@pytest.fixture
def second_reviewer(personas: Personas, django_user_model):  # type: ignore[no-untyped-def]

    user = django_user_model.objects.create_user(username="rosa", password="pw-rosa")
    Membership.objects.create(user=user, team=personas.team, role=Role.REVIEWER)
    return user


def test_one_reviewer_passing_every_required_item_approves_by_default(
    personas: Personas, repository: Repository
) -> None:
    scan = make_scan(repository)
    review = review_sign(scan=scan, reviewer=personas.reviewer, decisions=_pass_required(_items(personas)))
    assert review.approved
    assert AuditEvent.objects.filter(action="review.approved").count() == 1


def test_two_reviewers_are_needed_when_the_team_says_so(
    personas: Personas, repository: Repository, second_reviewer: object
) -> None:
    team_settings_update(team=personas.team, actor=personas.admin, values={"required_reviewers": 2})
    scan = make_scan(repository)
    items = _items(personas)
    review = review_sign(scan=scan, reviewer=personas.reviewer, decisions=_pass_required(items))
    assert not review.approved
    # The same reviewer signing again is still one distinct reviewer.
    review = review_sign(scan=scan, reviewer=personas.reviewer, decisions=_pass_required(items))
    assert not review.approved
    review = review_sign(scan=scan, reviewer=second_reviewer, decisions=_pass_required(items))  # type: ignore[arg-type]
    assert review.approved


def test_optional_items_may_be_left_open_but_not_applicable_counts_for_required(
    personas: Personas, repository: Repository
) -> None:
    scan = make_scan(repository)
    items = _items(personas)
    decisions = [
        ItemDecision(i.pk, "n/a" if key == "sensitive-data-is-not-logged" else "pass")
        for key, i in items.items()
        if i.required
    ]
    assert review_sign(scan=scan, reviewer=personas.reviewer, decisions=decisions).approved


def test_a_failed_item_blocks_approval_until_corrected(personas: Personas, repository: Repository) -> None:
    scan = make_scan(repository)
    items = _items(personas)
    optional = next(i for i in items.values() if not i.required)
    decisions = [*_pass_required(items), ItemDecision(optional.pk, "fail", comment="no retries")]
    review = review_sign(scan=scan, reviewer=personas.reviewer, decisions=decisions)
    assert not review.approved
    # A correction is a new sign-off; the failed one stays in the record.
    review = review_sign(
        scan=scan, reviewer=personas.reviewer, decisions=[ItemDecision(optional.pk, "pass", comment="added")]
    )
    assert review.approved
    assert list(SignOff.objects.filter(item=optional).order_by("id").values_list("decision", flat=True)) == [
        "fail",
        "pass",
    ]


def test_missing_required_item_keeps_it_unapproved(personas: Personas, repository: Repository) -> None:
    scan = make_scan(repository)
    decisions = _pass_required(_items(personas))[:-1]
    assert not review_sign(scan=scan, reviewer=personas.reviewer, decisions=decisions).approved


def test_passing_against_contradicting_evidence_needs_a_justification(
    personas: Personas, repository: Repository
) -> None:
    scan = make_scan(repository, [unresolved_import()])
    items = _items(personas)
    with pytest.raises(SignOffRejected) as rejected:
        review_sign(scan=scan, reviewer=personas.reviewer, decisions=_pass_required(items))
    imports = items["all-imports-resolve-to-existing-modules"]
    assert set(rejected.value.item_errors) == {imports.pk}
    assert not SignOff.objects.exists()  # all or nothing
    review = review_sign(
        scan=scan,
        reviewer=personas.reviewer,
        decisions=_pass_required(items, all_imports_resolve_to_existing_modules="Vendored module, see ADR-7"),
    )
    assert review.approved
    signed = SignOff.objects.get(item=imports)
    assert (signed.justification, signed.evidence_count) == ("Vendored module, see ADR-7", 1)
    client = Client()
    client.force_login(personas.viewer)
    assert (
        "Vendored module, see ADR-7" in client.get(reverse("review-detail", args=[scan.pk])).content.decode()
    )


def test_a_new_commit_starts_unapproved(personas: Personas, repository: Repository) -> None:
    first = make_scan(repository, commit="aaa111")
    assert review_sign(
        scan=first, reviewer=personas.reviewer, decisions=_pass_required(_items(personas))
    ).approved
    second = make_scan(repository, commit="bbb222")
    assert not Review.objects.filter(scan=second).exists()
    client = Client()
    client.force_login(personas.reviewer)
    body = client.get(reverse("review-detail", args=[second.pk])).content.decode()
    assert "Not approved" in body
    assert "Nobody has signed anything yet" in body


def test_sign_offs_cannot_be_updated_or_deleted_through_any_orm_path(
    personas: Personas, repository: Repository
) -> None:
    scan = make_scan(repository)
    review_sign(scan=scan, reviewer=personas.reviewer, decisions=_pass_required(_items(personas))[:1])
    signoff = SignOff.objects.get()
    signoff.decision = "fail"
    with pytest.raises(AppendOnlyError):
        signoff.save()
    with pytest.raises(AppendOnlyError):
        signoff.delete()
    with pytest.raises(AppendOnlyError):
        SignOff.objects.filter(pk=signoff.pk).update(decision="fail")
    with pytest.raises(AppendOnlyError):
        SignOff.objects.all().delete()
    assert SignOff.objects.get().decision == "pass"


def test_no_code_path_updates_or_deletes_sign_offs_or_audit_events() -> None:
    """Static guard: outside the models that forbid it, nothing calls update/delete on them."""

    root = pathlib.Path(__file__).resolve().parents[2] / "auditor"
    pattern = re.compile(r"(SignOff|AuditEvent)\.objects\.[^\n]*\.(update|delete|bulk_update)\(")
    offenders = [
        str(path)
        for path in root.rglob("*.py")
        if "migrations" not in path.parts and pattern.search(path.read_text(encoding="utf-8"))
    ]
    assert offenders == []


def test_the_sign_off_form_records_decisions_and_redirects(
    personas: Personas, repository: Repository
) -> None:
    scan = make_scan(repository, [unresolved_import()])
    items = _items(personas)
    imports = items["all-imports-resolve-to-existing-modules"]
    client = Client()
    client.force_login(personas.reviewer)
    url = reverse("review-signoff", args=[scan.pk])
    refused = client.post(url, {f"decision_{imports.pk}": "pass", f"comment_{imports.pk}": "looks fine"})
    assert refused.status_code == 400
    assert "explain why this item passes anyway" in refused.content.decode()
    assert 'value="looks fine"' in refused.content.decode()  # the form keeps what was typed
    ok = client.post(url, {f"decision_{imports.pk}": "fail", f"comment_{imports.pk}": "AI101 is real"})
    assert ok.status_code == 302
    event = AuditEvent.objects.get(action="review.signed")
    assert event.actor == personas.reviewer
    assert event.details["decisions"] == {"all-imports-resolve-to-existing-modules": "fail"}


def test_the_review_page_shows_evidence_per_item(personas: Personas, repository: Repository) -> None:
    TeamSettings.objects.create(team=personas.team, complexity_threshold=10)
    scan = make_scan(repository, [unresolved_import("svc/api.py")], files=[("svc/api.py", 25), ("ok.py", 2)])
    client = Client()
    client.force_login(personas.viewer)
    body = client.get(reverse("review-detail", args=[scan.pk])).content.decode()
    assert "1 open finding contradicts this" in body
    assert "svc/api.py:1" in body
    assert "1 file over the complexity threshold" in body
    assert "No open findings contradict this" in body  # e.g. secrets: nothing found
    assert "Manual check" in body  # circuit breakers
    assert "Record sign-offs" not in body  # viewers read only


def test_review_page_query_count_does_not_grow_with_findings(
    personas: Personas, repository: Repository, django_assert_max_num_queries
) -> None:  # type: ignore[no-untyped-def]
    many = [unresolved_import(f"m{n}.py", f"fp{n}") for n in range(60)]
    scan = make_scan(repository, many, files=[(f"m{n}.py", 30) for n in range(60)])
    client = Client()
    client.force_login(personas.reviewer)
    client.get(reverse("review-detail", args=[scan.pk]))  # seeds the contract
    with django_assert_max_num_queries(16):
        assert client.get(reverse("review-detail", args=[scan.pk])).status_code == 200


def test_raising_the_required_reviewers_withdraws_a_stored_approval(
    personas: Personas, repository: Repository
) -> None:
    scan = make_scan(repository)
    review = review_sign(scan=scan, reviewer=personas.reviewer, decisions=_pass_required(_items(personas)))
    assert review.approved

    team_settings_update(team=personas.team, actor=personas.admin, values={"required_reviewers": 2})

    review.refresh_from_db()
    assert not review.approved
    assert AuditEvent.objects.filter(action="review.unapproved").count() == 1
