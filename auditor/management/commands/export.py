"""`python manage.py export SCAN_ID --format csv|json|sarif|pdf --output FILE`."""

from __future__ import annotations

import sys
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from auditor.management.scan_argument import scan_or_error
from auditor.models import Finding
from auditor.services.exports import FORMATS, ExportMeta, export_stream
from auditor.services.exports_report import report_pdf_for_scan


class Command(BaseCommand):
    help = "Export a scan's findings as CSV, JSON, SARIF 2.1.0, or its printable report as PDF."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("scan_id", type=int)
        parser.add_argument("--format", choices=[*FORMATS, "pdf"], default="json")
        parser.add_argument("--output", default="-", help="file to write; '-' (default) is standard output")

    def handle(self, *args: Any, **options: Any) -> None:
        scan = scan_or_error(options["scan_id"])
        fmt, output = options["format"], options["output"]
        if fmt == "pdf":
            if output == "-":
                raise CommandError("--output FILE is required for pdf")
            with open(output, "wb") as fh:
                fh.write(report_pdf_for_scan(scan))
            self.stderr.write(f"wrote {output}")
            return
        findings = Finding.objects.filter(scan=scan).order_by("-severity", "path", "line", "id")
        chunks = export_stream(
            fmt, findings, ExportMeta(title=f"Scan #{scan.pk} of {scan.repository.name}", scan=scan)
        )
        if output == "-":
            for chunk in chunks:
                sys.stdout.write(chunk)
            return
        # newline="" keeps the CSV writer's CRLF line ends as they are.
        with open(output, "w", encoding="utf-8", newline="") as fh:
            for chunk in chunks:
                fh.write(chunk)
        self.stderr.write(f"wrote {output}")
