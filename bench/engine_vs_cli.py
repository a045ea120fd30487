"""Benchmark: our engine vs bandit + radon CLIs run one after another, on Django 6.1.3.

    .venv/bin/python bench/engine_vs_cli.py [--workers N] [--skip-clis]

Downloads the Django 6.1.3 sdist into bench/data/ (git-ignored) on first use, then in one
run: the engine (`python -m scanners`, default workers) with its wall time and peak RSS
summed over its process tree, then `bandit -r`, `radon cc`, `radon mi`, `radon raw` from
the venv. Prints the times and the engine/CLIs ratio (target ≤ 0.4, peak RSS < 1 GiB)
and writes bench/results/engine_vs_cli.json.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _common import BENCH, RESULTS, VENV_BIN, fetch_sdist, timed_run

TARGET_RATIO = 0.4
MEMORY_CAP = 1024**3


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--requirement", default="django==6.1.3")
    parser.add_argument("--workers", type=int, help="engine workers (default: CPU count)")
    parser.add_argument("--skip-clis", action="store_true", help="time the engine only")
    args = parser.parse_args()

    tree = fetch_sdist(args.requirement)
    RESULTS.mkdir(parents=True, exist_ok=True)
    py_files = sum(1 for _ in tree.rglob("*.py"))
    print(
        f"corpus: {tree.relative_to(BENCH.parent)} ({py_files} .py files), {os.cpu_count()} CPUs", flush=True
    )

    engine_out = RESULTS / "engine.json"
    argv = [sys.executable, "-m", "scanners", str(tree), "--format", "json", "--output", str(engine_out)]
    if args.workers:
        argv += ["--workers", str(args.workers)]
    print(f"load average before: {os.getloadavg()[0]:.2f} (the machine is shared; see README)", flush=True)
    engine_s, engine_cpu, engine_rss, code = timed_run(argv, cwd=BENCH.parent)
    report = json.loads(engine_out.read_text())
    print(
        f"engine    : {engine_s:7.1f} s  cpu {engine_cpu:6.1f} s  peak RSS {engine_rss / 2**20:6.0f} MiB  "
        f"exit {code}  "
        f"({len(report['files'])} files, {len(report['findings'])} findings, "
        f"{len(report['warnings'])} warnings)",
        flush=True,
    )
    summary: dict[str, object] = {
        "corpus": args.requirement,
        "python_files": py_files,
        "cpus": os.cpu_count(),
        "engine": {
            "seconds": round(engine_s, 2),
            "cpu_seconds": round(engine_cpu, 2),
            "peak_rss_mib": round(engine_rss / 2**20),
        },
    }
    if not args.skip_clis:
        clis = {
            "bandit -r": [str(VENV_BIN / "bandit"), "-r", str(tree), "-f", "json", "-q"],
            "radon cc": [str(VENV_BIN / "radon"), "cc", str(tree)],
            "radon mi": [str(VENV_BIN / "radon"), "mi", str(tree)],
            "radon raw": [str(VENV_BIN / "radon"), "raw", str(tree)],
        }
        times, cpus = {}, {}
        for label, command in clis.items():
            seconds, cpu, rss, _ = timed_run(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            times[label], cpus[label] = round(seconds, 2), round(cpu, 2)
            print(
                f"{label:10}: {seconds:7.1f} s  cpu {cpu:6.1f} s  peak RSS {rss / 2**20:6.0f} MiB", flush=True
            )
        total, total_cpu = sum(times.values()), sum(cpus.values())
        ratio = engine_s / total
        print(f"CLIs total: {total:7.1f} s  cpu {total_cpu:6.1f} s")
        print(f"ratio engine/CLIs (wall): {ratio:.3f} (target <= {TARGET_RATIO})")
        print(f"ratio engine/CLIs (cpu):  {engine_cpu / total_cpu:.3f}")
        print(f"load average after: {os.getloadavg()[0]:.2f}")
        summary.update(
            clis=times,
            clis_cpu=cpus,
            clis_total=round(total, 2),
            ratio=round(ratio, 3),
            cpu_ratio=round(engine_cpu / total_cpu, 3),
        )
        ok = ratio <= TARGET_RATIO and engine_rss < MEMORY_CAP
    else:
        ok = engine_rss < MEMORY_CAP
    print(f"peak RSS {'under' if engine_rss < MEMORY_CAP else 'OVER'} 1 GiB")
    (RESULTS / "engine_vs_cli.json").write_text(json.dumps(summary, indent=2) + "\n")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
