"""Readable terminal output: one line per finding, then warnings and a summary."""

from __future__ import annotations

from collections import Counter

from scanners.model import ScanResult, Severity


def render_text(result: ScanResult) -> str:
    """`path:line:col: severity RULE [category] message` lines plus a summary block."""
    out: list[str] = []
    for f in result.findings:
        tests = " [in tests]" if f.in_tests else ""
        ai = f" [AI: {f.ai_tool or 'unnamed'}]" if f.ai_authored else ""
        out.append(
            f"{f.path}:{f.line}:{f.column}: {f.severity.label} {f.rule_id} [{f.category.value}]{tests} "
            f"{f.message}{ai}"
        )
        if f.snippet:
            out.append(f"    {f.snippet}")
    if result.warnings:
        out.append("")
        out.append(f"Warnings ({len(result.warnings)}):")
        out.extend(f"  {w.code} {w.path or '-'}: {w.message}" for w in result.warnings)
    by_severity = Counter(f.severity for f in result.findings)
    counts = ", ".join(
        f"{by_severity[s]} {s.label}" for s in sorted(Severity, reverse=True) if by_severity[s]
    )
    parse_failures = sum(1 for m in result.files if not m.parse_ok)
    out.append("")
    out.append(
        f"{len(result.findings)} finding(s)" + (f" ({counts})" if counts else "") + f", {result.suppressed} "
        f"suppressed, {len(result.files)} file(s) analysed ({parse_failures} did not parse), "
        f"{len(result.warnings)} warning(s) in {result.duration_seconds:.1f}s"
    )
    if result.provenance is not None:
        p = result.provenance
        attributed = p.ai_lines + p.human_lines
        share = f"{100 * p.ai_lines / attributed:.1f}%" if attributed else "n/a"
        sources = ", ".join(p.sources) or "no AI signature found"
        out.append(
            f"AI-written lines: {p.ai_lines} of {attributed} attributed ({share}); {p.unknown_lines} unknown "
            f"(sources: {sources}; history window {p.history_commits} commits)"
        )
    return "\n".join(out) + "\n"
