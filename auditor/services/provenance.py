"""AI provenance at ingestion: the scan's summary, with findings counted per origin.

The summary (Scan.provenance) is what the AI pages chart: lines per origin (unknown kept
apart), the sources the attribution rests on, AI lines per tool and model, and findings
on AI-written / human-written / unknown lines by severity and category, so that defect
density (findings per 1,000 lines) is a division, never a recount.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from typing import Any

from auditor.models import Finding, Severity
from scanners.model import ScanResult

ORIGINS = ("ai", "human", "unknown")


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
