"""What our custom rules add to the engine's time, on Django 6.1.3's source.

Runs the engine twice in one run on the same tree, with the same worker count and no
cache: bandit alone, then bandit + our rules (ai-rules). Issue target: the rules add at
most 50% to bandit's time. Usage: `.venv/bin/python bench/rules_overhead.py [--workers N]`.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench._common import fetch_sdist
from scanners.engine import EngineConfig, scan_directory


def timed(root: Path, scanners: frozenset[str], workers: int | None) -> tuple[float, int]:
    started = time.perf_counter()
    result = scan_directory(root, EngineConfig(workers=workers, scanners=scanners))
    return time.perf_counter() - started, len(result.findings)


def _fmt(runs: list[tuple[float, int]]) -> str:
    return ", ".join(f"{seconds:.1f} s" for seconds, _ in runs)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--workers", type=int, default=None, help="engine processes (default: one per CPU)")
    parser.add_argument("--requirement", default="django==6.1.3")
    parser.add_argument("--repeat", type=int, default=2, help="runs of each configuration")
    args = parser.parse_args()
    root = fetch_sdist(args.requirement)
    print(f"tree: {root}")
    # Alternate the two configurations and keep each one's fastest run, so that a burst
    # of other load on the machine does not land on one side only.
    bandit_runs, both_runs = [], []
    for _ in range(args.repeat):
        bandit_runs.append(timed(root, frozenset({"bandit"}), args.workers))
        both_runs.append(timed(root, frozenset({"bandit", "ai-rules"}), args.workers))
    bandit_s, bandit_n = min(bandit_runs)
    both_s, both_n = min(both_runs)
    print(f"bandit alone:          {bandit_s:7.1f} s  {bandit_n:6d} findings  (runs: {_fmt(bandit_runs)})")
    print(f"bandit + custom rules: {both_s:7.1f} s  {both_n:6d} findings  (runs: {_fmt(both_runs)})")
    overhead = (both_s - bandit_s) / bandit_s
    verdict = "target met" if overhead <= 0.5 else "OVER the 50% target"
    print(f"custom rules add {overhead:+.0%} to bandit's time ({verdict})")
    return 0 if overhead <= 0.5 else 1


if __name__ == "__main__":
    raise SystemExit(main())
