"""Per-file trust over a scripted history of scans: Quarantine → Monitored → Trusted, and back."""

from __future__ import annotations

import pytest
from django.urls import reverse

from auditor.models import (
    Category,
    ContractItem,
    FileTrust,
    Repository,
    Scan,
    Severity,
    Triage,
    TrustLevel,
)
from auditor.selectors.trust import trust_summary_for_repository
from auditor.services.contracts import contract_ensure
from auditor.services.reviews import ItemDecision, review_sign
from auditor.services.team_settings import team_settings_update
from tests.auditor.conftest import Personas
from tests.auditor.reviews_factories import F, make_scan

pytestmark = pytest.mark.django_db

FILES = [("stable.py", 2), ("risky.py", 4)]
HIGH_IN_RISKY = F("AI502", Category.SECURITY, Severity.HIGH, "risky.py", "secret")
MEDIUM_IN_RISKY = F("AI303", Category.HAPPY_PATH, Severity.MEDIUM, "risky.py", "timeout")


def _levels(scan: Scan) -> dict[str, tuple[int, int, int]]:
    rows = FileTrust.objects.filter(scan=scan)
    return {t.path: (t.level, t.clean_streak, t.approved_reviews) for t in rows}


def _approve(personas: Personas, scan) -> None:  # type: ignore[no-untyped-def]
    items = ContractItem.objects.filter(section__contract=contract_ensure(personas.team), required=True)
    review_sign(
        scan=scan,
        reviewer=personas.reviewer,
        decisions=[ItemDecision(i.pk, "pass", justification="known") for i in items],
    )


def test_trust_rises_with_clean_scans_and_drops_on_a_high_finding(
    personas: Personas, repository: Repository
) -> None:
    team_settings_update(
        team=personas.team,
        actor=personas.admin,
        values={"trust_monitored_after": 3, "trust_trusted_after": 5},
    )
    history = []
    for n in range(5):
        # A medium finding does not reset the streak; only high or critical ones do.
        history.append(make_scan(repository, [MEDIUM_IN_RISKY], files=FILES, commit=f"c{n}"))
    Q, M, T = TrustLevel.QUARANTINE, TrustLevel.MONITORED, TrustLevel.TRUSTED
    assert _levels(history[0]) == {"stable.py": (Q, 1, 0), "risky.py": (Q, 1, 0)}
    assert _levels(history[2])["stable.py"] == (M, 3, 0)
    # Five clean scans are not enough for Trusted without an approved review covering the file.
    assert _levels(history[4])["stable.py"] == (M, 5, 0)
    _approve(personas, history[4])
    assert _levels(history[4])["stable.py"] == (T, 5, 1)

    dropped = make_scan(repository, [HIGH_IN_RISKY], files=FILES, commit="c5")
    assert _levels(dropped) == {"stable.py": (T, 6, 1), "risky.py": (Q, 0, 1)}
    recovering = make_scan(repository, [], files=[*FILES, ("new.py", 1)], commit="c6")
    assert _levels(recovering) == {"stable.py": (T, 7, 1), "risky.py": (Q, 1, 1), "new.py": (Q, 1, 0)}


def test_triaged_high_findings_do_not_reset_trust(personas: Personas, repository: Repository) -> None:

    Triage.objects.create(repository=repository, fingerprint="secret", status="false_positive")
    scan = make_scan(repository, [HIGH_IN_RISKY], files=FILES)
    assert _levels(scan)["risky.py"][1] == 1


def test_changing_thresholds_relevels_stored_rows(personas: Personas, repository: Repository) -> None:
    scan = None
    for n in range(3):
        scan = make_scan(repository, files=FILES, commit=f"c{n}")
    assert {t.level for t in FileTrust.objects.filter(scan=scan)} == {TrustLevel.QUARANTINE}
    team_settings_update(team=personas.team, actor=personas.admin, values={"trust_monitored_after": 2})
    assert {t.level for t in FileTrust.objects.filter(scan=scan)} == {TrustLevel.MONITORED}


def test_branches_keep_separate_histories(personas: Personas, repository: Repository) -> None:
    make_scan(repository, files=FILES, branch="main")
    make_scan(repository, files=FILES, branch="main")
    feature = make_scan(repository, files=FILES, branch="feature")
    assert _levels(feature)["stable.py"][1] == 1


def test_summary_and_hotspot_filter(personas: Personas, repository: Repository) -> None:
    team_settings_update(team=personas.team, actor=personas.admin, values={"trust_monitored_after": 1})
    scan = make_scan(repository, [HIGH_IN_RISKY], files=FILES)
    summary = trust_summary_for_repository(repository)
    assert summary.scan == scan
    assert [(label, n) for _, label, n in summary.counts] == [
        ("Quarantine", 1),
        ("Monitored", 1),
        ("Trusted", 0),
    ]
    assert [t.path for t in summary.quarantined] == ["risky.py"]


def test_repository_page_shows_trust_and_gate(personas: Personas, repository: Repository, client) -> None:  # type: ignore[no-untyped-def]

    make_scan(repository, [HIGH_IN_RISKY], files=FILES)
    client.force_login(personas.viewer)
    body = client.get(reverse("repository-detail", args=[repository.pk])).content.decode()
    assert "Quarantine" in body
    assert "risky.py" in body
    assert "Gate failed" in body
