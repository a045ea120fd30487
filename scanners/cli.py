"""`python -m scanners PATH [--format text|json|sarif] [--output FILE] [--fail-on SEVERITY]
[--diff-base REF]`.

Exit status: 0; 1 when a finding at or above `--fail-on` exists; 2 on a usage error
(nonexistent path, unknown severity or format, bad option, a `--diff-base` git cannot
diff against), with the reason on stderr.

With `--diff-base REF` (a pull request's base: ``origin/main``) only the findings on lines
the checkout's HEAD changed since it left REF are reported (and counted for `--fail-on`);
see scanners/diff.py. The whole tree is still analysed, since repository-level rules read
every file, so give the base's scans and the pull request's the same `--cache-dir`: files
the pull request did not touch are then read from the base's cached results.
"""

from __future__ import annotations

import argparse
import dataclasses
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import IO

from scanners import __version__
from scanners.diff import DiffError, changed_lines, on_changed_lines
from scanners.engine import EngineConfig, scan_directory
from scanners.model import ScanResult, Severity
from scanners.output import RENDERERS, render
from scanners.output.json_format import write_json
from scanners.provenance.attribution import ProvenanceConfig
from scanners.registry import SCANNERS, validate_scanner_ids

EXIT_OK, EXIT_FINDINGS, EXIT_USAGE = 0, 1, 2


def _severity(value: str) -> Severity:
    try:
        return Severity.parse(value)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None


def _positive(value: str) -> int:
    try:
        number = int(value)
    except ValueError:
        number = 0
    if number < 1:
        raise argparse.ArgumentTypeError(f"expected a positive integer, got {value!r}")
    return number


def build_parser() -> argparse.ArgumentParser:
    """The argument parser (exposed for --help tests and docs)."""
    parser = argparse.ArgumentParser(prog="python -m scanners", description="Audit a directory of code.")
    parser.add_argument("path", type=Path, help="directory to scan (a checkout)")
    parser.add_argument("--format", choices=sorted(RENDERERS), default="text", help="output format")
    parser.add_argument("--output", type=Path, help="write the report here instead of stdout")
    parser.add_argument(
        "--fail-on",
        type=_severity,
        metavar="SEVERITY",
        help="exit 1 when a finding at or above this severity exists (info, low, medium, high, critical)",
    )
    parser.add_argument("--workers", type=_positive, help="worker processes (default: CPU count)")
    parser.add_argument("--cache-dir", type=Path, help="per-file result cache directory")
    parser.add_argument(
        "--scanners",
        default=",".join(sorted(SCANNERS)),
        help=f"comma-separated scanner ids (default: all of {', '.join(sorted(SCANNERS))})",
    )
    parser.add_argument(
        "--diff-base",
        metavar="REF",
        help="report only findings on lines changed since REF (git diff REF...HEAD), for pull requests",
    )
    parser.add_argument(
        "--no-provenance",
        action="store_true",
        help="do not attribute lines to AI or humans from the checkout's git history",
    )
    parser.add_argument(
        "--history-commits",
        type=_positive,
        default=1000,
        help="attribute lines last touched within the newest N commits; older lines are unknown",
    )
    parser.add_argument("--version", action="version", version=f"auditor {__version__}")
    return parser


def exit_code(result: ScanResult, fail_on: Severity | None) -> int:
    """1 when any finding is at or above `fail_on`, else 0."""
    if fail_on is not None and any(f.severity >= fail_on for f in result.findings):
        return EXIT_FINDINGS
    return EXIT_OK


def main(argv: Sequence[str] | None = None) -> int:
    """Run the CLI; returns the exit status."""
    parser = build_parser()
    args = parser.parse_args(argv)
    if not args.path.is_dir():
        parser.error(f"{args.path}: not a directory")  # exits 2
    try:
        scanners = validate_scanner_ids(s.strip() for s in args.scanners.split(",") if s.strip())
        provenance = ProvenanceConfig(enabled=not args.no_provenance, history_commits=args.history_commits)
        config = EngineConfig(
            workers=args.workers, cache_dir=args.cache_dir, scanners=scanners, provenance=provenance
        )
    except ValueError as exc:
        parser.error(str(exc))
    changed = None
    if args.diff_base is not None:
        try:
            # Before the scan: a wrong base is a usage error, found before minutes of work.
            changed = changed_lines(args.path, args.diff_base)
        except DiffError as exc:
            parser.error(f"--diff-base {args.diff_base}: {exc}")
    result = scan_directory(args.path, config)
    if changed is not None:
        findings = tuple(f for f in result.findings if on_changed_lines(f, changed))
        result = dataclasses.replace(result, findings=findings)
    if args.output is not None:
        try:
            with args.output.open("w", encoding="utf-8") as out:
                _write(result, args.format, out)
        except OSError as exc:
            print(f"cannot write {args.output}: {exc.strerror or exc}", file=sys.stderr)
            return EXIT_USAGE
    else:
        _write(result, args.format, sys.stdout)
    return exit_code(result, args.fail_on)


def _write(result: ScanResult, fmt: str, out: IO[str]) -> None:
    if fmt == "json":
        write_json(result, out)  # streamed: the JSON of a big repository is never one string
    else:
        out.write(render(result, fmt))
