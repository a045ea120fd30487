"""The scan a management command names by id (`manage.py export 42`, `manage.py gate 42`)."""

from __future__ import annotations

from django.core.management.base import CommandError

from auditor.models import Scan


def scan_or_error(scan_id: int) -> Scan:
    """The scan with its repository and team, or a CommandError naming the missing id."""
    scan = Scan.objects.select_related("repository", "repository__team").filter(pk=scan_id).first()
    if scan is None:
        raise CommandError(f"No scan #{scan_id}.")
    return scan
