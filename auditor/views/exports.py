"""Export downloads: a scan's findings, or any filtered findings list, streamed."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, StreamingHttpResponse
from django.views.decorators.http import require_GET

from auditor.models import Finding
from auditor.permissions import scan_for_user
from auditor.selectors.exports import finding_export_queryset, finding_filter
from auditor.selectors.finding_filters import FindingFilters
from auditor.services.exports import CONTENT_TYPES, FORMATS, ExportMeta, export_filename, export_stream


def streaming_export(fmt: str, findings: object, meta: ExportMeta) -> StreamingHttpResponse:
    """The export as a streamed attachment (shared by the web views and the API)."""
    if fmt not in FORMATS:
        raise Http404("Unknown export format.")
    response = StreamingHttpResponse(export_stream(fmt, findings, meta), content_type=CONTENT_TYPES[fmt])  # type: ignore[arg-type]
    response["Content-Disposition"] = f'attachment; filename="{export_filename(meta, fmt)}"'
    response["X-Content-Type-Options"] = "nosniff"
    return response


@login_required
@require_GET
def scan_export(request: HttpRequest, scan_id: int, fmt: str) -> StreamingHttpResponse:
    """The scan's findings, narrowed by the scan page's filters (same query string)."""
    scan = scan_for_user(request.user, scan_id)
    filters = FindingFilters.from_query(request.GET.dict())
    findings = finding_filter(Finding.objects.filter(scan=scan), filters)
    return streaming_export(
        fmt, findings, ExportMeta(title=f"Scan #{scan.pk} of {scan.repository.name}", scan=scan)
    )


@login_required
@require_GET
def findings_export(request: HttpRequest, fmt: str) -> StreamingHttpResponse:
    """The findings list page's selection (same query string), or `?scan=ID&…` filters."""
    findings = finding_export_queryset(request.user, FindingFilters.from_query(request.GET.dict()))
    return streaming_export(fmt, findings, ExportMeta(title="Findings"))
