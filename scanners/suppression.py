"""Inline suppressions: `# audit: ignore[AI101, B602]` / `// audit: ignore[AI101]`.

A suppression applies to findings that start on the line carrying the comment. Without
a bracketed list it silences every rule on that line. Suppressed findings are counted
(`ScanResult.suppressed`), never silently dropped from the totals.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping

from scanners.model import Finding

ALL_RULES: frozenset[str] = frozenset({"*"})

_PY = re.compile(r"#\s*audit:\s*ignore(?:\[([^\]]*)\])?", re.IGNORECASE)
_JS = re.compile(r"//\s*audit:\s*ignore(?:\[([^\]]*)\])?", re.IGNORECASE)


def parse_directive(comment: str, javascript: bool = False) -> frozenset[str] | None:
    """Rule ids silenced by one comment, `ALL_RULES` for a bare `audit: ignore`,
    None when the comment is not a suppression."""
    match = (_JS if javascript else _PY).search(comment)
    if match is None:
        return None
    ids = match.group(1)
    if ids is None:
        return ALL_RULES
    parsed = frozenset(part.strip().upper() for part in ids.split(",") if part.strip())
    return parsed or ALL_RULES


def directives_from_comments(comments: Iterable[tuple[int, str]]) -> dict[int, frozenset[str]]:
    """Per-line suppressions from real comment tokens (Python: strings that merely
    contain the text do not count)."""
    result: dict[int, frozenset[str]] = {}
    for line, text in comments:
        if "audit" not in text:
            continue
        parsed = parse_directive(text)
        if parsed is not None:
            result[line] = parsed
    return result


def directives_from_lines(lines: Iterable[str], javascript: bool) -> dict[int, frozenset[str]]:
    """Per-line suppressions found by scanning the text (JS/TS, or Python that does not
    tokenise)."""
    result: dict[int, frozenset[str]] = {}
    for number, text in enumerate(lines, start=1):
        if "audit" not in text:
            continue
        parsed = parse_directive(text, javascript=javascript)
        if parsed is not None:
            result[number] = parsed
    return result


def is_suppressed(finding: Finding, directives: Mapping[int, frozenset[str]]) -> bool:
    """Whether a directive on the finding's line names its rule (or all rules)."""
    ids = directives.get(finding.line)
    if ids is None:
        return False
    return ids is ALL_RULES or "*" in ids or finding.rule_id.upper() in ids


def apply_suppressions(
    findings: Iterable[Finding], directives_by_path: Mapping[str, Mapping[int, frozenset[str]]]
) -> tuple[list[Finding], int]:
    """Split findings into the kept ones and the number suppressed."""
    kept: list[Finding] = []
    suppressed = 0
    for finding in findings:
        directives = directives_by_path.get(finding.path)
        if directives and is_suppressed(finding, directives):
            suppressed += 1
        else:
            kept.append(finding)
    return kept, suppressed
