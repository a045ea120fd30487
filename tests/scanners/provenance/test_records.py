"""Readers of line-level records (Git AI notes, Agent Trace) and declared AI paths."""

from __future__ import annotations

import json
from pathlib import Path

from scanners.provenance.attribution import ProvenanceConfig, attribute
from scanners.provenance.records import LineClaim, glob_regex, parse_authorship_log, parse_ranges
from tests.scanners.provenance.repo_support import build_provenance_repo, commit


def test_an_authorship_log_is_read_as_the_standard_defines_it() -> None:
    note = (
        'src/main.rs\n  abcd1234abcd1234 1-3,7\n  efab5678efab5678 9\n"src/my file.rs"\n'
        "  abcd1234abcd1234 2\n"
        "---\n"
        + json.dumps(
            {
                "schema_version": "authorship/3.0.0",
                "prompts": {
                    "abcd1234abcd1234": {"agent_id": {"tool": "cursor", "model": "claude-4.5-opus"}},
                    "efab5678efab5678": {"agent_id": {"tool": "claude"}},
                },
            }
        )
    )
    got = parse_authorship_log(note)
    cursor = LineClaim(True, "cursor", "claude-4.5-opus", "git-ai")
    assert got == {
        "src/main.rs": {
            1: cursor,
            2: cursor,
            3: cursor,
            7: cursor,
            9: LineClaim(True, "claude", "", "git-ai"),
        },
        "src/my file.rs": {2: cursor},
    }


def test_hostile_ranges_are_bounded_and_malformed_ones_skipped() -> None:
    assert list(parse_ranges("3-1,x,0,2-,5")) == [5]
    assert sum(1 for _ in parse_ranges("1-999999999999", limit=10)) == 11


def test_globs_follow_gitignore_shapes() -> None:
    assert glob_regex("generated/**").fullmatch("generated/a/b.py")
    assert glob_regex("*.pb.py").fullmatch("deep/dir/x.pb.py")
    assert not glob_regex("src/*.py").fullmatch("src/a/b.py")
    assert glob_regex("src/*.py").fullmatch("src/b.py")
    assert glob_regex("vendor").fullmatch("lib/vendor/x.py")


def test_agent_trace_ranges_attribute_lines_of_their_revision(tmp_path: Path) -> None:
    repo = tmp_path / "repo"
    shas = build_provenance_repo(repo)
    trace = {
        "version": "0.1.0",
        "id": "550e8400-e29b-41d4-a716-446655440000",
        "timestamp": "2026-01-23T14:30:00Z",
        "vcs": {"type": "git", "revision": shas["human2"]},
        "tool": {"name": "opencode"},
        "files": [
            {
                "path": "app.py",
                "conversations": [
                    {
                        "contributor": {"type": "ai", "model_id": "openai/gpt-4o"},
                        "ranges": [
                            {"start_line": 12, "end_line": 13},
                            {"start_line": 11, "end_line": 11, "contributor": {"type": "human"}},
                        ],
                    }
                ],
            }
        ],
    }
    commit(repo, {".agent-trace/traces.jsonl": json.dumps(trace) + "\n"}, "Record trace")
    got = attribute(repo, {"app.py": 13}, ProvenanceConfig())
    assert got is not None
    tail = [(line.origin, line.tool, line.model, line.source) for line in got.files["app.py"][9:]]
    assert tail == [
        ("human", "", "", "history"),
        ("human", "", "", "agent-trace"),
        ("ai", "opencode", "openai/gpt-4o", "agent-trace"),
        ("ai", "opencode", "openai/gpt-4o", "agent-trace"),
    ]
    assert "agent-trace" in got.sources_present
