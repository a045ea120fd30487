"""AI provenance at ingestion: the scan's summary, with findings counted per origin.

The summary (Scan.provenance) is what the AI pages chart: lines per origin (unknown kept
apart), the sources the attribution rests on, AI lines per tool and model, and findings
on AI-written / human-written / unknown lines by severity and category, so that defect
density (findings per 1,000 lines) is a division, never a recount.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Collection, Iterable
from pathlib import Path
from typing import Any

from django.contrib.auth.models import AnonymousUser, User
from django.core.exceptions import ValidationError
from django.db import transaction

from auditor.models import CommitSample, Finding, Repository, Severity, Team, TeamSettings
from auditor.services.audit import audit_record
from scanners.model import ScanResult
from scanners.provenance.signatures import (
    Commit,
    SignatureError,
    builtin_signatures,
    classify_commit,
    compile_signature,
    recent_commits,
)

ORIGINS = ("ai", "human", "unknown")
PREVIEW_COMMITS = 200  # the patterns page previews against this many recent commits
MAX_MESSAGE_CHARS = 4000


def origin_of(ai_authored: bool | None) -> str:
    """ "ai" / "human" / "unknown" for a finding's `ai_authored`."""
    return "unknown" if ai_authored is None else "ai" if ai_authored else "human"


def _finding_counts(findings: Iterable[Finding]) -> dict[str, dict[str, Any]]:
    severity: dict[str, Counter[str]] = {o: Counter() for o in ORIGINS}
    category: dict[str, Counter[str]] = {o: Counter() for o in ORIGINS}
    for f in findings:
        origin = origin_of(f.ai_authored)
        severity[origin][Severity(f.severity).label] += 1
        category[origin][f.category] += 1
    return {
        o: {"total": sum(severity[o].values()), "severity": dict(severity[o]), "category": dict(category[o])}
        for o in ORIGINS
    }


def scan_provenance_summary(result: ScanResult, findings: Iterable[Finding]) -> dict[str, Any]:
    """The JSON stored as Scan.provenance; {} when the engine attributed nothing."""
    if result.provenance is None:
        return {}
    summary = result.provenance.to_dict()
    summary["findings"] = _finding_counts(findings)
    return summary


def commit_sample_store(repository: Repository, checkout: Path) -> None:
    """Keep the checkout's newest commits (for previewing team patterns). Outside the
    ingestion transaction: a failure here costs the preview, never the scan."""
    from auditor.services.ingest import pg_text  # ingest imports this module

    commits = [
        {
            "sha": c.sha,
            "author": pg_text(c.author)[:300],
            "committer": pg_text(c.committer)[:300],
            "message": pg_text(c.message)[:MAX_MESSAGE_CHARS],
        }
        for c in recent_commits(checkout, PREVIEW_COMMITS)
    ]
    CommitSample.objects.update_or_create(repository=repository, defaults={"commits": commits})


def team_patterns_update(
    *, team: Team, actor: User | AnonymousUser | None, add: dict[str, Any] | None = None, remove: str = ""
) -> list[dict[str, Any]]:
    """Add one validated signature pattern to the team's own, or remove one by id; audited.

    Raises ValidationError naming what is wrong (a bad regex, a duplicate id, …).
    """
    with transaction.atomic():
        row, _ = TeamSettings.objects.select_for_update().get_or_create(team=team)
        patterns = list(row.provenance_patterns or [])
        if add is not None:
            entry = pattern_validate(add, taken={str(p.get("id")) for p in patterns})
            patterns.append(entry)
            details: dict[str, Any] = {"added": entry}
        else:
            if not any(p.get("id") == remove for p in patterns):
                raise ValidationError(f"No pattern {remove!r}.")
            patterns = [p for p in patterns if p.get("id") != remove]
            details = {"removed": remove}
        row.provenance_patterns = patterns
        row.save(update_fields=["provenance_patterns", "updated_at"])
        audit_record(team=team, actor=actor, action="settings.ai-patterns-changed", obj=row, details=details)
    return patterns


def pattern_validate(values: dict[str, Any], taken: Collection[str] = ()) -> dict[str, Any]:
    """`values` as a signature entry (scanners/provenance/signatures.py), or ValidationError."""
    entry = {k: str(values.get(k) or "").strip() for k in ("id", "tool", "where", "key")}
    entry["pattern"] = str(values.get("pattern") or "")  # whitespace is part of a regex
    entry = {k: v for k, v in entry.items() if v or k in ("id", "where", "pattern")}
    try:
        compile_signature(entry)
    except SignatureError as exc:
        raise ValidationError(str(exc)) from None
    builtin = {s.id for s in builtin_signatures()}
    if entry["id"] in taken or entry["id"] in builtin:
        raise ValidationError(f"id {entry['id']!r} is already used.")
    return entry


def pattern_preview(entry: dict[str, Any], repository: Repository) -> list[dict[str, str]]:
    """The repository's sampled commits the pattern matches, with the tool and model it gives."""
    signature = compile_signature(entry)
    sample = (
        CommitSample.objects.filter(repository=repository).values_list("commits", flat=True).first() or []
    )
    matches = []
    for c in sample:
        commit = Commit(str(c.get("sha", "")), str(c.get("author", "")), str(c.get("committer", "")),
                        str(c.get("message", "")))  # fmt: skip
        verdict = classify_commit(commit, (signature,))
        if verdict is not None:
            subject = commit.message.split("\n", 1)[0]
            matches.append(
                {"sha": commit.sha, "subject": subject, "tool": verdict.tool, "model": verdict.model}
            )
    return matches
