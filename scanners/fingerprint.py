"""The fingerprint policy, in one place.

A fingerprint identifies "the same finding" across scans: it must survive unrelated
edits that move the code up or down, so it never includes the line number. It hashes
the rule id, the path, the normalised code at the finding and an occurrence index that
tells apart identical lines flagged by the same rule in the same file.
"""

from __future__ import annotations

import dataclasses
import hashlib
from collections.abc import Iterable

from scanners.model import Finding

VERSION = "v1"  # bump if the policy changes; stored fingerprints then stop matching


def normalise_code(code: str) -> str:
    """Whitespace-insensitive form of a line of code (indentation and spacing edits
    are not a new finding)."""
    return " ".join(code.split())


def fingerprint(rule_id: str, path: str, code: str, occurrence: int) -> str:
    """sha256 hex of (rule, path, normalised code, n-th identical occurrence)."""
    payload = "\x1f".join((VERSION, rule_id, path, normalise_code(code), str(occurrence)))
    return hashlib.sha256(payload.encode("utf-8", errors="surrogatepass")).hexdigest()


def assign_fingerprints(findings: Iterable[Finding]) -> list[Finding]:
    """Return the findings, sorted by (path, line, column, rule), with fingerprints set.

    The occurrence index counts identical (rule, path, normalised snippet) triples in
    file order, so two identical flagged lines get different fingerprints while moving
    both keeps both.
    """
    ordered = sorted(findings, key=sort_key)
    seen: dict[tuple[str, str, str], int] = {}
    result = []
    for finding in ordered:
        key = (finding.rule_id, finding.path, normalise_code(finding.snippet))
        occurrence = seen.get(key, 0)
        seen[key] = occurrence + 1
        value = fingerprint(finding.rule_id, finding.path, finding.snippet, occurrence)
        result.append(dataclasses.replace(finding, fingerprint=value))
    return result


def sort_key(finding: Finding) -> tuple[str, int, int, str, str]:
    """The engine's deterministic output order."""
    return (finding.path, finding.line, finding.column, finding.rule_id, finding.message)
