"""The per-file risk formula (policy in one function) and its use at ingestion."""

from __future__ import annotations

import pytest

from auditor.models import FileMetric, Repository, TriageStatus
from auditor.services.risk import file_risk_score, scan_risk_compute
from auditor.services.triage import triage_set
from tests.auditor.conftest import Personas
from tests.auditor.dashboard_factories import ingest


def test_the_documented_example_scores_24_2() -> None:
    # The worked example on the help page.
    assert file_risk_score([(3, 2), (2, 1)], complexity_max=15, maintainability=52.0, churn=7) == 24.2


def test_a_quiet_simple_file_scores_zero_and_churn_multiplies() -> None:
    assert file_risk_score([], complexity_max=3, maintainability=90.0, churn=None) == 0
    assert file_risk_score([(3, 2)], 1, 90.0, 0) == 7.0
    assert file_risk_score([(3, 2)], 1, 90.0, 7) == 14.0


@pytest.mark.django_db
def test_triaged_findings_stop_counting(personas: Personas, repository: Repository) -> None:
    scan = ingest(repository, [("B602", "a.py", 1, "fp1", 3)])
    assert FileMetric.objects.get(scan=scan).risk_score == 7.0
    triage_set(
        repository=repository,
        fingerprint="fp1",
        status=TriageStatus.FALSE_POSITIVE,
        reason="Checked by hand: not reachable",
        expires_at=None,
        actor=personas.reviewer,
    )
    scan_risk_compute(scan)
    assert FileMetric.objects.get(scan=scan).risk_score == 0
