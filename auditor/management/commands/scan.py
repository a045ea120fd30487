from __future__ import annotations

import time
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction

from auditor.models import Repository, Scan, ScanTrigger
from auditor.services.scans import scan_request


class Command(BaseCommand):
    help = "Queue a scan of a registered repository through Celery, as the UI does."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("name", help="repository name (or id)")
        parser.add_argument("--team", help="team name, when several teams have a repository of that name")
        parser.add_argument("--branch", help="branch to scan (default: the repository's)")
        parser.add_argument(
            "--wait", action="store_true", help="block until the scan finishes and print a summary"
        )
        parser.add_argument("--timeout", type=float, default=3600, help="seconds to wait with --wait")

    def _repository(self, name: str, team: str | None) -> Repository:
        repositories = Repository.objects.select_related("team")
        matches = repositories.filter(pk=int(name)) if name.isdigit() else repositories.filter(name=name)
        if team:
            matches = matches.filter(team__name=team)
        found = list(matches[:2])
        if not found:
            raise CommandError(f"No repository called {name!r}. Register it with add_repo.")
        if len(found) > 1:
            raise CommandError(f"Several teams have a repository called {name!r}; pass --team.")
        return found[0]

    def handle(self, *args: Any, **options: Any) -> None:
        repository = self._repository(options["name"], options["team"])
        with transaction.atomic():
            scan = scan_request(repository=repository, trigger=ScanTrigger.CLI, branch=options["branch"])
        self.stdout.write(f"Queued scan #{scan.pk} of {repository.name} ({scan.branch}).")
        if not options["wait"]:
            return
        deadline = time.monotonic() + options["timeout"]
        last_status = ""
        while True:
            scan = Scan.objects.get(pk=scan.pk)
            if scan.status != last_status:
                self.stdout.write(f"  {scan.status}")
                last_status = scan.status
            if scan.is_finished:
                break
            if time.monotonic() > deadline:
                raise CommandError(f"Scan #{scan.pk} still {scan.status} after {options['timeout']:.0f} s.")
            time.sleep(0.5)
        self._summary(scan)

    def _summary(self, scan: Scan) -> None:
        if scan.status != "succeeded":
            raise CommandError(f"Scan #{scan.pk} {scan.status}: {scan.error_text} [{scan.error_code}]")
        self.stdout.write(
            f"Scan #{scan.pk} succeeded in {scan.duration_seconds or 0:.1f} s at {scan.commit_sha[:12]}: "
            f"{scan.files_scanned} files, {scan.findings_total} findings"
        )
        for label in ("critical", "high", "medium", "low", "info"):
            if scan.severity_counts.get(label):
                self.stdout.write(f"  {label:<9} {scan.severity_counts[label]}")
        for category, count in sorted(scan.category_counts.items()):
            self.stdout.write(f"  [{category}] {count}")
