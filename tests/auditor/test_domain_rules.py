"""Each domain rule once: open / triaged / fixed on the identity and tally tables, a triage
in force (its expiry day included, in SQL and in Python alike), what is new from the
lifecycle the gate reads, the latest succeeded scan."""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone

from auditor.models import FindingTally, Scan, TrackedFinding, Triage
from auditor.models.findings import triage_in_force
from auditor.selectors.contracts import team_settings_for
from auditor.selectors.counts import finding_counts
from auditor.selectors.gate import gate_evaluate, scan_latest_successful, scan_new_fingerprints
from tests.auditor.counts_fixture import CountsWorld


def test_open_triaged_fixed_partition_the_identities(counts_world: CountsWorld) -> None:
    today = timezone.localdate()
    main = TrackedFinding.objects.filter(repository=counts_world.billing, branch="main")

    def fps(qs: object) -> set[str]:
        return set(qs.values_list("fingerprint", flat=True))  # type: ignore[attr-defined]

    assert fps(main.open(today)) == {"fp-A", "fp-D", "fp-F", "fp-H"}
    assert fps(main.triaged(today)) == {"fp-B", "fp-C", "fp-G"}
    assert fps(main.fixed()) == {"fp-E"}
    # The tally says the same, row for row.
    tally = FindingTally.objects.filter(repository=counts_world.billing)
    assert sum(tally.open(today).values_list("n", flat=True)) == 4
    assert sum(tally.triaged(today).values_list("n", flat=True)) == 3
    # Tomorrow C's expiry is still ahead; the day after its expiry it is open again.
    later = today + timedelta(days=31)
    assert "fp-C" in fps(main.open(later))
    assert finding_counts([counts_world.billing.pk], later)[counts_world.billing.pk].open == 5


def test_an_expiry_day_is_in_force_in_sql_and_in_python(counts_world: CountsWorld) -> None:
    today = timezone.localdate()
    triage = Triage.objects.get(fingerprint="fp-C")
    last_day = triage.expires_at
    assert last_day is not None
    assert triage.in_force_on(last_day)
    assert not triage.in_force_on(last_day + timedelta(days=1))
    assert Triage.objects.in_force(last_day).filter(pk=triage.pk).exists()
    assert not Triage.objects.in_force(last_day + timedelta(days=1)).filter(pk=triage.pk).exists()
    assert triage_in_force("wont_fix", None, today)
    assert not triage_in_force("", None, today)


def test_the_gate_reads_what_is_new_from_the_lifecycle(counts_world: CountsWorld) -> None:
    scans = list(Scan.objects.filter(repository=counts_world.billing, branch="main").order_by("created_at"))
    assert scan_new_fingerprints(scans[0]) == {"fp-A", "fp-B", "fp-C", "fp-D", "fp-E", "fp-F", "fp-G"}
    assert scan_new_fingerprints(scans[1]) == {"fp-H"}
    assert scan_new_fingerprints(scans[2]) == {"fp-F"}  # reopened: back in the code
    conditions = {c.code: c for c in gate_evaluate(scans[2], team_settings_for(counts_world.billing.team))}
    assert not conditions["new-severe-findings"].passed
    assert conditions["new-severe-findings"].message == "1 new finding of high severity or above"


def test_the_latest_succeeded_scan_is_of_the_default_branch(counts_world: CountsWorld) -> None:
    # The feature branch's scan is newer; the repository's latest is still main's.
    assert counts_world.feature.created_at > counts_world.latest.created_at
    assert scan_latest_successful(counts_world.billing) == counts_world.latest
