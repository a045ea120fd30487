"""The fingerprint policy: stable under line moves, distinct for repeated lines."""

from __future__ import annotations

from pathlib import Path

from scanners.engine import EngineConfig, scan_directory
from scanners.fingerprint import fingerprint, normalise_code
from tests.scanners.engine_support import make_repo, write_tree

CONFIG = EngineConfig(workers=1, scanners=frozenset({"bandit"}))
CODE = "import subprocess\n\n\ndef run(cmd):\n    subprocess.call(cmd, shell=True)\n"


def _fingerprints(root: Path) -> dict[tuple[str, int], str]:
    result = scan_directory(root, CONFIG)
    return {(f.rule_id, f.line): f.fingerprint for f in result.findings}


def test_it_ignores_whitespace_when_normalising_code() -> None:
    assert normalise_code("  x  =\t1 ") == "x = 1"
    assert fingerprint("B1", "a.py", "x = 1", 0) == fingerprint("B1", "a.py", "   x   =  1", 0)


def test_it_depends_on_rule_path_code_and_occurrence() -> None:
    base = fingerprint("B602", "a.py", "call()", 0)
    assert (
        len({base, fingerprint("B603", "a.py", "call()", 0), fingerprint("B602", "b.py", "call()", 0)}) == 3
    )
    assert base != fingerprint("B602", "a.py", "call()", 1)
    assert base != fingerprint("B602", "a.py", "other()", 0)


def test_it_keeps_the_fingerprint_when_the_finding_moves_down_20_lines(tmp_path: Path) -> None:
    repo = make_repo(tmp_path)
    write_tree(repo, {"app.py": CODE})
    before = _fingerprints(repo)
    moved = CODE.replace("def run", "# unrelated line\n" * 20 + "def run")
    write_tree(repo, {"app.py": moved})
    after = _fingerprints(repo)
    assert before[("B602", 5)] == after[("B602", 25)]
    assert before[("B404", 1)] == after[("B404", 1)]


def test_it_gives_identical_lines_different_fingerprints(tmp_path: Path) -> None:
    repo = make_repo(tmp_path)
    code = CODE + "    subprocess.call(cmd, shell=True)\n"
    write_tree(repo, {"app.py": code})
    prints = _fingerprints(repo)
    assert prints[("B602", 5)] != prints[("B602", 6)]
    # Re-indenting does not change either (whitespace is normalised).
    write_tree(
        repo,
        {
            "app.py": code.replace("    subprocess", "        subprocess").replace(
                "def run", "if 1:\n  def run"
            )
        },
    )
    again = set(_fingerprints(repo).values())
    assert {prints[("B602", 5)], prints[("B602", 6)]} <= again
