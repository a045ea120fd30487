"""Where the custom rules' time goes: each rule's own seconds over a tree, serially.

One process, files read and parsed once (not timed); each rule's `check` (file rules) or
`collect` (repository rules) is timed on every file, in the engine's order, so that what
a rule builds for the others (the shared node index, the taint flows) is charged to the
first rule that asks for it, as in a real scan. Prints the rules by time, slowest first.
Usage: `.venv/bin/python bench/rule_profile.py [--requirement django==6.1.3] [PATH]`.
"""

from __future__ import annotations

import argparse
import sys
import time
from collections import defaultdict
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench._common import fetch_sdist
from scanners.discovery import DEFAULT_MAX_FILE_BYTES, discover, load_source
from scanners.engine import EngineConfig, _context, _custom_rules
from scanners.headroom import with_headroom
from scanners.model import ScannerId, ScanWarning


def _timed(work: Callable[[], object]) -> float:
    started = time.perf_counter()
    with_headroom(work)
    return time.perf_counter() - started


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("path", nargs="?", help="a tree to profile (default: the sdist)")
    parser.add_argument("--requirement", default="django==6.1.3")
    parser.add_argument("--top", type=int, default=15)
    args = parser.parse_args()
    root = Path(args.path).resolve() if args.path else fetch_sdist(args.requirement)
    config = EngineConfig(workers=1, scanners=frozenset({ScannerId.AI_RULES}))
    file_rules, repo_rules, _ = _custom_rules(config, None, None)
    discovered, warnings = discover(root, DEFAULT_MAX_FILE_BYTES)
    context, _ = _context(root, discovered, warnings, None, None)
    assert context is not None, "no repository context: see the warnings"
    seconds: dict[str, float] = defaultdict(float)
    lines = 0
    for file in discovered:
        if file.language is None:
            continue
        loaded = load_source(root, file, DEFAULT_MAX_FILE_BYTES)
        if isinstance(loaded, ScanWarning):
            continue
        source, _digest = loaded
        lines += source.text.count("\n")
        if source.language == "python" and source.python_tree is None:
            continue
        for rule in file_rules:
            if source.language in rule.meta.languages:
                seconds[rule.meta.id] += _timed(lambda: list(rule.check(source, context)))  # noqa: B023
        for repo_rule in repo_rules:
            if source.language in repo_rule.meta.languages:
                seconds[repo_rule.meta.id] += _timed(lambda: repo_rule.collect(source, context))  # noqa: B023
    total = sum(seconds.values())
    print(f"tree: {root} ({lines:,} lines)")
    print(f"all custom rules: {total:.2f} s")
    for rule_id, spent in sorted(seconds.items(), key=lambda item: -item[1])[: args.top]:
        print(f"  {rule_id:8s} {spent:6.2f} s  {spent / total:5.1%}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
