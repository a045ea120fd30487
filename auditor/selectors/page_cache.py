"""Keys for cached page sections (templatetags/page_cache.py).

A key names everything a section's HTML depends on, so a stale entry is never read and
nothing is invalidated by hand:
- the revision of each team the section shows, moved after every committed change its
  pages show (services/revisions.py);
- the user, since sections differ by role (buttons, forms) and some by person;
- the full path with its query string (filters, sort, page);
- the current minute and time zone: relative times ("3 minutes ago") and expiry dates are
  drawn against the clock, so a section is drawn again at most once a minute.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable

from django.http import HttpRequest
from django.utils import timezone

from auditor.models import Team

SECTION_CACHE_SECONDS = 120  # a key outlives its minute only by the cache's own slack


def page_cache_key(request: HttpRequest, section: str, *teams: Team | Iterable[Team]) -> str:
    """The cache key of `section` of the page `request` asks for, showing `teams`' data
    (each argument a team or several)."""
    now = timezone.localtime()
    flat = [t for arg in teams for t in ((arg,) if isinstance(arg, Team) else arg)]
    parts = (
        section,
        sorted((t.pk, t.revision) for t in flat),
        request.user.pk,
        request.get_full_path(),
        now.strftime("%Y-%m-%dT%H:%M"),
        timezone.get_current_timezone_name(),
    )
    return "page:" + hashlib.sha256(repr(parts).encode()).hexdigest()
