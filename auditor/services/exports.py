"""Exports of findings as CSV, JSON and SARIF 2.1.0: generators of text chunks.

Every export reads its rows through `finding_export_rows` (chunked, streamed) and
yields text as it goes, so exporting a million findings holds one chunk in memory,
never the list. SARIF reuses the engine's rule and result mapping
(scanners/output/sarif.py) on DB rows converted to `scanners.model.Finding`.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Any

from django.db.models import QuerySet

from auditor.models import Finding, Scan, Severity
from auditor.selectors.exports import (
    file_provenance_rows,
    finding_export_rows,
    finding_rule_ids,
    finding_rule_samples,
)
from auditor.selectors.rules import rule_catalogue
from scanners import __version__ as ENGINE_VERSION
from scanners.model import Category as EngineCategory
from scanners.model import Confidence as EngineConfidence
from scanners.model import Finding as EngineFinding
from scanners.model import Severity as EngineSeverity
from scanners.output import sarif as engine_sarif

FORMATS = ("csv", "json", "sarif")
CONTENT_TYPES = {
    "csv": "text/csv; charset=utf-8",
    "json": "application/json",
    "sarif": "application/sarif+json",
}

# CSV columns: (header, row key). Stable: append new columns at the end only.
CSV_COLUMNS = (
    ("scan_id", "scan_id"),
    ("repository", "scan__repository__name"),
    ("branch", "scan__branch"),
    ("commit", "scan__commit_sha"),
    ("rule_id", "rule_id"),
    ("scanner", "scanner"),
    ("category", "category"),
    ("severity", "severity"),
    ("confidence", "confidence"),
    ("path", "path"),
    ("line", "line"),
    ("end_line", "end_line"),
    ("column", "column"),
    ("message", "message"),
    ("snippet", "snippet"),
    ("fingerprint", "fingerprint"),
    # The triage in force ("" when none): status value, reason, who, expiry date.
    ("triage_status", "triage_status"),
    ("triage_reason", "triage_reason"),
    ("triaged_by", "triaged_by"),
    ("triage_expires", "triage_expires"),
    ("in_tests", "in_tests"),
    # Provenance (scanners/provenance/): the finding's line, and its file's AI share.
    ("ai_authored", "ai_authored"),
    ("ai_tool", "ai_tool"),
    ("ai_model", "ai_model"),
    ("ai_share", "file_ai_share"),
    # A taint finding's path from source to sink; CSV writes it as `line:column message`
    # steps joined by " -> ", JSON as the list of steps, SARIF as the result's codeFlows.
    ("flow", "flow"),
)
# A spreadsheet evaluates a cell starting with one of these as a formula (CSV injection).
FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")
UTF8_BOM = "\ufeff"  # makes Excel read the file as UTF-8


@dataclass(frozen=True)
class ExportMeta:
    """What the export is of: a scan, or a findings list."""

    title: str
    scan: Scan | None = None


def neutralise_cell(value: object) -> object:
    """Prefix text a spreadsheet would run as a formula with a quote; numbers pass."""
    if isinstance(value, str) and value.startswith(FORMULA_TRIGGERS):
        return "'" + value
    return value


def _labelled(row: dict[str, Any]) -> dict[str, Any]:
    row = dict(row)
    row["severity"] = Severity(row["severity"]).label
    row["confidence"] = EngineConfidence(row["confidence"]).label
    for key in ("triage_status", "triage_reason", "triaged_by"):
        row[key] = row.get(key) or ""
    expires = row.get("triage_expires")
    row["triage_expires"] = expires.isoformat() if expires else ""
    return row


def sarif_suppressions(row: dict[str, Any]) -> list[dict[str, Any]]:
    """SARIF 2.1.0 §3.35 suppressions of an exported row: one `external` suppression
    (decided outside the code, in auditor) for a triage in force, none otherwise.

    Its status is `accepted`: every auditor triage is a reviewer's decision, never a
    proposal (`underReview` would leave the result shown as open by SARIF viewers). The
    reason is the justification; who, when, the decision and its expiry go in the
    property bag. A consumer that honours suppressions then treats the result as closed
    (GitHub code scanning: dismissed through its alerts API, as the dismiss-alerts action
    does from this property)."""
    if not row.get("triage_status"):
        return []
    when = row.get("triaged_at")
    expires = row.get("triage_expires")
    properties: dict[str, Any] = {
        "triageStatus": row["triage_status"],
        "triagedBy": row.get("triaged_by") or "",
        "triagedAt": when.isoformat() if when else "",
    }
    if expires:
        properties["expires"] = expires if isinstance(expires, str) else expires.isoformat()
    suppression: dict[str, Any] = {"kind": "external", "status": "accepted", "properties": properties}
    if row.get("triage_reason"):
        suppression["justification"] = row["triage_reason"]
    return [suppression]


def flow_text(steps: list[dict[str, Any]]) -> str:
    """A flow on one line for a spreadsheet cell: `9:5 request.args -> 4:1 os.system`."""
    return " -> ".join(f"{step['line']}:{step['column']} {step['message']}" for step in steps)


def export_csv(findings: QuerySet[Finding]) -> Iterator[str]:
    """One header line, then one line per finding (RFC 4180 quoting, CRLF, UTF-8 with BOM)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow([header for header, _ in CSV_COLUMNS])
    yield UTF8_BOM + _drain(buffer)
    for number, row in enumerate(finding_export_rows(findings), start=1):
        labelled = _labelled(row)
        labelled["flow"] = flow_text(labelled.get("flow") or [])
        writer.writerow([neutralise_cell(labelled[key]) for _, key in CSV_COLUMNS])
        if number % 500 == 0:
            yield _drain(buffer)
    yield _drain(buffer)


def _drain(buffer: io.StringIO) -> str:
    text = buffer.getvalue()
    buffer.seek(0)
    buffer.truncate()
    return text


def _scan_summary(scan: Scan) -> dict[str, Any]:
    return {
        "id": scan.pk,
        "repository": scan.repository.name,
        "branch": scan.branch,
        "commit": scan.commit_sha,
        "status": scan.status,
        "trigger": scan.trigger,
        "created_at": scan.created_at.isoformat(),
        "finished_at": scan.finished_at.isoformat() if scan.finished_at else None,
        "engine_version": scan.engine_version,
        "findings_total": scan.findings_total,
        "severity_counts": scan.severity_counts,
        "category_counts": scan.category_counts,
        "provenance": scan.provenance or None,
    }


def export_json(findings: QuerySet[Finding], meta: ExportMeta) -> Iterator[str]:
    """`{"export": ..., "scan": ..., "findings": [...], "count": N}`, written as it is read."""
    head = {"export": meta.title, "scan": _scan_summary(meta.scan) if meta.scan else None}
    yield json.dumps(head, ensure_ascii=False)[:-1] + ', "findings": ['
    count = 0
    for row in finding_export_rows(findings):
        labelled = _labelled(row)
        item = {header: labelled[key] for header, key in CSV_COLUMNS}
        yield ("," if count else "") + "\n" + json.dumps(item, ensure_ascii=False)
        count += 1
    if meta.scan is not None:
        # Every file of the scan with its AI share (null: no line attributed).
        yield '\n], "files": ['
        for number, row in enumerate(file_provenance_rows(meta.scan)):
            yield ("," if number else "") + "\n" + json.dumps(row, ensure_ascii=False)
    yield f'\n], "count": {count}}}\n'


def _engine_finding(row: dict[str, Any]) -> EngineFinding:
    return EngineFinding(
        rule_id=row["rule_id"],
        scanner=row["scanner"],
        category=EngineCategory(row["category"]),
        severity=EngineSeverity(row["severity"]),
        confidence=EngineConfidence(row["confidence"]),
        path=row["path"],
        line=row["line"],
        end_line=row["end_line"],
        column=row["column"],
        message=row["message"],
        snippet=row["snippet"],
        fingerprint=row["fingerprint"],
        in_tests=bool(row.get("in_tests")),
        ai_authored=row.get("ai_authored"),
        ai_tool=row.get("ai_tool", ""),
        ai_model=row.get("ai_model", ""),
        flow=tuple((step["line"], step["column"], step["message"]) for step in row.get("flow") or ()),
    )


def _sarif_rules(findings: QuerySet[Finding]) -> list[Any]:
    """The catalogue entries of the rules present, plus a fallback for unknown ids."""
    present = finding_rule_ids(findings)
    catalogue = {meta.id: meta for meta in rule_catalogue()}
    rules = [catalogue[rule_id] for rule_id in present if rule_id in catalogue]
    unknown = [rule_id for rule_id in present if rule_id not in catalogue]
    for sample in finding_rule_samples(findings, unknown).values():
        rules.append(engine_sarif.fallback_rule_meta(_engine_finding({**sample, **_EMPTY_LOCATION})))
    return rules


_EMPTY_LOCATION = {
    "path": "",
    "line": 1,
    "end_line": 1,
    "column": 0,
    "message": "",
    "snippet": "",
    "fingerprint": "",
}
_PLACEHOLDER = "__AUDITOR_RESULTS__"


def _run_head(meta: ExportMeta, driver: dict[str, Any], number: int, parts: int, total: int) -> list[str]:
    notes = [engine_sarif.split_notification(total, parts)] if parts > 1 and number == 1 else []
    run: dict[str, Any] = {
        "tool": {"driver": driver},
        "invocations": [{"executionSuccessful": True, "toolExecutionNotifications": notes}],
        "columnKind": "unicodeCodePoints",
        "results": _PLACEHOLDER,
        "properties": {"part": number, "parts": parts, "export": meta.title},
    }
    scan = meta.scan
    if (
        scan is not None
        and scan.commit_sha
        and scan.repository.display_url.startswith(("https://", "http://"))
    ):
        run["versionControlProvenance"] = [
            {
                "repositoryUri": scan.repository.display_url,
                "revisionId": scan.commit_sha,
                "branch": scan.branch,
            }
        ]
    before, after = json.dumps(run, ensure_ascii=False).split(f'"{_PLACEHOLDER}"')
    return [before + "[", "]" + after]


def export_sarif(findings: QuerySet[Finding], meta: ExportMeta) -> Iterator[str]:
    """A SARIF 2.1.0 log; one run per MAX_RESULTS_PER_RUN results (GitHub's cap per run)."""
    rules = _sarif_rules(findings)
    index = {rule.id: i for i, rule in enumerate(rules)}
    driver = {
        "name": "auditor",
        "version": (meta.scan.engine_version if meta.scan else "") or ENGINE_VERSION,
        "semanticVersion": (meta.scan.engine_version if meta.scan else "") or ENGINE_VERSION,
        "rules": [engine_sarif.sarif_rule(rule) for rule in rules],
    }
    total = findings.count()
    per_run = engine_sarif.MAX_RESULTS_PER_RUN
    parts = max(1, -(-total // per_run))
    yield f'{{"$schema": "{engine_sarif.SCHEMA}", "version": "2.1.0", "runs": ['
    rows = finding_export_rows(findings)
    for number in range(1, parts + 1):
        head, tail = _run_head(meta, driver, number, parts, total)
        yield ("," if number > 1 else "") + head
        yield from _sarif_results(rows, index, per_run)
        yield tail
    yield "]}\n"


def _sarif_results(rows: Iterator[dict[str, Any]], index: dict[str, int], limit: int) -> Iterable[str]:
    for count in range(limit):
        row = next(rows, None)
        if row is None:
            return
        result = engine_sarif.sarif_result(_engine_finding(row), index[row["rule_id"]])
        suppressions = sarif_suppressions(row)
        if suppressions:
            result["suppressions"] = suppressions
        yield ("," if count else "") + "\n" + json.dumps(result, ensure_ascii=False)


def export_stream(fmt: str, findings: QuerySet[Finding], meta: ExportMeta) -> Iterator[str]:
    """The generator for `fmt` (one of FORMATS)."""
    if fmt == "csv":
        return export_csv(findings)
    if fmt == "json":
        return export_json(findings, meta)
    if fmt == "sarif":
        return export_sarif(findings, meta)
    raise ValueError(f"unknown export format {fmt!r}; expected one of {', '.join(FORMATS)}")


def export_filename(meta: ExportMeta, fmt: str) -> str:
    stem = f"scan-{meta.scan.pk}-findings" if meta.scan else "findings"
    return f"{stem}.{'sarif.json' if fmt == 'sarif' else fmt}"
