"""The in-process bandit adapter reports exactly what `bandit -r` reports."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from scanners.engine import EngineConfig, scan_directory
from scanners.model import Category, Severity
from scanners.tools.bandit import bandit_catalogue

TREE = Path(__file__).parents[1] / "fixtures" / "bandit_tree"
BANDIT = Path(sys.executable).with_name("bandit")


def _cli(root: Path) -> tuple[set[tuple[str, str, int]], set[str]]:
    completed = subprocess.run(
        [str(BANDIT), "-r", ".", "-f", "json", "-q"], cwd=root, capture_output=True, text=True, check=False
    )
    report = json.loads(completed.stdout)
    results = {(r["test_id"], r["filename"].removeprefix("./"), r["line_number"]) for r in report["results"]}
    skipped = {e["filename"].removeprefix("./") for e in report["errors"]}
    return results, skipped


@pytest.mark.skipif(not BANDIT.exists(), reason="bandit CLI not installed next to the interpreter")
def test_it_reports_the_same_test_ids_files_and_lines_as_the_bandit_cli() -> None:
    expected, skipped = _cli(TREE)
    result = scan_directory(TREE, EngineConfig(workers=1, scanners=frozenset({"bandit"})))
    got = {(f.rule_id, f.path, f.line) for f in result.findings if f.scanner == "bandit"}
    assert got == expected
    assert len(expected) > 30
    # Every `# nosec` form in commands.py is honoured the way the CLI honours it.
    assert ("B602", "pkg/commands.py", 13) not in got
    assert ("B602", "pkg/commands.py", 14) in got  # nosec for another test id
    assert ("B613", "pkg/trojan.py", 2) in got
    assert ("B401", "pkg/latin.py", 2) in got  # PEP 263 file
    # The file bandit cannot parse is an engine finding instead of a silent skip.
    assert skipped == {"pkg/broken.py"}
    assert {(f.rule_id, f.path) for f in result.findings if f.scanner == "engine"} == {
        ("E001", "pkg/broken.py")
    }


def test_it_maps_bandit_levels_and_category() -> None:
    result = scan_directory(TREE, EngineConfig(workers=1, scanners=frozenset({"bandit"})))
    by_key = {(f.rule_id, f.path, f.line): f for f in result.findings}
    shell = by_key[("B602", "pkg/commands.py", 11)]
    assert (shell.severity, shell.confidence.label, shell.category) == (
        Severity.HIGH,
        "high",
        Category.SECURITY,
    )
    assert shell.snippet == "subprocess.call(cmd, shell=True)"
    assert (shell.column, shell.end_line) == (5, 11)
    assert by_key[("B101", "pkg/commands.py", 27)].severity == Severity.LOW


def test_the_catalogue_lists_every_default_bandit_test_with_docs() -> None:
    catalogue = {m.id: m for m in bandit_catalogue()}
    assert {"B101", "B602", "B613", "B301", "B403", "B704"} <= catalogue.keys()
    assert catalogue["B602"].name == "subprocess-popen-with-shell-equals-true"
    assert catalogue["B602"].help_uri.startswith("https://bandit.readthedocs.io/en/1.9.4/plugins/b602")
    assert catalogue["B403"].help_uri.endswith("#b403-import-pickle")
    assert all(m.category is Category.SECURITY and m.scanner == "bandit" for m in catalogue.values())


def test_a_crash_inside_bandit_is_a_warning_not_a_failed_scan(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    (tmp_path / "a.py").write_text("import pickle\n")

    def explode(*args: object, **kwargs: object) -> None:
        raise RuntimeError("a bug in a bandit plugin")

    monkeypatch.setattr("scanners.tools.bandit.run_bandit", explode)
    result = scan_directory(tmp_path, EngineConfig(workers=1, scanners=frozenset({"bandit", "radon"})))
    assert [(w.code, w.path) for w in result.warnings] == [("scanner:crashed", "a.py")]
    assert [m.path for m in result.files] == ["a.py"]
