"""Reads for the findings list and a finding's page (identities across scans)."""

from __future__ import annotations

import dataclasses
import hashlib
from collections import defaultdict
from dataclasses import dataclass
from datetime import date
from typing import Any

from django.contrib.auth.models import AnonymousUser, User
from django.core.cache import cache
from django.core.paginator import Page, Paginator
from django.db.models import Count, F, OuterRef, Q, QuerySet, Subquery, Sum
from django.db.models.functions import Coalesce
from django.utils import timezone

from auditor.models import (
    AuditEvent,
    FindingChange,
    FindingTally,
    Lifecycle,
    Repository,
    Scan,
    ScanRollup,
    ScanStatus,
    Severity,
    TeamSettings,
    TrackedFinding,
    Triage,
)
from auditor.models.findings import open_q, triaged_q
from auditor.models.paths import path_order
from auditor.permissions import team_ids_for_user, tracked_findings_for_user
from auditor.selectors.finding_filters import SEVERITY_VALUE, FindingFilters

COUNTS_CACHE_SECONDS = 600
SORTS = {
    "severity": ("-severity", "id"),
    "path": path_order("line", "id"),  # served by tracked_open_path_idx (models/paths.py)
    "rule": ("rule_id", "-severity", "id"),
    "newest": ("-first_seen_scan_id", "id"),
}


class TwoEndedPaginator(Paginator):  # type: ignore[type-arg]
    """Pages in the second half are read from the other end: the query's order reversed,
    a small OFFSET from the end, then flipped back. The last page of 30,000 identities
    costs what the first does instead of an OFFSET over everything before it."""

    def page(self, number: int | str) -> Page[Any]:
        valid = self.validate_number(number)
        bottom = (valid - 1) * self.per_page
        top = min(bottom + self.per_page, self.count)
        if valid <= self.num_pages / 2 or not getattr(self.object_list, "ordered", False):
            return super().page(valid)
        tail = list(self.object_list.reverse()[self.count - top : self.count - bottom])  # type: ignore[attr-defined]
        tail.reverse()
        return Page(tail, valid, self)


def _scoped(user: User | AnonymousUser) -> QuerySet[TrackedFinding]:
    """The user's teams' identities on each repository's default branch (what is in the
    code; feature branches are judged on their scan pages)."""
    return tracked_findings_for_user(user).filter(branch=F("repository__default_branch"))


def _user_repositories(user: User | AnonymousUser) -> list[Repository]:
    """The user's teams' repositories by name, each with its revision (what the list's
    cached counts depend on) and `latest_scan` (of its default branch). One query.

    Written as SQL: it runs on every request of the list, and building and compiling the
    correlated subquery through the ORM cost more than PostgreSQL takes to run it."""
    repository, rollup = Repository._meta.db_table, ScanRollup._meta.db_table
    # Who sees what is permissions.py's; its subquery is compiled into this one.
    teams, params = team_ids_for_user(user).query.sql_with_params()
    settings = TeamSettings._meta.db_table
    sql = f"""
        SELECT r.id, r.name, r.default_branch, r.revision, r.team_id,
            (SELECT s.scan_id FROM {rollup} s
              WHERE s.repository_id = r.id AND s.branch = r.default_branch
              ORDER BY s.scanned_at DESC LIMIT 1) AS latest_scan,
            EXISTS (SELECT 1 FROM {settings} t
              WHERE t.team_id = r.team_id AND t.hide_test_findings) AS hides_tests
        FROM {repository} r
        WHERE r.team_id IN ({teams})
        ORDER BY r.name
    """  # noqa: S608 - table names from the models, the subquery from the ORM with its parameters
    return list(Repository.objects.raw(sql, params))


def _scoped_to(repositories: list[Repository]) -> QuerySet[TrackedFinding]:
    """`_scoped` for an already loaded list of the user's repositories: the default-branch
    condition becomes one (branch, repository ids) pair per distinct default branch, so
    the counts need no join."""
    by_branch: dict[str, list[int]] = defaultdict(list)
    for repository in repositories:
        by_branch[repository.default_branch].append(repository.pk)
    scope = Q(pk__in=[])
    for branch, ids in by_branch.items():
        scope |= Q(branch=branch, repository_id__in=ids)
    return TrackedFinding.objects.filter(scope)


Grid = dict[int, dict[str, int]]  # severity → {"open": n, "triaged": n, "fixed": n}


def _count_grid(
    narrowed: QuerySet[TrackedFinding], repositories: list[Repository], f: FindingFilters, today: date
) -> Grid:
    """Per severity, how many identities are open / triaged / fixed under the filters.

    Read from the tally (`_grid_rows`), and each repository's grid is cached under a key
    that changes whenever it could: the repository's revision (moved by every scan and
    triage, services/revisions.py), the filters and the day (expiry). After a scan or a
    triage only that repository is counted again; nothing is invalidated by hand.
    """
    filters = repr(f.without("sort", "severity", "status", "repository").as_query())
    keys = {
        r.pk: "dashboard:finding-counts:"
        + hashlib.sha256(repr((r.pk, r.revision, filters, today)).encode()).hexdigest()
        for r in repositories
        if not f.repository or str(r.pk) == f.repository
    }
    cached: dict[str, Grid] = cache.get_many(list(keys.values()))
    missing = [pk for pk, key in keys.items() if key not in cached]
    if missing:
        counted: dict[int, Grid] = {pk: {} for pk in missing}
        for row in _grid_rows(narrowed, missing, f, today):
            counted[row["repository_id"]][row["severity"]] = {k: row[k] for k in ("open", "triaged", "fixed")}
        fresh = {keys[pk]: grid for pk, grid in counted.items()}
        cache.set_many(fresh, COUNTS_CACHE_SECONDS)
        cached.update(fresh)
    total: Grid = {}
    for grid in cached.values():
        for severity, row in grid.items():
            into = total.setdefault(severity, {"open": 0, "triaged": 0, "fixed": 0})
            for k, n in row.items():
                into[k] += n
    return total


def _grid_rows(
    narrowed: QuerySet[TrackedFinding], repository_ids: list[int], f: FindingFilters, today: date
) -> QuerySet[Any, dict[str, Any]]:
    """(repository, severity) → open / triaged / fixed for `repository_ids` under `f`.

    From the tally (a few hundred rows per repository) unless `f` filters by path, text,
    test code or provenance, which the tally does not keep: then from the identities
    themselves (`narrowed`)."""
    opened, triaged, fixed = open_q(today), triaged_q(today), Q(is_open=False)
    if f.path or f.q or f.ai or f.tests_q():
        rows: QuerySet[Any, Any] = narrowed.filter(repository_id__in=repository_ids)
        sums: dict[str, Any] = {
            "open": Count("id", filter=opened),
            "triaged": Count("id", filter=triaged),
            "fixed": Count("id", filter=fixed),
        }
    else:
        rows = FindingTally.objects.filter(repository_id__in=repository_ids)
        if f.category:
            rows = rows.filter(category=f.category)
        if f.rule:
            rows = rows.filter(rule_id__iexact=f.rule)
        if f.min_severity:
            rows = rows.filter(severity__gte=SEVERITY_VALUE[f.min_severity])
        if f.new:
            rows = rows.filter(is_new=True)
        sums = {
            "open": Coalesce(Sum("n", filter=opened), 0),
            "triaged": Coalesce(Sum("n", filter=triaged), 0),
            "fixed": Coalesce(Sum("n", filter=fixed), 0),
        }
    grid: QuerySet[Any, dict[str, Any]] = rows.order_by().values("repository_id", "severity").annotate(**sums)
    return grid


def _latest_scan_ids() -> QuerySet[Repository, Any]:
    """Each repository's latest ingested scan of its default branch, as a subquery (one
    row per repository, instead of a correlated lookup per identity)."""
    latest = ScanRollup.objects.filter(repository_id=OuterRef("pk"), branch=OuterRef("default_branch"))
    return (
        Repository.objects.annotate(
            latest_scan=Subquery(latest.order_by("-scanned_at").values("scan_id")[:1])
        )
        .filter(latest_scan__isnull=False)
        .values("latest_scan")
    )


def current_state(tracked: TrackedFinding, latest_scan_id: int | None) -> str:
    """What the branch's latest scan says about the identity: new / reopened there,
    fixed, or unchanged (its last transition happened in an earlier scan)."""
    if not tracked.is_open:
        return Lifecycle.FIXED
    return tracked.state if tracked.state_scan_id == latest_scan_id else Lifecycle.UNCHANGED


def _filtered(
    base: QuerySet[TrackedFinding],
    f: FindingFilters,
    today: date | None = None,
    latest_scans: list[int] | None = None,
) -> QuerySet[TrackedFinding]:
    """`f`'s attribute filters. `today` is unused (auditor/selectors/exports.py passes
    it); `latest_scans`, when known, saves "new only" a subquery."""
    qs = base.filter(f.attribute_q(severity=False))
    if f.repository:
        qs = qs.filter(repository_id=int(f.repository))
    if f.tests_q():
        qs = qs.filter(f.tests_q())
    if f.new:
        latest: Any = latest_scans if latest_scans is not None else _latest_scan_ids()
        qs = qs.filter(state=Lifecycle.NEW, state_scan_id__in=latest)
    return qs


def _with_status(qs: QuerySet[TrackedFinding], status: str, today: date) -> QuerySet[TrackedFinding]:
    return qs.in_status(status, today)  # type: ignore[attr-defined, no-any-return]


def finding_list_queryset(user: User | AnonymousUser, f: FindingFilters) -> QuerySet[TrackedFinding]:
    """The identities the findings list shows for `f` (status and severity applied),
    unordered: for exports and anything else that must match the list exactly."""
    today = timezone.localdate()
    hiding = TeamSettings.objects.filter(hide_test_findings=True, team__memberships__user_id=user.pk or 0)
    f = dataclasses.replace(f, hiding_teams=tuple(hiding.values_list("team_id", flat=True)))
    rows = _with_status(_filtered(_scoped(user), f), f.status, today)
    return rows.filter(severity=SEVERITY_VALUE[f.severity]) if f.severity else rows


_ROW_FIELDS = (
    "id",
    "in_tests",
    "repository_id",
    "rule_id",
    "severity",
    "path",
    "line",
    "message",
    "is_open",
    "state",
    "state_scan_id",
    "first_seen_scan_id",
    "triage_status",
    "triage_expires_at",
    "ai_authored",
    "ai_tool",
)


@dataclass
class FindingListView:
    page: Page[Any]
    severity_counts: list[tuple[str, int]]
    status_counts: dict[str, int]
    repositories: list[Repository]


def finding_list(
    user: User | AnonymousUser, f: FindingFilters, page_number: str | int | None, per_page: int = 50
) -> FindingListView:
    """One page of the user's teams' findings (latest state per identity), with counts
    per severity and per status for the current filters. A fixed number of queries."""
    today = timezone.localdate()
    repositories = _user_repositories(user)
    latest = {r.pk: r.latest_scan for r in repositories}  # type: ignore[attr-defined]
    hiding = sorted({r.team_id for r in repositories if r.hides_tests})  # type: ignore[attr-defined]
    f = dataclasses.replace(f, hiding_teams=tuple(hiding))
    narrowed = _filtered(_scoped_to(repositories), f, latest_scans=[i for i in latest.values() if i])
    grid = _count_grid(narrowed, repositories, f, today)
    status_counts = {k: sum(row[k] for row in grid.values()) for k in ("open", "triaged", "fixed")}
    status_counts["all"] = sum(status_counts.values())

    def in_status(row: dict[str, int]) -> int:
        return sum(row[k] for k in ("open", "triaged", "fixed")) if f.status == "all" else row[f.status]

    severity_counts = [
        (s.label, in_status(grid[s.value]) if s.value in grid else 0) for s in sorted(Severity, reverse=True)
    ]
    in_status_qs = _with_status(narrowed, f.status, today)
    rows = in_status_qs
    if f.severity:
        rows = rows.filter(severity=SEVERITY_VALUE[f.severity])
    # Only what the rows show and sort by; each row's repository is taken from the list
    # already loaded above rather than joined and built again per row.
    rows = rows.only(*_ROW_FIELDS).order_by(*SORTS[f.sort])
    # The count is the sum we already have, so the paginator does not count again.
    paginator = TwoEndedPaginator(rows, per_page)
    total = dict(severity_counts)[f.severity] if f.severity else sum(n for _, n in severity_counts)
    paginator.count = total
    page = paginator.get_page(page_number)
    by_id = {r.pk: r for r in repositories}
    for tracked in page.object_list:
        tracked.repository = by_id[tracked.repository_id]
        tracked.current_state = current_state(tracked, latest.get(tracked.repository_id))
    return FindingListView(page, severity_counts, status_counts, repositories)


# --------------------------------------------------------------------------- one finding


@dataclass
class FindingHistory:
    changes: list[FindingChange]
    appearances: list[Scan]
    appearance_count: int
    triage: Triage | None
    triage_active: bool
    triage_events: list[AuditEvent]
    last_seen: Scan | None = None  # the newest scan it appears in
    current_state: str = ""  # new / reopened / fixed / unchanged as of the branch's latest scan


def _appearance_intervals(changes: list[FindingChange]) -> list[tuple[Any, Any]]:
    intervals: list[tuple[Any, Any]] = []
    start = None
    for change in changes:
        key = (change.scan.created_at, change.scan_id)
        if change.kind in (Lifecycle.NEW, Lifecycle.REOPENED):
            start = key
        elif change.kind == Lifecycle.FIXED and start is not None:
            intervals.append((start, key))
            start = None
    if start is not None:
        intervals.append((start, None))
    return intervals


_SCAN_JSON = ("warnings", "scanner_versions", "severity_counts", "category_counts")


def finding_history(tracked: TrackedFinding, limit: int = 50) -> FindingHistory:
    """The finding's transitions, the scans it appears in (newest first, up to `limit`),
    its triage and the triage's audit trail; loads `tracked`'s first scan and latest
    occurrence too. Six queries."""
    details = (
        TrackedFinding.objects.select_related("first_seen_scan", "latest_finding")
        .defer(*(f"first_seen_scan__{name}" for name in _SCAN_JSON))  # large, unused here
        .get(pk=tracked.pk)
    )
    tracked.first_seen_scan = details.first_seen_scan
    tracked.latest_finding = details.latest_finding
    changes = list(
        tracked.changes.select_related("scan")
        .defer(*(f"scan__{name}" for name in _SCAN_JSON))  # large, unused here
        .order_by("scan__created_at", "scan_id")
    )
    intervals = _appearance_intervals(changes)
    scans = list(
        Scan.objects.filter(
            repository_id=tracked.repository_id,
            branch=tracked.branch,
            status=ScanStatus.SUCCEEDED,
            created_at__gte=tracked.first_seen_scan.created_at,
        )
        .only("id", "created_at", "commit_sha", "branch")
        .order_by("created_at", "id")
    )

    def inside(scan: Scan) -> bool:
        key = (scan.created_at, scan.pk)
        return any(start <= key and (end is None or key < end) for start, end in intervals)

    appearances = [s for s in scans if inside(s)]
    state = current_state(tracked, scans[-1].pk if scans else None)
    triage = Triage.objects.filter(
        repository_id=tracked.repository_id, fingerprint=tracked.fingerprint
    ).first()
    today = timezone.localdate()
    active = triage is not None and triage.in_force_on(today)
    events = list(
        AuditEvent.objects.filter(
            team_id=tracked.team_id,
            action__in=["finding.triaged", "finding.untriaged"],
            details__fingerprint=tracked.fingerprint,
        ).order_by("-created_at", "-id")[:20]
    )
    return FindingHistory(
        changes=changes,
        appearances=list(reversed(appearances))[:limit],
        appearance_count=len(appearances),
        triage=triage,
        triage_active=active,
        triage_events=events,
        last_seen=appearances[-1] if appearances else None,
        current_state=state,
    )
