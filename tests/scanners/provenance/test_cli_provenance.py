"""`python -m scanners PATH` on a git checkout attributes findings like the worker does."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from scanners.cli import main
from tests.scanners.provenance.repo_support import build_provenance_repo


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    build_provenance_repo(tmp_path / "repo")
    return tmp_path / "repo"


def test_json_carries_ai_fields_on_every_finding_and_file(repo: Path, tmp_path: Path) -> None:
    out = tmp_path / "r.json"
    assert main([str(repo), "--format", "json", "--output", str(out), "--workers", "1"]) == 0
    data = json.loads(out.read_text())
    assert {(f["path"], f["line"], f["ai_authored"], f["ai_tool"]) for f in data["findings"]} == {
        ("app.py", 5, True, "cursor"),
        ("app.py", 9, False, ""),
        ("app.py", 13, False, ""),
        ("claude.py", 2, True, "Claude Code"),
        ("kernel.py", 2, True, "Gemini"),
        ("aider.py", 2, True, "aider"),
        ("generated/schema.py", 2, True, "declared"),
    }
    assert {f["path"]: f["ai_share"] for f in data["files"]} == {
        "app.py": round(2 / 13, 4),
        "claude.py": 1.0,
        "kernel.py": 1.0,
        "aider.py": 1.0,
        "generated/schema.py": 1.0,
    }
    assert data["provenance"]["sources"] == ["git-ai", "signature", "ai-paths"]
    assert data["provenance"]["unknown_lines"] == 0


def test_sarif_results_carry_provenance_properties(repo: Path, tmp_path: Path) -> None:
    out = tmp_path / "r.sarif"
    assert main([str(repo), "--format", "sarif", "--output", str(out), "--workers", "1"]) == 0
    results = json.loads(out.read_text())["runs"][0]["results"]
    by_line = {
        (r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"], r["properties"]["ai_authored"])
        for r in results
    }
    assert ("claude.py", True) in by_line
    assert ("app.py", False) in by_line


def test_no_provenance_flag_leaves_every_line_unknown(repo: Path, tmp_path: Path) -> None:
    out = tmp_path / "r.json"
    assert (
        main([str(repo), "--format", "json", "--output", str(out), "--workers", "1", "--no-provenance"]) == 0
    )
    data = json.loads(out.read_text())
    assert data["provenance"] is None
    assert {f["ai_authored"] for f in data["findings"]} == {None}


def test_text_output_says_what_the_share_rests_on(repo: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main([str(repo), "--workers", "1"]) == 0
    out = capsys.readouterr().out
    assert "claude.py:2:12: medium B307 [security]" in out
    assert "[AI: Claude Code]" in out
    assert out.rstrip().endswith(
        "AI-written lines: 10 of 21 attributed (47.6%); 0 unknown "
        "(sources: git-ai, signature, ai-paths; history window 1000 commits)"
    )
