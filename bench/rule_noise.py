"""Noise of the custom rules on pristine, well-kept code (issue 3's done-when).

Downloads the sdists of requests, rich, attrs, sqlalchemy and django into bench/data/
(git-ignored), runs every rule of `scanners.rules.registry` on each package directly —
one `build_repo_context`, one `SourceFile` per file, `check` / `collect` + `conclude` —
and prints findings and findings per 1,000 lines per category, the context and
concurrency findings themselves (for review), and the time the rules took.

Target: context and concurrency ≤ 1 finding per 1,000 lines on each package.

    .venv/bin/python bench/rule_noise.py [--package django] [--show CATEGORY ...]
"""

from __future__ import annotations

import argparse
import gc
import subprocess
import sys
import tarfile
import time
import traceback
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from scanners.discovery import discover as engine_discover  # noqa: E402
from scanners.project.context import build_repo_context  # noqa: E402
from scanners.rules.registry import FILE_RULES, REPO_RULES  # noqa: E402
from scanners.source import LANGUAGE_BY_SUFFIX, SourceFile  # noqa: E402

DATA = ROOT / "bench" / "data"
# Pinned so that figures are comparable between runs.
PACKAGES = {
    "requests": "requests==2.34.2",
    "rich": "rich==15.0.0",
    "attrs": "attrs==26.1.0",
    "sqlalchemy": "sqlalchemy==2.1.9",
    "django": "django==6.1.3",
}
TARGET_PER_KLOC = 1.0
REVIEWED_CATEGORIES = ("context", "concurrency")
_SKIP_DIRS = {"__pycache__", "node_modules", ".git", ".tox", ".venv"}


@dataclass
class Report:
    package: str
    files: int = 0
    lines: int = 0
    parse_seconds: float = 0.0
    rule_seconds: float = 0.0
    per_rule_seconds: Counter[str] = field(default_factory=Counter)
    findings: list[tuple[str, str, int, str, str]] = field(
        default_factory=list
    )  # category, path, line, id, msg
    crashes: list[str] = field(default_factory=list)


def fetch(package: str) -> Path:
    """The unpacked sdist of `package`, downloading it on first use."""
    requirement = PACKAGES[package]
    version = requirement.split("==")[1]
    sdists = DATA / "sdists"
    unpacked = DATA / "src"
    existing = sorted(unpacked.glob(f"{package}-{version}")) + sorted(
        unpacked.glob(f"{package.title()}-{version}")
    )
    if existing:
        return existing[0]
    sdists.mkdir(parents=True, exist_ok=True)
    archives = [p for p in sdists.glob("*.tar.gz") if p.name.lower().startswith(f"{package}-{version}")]
    if not archives:
        subprocess.run(
            [
                sys.executable,
                "-m",
                "pip",
                "download",
                "--no-deps",
                "--no-binary",
                ":all:",
                "--ignore-requires-python",
                "--dest",
                str(sdists),
                requirement,
            ],
            check=True,
        )
        archives = [p for p in sdists.glob("*.tar.gz") if p.name.lower().startswith(f"{package}-{version}")]
    unpacked.mkdir(parents=True, exist_ok=True)
    with tarfile.open(archives[0]) as archive:
        archive.extractall(unpacked, filter="data")
    return next(p for p in unpacked.iterdir() if p.name.lower() == f"{package}-{version}")


def discover(root: Path) -> list[str]:
    """The files a scan would analyse: the engine's own discovery (vendored, minified,
    generated, binary and oversized files are skipped there, as in a real scan)."""
    files, _warnings = engine_discover(root)
    return [f.path for f in files]


def run_package(package: str, only: set[str] | None = None, root: Path | None = None) -> Report:
    """One package's report; `root` scans that checkout instead of a pinned sdist."""
    root = root or fetch(package)
    report = Report(package)
    paths = discover(root)
    context = build_repo_context(root, paths)
    sources = []
    started = time.perf_counter()
    for rel in paths:
        language = LANGUAGE_BY_SUFFIX.get(Path(rel).suffix)
        if language is None:
            continue
        text = (root / rel).read_text(encoding="utf-8", errors="replace")
        source = SourceFile(path=rel, text=text, language=language)
        _ = source.python_tree if language == "python" else source.ts_tree  # parse once, up front
        sources.append(source)
        report.lines += len(source.lines)
    report.files = len(sources)
    report.parse_seconds = time.perf_counter() - started
    # Every tree of the package is alive at once here (the engine's workers hold one file at
    # a time): freeze them so the cyclic GC does not charge their traversal to the rules.
    gc.collect()
    gc.freeze()

    file_rules = [r for r in FILE_RULES if not only or r.meta.id in only]
    repo_rules = [r for r in REPO_RULES if not only or r.meta.id in only]
    rules_started = time.perf_counter()
    facts: dict[str, dict[str, object]] = defaultdict(dict)
    for source in sources:
        for rule in file_rules:
            if source.language not in rule.meta.languages and not (
                source.language in {"typescript", "tsx"} and "javascript" in rule.meta.languages
            ):
                continue
            t0 = time.perf_counter()
            try:
                for hit in rule.check(source, context):
                    report.findings.append(
                        (rule.meta.category.value, source.path, hit.line, rule.meta.id, hit.message)
                    )
            except Exception:
                report.crashes.append(f"{rule.meta.id} on {source.path}: {traceback.format_exc(limit=2)}")
            report.per_rule_seconds[rule.meta.id] += time.perf_counter() - t0
        for repo_rule in repo_rules:
            t0 = time.perf_counter()
            try:
                facts[repo_rule.meta.id][source.path] = repo_rule.collect(source, context)
            except Exception:
                report.crashes.append(
                    f"{repo_rule.meta.id} collect on {source.path}: {traceback.format_exc(limit=2)}"
                )
            report.per_rule_seconds[repo_rule.meta.id] += time.perf_counter() - t0
    for repo_rule in repo_rules:
        t0 = time.perf_counter()
        try:
            for path, hit in repo_rule.conclude(facts[repo_rule.meta.id], context):
                report.findings.append(
                    (repo_rule.meta.category.value, path, hit.line, repo_rule.meta.id, hit.message)
                )
        except Exception:
            report.crashes.append(f"{repo_rule.meta.id} conclude: {traceback.format_exc(limit=3)}")
        report.per_rule_seconds[repo_rule.meta.id] += time.perf_counter() - t0
    report.rule_seconds = time.perf_counter() - rules_started
    gc.unfreeze()
    return report


def print_report(report: Report, show: tuple[str, ...]) -> bool:
    """Print one package's figures; True when the reviewed categories meet the target."""
    kloc = report.lines / 1000
    print(f"\n== {report.package}: {report.files} files, {report.lines:,} lines")
    print(f"   parse {report.parse_seconds:.1f}s, rules {report.rule_seconds:.1f}s")
    slow = ", ".join(f"{rid} {sec:.2f}s" for rid, sec in report.per_rule_seconds.most_common(6))
    print(f"   slowest rules: {slow}")
    by_category = Counter(category for category, *_ in report.findings)
    ok = True
    for category in sorted(set(by_category) | set(REVIEWED_CATEGORIES)):
        count = by_category[category]
        rate = count / kloc if kloc else 0.0
        flag = ""
        if category in REVIEWED_CATEGORIES:
            flag = "  ok" if rate <= TARGET_PER_KLOC else "  OVER TARGET"
            ok = ok and rate <= TARGET_PER_KLOC
        print(f"   {category:<14} {count:>5}  {rate:6.2f} / 1,000 lines{flag}")
    by_rule = Counter(rule_id for _, _, _, rule_id, _ in report.findings)
    print("   by rule: " + ", ".join(f"{rid} {n}" for rid, n in sorted(by_rule.items())))
    if kloc:
        print(
            "   per 1,000 lines: " + ", ".join(f"{rid} {n / kloc:.3f}" for rid, n in sorted(by_rule.items()))
        )
    for category, path, line, rule_id, message in sorted(report.findings):
        if category in show:
            print(f"   {path}:{line} {rule_id} {message}")
    for crash in report.crashes[:10]:
        print(f"   CRASH {crash}")
    if len(report.crashes) > 10:
        print(f"   … {len(report.crashes) - 10} more crashes")
    return ok


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--package", action="append", choices=sorted(PACKAGES), help="default: all")
    parser.add_argument("--rule", action="append", help="run only these rule ids (default: all)")
    parser.add_argument("--show", nargs="*", default=list(REVIEWED_CATEGORIES), help="categories to list")
    parser.add_argument(
        "--directory", action="append", type=Path, help="also scan this checkout (e.g. a JS repository)"
    )
    args = parser.parse_args()
    rules = [r.meta.id for r in FILE_RULES] + [r.meta.id for r in REPO_RULES]
    print(f"rules: {len(rules)} ({', '.join(sorted(rules))})")
    all_ok = True
    total_seconds = 0.0
    only = set(args.rule) if args.rule else None
    targets: list[tuple[str, Path | None]] = [
        (p, None) for p in args.package or ([] if args.directory else PACKAGES)
    ]
    targets += [(d.name, d) for d in args.directory or []]
    for package, root in targets:
        report = run_package(package, only, root)
        all_ok = print_report(report, tuple(args.show)) and all_ok
        total_seconds += report.rule_seconds
    print(f"\nrules total: {total_seconds:.1f}s; target {'met' if all_ok else 'NOT met'}")
    return 0 if all_ok else 1


if __name__ == "__main__":
    sys.exit(main())
