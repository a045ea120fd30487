"""The quality gate: new severe findings, context findings in new code, required reviews,
its display and the CI command."""

from __future__ import annotations

import json

import pytest
from django.core.management import call_command
from django.test import Client
from django.urls import reverse

from auditor.models import AuditEvent, Category, ContractItem, GateResult, Repository, Severity, Triage
from auditor.selectors.gate import gate_latest_for_repository, scan_new_fingerprints
from auditor.services.contracts import contract_ensure
from auditor.services.reviews import ItemDecision, review_sign
from auditor.services.team_settings import team_settings_update
from tests.auditor.conftest import Personas
from tests.auditor.reviews_factories import F, make_scan, unresolved_import

pytestmark = pytest.mark.django_db

CRITICAL = F("AI502", Category.SECURITY, Severity.CRITICAL, "cfg.py", "key")
LOW_CONTEXT = F("AI103", Category.CONTEXT, Severity.LOW, "names.py", "naming")
MEDIUM = F("AI303", Category.HAPPY_PATH, Severity.MEDIUM, "net.py", "timeout")


def _gate(scan) -> GateResult:  # type: ignore[no-untyped-def]
    return GateResult.objects.get(scan=scan)


def test_new_fingerprints_compare_with_the_previous_successful_scan_of_the_branch(
    repository: Repository,
) -> None:
    first = make_scan(repository, [CRITICAL, MEDIUM])
    make_scan(repository, [CRITICAL, MEDIUM, LOW_CONTEXT], branch="other")
    second = make_scan(repository, [CRITICAL, LOW_CONTEXT])
    assert scan_new_fingerprints(first) == {"key", "timeout"}
    assert scan_new_fingerprints(second) == {"naming"}


def test_defaults_fail_on_new_high_or_critical_and_new_context_findings(repository: Repository) -> None:
    first = make_scan(repository, [CRITICAL])
    gate = _gate(first)
    assert not gate.passed
    assert [f["code"] for f in gate.failures] == ["new-severe-findings"]
    # The same critical finding again is not new; a new low context finding is.
    second = make_scan(repository, [CRITICAL, LOW_CONTEXT])
    assert [f["code"] for f in _gate(second).failures] == ["new-context-findings"]
    third = make_scan(repository, [CRITICAL, LOW_CONTEXT, MEDIUM])
    assert _gate(third).passed


def test_triaged_new_findings_do_not_fail_the_gate(repository: Repository) -> None:

    Triage.objects.create(repository=repository, fingerprint="fp-import", status="accepted_risk")
    assert _gate(make_scan(repository, [unresolved_import()])).passed


def test_a_required_review_fails_the_gate_until_approved(personas: Personas, repository: Repository) -> None:
    team_settings_update(team=personas.team, actor=personas.admin, values={"gate_require_review": True})
    scan = make_scan(repository, [MEDIUM])
    assert [f["code"] for f in _gate(scan).failures] == ["review-approved"]
    items = ContractItem.objects.filter(section__contract=contract_ensure(personas.team), required=True)
    review_sign(
        scan=scan,
        reviewer=personas.reviewer,
        decisions=[ItemDecision(i.pk, "pass", justification="handled upstream") for i in items],
    )
    assert _gate(scan).passed
    assert AuditEvent.objects.filter(action="gate.passed").count() == 1


def test_conditions_can_be_switched_off(personas: Personas, repository: Repository) -> None:
    team_settings_update(
        team=personas.team,
        actor=personas.admin,
        values={"gate_block_new_findings": False, "gate_block_new_context": False},
    )
    gate = _gate(make_scan(repository, [CRITICAL, LOW_CONTEXT]))
    assert gate.passed
    assert gate.conditions == []
    event = AuditEvent.objects.get(action="settings.changed")
    assert event.details["gate_block_new_findings"] == {"from": True, "to": False}


def test_the_gate_command_prints_reasons_and_exits_1_on_fail(repository: Repository, capsys) -> None:  # type: ignore[no-untyped-def]
    failing = make_scan(repository, [CRITICAL])
    with pytest.raises(SystemExit) as exited:
        call_command("gate", str(failing.pk))
    assert exited.value.code == 1
    out = capsys.readouterr().out
    assert "FAILED" in out
    assert "1 new finding of high severity or above" in out
    passing = make_scan(repository, [CRITICAL])
    call_command("gate", str(passing.pk), "--json")
    assert json.loads(capsys.readouterr().out)["passed"] is True


def test_the_scan_page_shows_the_verdict_and_the_failing_conditions(
    personas: Personas, repository: Repository
) -> None:
    scan = make_scan(repository, [CRITICAL])
    client = Client()
    client.force_login(personas.viewer)
    body = client.get(reverse("scan-detail", args=[scan.pk])).content.decode()
    assert "Gate failed" in body
    assert "No new findings of high severity or above" in body
    assert reverse("review-detail", args=[scan.pk]) in body


def test_changing_the_gate_re_evaluates_each_repositorys_latest_scan(
    personas: Personas, repository: Repository
) -> None:
    older = make_scan(repository, [CRITICAL])
    latest = make_scan(repository, [CRITICAL, LOW_CONTEXT])
    assert not _gate(latest).passed
    team_settings_update(team=personas.team, actor=personas.admin, values={"gate_block_new_context": False})
    assert _gate(latest).passed
    assert not _gate(older).passed  # history keeps the verdict it was given
    assert AuditEvent.objects.filter(action="gate.passed", object_id=str(latest.pk)).exists()


def test_the_repository_badge_follows_the_default_branch_not_a_feature_branch(
    personas: Personas, repository: Repository
) -> None:

    main = make_scan(repository, commit="m1")
    make_scan(repository, commit="f1", branch="feature/x")

    latest = gate_latest_for_repository(repository.pk)
    assert latest is not None
    assert latest.scan_id == main.pk
