"""Peak memory of exporting a large generated dataset (CSV, JSON, SARIF), not a timed test.

    .venv/bin/python bench/export_memory.py                 # 1,000,000 findings, SQLite in a temp dir
    .venv/bin/python bench/export_memory.py --findings 200000
    DATABASE_URL=postgres://… .venv/bin/python bench/export_memory.py   # on PostgreSQL (a throw-away DB!)

Generates one scan with N findings, then streams each export to a file and records the
process's peak RSS growth during the export (VmHWM, reset before each format through
/proc/self/clear_refs). Exit status 1 when any export grows RSS by more than
--bound-mib (default 150 MiB): holding a million findings in memory would take GiBs.
Results in bench/results/export_memory.json.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
RESULTS = ROOT / "bench" / "results"


def _rss_mib(field: str) -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1]) / 1024
    return 0.0


def _reset_peak() -> None:
    # "5" resets the peak RSS (VmHWM) to the current RSS (Linux ≥ 4.0).
    Path("/proc/self/clear_refs").write_text("5")


def _setup(tmp: Path) -> None:
    os.environ.setdefault("SECRET_KEY", "bench-only")
    os.environ.setdefault("AUDITOR_VAR_DIR", str(tmp))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "auditor.settings")
    import django
    from django.conf import settings

    django.setup()
    # Tables straight from the models (like the test suite's --no-migrations).
    from django.apps import apps

    settings.MIGRATION_MODULES = {config.label: None for config in apps.get_app_configs()}
    from django.core.management import call_command

    call_command("migrate", run_syncdb=True, verbosity=0)


def _generate(count: int) -> int:
    from django.db import connection, transaction

    from auditor.models import Repository, Scan, ScanStatus, Team

    team, _ = Team.objects.get_or_create(slug="bench", defaults={"name": "Bench"})
    repository, _ = Repository.objects.get_or_create(
        team=team, slug="bench", defaults={"name": "bench", "clone_url": "https://example.com/bench.git"}
    )
    scan = Scan.objects.create(
        repository=repository, branch="main", status=ScanStatus.SUCCEEDED, commit_sha="f" * 40
    )
    rules = (
        ("B602", "bandit", "security"),
        ("AI101", "ai-rules", "context"),
        ("AI201", "ai-rules", "temporal"),
    )
    columns = ", ".join(
        [
            "scan_id",
            "rule_id",
            "scanner",
            "category",
            "severity",
            "confidence",
            "path",
            "line",
            "end_line",
            '"column"',
            "message",
            "snippet",
            "fingerprint",
        ]
    )
    placeholders = ", ".join(["%s"] * 13)
    sql = f"INSERT INTO auditor_finding ({columns}) VALUES ({placeholders})"  # noqa: S608 (constants only)
    batch = 10_000
    with transaction.atomic(), connection.cursor() as cursor:
        for start in range(0, count, batch):
            rows = []
            for i in range(start, min(start + batch, count)):
                rule, scanner, category = rules[i % 3]
                rows.append(
                    (
                        scan.pk,
                        rule,
                        scanner,
                        category,
                        i % 5,
                        2,
                        f"pkg/module_{i % 997}/file_{i % 31}.py",
                        i % 4000 + 1,
                        i % 4000 + 1,
                        4,
                        f"=finding {i}: something looks wrong here",
                        f"call_something(argument_{i}, other=True)",
                        f"{i:064x}",
                    )
                )
            cursor.executemany(sql, rows)
    Scan.objects.filter(pk=scan.pk).update(findings_total=count)
    return scan.pk


def _export(scan_id: int, fmt: str, out: Path) -> dict[str, float]:
    from auditor.models import Finding, Scan
    from auditor.services.exports import ExportMeta, export_stream

    scan = Scan.objects.select_related("repository").get(pk=scan_id)
    findings = Finding.objects.filter(scan=scan).order_by("-severity", "path", "line", "id")
    _reset_peak()
    before = _rss_mib("VmRSS")
    started = time.monotonic()
    size = 0
    with out.open("w", encoding="utf-8", newline="") as fh:
        for chunk in export_stream(fmt, findings, ExportMeta(title="bench", scan=scan)):
            size += fh.write(chunk)
    return {
        "seconds": round(time.monotonic() - started, 1),
        "rss_before_mib": round(before, 1),
        "peak_rss_mib": round(_rss_mib("VmHWM"), 1),
        "growth_mib": round(_rss_mib("VmHWM") - before, 1),
        "output_mib": round(out.stat().st_size / 2**20, 1),
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--findings", type=int, default=1_000_000)
    parser.add_argument("--bound-mib", type=float, default=150.0)
    parser.add_argument("--formats", default="csv,json,sarif")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="export-bench-") as tmp_name:
        tmp = Path(tmp_name)
        _setup(tmp)
        started = time.monotonic()
        scan_id = _generate(args.findings)
        print(f"generated {args.findings:,} findings in {time.monotonic() - started:.0f} s")
        results: dict[str, object] = {"findings": args.findings, "bound_mib": args.bound_mib, "formats": {}}
        failed = False
        for fmt in args.formats.split(","):
            measured = _export(scan_id, fmt, tmp / f"export.{fmt}")
            results["formats"][fmt] = measured  # type: ignore[index]
            ok = measured["growth_mib"] <= args.bound_mib
            failed |= not ok
            print(
                f"{fmt:6} {measured['seconds']:7.1f} s  output {measured['output_mib']:8.1f} MiB  "
                f"RSS {measured['rss_before_mib']:.0f} → peak {measured['peak_rss_mib']:.0f} MiB "
                f"(+{measured['growth_mib']:.1f}) {'ok' if ok else 'OVER BOUND'}"
            )
    RESULTS.mkdir(parents=True, exist_ok=True)
    (RESULTS / "export_memory.json").write_text(json.dumps(results, indent=2) + "\n")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
