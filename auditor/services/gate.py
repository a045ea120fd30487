"""Writes for the quality gate, and the one hook ingestion calls for review-derived data."""

from __future__ import annotations

from django.db import transaction

from auditor.models import GateResult, Scan, Team
from auditor.selectors.contracts import team_settings_for
from auditor.selectors.gate import gate_evaluate, scan_latest_successful
from auditor.services.audit import audit_record
from auditor.services.trust import trust_record_scan


def gate_refresh(scan: Scan, *, record_flip: bool = True) -> GateResult:
    """Evaluate the team's gate for `scan` and store the verdict.

    A verdict that flips (e.g. fail → pass when the review is approved) is recorded in
    the audit trail; the first verdict at ingestion is not (the scan itself is the event).
    """
    settings = team_settings_for(scan.repository.team)
    conditions = gate_evaluate(scan, settings)
    passed = all(c.passed for c in conditions)
    failures = [{"code": c.code, "message": f"{c.label}: {c.message}"} for c in conditions if not c.passed]
    stored = [c.__dict__ for c in conditions]
    with transaction.atomic():
        previous = GateResult.objects.select_for_update().filter(scan=scan).first()
        result, _ = GateResult.objects.update_or_create(
            scan=scan, defaults={"passed": passed, "failures": failures, "conditions": stored}
        )
        if record_flip and previous is not None and previous.passed != passed:
            audit_record(
                team=scan.repository.team,
                actor=None,
                action="gate.passed" if passed else "gate.failed",
                obj=scan,
                details={"failures": [f["message"] for f in failures]},
            )
    return result


def scan_review_derive(scan: Scan) -> None:
    """Called by ingestion inside its transaction, after findings and file metrics are
    written: per-file trust for this scan, then the gate's first verdict."""

    trust_record_scan(scan)
    gate_refresh(scan, record_flip=False)


def gate_refresh_latest(team: Team) -> int:
    """Re-evaluate the gate of every repository's latest succeeded scan of its default branch
    after the team's gate changed, so repository pages and CI read the current rules. Older
    scans keep the verdict they were given. Returns the number of scans re-evaluated."""
    refreshed = 0
    for repository in team.repositories.all():
        latest = scan_latest_successful(repository)
        if latest is not None:
            gate_refresh(latest)
            refreshed += 1
    return refreshed
