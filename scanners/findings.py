"""How a scanner's observation becomes a `Finding`: the rule's defaults, the line's
snippet capped for storage, an empty fingerprint (assigned later, over the whole result,
by `fingerprint.py`). Shared by the tool adapters and the rules' runner in analysis.py."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from scanners.model import Finding, RuleMeta

SNIPPET_MAX = 200


def snippet_of(lines: Sequence[str], line: int) -> str:
    """The stripped text of 1-based `line`, capped for storage."""
    if 1 <= line <= len(lines):
        return lines[line - 1].strip()[:SNIPPET_MAX]
    return ""


def make_finding(meta: RuleMeta, path: str, line: int, message: str, snippet: str, **extra: Any) -> Finding:
    """A finding with the rule's defaults; the fingerprint is assigned by the parent."""
    # `is None`, not `or`: Severity.INFO and Confidence.LOW are 0, and falsy.
    severity, confidence = extra.get("severity"), extra.get("confidence")
    return Finding(
        rule_id=meta.id,
        scanner=meta.scanner,
        category=meta.category,
        severity=meta.severity if severity is None else severity,
        confidence=meta.confidence if confidence is None else confidence,
        path=path,
        line=line,
        end_line=max(extra.get("end_line") or line, line),
        column=extra.get("column", 1),
        message=message,
        snippet=snippet[:SNIPPET_MAX],
        fingerprint="",
        flow=extra.get("flow", ()),
    )
