"""One team whose findings cover every state a count can get wrong, built through the real
lifecycle and triage services: open, triaged (in force with and without an expiry, and
expired), fixed, reopened, a feature branch's findings, and a second repository.

billing (default branch main), three scans of main:
    A critical  open in all three
    B high      false positive, no expiry            → triaged
    C medium    accepted risk until next month       → triaged
    D high      accepted risk that expired yesterday → open again
    E low       fixed in scan 2
    F critical  fixed in scan 2, reopened in scan 3  → open
    G high      won't fix, no expiry                 → triaged
    H medium    new in scan 2                        → open
  and a scan of branch "feature" with A and X (critical), which no team-wide count sees.
ledger (default branch main): P high, Q low, both open.

Open: billing A D F H (4; critical+high A D F = 3), ledger P Q (2; 1). Team: 6 open, 4
critical+high, 3 triaged.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from django.test import Client
from django.utils import timezone

from auditor.models import Repository, Scan, Severity, Team, TriageStatus
from auditor.services.triage import triage_set
from tests.auditor.dashboard_factories import Row, ingest

C, H, M, L = Severity.CRITICAL, Severity.HIGH, Severity.MEDIUM, Severity.LOW


def _row(name: str, severity: int, line: int = 1) -> Row:
    return (f"AI{100 + ord(name) - ord('A')}", f"app/{name.lower()}.py", line, f"fp-{name}", severity)


@dataclass
class CountsWorld:
    billing: Repository
    ledger: Repository
    latest: Scan  # billing's latest scan of main
    feature: Scan
    ledger_scan: Scan
    open_billing: int = 4
    severe_billing: int = 3
    open_ledger: int = 2
    severe_ledger: int = 1
    triaged_billing: int = 3

    @property
    def open_team(self) -> int:
        return self.open_billing + self.open_ledger

    @property
    def severe_team(self) -> int:
        return self.severe_billing + self.severe_ledger


def build_counts_world(team: Team, reviewer: object) -> CountsWorld:
    billing = Repository.objects.create(
        team=team, name="billing", slug="billing", clone_url="https://example.com/billing.git"
    )
    ledger = Repository.objects.create(
        team=team, name="ledger", slug="ledger", clone_url="https://example.com/ledger.git"
    )
    now = timezone.now()
    a, b, c, d, e, f, g, h = (
        _row("A", C),
        _row("B", H),
        _row("C", M),
        _row("D", H),
        _row("E", L),
        _row("F", C),
        _row("G", H),
        _row("H", M),
    )
    ingest(billing, [a, b, c, d, e, f, g], at=now - timedelta(days=3))
    ingest(billing, [a, b, c, d, g, h], at=now - timedelta(days=2))
    latest = ingest(billing, [a, b, c, d, g, h, f], at=now - timedelta(days=1))
    feature = ingest(billing, [a, _row("X", C)], branch="feature", at=now - timedelta(hours=12))
    ledger_scan = ingest(ledger, [("AI301", "src/p.py", 3, "fp-P", H), ("AI302", "src/q.py", 4, "fp-Q", L)])
    today = timezone.localdate()
    for fingerprint, status, expires, on in (
        ("fp-B", TriageStatus.FALSE_POSITIVE, None, today),
        ("fp-C", TriageStatus.ACCEPTED_RISK, today + timedelta(days=30), today),
        # Set ten days ago, expired yesterday: open again today.
        ("fp-D", TriageStatus.ACCEPTED_RISK, today - timedelta(days=1), today - timedelta(days=10)),
        ("fp-G", TriageStatus.WONT_FIX, None, today),
    ):
        triage_set(
            repository=billing,
            fingerprint=fingerprint,
            status=status,
            reason=f"Reviewed {fingerprint}: not a risk here",
            expires_at=expires,
            actor=reviewer,  # type: ignore[arg-type]
            today=on,
        )
    return CountsWorld(billing, ledger, latest, feature, ledger_scan)


def signed_in(user: object) -> Client:
    client = Client()
    client.force_login(user)  # type: ignore[arg-type]
    return client
