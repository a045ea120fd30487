"""Recall of the taint rules on deliberately vulnerable apps, and their false alarms on
maintained packages.

    .venv/bin/python bench/taint_recall.py recall      # documented lines (bench/taint_vulns.json)
    .venv/bin/python bench/taint_recall.py noise       # Django, Flask, httpx sdists; axios, express tarballs

Outside code goes under /work/outside/taint/ (never committed): GitHub repositories are
exported from the `fetch` tool's mirror (/work/.mirror/OWNER+NAME/repo, fetched before
running), npm packages through `npm pack`; sdists through `bench/_common.fetch_sdist` (pip
download into the git-ignored bench/data/, shared with the other benches). Both modes
run the engine's custom rules only (no bandit/radon), one worker.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tarfile
from collections import Counter, defaultdict
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench._common import fetch_sdist
from scanners.engine import EngineConfig, scan_directory
from scanners.model import ScanResult
from scanners.rules.javascript.taint_rules import JS_TAINT_RULES
from scanners.rules.python.taint_rules import PYTHON_TAINT_RULES

OUTSIDE = Path("/work/outside/taint")
MIRRORS = Path("/work/.mirror")
DATA = Path(__file__).resolve().parent / "taint_vulns.json"
RULE_FAMILY = {r.meta.id: r.family.value for r in (*PYTHON_TAINT_RULES, *JS_TAINT_RULES)}
# Counted for false alarms too (no documented lines of their own in the data file).
NOISE_RULES = {**RULE_FAMILY, "AI631": "deny-list", "AI632": "deny-list"}
SDISTS = ("django==6.1.3", "flask==3.1.0", "httpx==0.28.1")
NPM = ("axios@1.7.9", "express@4.21.2")
NEAR = 1  # a finding on the statement's first line counts for a vulnerable line just below it


def _export(repo: str) -> Path:
    """The mirror's HEAD as a plain tree under OUTSIDE."""
    target = OUTSIDE / repo.replace("/", "+")
    if target.exists():
        return target
    git_dir = MIRRORS / repo.replace("/", "+") / "repo"
    if not git_dir.exists():
        raise SystemExit(f"{repo}: not in {MIRRORS}; fetch it first (the fetch tool, github:{repo})")
    target.mkdir(parents=True)
    archive = subprocess.run(
        ["git", "-C", str(git_dir), "archive", "HEAD"], check=True, capture_output=True
    ).stdout
    subprocess.run(["tar", "-x", "-C", str(target)], input=archive, check=True)
    return target


def _scan(root: Path) -> ScanResult:
    return scan_directory(root, EngineConfig(workers=1, scanners=frozenset({"ai-rules"})))


def recall() -> int:
    data = json.loads(DATA.read_text())
    found_by_app: dict[str, set[tuple[str, int, str]]] = {}
    for app, info in data["apps"].items():
        result = _scan(_export(info["repo"]))
        found_by_app[app] = {
            (f.path, line, RULE_FAMILY[f.rule_id])
            for f in result.findings
            if f.rule_id in RULE_FAMILY
            for line in range(f.line, max(f.end_line, f.line) + NEAR + 1)
        }
    by_family: dict[str, Counter[str]] = defaultdict(Counter)
    misses = []
    for vuln in data["vulns"]:
        hit = (vuln["path"], vuln["line"], vuln["family"]) in found_by_app[vuln["app"]]
        by_family[vuln["family"]]["hit" if hit else "miss"] += 1
        if not hit:
            misses.append(vuln)
    total_hit = sum(c["hit"] for c in by_family.values())
    total = sum(c["hit"] + c["miss"] for c in by_family.values())
    for family, counts in sorted(by_family.items()):
        n = counts["hit"] + counts["miss"]
        print(f"{family:9} {counts['hit']:3d} / {n:3d}")
    print(f"overall   {total_hit:3d} / {total:3d}  ({total_hit / total:.0%})")
    for vuln in misses:
        print(f"  MISS {vuln['app']}: {vuln['path']}:{vuln['line']} ({vuln['family']}) - {vuln['source']}")
    return 0


def _npm(spec: str) -> Path:
    target = OUTSIDE / "npm" / spec
    if (target / "package").exists():
        return target / "package"
    target.mkdir(parents=True, exist_ok=True)
    subprocess.run(["npm", "pack", spec, "--silent"], cwd=target, check=True, capture_output=True)
    archive = next(target.glob("*.tgz"))
    with tarfile.open(archive) as handle:
        handle.extractall(target, filter="data")
    return target / "package"


def noise() -> int:
    for label, root in [*((s, fetch_sdist(s)) for s in SDISTS), *((n, _npm(n)) for n in NPM)]:
        result = _scan(root)
        lines = sum(f.lines for f in result.files)
        counts = Counter(f.rule_id for f in result.findings if f.rule_id in NOISE_RULES)
        worst = max(counts.values(), default=0)
        print(
            f"{label:16} {lines:8d} lines  worst rule {worst / lines * 10_000:.2f} per 10k lines",
            dict(counts),
        )
        for f in result.findings:
            if f.rule_id in NOISE_RULES:
                print(f"    {f.rule_id} {f.path}:{f.line} {f.snippet[:90]}")
    return 0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("mode", choices=("recall", "noise"))
    args = parser.parse_args()
    return recall() if args.mode == "recall" else noise()


if __name__ == "__main__":
    raise SystemExit(main())
