from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError

from auditor.services.demo import DEMO_PASSWORD, DEMO_USERNAME, DemoRefused, demo_create


class Command(BaseCommand):
    help = "Create the demo team, user (demo/demo) and sample repository, and queue its first scan."

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            setup = demo_create()
        except DemoRefused as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(f"Demo repository: {setup.repository.name} ({setup.repository.clone_url})")
        if setup.scan:
            self.stdout.write(f"Queued its first scan: #{setup.scan.pk}")
        self.stdout.write(f"Sign in at http://127.0.0.1:8000 as {DEMO_USERNAME} / {DEMO_PASSWORD}")
