"""Writes for per-file trust (the source text's Quarantine → Monitored → Trusted)."""

from __future__ import annotations

from collections.abc import Iterator

from django.db.models import Case, F, IntegerField, Value, When

from auditor.models import FileMetric, FileTrust, Scan, Severity, Team, TeamSettings, TrustLevel
from auditor.selectors.contracts import team_settings_for
from auditor.selectors.gate import open_findings, scan_previous_successful
from auditor.services.bulk import rows_insert


def trust_level_for(clean_streak: int, approved_reviews: int, settings: TeamSettings) -> TrustLevel:
    """Policy, in one place: Monitored after `trust_monitored_after` clean scans in a row;
    Trusted after `trust_trusted_after` of them and at least one approved review covering the
    file. Any open high/critical finding resets the streak, hence back to Quarantine."""
    if clean_streak >= settings.trust_trusted_after and approved_reviews >= 1:
        return TrustLevel.TRUSTED
    if clean_streak >= settings.trust_monitored_after:
        return TrustLevel.MONITORED
    return TrustLevel.QUARANTINE


def _level_expression(settings: TeamSettings) -> Case:
    """`trust_level_for` as SQL, for re-levelling stored rows in one UPDATE."""
    return Case(
        When(
            clean_streak__gte=settings.trust_trusted_after,
            approved_reviews__gte=1,
            then=Value(int(TrustLevel.TRUSTED)),
        ),
        When(clean_streak__gte=settings.trust_monitored_after, then=Value(int(TrustLevel.MONITORED))),
        default=Value(int(TrustLevel.QUARANTINE)),
        output_field=IntegerField(),
    )


def trust_record_scan(scan: Scan) -> int:
    """Write one FileTrust row per file of `scan`, continuing the previous successful scan of
    the branch. Idempotent (re-ingestion replaces the rows). Returns the number of rows.

    Four queries whatever the size of the history: the file list, the files with an open
    high or critical finding, the previous scan, and its trust rows.
    """
    settings = team_settings_for(scan.repository.team)
    shares = dict(FileMetric.objects.filter(scan=scan).values_list("path", "ai_share"))
    paths = list(shares)
    severe = set(
        open_findings(scan).filter(severity__gte=Severity.HIGH).values_list("path", flat=True).distinct()
    )
    previous = scan_previous_successful(scan)
    before = (
        {
            t.path: t
            for t in FileTrust.objects.filter(scan=previous).only("path", "clean_streak", "approved_reviews")
        }
        if previous is not None
        else {}
    )

    crossed = _crossed_ai_threshold(shares, previous, settings.ai_quarantine_share)

    def rows() -> Iterator[FileTrust]:
        for path in paths:
            prior = before.get(path)
            restart = path in severe or path in crossed
            streak = 0 if restart else (prior.clean_streak if prior else 0) + 1
            approved = prior.approved_reviews if prior else 0
            yield FileTrust(
                scan_id=scan.pk,  # by id: no related-object check per row
                path=path,
                clean_streak=streak,
                approved_reviews=approved,
                level=trust_level_for(streak, approved, settings),
            )

    FileTrust.objects.filter(scan=scan).delete()
    return rows_insert(FileTrust, rows())


def _crossed_ai_threshold(shares: dict[str, float | None], previous: Scan | None, percent: int) -> set[str]:
    """Files whose AI share is above `percent` now and was not in the previous scan (or that
    are new): they start over in Quarantine, since code an AI wrote has earned no trust yet.
    A file that stays above the threshold keeps its streak and climbs like any other."""
    above = {path for path, share in shares.items() if share is not None and 100 * share > percent}
    if not above or previous is None:
        return above
    before = FileMetric.objects.filter(scan=previous, path__in=above).values_list("path", "ai_share")
    stayed = {path for path, share in before if share is not None and 100 * share > percent}
    return above - stayed


def trust_apply_review(scan: Scan, delta: int) -> int:
    """A review of `scan` became approved (+1) or stopped being approved (-1): count it for
    the scan's files here and in the branch's later scans, which inherited the old count."""
    settings = team_settings_for(scan.repository.team)
    paths = FileTrust.objects.filter(scan=scan).values("path")
    scope = FileTrust.objects.filter(
        scan__repository_id=scan.repository_id,
        scan__branch=scan.branch,
        scan__created_at__gte=scan.created_at,
        path__in=paths,
    )
    counted = scope.filter(approved_reviews__gte=-delta) if delta < 0 else scope
    updated = counted.update(approved_reviews=F("approved_reviews") + delta)
    level = _level_expression(settings)
    # Only these files' counts changed, so only they can change level; rewrite just those.
    scope.exclude(level=level).update(level=level)
    return updated


def trust_relevel_team(team: Team, settings: TeamSettings) -> int:
    """Re-level the team's stored rows after its thresholds changed (one UPDATE that
    rewrites only the rows whose level actually changes)."""
    level = _level_expression(settings)
    return FileTrust.objects.filter(scan__repository__team=team).exclude(level=level).update(level=level)
