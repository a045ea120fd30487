"""The findings filter: one dataclass, parsed once per request from the query string by
every surface that filters findings (the findings list and its exports, the scan page and
its exports, the API). A value it cannot use is never silently dropped: it is kept in
`ignored`, which pages show as a note and the API answers with 400."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any

from django.db.models import Q

from auditor.models import Category, Severity

SEVERITY_ORDER = [s.label for s in sorted(Severity, reverse=True)]
SEVERITY_VALUE = {s.label: s.value for s in Severity}
STATUSES = {"open": "Open", "triaged": "Triaged", "fixed": "Fixed", "all": "All"}
SORT_KEYS = ("severity", "path", "rule", "newest")
# The `tests` filter: test-code findings shown with the rest, alone, or left out. Empty
# means the team's default (TeamSettings.hide_test_findings).
TESTS_CHOICES = ("all", "only", "exclude")
# The `ai` filter: the provenance of the finding's line (scanners/provenance/).
AI_ORIGINS = {"ai": True, "human": False, "unknown": None}


def ai_origin_q(origin: str) -> Q:
    """Rows whose `ai_authored` is that of `origin` ("ai", "human", "unknown")."""
    value = AI_ORIGINS[origin]
    return Q(ai_authored__isnull=True) if value is None else Q(ai_authored=value)


# The query-string names the filter reads; anything else in a query string (page, team,
# format) belongs to someone else and is not this filter's to judge.
RULE_MAX, PATH_MAX, SEARCH_MAX = 32, 500, 200


@dataclass(frozen=True)
class FindingFilters:
    """Which findings a surface shows. Empty = any. `status` applies to identities (the
    findings list and its exports), `triaged` to one scan's occurrences (the scan page:
    "1" shows those triaged away); `scan` narrows an export to one scan."""

    scan: int | None = None
    repository: str = ""
    severity: str = ""
    min_severity: str = ""
    category: str = ""
    rule: str = ""  # a rule id, any case
    path: str = ""  # a path prefix
    q: str = ""  # free text over message, path and rule id
    status: str = "open"
    new: str = ""
    triaged: str = ""
    sort: str = "severity"
    tests: str = ""  # TESTS_CHOICES; empty = each team's default
    ai: str = ""  # AI_ORIGINS: the provenance of the finding's line
    # Teams whose default hides test-code findings (not from the URL: set by the selector).
    hiding_teams: tuple[int, ...] = field(default=(), compare=False)
    # (name, value, why) of every parameter that was given but could not be used.
    ignored: tuple[tuple[str, str, str], ...] = field(default=(), compare=False)

    @classmethod
    def from_query(cls, query: dict[str, str]) -> FindingFilters:
        ignored: list[tuple[str, str, str]] = []

        def choice(name: str, allowed: Any, default: str = "") -> str:
            value = query.get(name, "")
            if value == "":
                return default
            if value in allowed:
                return value
            ignored.append((name, value, f"expected one of {', '.join(map(str, allowed))}"))
            return default

        def number(name: str) -> str:
            value = query.get(name, "")
            if value == "" or (value.isdigit() and len(value) < 18):
                return value
            ignored.append((name, value, "expected an id"))
            return ""

        def text(name: str, limit: int) -> str:
            value = query.get(name, "").strip()
            if len(value) > limit:
                ignored.append((name, value[:40] + "…", f"longer than {limit} characters"))
                return ""
            return value

        scan = number("scan")
        return cls(
            scan=int(scan) if scan else None,
            repository=number("repository"),
            severity=choice("severity", SEVERITY_ORDER),
            min_severity=choice("min_severity", SEVERITY_ORDER),
            category=choice("category", Category.values),
            rule=text("rule", RULE_MAX),
            path=text("path", PATH_MAX),
            q=text("q", SEARCH_MAX),
            status=choice("status", STATUSES, "open"),
            new=choice("new", ("1",)),
            triaged=choice("triaged", ("1",)),
            sort=choice("sort", SORT_KEYS, "severity"),
            tests=choice("tests", TESTS_CHOICES),
            ai=choice("ai", AI_ORIGINS),
            ignored=tuple(ignored),
        )

    def as_query(self) -> dict[str, str]:
        """The filters that differ from the defaults, as a query string would carry them."""
        defaults = FindingFilters()
        values = {k: v for k, v in asdict(self).items() if k not in ("ignored", "hiding_teams")}
        return {k: str(v) for k, v in values.items() if v not in ("", None) and v != getattr(defaults, k)}

    def without(self, *names: str) -> FindingFilters:
        """A copy with `names` back at their defaults."""
        defaults = FindingFilters()
        return FindingFilters(**{**asdict(self), **{n: getattr(defaults, n) for n in names}, "ignored": ()})

    def attribute_q(self, *, severity: bool = True) -> Q:
        """The attribute filters (not scope, status, triage or "new") as a condition on
        `Finding` or `TrackedFinding`, which share these columns. `severity=False` leaves
        the exact severity out (the findings list counts per severity first)."""
        q = Q()
        if severity and self.severity:
            q &= Q(severity=SEVERITY_VALUE[self.severity])
        if self.min_severity:
            q &= Q(severity__gte=SEVERITY_VALUE[self.min_severity])
        if self.category:
            q &= Q(category=self.category)
        if self.rule:
            q &= Q(rule_id__iexact=self.rule)
        if self.path:
            q &= Q(path__startswith=self.path)
        if self.q:
            q &= Q(message__icontains=self.q) | Q(path__icontains=self.q) | Q(rule_id__icontains=self.q)
        if self.tests == "only":
            q &= Q(in_tests=True)
        elif self.tests == "exclude":
            q &= Q(in_tests=False)
        if self.ai:
            q &= ai_origin_q(self.ai)
        return q

    def tests_q(self) -> Q:
        """The test-code filter on identities: asked for, else each team's default."""
        if self.tests == "only":
            return Q(in_tests=True)
        if self.tests == "exclude":
            return Q(in_tests=False)
        if self.tests == "all" or not self.hiding_teams:
            return Q()
        return ~Q(in_tests=True, team_id__in=list(self.hiding_teams))

    @property
    def ignored_text(self) -> list[str]:
        """One line per ignored parameter, for the page's note."""
        return [f"{name}={value} ({why})" for name, value, why in self.ignored]
