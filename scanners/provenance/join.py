"""Attribution joined to the engine's findings and file metrics.

A finding takes the origin of its first line (`line`): the line a reader is sent to.
"""

from __future__ import annotations

import dataclasses
from collections import Counter
from collections.abc import Iterable

from scanners.model import FileMetrics, Finding, ProvenanceSummary
from scanners.provenance.attribution import AI, HUMAN, UNKNOWN, Attribution, Run


def ai_spans(runs: Iterable[Run]) -> tuple[tuple[int, int, str], ...]:
    """The AI lines of a file's runs as spans of one tool: (first, last, tool), 1-based."""
    spans: list[tuple[int, int, str]] = []
    for first, last, line in runs:
        if line.origin != AI:
            continue
        if spans and spans[-1][1] == first - 1 and spans[-1][2] == line.tool:
            spans[-1] = (spans[-1][0], last, line.tool)
        else:
            spans.append((first, last, line.tool))
    return tuple(spans)


def join_findings(findings: Iterable[Finding], attribution: Attribution) -> list[Finding]:
    out = []
    for f in findings:
        line = attribution.line(f.path, f.line)
        authored = True if line.origin == AI else False if line.origin == HUMAN else None
        if authored is f.ai_authored and line.tool == f.ai_tool and line.model == f.ai_model:
            out.append(f)
        else:
            out.append(f.with_provenance(authored, line.tool, line.model))
    return out


def join_metrics(metrics: Iterable[FileMetrics], attribution: Attribution | None) -> list[FileMetrics]:
    """Metrics with their line counts per origin (all unknown without an attribution)."""
    out = []
    attributed = attribution.runs if attribution is not None else {}
    for m in metrics:
        runs = attributed.get(m.path)
        if runs is None:
            out.append(dataclasses.replace(m, unknown_lines=m.lines))
            continue
        ai = human = unknown = 0  # counted inline: a Counter per file cost more than the rest
        for first, last, line in runs:
            if line.origin == AI:
                ai += last - first + 1
            elif line.origin == HUMAN:
                human += last - first + 1
            elif line.origin == UNKNOWN:
                unknown += last - first + 1
        out.append(m.with_origins(ai, human, unknown, ai_spans(runs) if ai else ()))
    return out


def summarise(attribution: Attribution) -> ProvenanceSummary:
    origins: Counter[str] = Counter()
    tools: Counter[tuple[str, str]] = Counter()
    sources: Counter[str] = Counter()
    for runs in attribution.runs.values():
        for first, last, line in runs:
            count = last - first + 1
            origins[line.origin] += count
            if line.source:
                sources[line.source] += count
            if line.origin == AI:
                tools[(line.tool, line.model)] += count
    return ProvenanceSummary(
        sources=tuple(attribution.sources_present),
        ai_lines=origins[AI],
        human_lines=origins[HUMAN],
        unknown_lines=origins[UNKNOWN],
        history_commits=attribution.history_commits,
        by_tool=tuple((t, m, n) for (t, m), n in sorted(tools.items(), key=lambda kv: (-kv[1], kv[0]))),
        by_source=tuple(sorted(sources.items())),
        blamed_files=len(attribution.blamed),
        cached_files=attribution.cached,
        seconds=attribution.seconds,
        new_lines=tuple(sorted(attribution.new_lines.items())) if attribution.new_lines is not None else None,
    )
