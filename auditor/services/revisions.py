"""Revisions: counters that move whenever something a page shows changes, so that rendered
page sections can be cached under them (selectors/page_cache.py) and never need
invalidating by hand.

- `Repository.revision`: its scans (every phase), findings, triage, reviews, schedule;
- `Team.shared_revision`: what every page of the team shows: settings, contract, members;
- `Team.revision`: all of the above, for the pages that span the team's repositories.

Every user action goes through `audit_record`, which calls `repository_changed` or
`team_changed` for the object it records; the scan state machine (claim, phases, failure,
ingestion), which writes no audit events, calls `repository_changed_by_scan`.

Call them after the change, in its transaction when there is one. The new revision then
becomes visible together with the change: a page that read the old revision may store the
new rows under it, but that key is never asked for again. Moving it before the change
would let a page read the old rows under the new revision and keep them. The update locks
the row until the transaction ends, so it comes last; rows are locked repository first,
then team, like everywhere else (ingestion locks the repository first).
"""

from __future__ import annotations

from django.db.models import F

from auditor.models import Repository, Team


def repository_changed(repository_id: int) -> None:
    """Move the revisions of `repository_id` and of its team."""
    Repository.objects.filter(pk=repository_id).update(revision=F("revision") + 1)
    Team.objects.filter(repositories__pk=repository_id).update(revision=F("revision") + 1)


def repository_changed_by_scan(scan_id: int) -> None:
    """`repository_changed` for the repository of `scan_id`, without loading the scan."""
    Repository.objects.filter(scans__pk=scan_id).update(revision=F("revision") + 1)
    Team.objects.filter(repositories__scans__pk=scan_id).update(revision=F("revision") + 1)


def team_changed(team_id: int) -> None:
    """Move `team_id`'s revisions for a change every page of the team shows."""
    Team.objects.filter(pk=team_id).update(
        revision=F("revision") + 1, shared_revision=F("shared_revision") + 1
    )
