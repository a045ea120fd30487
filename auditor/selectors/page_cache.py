"""Keys for cached page sections (templatetags/page_cache.py).

A key names everything a section's HTML depends on, so a stale entry is never read and
nothing is invalidated by hand:
- the revisions of what the section shows (services/revisions.py): a repository's pages
  take its own revision and its team's shared one (settings, contract, members), so a scan
  of another repository leaves them cached; pages spanning a team take the team's revision;
- the user, since sections differ by role (buttons, forms) and some by person;
- the full path with its query string (filters, sort, page);
- the current minute and time zone: relative times ("3 minutes ago") and expiry dates are
  drawn against the clock, so a section is drawn again at most once a minute (which also
  bounds how long a write that bypassed the services, say in the admin, can go unseen).
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable

from django.utils import timezone

from auditor.models import Repository, Team

SECTION_CACHE_SECONDS = 120  # a key outlives its minute only by the cache's own slack

Scope = Team | Repository


def _version(scope: Scope) -> tuple[str, int, int, int]:
    if isinstance(scope, Repository):  # its team is loaded with it by the permission helpers
        return ("repository", scope.pk, scope.revision, scope.team.shared_revision)
    return ("team", scope.pk, scope.revision, 0)


def page_cache_key(section: str, *scopes: Scope | Iterable[Scope], user_id: int | None, path: str) -> str:
    """The cache key of `section` of the page at `path` (absolute, with its query string:
    a section may show links built from the host it was asked for) as user `user_id` sees
    it, showing the data of `scopes` (each argument a team or repository, or several)."""
    now = timezone.localtime()
    flat = [s for arg in scopes for s in ((arg,) if isinstance(arg, (Team, Repository)) else arg)]
    parts = (
        section,
        sorted(_version(s) for s in flat),
        user_id,
        path,
        now.strftime("%Y-%m-%dT%H:%M"),
        timezone.get_current_timezone_name(),
    )
    return "page:" + hashlib.sha256(repr(parts).encode()).hexdigest()
