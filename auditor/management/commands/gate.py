"""`manage.py gate SCAN_ID`: the quality gate's verdict for CI. Exit 0 pass, 1 fail."""

from __future__ import annotations

import json
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from auditor.management.scan_argument import scan_or_error
from auditor.models import ScanStatus
from auditor.selectors.contracts import team_settings_for
from auditor.selectors.gate import gate_evaluate, gate_result_for


class Command(BaseCommand):
    help = "Print a scan's quality gate verdict with the failing conditions; exit 1 when it fails."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("scan_id", type=int)
        parser.add_argument("--json", action="store_true", help="print the verdict as JSON")

    def handle(self, *args: Any, **options: Any) -> None:
        scan = scan_or_error(options["scan_id"])
        if scan.status != ScanStatus.SUCCEEDED:
            raise CommandError(
                f"Scan #{scan.pk} is {scan.status}: the gate is evaluated on succeeded scans only."
            )
        stored = gate_result_for(scan)
        if stored is not None:
            passed, conditions = stored.passed, stored.conditions
        else:
            # Scans ingested before the gate existed: evaluate now, without writing.
            evaluated = gate_evaluate(scan, team_settings_for(scan.repository.team))
            passed, conditions = all(c.passed for c in evaluated), [c.__dict__ for c in evaluated]
        if options["json"]:
            self.stdout.write(json.dumps({"scan": scan.pk, "passed": passed, "conditions": conditions}))
        else:
            self.stdout.write(
                f"Quality gate of scan #{scan.pk} ({scan.repository.name}@{scan.commit_sha[:10]}): "
                f"{'PASSED' if passed else 'FAILED'}"
            )
            for c in conditions:
                mark = "ok  " if c["passed"] else "FAIL"
                self.stdout.write(f"  [{mark}] {c['label']}: {c['message']}")
        if not passed:
            raise SystemExit(1)
