"""Benchmark: the engine's re-scan with a warm result cache, against its own full scan.

    .venv/bin/python bench/engine_rescan.py [--repeat 5] [--requirement django==6.1.3]

Copies the unpacked sdist (bench/data/, fetched as by engine_vs_cli.py) to
bench/results/rescan-tree, then, each as a fresh `python -m scanners … --cache-dir` process
(as a developer or CI runs it), in one run:

1. the full scan with an empty cache (the baseline);
2. `--repeat` scans with nothing changed (the first also records the file stamps, since
   the copy is younger than the settle window; it is not counted);
3. `--repeat` scans each after one changed file: a new function appended to
   `django/utils/text.py` (a new name, so the repo-level rules conclude again, as for
   most real edits).

Each process reports the engine's own time (`duration_seconds`: from discovery to the
sorted result); the script also takes the wall time of the whole process (interpreter
start, imports, the JSON written) and the CPU time of its process tree (pool included),
the figure a loaded machine disturbs least. Prints medians and the re-scan as a
percentage of the full scan (target ≤ 2% of the engine's time, exit status 1 above).
Summary in bench/results/engine_rescan.json.
"""

from __future__ import annotations

import argparse
import json
import resource
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _common import BENCH, RESULTS, fetch_sdist

TARGET_PERCENT = 2.0
CHANGED = "django/utils/text.py"


def _scan(tree: Path, cache: Path, output: Path) -> tuple[float, float, float]:
    """(engine seconds, process wall seconds, CPU seconds of the process tree) of one scan."""
    argv = [sys.executable, "-m", "scanners", str(tree), "--format", "json", "--output", str(output)]
    argv += ["--cache-dir", str(cache)]
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    subprocess.run(argv, cwd=BENCH.parent, check=False, stdout=subprocess.DEVNULL)
    wall = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return json.loads(output.read_text())["duration_seconds"], wall, cpu


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--requirement", default="django==6.1.3")
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()

    source = fetch_sdist(args.requirement)
    RESULTS.mkdir(parents=True, exist_ok=True)
    tree, cache, output = RESULTS / "rescan-tree", RESULTS / "rescan-cache", RESULTS / "rescan.json"
    for stale in (tree, cache):
        shutil.rmtree(stale, ignore_errors=True)
    shutil.copytree(source, tree, symlinks=True)

    full, full_wall, full_cpu = _scan(tree, cache, output)
    print(
        f"full scan (empty cache): engine {full:6.2f} s, process {full_wall:6.2f} s, CPU {full_cpu:6.2f} s",
        flush=True,
    )
    _scan(tree, cache, output)  # records the stamps of files copied within the settle window
    unchanged = [_scan(tree, cache, output) for _ in range(args.repeat)]
    changed = []
    for n in range(args.repeat):
        with (tree / CHANGED).open("a", encoding="utf-8") as handle:
            handle.write(f"\n\ndef bench_probe_{n}(value):\n    return value + {n}\n")
        changed.append(_scan(tree, cache, output))

    def report(label: str, runs: list[tuple[float, float, float]]) -> dict[str, float]:
        engine = statistics.median(r[0] for r in runs)
        wall = statistics.median(r[1] for r in runs)
        cpu = statistics.median(r[2] for r in runs)
        print(
            f"{label}: engine {engine:6.3f} s ({100 * engine / full:4.1f}% of full), "
            f"process {wall:6.3f} s ({100 * wall / full_wall:4.1f}%), "
            f"CPU {cpu:6.3f} s ({100 * cpu / full_cpu:4.1f}%)  "
            f"[engine runs: {', '.join(f'{r[0]:.3f}' for r in runs)}]",
            flush=True,
        )
        return {
            "engine_s": engine,
            "process_s": wall,
            "cpu_s": cpu,
            "percent": round(100 * engine / full, 2),
            "cpu_percent": round(100 * cpu / full_cpu, 2),
        }

    summary = {
        "corpus": args.requirement,
        "full": {"engine_s": full, "process_s": round(full_wall, 2), "cpu_s": round(full_cpu, 2)},
        "unchanged": report("nothing changed (median)", unchanged),
        "one_changed": report("one changed file (median)", changed),
    }
    (RESULTS / "engine_rescan.json").write_text(json.dumps(summary, indent=2) + "\n")
    return 0 if summary["one_changed"]["percent"] <= TARGET_PERCENT else 1


if __name__ == "__main__":
    sys.exit(main())
