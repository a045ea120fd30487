"""The team revision: one counter per team that moves whenever something its pages show
changes, so that rendered page sections can be cached under it (templatetags/page_cache.py).

Every user action goes through `audit_record`, which calls `team_changed`; the scan state
machine (claim, phases, failure, ingestion), which writes no audit events, calls
`team_changed_by_scan`.

Call them after the change, in its transaction when there is one. The new revision then
becomes visible together with the change: a page that read the old revision may store the
new rows under it, but that key is never asked for again. Bumping before the change would
let a page read the old rows under the new revision and keep them. The bump locks the
team's row until the transaction ends, so it comes last: at the end of an ingestion and
after the change of a user action.
"""

from __future__ import annotations

from django.db.models import F

from auditor.models import Team


def team_changed(team_id: int) -> None:
    """Move `team_id`'s revision."""
    Team.objects.filter(pk=team_id).update(revision=F("revision") + 1)


def team_changed_by_scan(scan_id: int) -> None:
    """`team_changed` for the team of `scan_id`, without loading the scan."""
    Team.objects.filter(repositories__scans__pk=scan_id).update(revision=F("revision") + 1)
