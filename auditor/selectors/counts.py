"""How many findings are open, triaged and severe, per repository, now: the one read behind
every surface that shows such a number (overview cards and table, repositories table,
repository page, team report, API). Read from the tally (models.FindingTally: a few
hundred rows per repository, rewritten at ingestion and triage), so on every surface the
numbers are exactly the findings list's (selectors/findings.py reads the same tally)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date

from django.db.models import Q, Sum
from django.db.models.functions import Coalesce
from django.utils import timezone

from auditor.models import FindingTally, Severity
from auditor.models.findings import open_q, triaged_q

SEVERE = (Severity.CRITICAL, Severity.HIGH)


@dataclass
class FindingCounts:
    """One repository's (or a sum of several) default-branch identities by state."""

    open_by_severity: dict[int, int] = field(default_factory=dict)  # Severity value → open
    triaged_by_severity: dict[int, int] = field(default_factory=dict)

    @property
    def open(self) -> int:
        return sum(self.open_by_severity.values())

    @property
    def critical(self) -> int:
        return self.open_by_severity.get(Severity.CRITICAL, 0)

    @property
    def high(self) -> int:
        return self.open_by_severity.get(Severity.HIGH, 0)

    @property
    def severe(self) -> int:
        """Open critical + high."""
        return sum(self.open_by_severity.get(s, 0) for s in SEVERE)

    @property
    def triaged(self) -> int:
        return sum(self.triaged_by_severity.values())

    def by_label(self, which: str = "open") -> list[tuple[str, int]]:
        """(label, n) for every severity, most severe first."""
        counts = self.open_by_severity if which == "open" else self.triaged_by_severity
        return [(s.label, counts.get(s.value, 0)) for s in sorted(Severity, reverse=True)]

    def add(self, other: FindingCounts) -> None:
        for mine, theirs in (
            (self.open_by_severity, other.open_by_severity),
            (self.triaged_by_severity, other.triaged_by_severity),
        ):
            for severity, n in theirs.items():
                mine[severity] = mine.get(severity, 0) + n


def finding_counts(repository_ids: Iterable[int], today: date | None = None) -> dict[int, FindingCounts]:
    """Open and triaged identities per severity for each repository in `repository_ids`
    (each one present, empty when it has none). One query."""
    today = today or timezone.localdate()
    ids = list(repository_ids)
    counts = {pk: FindingCounts() for pk in ids}
    if not ids:
        return counts
    rows = (
        FindingTally.objects.filter(repository_id__in=ids)
        .filter(Q(is_open=True))
        .order_by()
        .values("repository_id", "severity")
        .annotate(
            open=Coalesce(Sum("n", filter=open_q(today)), 0),
            triaged=Coalesce(Sum("n", filter=triaged_q(today)), 0),
        )
    )
    for row in rows:
        into = counts[row["repository_id"]]
        if row["open"]:
            into.open_by_severity[row["severity"]] = row["open"]
        if row["triaged"]:
            into.triaged_by_severity[row["severity"]] = row["triaged"]
    return counts


def finding_counts_total(repository_ids: Iterable[int], today: date | None = None) -> FindingCounts:
    """`finding_counts` summed over the repositories (a team's headline)."""
    total = FindingCounts()
    for counts in finding_counts(repository_ids, today).values():
        total.add(counts)
    return total
