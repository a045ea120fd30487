"""SARIF 2.1.0 (validated in tests against the OASIS schema).

One run per 25,000 results (GitHub code scanning's per-run cap): a larger result is
split into several runs with the same tool description, and the first run's invocation
says so. Engine warnings are `toolExecutionNotifications`.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any
from urllib.parse import quote

from scanners.model import Category, Confidence, Finding, RuleMeta, ScanResult, ScanWarning, Severity

SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"
MAX_RESULTS_PER_RUN = 25_000
FINGERPRINT_KEY = "auditorFingerprint/v1"
SRCROOT = "%SRCROOT%"

LEVEL = {
    Severity.CRITICAL: "error",
    Severity.HIGH: "error",
    Severity.MEDIUM: "warning",
    Severity.LOW: "note",
    Severity.INFO: "note",
}
# GitHub's `security-severity` scale (0-10, as a string): ≥9 critical, ≥7 high, ≥4 medium.
SECURITY_SEVERITY = {
    Severity.CRITICAL: "9.5",
    Severity.HIGH: "8.0",
    Severity.MEDIUM: "5.5",
    Severity.LOW: "3.0",
    Severity.INFO: "1.0",
}
PRECISION = {Confidence.HIGH: "high", Confidence.MEDIUM: "medium", Confidence.LOW: "low"}
_LANGUAGE_FENCE = {"python": "python", "javascript": "javascript", "typescript": "typescript", "tsx": "tsx"}


def render_sarif(result: ScanResult) -> str:
    """The SARIF log as pretty-printed JSON text."""
    return json.dumps(sarif_log(result), indent=2, ensure_ascii=False) + "\n"


def sarif_log(result: ScanResult) -> dict[str, Any]:
    """The SARIF log as a dict (one run, or several when over MAX_RESULTS_PER_RUN)."""
    rules = list(result.rules)
    known = {m.id for m in rules}
    for finding in result.findings:  # a finding whose rule is missing from the catalogue
        if finding.rule_id not in known:
            known.add(finding.rule_id)
            rules.append(fallback_rule_meta(finding))
    index = {meta.id: i for i, meta in enumerate(rules)}
    driver = _driver(result, rules)
    findings = list(result.findings)
    chunks = [
        findings[i : i + MAX_RESULTS_PER_RUN] for i in range(0, len(findings), MAX_RESULTS_PER_RUN)
    ] or [[]]
    runs = []
    for number, chunk in enumerate(chunks, start=1):
        notes = [_notification(w) for w in result.warnings] if number == 1 else []
        if len(chunks) > 1 and number == 1:
            notes.insert(0, split_notification(len(findings), len(chunks)))
        run: dict[str, Any] = {
            "tool": {"driver": driver},
            "invocations": [{"executionSuccessful": True, "toolExecutionNotifications": notes}],
            "originalUriBaseIds": {SRCROOT: {"uri": Path(result.root).as_uri().rstrip("/") + "/"}},
            "columnKind": "unicodeCodePoints",
            "results": [sarif_result(f, index[f.rule_id]) for f in chunk],
            "properties": {"suppressedCount": result.suppressed, "part": number, "parts": len(chunks)},
        }
        runs.append(run)
    return {"$schema": SCHEMA, "version": "2.1.0", "runs": runs}


def _driver(result: ScanResult, rules: list[RuleMeta]) -> dict[str, Any]:
    return {
        "name": "auditor",
        "version": result.engine_version,
        "semanticVersion": result.engine_version,
        "rules": [sarif_rule(meta) for meta in rules],
        "properties": {"scannerVersions": dict(result.scanner_versions)},
    }


def sarif_rule(meta: RuleMeta) -> dict[str, Any]:
    """One `reportingDescriptor` for `tool.driver.rules[]` (the DB exports reuse it)."""
    tags = [meta.category.value, meta.scanner]
    if meta.category is Category.SECURITY and "security" not in tags:
        tags.append("security")
    properties: dict[str, Any] = {
        "tags": tags,
        "precision": PRECISION[meta.confidence],
        "problem.severity": LEVEL[meta.severity] if meta.severity > Severity.LOW else "recommendation",
    }
    if meta.category is Category.SECURITY:
        properties["security-severity"] = SECURITY_SEVERITY[meta.severity]
    rule: dict[str, Any] = {
        "id": meta.id,
        "name": meta.name,
        "shortDescription": {"text": meta.title or meta.name},
        "fullDescription": {"text": meta.what or meta.title or meta.name},
        "help": _help(meta),
        "defaultConfiguration": {"level": LEVEL[meta.severity]},
        "properties": properties,
    }
    if meta.help_uri:
        rule["helpUri"] = meta.help_uri
    return rule


def _help(meta: RuleMeta) -> dict[str, str]:
    text = [meta.what or meta.title]
    markdown = [f"**{meta.id} {meta.name}** ({meta.category.value})", "", meta.what or meta.title]
    if meta.why:
        text.append(f"Why: {meta.why}")
        markdown += ["", f"**Why it matters:** {meta.why}"]
    fence = _LANGUAGE_FENCE.get(meta.languages[0] if meta.languages else "", "")
    for label, code in (("Example", meta.example), ("Use instead", meta.use_instead)):
        if code:
            text.append(f"{label}:\n{code}")
            markdown += ["", f"**{label}:**", "", f"```{fence}", code.rstrip("\n"), "```"]
    if meta.in_tests_note:
        text.append(f"In test code: {meta.in_tests_note}")
        markdown += ["", f"**In test code:** {meta.in_tests_note}"]
    if meta.help_uri:
        text.append(f"More: {meta.help_uri}")
        markdown += ["", f"[Documentation]({meta.help_uri})"]
    return {"text": "\n\n".join(t for t in text if t), "markdown": "\n".join(markdown)}


def _uri(path: str) -> str:
    return quote(path, safe="/")


def sarif_result(finding: Finding, rule_index: int) -> dict[str, Any]:
    """One `result` with a relative location and our fingerprint in `partialFingerprints`."""
    region: dict[str, Any] = {
        "startLine": max(finding.line, 1),
        "endLine": max(finding.end_line, finding.line, 1),
        "startColumn": max(finding.column, 1),
    }
    if finding.snippet:
        region["snippet"] = {"text": finding.snippet}
    result: dict[str, Any] = {
        "ruleId": finding.rule_id,
        "ruleIndex": rule_index,
        "level": LEVEL[finding.severity],
        "message": {"text": finding.message},
        "locations": [
            {
                "physicalLocation": {
                    "artifactLocation": {"uri": _uri(finding.path), "uriBaseId": SRCROOT},
                    "region": region,
                }
            }
        ],
        "partialFingerprints": {FINGERPRINT_KEY: finding.fingerprint},
        "properties": {
            "category": finding.category.value,
            "severity": finding.severity.label,
            "confidence": finding.confidence.label,
            "scanner": finding.scanner,
            "inTests": finding.in_tests,
            # Provenance of the finding's line (scanners/provenance/): null = unknown.
            "ai_authored": finding.ai_authored,
            "ai_tool": finding.ai_tool,
            "ai_model": finding.ai_model,
        },
    }
    if finding.flow:
        result["codeFlows"] = [code_flow(finding)]
    return result


def code_flow(finding: Finding) -> dict[str, Any]:
    """A taint flow as one `codeFlow` with one `threadFlow`: source first, sink last."""
    uri = _uri(finding.path)
    locations = [
        {
            "location": {
                "physicalLocation": {
                    "artifactLocation": {"uri": uri, "uriBaseId": SRCROOT},
                    "region": {"startLine": max(line, 1), "startColumn": max(column, 1)},
                },
                "message": {"text": message},
            },
            "nestingLevel": 0,
            "executionOrder": order,
        }
        for order, (line, column, message) in enumerate(finding.flow, start=1)
    ]
    return {"message": {"text": finding.message}, "threadFlows": [{"locations": locations}]}


def _notification(warning: ScanWarning) -> dict[str, Any]:
    note: dict[str, Any] = {
        "level": "warning" if warning.code.startswith(("rule:", "scanner:")) else "note",
        "message": {"text": f"{warning.code}: {warning.message}"},
        "descriptor": {"id": warning.code},
    }
    if warning.path:
        location = {"artifactLocation": {"uri": _uri(warning.path), "uriBaseId": SRCROOT}}
        note["locations"] = [{"physicalLocation": location}]
    return note


def split_notification(total: int, parts: int) -> dict[str, Any]:
    """The notification saying that `total` results were split over `parts` runs."""
    return {
        "level": "note",
        "message": {
            "text": f"{total} results split across {parts} runs "
            f"(at most {MAX_RESULTS_PER_RUN} results per run)"
        },
        "descriptor": {"id": "sarif:split-runs"},
    }


def fallback_rule_meta(finding: Finding) -> RuleMeta:
    """Metadata for a rule id no catalogue knows (an old scan's rule, say)."""
    return RuleMeta(
        id=finding.rule_id,
        name=finding.rule_id.lower(),
        title=finding.rule_id,
        category=finding.category,
        severity=finding.severity,
        confidence=finding.confidence,
        scanner=finding.scanner,
    )
