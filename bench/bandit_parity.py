"""Parity check: the engine's bandit and radon numbers vs the bandit and radon CLIs.

    .venv/bin/python bench/bandit_parity.py [--requirement requests==2.32.3]

Downloads the sdist into bench/data/ (git-ignored) on first use, scans it with the
engine (bandit + radon only), then compares:
- bandit findings as (test id, file, line) with `bandit -r -f json`;
- per-block cyclomatic complexity (file, line, name, cc) with `radon cc -j`;
- maintainability index per file with `radon mi -j` (to 2 decimals, as stored);
- loc/sloc/comments/blank per file with `radon raw -j`.
Values are compared on the files both sides analysed; files only one side analyses
(discovery differences: hidden files radon ignores, `*.py-tpl` radon picks up, files the
engine skips with a warning, files that do not parse) are listed separately.
Exit 0 when every value matches.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from _common import VENV_BIN, fetch_sdist

from scanners.engine import EngineConfig, scan_directory


def _cli_json(argv: list[str], cwd: Path) -> Any:
    completed = subprocess.run(argv, cwd=cwd, capture_output=True, text=True, check=False)
    return json.loads(completed.stdout)


def _report(label: str, expected: set[Any], got: set[Any]) -> bool:
    missing, extra = sorted(expected - got), sorted(got - expected)
    status = "EQUAL" if not missing and not extra else "DIFFERENT"
    print(f"{label:40} CLI {len(expected):6}  engine {len(got):6}  {status}")
    for item in missing[:10]:
        print(f"    only in CLI:    {item}")
    for item in extra[:10]:
        print(f"    only in engine: {item}")
    return not missing and not extra


def _scope(label: str, cli_only: set[str], engine_only: set[str]) -> None:
    """Files only one side analysed: a difference of discovery rules, not of numbers."""
    if cli_only or engine_only:
        counts = f"{len(cli_only)} file(s) only the CLI analysed, {len(engine_only)} only the engine"
        print(f"  {label} scope: {counts}")
        for path in sorted(cli_only)[:5]:
            print(f"    CLI only:    {path}")
        for path in sorted(engine_only)[:5]:
            print(f"    engine only: {path}")


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--requirement", default="requests==2.32.3")
    args = parser.parse_args()
    tree = fetch_sdist(args.requirement)
    result = scan_directory(tree, EngineConfig(scanners=frozenset({"bandit", "radon"})))
    py = {m.path: m for m in result.files if m.language == "python"}
    parsed = {p for p, m in py.items() if m.parse_ok}
    skipped = sorted({f"{w.path} ({w.code})" for w in result.warnings if w.path})
    print(f"corpus: {tree.name}: {len(py)} Python files analysed ({len(py) - len(parsed)} do not parse)")
    print(f"  engine skipped: {skipped or 'none'}")

    bandit = _cli_json([str(VENV_BIN / "bandit"), "-r", ".", "-f", "json", "-q"], tree)
    bandit_files = {p.removeprefix("./") for p in bandit["metrics"] if p != "_totals"}
    bandit_files -= {e["filename"].removeprefix("./") for e in bandit["errors"]}
    common = bandit_files & parsed
    _scope("bandit", bandit_files - parsed, parsed - bandit_files)
    expected_b = {
        (r["test_id"], r["filename"].removeprefix("./"), r["line_number"])
        for r in bandit["results"]
        if r["filename"].removeprefix("./") in common
    }
    got_b = {
        (f.rule_id, f.path, f.line) for f in result.findings if f.scanner == "bandit" and f.path in common
    }
    ok = _report("bandit (test, file, line)", expected_b, got_b)

    radon = [str(VENV_BIN / "radon")]
    cc = _cli_json([*radon, "cc", "-j", "."], tree)
    mi = _cli_json([*radon, "mi", "-j", "."], tree)
    # `radon cc -j` omits files without blocks; `radon mi -j` lists every file radon read.
    radon_files = {p for p, v in mi.items() if "mi" in v}
    common = radon_files & parsed
    expected_cc = {
        (path, b["lineno"], (b["classname"] + "." if b.get("classname") else "") + b["name"], b["complexity"])
        for path in common
        for b in cc.get(path, [])
    }
    got_cc = {(p, f.line, f.name, f.complexity) for p in common for f in py[p].functions}
    ok &= _report("radon cc (file, line, name, cc)", expected_cc, got_cc)

    _scope("radon cc/mi", radon_files - parsed, parsed - radon_files)
    expected_mi = {(p, round(mi[p]["mi"], 2)) for p in common}
    got_mi = {(p, py[p].maintainability) for p in common}
    ok &= _report("radon mi (file, mi)", expected_mi, got_mi)

    raw = _cli_json([*radon, "raw", "-j", "."], tree)
    raw_files = {p for p, v in raw.items() if "loc" in v}
    _scope("radon raw", raw_files - py.keys(), py.keys() - raw_files)
    common = raw_files & py.keys()  # syntax errors included: raw metrics do not need the AST
    expected_raw = {(p, raw[p]["loc"], raw[p]["sloc"], raw[p]["comments"], raw[p]["blank"]) for p in common}
    got_raw = {(p, py[p].lines, py[p].sloc, py[p].comments, py[p].blank) for p in common}
    ok &= _report("radon raw (loc, sloc, comments, blank)", expected_raw, got_raw)
    print("PARITY OK" if ok else "PARITY MISMATCH")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
