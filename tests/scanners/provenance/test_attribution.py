"""Line attribution on a real repository: every line's origin, and findings joined to it."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest

from scanners.engine import EngineConfig, scan_directory
from scanners.provenance.attribution import ProvenanceConfig, attribute, decide, read_history
from tests.scanners.provenance.repo_support import APP_V2, build_provenance_repo, commit, run_git


def _origins(attribution, path):  # type: ignore[no-untyped-def]
    return [(line.origin, line.tool, line.model, line.source) for line in attribution.files[path]]


H = ("human", "", "", "history")


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    path = tmp_path / "repo"
    build_provenance_repo(path)
    return path


def test_it_attributes_every_line_by_its_strongest_source(repo: Path) -> None:
    files = {"app.py": 13, "claude.py": 2, "kernel.py": 2, "aider.py": 2, "generated/schema.py": 2}
    got = attribute(repo, files, ProvenanceConfig(), workers=2)
    assert got is not None
    note = ("ai", "cursor", "claude-4.5-opus", "git-ai")
    # The human commit has a Git AI note: its lines 4-5 are AI, the other lines it wrote are
    # human *by the note* (the standard lists every AI line of the commit); lines 10-13
    # come from the second human commit, which has no note and no signature.
    noted_human = ("human", "", "", "git-ai")
    assert _origins(got, "app.py") == [noted_human] * 3 + [note] * 2 + [noted_human] * 4 + [H] * 4
    assert _origins(got, "claude.py") == [("ai", "Claude Code", "", "signature")] * 2
    assert _origins(got, "kernel.py") == [("ai", "Gemini", "gemini-2.5-pro", "signature")] * 2
    assert _origins(got, "aider.py") == [("ai", "aider", "", "signature")] * 2
    assert _origins(got, "generated/schema.py") == [("ai", "declared", "", "ai-paths")] * 2
    assert got.sources_present == ["git-ai", "signature", "ai-paths"]
    # The runs the decider builds (counts and gutter spans use them) say the same, run by run.
    app_runs = got.runs["app.py"]
    assert [(a, b, (line.origin, line.tool, line.model, line.source)) for a, b, line in app_runs] == [
        (1, 3, noted_human), (4, 5, note), (6, 9, noted_human), (10, 13, H),
    ]  # fmt: skip
    for path, lines in got.files.items():
        expanded = [line for first, last, line in got.runs[path] for _ in range(first, last + 1)]
        assert expanded == list(lines), path


def test_findings_carry_the_origin_of_their_line(repo: Path) -> None:
    result = scan_directory(repo, EngineConfig(workers=1))
    got = {(f.rule_id, f.path, f.line): (f.ai_authored, f.ai_tool, f.ai_model) for f in result.findings}
    assert got == {
        ("B307", "app.py", 5): (True, "cursor", "claude-4.5-opus"),
        ("B307", "app.py", 9): (False, "", ""),
        ("B307", "app.py", 13): (False, "", ""),
        ("B307", "claude.py", 2): (True, "Claude Code", ""),
        ("B307", "kernel.py", 2): (True, "Gemini", "gemini-2.5-pro"),
        ("B307", "aider.py", 2): (True, "aider", ""),
        ("B307", "generated/schema.py", 2): (True, "declared", ""),
    }
    app = next(m for m in result.files if m.path == "app.py")
    assert (app.ai_lines, app.human_lines, app.unknown_lines, app.ai_share) == (2, 11, 0, round(2 / 13, 4))
    assert app.ai_spans == ((4, 5, "cursor"),)
    assert result.provenance is not None
    assert (result.provenance.ai_lines, result.provenance.human_lines) == (10, 11)
    assert result.provenance.by_tool[0] == ("Claude Code", "", 2)


def test_lines_older_than_the_window_are_unknown(repo: Path) -> None:
    got = attribute(repo, {"app.py": 13, "claude.py": 2}, ProvenanceConfig(history_commits=1))
    assert got is not None
    # Only the newest commit (human2, lines 10-13 of app.py) is inside the window.
    assert [line.origin for line in got.files["app.py"]] == ["unknown"] * 9 + ["human"] * 4
    assert [line.origin for line in got.files["claude.py"]] == ["unknown"] * 2


def test_a_shallow_clone_edge_is_unknown_not_credited(repo: Path, tmp_path: Path) -> None:
    shallow = tmp_path / "shallow"
    run_git(tmp_path, "clone", "--quiet", "--no-local", "--depth=2", str(repo), str(shallow))
    got = attribute(shallow, {"app.py": 13, "generated/schema.py": 2}, ProvenanceConfig())
    assert got is not None
    # The edge commit ("paths") would take every older line; they are unknown instead.
    assert [line.origin for line in got.files["app.py"]] == ["unknown"] * 9 + ["human"] * 4
    # The declared path is AI by declaration, whatever the history says.
    assert [line.origin for line in got.files["generated/schema.py"]] == ["ai"] * 2


def test_uncommitted_lines_are_unknown(repo: Path) -> None:
    (repo / "app.py").write_text(APP_V2 + "y = 2\n", encoding="utf-8")
    (repo / "new.py").write_text("z = 1\n", encoding="utf-8")
    got = attribute(repo, {"app.py": 14, "new.py": 1}, ProvenanceConfig())
    assert got is not None
    assert got.files["app.py"][13].origin == "unknown"
    assert got.files["app.py"][12].origin == "human"
    assert [line.origin for line in got.files["new.py"]] == ["unknown"]


def test_a_team_pattern_adds_a_signature(repo: Path) -> None:
    commit(repo, {"team.py": "a = 1\n"}, "Add team file\n\nX-Agent: house-bot v2\n")
    extra = ({"id": "house-bot", "tool": "House bot", "where": "trailer", "key": "X-Agent",
              "pattern": r"^house-bot (?P<model>\S+)"},)  # fmt: skip
    got = attribute(repo, {"team.py": 1}, ProvenanceConfig(extra_signatures=extra))
    assert got is not None
    assert _origins(got, "team.py") == [("ai", "House bot", "v2", "signature")]


def test_the_cli_flag_turns_it_off(repo: Path) -> None:
    result = scan_directory(repo, EngineConfig(workers=1, provenance=ProvenanceConfig(enabled=False)))
    assert result.provenance is None
    assert {f.ai_authored for f in result.findings} == {None}
    assert {(m.unknown_lines == m.lines, m.ai_share) for m in result.files} == {(True, None)}


def test_a_directory_that_is_not_a_checkout_has_no_provenance(tmp_path: Path) -> None:
    (tmp_path / "a.py").write_text("eval(input())\n", encoding="utf-8")
    result = scan_directory(tmp_path, EngineConfig(workers=1))
    assert result.provenance is None
    # bandit's B307 and the taint rule's AI602 on the same line: neither has an origin.
    assert sorted((f.rule_id, f.ai_authored) for f in result.findings) == [("AI602", None), ("B307", None)]


def test_new_code_since_a_base_commit_is_counted_per_origin(repo: Path) -> None:
    shas = {"paths": run_git(repo, "rev-parse", "HEAD~1")}
    commit(repo, {"claude.py": "def claude_one(x):\n    return eval(x)\n# more\n"},
           "More\n\nCo-authored-by: Claude <noreply@anthropic.com>\n")  # fmt: skip
    got = attribute(repo, {"app.py": 13, "claude.py": 3}, ProvenanceConfig(base_commit=shas["paths"]))
    assert got is not None
    # human2 (app.py 10-13) and the new Claude commit (claude.py line 3) are after the base.
    assert got.new_lines == {"ai": 1, "human": 4, "unknown": 0}
    # A base older than the window (asked of git, not found in it): human2's lines are
    # outside the one-commit window, where no commit is known, so not counted as new.
    narrow = attribute(repo, {"app.py": 13, "claude.py": 3},
                       ProvenanceConfig(base_commit=shas["paths"], history_commits=1))  # fmt: skip
    assert narrow is not None
    assert narrow.new_lines == {"ai": 1, "human": 0, "unknown": 0}
    unknown_base = attribute(repo, {"app.py": 13}, ProvenanceConfig(base_commit="f" * 40))
    assert unknown_base is not None
    assert unknown_base.new_lines is None


def test_history_read_for_more_files_than_are_decided(repo: Path) -> None:
    """The engine reads history for every discovered file while it analyses them, then
    decides only those it analysed (a binary or undecodable file has no metrics)."""
    history = read_history(repo, ["app.py", "claude.py", "kernel.py"], ProvenanceConfig())
    assert history is not None
    base = ProvenanceConfig(base_commit=run_git(repo, "rev-parse", "HEAD~1"))
    got = decide(dataclasses.replace(history, config=base), {"claude.py": 2})
    assert list(got.files) == ["claude.py"]
    assert [line.tool for line in got.files["claude.py"]] == ["Claude Code"] * 2
    assert got.new_lines == {"ai": 0, "human": 0, "unknown": 0}
