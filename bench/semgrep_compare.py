"""Our taint rules against Semgrep's open-source taint mode running bench/semgrep/*.yaml.

    .venv/bin/python bench/semgrep_compare.py [--skip-time] [--repeat 2]

Semgrep is never a requirement: install it into its own venv
(`python3 -m venv /work/outside/semgrep-venv && .../pip install semgrep==1.187.0`); this
script runs /work/outside/semgrep-venv/bin/semgrep or $SEMGREP, with local rule files only,
`--metrics=off` and no version check (offline). In one run: recall on the documented lines
of bench/taint_vulns.json (scored as bench/taint_recall.py scores ours), false alarms per
rule per 10k lines on the packages of `taint_recall.py noise`, and wall time on Django
6.1.3's source (semgrep -j 1 / -j 2, our taint walk alone in one process, the engine with
bandit alone and bandit + our rules), alternated, each with the load average. Semgrep's
findings on the noise packages go to bench/results/semgrep_noise.txt for review; the
summary to bench/results/semgrep_compare.json.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import time
from collections import Counter, defaultdict
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench._common import RESULTS, fetch_sdist
from bench.rules_overhead import timed
from bench.taint_recall import DATA, NEAR, NOISE_RULES, NPM, RULE_FAMILY, SDISTS, _export, _npm, _scan
from scanners.discovery import IGNORED_DIRS, discover, load_source
from scanners.taint.javascript import js_flows
from scanners.taint.python import python_flows

SEMGREP = Path(os.environ.get("SEMGREP", "/work/outside/semgrep-venv/bin/semgrep"))
RULE_FILES = [Path(__file__).resolve().parent / "semgrep" / n for n in ("python.yaml", "javascript.yaml")]
Finding = tuple[str, int, int, str]  # path, first line, last line, rule id (AI6xx)


def semgrep(root: Path, jobs: int = 1) -> tuple[list[Finding], float, int, int]:
    """(findings, wall seconds, files scanned, errors) of one semgrep run over `root`."""
    # Our discovery's pruned directories, and nothing else (semgrep's default ignore list
    # would skip tests/, which our engine scans).
    (root / ".semgrepignore").write_text("".join(f"{d}/\n" for d in sorted(IGNORED_DIRS)))
    configs = [arg for f in RULE_FILES for arg in ("--config", str(f))]
    command = [str(SEMGREP), "scan", "--metrics=off", "--disable-version-check", "--novcs", "--json"]
    command += [*configs, "-j", str(jobs), str(root)]
    env = {**os.environ, "SEMGREP_ENABLE_VERSION_CHECK": "0", "SEMGREP_SEND_METRICS": "off"}
    started = time.perf_counter()
    done = subprocess.run(command, capture_output=True, text=True, env=env, cwd=root, check=False)
    seconds = time.perf_counter() - started
    report = json.loads(done.stdout)
    findings = []
    for r in report["results"]:
        rule = r["check_id"].rsplit(".", 1)[-1][:5]
        path = str(Path(r["path"]).resolve().relative_to(root.resolve()))
        findings.append((path, r["start"]["line"], r["end"]["line"], rule))
    return sorted(set(findings)), seconds, len(report["paths"]["scanned"]), len(report["errors"])


def _ours(root: Path) -> list[Finding]:
    return sorted(
        {
            (f.path, f.line, max(f.end_line, f.line), f.rule_id)
            for f in _scan(root).findings
            if f.rule_id in NOISE_RULES
        }
    )


def _score(
    vulns: list[dict[str, object]], found: dict[str, list[Finding]]
) -> tuple[dict[str, list[int]], list[str]]:
    """As bench/taint_recall.py: a finding of the family on the line (or NEAR above)."""
    lines = {
        app: {(p, n, RULE_FAMILY[r]) for p, a, b, r in fs if r in RULE_FAMILY for n in range(a, b + NEAR + 1)}
        for app, fs in found.items()
    }
    by_family: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    misses = []
    for v in vulns:
        hit = (v["path"], v["line"], v["family"]) in lines[str(v["app"])]
        by_family[str(v["family"])][0] += hit
        by_family[str(v["family"])][1] += 1
        if not hit:
            misses.append(f"{v['app']}: {v['path']}:{v['line']} ({v['family']})")
    return dict(by_family), misses


def recall() -> dict[str, object]:
    data = json.loads(DATA.read_text())
    ours, theirs = {}, {}
    for app, info in data["apps"].items():
        root = _export(info["repo"])
        ours[app] = _ours(root)
        theirs[app] = semgrep(root)[0]
    out: dict[str, object] = {}
    for label, found in (("ours", ours), ("semgrep", theirs)):
        by_family, misses = _score(data["vulns"], found)
        out[label] = {"by_family": by_family, "misses": misses}
    print("family      ours  semgrep")
    for family in sorted(out["ours"]["by_family"]):  # type: ignore[index]
        o = out["ours"]["by_family"][family]  # type: ignore[index]
        s = out["semgrep"]["by_family"][family]  # type: ignore[index]
        print(f"{family:9} {o[0]:3d}/{o[1]:<3d} {s[0]:3d}/{s[1]:<3d}")
    for label in ("ours", "semgrep"):
        for miss in out[label]["misses"]:  # type: ignore[index]
            print(f"  MISS {label}: {miss}")
    return out


def noise() -> dict[str, object]:
    out: dict[str, object] = {}
    review = []
    for label, root in [*((s, fetch_sdist(s)) for s in SDISTS), *((n, _npm(n)) for n in NPM)]:
        result = _scan(root)
        lines = sum(f.lines for f in result.files)
        ours = Counter(f.rule_id for f in result.findings if f.rule_id in NOISE_RULES)
        found, _, files, errors = semgrep(root)
        theirs = Counter(r for *_, r in found)
        per10k = {k: round(v / lines * 10_000, 2) for k, v in theirs.items()}
        print(
            f"{label:16} {lines:7d} lines  ours {dict(ours)}  semgrep {dict(theirs)}",
            f"({files} files, {errors} errors)",
        )
        review += [f"{label} {r} {p}:{a}" for p, a, _, r in found]
        out[label] = {"lines": lines, "ours": dict(ours), "semgrep": dict(theirs), "semgrep_per_10k": per10k}
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / "semgrep_noise.txt").write_text("\n".join(review) + "\n")
    return out


def taint_only(root: Path) -> tuple[float, float]:
    """(read + parse, taint walk) seconds of our taint analysis alone, in this process."""
    files, _ = discover(root)
    started = time.perf_counter()
    sources = []
    for file in files:
        if file.language is None:
            continue
        loaded = load_source(root, file, 1024 * 1024)
        if isinstance(loaded, tuple):
            source = loaded[0]
            _ = source.python_tree if source.language == "python" else source.ts_tree
            sources.append(source)
    parsed = time.perf_counter()
    for source in sources:
        (python_flows if source.language == "python" else js_flows)(source)
    return parsed - started, time.perf_counter() - parsed


def timing(repeat: int) -> list[dict[str, object]]:
    root = fetch_sdist("django==6.1.3")
    runs = []
    for _ in range(repeat):
        row: dict[str, object] = {"load_before": os.getloadavg()[0]}
        row["semgrep_j1"] = round(semgrep(root, 1)[1], 1)
        row["semgrep_j2"] = round(semgrep(root, 2)[1], 1)
        parse, walk = taint_only(root)
        row["ours_taint_1proc_parse"], row["ours_taint_1proc_walk"] = round(parse, 1), round(walk, 1)
        row["bandit_w2"] = round(timed(root, frozenset({"bandit"}), 2)[0], 1)
        row["bandit_rules_w2"] = round(timed(root, frozenset({"bandit", "ai-rules"}), 2)[0], 1)
        row["load_after"] = os.getloadavg()[0]
        print(row)
        runs.append(row)
    return runs


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--skip-time", action="store_true")
    parser.add_argument("--repeat", type=int, default=2)
    args = parser.parse_args()
    version = subprocess.run([str(SEMGREP), "--version"], capture_output=True, text=True, check=True)
    summary: dict[str, object] = {"semgrep": version.stdout.strip(), "recall": recall(), "noise": noise()}
    if not args.skip_time:
        summary["time"] = timing(args.repeat)
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / "semgrep_compare.json").write_text(json.dumps(summary, indent=2))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
